package memrel

import (
	"fmt"
	"slices"
	"sync"

	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"

	"github.com/memrel/memrel/internal/engine/memdb"
)

// Schema holds model and association definitions. Define models with
// [Define], associate them with [NewHasMany], then call [Schema.Open] as
// often as needed: each call returns an independent, empty [Store].
//
// Definitions are not safe for concurrent use and must all happen before
// the first Open; defining after Open panics. Open itself may be called
// concurrently.
//
// The zero Schema is an empty schema, as from NewSchema. On a nil *Schema,
// Open, Load and LoadFile fail with ErrWrongStore, and [Define] returns a
// zero Model.
type Schema struct {
	mu  sync.Mutex
	m   meta.Schema
	db  *memdb.Schema // built by the first successful Open
	err error         // the first Open's verdict
}

// NewSchema returns an empty schema.
func NewSchema() *Schema {
	return &Schema{m: meta.Schema{ByName: map[string]*meta.Table{}}}
}

// Open validates the schema and returns a new, empty store. Every mistake
// in the definitions is reported in one *SchemaError. The first Open
// builds the schema's empty database; every Open after it costs a few
// small allocations whatever the schema, so a store per test is cheap
// (and [Store.Fork] copies a filled one as cheaply).
func (s *Schema) Open(opts ...StoreOption) (*Store, error) {
	db, err := s.seal()
	if err != nil {
		return nil, err
	}
	return s.open(db.Open(), opts), nil
}

// seal validates the definitions and builds the schema's empty database
// on the first call; every call returns the first one's verdict.
func (s *Schema) seal() (*memdb.Schema, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if !s.m.Sealed {
		s.err = s.m.Seal()
		if s.err == nil {
			s.db, s.err = memdb.Compile(&s.m)
		}
	}
	db, err := s.db, s.err
	s.mu.Unlock()
	if se, ok := err.(*SchemaError); ok {
		// Every caller gets its own copy of the verdict, so one changing
		// it cannot change another's.
		return nil, &SchemaError{Problems: slices.Clone(se.Problems)}
	}
	return db, err
}

// store returns a new Store of s on d.
func (s *Schema) store(d *rel.DB) *Store {
	st := &Store{schema: s}
	st.db.Store(d)
	return st
}

// check refuses a nil Schema.
func (s *Schema) check() error {
	if s == nil {
		return fmt.Errorf("%w: nil Schema", ErrWrongStore)
	}
	return nil
}
