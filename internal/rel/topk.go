package rel

import (
	"github.com/google/btree"
)

// topK keeps the k smallest rows under cmp. A read with an order no index
// answers and a limit needs only its first Offset+Limit rows: holding them
// in a bounded B-tree costs O(N log k) time and O(k) memory, where sorting
// every match would cost O(N log N) and hold all N.
type topK struct {
	k    int
	cmp  func(x, y any) int
	tree *btree.BTreeG[any]
}

func newTopK(k int, cmp func(x, y any) int) *topK {
	return &topK{k: k, cmp: cmp, tree: btree.NewG(16, func(x, y any) bool { return cmp(x, y) < 0 })}
}

// add offers a row; it is kept if it is among the k smallest so far.
func (t *topK) add(row any) {
	if t.tree.Len() == t.k {
		if max, _ := t.tree.Max(); t.cmp(row, max) >= 0 {
			return
		}
		t.tree.DeleteMax()
	}
	t.tree.ReplaceOrInsert(row)
}

// rows returns the kept rows in order.
func (t *topK) rows() []any {
	out := make([]any, 0, t.tree.Len())
	t.tree.Ascend(func(row any) bool {
		out = append(out, row)
		return true
	})
	return out
}
