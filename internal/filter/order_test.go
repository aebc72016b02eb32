package filter

import (
	"bytes"
	stdcmp "cmp"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// sortIDs sorts rows by s, ties by ascending id as memrel does, and
// returns the ids.
func sortIDs(s *Sorter, rows []fakeRow) []int64 {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(x, y fakeRow) int {
		if c := s.Compare(x, y); c != 0 {
			return c
		}
		return stdcmp.Compare(x["id"].(int64), y["id"].(int64))
	})
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r["id"].(int64)
	}
	return ids
}

func TestCompileOrder_Sorts(t *testing.T) {
	tests := []struct {
		name  string
		order []query.Order
		want  []int64
	}{
		{"no order", nil, []int64{1, 2, 3, 4, 5}},
		{"int asc nulls last", []query.Order{query.Asc("n")}, []int64{5, 1, 2, 3, 4}},
		{"int desc nulls first", []query.Order{query.Desc("n")}, []int64{4, 3, 2, 1, 5}},
		{"string asc bytewise", []query.Order{query.Asc("s")}, []int64{5, 2, 1, 3, 4}},
		{"string desc", []query.Order{query.Desc("s")}, []int64{4, 3, 1, 2, 5}},
		{"float asc NaN after inf", []query.Order{query.Asc("f")}, []int64{2, 1, 3, 5, 4}},
		{"float desc", []query.Order{query.Desc("f")}, []int64{4, 5, 3, 1, 2}},
		{"uint asc", []query.Order{query.Asc("u")}, []int64{5, 1, 2, 3, 4}},
		{"bytes asc", []query.Order{query.Asc("data")}, []int64{5, 2, 1, 3, 4}},
		{"time asc", []query.Order{query.Asc("at")}, []int64{5, 3, 1, 2, 4}},
		{"time desc", []query.Order{query.Desc("at")}, []int64{4, 2, 1, 3, 5}},
		{"bool asc, ties by id", []query.Order{query.Asc("b")}, []int64{2, 5, 1, 3, 4}},
		{"bool asc then n desc", []query.Order{query.Asc("b"), query.Desc("n")}, []int64{2, 5, 3, 1, 4}},
		{"bool desc then id desc", []query.Order{query.Desc("b"), query.Desc("id")}, []int64{4, 3, 1, 5, 2}},
		{"same key twice", []query.Order{query.Asc("n"), query.Desc("n")}, []int64{5, 1, 2, 3, 4}},
		{"id desc", []query.Order{query.Desc("id")}, []int64{5, 4, 3, 2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := CompileOrder(fakePosts, tc.order)
			require.NoError(t, err)
			require.Equal(t, len(tc.order), s.Len())
			require.Equal(t, tc.want, sortIDs(s, fakeRows))
		})
	}
	t.Run("nil sorter", func(t *testing.T) {
		s, err := CompileOrder(fakePosts, []query.Order{})
		require.NoError(t, err)
		require.Nil(t, s)
		require.Zero(t, s.Len())
		require.Zero(t, s.Compare(fakeRows[0], fakeRows[1]))
	})
}

func TestCompileOrder_MultiKeyNulls(t *testing.T) {
	rows := []fakeRow{
		{"id": int64(1), "s": "b", "n": int64(1)},
		{"id": int64(2), "s": "a"},
		{"id": int64(3), "n": int64(2)},
		{"id": int64(4), "s": "a", "n": int64(3)},
		{"id": int64(5)},
		{"id": int64(6), "s": "b", "n": int64(1)},
		{"id": int64(7), "s": "a", "n": int64(-1)},
	}
	tests := []struct {
		name  string
		order []query.Order
		want  []int64
	}{
		{"s asc, n asc", []query.Order{query.Asc("s"), query.Asc("n")}, []int64{7, 4, 2, 1, 6, 3, 5}},
		{"s asc, n desc", []query.Order{query.Asc("s"), query.Desc("n")}, []int64{2, 4, 7, 1, 6, 5, 3}},
		{"s desc, n asc", []query.Order{query.Desc("s"), query.Asc("n")}, []int64{3, 5, 1, 6, 7, 4, 2}},
		{"s desc, n desc", []query.Order{query.Desc("s"), query.Desc("n")}, []int64{5, 3, 1, 6, 2, 4, 7}},
		{"n asc, s desc", []query.Order{query.Asc("n"), query.Desc("s")}, []int64{7, 1, 6, 3, 4, 5, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := CompileOrder(fakePosts, tc.order)
			require.NoError(t, err)
			require.Equal(t, tc.want, sortIDs(s, rows))
		})
	}
}

func TestCompileOrder_Errors(t *testing.T) {
	tests := []struct {
		name  string
		order []query.Order
		field string
	}{
		{"unknown", []query.Order{query.Asc("nope")}, "nope"},
		{"unknown after known", []query.Order{query.Asc("n"), query.Desc("Nope")}, "Nope"},
		{"empty name", []query.Order{{}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := CompileOrder(fakePosts, tc.order)
			require.Nil(t, s)
			require.ErrorIs(t, err, errs.ErrUnknownField)
			var fe *errs.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "Post", fe.Model)
			require.Equal(t, tc.field, fe.Field)
		})
	}
}

// refOrder is a reference comparator over n (int64) and s (string) with
// PostgreSQL's NULL placement.
func refOrder(order []query.Order, x, y fakeRow) int {
	for _, o := range order {
		a, b := x[o.Field], y[o.Field]
		var c int
		switch {
		case a == nil && b == nil:
			c = 0
		case a == nil:
			c = 1
		case b == nil:
			c = -1
		case o.Field == "s":
			c = strings.Compare(a.(string), b.(string))
		default:
			c = stdcmp.Compare(a.(int64), b.(int64))
		}
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func TestCompileOrder_MatchesReference(t *testing.T) {
	orderGen := rapid.Custom(func(t *rapid.T) query.Order {
		return query.Order{Field: rapid.SampledFrom([]string{"n", "s", "id"}).Draw(t, "field"), Desc: rapid.Bool().Draw(t, "desc")}
	})
	rapid.Check(t, func(t *rapid.T) {
		order := rapid.SliceOfN(orderGen, 0, 3).Draw(t, "order")
		s, err := CompileOrder(fakePosts, order)
		require.NoError(t, err)
		x, y := propRow(t, rapid.IntRange(0, 2).Draw(t, "xid")), propRow(t, rapid.IntRange(0, 2).Draw(t, "yid"))
		want := refOrder(order, x, y)
		require.Equal(t, want, s.Compare(x, y), "%v vs %v", x, y)
		require.Equal(t, -want, s.Compare(y, x))
		require.Equal(t, 0, s.Compare(x, x))
		// Sort keys compare as the rows do, after any prefix.
		kx, ky := s.AppendKey(x, []byte("p")), s.AppendKey(y, []byte("p"))
		require.Equal(t, want, bytes.Compare(kx, ky), "keys of %v vs %v", x, y)
	})
}

// TestSorter_AppendKey_SortsAsCompare: sorting by the keys gives Compare's
// order for every column kind, ascending and descending, NULLs included.
func TestSorter_AppendKey_SortsAsCompare(t *testing.T) {
	for _, f := range []string{"n", "s", "f", "u", "data", "at", "b"} {
		for _, desc := range []bool{false, true} {
			order := []query.Order{{Field: "b", Desc: !desc}, {Field: f, Desc: desc}}
			s, err := CompileOrder(fakePosts, order)
			require.NoError(t, err)
			byKey := slices.Clone(fakeRows)
			slices.SortStableFunc(byKey, func(x, y fakeRow) int {
				if c := bytes.Compare(s.AppendKey(x, nil), s.AppendKey(y, nil)); c != 0 {
					return c
				}
				return stdcmp.Compare(x["id"].(int64), y["id"].(int64))
			})
			ids := make([]int64, len(byKey))
			for i, r := range byKey {
				ids[i] = r["id"].(int64)
			}
			require.Equal(t, sortIDs(s, fakeRows), ids, "%v", order)
		}
	}
	var nilSorter *Sorter
	require.Equal(t, []byte("x"), nilSorter.AppendKey(fakeRows[0], []byte("x")))
}
