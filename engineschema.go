package memrel

import "github.com/memrel/memrel/internal/meta"

// EngineSchema returns the definitions of s, validated as [Schema.Open]
// validates them (the same *SchemaError when they are wrong), for memrel's
// own engine modules: the type it returns lives under internal/, so only
// packages under github.com/memrel/memrel can use it. The PostgreSQL engine
// (github.com/memrel/memrel/pg) derives its tables and constraints from
// it. The schema is sealed afterwards, as by Open: defining more panics.
// The result is shared and must not be modified.
func EngineSchema(s *Schema) (*meta.Schema, error) {
	if _, err := s.seal(); err != nil {
		return nil, err
	}
	return &s.m, nil
}
