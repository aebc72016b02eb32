package memrel

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/index"
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
	mu       sync.Mutex
	tables   []*table
	byName   map[string]*table
	assocs   []*assoc
	problems []SchemaProblem
	sealed   bool
	db       *memdb.DBSchema // built by the first successful Open
	err      error           // the first Open's verdict
}

// NewSchema returns an empty schema.
func NewSchema() *Schema {
	return &Schema{byName: map[string]*table{}}
}

func (s *Schema) checkOpen() {
	if s.sealed {
		panic("memrel: definition after Schema.Open")
	}
}

func (s *Schema) problem(model, field, format string, args ...any) {
	s.problems = append(s.problems, SchemaProblem{Model: model, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// addTable resolves the fields of a struct type once; Define[T] supplies the
// typed operations.
func (s *Schema) addTable(name string, typ reflect.Type) *table {
	s.checkOpen()
	if s.byName == nil { // the zero Schema
		s.byName = map[string]*table{}
	}
	t := &table{name: name, typ: typ, schema: s, byName: map[string]*field{}, zeroers: map[string]func(unsafe.Pointer){},
		ixOf: map[*field]string{}, indexes: map[string][]*field{}, partial: map[string]bool{}}
	if _, dup := s.byName[name]; dup {
		s.problem(name, "", "model defined twice")
		return t // not registered: its own problems would only repeat
	}
	if typ.Kind() != reflect.Struct {
		s.problem(name, "", "model type %s is not a struct", typ)
		return t
	}
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		f, err := newField(sf)
		if err != nil {
			s.problem(name, sf.Name, "%v", err)
			continue
		}
		if f == nil {
			t.zeroers[sf.Name] = nil // an association may claim it with a typed zeroer
			continue
		}
		if other, dup := t.byName[f.name]; dup {
			s.problem(name, sf.Name, "column %q also used by %s", f.name, other.goName)
			continue
		}
		t.fields = append(t.fields, f)
		t.byName[f.name] = f
		if f.pk {
			if t.pk != nil {
				s.problem(name, sf.Name, "second primary key (first is %s); composite keys are not supported", t.pk.goName)
			}
			t.pk = f
		}
		if f.needsOwn() {
			t.owned = append(t.owned, f)
		}
		if f.unique && !f.pk {
			t.uniques = append(t.uniques, f)
		}
	}
	// Go field names are accepted too, where they do not clash.
	for _, f := range t.fields {
		if _, taken := t.byName[f.goName]; !taken {
			t.byName[f.goName] = f
		}
	}
	if t.pk == nil {
		if f, ok := t.byName["id"]; ok && (f.kind == kInt || f.kind == kUint) {
			// An integer field named ID is the auto-increment key, as in Sequelize.
			f.pk, f.autoInc, f.notNull = true, true, true
			t.pk = f
		} else {
			s.problem(name, "", "no primary key: tag a field with pk or name it ID")
		}
	}
	t.pos = len(s.tables)
	s.tables = append(s.tables, t)
	s.byName[name] = t
	return t
}

// Open validates the schema and returns a new, empty store. Every mistake
// in the definitions is reported in one *SchemaError. Opening costs one
// go-memdb database: microseconds, so a store per test is cheap.
func (s *Schema) Open() (*Store, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if !s.sealed {
		s.sealed = true
		s.err = s.compile()
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
	st := &Store{schema: s, db: mdb, seqs: make([]sequence, len(s.tables))}
	st.rdb.Store(mdb)
	return st, nil
}

// check refuses a nil Schema.
func (s *Schema) check() error {
	if s == nil {
		return fmt.Errorf("%w: nil Schema", ErrWrongStore)
	}
	return nil
}

// compile resolves associations, builds the go-memdb schema and collects
// every problem.
func (s *Schema) compile() error {
	for _, t := range s.tables {
		for name, z := range t.zeroers {
			if z != nil {
				t.zero = append(t.zero, z)
				continue
			}
			// Nothing typed clears this field (tagged "-", unexported):
			// rows are copied column by column instead.
			t.columnwise = true
			if !s.claimed(t, name) {
				sf, _ := t.typ.FieldByName(name)
				if sf.IsExported() && sf.Tag.Get("memrel") != "-" {
					s.problem(t.name, name, "unsupported type %s: tag it memrel:\"-\" or use it as an association field", sf.Type)
				}
			}
		}
	}
	if len(s.problems) > 0 {
		return &SchemaError{Problems: s.problems}
	}
	db := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range s.tables {
		db.Tables[t.name] = t.memdbSchema()
	}
	s.db = db
	return nil
}

// claimed reports whether an association fills the struct field name.
func (s *Schema) claimed(t *table, name string) bool {
	for _, a := range s.assocs {
		if (a.source == t && a.manyField == name) || (a.target == t && a.oneField == name) {
			return true
		}
	}
	return false
}

// memdbSchema builds the table's indexes: the primary key, one per unique
// field, one per indexed field, and the association indexes registered by
// resolve. Every write touches each of them, so none is built that no
// lookup uses.
func (t *table) memdbSchema() *memdb.TableSchema {
	ts := &memdb.TableSchema{Name: t.name, Indexes: map[string]*memdb.IndexSchema{}}
	for _, f := range append([]*field{t.pk}, t.uniques...) {
		name := t.eqIndex(f)
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, Unique: true, AllowMissing: true,
			Indexer: index.Indexer{Key: t.fieldKey(f, true), Size: keyWidth(f)}}
		t.ixOf[f] = name
	}
	for _, f := range t.fields {
		if f.indexed && !f.unique && !f.pk {
			if _, ok := t.ixOf[f]; !ok {
				name := "i:" + f.name
				t.indexes[name] = []*field{f}
				t.ixOf[f] = name
			}
		}
	}
	for name, cols := range t.indexes {
		// go-memdb appends the primary key to keys of non-unique indexes.
		size := 0
		if w, pw := keyWidth(cols...), keyWidth(t.pk); w > 0 && pw > 0 {
			size = w + pw
		}
		// A foreign key index leaves out rows whose foreign key is NULL,
		// like a PostgreSQL index WHERE fk IS NOT NULL: it serves
		// associations, which never look NULL up, and un-associating a
		// row costs one index write instead of two. Tagging the column
		// "index" makes it a full index again, for IS NULL and ordering.
		partial := strings.HasPrefix(name, "fk:") && !(len(cols) == 1 && cols[0].indexed)
		t.partial[name] = partial
		fn := t.compoundKey(cols, partial)
		if len(cols) == 1 {
			fn = t.fieldKey(cols[0], partial)
		}
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, AllowMissing: partial, Indexer: index.Indexer{Key: fn, Size: size}}
	}
	return ts
}

// eqIndex names the unique index that finds a row by f, or "".
func (t *table) eqIndex(f *field) string {
	switch {
	case f.pk:
		return "id"
	case f.unique:
		return "u:" + f.name
	}
	return ""
}
