package memrel

import (
	"github.com/memrel/memrel/internal/meta"

	mdbix "github.com/memrel/memrel/internal/engine/memdb"
	"github.com/memrel/memrel/internal/keys"
)

// fieldKey builds the index function of a single column. NULL is absent
// from unique indexes (PostgreSQL never calls two NULLs duplicates) and
// from partial ones (skipNull), and stored under the NULL tag elsewhere,
// where it sorts last.
func fieldKey(t *meta.Table, f *meta.Field, skipNull bool) mdbix.Func {
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

// compoundKey builds the index function of several columns; a partial one
// leaves out rows whose last column is NULL.
func compoundKey(t *meta.Table, fs []*meta.Field, partial bool) mdbix.Func {
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
