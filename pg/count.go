package pg

import (
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
)

// countSQL counts, for each value of the array in the last parameter in
// its order, the rows of ix whose leading columns equal $1… and whose
// last column holds the value; live, when set, leaves out the rows whose
// column live is not NULL. Each count is a seek of ix (whose non-unique
// form ends with the primary key: see createIndexes).
func countSQL(ix *meta.Index, live *meta.Field) string {
	t := ix.Table
	last := len(ix.Cols) - 1
	where := quote(ix.Cols[last].Name) + " = u.v"
	if last > 0 {
		where = equalities(ix.Cols[:last], 1) + " AND " + where
	}
	if live != nil {
		where += " AND " + quote(live.Name) + " IS NULL"
	}
	return fmt.Sprintf("SELECT (SELECT count(*) FROM %s WHERE %s) FROM unnest($%d::%s[]) WITH ORDINALITY AS u(v, i) ORDER BY u.i",
		quote(t.Name), where, last+1, arrayType(ix.Cols[last]))
}

// countKeys counts the rows of each of keys in ix in one statement; false
// when the keys do not share every column but the last (see prefetch).
func (r *reads) countKeys(ix *meta.Index, keys [][]byte, live *meta.Field) ([]int, bool) {
	params, ok := lastColumnParams(ix, keys)
	if !ok {
		return nil, false
	}
	sql := r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].count
	if live != nil {
		sql = countSQL(ix, live)
	}
	counts := make([]int, 0, len(keys))
	r.run(sql, params, func(rows pgx.Rows) error {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return err
		}
		counts = append(counts, int(n))
		return nil
	})
	return counts, true
}

// CountKeys implements engine.Counter.
func (r *reader) CountKeys(ix *meta.Index, keys [][]byte, live *meta.Field) ([]int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.countKeys(ix, keys, live)
}

// CountKeys implements engine.Counter: the writes held back go first.
func (w *writer) CountKeys(ix *meta.Index, keys [][]byte, live *meta.Field) ([]int, bool) {
	return w.countKeys(ix, keys, live)
}

var (
	_ engine.Counter = (*reader)(nil)
	_ engine.Counter = (*writer)(nil)
)
