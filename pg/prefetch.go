package pg

import (
	"fmt"

	"github.com/memrel/memrel/internal/meta"
)

// prefetched are the rows of the keys a Prefetch read, by index slot
// and key, as the lookups of those keys answer them; a key with no rows
// has an empty list.
type prefetched = keyed[[]any]

// slot numbers ix among the indexes of every table of db.
func (db *DB) slot(ix *meta.Index) int { return db.slots[ix.Table.Pos] + ix.Pos }

// slotsOf returns, per table of m, the slot of its first index.
func slotsOf(m *meta.Schema) (first []int, n int) {
	first = make([]int, len(m.Tables))
	for _, t := range m.Tables {
		first[t.Pos] = n
		n += len(t.Indexes)
	}
	return first, n
}

// prefetch reads the rows of ix holding each of keys, whole keys of ix,
// in one statement, records them per key and returns them. The keys must
// share every column but the last, as an include's do (the scope's
// values, then the foreign key): the statement is an equality on those
// and = ANY($n) on the last. Keys that do not, or hold a NULL, are left
// to their own lookups (nil).
func (r *reads) prefetch(ix *meta.Index, keys [][]byte, p *prefetched) []any {
	sql, params, want, ok := r.prefetchQuery(ix, keys, p)
	if !ok {
		return nil
	}
	rows := r.rows(ix.Table, sql, params, nil)
	r.keep(ix, want, rows, p)
	return rows
}

// prefetchQuery is the statement and parameters of prefetch, and the
// keys it reads (those p does not hold yet); false when there is none to
// read or the keys cannot go in one statement.
func (r *reads) prefetchQuery(ix *meta.Index, keys [][]byte, p *prefetched) (sql string, params []any, want [][]byte, ok bool) {
	slot := r.db.slot(ix)
	want = make([][]byte, 0, len(keys))
	for _, k := range keys {
		if _, ok := p.get(slot, k); !ok { // not read already
			want = append(want, k)
		}
	}
	if len(want) == 0 {
		return "", nil, nil, false
	}
	if params, ok = lastColumnParams(ix, want); !ok {
		return "", nil, nil, false
	}
	return r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].prefetch, params, want, true
}

// lastColumnParams decodes keys, whole keys of ix, into the parameters
// of a statement over all of them: the values of every column but the
// last, which the keys must share ($1…), then the last column's values as
// one array. false when they do not share them, or a key holds a NULL.
func lastColumnParams(ix *meta.Index, keys [][]byte) ([]any, bool) {
	last := len(ix.Cols) - 1
	var shared []any
	values := make([]any, len(keys))
	for i, k := range keys {
		args, n, nulls, err := keyArgs(ix, k)
		if err != nil || n != len(ix.Cols) || nulls != 0 {
			return nil, false
		}
		if i == 0 {
			shared = args[:last]
		} else {
			for j, v := range args[:last] {
				if !sameArg(v, shared[j]) {
					return nil, false
				}
			}
		}
		values[i] = args[last]
	}
	return append(append(make([]any, 0, last+1), shared...), values), true
}

// keep records rows, what a prefetch of the keys want read, per key in p.
func (r *reads) keep(ix *meta.Index, want [][]byte, rows []any, p *prefetched) {
	slot := r.db.slot(ix)
	for _, k := range want {
		p.put(slot, r.db.nslots, k, []any{})
	}
	m := p.at(slot, r.db.nslots)
	var kb [64]byte
	for _, row := range rows {
		k, ok := ix.Key(ix.Table.Ptr(row), kb[:0])
		if !ok {
			continue
		}
		m[string(k)] = append(m[string(k)], row)
	}
}

// sameArg reports whether two decoded key values are equal.
func sameArg(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return a == b
}

// prefetchSQL selects the rows of ix whose leading columns equal $1… and
// whose last column is one of the array in the last parameter, in key
// then primary key order.
func prefetchSQL(ix *meta.Index) string {
	t := ix.Table
	last := len(ix.Cols) - 1
	where := quote(ix.Cols[last].Name) + " = ANY($" + fmt.Sprint(last+1) + ")"
	if last > 0 {
		where = equalities(ix.Cols[:last], 1) + " AND " + where
	}
	order := columnList(ix.Cols)
	if !ix.Unique {
		order += ", " + columnList(t.Key)
	}
	return fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", columns(t), quote(t.Name), where, order)
}
