package memrel

import (
	"fmt"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

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

// OpenEngine opens a new store of s on e, an engine database of memrel's
// own engine modules (pg.Open calls it), with the store options opts:
// every operation of the store runs on e through the same rules as on
// memrel's memory engine. The engine type lives under internal/, so only
// packages under github.com/memrel/memrel can call it.
func OpenEngine(s *Schema, e engine.DB, opts ...StoreOption) (*Store, error) {
	if _, err := s.seal(); err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("%w: OpenEngine with a nil engine", ErrWrongStore)
	}
	return s.open(e, opts), nil
}

// open returns a new store of s, which is sealed, on e.
func (s *Schema) open(e engine.DB, opts []StoreOption) *Store {
	d := &rel.DB{E: e}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(d)
		}
	}
	return s.store(d)
}
