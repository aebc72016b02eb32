// Package meta is memrel's engine-neutral schema: models as tables of
// typed columns, their keys and unique fields, the relations between them
// (source, target, foreign key, source key, scope, referential actions,
// aliases) and the access paths those relations need. It knows nothing of
// how an engine stores rows: no engine imports flow up into it, and the
// layers above read it, never change it, once the schema is open.
package meta

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
)

// Schema is the metadata of every model and relation declared on one
// memrel.Schema, in declaration order, with the problems found while
// declaring them. It is built by one goroutine and read by many once
// Sealed.
type Schema struct {
	Tables    []*Table
	ByName    map[string]*Table
	Relations []*Relation
	// Through names the belongsToMany sides by table and alias
	// (Post.tags), which share the namespace of the other associations.
	Through  map[*Table]map[string]string
	Problems []errs.SchemaProblem
	// Sealed is set by the first Open: declaring anything after it panics.
	Sealed bool
}

// CheckOpen panics when the schema is sealed.
func (s *Schema) CheckOpen() {
	if s.Sealed {
		panic("memrel: definition after Schema.Open")
	}
}

// Problem records a mistake in a definition; Open reports them all, each
// once: a problem already recorded (the same model, field and reason, as
// when two declarations share one alias and so one mistake) is not
// recorded again.
func (s *Schema) Problem(model, field, format string, args ...any) {
	p := errs.SchemaProblem{Model: model, Field: field, Reason: fmt.Sprintf(format, args...)}
	if !slices.Contains(s.Problems, p) {
		s.Problems = append(s.Problems, p)
	}
}

// AddTable resolves the fields of a struct type once; the typed layer
// supplies the row operations (Ptr, NewRow, Clone, CloneAll).
func (s *Schema) AddTable(name string, typ reflect.Type) *Table {
	s.CheckOpen()
	if s.ByName == nil { // the zero Schema
		s.ByName = map[string]*Table{}
	}
	t := &Table{Name: name, Type: typ, Schema: s, ByName: map[string]*Field{}, Zeroers: map[string]func(unsafe.Pointer){},
		IndexOf: map[*Field]*Index{}}
	if _, dup := s.ByName[name]; dup {
		s.Problem(name, "", "model defined twice")
		return t // not registered: its own problems would only repeat
	}
	if typ.Kind() != reflect.Struct {
		s.Problem(name, "", "model type %s is not a struct", typ)
		return t
	}
	cols := columnFields(t, typ)
	for _, sf := range cols {
		f, err := NewField(sf)
		if err != nil {
			s.Problem(name, sf.Name, "%v", err)
			continue
		}
		if f == nil {
			t.Zeroers[sf.Name] = nil // an association may claim it with a typed zeroer
			continue
		}
		if other, dup := t.ByName[f.Name]; dup {
			s.Problem(name, sf.Name, "column %q also used by %s", f.Name, other.GoName)
			continue
		}
		t.Fields = append(t.Fields, f)
		t.ByName[f.Name] = f
		if f.PK {
			// Several pk fields form a composite key, in struct order.
			f.NotNull = true
			t.Key = append(t.Key, f)
			if t.PK == nil {
				t.PK = f
			}
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
			t.Key = []*Field{f}
		} else {
			s.Problem(name, "", "no primary key: tag a field with pk or name it ID")
		}
	}
	if len(t.Key) > MaxKeyFields {
		s.Problem(name, "", "a primary key of %d fields: at most %d", len(t.Key), MaxKeyFields)
	}
	if len(t.Key) > 1 {
		for _, f := range t.Key {
			if sf, _ := typ.FieldByName(f.GoName); f.AutoInc && sf.Tag.Get("memrel") == "" && sf.Tag.Get("gorm") != "" {
				f.AutoInc = false // GORM counts up single integer keys only
			}
			if f.AutoInc {
				s.Problem(name, f.GoName, "autoinc on a field of a composite primary key: auto-increment needs a single integer key")
			}
		}
	}
	if t.PK != nil {
		t.declareKeys()
		for _, idx := range sortedIndexes(uniqueIndexes(cols)) {
			t.AddUnique(idx)
		}
		t.gormStamps(cols)
	}
	t.Pos = len(s.Tables)
	s.Tables = append(s.Tables, t)
	s.ByName[name] = t
	return t
}

// columnFields lists the struct fields of typ that may be columns, in
// struct order: its own, and those of the structs it embeds by value,
// flattened as GORM does (the gorm.Model shape), with offsets from the
// start of typ. A field shadowed by a shallower one of the same name is
// left out, as Go's selectors leave it. An embedded struct that is itself
// a column's type (time.Time, sql.NullString) stays one field; an
// embedded pointer is a problem, since a row must be one block of memory
// that a copy duplicates.
func columnFields(tbl *Table, typ reflect.Type) []reflect.StructField {
	s, model := tbl.Schema, tbl.Name
	var out []reflect.StructField
	// offs maps an embedded field's index path to its offset in typ; a
	// path absent from it is one whose fields stay inside their field.
	offs := map[string]uintptr{"": 0}
	// seen counts the visible fields of each flattened struct and fields
	// the fields it holds: fewer seen means one is shadowed.
	seen, fields := map[string]int{}, map[string]int{}
	for _, sf := range reflect.VisibleFields(typ) {
		parent := fmt.Sprint(sf.Index[:len(sf.Index)-1])
		if len(sf.Index) == 1 {
			parent = ""
		}
		base, ok := offs[parent]
		if !ok {
			continue
		}
		sf.Offset += base
		seen[parent]++
		if sf.Anonymous && sf.Tag.Get("memrel") == "" {
			switch t := sf.Type; {
			case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
				s.Problem(model, sf.Name, "embedded %s: embed the struct by value", t)
				continue
			case t.Kind() == reflect.Struct && t != timeType && !nullShape(t):
				offs[fmt.Sprint(sf.Index)] = sf.Offset
				fields[fmt.Sprint(sf.Index)] = t.NumField()
				continue
			}
		}
		out = append(out, sf)
	}
	for path, n := range fields {
		if seen[path] < n {
			// A shadowed field is no column: rows are copied column by
			// column, which leaves it out.
			tbl.Columnwise = true
		}
	}
	return out
}

// sortedIndexes lists m's field lists in the order of their names, so a
// schema's constraints do not depend on map order.
func sortedIndexes(m map[string][]string) [][]string {
	names := slices.Sorted(maps.Keys(m))
	out := make([][]string, len(names))
	for i, n := range names {
		out[i] = m[n]
	}
	return out
}

// Seal ends the definitions: it settles how rows are copied and reports
// every problem found, as one *SchemaError owned by the schema.
func (s *Schema) Seal() error {
	s.Sealed = true
	for _, t := range s.Tables {
		t.checkStamps()
		t.sealAssocs()
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
				if sf.IsExported() && sf.Tag.Get("memrel") != "-" && !foreignTag(sf).skip {
					s.Problem(t.Name, name, "unsupported type %s: tag it memrel:\"-\", memrel:\",json\" to store it as JSON text, or use it as an association field", sf.Type)
				}
			}
		}
	}
	if len(s.Problems) > 0 {
		return &errs.SchemaError{Problems: s.Problems}
	}
	return nil
}

// FilledBy returns the first association declared before a that fills
// the struct field name of t, with many set when it fills it with the
// association's targets (as a hasMany) rather than its source (as the
// inverse belongsTo); nil when none does.
func (s *Schema) FilledBy(t *Table, name string, a *Relation) (other *Relation, many bool) {
	for _, o := range s.Relations {
		switch {
		case o == a:
			return nil, false
		case o.Source == t && o.ManyField == name:
			return o, true
		case o.Target == t && o.OneField == name:
			return o, false
		}
	}
	return nil, false
}

// claimed reports whether an association fills the struct field name.
func (s *Schema) claimed(t *Table, name string) bool {
	for _, a := range s.Relations {
		if (a.Source == t && a.ManyField == name) || (a.Target == t && a.OneField == name) {
			return true
		}
	}
	return false
}
