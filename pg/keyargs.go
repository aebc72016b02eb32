package pg

import (
	"fmt"

	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// keyArgs decodes key, an encoding of the leading columns of ix (all of
// them, or a prefix: a lookup of fewer), into the query arguments of
// those columns, in order. n is how many columns key holds and nulls
// marks, a bit per column, those that are NULL, which take no argument
// (the lookup says IS NULL). A malformed key is an error.
func keyArgs(ix *meta.Index, key []byte) (args []any, n int, nulls uint64, err error) {
	r := keys.NewReader(key)
	for n < len(ix.Cols) && r.Len() > 0 {
		f := ix.Cols[n]
		if r.Null() {
			nulls |= 1 << n
			n++
			continue
		}
		var v any
		switch f.Kind {
		case meta.Int:
			v = r.Int()
		case meta.Uint:
			v = r.Uint()
		case meta.Float:
			v = r.Float()
		case meta.String:
			v = r.String()
		case meta.Bool:
			v = r.Bool()
		case meta.Time:
			v = r.Time()
		default:
			v = r.Bytes()
		}
		args = append(args, v)
		n++
	}
	if !r.Ok() || r.Len() > 0 {
		return nil, 0, 0, fmt.Errorf("memrel: pg: a malformed key of %s (%x)", ix.Table.Name, key)
	}
	return args, n, nulls, nil
}
