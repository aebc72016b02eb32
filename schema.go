package memrel

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"

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
	mu       sync.Mutex
	tables   []*Table
	byName   map[string]*Table
	assocs   []*Relation
	problems []SchemaProblem
	sealed   bool
	db       *memdb.DBSchema // built by the first successful Open
	err      error           // the first Open's verdict
}

// NewSchema returns an empty schema.
func NewSchema() *Schema {
	return &Schema{byName: map[string]*Table{}}
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
func (s *Schema) addTable(name string, typ reflect.Type) *Table {
	s.checkOpen()
	if s.byName == nil { // the zero Schema
		s.byName = map[string]*Table{}
	}
	t := &Table{Name: name, Type: typ, Schema: s, ByName: map[string]*Field{}, Zeroers: map[string]func(unsafe.Pointer){},
		IxOf: map[*Field]string{}, Indexes: map[string][]*Field{}, Partial: map[string]bool{}}
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
		f, err := NewField(sf)
		if err != nil {
			s.problem(name, sf.Name, "%v", err)
			continue
		}
		if f == nil {
			t.Zeroers[sf.Name] = nil // an association may claim it with a typed zeroer
			continue
		}
		if other, dup := t.ByName[f.Name]; dup {
			s.problem(name, sf.Name, "column %q also used by %s", f.Name, other.GoName)
			continue
		}
		t.Fields = append(t.Fields, f)
		t.ByName[f.Name] = f
		if f.PK {
			if t.PK != nil {
				s.problem(name, sf.Name, "second primary key (first is %s); composite keys are not supported", t.PK.GoName)
			}
			t.PK = f
		}
		if f.NeedsOwn() {
			t.Owned = append(t.Owned, f)
		}
		if f.Unique && !f.PK {
			t.Uniques = append(t.Uniques, f)
		}
	}
	// Go field names are accepted too, where they do not clash.
	for _, f := range t.Fields {
		if _, taken := t.ByName[f.GoName]; !taken {
			t.ByName[f.GoName] = f
		}
	}
	if t.PK == nil {
		if f, ok := t.ByName["id"]; ok && (f.Kind == Int || f.Kind == Uint) {
			// An integer field named ID is the auto-increment key, as in Sequelize.
			f.PK, f.AutoInc, f.NotNull = true, true, true
			t.PK = f
		} else {
			s.problem(name, "", "no primary key: tag a field with pk or name it ID")
		}
	}
	t.Pos = len(s.tables)
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
	return &Store{schema: s, db: mdb, seqs: make([]sequence, len(s.tables))}, nil
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
		for name, z := range t.Zeroers {
			if z != nil {
				t.Zero = append(t.Zero, z)
				continue
			}
			// Nothing typed clears this field (tagged "-", unexported):
			// rows are copied column by column instead.
			t.Columnwise = true
			if !s.claimed(t, name) {
				sf, _ := t.Type.FieldByName(name)
				if sf.IsExported() && sf.Tag.Get("memrel") != "-" {
					s.problem(t.Name, name, "unsupported type %s: tag it memrel:\"-\" or use it as an association field", sf.Type)
				}
			}
		}
	}
	if len(s.problems) > 0 {
		return &SchemaError{Problems: s.problems}
	}
	db := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range s.tables {
		db.Tables[t.Name] = t.memdbSchema()
	}
	s.db = db
	return nil
}

// claimed reports whether an association fills the struct field name.
func (s *Schema) claimed(t *Table, name string) bool {
	for _, a := range s.assocs {
		if (a.Source == t && a.ManyField == name) || (a.Target == t && a.OneField == name) {
			return true
		}
	}
	return false
}

// memdbSchema builds the table's indexes: the primary key, one per unique
// field, one per indexed field, and the association indexes registered by
// resolve. Every write touches each of them, so none is built that no
// lookup uses.
func (t *Table) memdbSchema() *memdb.TableSchema {
	ts := &memdb.TableSchema{Name: t.Name, Indexes: map[string]*memdb.IndexSchema{}}
	for _, f := range append([]*Field{t.PK}, t.Uniques...) {
		name := t.eqIndex(f)
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, Unique: true, AllowMissing: true,
			Indexer: mdbix.Indexer{Key: t.fieldKey(f, true), Size: KeyWidth(f)}}
		t.IxOf[f] = name
	}
	for _, f := range t.Fields {
		if f.Indexed && !f.Unique && !f.PK {
			if _, ok := t.IxOf[f]; !ok {
				name := "i:" + f.Name
				t.Indexes[name] = []*Field{f}
				t.IxOf[f] = name
			}
		}
	}
	for name, cols := range t.Indexes {
		// go-memdb appends the primary key to keys of non-unique indexes.
		size := 0
		if w, pw := KeyWidth(cols...), KeyWidth(t.PK); w > 0 && pw > 0 {
			size = w + pw
		}
		// A foreign key index leaves out rows whose foreign key is NULL,
		// like a PostgreSQL index WHERE fk IS NOT NULL: it serves
		// associations, which never look NULL up, and un-associating a
		// row costs one index write instead of two. Tagging the column
		// "index" makes it a full index again, for IS NULL and ordering.
		partial := strings.HasPrefix(name, "fk:") && !(len(cols) == 1 && cols[0].Indexed)
		t.Partial[name] = partial
		fn := t.compoundKey(cols, partial)
		if len(cols) == 1 {
			fn = t.fieldKey(cols[0], partial)
		}
		ts.Indexes[name] = &memdb.IndexSchema{Name: name, AllowMissing: partial, Indexer: mdbix.Indexer{Key: fn, Size: size}}
	}
	return ts
}

// eqIndex names the unique index that finds a row by f, or "".
func (t *Table) eqIndex(f *Field) string {
	switch {
	case f.PK:
		return "id"
	case f.Unique:
		return "u:" + f.Name
	}
	return ""
}
