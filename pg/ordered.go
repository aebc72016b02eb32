package pg

import (
	"fmt"
	"slices"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// orderedSQL are an index's walks in key order, for OrderedIndexes: from
// its first n columns' values upwards (from[n]: every row with columns
// (c1…cn) >= ($1…$n), from[0] every row of the index), and every row from
// the largest key down (reverse). An index's order is its columns', NULL
// after every value (PostgreSQL's ascending order, and memrel's keys'),
// then, for a non-unique one, the primary key's. When no row of the index
// can hold a NULL in its order (NOT NULL columns, or a unique index, which
// leaves such rows out), a read transaction reads them a page at a time
// (fromPages, reversePages; nil otherwise).
type orderedSQL struct {
	from         []string
	reverse      string
	fromPages    []pageSQL
	reversePages *pageSQL
}

// buildOrdered builds ix's walks.
func buildOrdered(ix *meta.Index) orderedSQL {
	t := ix.Table
	order := slices.Clone(ix.Cols)
	if !ix.Unique {
		for _, k := range t.Key {
			if !slices.Contains(order, k) {
				order = append(order, k)
			}
		}
	}
	member := indexWhere(ix, 0, 0)
	pageable := ix.Unique || !slices.ContainsFunc(ix.Cols, func(f *meta.Field) bool {
		return f.Nullable() && !(ix.Partial && f == ix.Cols[len(ix.Cols)-1])
	})
	o := orderedSQL{from: make([]string, len(ix.Cols)+1)}
	if pageable {
		o.fromPages = make([]pageSQL, len(ix.Cols)+1)
	}
	cols, name := columns(t), quote(t.Name)
	for n := range o.from {
		where := member
		if n > 0 {
			where += fmt.Sprintf(" AND (%s) >= (%s)", columnList(ix.Cols[:n]), placeholders(1, n))
		}
		o.from[n] = fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", cols, name, where, columnList(order))
		if pageable {
			o.fromPages[n] = pagedSQL(t, where, n, order, false)
		}
	}
	o.reverse = fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", cols, name, member, descending(order))
	if pageable {
		p := pagedSQL(t, member, 0, order, true)
		o.reversePages = &p
	}
	return o
}

// boundArgs decodes k, a lower bound on ix's leading columns, into the
// parameters of from[n]. The rows before k that a bound it cannot
// decode lets through (from[0]) are no harm: the rules check every row a
// walk yields against the read's filter.
func boundArgs(ix *meta.Index, k *keys.Arg) ([]any, int) {
	if k == nil || len(k.Key) == 0 {
		return nil, 0
	}
	args, n, nulls, err := keyArgs(ix, k.Key)
	if err != nil || nulls != 0 {
		// Not whole values of the leading columns (a value's tag alone,
		// "any value from here", or a bound between two encodings): walk
		// from the first row instead.
		return nil, 0
	}
	return args, n
}

// LowerBound implements engine.Reader: from[n], a page at a time when the
// index allows it.
func (r *reader) LowerBound(ix *meta.Index, k *keys.Arg) engine.Iterator {
	o := &r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].ordered
	args, n := boundArgs(ix, k)
	if o.fromPages != nil {
		return r.pages(ix.Table, &o.fromPages[n], args)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return &iter{r.rows(ix.Table, o.from[n], args, nil)}
}

// Reverse implements engine.Reader.
func (r *reader) Reverse(ix *meta.Index) engine.Iterator {
	o := &r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].ordered
	if o.reversePages != nil {
		return r.pages(ix.Table, o.reversePages, nil)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return &iter{r.rows(ix.Table, o.reverse, nil, nil)}
}

// LowerBound implements engine.Reader: the rows at once, as the writes
// held back go first.
func (w *writer) LowerBound(ix *meta.Index, k *keys.Arg) engine.Iterator {
	args, n := boundArgs(ix, k)
	rows := w.rows(ix.Table, w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].ordered.from[n], args, nil)
	w.cache.read(ix.Table, rows)
	return &iter{rows}
}

// Reverse implements engine.Reader.
func (w *writer) Reverse(ix *meta.Index) engine.Iterator {
	rows := w.rows(ix.Table, w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].ordered.reverse, nil, nil)
	w.cache.read(ix.Table, rows)
	return &iter{rows}
}
