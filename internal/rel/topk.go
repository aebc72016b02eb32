package rel

import (
	"bytes"
	"slices"
)

// topK keeps the k rows with the smallest sort keys. A read with an order
// no index answers and a limit needs only its first Offset+Limit rows:
// holding them in a bounded max-heap costs O(N log k) time and O(k)
// memory, where sorting every match would cost O(N log N) and hold all N.
// Each row offered is encoded once (its rowOrder key) and compared as
// bytes. The zero value is ready for reset.
type topK struct {
	k    int
	heap []keyed // a max-heap on key: heap[0] is the first to go
	buf  []byte
}

// keyed is a kept row and its sort key.
type keyed struct {
	key []byte
	row any
}

// reset empties t to keep k rows, reusing its heap and key buffers.
func (t *topK) reset(k int) {
	t.k, t.heap = k, t.heap[:0]
}

// add offers a row, whose sort key o gives; it is kept if it is among the
// k smallest so far. Keys are unique (they end with the primary key).
func (t *topK) add(row any, o *rowOrder) {
	t.buf = o.key(row, t.buf[:0])
	h := t.heap
	if n := len(h); n < t.k {
		var kb []byte // the key buffer a former use left in the slot
		if n < cap(h) {
			kb = h[:n+1][n].key[:0]
		}
		h = append(h, keyed{append(kb, t.buf...), row})
		for i := n; i > 0; { // sift up
			p := (i - 1) / 2
			if bytes.Compare(h[i].key, h[p].key) <= 0 {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		t.heap = h
		return
	}
	if bytes.Compare(t.buf, h[0].key) >= 0 {
		return
	}
	h[0] = keyed{append(h[0].key[:0], t.buf...), row}
	for i := 0; ; { // sift down
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if c+1 < len(h) && bytes.Compare(h[c+1].key, h[c].key) > 0 {
			c++
		}
		if bytes.Compare(h[c].key, h[i].key) <= 0 {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// appendTo appends the kept rows to rows, in order. It sorts the heap, so
// t takes rows again only after a reset.
func (t *topK) appendTo(rows []any) []any {
	slices.SortFunc(t.heap, func(a, b keyed) int { return bytes.Compare(a.key, b.key) })
	for _, e := range t.heap {
		rows = append(rows, e.row)
	}
	return rows
}
