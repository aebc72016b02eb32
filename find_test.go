package memrel_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// stRowData is the fixed data set of the query tests; row i+1 gets
// stRowData[i]. Each indexed column has an unindexed copy with the same
// value.
var stRowData = []struct {
	a *int64
	s *string
	u *int64
	f float64
}{
	{stInt(3), stStr("b"), stInt(5), 1.5},                    // 1
	{stInt(-2), stStr("a"), stInt(-1), -0.5},                 // 2
	{nil, nil, nil, 0},                                       // 3
	{stInt(3), stStr("B"), stInt(100), math.Copysign(0, -1)}, // 4
	{stInt(0), stStr("ab"), stInt(0), 2},                     // 5
	{stInt(-5), stStr("a_c"), stInt(-7), -3.25},              // 6
	{nil, stStr("a%c"), nil, 1.5},                            // 7
	{stInt(10), nil, stInt(42), 0},                           // 8
	{stInt(-2), stStr(""), stInt(9), 100},                    // 9
	{stInt(7), stStr("abc"), stInt(2), -100},                 // 10
}

func stCopyInt(p *int64) *int64 {
	if p == nil {
		return nil
	}
	return stInt(*p)
}

func stCopyStr(p *string) *string {
	if p == nil {
		return nil
	}
	return stStr(*p)
}

// stInsertRows stores rows with their unindexed copies filled in.
func stInsertRows(t *testing.T, db *stDB, rows []fixture.ColumnRow) {
	t.Helper()
	stUpdate(t, db, func(tx *memrel.Txn) {
		for _, r := range rows {
			r.AP, r.SP, r.UP, r.FP = stCopyInt(r.A), stCopyStr(r.S), stCopyInt(r.U), r.F
			got, err := db.rows.Create(tx, r)
			require.NoError(t, err)
			got.IDP = got.ID
			_, err = db.rows.Update(tx, got)
			require.NoError(t, err)
		}
	})
}

// stRowsSetup opens a store holding stRowData as rows 1 to 10.
func stRowsSetup(t *testing.T) *stDB {
	t.Helper()
	db := stSetup(t)
	rows := make([]fixture.ColumnRow, len(stRowData))
	for i, d := range stRowData {
		rows[i] = fixture.ColumnRow{A: d.a, S: d.s, U: d.u, F: d.f}
	}
	stInsertRows(t, db, rows)
	return db
}

func stRowIDs(rs []fixture.ColumnRow) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// stFind returns the ids FindAll answers, and checks that Count agrees.
func stFind(t *testing.T, db *stDB, o *memrel.Options) []int64 {
	t.Helper()
	var ids []int64
	stView(t, db, func(tx *memrel.Txn) {
		rs, err := db.rows.FindAll(tx, o)
		require.NoError(t, err)
		ids = stRowIDs(rs)
		if o.Limit == 0 && o.Offset == 0 {
			n, err := db.rows.Count(tx, o)
			require.NoError(t, err)
			require.Equal(t, len(ids), n, "Count disagrees with FindAll")
		}
	})
	return ids
}

// stPairs names each indexed column with its unindexed copy.
var stPairs = map[string][2]string{"int": {"a", "ap"}, "string": {"s", "sp"}, "unique": {"u", "up"}, "float": {"f", "fp"}, "pk": {"id", "idp"}}

func TestModel_FindAll_WhereOperators(t *testing.T) {
	db := stRowsSetup(t)
	type cf = func(f string) query.Cond
	cases := []struct {
		pair string
		name string
		cond cf
		want []int64
	}{
		{"int", "eq", func(f string) query.Cond { return query.Eq(f, 3) }, []int64{1, 4}},
		{"int", "eq nil is IS NULL", func(f string) query.Cond { return query.Eq(f, nil) }, []int64{3, 7}},
		{"int", "ne excludes NULL", func(f string) query.Cond { return query.Ne(f, 3) }, []int64{2, 5, 6, 8, 9, 10}},
		{"int", "ne nil is IS NOT NULL", func(f string) query.Cond { return query.Ne(f, nil) }, []int64{1, 2, 4, 5, 6, 8, 9, 10}},
		{"int", "gt negative", func(f string) query.Cond { return query.Gt(f, -2) }, []int64{1, 4, 5, 8, 10}},
		{"int", "gte negative", func(f string) query.Cond { return query.Gte(f, -2) }, []int64{1, 2, 4, 5, 8, 9, 10}},
		{"int", "lt", func(f string) query.Cond { return query.Lt(f, 0) }, []int64{2, 6, 9}},
		{"int", "lte", func(f string) query.Cond { return query.Lte(f, 0) }, []int64{2, 5, 6, 9}},
		{"int", "lt below all", func(f string) query.Cond { return query.Lt(f, -5) }, nil},
		{"int", "gt above all", func(f string) query.Cond { return query.Gt(f, 10) }, nil},
		{"int", "in with nil", func(f string) query.Cond { return query.In(f, 3, -5, nil) }, []int64{1, 4, 6}},
		{"int", "in empty", func(f string) query.Cond { return query.In(f) }, nil},
		{"int", "in duplicates", func(f string) query.Cond { return query.In(f, 0, 0, int8(0)) }, []int64{5}},
		{"int", "notIn excludes NULL", func(f string) query.Cond { return query.NotIn(f, 3, -5) }, []int64{2, 5, 8, 9, 10}},
		{"int", "notIn empty matches every row, NULLs too", func(f string) query.Cond { return query.NotIn(f) }, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"int", "not in empty matches nothing", func(f string) query.Cond { return query.Not(query.In(f)) }, nil},
		{"int", "notIn with nil matches nothing", func(f string) query.Cond { return query.NotIn(f, 3, nil) }, nil},
		{"int", "between negative", func(f string) query.Cond { return query.Between(f, -5, 0) }, []int64{2, 5, 6, 9}},
		{"int", "between inside negatives", func(f string) query.Cond { return query.Between(f, -3, -1) }, []int64{2, 9}},
		{"int", "between reversed", func(f string) query.Cond { return query.Between(f, 5, 1) }, nil},
		{"int", "isNull", func(f string) query.Cond { return query.IsNull(f) }, []int64{3, 7}},
		{"int", "notNull", func(f string) query.Cond { return query.NotNull(f) }, []int64{1, 2, 4, 5, 6, 8, 9, 10}},
		{"int", "not eq excludes NULL", func(f string) query.Cond { return query.Not(query.Eq(f, 3)) }, []int64{2, 5, 6, 8, 9, 10}},
		{"int", "not in with nil is unknown", func(f string) query.Cond { return query.Not(query.In(f, 3, nil)) }, nil},
		{"int", "not gt", func(f string) query.Cond { return query.Not(query.Gt(f, 5)) }, []int64{1, 2, 4, 5, 6, 9}},
		{"int", "not not", func(f string) query.Cond { return query.Not(query.Not(query.Eq(f, 3))) }, []int64{1, 4}},
		{"int", "not or with isNull", func(f string) query.Cond { return query.Not(query.Or(query.Gt(f, 5), query.IsNull(f))) }, []int64{1, 2, 4, 5, 6, 9}},
		{"int", "or", func(f string) query.Cond { return query.Or(query.Eq(f, 3), query.Lt(f, -4)) }, []int64{1, 4, 6}},
		{"int", "or isNull", func(f string) query.Cond { return query.Or(query.Eq(f, 3), query.IsNull(f)) }, []int64{1, 3, 4, 7}},
		{"int", "or empty", func(f string) query.Cond { return query.Or() }, nil},
		{"int", "and range", func(f string) query.Cond { return query.And(query.Gt(f, -3), query.Lt(f, 4)) }, []int64{1, 2, 4, 5, 9}},
		{"int", "and not", func(f string) query.Cond { return query.And(query.Gte(f, 0), query.Not(query.Eq(f, 3))) }, []int64{5, 8, 10}},
		{"int", "and empty", func(f string) query.Cond { return query.And() }, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"int", "and with other field", func(f string) query.Cond { return query.And(query.Eq(f, 3), query.Eq("s", "B")) }, []int64{4}},
		{"int", "and contradictory", func(f string) query.Cond { return query.And(query.Eq(f, 3), query.Eq(f, 10)) }, nil},

		{"string", "eq", func(f string) query.Cond { return query.Eq(f, "a") }, []int64{2}},
		{"string", "eq empty string is not NULL", func(f string) query.Cond { return query.Eq(f, "") }, []int64{9}},
		{"string", "ne excludes NULL", func(f string) query.Cond { return query.Ne(f, "a") }, []int64{1, 4, 5, 6, 7, 9, 10}},
		{"string", "eq nil", func(f string) query.Cond { return query.Eq(f, nil) }, []int64{3, 8}},
		{"string", "gt", func(f string) query.Cond { return query.Gt(f, "a") }, []int64{1, 5, 6, 7, 10}},
		{"string", "lt", func(f string) query.Cond { return query.Lt(f, "a") }, []int64{4, 9}},
		{"string", "gte prefix", func(f string) query.Cond { return query.Gte(f, "ab") }, []int64{1, 5, 10}},
		{"string", "lte", func(f string) query.Cond { return query.Lte(f, "ab") }, []int64{2, 4, 5, 6, 7, 9}},
		{"string", "between", func(f string) query.Cond { return query.Between(f, "a", "ab") }, []int64{2, 5, 6, 7}},
		{"string", "in", func(f string) query.Cond { return query.In(f, "a", "B", "zz", nil) }, []int64{2, 4}},
		{"string", "notIn", func(f string) query.Cond { return query.NotIn(f, "a", "B") }, []int64{1, 5, 6, 7, 9, 10}},
		{"string", "like prefix", func(f string) query.Cond { return query.Like(f, "a%") }, []int64{2, 5, 6, 7, 10}},
		{"string", "like underscore", func(f string) query.Cond { return query.Like(f, "a_c") }, []int64{6, 7, 10}},
		{"string", "like escaped underscore", func(f string) query.Cond { return query.Like(f, `a\_c`) }, []int64{6}},
		{"string", "like escaped percent", func(f string) query.Cond { return query.Like(f, `a\%c`) }, []int64{7}},
		{"string", "like suffix", func(f string) query.Cond { return query.Like(f, "%c") }, []int64{6, 7, 10}},
		{"string", "like infix", func(f string) query.Cond { return query.Like(f, "%b%") }, []int64{1, 5, 10}},
		{"string", "like is case-sensitive", func(f string) query.Cond { return query.Like(f, "b") }, []int64{1}},
		{"string", "like empty", func(f string) query.Cond { return query.Like(f, "") }, []int64{9}},
		{"string", "like percent excludes NULL", func(f string) query.Cond { return query.Like(f, "%") }, []int64{1, 2, 4, 5, 6, 7, 9, 10}},
		{"string", "like backtracking", func(f string) query.Cond { return query.Like(f, "%a%c") }, []int64{6, 7, 10}},
		{"string", "iLike", func(f string) query.Cond { return query.ILike(f, "b") }, []int64{1, 4}},
		{"string", "iLike prefix", func(f string) query.Cond { return query.ILike(f, "A%") }, []int64{2, 5, 6, 7, 10}},
		{"string", "startsWith is literal _", func(f string) query.Cond { return query.StartsWith(f, "a_") }, []int64{6}},
		{"string", "startsWith is literal %", func(f string) query.Cond { return query.StartsWith(f, "a%") }, []int64{7}},
		{"string", "startsWith", func(f string) query.Cond { return query.StartsWith(f, "ab") }, []int64{5, 10}},
		{"string", "startsWith empty", func(f string) query.Cond { return query.StartsWith(f, "") }, []int64{1, 2, 4, 5, 6, 7, 9, 10}},
		{"string", "not like excludes NULL", func(f string) query.Cond { return query.Not(query.Like(f, "a%")) }, []int64{1, 4, 9}},
		{"string", "isNull", func(f string) query.Cond { return query.IsNull(f) }, []int64{3, 8}},

		{"unique", "eq", func(f string) query.Cond { return query.Eq(f, 5) }, []int64{1}},
		{"unique", "eq missing", func(f string) query.Cond { return query.Eq(f, 6) }, nil},
		{"unique", "eq nil", func(f string) query.Cond { return query.Eq(f, nil) }, []int64{3, 7}},
		{"unique", "gt", func(f string) query.Cond { return query.Gt(f, 0) }, []int64{1, 4, 8, 9, 10}},
		{"unique", "lt negative", func(f string) query.Cond { return query.Lt(f, 0) }, []int64{2, 6}},
		{"unique", "lte", func(f string) query.Cond { return query.Lte(f, 2) }, []int64{2, 5, 6, 10}},
		{"unique", "between negative", func(f string) query.Cond { return query.Between(f, -7, -1) }, []int64{2, 6}},
		{"unique", "in", func(f string) query.Cond { return query.In(f, 100, -7, 3) }, []int64{4, 6}},
		{"unique", "ne", func(f string) query.Cond { return query.Ne(f, 5) }, []int64{2, 4, 5, 6, 8, 9, 10}},
		{"unique", "notIn", func(f string) query.Cond { return query.NotIn(f, 5, 100) }, []int64{2, 5, 6, 8, 9, 10}},
		{"unique", "or of eqs", func(f string) query.Cond { return query.Or(query.Eq(f, 9), query.Eq(f, 2)) }, []int64{9, 10}},

		{"float", "eq zero matches minus zero", func(f string) query.Cond { return query.Eq(f, 0.0) }, []int64{3, 4, 8}},
		{"float", "eq int constant", func(f string) query.Cond { return query.Eq(f, 2) }, []int64{5}},
		{"float", "eq", func(f string) query.Cond { return query.Eq(f, 1.5) }, []int64{1, 7}},
		{"float", "lt zero", func(f string) query.Cond { return query.Lt(f, 0.0) }, []int64{2, 6, 10}},
		{"float", "gte zero", func(f string) query.Cond { return query.Gte(f, 0.0) }, []int64{1, 3, 4, 5, 7, 8, 9}},
		{"float", "gt negative", func(f string) query.Cond { return query.Gt(f, -1.0) }, []int64{1, 2, 3, 4, 5, 7, 8, 9}},
		{"float", "between", func(f string) query.Cond { return query.Between(f, -1.0, 1.5) }, []int64{1, 2, 3, 4, 7, 8}},
		{"float", "in", func(f string) query.Cond { return query.In(f, 2.0, -100.0) }, []int64{5, 10}},

		{"pk", "eq", func(f string) query.Cond { return query.Eq(f, 3) }, []int64{3}},
		{"pk", "in", func(f string) query.Cond { return query.In(f, 9, 2, 42) }, []int64{2, 9}},
		{"pk", "gt", func(f string) query.Cond { return query.Gt(f, 7) }, []int64{8, 9, 10}},
		{"pk", "between", func(f string) query.Cond { return query.Between(f, 4, 6) }, []int64{4, 5, 6}},
		{"pk", "lt", func(f string) query.Cond { return query.Lt(f, 3) }, []int64{1, 2}},
		{"pk", "lte negative", func(f string) query.Cond { return query.Lte(f, -1) }, nil},
		{"pk", "ne", func(f string) query.Cond { return query.Ne(f, 5) }, []int64{1, 2, 3, 4, 6, 7, 8, 9, 10}},
		{"pk", "notIn", func(f string) query.Cond { return query.NotIn(f, 1, 2) }, []int64{3, 4, 5, 6, 7, 8, 9, 10}},
		{"pk", "isNull", func(f string) query.Cond { return query.IsNull(f) }, nil},
	}
	for _, tc := range cases {
		for _, field := range stPairs[tc.pair] {
			t.Run(tc.pair+"/"+tc.name+"/"+field, func(t *testing.T) {
				got := stFind(t, db, &memrel.Options{Where: tc.cond(field)})
				if tc.want == nil {
					require.Empty(t, got)
				} else {
					require.Equal(t, tc.want, got)
				}
			})
		}
	}
}

func TestModel_FindAll_Order(t *testing.T) {
	db := stRowsSetup(t)
	cases := []struct {
		name  string
		order func(a, s string) []query.Order
		want  []int64
	}{
		{"asc nulls last, ties by pk", func(a, s string) []query.Order { return []query.Order{query.Asc(a)} }, []int64{6, 2, 9, 5, 1, 4, 10, 8, 3, 7}},
		{"desc nulls first, ties by ascending pk", func(a, s string) []query.Order { return []query.Order{query.Desc(a)} }, []int64{3, 7, 8, 10, 1, 4, 5, 2, 9, 6}},
		{"asc asc", func(a, s string) []query.Order { return []query.Order{query.Asc(a), query.Asc(s)} }, []int64{6, 9, 2, 5, 4, 1, 10, 8, 7, 3}},
		{"desc asc", func(a, s string) []query.Order { return []query.Order{query.Desc(a), query.Asc(s)} }, []int64{7, 3, 8, 10, 4, 1, 5, 9, 2, 6}},
		{"asc desc", func(a, s string) []query.Order { return []query.Order{query.Asc(a), query.Desc(s)} }, []int64{6, 2, 9, 5, 1, 4, 10, 8, 3, 7}},
		{"asc then pk desc", func(a, s string) []query.Order { return []query.Order{query.Asc(a), query.Desc("id")} }, []int64{6, 9, 2, 5, 4, 1, 10, 8, 7, 3}},
		{"string desc", func(a, s string) []query.Order { return []query.Order{query.Desc(s)} }, []int64{3, 8, 1, 10, 5, 6, 7, 2, 4, 9}},
		{"string asc", func(a, s string) []query.Order { return []query.Order{query.Asc(s)} }, []int64{9, 4, 2, 7, 6, 5, 10, 1, 3, 8}},
		{"pk desc", func(a, s string) []query.Order { return []query.Order{query.Desc("id")} }, []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"pk asc by Go name", func(a, s string) []query.Order { return []query.Order{query.Asc("ID")} }, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	}
	for _, tc := range cases {
		for _, cols := range [][2]string{{"a", "s"}, {"ap", "sp"}, {"A", "S"}} {
			t.Run(tc.name+"/"+cols[0], func(t *testing.T) {
				require.Equal(t, tc.want, stFind(t, db, &memrel.Options{Order: tc.order(cols[0], cols[1])}))
			})
		}
	}
	// Floats order numerically, with -0 equal to 0 (ties by pk).
	for _, f := range []string{"f", "fp"} {
		require.Equal(t, []int64{10, 6, 2, 3, 4, 8, 1, 7, 5, 9}, stFind(t, db, &memrel.Options{Order: []query.Order{query.Asc(f)}}), f)
		require.Equal(t, []int64{9, 5, 1, 7, 3, 4, 8, 2, 6, 10}, stFind(t, db, &memrel.Options{Order: []query.Order{query.Desc(f)}}), f)
	}
}

func TestModel_FindAll_LimitOffset(t *testing.T) {
	db := stRowsSetup(t)
	cases := []struct {
		name string
		o    func(a string) *memrel.Options
		want []int64
	}{
		{"limit", func(a string) *memrel.Options { return &memrel.Options{Limit: 3} }, []int64{1, 2, 3}},
		{"offset", func(a string) *memrel.Options { return &memrel.Options{Offset: 8} }, []int64{9, 10}},
		{"offset past end", func(a string) *memrel.Options { return &memrel.Options{Offset: 10} }, nil},
		{"limit past end", func(a string) *memrel.Options { return &memrel.Options{Offset: 9, Limit: 5} }, []int64{10}},
		{"asc window", func(a string) *memrel.Options {
			return &memrel.Options{Order: []query.Order{query.Asc(a)}, Offset: 2, Limit: 3}
		}, []int64{9, 5, 1}},
		{"desc window", func(a string) *memrel.Options {
			return &memrel.Options{Order: []query.Order{query.Desc(a)}, Offset: 1, Limit: 2}
		}, []int64{7, 8}},
		{"where asc window", func(a string) *memrel.Options {
			return &memrel.Options{Where: query.Gt(a, -3), Order: []query.Order{query.Asc(a)}, Limit: 2}
		}, []int64{2, 9}},
		{"where desc window", func(a string) *memrel.Options {
			return &memrel.Options{Where: query.Lt(a, 5), Order: []query.Order{query.Desc(a)}, Offset: 1, Limit: 3}
		}, []int64{4, 5, 2}},
		{"where other field, ordered window", func(a string) *memrel.Options {
			return &memrel.Options{Where: query.Like("s", "a%"), Order: []query.Order{query.Asc(a)}, Limit: 2}
		}, []int64{6, 2}},
		{"eq window", func(a string) *memrel.Options {
			return &memrel.Options{Where: query.Eq(a, 3), Offset: 1, Limit: 1}
		}, []int64{4}},
		{"pk desc window", func(a string) *memrel.Options {
			return &memrel.Options{Where: query.NotNull(a), Order: []query.Order{query.Desc("id")}, Limit: 3}
		}, []int64{10, 9, 8}},
	}
	for _, tc := range cases {
		for _, a := range []string{"a", "ap"} {
			t.Run(tc.name+"/"+a, func(t *testing.T) {
				got := stFind(t, db, tc.o(a))
				if tc.want == nil {
					require.Empty(t, got)
				} else {
					require.Equal(t, tc.want, got)
				}
			})
		}
	}
	stView(t, db, func(tx *memrel.Txn) {
		_, err := db.rows.FindAll(tx, &memrel.Options{Limit: -1})
		require.Error(t, err)
		_, err = db.rows.FindAll(tx, &memrel.Options{Offset: -1})
		require.Error(t, err)
	})
}

// TestModel_FindAll_IndexedMatchesUnindexed runs the same queries on each
// indexed column (index, unique, primary key) and on its unindexed copy,
// over a larger generated data set, and requires the same answers.
func TestModel_FindAll_IndexedMatchesUnindexed(t *testing.T) {
	db := stSetup(t)
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 80
	perm := rng.Perm(n)
	rows := make([]fixture.ColumnRow, n)
	for i := range rows {
		r := fixture.ColumnRow{F: float64(rng.IntN(9)-4) / 2}
		if rng.IntN(5) > 0 {
			r.A = stInt(int64(rng.IntN(15) - 7))
		}
		if rng.IntN(5) > 0 {
			r.S = stStr([]string{"", "a", "ab", "abc", "b", "B", "ba", "a_b", "b%"}[rng.IntN(9)])
		}
		if rng.IntN(4) > 0 {
			r.U = stInt(int64(perm[i]) - 40)
		}
		rows[i] = r
	}
	stInsertRows(t, db, rows)
	// A few holes in the primary key sequence.
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.rows.DestroyAll(tx, query.In("id", 5, 6, 40, 41, 42, 80))
		require.NoError(t, err)
	})

	values := map[string][]any{
		"int":    {-8, -7, -3, 0, 2, 7, 8},
		"string": {"", "a", "ab", "B", "b", "zz"},
		"unique": {-41, -40, -1, 0, 5, 39, 40},
		"float":  {-2.5, -2.0, -0.5, 0.0, 1.0, 2.0},
		"pk":     {-1, 0, 1, 5, 7, 41, 43, 80, 81},
	}
	conds := func(f string, vs []any) map[string]query.Cond {
		m := map[string]query.Cond{"all": {}, "isNull": query.IsNull(f), "notNull": query.NotNull(f)}
		for i, v := range vs {
			w := vs[(i+2)%len(vs)]
			m[fmt.Sprint("eq ", v)] = query.Eq(f, v)
			m[fmt.Sprint("ne ", v)] = query.Ne(f, v)
			m[fmt.Sprint("gt ", v)] = query.Gt(f, v)
			m[fmt.Sprint("gte ", v)] = query.Gte(f, v)
			m[fmt.Sprint("lt ", v)] = query.Lt(f, v)
			m[fmt.Sprint("lte ", v)] = query.Lte(f, v)
			m[fmt.Sprint("in ", v, w)] = query.In(f, v, w)
			m[fmt.Sprint("notIn ", v, w)] = query.NotIn(f, v, w)
			m[fmt.Sprint("between ", v, w)] = query.Between(f, v, w)
			m[fmt.Sprint("range and ", v, w)] = query.And(query.Gte(f, v), query.Lt(f, w))
			m[fmt.Sprint("eq or null ", v)] = query.Or(query.Eq(f, v), query.IsNull(f))
			m[fmt.Sprint("not gt ", v)] = query.Not(query.Gt(f, v))
			m[fmt.Sprint("gt and other ", v)] = query.And(query.Gt(f, v), query.NotNull("sp"))
		}
		return m
	}
	for pair, cols := range stPairs {
		idx, plain := cols[0], cols[1]
		ci, cp := conds(idx, values[pair]), conds(plain, values[pair])
		orders := map[string][2][]query.Order{
			"none":      {nil, nil},
			"asc":       {{query.Asc(idx)}, {query.Asc(plain)}},
			"desc":      {{query.Desc(idx)}, {query.Desc(plain)}},
			"asc, desc": {{query.Asc(idx), query.Desc("fp")}, {query.Asc(plain), query.Desc("fp")}},
			"other":     {{query.Desc("sp")}, {query.Desc("sp")}},
			"pk desc":   {{query.Desc("id")}, {query.Desc("id")}},
		}
		onames := slices.Sorted(maps.Keys(orders))
		windows := [][2]int{{0, 3}, {2, 5}, {7, 1}, {0, 0}}
		// Every condition runs unordered and unwindowed, and once more
		// with an order and a window taken in turn, to keep the run short.
		for i, name := range slices.Sorted(maps.Keys(ci)) {
			ord := orders[onames[i%len(onames)]]
			w := windows[(i/len(onames))%len(windows)]
			runs := []struct {
				oi, op *memrel.Options
			}{
				{&memrel.Options{Where: ci[name]}, &memrel.Options{Where: cp[name]}},
				{&memrel.Options{Where: ci[name], Order: ord[0], Offset: w[0], Limit: w[1]},
					&memrel.Options{Where: cp[name], Order: ord[1], Offset: w[0], Limit: w[1]}},
			}
			for _, r := range runs {
				gi, gp := stFind(t, db, r.oi), stFind(t, db, r.op)
				require.Equal(t, gp, gi, "%s %s order %v window %d/%d: %s disagrees with %s",
					pair, name, r.oi.Order, r.oi.Offset, r.oi.Limit, idx, plain)
			}
		}
	}
}

func TestModel_FindAll_Fields(t *testing.T) {
	db := stRowsSetup(t)
	stView(t, db, func(tx *memrel.Txn) {
		rs, err := db.rows.FindAll(tx, &memrel.Options{Fields: []string{"id", "S"}, Where: query.Eq("id", 1)})
		require.NoError(t, err)
		require.Equal(t, []fixture.ColumnRow{{ID: 1, S: stStr("b")}}, rs)
		r, ok, err := db.rows.FindOne(tx, &memrel.Options{Fields: []string{"a", "fp"}, Order: []query.Order{query.Desc("id")}})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, fixture.ColumnRow{A: stInt(7), FP: -100}, r)
		// A field selection is a copy: the full row is still stored.
		full, _, err := db.rows.FindByPK(tx, 10)
		require.NoError(t, err)
		require.Equal(t, int64(10), full.IDP)
		require.NotNil(t, full.S)
	})
}

func TestModel_FindAll_QueryErrors(t *testing.T) {
	db := stRowsSetup(t)
	unknown := []struct {
		name string
		o    *memrel.Options
	}{
		{"where", &memrel.Options{Where: query.Eq("nope", 1)}},
		{"where in or", &memrel.Options{Where: query.Or(query.Eq("a", 1), query.IsNull("nope"))}},
		{"where in not", &memrel.Options{Where: query.Not(query.Like("nope", "x"))}},
		{"where in and", &memrel.Options{Where: query.And(query.Eq("a", 1), query.Gt("nope", 1))}},
		{"order", &memrel.Options{Order: []query.Order{query.Asc("a"), query.Desc("nope")}}},
		{"fields", &memrel.Options{Fields: []string{"id", "nope"}}},
		{"field from another model", &memrel.Options{Where: query.Eq("title", "x")}},
	}
	for _, tc := range unknown {
		t.Run("unknown "+tc.name, func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				_, err := db.rows.FindAll(tx, tc.o)
				require.ErrorIs(t, err, memrel.ErrUnknownField)
				var fe *memrel.FieldError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, "Row", fe.Model)
				require.Contains(t, []string{"nope", "title"}, fe.Field)
				require.Contains(t, err.Error(), "Row")
				require.Contains(t, err.Error(), fe.Field)
				_, err = db.rows.Count(tx, tc.o)
				if tc.o.Fields == nil && tc.o.Order == nil {
					require.ErrorIs(t, err, memrel.ErrUnknownField)
				}
				_, _, err = db.rows.FindOne(tx, tc.o)
				require.ErrorIs(t, err, memrel.ErrUnknownField)
			})
		})
	}
	bad := []struct {
		name string
		cond query.Cond
		is   error
	}{
		{"string for int", query.Eq("a", "x"), memrel.ErrBadValue},
		{"int for string", query.Gt("s", 1), memrel.ErrBadValue},
		{"string in list", query.In("a", 1, "x"), memrel.ErrBadValue},
		{"between bound", query.Between("a", 1, "z"), memrel.ErrBadValue},
		{"nil in range", query.Gt("a", nil), memrel.ErrBadValue},
		{"fraction for int", query.Eq("a", 1.5), memrel.ErrBadValue},
		{"bool for float", query.Eq("f", true), memrel.ErrBadValue},
		{"string for pk", query.Eq("id", "1"), memrel.ErrBadValue},
		{"like on int", query.Like("a", "1%"), memrel.ErrBadOperator},
		{"startsWith on float", query.StartsWith("f", "1"), memrel.ErrBadOperator},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				_, err := db.rows.FindAll(tx, &memrel.Options{Where: tc.cond})
				require.ErrorIs(t, err, tc.is)
				var fe *memrel.FieldError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, "Row", fe.Model)
				require.Equal(t, tc.cond.Field(), fe.Field)
				_, err = db.rows.Count(tx, &memrel.Options{Where: tc.cond})
				require.ErrorIs(t, err, tc.is)
			})
			// Writes with a bad where change nothing.
			err := stFailWrite(t, db, func(tx *memrel.Txn) error {
				_, err := db.rows.UpdateAll(tx, tc.cond, map[string]any{"f": 1.0})
				return err
			})
			require.ErrorIs(t, err, tc.is)
		})
	}
}

// Local shapes: the book type is the test's type parameter (partial or
// tagged foreign key index).
// stAuthor hasMany stBook; stBook's foreign key index leaves NULLs out,
// stTaggedBook's is tagged "index" and keeps them.
type stAuthor struct {
	ID   int64
	Name string
}

type stBook struct {
	ID       int64
	Title    string
	AuthorID *int64
}

type stTaggedBook struct {
	ID       int64
	Title    string
	AuthorID *int64 `memrel:"authorId,index"`
}

// TestModel_FindAll_ForeignKeyNulls: IS NULL, NOT NULL, ranges and orders on a
// foreign key column find the rows with a NULL foreign key, whether its
// index leaves them out (the default) or holds them (tagged "index").
func TestModel_FindAll_ForeignKeyNulls(t *testing.T) {
	t.Run("partial index", func(t *testing.T) { stForeignKeyNulls[stBook](t) })
	t.Run("tagged index", func(t *testing.T) { stForeignKeyNulls[stTaggedBook](t) })
}

func stForeignKeyNulls[B stBook | stTaggedBook](t *testing.T) {
	s := memrel.NewSchema()
	authors := memrel.Define[stAuthor](s, "Author")
	books := memrel.Define[B](s, "Book")
	ab := memrel.NewHasMany(authors, books, memrel.HasManyOptions{})
	db, err := s.Open()
	require.NoError(t, err)
	// Books 1..6 by author 2, none, 1, none, 2, 1.
	fks := []*int64{stI(2), nil, stI(1), nil, stI(2), stI(1)}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, n := range []string{"a", "b"} {
			_, err := authors.Create(tx, stAuthor{Name: n})
			require.NoError(t, err)
		}
		for i, fk := range fks {
			_, err := books.Create(tx, B(stBook{Title: fmt.Sprint("t", i+1), AuthorID: fk}))
			require.NoError(t, err)
		}
		// Remove nulls book 1's key: the index must drop it.
		return ab.RemoveKeys(tx, stAuthor{ID: 2}, []any{1}, nil)
	}))
	ids := func(o *memrel.Options) []int64 {
		var out []int64
		require.NoError(t, db.View(func(tx *memrel.Txn) error {
			rows, err := books.FindAll(tx, o)
			for _, r := range rows {
				out = append(out, stBook(r).ID)
			}
			return err
		}))
		return out
	}
	// Now: 1 none, 2 none, 3 a1, 4 none, 5 a2, 6 a1.
	require.Equal(t, []int64{1, 2, 4}, ids(&memrel.Options{Where: query.IsNull("authorId")}))
	require.Equal(t, []int64{3, 5, 6}, ids(&memrel.Options{Where: query.NotNull("authorId")}))
	require.Equal(t, []int64{5}, ids(&memrel.Options{Where: query.Gt("authorId", 1)}))
	require.Equal(t, []int64{3, 6}, ids(&memrel.Options{Where: query.Lt("authorId", 2)}))
	require.Equal(t, []int64{3, 6, 5, 1, 2, 4}, ids(&memrel.Options{Order: []query.Order{query.Asc("authorId")}}))
	require.Equal(t, []int64{1, 2, 4, 5, 3, 6}, ids(&memrel.Options{Order: []query.Order{query.Desc("authorId")}}))
	require.Equal(t, []int64{5, 1}, ids(&memrel.Options{Order: []query.Order{query.Asc("authorId")}, Offset: 2, Limit: 2}))
	require.Equal(t, []int64{2, 4}, ids(&memrel.Options{Where: query.Or(query.IsNull("authorId"), query.Eq("authorId", 9)), Offset: 1}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := books.Count(tx, &memrel.Options{Where: query.IsNull("authorId")})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		got, err := ab.Get(tx, stAuthor{ID: 2}, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, int64(5), stBook(got[0]).ID)
		return nil
	}))
}

func stI(v int64) *int64 { return &v }
