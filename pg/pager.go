package pg

import (
	"fmt"

	"github.com/memrel/memrel/internal/meta"
)

// A read transaction's scans and long lookups read their rows a page at
// a time, in primary key order, each page after the last row of the one
// before (keyset pagination), so that a read the rules stop early (a
// Limit, a First) reads a page or two, not the table. Pages start small
// and double, so a read of everything costs a few round trips more than
// one SELECT of it all. A write transaction reads at once, as its own
// writes in between would otherwise reach the pages after them.
const (
	firstPage = 64
	maxPage   = 4096
)

// pageSQL are the statements of one paged read: first selects the first
// $n rows (n the statement's last parameter) in the order of the order
// columns, after those following the values of the order columns in the
// parameters before the limit (the last row of the page before).
type pageSQL struct {
	first, after string
	order        []*meta.Field
}

// pagedSQL builds the paged reads of t's rows matching where (a
// condition on args parameters $1…, "TRUE" for all), in the order of the
// order columns (descending when desc), which must hold no NULL and end
// with the primary key, so that each row's values follow the last's.
func pagedSQL(t *meta.Table, where string, args int, order []*meta.Field, desc bool) pageSQL {
	cols, name, by := columns(t), quote(t.Name), columnList(order)
	cmp := ">"
	if desc {
		cmp, by = "<", descending(order)
	}
	n := len(order)
	return pageSQL{
		first: fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT $%d", cols, name, where, by, args+1),
		after: fmt.Sprintf("SELECT %s FROM %s WHERE %s AND (%s) %s (%s) ORDER BY %s LIMIT $%d",
			cols, name, where, columnList(order), cmp, placeholders(args+1, n), by, args+n+1),
		order: order,
	}
}

// descending is the ORDER BY of fs, each descending.
func descending(fs []*meta.Field) string {
	out := ""
	for i, f := range fs {
		if i > 0 {
			out += ", "
		}
		out += quote(f.Name) + " DESC"
	}
	return out
}

// pager iterates a paged read of a read transaction.
type pager struct {
	r    *reader
	t    *meta.Table
	sql  *pageSQL
	args []any // the lookup's parameters
	rows []any // the page's rows not yet returned
	last any   // the last row returned, nil before the first page
	size int   // the next page's size
	done bool  // the last page was short: no more rows
}

// Next implements engine.Iterator; a page that fails to read fails the
// call, as any statement does.
func (p *pager) Next() any {
	if len(p.rows) == 0 {
		if p.done {
			return nil
		}
		p.fetch()
		if len(p.rows) == 0 {
			return nil
		}
	}
	row := p.rows[0]
	p.rows[0] = nil
	p.rows = p.rows[1:]
	p.last = row
	return row
}

// fetch reads the next page.
func (p *pager) fetch() {
	sql := p.sql.first
	args := append(make([]any, 0, len(p.args)+len(p.sql.order)+1), p.args...)
	if p.last != nil {
		sql = p.sql.after
		args = appendValues(args, p.sql.order, p.t.Ptr(p.last))
	}
	args = append(args, int64(p.size))
	p.r.mu.Lock()
	p.rows = p.r.rows(p.t, sql, args, p.rows[:0])
	p.r.mu.Unlock()
	p.done = len(p.rows) < p.size
	p.size = min(2*p.size, maxPage)
}
