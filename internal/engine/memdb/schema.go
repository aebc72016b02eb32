package memdb

import (
	"strconv"

	gomemdb "github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// indexNames gives each declared index its go-memdb name: go-memdb wants
// the primary key as "id"; the others go by position.
func indexNames(s *meta.Schema) [][]string {
	names := make([][]string, len(s.Tables))
	for i, t := range s.Tables {
		names[i] = make([]string, len(t.Indexes))
		for j := range t.Indexes {
			names[i][j] = "i" + strconv.Itoa(j)
		}
		names[i][0] = "id"
	}
	return names
}

// dbSchema builds the go-memdb schema of every table: one go-memdb index
// per declared index. Every write touches each of them, so meta declares
// none that no lookup uses.
func dbSchema(s *meta.Schema, names [][]string) *gomemdb.DBSchema {
	db := &gomemdb.DBSchema{Tables: map[string]*gomemdb.TableSchema{}}
	for _, t := range s.Tables {
		ts := &gomemdb.TableSchema{Name: t.Name, Indexes: map[string]*gomemdb.IndexSchema{}}
		for _, ix := range t.Indexes {
			name := names[t.Pos][ix.Pos]
			size := meta.KeyWidth(ix.Cols...)
			if !ix.Unique && size > 0 {
				// go-memdb appends the primary key to keys of non-unique indexes.
				if pw := meta.KeyWidth(t.Key...); pw > 0 {
					size += pw
				} else {
					size = 0
				}
			}
			fn := compoundKey(t, ix.Cols, ix.Partial)
			if ix.Unique {
				fn = uniqueKey(ix)
			}
			if len(ix.Cols) == 1 {
				fn = fieldKey(t, ix.Cols[0], ix.Unique || ix.Partial)
			}
			ts.Indexes[name] = &gomemdb.IndexSchema{Name: name, Unique: ix.Unique,
				AllowMissing: ix.Unique || ix.Partial, Indexer: Indexer{Key: fn, Size: size}}
		}
		db.Tables[t.Name] = ts
	}
	return db
}

// fieldKey builds the index function of a single column. NULL is absent
// from unique indexes (PostgreSQL never calls two NULLs duplicates) and
// from partial ones (skipNull), and stored under the NULL tag elsewhere,
// where it sorts last.
func fieldKey(t *meta.Table, f *meta.Field, skipNull bool) Func {
	return func(obj any, buf []byte) ([]byte, bool) {
		k, ok := f.Key(t.Ptr(obj), buf)
		if !ok {
			if skipNull {
				return nil, false
			}
			return keys.AppendNull(buf), true
		}
		return k, true
	}
}

// uniqueKey builds the index function of a composite unique constraint:
// a row with a NULL in any of its columns is left out, so it never
// collides.
func uniqueKey(ix *meta.Index) Func {
	t := ix.Table
	return func(obj any, buf []byte) ([]byte, bool) { return ix.Key(t.Ptr(obj), buf) }
}

// compoundKey builds the index function of several columns; a partial one
// leaves out rows whose last column is NULL.
func compoundKey(t *meta.Table, fs []*meta.Field, partial bool) Func {
	last := fs[len(fs)-1]
	return func(obj any, buf []byte) ([]byte, bool) {
		p := t.Ptr(obj)
		if partial && last.IsNull(p) {
			return nil, false
		}
		for _, f := range fs {
			var ok bool
			buf, ok = f.Key(p, buf)
			if !ok {
				buf = keys.AppendNull(buf)
			}
		}
		return buf, true
	}
}
