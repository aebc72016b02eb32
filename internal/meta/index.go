package meta

import (
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/keys"
)

// Index is an access path a table needs, declared as a SQL schema would
// declare it (CREATE [UNIQUE] INDEX … [WHERE col IS NOT NULL]): the rules
// look rows up through it by its columns' encoded values, and an engine
// builds whatever structure answers such lookups. Every table has its
// primary key as Indexes[0].
type Index struct {
	Table *Table
	Pos   int      // position in Table.Indexes
	Cols  []*Field // the key: these columns' encodings, concatenated
	// Unique indexes hold one row per key and leave out NULL keys, which
	// never collide (PostgreSQL's rule). A non-unique index keeps rows
	// with equal keys in primary key order.
	Unique bool
	// Partial indexes leave out rows whose last column is NULL, like a
	// PostgreSQL index WHERE fk IS NOT NULL: they answer no IS NULL
	// lookup and no ordered walk over the whole column.
	Partial bool
}

// Key appends the key of row p in ix: its columns' encodings,
// concatenated. ok is false when a column is NULL and ix is unique (such
// a row is not in it: NULL never collides) or, for a single column, when
// it is NULL at all; a non-unique index of several columns keys NULL
// under the NULL tag.
func (ix *Index) Key(p unsafe.Pointer, buf []byte) (k []byte, ok bool) {
	if len(ix.Cols) == 1 {
		return ix.Cols[0].Key(p, buf)
	}
	for _, f := range ix.Cols {
		var ok bool
		if buf, ok = f.Key(p, buf); !ok {
			if ix.Unique {
				return buf, false
			}
			buf = keys.AppendNull(buf)
		}
	}
	return buf, true
}

// Violation is the error for the row at p colliding in ix: for the
// primary key its names and value, else the fields and the value (a list
// of values for several fields).
func (ix *Index) Violation(p unsafe.Pointer) error {
	t := ix.Table
	e := &errs.UniqueConstraintError{Model: t.Name}
	if ix.IsPK() {
		e.Fields, e.Value = t.KeyNames(), clone.Value(t.KeyValue(p))
		return e
	}
	vals := make([]any, len(ix.Cols))
	for i, f := range ix.Cols {
		e.Fields = append(e.Fields, f.Name)
		vals[i] = clone.Value(f.Get(p))
	}
	e.Value = vals[0]
	if len(vals) > 1 {
		e.Value = vals
	}
	return e
}

// IsPK reports whether ix is the table's primary key.
func (ix *Index) IsPK() bool { return ix.Pos == 0 }

// index returns the table's index over cols with the given properties,
// declaring it when no index has that layout yet: relations that need the
// same lookup share one index, so no write pays for a duplicate.
func (t *Table) index(cols []*Field, unique, partial bool) *Index {
	for _, ix := range t.Indexes {
		if ix.Unique == unique && ix.Partial == partial && sameFields(ix.Cols, cols) {
			return ix
		}
	}
	ix := &Index{Table: t, Pos: len(t.Indexes), Cols: cols, Unique: unique, Partial: partial}
	t.Indexes = append(t.Indexes, ix)
	return ix
}

func sameFields(a, b []*Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// declareKeys declares the indexes a table has whatever its relations:
// the primary key first, one per unique field, one per field tagged index.
func (t *Table) declareKeys() {
	// The primary key first: Indexes[0]. A composite key's index answers
	// no lookup on one of its fields alone, so IndexOf leaves them out.
	pk := t.index(t.Key, true, false)
	if len(t.Key) == 1 {
		t.IndexOf[t.PK] = pk
	}
	for _, f := range t.Uniques {
		t.IndexOf[f] = t.index([]*Field{f}, true, false)
		t.UniqueKeys = append(t.UniqueKeys, t.IndexOf[f])
	}
	for _, f := range t.Fields {
		if f.Indexed && !f.Unique && !f.PK {
			t.IndexOf[f] = t.index([]*Field{f}, false, false)
		}
	}
}

// AddUnique declares a composite unique constraint over the fields named
// (column or Go names): two rows collide when every one of them is equal
// and none is NULL, as in PostgreSQL. One field is the unique tag.
// Problems (an unknown or repeated field, none at all) go to the schema.
func (t *Table) AddUnique(names []string) {
	if t.PK == nil {
		return // the missing key is reported already
	}
	s := t.Schema
	if len(names) == 0 {
		s.Problem(t.Name, "", "Unique names no field")
		return
	}
	cols := make([]*Field, 0, len(names))
	for _, n := range names {
		f, ok := t.ByName[n]
		if !ok {
			s.Problem(t.Name, n, "Unique: unknown field %q", n)
			return
		}
		if slices.Contains(cols, f) {
			s.Problem(t.Name, n, "Unique names %s twice", f.Name)
			return
		}
		cols = append(cols, f)
	}
	if len(cols) == 1 {
		f := cols[0]
		if !f.Unique && !f.PK {
			f.Unique = true
			t.Uniques = append(t.Uniques, f)
			t.IndexOf[f] = t.index(cols, true, false)
			// Single-field constraints come before the groups.
			t.UniqueKeys = slices.Insert(t.UniqueKeys, len(t.Uniques)-1, t.IndexOf[f])
		}
		return
	}
	for _, ix := range t.UniqueKeys {
		if ix.Unique && sameFields(ix.Cols, cols) {
			return // declared already
		}
	}
	t.UniqueKeys = append(t.UniqueKeys, t.index(cols, true, false))
}
