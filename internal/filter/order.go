package filter

import (
	"bytes"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"
	"slices"

	"github.com/memrel/memrel/internal/keys"
)

// Sorter is a compiled ordering. Compare orders rows by the order keys in
// turn; NULL sorts last ascending and first descending, as in PostgreSQL.
// Ties are left to the caller (memrel breaks them by ascending primary key).
// It is not safe for concurrent use.
type Sorter struct {
	cols []Column
	desc []bool
	a, b []byte
}

// CompileOrder checks every field of order against t.
func CompileOrder(t Table, order []query.Order) (*Sorter, error) {
	if len(order) == 0 {
		return nil, nil // a nil *Sorter has no keys
	}
	s := &Sorter{}
	for _, o := range order {
		col, ok := t.Column(o.Field)
		if !ok {
			return nil, &errs.FieldError{Model: t.TableName(), Field: o.Field, Err: errs.ErrUnknownField}
		}
		s.cols = append(s.cols, col)
		s.desc = append(s.desc, o.Desc)
	}
	return s, nil
}

// Len returns the number of order keys.
func (s *Sorter) Len() int {
	if s == nil {
		return 0
	}
	return len(s.cols)
}

// Compare returns -1, 0 or +1 as row x sorts before, with or after row y;
// a nil *Sorter reports every pair equal.
func (s *Sorter) Compare(x, y any) int {
	if s == nil {
		return 0
	}
	for i, col := range s.cols {
		// A NULL encodes as a lone tag byte that sorts after every value,
		// so one byte comparison gives PostgreSQL's NULLS LAST / FIRST.
		s.a = nullableKey(col, x, s.a[:0])
		s.b = nullableKey(col, y, s.b[:0])
		c := bytes.Compare(s.a, s.b)
		if s.desc[i] {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// AppendKey appends to buf the sort key of row: its order keys in turn,
// each inverted when descending, so that rows whose sort keys compare
// (bytes.Compare) lower are those Compare puts first. Inverting is exact
// because no key encoding is a prefix of another: two keys first differ
// at a byte inside both. A row's key costs one encoding, where sorting by
// Compare encodes both rows at every comparison.
func (s *Sorter) AppendKey(row any, buf []byte) []byte {
	if s == nil {
		return buf
	}
	for i, col := range s.cols {
		start := len(buf)
		k, ok := col.Key(row, buf)
		if !ok {
			k = append(k[:start], keys.TagNull)
		}
		if s.desc[i] {
			for j := start; j < len(k); j++ {
				k[j] = ^k[j]
			}
		}
		buf = k
	}
	return buf
}

func nullableKey(col Column, row any, buf []byte) []byte {
	k, ok := col.Key(row, buf)
	if !ok {
		return append(k[:0], keys.TagNull)
	}
	return k
}

func sortKeys(keys [][]byte) [][]byte {
	slices.SortFunc(keys, bytes.Compare)
	return slices.CompactFunc(keys, bytes.Equal)
}

func containsKey(sorted [][]byte, k []byte) bool {
	_, found := slices.BinarySearchFunc(sorted, k, bytes.Compare)
	return found
}
