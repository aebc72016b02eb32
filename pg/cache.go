package pg

import "github.com/memrel/memrel/internal/meta"

// cache is a write transaction's rows by primary key, as its current call
// read or wrote them, so that the rules' many reads of one row (before a
// write, after it, to return it) cost no round trip each. A row this
// transaction wrote is exact: PostgreSQL holds its lock until the end. A
// row only read is what the call saw, as if the call's reads all came at
// its first: other clients' commits since then reach the next call. Rows
// the database itself changes (its foreign keys' actions) are dropped
// when their parents are deleted or re-keyed; everything is dropped when
// a call ends or rolls back.
type cache struct {
	// rows are per table, keyed by the primary key's encoding; a nil row
	// is one this transaction deleted.
	rows keyed[any]
	// below[t] are the tables whose rows the database may change when a
	// row of t is deleted or re-keyed: those its foreign keys reach.
	below [][]int
}

// maxCached bounds the rows a cache holds: past it, it starts again.
const maxCached = 4096

// belowOf returns, per table of m, the tables its foreign keys reach
// (see cache.below).
func belowOf(m *meta.Schema) [][]int {
	below := make([][]int, len(m.Tables))
	children := make([][]int, len(m.Tables))
	for _, fk := range foreignKeyDecls(m) {
		children[fk.a.Source.Pos] = append(children[fk.a.Source.Pos], fk.a.Target.Pos)
	}
	for _, t := range m.Tables {
		// Breadth first over the foreign keys: no recursion per level.
		seen := make([]bool, len(m.Tables))
		queue := append([]int(nil), children[t.Pos]...)
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] {
				continue
			}
			seen[p] = true
			below[t.Pos] = append(below[t.Pos], p)
			queue = append(queue, children[p]...)
		}
	}
	return below
}

// get returns the row of t keyed key and whether the cache knows it (a
// nil row: deleted).
func (c *cache) get(t *meta.Table, key []byte) (any, bool) { return c.rows.get(t.Pos, key) }

// put records row (nil: deleted) as t's row keyed key.
func (c *cache) put(t *meta.Table, key []byte, row any) {
	if c.rows.n >= maxCached {
		c.rows.clear()
	}
	c.rows.put(t.Pos, len(c.below), key, row)
}

// read records the rows of t a statement returned.
func (c *cache) read(t *meta.Table, rows []any) {
	var kb [32]byte
	for _, row := range rows {
		c.put(t, t.PKKey(row, kb[:0]), row)
	}
}

// wrote records a write of t: before replaced by after (nil: inserted,
// deleted). A delete or a key change drops what the database's
// foreign key actions may change, and reports that it did.
func (c *cache) wrote(t *meta.Table, before, after any) (below bool) {
	if before == nil && after == nil {
		return false
	}
	var kb, ka [32]byte
	var bk []byte
	if before != nil {
		bk = t.PKKey(before, kb[:0])
	}
	if after == nil {
		c.put(t, bk, nil)
		c.dropBelow(t)
		return true
	}
	ak := t.PKKey(after, ka[:0])
	if bk != nil && string(bk) != string(ak) {
		c.put(t, bk, nil)
		if c.dropBelow(t) {
			// t references itself: the database's actions may rewrite
			// this very row (a reference to its own old key) within the
			// statement, so what the rules wrote is no longer known.
			return true
		}
		below = true
	}
	c.put(t, ak, after)
	return below
}

// dropBelow forgets the rows of the tables below t, and reports whether
// t is among them (it references itself).
func (c *cache) dropBelow(t *meta.Table) (self bool) {
	for _, p := range c.below[t.Pos] {
		c.rows.drop(p)
		self = self || p == t.Pos
	}
	return self
}

// clear forgets every row.
func (c *cache) clear() { c.rows.clear() }
