package meta

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
	for _, f := range append([]*Field{t.PK}, t.Uniques...) {
		t.IndexOf[f] = t.index([]*Field{f}, true, false)
	}
	for _, f := range t.Fields {
		if f.Indexed && !f.Unique && !f.PK {
			t.IndexOf[f] = t.index([]*Field{f}, false, false)
		}
	}
}
