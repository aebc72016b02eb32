package memrel

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/memrel/memrel/internal/meta"

	"github.com/hashicorp/go-memdb"
	mdbix "github.com/memrel/memrel/internal/engine/memdb"
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
	db  *memdb.DBSchema // built by the first successful Open
	err error           // the first Open's verdict
}

// NewSchema returns an empty schema.
func NewSchema() *Schema {
	return &Schema{m: meta.Schema{ByName: map[string]*meta.Table{}}}
}

// Open validates the schema and returns a new, empty store. Every mistake
// in the definitions is reported in one *SchemaError. Opening costs one
// go-memdb database: microseconds, so a store per test is cheap.
func (s *Schema) Open() (*Store, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if !s.m.Sealed {
		s.err = s.m.Seal()
		if s.err == nil {
			s.db = &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
			for _, t := range s.m.Tables {
				s.db.Tables[t.Name] = memdbSchema(t)
			}
		}
	}
	db, err := s.db, s.err
	s.mu.Unlock()
	if se, ok := err.(*SchemaError); ok {
		// Every Open reports the verdict of the first: each caller gets
		// its own copy, so one changing it cannot change another's.
		return nil, &SchemaError{Problems: slices.Clone(se.Problems)}
	}
	if err != nil {
		return nil, err
	}
	mdb, err := memdb.NewMemDB(db)
	if err != nil {
		return nil, fmt.Errorf("memrel: go-memdb rejected the schema: %w", err)
	}
	return &Store{schema: s, db: mdb, seqs: make([]sequence, len(s.m.Tables))}, nil
}

// check refuses a nil Schema.
func (s *Schema) check() error {
	if s == nil {
		return fmt.Errorf("%w: nil Schema", ErrWrongStore)
	}
	return nil
}

// memdbSchema builds the table's indexes: the primary key, one per unique
// field, one per indexed field, and the association indexes registered by
// resolve. Every write touches each of them, so none is built that no
// lookup uses.
func memdbSchema(t *meta.Table) *memdb.TableSchema {
	ts := &memdb.TableSchema{Name: t.Name, Indexes: map[string]*memdb.IndexSchema{}}
	for _, f := range append([]*meta.Field{t.PK}, t.Uniques...) {
		name := t.EqIndex(f)
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, Unique: true, AllowMissing: true,
			Indexer: mdbix.Indexer{Key: fieldKey(t, f, true), Size: meta.KeyWidth(f)}}
		t.IxOf[f] = name
	}
	for _, f := range t.Fields {
		if f.Indexed && !f.Unique && !f.PK {
			if _, ok := t.IxOf[f]; !ok {
				name := "i:" + f.Name
				t.Indexes[name] = []*meta.Field{f}
				t.IxOf[f] = name
			}
		}
	}
	for name, cols := range t.Indexes {
		// go-memdb appends the primary key to keys of non-unique indexes.
		size := 0
		if w, pw := meta.KeyWidth(cols...), meta.KeyWidth(t.PK); w > 0 && pw > 0 {
			size = w + pw
		}
		// A foreign key index leaves out rows whose foreign key is NULL,
		// like a PostgreSQL index WHERE fk IS NOT NULL: it serves
		// associations, which never look NULL up, and un-associating a
		// row costs one index write instead of two. Tagging the column
		// "index" makes it a full index again, for IS NULL and ordering.
		partial := strings.HasPrefix(name, "fk:") && !(len(cols) == 1 && cols[0].Indexed)
		t.Partial[name] = partial
		fn := compoundKey(t, cols, partial)
		if len(cols) == 1 {
			fn = fieldKey(t, cols[0], partial)
		}
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, AllowMissing: partial, Indexer: mdbix.Indexer{Key: fn, Size: size}}
	}
	return ts
}
