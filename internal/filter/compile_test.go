package filter

import (
	"errors"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCompile_Operators(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		cond query.Cond
		want []int64
	}{
		// Integers, every operator.
		{"eq", query.Eq("n", 2), []int64{2}},
		{"eq int64", query.Eq("n", int64(2)), []int64{2}},
		{"eq other int type", query.Eq("n", int32(-5)), []int64{5}},
		{"eq absent", query.Eq("n", 99), []int64{}},
		{"ne", query.Ne("n", 2), []int64{1, 3, 5}},
		{"gt", query.Gt("n", 1), []int64{2, 3}},
		{"gte", query.Gte("n", 1), []int64{1, 2, 3}},
		{"lt", query.Lt("n", 2), []int64{1, 5}},
		{"lte", query.Lte("n", 2), []int64{1, 2, 5}},
		{"between", query.Between("n", -5, 1), []int64{1, 5}},
		{"between one point", query.Between("n", 2, 2), []int64{2}},
		{"between reversed", query.Between("n", 3, 1), []int64{}},
		{"in", query.In("n", 1, 3, 99), []int64{1, 3}},
		{"in duplicates", query.In("n", 3, 3, 1, 1), []int64{1, 3}},
		{"notIn", query.NotIn("n", 1, 3), []int64{2, 5}},
		{"isNull", query.IsNull("n"), []int64{4}},
		{"notNull", query.NotNull("n"), []int64{1, 2, 3, 5}},

		// NULL semantics.
		{"eq nil is IS NULL", query.Eq("n", nil), []int64{4}},
		{"ne nil is IS NOT NULL", query.Ne("n", nil), []int64{1, 2, 3, 5}},
		{"ne skips NULL", query.Ne("s", "apple"), []int64{2, 3, 5}},
		{"not eq skips NULL", query.Not(query.Eq("n", 2)), []int64{1, 3, 5}},
		{"not gt skips NULL", query.Not(query.Gt("n", 1)), []int64{1, 5}},
		{"not eq nil", query.Not(query.Eq("n", nil)), []int64{1, 2, 3, 5}},
		{"not ne nil", query.Not(query.Ne("n", nil)), []int64{4}},
		{"not isNull", query.Not(query.IsNull("n")), []int64{1, 2, 3, 5}},
		{"in with nil ignores nil", query.In("n", 1, nil), []int64{1}},
		{"in only nil", query.In("n", nil), []int64{}},
		{"in empty", query.In("n"), []int64{}},
		{"not in empty", query.Not(query.In("n")), []int64{}},
		{"not in with nil", query.Not(query.In("n", 1, nil)), []int64{}},
		{"notIn with nil matches nothing", query.NotIn("n", 1, nil), []int64{}},
		{"notIn only nil", query.NotIn("n", nil), []int64{}},
		{"not notIn with nil", query.Not(query.NotIn("n", 1, nil)), []int64{1}},
		{"notIn skips NULL", query.NotIn("n", 99), []int64{1, 2, 3, 5}},
		{"notIn empty matches all", query.NotIn("n"), fakeAll},
		{"not notIn empty", query.Not(query.NotIn("n")), []int64{}},
		{"not in skips NULL", query.Not(query.In("n", 1)), []int64{2, 3, 5}},

		// Unsigned.
		{"uint gt", query.Gt("u", 10), []int64{2, 3}},
		{"uint eq zero", query.Eq("u", 0), []int64{5}},
		{"uint in", query.In("u", uint64(30), 10), []int64{1, 3}},

		// Floats: -0 = +0, NaN equals itself and sorts after +Inf.
		{"float eq zero", query.Eq("f", 0), []int64{2}},
		{"float eq -0", query.Eq("f", math.Copysign(0, -1)), []int64{2}},
		{"float gt", query.Gt("f", 1), []int64{1, 3, 5}},
		{"float lt inf", query.Lt("f", math.Inf(1)), []int64{1, 2}},
		{"float eq NaN", query.Eq("f", math.NaN()), []int64{5}},
		{"float gte -inf", query.Gte("f", math.Inf(-1)), []int64{1, 2, 3, 5}},

		// Strings compare bytewise.
		{"string eq", query.Eq("s", "apple"), []int64{1}},
		{"string eq empty", query.Eq("s", ""), []int64{5}},
		{"string ne empty", query.Ne("s", ""), []int64{1, 2, 3}},
		{"string gt", query.Gt("s", "B"), []int64{1, 2, 3}},
		{"string lt", query.Lt("s", "a"), []int64{2, 5}},
		{"string between", query.Between("s", "a", "c"), []int64{1}},
		{"string in", query.In("s", "", "cherry"), []int64{3, 5}},

		// Booleans, bytes, times.
		{"bool true", query.Eq("b", true), []int64{1, 3}},
		{"bool false", query.Eq("b", false), []int64{2, 5}},
		{"bool ne", query.Ne("b", true), []int64{2, 5}},
		{"bool gt", query.Gt("b", false), []int64{1, 3}},
		{"bytes eq empty", query.Eq("data", []byte{}), []int64{5}},
		{"bytes gt", query.Gt("data", "x"), []int64{3}},
		{"bytes lt", query.Lt("data", []byte("x")), []int64{2, 5}},
		{"time eq other zone", query.Eq("at", fakeT0.In(tokyo)), []int64{1}},
		{"time gt", query.Gt("at", fakeT0), []int64{2}},
		{"time lt", query.Lt("at", fakeT0), []int64{3, 5}},
		{"time between", query.Between("at", fakeT0.Add(-time.Hour), fakeT0), []int64{1, 3}},
		{"time before 1970", query.Lt("at", time.Unix(0, 0)), []int64{5}},

		// LIKE family on the fixture (see like_test.go for the matcher).
		{"like contains", query.Like("s", "%an%"), []int64{2}},
		{"like prefix", query.Like("s", "a%"), []int64{1}},
		{"like one char", query.Like("s", "_pple"), []int64{1}},
		{"like percent skips NULL only", query.Like("s", "%"), []int64{1, 2, 3, 5}},
		{"like empty pattern", query.Like("s", ""), []int64{5}},
		{"like is case sensitive", query.Like("s", "b%"), []int64{}},
		{"iLike folds", query.ILike("s", "b%"), []int64{2}},
		{"iLike folds pattern", query.ILike("s", "%AN%"), []int64{2}},
		{"startsWith", query.StartsWith("s", "ch"), []int64{3}},
		{"startsWith empty", query.StartsWith("s", ""), []int64{1, 2, 3, 5}},
		{"startsWith is case sensitive", query.StartsWith("s", "CH"), []int64{}},
		{"not like skips NULL", query.Not(query.Like("s", "a%")), []int64{2, 3, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fakeMatch(t, tc.cond, fakeRows))
		})
	}
}

func TestCompile_Logic(t *testing.T) {
	tests := []struct {
		name string
		cond query.Cond
		want []int64
	}{
		{"zero cond", query.Cond{}, fakeAll},
		{"and of zero", query.And(query.Cond{}), fakeAll},
		{"empty and", query.And(), fakeAll},
		{"empty or", query.Or(), []int64{}},
		{"not empty and", query.Not(query.And()), []int64{}},
		{"not empty or", query.Not(query.Or()), fakeAll},
		{"and", query.And(query.Gt("n", 0), query.Lt("n", 3)), []int64{1, 2}},
		{"or", query.Or(query.Eq("n", 1), query.Eq("n", 3)), []int64{1, 3}},
		{"or with isNull", query.Or(query.Eq("n", 1), query.IsNull("n")), []int64{1, 4}},
		{"double not", query.Not(query.Not(query.Eq("n", 2))), []int64{2}},
		{"nested", query.And(query.Or(query.Eq("n", 1), query.Eq("n", 2)), query.Or(query.Eq("s", "Banana"), query.Eq("s", "apple"))), []int64{1, 2}},
		// unknown AND false = false, so NOT makes it true even for row 4.
		{"not(unknown and false)", query.Not(query.And(query.Eq("n", 1), query.Eq("id", 99))), fakeAll},
		// unknown AND true = unknown: row 4 stays out.
		{"not(unknown and true)", query.Not(query.And(query.Eq("n", 1), query.Eq("id", 4))), []int64{1, 2, 3, 5}},
		// unknown OR true = true.
		{"unknown or true", query.Or(query.Eq("n", 1), query.Eq("id", 4)), []int64{1, 4}},
		// unknown OR false = unknown: NOT keeps row 4 out.
		{"not(unknown or false)", query.Not(query.Or(query.Eq("n", 1), query.Eq("id", 99))), []int64{2, 3, 5}},
		{"not(unknown or unknown)", query.Not(query.Or(query.Eq("n", 1), query.Eq("s", "zzz"))), []int64{2, 3, 5}},
		{"not(and unknowns)", query.Not(query.And(query.Eq("n", 1), query.Eq("s", "zzz"))), []int64{1, 2, 3, 5}},
		{"and with not unknown", query.And(query.NotNull("id"), query.Not(query.Eq("n", 3))), []int64{1, 2, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fakeMatch(t, tc.cond, fakeRows))
		})
	}
}

func TestCompile_NilFilter(t *testing.T) {
	var f *Filter
	require.True(t, f.Match(fakeRows[0]))
	require.Nil(t, f.Terms())
	f, err := Compile(fakePosts, query.Cond{})
	require.NoError(t, err)
	require.Nil(t, f, "the zero Cond compiles to a nil filter")
	require.True(t, f.Match(fakeRows[3]))
	require.True(t, (&Filter{}).Match(fakeRows[3]))
}

func TestCompile_Errors(t *testing.T) {
	tests := []struct {
		name  string
		cond  query.Cond
		err   error
		field string
		op    query.Op
		value any
	}{
		{"unknown field", query.Eq("nope", 1), errs.ErrUnknownField, "nope", query.OpEq, nil},
		{"unknown field in isNull", query.IsNull("nope"), errs.ErrUnknownField, "nope", query.OpIsNull, nil},
		{"unknown field under or", query.Or(query.Eq("n", 1), query.Gt("nope", 1)), errs.ErrUnknownField, "nope", query.OpGt, nil},
		{"unknown field under not", query.Not(query.And(query.Eq("n", 1), query.Like("nope", "x"))), errs.ErrUnknownField, "nope", query.OpLike, nil},
		{"empty field", query.Eq("", 1), errs.ErrUnknownField, "", query.OpEq, nil},
		{"bad value", query.Eq("n", "x"), errs.ErrBadValue, "n", query.OpEq, "x"},
		{"bad value ne", query.Ne("s", 1), errs.ErrBadValue, "s", query.OpNe, 1},
		{"bad value uint", query.Gt("u", -1), errs.ErrBadValue, "u", query.OpGt, -1},
		{"bad value in list", query.In("n", 1, "x"), errs.ErrBadValue, "n", query.OpIn, "x"},
		{"bad value notIn list", query.NotIn("n", 1, 2.5), errs.ErrBadValue, "n", query.OpNotIn, 2.5},
		{"nil in gt", query.Gt("n", nil), errs.ErrBadValue, "n", query.OpGt, nil},
		{"nil in between", query.Between("n", 1, nil), errs.ErrBadValue, "n", query.OpBetween, nil},
		{"bad value in between", query.Between("n", "a", 2), errs.ErrBadValue, "n", query.OpBetween, "a"},
		{"slice passed to eq", query.Eq("n", []int{1, 2}), errs.ErrBadValue, "n", query.OpEq, []int{1, 2}},
		{"slice inside an in list", query.In("n", 1, []int{2}), errs.ErrBadValue, "n", query.OpIn, []int{2}},
		{"like on int", query.Like("n", "1%"), errs.ErrBadOperator, "n", query.OpLike, "1%"},
		{"iLike on bytes", query.ILike("data", "x"), errs.ErrBadOperator, "data", query.OpILike, "x"},
		{"startsWith on bool", query.StartsWith("b", "t"), errs.ErrBadOperator, "b", query.OpStartsWith, "t"},
		{"like pattern not a string", query.Make(query.OpLike, "s", []any{1}), errs.ErrBadValue, "s", query.OpLike, 1},
		{"like trailing escape", query.Like("s", `ab\`), errs.ErrBadValue, "s", query.OpLike, `ab\`},
		{"iLike trailing escape", query.ILike("s", `\\\`), errs.ErrBadValue, "s", query.OpILike, `\\\`},
		{"eq without value", query.Make(query.OpEq, "n", nil), errs.ErrBadOperator, "n", query.OpEq, nil},
		{"gt with two values", query.Make(query.OpGt, "n", []any{1, 2}), errs.ErrBadOperator, "n", query.OpGt, nil},
		{"between with one value", query.Make(query.OpBetween, "n", []any{1}), errs.ErrBadOperator, "n", query.OpBetween, nil},
		{"isNull with a value", query.Make(query.OpIsNull, "n", []any{1}), errs.ErrBadOperator, "n", query.OpIsNull, nil},
		{"like without pattern", query.Make(query.OpLike, "s", nil), errs.ErrBadOperator, "s", query.OpLike, nil},
		{"unknown operator", query.Make(query.Op(99), "n", []any{1}), errs.ErrBadOperator, "n", query.Op(99), nil},
		{"not without operand", query.Make(query.OpNot, "", nil), errs.ErrBadOperator, "", query.OpNot, nil},
		{"not with two operands", query.Make(query.OpNot, "", nil, query.Eq("n", 1), query.Eq("n", 2)), errs.ErrBadOperator, "", query.OpNot, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(fakePosts, tc.cond)
			require.Nil(t, f)
			require.ErrorIs(t, err, tc.err)
			for _, other := range []error{errs.ErrUnknownField, errs.ErrBadValue, errs.ErrBadOperator} {
				if other != tc.err {
					require.NotErrorIs(t, err, other)
				}
			}
			var fe *errs.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "Post", fe.Model)
			require.Equal(t, tc.field, fe.Field)
			require.Equal(t, tc.op, fe.Op)
			require.Equal(t, tc.value, fe.Value)
			require.Contains(t, err.Error(), "memrel: ")
			require.Contains(t, err.Error(), "Post."+tc.field)
		})
	}
}

func TestFieldError_Error(t *testing.T) {
	tests := []struct {
		name string
		err  *errs.FieldError
		want string
	}{
		{"no value", &errs.FieldError{Model: "Post", Field: "x", Op: query.OpEq, Err: errs.ErrUnknownField}, "memrel: unknown field: Post.x"},
		{"value", &errs.FieldError{Model: "Post", Field: "n", Op: query.OpEq, Value: "x", Err: errs.ErrBadValue}, `memrel: bad value: Post.n eq "x"`},
		{"operator", &errs.FieldError{Model: "Post", Field: "n", Op: query.OpLike, Value: "1%", Err: errs.ErrBadOperator}, `memrel: bad operator: Post.n like "1%"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.err.Error())
			require.Equal(t, tc.err.Err, errors.Unwrap(tc.err))
		})
	}
}

func TestCompile_Terms(t *testing.T) {
	tests := []struct {
		name string
		cond query.Cond
		want []Term
	}{
		{"zero", query.Cond{}, nil},
		{"eq", query.Eq("n", 2), []Term{{"n", query.OpEq, fakeKeys(t, "n", 2)}}},
		{"eq nil is IS NULL", query.Eq("n", nil), []Term{{"n", query.OpIsNull, nil}}},
		{"isNull", query.IsNull("s"), []Term{{"s", query.OpIsNull, nil}}},
		{"gt", query.Gt("n", 2), []Term{{"n", query.OpGt, fakeKeys(t, "n", 2)}}},
		{"gte", query.Gte("s", "a"), []Term{{"s", query.OpGte, fakeKeys(t, "s", "a")}}},
		{"lt", query.Lt("f", 1.5), []Term{{"f", query.OpLt, fakeKeys(t, "f", 1.5)}}},
		{"lte", query.Lte("at", fakeT0), []Term{{"at", query.OpLte, fakeKeys(t, "at", fakeT0)}}},
		{"between", query.Between("n", 1, 5), []Term{{"n", query.OpBetween, fakeKeys(t, "n", 1, 5)}}},
		{"in sorted, deduplicated, nil dropped", query.In("n", 3, nil, 1, 3, -2), []Term{{"n", query.OpIn, fakeKeys(t, "n", -2, 1, 3)}}},
		{"in empty", query.In("n"), []Term{{"n", query.OpIn, [][]byte{}}}},
		{"ne", query.Ne("n", 2), nil},
		{"ne nil", query.Ne("n", nil), nil},
		{"notNull", query.NotNull("n"), nil},
		{"notIn", query.NotIn("n", 1), nil},
		{"like", query.Like("s", "a%"), nil},
		{"iLike", query.ILike("s", "a%"), nil},
		{"startsWith", query.StartsWith("s", "a"), nil},
		{"not", query.Not(query.Eq("n", 1)), nil},
		{"not and", query.Not(query.And(query.Eq("n", 1), query.IsNull("s"))), nil},
		{"or", query.Or(query.Eq("n", 1), query.Eq("n", 2)), nil},
		{"or of one", query.Or(query.Eq("n", 1)), nil},
		{"and", query.And(query.Eq("n", 2), query.Gt("s", "a"), query.Ne("id", 3), query.Like("s", "a%"), query.NotIn("n", 1), query.NotNull("n")),
			[]Term{{"n", query.OpEq, fakeKeys(t, "n", 2)}, {"s", query.OpGt, fakeKeys(t, "s", "a")}}},
		{"nested and stays top level", query.And(query.And(query.Eq("n", 2)), query.And(query.IsNull("s"), query.And(query.Lt("id", 9)))),
			[]Term{{"n", query.OpEq, fakeKeys(t, "n", 2)}, {"s", query.OpIsNull, nil}, {"id", query.OpLt, fakeKeys(t, "id", 9)}}},
		{"and beside or", query.And(query.Or(query.Eq("n", 1), query.Eq("id", 2)), query.Eq("s", "a")), []Term{{"s", query.OpEq, fakeKeys(t, "s", "a")}}},
		{"and under or", query.Or(query.And(query.Eq("n", 1), query.Eq("id", 2))), nil},
		{"and under not under and", query.And(query.Not(query.And(query.Eq("n", 1))), query.Eq("id", 1)), []Term{{"id", query.OpEq, fakeKeys(t, "id", 1)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(fakePosts, tc.cond)
			require.NoError(t, err)
			require.Equal(t, tc.want, f.Terms())
		})
	}
}

func TestCond_Accessors(t *testing.T) {
	tests := []struct {
		name  string
		cond  query.Cond
		op    query.Op
		field string
	}{
		{"zero", query.Cond{}, query.OpAll, ""},
		{"eq", query.Eq("a", 1), query.OpEq, "a"},
		{"ne", query.Ne("a", 1), query.OpNe, "a"},
		{"gt", query.Gt("a", 1), query.OpGt, "a"},
		{"gte", query.Gte("a", 1), query.OpGte, "a"},
		{"lt", query.Lt("a", 1), query.OpLt, "a"},
		{"lte", query.Lte("a", 1), query.OpLte, "a"},
		{"in", query.In("a", 1), query.OpIn, "a"},
		{"notIn", query.NotIn("a", 1), query.OpNotIn, "a"},
		{"between", query.Between("a", 1, 2), query.OpBetween, "a"},
		{"like", query.Like("a", "x"), query.OpLike, "a"},
		{"iLike", query.ILike("a", "x"), query.OpILike, "a"},
		{"startsWith", query.StartsWith("a", "x"), query.OpStartsWith, "a"},
		{"isNull", query.IsNull("a"), query.OpIsNull, "a"},
		{"notNull", query.NotNull("a"), query.OpNotNull, "a"},
		{"and", query.And(), query.OpAnd, ""},
		{"or", query.Or(), query.OpOr, ""},
		{"not", query.Not(query.Eq("a", 1)), query.OpNot, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.op, tc.cond.Op())
			require.Equal(t, tc.field, tc.cond.Field())
			require.Equal(t, tc.op == query.OpAll, tc.cond.IsZero())
		})
	}
	require.Equal(t, query.Order{Field: "a"}, query.Asc("a"))
	require.Equal(t, query.Order{Field: "a", Desc: true}, query.Desc("a"))
}

func TestCompile_PointerValuesAreDereferenced(t *testing.T) {
	five := int64(5)
	var none *int64
	list := []any{&five, none}
	c := query.In("n", list...)
	require.Equal(t, []any{int64(5), nil}, []any{c.Value(0), c.Value(1)})
	require.Equal(t, []any{&five, none}, list, "the caller's list is left alone")
	require.Nil(t, query.Eq("n", none).Value(0), "a nil pointer is NULL")
	pp := &five
	require.Equal(t, int64(5), query.Gt("n", &pp).Value(0))
}
