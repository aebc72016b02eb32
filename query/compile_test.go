package query

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCompileOperators(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		cond Cond
		want []int64
	}{
		// Integers, every operator.
		{"eq", Eq("n", 2), []int64{2}},
		{"eq int64", Eq("n", int64(2)), []int64{2}},
		{"eq other int type", Eq("n", int32(-5)), []int64{5}},
		{"eq absent", Eq("n", 99), []int64{}},
		{"ne", Ne("n", 2), []int64{1, 3, 5}},
		{"gt", Gt("n", 1), []int64{2, 3}},
		{"gte", Gte("n", 1), []int64{1, 2, 3}},
		{"lt", Lt("n", 2), []int64{1, 5}},
		{"lte", Lte("n", 2), []int64{1, 2, 5}},
		{"between", Between("n", -5, 1), []int64{1, 5}},
		{"between one point", Between("n", 2, 2), []int64{2}},
		{"between reversed", Between("n", 3, 1), []int64{}},
		{"in", In("n", 1, 3, 99), []int64{1, 3}},
		{"in duplicates", In("n", 3, 3, 1, 1), []int64{1, 3}},
		{"notIn", NotIn("n", 1, 3), []int64{2, 5}},
		{"isNull", IsNull("n"), []int64{4}},
		{"notNull", NotNull("n"), []int64{1, 2, 3, 5}},

		// NULL semantics.
		{"eq nil is IS NULL", Eq("n", nil), []int64{4}},
		{"ne nil is IS NOT NULL", Ne("n", nil), []int64{1, 2, 3, 5}},
		{"ne skips NULL", Ne("s", "apple"), []int64{2, 3, 5}},
		{"not eq skips NULL", Not(Eq("n", 2)), []int64{1, 3, 5}},
		{"not gt skips NULL", Not(Gt("n", 1)), []int64{1, 5}},
		{"not eq nil", Not(Eq("n", nil)), []int64{1, 2, 3, 5}},
		{"not ne nil", Not(Ne("n", nil)), []int64{4}},
		{"not isNull", Not(IsNull("n")), []int64{1, 2, 3, 5}},
		{"in with nil ignores nil", In("n", 1, nil), []int64{1}},
		{"in only nil", In("n", nil), []int64{}},
		{"in empty", In("n"), []int64{}},
		{"not in empty", Not(In("n")), []int64{}},
		{"not in with nil", Not(In("n", 1, nil)), []int64{}},
		{"notIn with nil matches nothing", NotIn("n", 1, nil), []int64{}},
		{"notIn only nil", NotIn("n", nil), []int64{}},
		{"not notIn with nil", Not(NotIn("n", 1, nil)), []int64{1}},
		{"notIn skips NULL", NotIn("n", 99), []int64{1, 2, 3, 5}},
		{"notIn empty matches all", NotIn("n"), fakeAll},
		{"not notIn empty", Not(NotIn("n")), []int64{}},
		{"not in skips NULL", Not(In("n", 1)), []int64{2, 3, 5}},

		// Unsigned.
		{"uint gt", Gt("u", 10), []int64{2, 3}},
		{"uint eq zero", Eq("u", 0), []int64{5}},
		{"uint in", In("u", uint64(30), 10), []int64{1, 3}},

		// Floats: -0 = +0, NaN equals itself and sorts after +Inf.
		{"float eq zero", Eq("f", 0), []int64{2}},
		{"float eq -0", Eq("f", math.Copysign(0, -1)), []int64{2}},
		{"float gt", Gt("f", 1), []int64{1, 3, 5}},
		{"float lt inf", Lt("f", math.Inf(1)), []int64{1, 2}},
		{"float eq NaN", Eq("f", math.NaN()), []int64{5}},
		{"float gte -inf", Gte("f", math.Inf(-1)), []int64{1, 2, 3, 5}},

		// Strings compare bytewise.
		{"string eq", Eq("s", "apple"), []int64{1}},
		{"string eq empty", Eq("s", ""), []int64{5}},
		{"string ne empty", Ne("s", ""), []int64{1, 2, 3}},
		{"string gt", Gt("s", "B"), []int64{1, 2, 3}},
		{"string lt", Lt("s", "a"), []int64{2, 5}},
		{"string between", Between("s", "a", "c"), []int64{1}},
		{"string in", In("s", "", "cherry"), []int64{3, 5}},

		// Booleans, bytes, times.
		{"bool true", Eq("b", true), []int64{1, 3}},
		{"bool false", Eq("b", false), []int64{2, 5}},
		{"bool ne", Ne("b", true), []int64{2, 5}},
		{"bool gt", Gt("b", false), []int64{1, 3}},
		{"bytes eq empty", Eq("data", []byte{}), []int64{5}},
		{"bytes gt", Gt("data", "x"), []int64{3}},
		{"bytes lt", Lt("data", []byte("x")), []int64{2, 5}},
		{"time eq other zone", Eq("at", fakeT0.In(tokyo)), []int64{1}},
		{"time gt", Gt("at", fakeT0), []int64{2}},
		{"time lt", Lt("at", fakeT0), []int64{3, 5}},
		{"time between", Between("at", fakeT0.Add(-time.Hour), fakeT0), []int64{1, 3}},
		{"time before 1970", Lt("at", time.Unix(0, 0)), []int64{5}},

		// LIKE family on the fixture (see like_test.go for the matcher).
		{"like contains", Like("s", "%an%"), []int64{2}},
		{"like prefix", Like("s", "a%"), []int64{1}},
		{"like one char", Like("s", "_pple"), []int64{1}},
		{"like percent skips NULL only", Like("s", "%"), []int64{1, 2, 3, 5}},
		{"like empty pattern", Like("s", ""), []int64{5}},
		{"like is case sensitive", Like("s", "b%"), []int64{}},
		{"iLike folds", ILike("s", "b%"), []int64{2}},
		{"iLike folds pattern", ILike("s", "%AN%"), []int64{2}},
		{"startsWith", StartsWith("s", "ch"), []int64{3}},
		{"startsWith empty", StartsWith("s", ""), []int64{1, 2, 3, 5}},
		{"startsWith is case sensitive", StartsWith("s", "CH"), []int64{}},
		{"not like skips NULL", Not(Like("s", "a%")), []int64{2, 3, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fakeMatch(t, tc.cond, fakeRows))
		})
	}
}

func TestCompileLogic(t *testing.T) {
	tests := []struct {
		name string
		cond Cond
		want []int64
	}{
		{"zero cond", Cond{}, fakeAll},
		{"and of zero", And(Cond{}), fakeAll},
		{"empty and", And(), fakeAll},
		{"empty or", Or(), []int64{}},
		{"not empty and", Not(And()), []int64{}},
		{"not empty or", Not(Or()), fakeAll},
		{"and", And(Gt("n", 0), Lt("n", 3)), []int64{1, 2}},
		{"or", Or(Eq("n", 1), Eq("n", 3)), []int64{1, 3}},
		{"or with isNull", Or(Eq("n", 1), IsNull("n")), []int64{1, 4}},
		{"double not", Not(Not(Eq("n", 2))), []int64{2}},
		{"nested", And(Or(Eq("n", 1), Eq("n", 2)), Or(Eq("s", "Banana"), Eq("s", "apple"))), []int64{1, 2}},
		// unknown AND false = false, so NOT makes it true even for row 4.
		{"not(unknown and false)", Not(And(Eq("n", 1), Eq("id", 99))), fakeAll},
		// unknown AND true = unknown: row 4 stays out.
		{"not(unknown and true)", Not(And(Eq("n", 1), Eq("id", 4))), []int64{1, 2, 3, 5}},
		// unknown OR true = true.
		{"unknown or true", Or(Eq("n", 1), Eq("id", 4)), []int64{1, 4}},
		// unknown OR false = unknown: NOT keeps row 4 out.
		{"not(unknown or false)", Not(Or(Eq("n", 1), Eq("id", 99))), []int64{2, 3, 5}},
		{"not(unknown or unknown)", Not(Or(Eq("n", 1), Eq("s", "zzz"))), []int64{2, 3, 5}},
		{"not(and unknowns)", Not(And(Eq("n", 1), Eq("s", "zzz"))), []int64{1, 2, 3, 5}},
		{"and with not unknown", And(NotNull("id"), Not(Eq("n", 3))), []int64{1, 2, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fakeMatch(t, tc.cond, fakeRows))
		})
	}
}

func TestCompileNilFilter(t *testing.T) {
	var f *Filter
	require.True(t, f.Match(fakeRows[0]))
	require.Nil(t, f.Terms())
	f, err := Compile(fakePosts, Cond{})
	require.NoError(t, err)
	require.Nil(t, f, "the zero Cond compiles to a nil filter")
	require.True(t, f.Match(fakeRows[3]))
	require.True(t, (&Filter{}).Match(fakeRows[3]))
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name  string
		cond  Cond
		err   error
		field string
		op    Op
		value any
	}{
		{"unknown field", Eq("nope", 1), ErrUnknownField, "nope", OpEq, nil},
		{"unknown field in isNull", IsNull("nope"), ErrUnknownField, "nope", OpIsNull, nil},
		{"unknown field under or", Or(Eq("n", 1), Gt("nope", 1)), ErrUnknownField, "nope", OpGt, nil},
		{"unknown field under not", Not(And(Eq("n", 1), Like("nope", "x"))), ErrUnknownField, "nope", OpLike, nil},
		{"empty field", Eq("", 1), ErrUnknownField, "", OpEq, nil},
		{"bad value", Eq("n", "x"), ErrBadValue, "n", OpEq, "x"},
		{"bad value ne", Ne("s", 1), ErrBadValue, "s", OpNe, 1},
		{"bad value uint", Gt("u", -1), ErrBadValue, "u", OpGt, -1},
		{"bad value in list", In("n", 1, "x"), ErrBadValue, "n", OpIn, "x"},
		{"bad value notIn list", NotIn("n", 1, 2.5), ErrBadValue, "n", OpNotIn, 2.5},
		{"nil in gt", Gt("n", nil), ErrBadValue, "n", OpGt, nil},
		{"nil in between", Between("n", 1, nil), ErrBadValue, "n", OpBetween, nil},
		{"bad value in between", Between("n", "a", 2), ErrBadValue, "n", OpBetween, "a"},
		{"slice passed to in", In("n", []int{1, 2}), ErrBadValue, "n", OpIn, []int{1, 2}},
		{"like on int", Like("n", "1%"), ErrBadOperator, "n", OpLike, "1%"},
		{"iLike on bytes", ILike("data", "x"), ErrBadOperator, "data", OpILike, "x"},
		{"startsWith on bool", StartsWith("b", "t"), ErrBadOperator, "b", OpStartsWith, "t"},
		{"like pattern not a string", Cond{op: OpLike, field: "s", values: []any{1}}, ErrBadValue, "s", OpLike, 1},
		{"like trailing escape", Like("s", `ab\`), ErrBadValue, "s", OpLike, `ab\`},
		{"iLike trailing escape", ILike("s", `\\\`), ErrBadValue, "s", OpILike, `\\\`},
		{"eq without value", Cond{op: OpEq, field: "n"}, ErrBadOperator, "n", OpEq, nil},
		{"gt with two values", Cond{op: OpGt, field: "n", values: []any{1, 2}}, ErrBadOperator, "n", OpGt, nil},
		{"between with one value", Cond{op: OpBetween, field: "n", values: []any{1}}, ErrBadOperator, "n", OpBetween, nil},
		{"isNull with a value", Cond{op: OpIsNull, field: "n", values: []any{1}}, ErrBadOperator, "n", OpIsNull, nil},
		{"like without pattern", Cond{op: OpLike, field: "s"}, ErrBadOperator, "s", OpLike, nil},
		{"unknown operator", Cond{op: Op(99), field: "n", values: []any{1}}, ErrBadOperator, "n", Op(99), nil},
		{"not without operand", Cond{op: OpNot}, ErrBadOperator, "", OpNot, nil},
		{"not with two operands", Cond{op: OpNot, conds: []Cond{Eq("n", 1), Eq("n", 2)}}, ErrBadOperator, "", OpNot, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(fakePosts, tc.cond)
			require.Nil(t, f)
			require.ErrorIs(t, err, tc.err)
			for _, other := range []error{ErrUnknownField, ErrBadValue, ErrBadOperator} {
				if other != tc.err {
					require.NotErrorIs(t, err, other)
				}
			}
			var fe *FieldError
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

func TestFieldErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *FieldError
		want string
	}{
		{"no value", &FieldError{Model: "Post", Field: "x", Op: OpEq, Err: ErrUnknownField}, "memrel: unknown field: Post.x"},
		{"value", &FieldError{Model: "Post", Field: "n", Op: OpEq, Value: "x", Err: ErrBadValue}, `memrel: bad value: Post.n eq "x"`},
		{"operator", &FieldError{Model: "Post", Field: "n", Op: OpLike, Value: "1%", Err: ErrBadOperator}, `memrel: bad operator: Post.n like "1%"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.err.Error())
			require.Equal(t, tc.err.Err, errors.Unwrap(tc.err))
		})
	}
}

func TestCompileTerms(t *testing.T) {
	tests := []struct {
		name string
		cond Cond
		want []Term
	}{
		{"zero", Cond{}, nil},
		{"eq", Eq("n", 2), []Term{{"n", OpEq, fakeKeys(t, "n", 2)}}},
		{"eq nil is IS NULL", Eq("n", nil), []Term{{"n", OpIsNull, nil}}},
		{"isNull", IsNull("s"), []Term{{"s", OpIsNull, nil}}},
		{"gt", Gt("n", 2), []Term{{"n", OpGt, fakeKeys(t, "n", 2)}}},
		{"gte", Gte("s", "a"), []Term{{"s", OpGte, fakeKeys(t, "s", "a")}}},
		{"lt", Lt("f", 1.5), []Term{{"f", OpLt, fakeKeys(t, "f", 1.5)}}},
		{"lte", Lte("at", fakeT0), []Term{{"at", OpLte, fakeKeys(t, "at", fakeT0)}}},
		{"between", Between("n", 1, 5), []Term{{"n", OpBetween, fakeKeys(t, "n", 1, 5)}}},
		{"in sorted, deduplicated, nil dropped", In("n", 3, nil, 1, 3, -2), []Term{{"n", OpIn, fakeKeys(t, "n", -2, 1, 3)}}},
		{"in empty", In("n"), []Term{{"n", OpIn, [][]byte{}}}},
		{"ne", Ne("n", 2), nil},
		{"ne nil", Ne("n", nil), nil},
		{"notNull", NotNull("n"), nil},
		{"notIn", NotIn("n", 1), nil},
		{"like", Like("s", "a%"), nil},
		{"iLike", ILike("s", "a%"), nil},
		{"startsWith", StartsWith("s", "a"), nil},
		{"not", Not(Eq("n", 1)), nil},
		{"not and", Not(And(Eq("n", 1), IsNull("s"))), nil},
		{"or", Or(Eq("n", 1), Eq("n", 2)), nil},
		{"or of one", Or(Eq("n", 1)), nil},
		{"and", And(Eq("n", 2), Gt("s", "a"), Ne("id", 3), Like("s", "a%"), NotIn("n", 1), NotNull("n")),
			[]Term{{"n", OpEq, fakeKeys(t, "n", 2)}, {"s", OpGt, fakeKeys(t, "s", "a")}}},
		{"nested and stays top level", And(And(Eq("n", 2)), And(IsNull("s"), And(Lt("id", 9)))),
			[]Term{{"n", OpEq, fakeKeys(t, "n", 2)}, {"s", OpIsNull, nil}, {"id", OpLt, fakeKeys(t, "id", 9)}}},
		{"and beside or", And(Or(Eq("n", 1), Eq("id", 2)), Eq("s", "a")), []Term{{"s", OpEq, fakeKeys(t, "s", "a")}}},
		{"and under or", Or(And(Eq("n", 1), Eq("id", 2))), nil},
		{"and under not under and", And(Not(And(Eq("n", 1))), Eq("id", 1)), []Term{{"id", OpEq, fakeKeys(t, "id", 1)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(fakePosts, tc.cond)
			require.NoError(t, err)
			require.Equal(t, tc.want, f.Terms())
		})
	}
}

func TestOpString(t *testing.T) {
	names := map[Op]string{
		OpAll: "all", OpEq: "eq", OpNe: "ne", OpGt: "gt", OpGte: "gte", OpLt: "lt", OpLte: "lte",
		OpIn: "in", OpNotIn: "notIn", OpBetween: "between", OpLike: "like", OpILike: "iLike",
		OpStartsWith: "startsWith", OpIsNull: "isNull", OpNotNull: "notNull", OpAnd: "and",
		OpOr: "or", OpNot: "not", OpNot + 1: "op?", Op(255): "op?",
	}
	for op, want := range names {
		require.Equal(t, want, op.String())
	}
}

func TestCondAccessors(t *testing.T) {
	tests := []struct {
		name  string
		cond  Cond
		op    Op
		field string
	}{
		{"zero", Cond{}, OpAll, ""},
		{"eq", Eq("a", 1), OpEq, "a"},
		{"ne", Ne("a", 1), OpNe, "a"},
		{"gt", Gt("a", 1), OpGt, "a"},
		{"gte", Gte("a", 1), OpGte, "a"},
		{"lt", Lt("a", 1), OpLt, "a"},
		{"lte", Lte("a", 1), OpLte, "a"},
		{"in", In("a", 1), OpIn, "a"},
		{"notIn", NotIn("a", 1), OpNotIn, "a"},
		{"between", Between("a", 1, 2), OpBetween, "a"},
		{"like", Like("a", "x"), OpLike, "a"},
		{"iLike", ILike("a", "x"), OpILike, "a"},
		{"startsWith", StartsWith("a", "x"), OpStartsWith, "a"},
		{"isNull", IsNull("a"), OpIsNull, "a"},
		{"notNull", NotNull("a"), OpNotNull, "a"},
		{"and", And(), OpAnd, ""},
		{"or", Or(), OpOr, ""},
		{"not", Not(Eq("a", 1)), OpNot, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.op, tc.cond.Op())
			require.Equal(t, tc.field, tc.cond.Field())
			require.Equal(t, tc.op == OpAll, tc.cond.IsZero())
		})
	}
	require.Equal(t, Order{Field: "a"}, Asc("a"))
	require.Equal(t, Order{Field: "a", Desc: true}, Desc("a"))
}

func TestPointerValuesAreDereferenced(t *testing.T) {
	five := int64(5)
	var none *int64
	list := []any{&five, none}
	c := In("n", list...)
	require.Equal(t, []any{int64(5), nil}, c.values)
	require.Equal(t, []any{&five, none}, list, "the caller's list is left alone")
	require.Nil(t, Eq("n", none).values[0], "a nil pointer is NULL")
	pp := &five
	require.Equal(t, int64(5), Gt("n", &pp).values[0])
}
