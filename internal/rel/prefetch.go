package rel

import (
	"bytes"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
)

// prefetchIncludes asks an engine that can (an engine.Prefetcher, a SQL
// database) to read what plan's includes will look up for rows, the rows
// of t: one read per include and level, with every row's key at once,
// instead of one per row. The walk that follows finds its lookups
// answered. Levels are visited breadth first from a queue, so a deep plan
// costs no recursion.
func (tx *Txn) prefetchIncludes(t *meta.Table, rows []any, plan incPlan) {
	pf, ok := tx.r.(engine.Prefetcher)
	if !ok || len(rows) == 0 || len(plan) == 0 {
		return
	}
	type level struct {
		t    *meta.Table
		rows []any
		plan incPlan
	}
	queue := []level{{t, rows, plan}}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		for _, n := range l.plan {
			var got []any
			switch {
			case n.inverse: // the parents, by their key
				got = prefetch(pf, n.a.SKIndex, l.rows, func(p []byte, row any) ([]byte, bool) {
					return n.a.FK.Key(n.a.Target.Ptr(row), p)
				})
			case n.th != nil: // the join rows, then their targets
				th := n.th
				joins := prefetch(pf, th.Src.Lookup, l.rows, func(p []byte, row any) ([]byte, bool) {
					return childKey(th.Src, l.t, row, p)
				})
				got = prefetch(pf, th.Dst.SKIndex, joins, func(p []byte, j any) ([]byte, bool) {
					return th.Dst.FK.Key(th.Join().Ptr(j), p)
				})
			default: // the children, through the association's index
				got = prefetch(pf, n.a.Lookup, l.rows, func(p []byte, row any) ([]byte, bool) {
					return childKey(n.a, l.t, row, p)
				})
			}
			if len(n.Sub) > 0 && len(got) > 0 {
				queue = append(queue, level{n.to, got, n.Sub})
			}
		}
	}
}

// childKey appends the key of a's index under which the children of the
// source row of t are found.
func childKey(a *meta.Relation, t *meta.Table, row any, p []byte) ([]byte, bool) {
	sk, ok := a.SK.Key(t.Ptr(row), nil)
	if !ok {
		return p, false
	}
	return append(p, a.ChildKey(sk)...), true
}

// prefetch reads through pf the rows of ix under the key of each of rows
// (key appends it; false: the row has none), each key once.
func prefetch(pf engine.Prefetcher, ix *meta.Index, rows []any, key func([]byte, any) ([]byte, bool)) []any {
	seen := make(map[string]bool, len(rows))
	ks := make([][]byte, 0, len(rows))
	for _, row := range rows {
		k, ok := key(nil, row)
		if !ok || seen[string(k)] {
			continue
		}
		seen[string(k)] = true
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return nil
	}
	return pf.Prefetch(ix, ks)
}

// prefetchKeys asks an engine.Prefetcher to read the rows of t under each
// of keys (primary keys) at once, before a loop that looks each up.
func (tx *Txn) prefetchKeys(t *meta.Table, keys [][]byte) {
	if pf, ok := tx.r.(engine.Prefetcher); ok && len(keys) > 1 {
		pf.Prefetch(t.Indexes[0], cloneKeys(keys))
	}
}

// cloneKeys copies keys for an interface call, which escape analysis
// cannot see through: passed as they are, the caller's keys (on its
// stack, on the memory engine's hot paths) would move to the heap.
func cloneKeys(keys [][]byte) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = bytes.Clone(k)
	}
	return out
}

// Prefetches reports whether the engine reads many keys at once (an
// engine.Prefetcher), for a caller that must prepare the keys first.
func (tx *Txn) Prefetches() bool {
	_, ok := tx.r.(engine.Prefetcher)
	return ok
}

// PrefetchChildren asks an engine.Prefetcher to read the targets of a for
// each of the source keys sks at once, before a loop over the sources.
func (tx *Txn) PrefetchChildren(a *meta.Relation, sks [][]byte) {
	pf, ok := tx.r.(engine.Prefetcher)
	if !ok || len(sks) < 2 {
		return
	}
	ks := make([][]byte, len(sks))
	for i, sk := range sks {
		ks[i] = a.ChildKey(sk)
	}
	pf.Prefetch(a.Lookup, ks)
}

// prefetchParents asks an engine.Prefetcher to read the parents rows of
// t reference, through each constrained association, at once: the
// checks of their foreign keys that follow find them read.
func (tx *Txn) prefetchParents(t *meta.Table, rows []any) {
	pf, ok := tx.r.(engine.Prefetcher)
	if !ok || len(rows) < 2 {
		return
	}
	for _, a := range t.Parents {
		if a.Constrained {
			prefetch(pf, a.SKIndex, rows, func(p []byte, row any) ([]byte, bool) {
				return a.FK.Key(t.Ptr(row), p)
			})
		}
	}
}

// CountChildren returns, for each source key of sks in order, how many
// targets of a it has (soft-deleted ones left out unless withDeleted),
// counted by an engine.Counter in one statement; false when the engine
// counts nothing itself.
func (tx *Txn) CountChildren(a *meta.Relation, sks [][]byte, withDeleted bool) ([]int, bool) {
	c, ok := tx.r.(engine.Counter)
	if !ok {
		return nil, false
	}
	var live *meta.Field
	if a.Target.Paranoid() && !withDeleted {
		live = a.Target.Stamps.Deleted
	}
	ks := make([][]byte, len(sks))
	for i, sk := range sks {
		ks[i] = bytes.Clone(a.ChildKey(sk)) // see cloneKeys
	}
	return c.CountKeys(a.Lookup, ks, live)
}

// PrefetchLater asks an engine.Prefetcher to read the rows of t under
// keys (primary keys) with the next statement it sends: before the
// lookup of a call's source, for the targets it looks up next.
func (tx *Txn) PrefetchLater(t *meta.Table, keys [][]byte) {
	if pf, ok := tx.r.(engine.Prefetcher); ok && len(keys) > 0 {
		pf.PrefetchLater(t.Indexes[0], keys)
	}
}
