package filter

import (
	"bytes"
	stdcmp "cmp"
	"fmt"
	"github.com/memrel/memrel/query"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A reference evaluator written from SQL's definitions over plain Go values
// of the columns n (int64) and s (string); compiled filters must agree with
// it on random conditions and rows.

func refNot(v tri) tri {
	switch v {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

func refBool(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// refCmp compares a row value with a constant, both int64 or both string.
func refCmp(a, b any) int {
	switch x := a.(type) {
	case int64:
		return stdcmp.Compare(x, refInt(b))
	case string:
		return strings.Compare(x, b.(string))
	}
	panic(fmt.Sprintf("refCmp %T", a))
}

func refInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	panic(fmt.Sprintf("refInt %T", v))
}

func refEval(c query.Cond, row fakeRow) tri {
	switch c.Op() {
	case query.OpAll:
		return triTrue
	case query.OpAnd:
		r := triTrue
		for i := range c.NumConds() {
			sub := c.Sub(i)
			switch refEval(sub, row) {
			case triFalse:
				return triFalse
			case triUnknown:
				r = triUnknown
			}
		}
		return r
	case query.OpOr:
		r := triFalse
		for i := range c.NumConds() {
			sub := c.Sub(i)
			switch refEval(sub, row) {
			case triTrue:
				return triTrue
			case triUnknown:
				r = triUnknown
			}
		}
		return r
	case query.OpNot:
		return refNot(refEval(c.Sub(0), row))
	}
	v := row[c.Field()]
	switch {
	case c.Op() == query.OpIsNull, c.Op() == query.OpEq && c.Value(0) == nil:
		return refBool(v == nil)
	case c.Op() == query.OpNotNull, c.Op() == query.OpNe && c.Value(0) == nil:
		return refBool(v != nil)
	case c.Op() == query.OpNotIn && c.NumValues() == 0:
		return triTrue // Sequelize drops an empty NOT IN
	case v == nil:
		return triUnknown
	}
	switch c.Op() {
	case query.OpEq:
		return refBool(refCmp(v, c.Value(0)) == 0)
	case query.OpNe:
		return refBool(refCmp(v, c.Value(0)) != 0)
	case query.OpGt:
		return refBool(refCmp(v, c.Value(0)) > 0)
	case query.OpGte:
		return refBool(refCmp(v, c.Value(0)) >= 0)
	case query.OpLt:
		return refBool(refCmp(v, c.Value(0)) < 0)
	case query.OpLte:
		return refBool(refCmp(v, c.Value(0)) <= 0)
	case query.OpBetween:
		return refBool(refCmp(v, c.Value(0)) >= 0 && refCmp(v, c.Value(1)) <= 0)
	case query.OpIn, query.OpNotIn:
		// x IN (a, b, ...) is x = a OR x = b OR ...; an empty list is IN (NULL).
		r := triFalse
		if c.NumValues() == 0 {
			r = triUnknown
		}
		for i := range c.NumValues() {
			e := c.Value(i)
			switch {
			case e == nil:
				if r == triFalse {
					r = triUnknown
				}
			case refCmp(v, e) == 0:
				r = triTrue
			}
		}
		if c.Op() == query.OpNotIn {
			return refNot(r)
		}
		return r
	case query.OpLike:
		return refBool(likeRegexp(c.Value(0).(string)).MatchString(v.(string)))
	case query.OpILike:
		return refBool(likeRegexp(strings.ToLower(c.Value(0).(string))).MatchString(strings.ToLower(v.(string))))
	case query.OpStartsWith:
		return refBool(strings.HasPrefix(v.(string), c.Value(0).(string)))
	}
	panic("refEval: " + c.Op().String())
}

var (
	propInt    = rapid.Int64Range(-2, 2)
	propString = rapid.StringOfN(rapid.SampledFrom([]rune{'a', 'b', 'A', 'é', '%', '_'}), 0, 3, -1)
)

// propValue draws a constant for field, or nil when nullOK.
func propValue(t *rapid.T, field string, nullOK bool, label string) any {
	if nullOK && rapid.IntRange(0, 5).Draw(t, label+"Null") == 0 {
		return nil
	}
	if field == "n" {
		return propInt.Draw(t, label)
	}
	return propString.Draw(t, label)
}

func propLeaf(t *rapid.T) query.Cond {
	field := rapid.SampledFrom([]string{"n", "s"}).Draw(t, "field")
	ops := []query.Op{query.OpEq, query.OpNe, query.OpGt, query.OpGte, query.OpLt, query.OpLte, query.OpIn, query.OpNotIn, query.OpBetween, query.OpIsNull, query.OpNotNull}
	if field == "s" {
		ops = append(ops, query.OpLike, query.OpILike, query.OpStartsWith)
	}
	switch op := rapid.SampledFrom(ops).Draw(t, "op"); op {
	case query.OpEq:
		return query.Eq(field, propValue(t, field, true, "v"))
	case query.OpNe:
		return query.Ne(field, propValue(t, field, true, "v"))
	case query.OpGt:
		return query.Gt(field, propValue(t, field, false, "v"))
	case query.OpGte:
		return query.Gte(field, propValue(t, field, false, "v"))
	case query.OpLt:
		return query.Lt(field, propValue(t, field, false, "v"))
	case query.OpLte:
		return query.Lte(field, propValue(t, field, false, "v"))
	case query.OpBetween:
		return query.Between(field, propValue(t, field, false, "lo"), propValue(t, field, false, "hi"))
	case query.OpIn, query.OpNotIn:
		n := rapid.IntRange(0, 3).Draw(t, "len")
		vs := make([]any, n)
		for i := range vs {
			vs[i] = propValue(t, field, true, fmt.Sprintf("v%d", i))
		}
		if op == query.OpIn {
			return query.In(field, vs...)
		}
		return query.NotIn(field, vs...)
	case query.OpIsNull:
		return query.IsNull(field)
	case query.OpNotNull:
		return query.NotNull(field)
	case query.OpLike:
		return query.Like(field, likePattern.Draw(t, "pattern"))
	case query.OpILike:
		return query.ILike(field, likePattern.Draw(t, "pattern"))
	default:
		return query.StartsWith(field, propString.Draw(t, "prefix"))
	}
}

func propCond(t *rapid.T, depth int) query.Cond {
	kind := 0
	if depth > 0 {
		kind = rapid.IntRange(0, 3).Draw(t, "kind")
	}
	switch kind {
	case 1, 2:
		subs := make([]query.Cond, rapid.IntRange(0, 3).Draw(t, "arity"))
		for i := range subs {
			subs[i] = propCond(t, depth-1)
		}
		if kind == 1 {
			return query.And(subs...)
		}
		return query.Or(subs...)
	case 3:
		return query.Not(propCond(t, depth-1))
	}
	return propLeaf(t)
}

func propRow(t *rapid.T, id int) fakeRow {
	r := fakeRow{"id": int64(id)}
	if v := propValue(t, "n", true, "n"); v != nil {
		r["n"] = v
	}
	if v := propValue(t, "s", true, "s"); v != nil {
		r["s"] = v
	}
	return r
}

// termHolds reports whether row satisfies one index term, from its key.
func termHolds(tm Term, row fakeRow) bool {
	k, ok := fakePosts.cols[tm.Field].Key(row, nil)
	if tm.Op == query.OpIsNull {
		return !ok
	}
	if !ok {
		return false
	}
	switch tm.Op {
	case query.OpEq:
		return bytes.Equal(k, tm.Keys[0])
	case query.OpIn:
		return slices.ContainsFunc(tm.Keys, func(c []byte) bool { return bytes.Equal(k, c) })
	case query.OpGt:
		return bytes.Compare(k, tm.Keys[0]) > 0
	case query.OpGte:
		return bytes.Compare(k, tm.Keys[0]) >= 0
	case query.OpLt:
		return bytes.Compare(k, tm.Keys[0]) < 0
	case query.OpLte:
		return bytes.Compare(k, tm.Keys[0]) <= 0
	case query.OpBetween:
		return bytes.Compare(k, tm.Keys[0]) >= 0 && bytes.Compare(k, tm.Keys[1]) <= 0
	}
	panic("term op " + tm.Op.String())
}

// TestCompile_MatchesReference checks Match against the reference evaluator,
// and that every term is implied by the filter (an index may narrow by it).
func TestCompile_MatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := propCond(t, 3)
		f, err := Compile(fakePosts, c)
		require.NoError(t, err)
		for _, tm := range f.Terms() {
			require.Contains(t, []query.Op{query.OpEq, query.OpIn, query.OpIsNull, query.OpGt, query.OpGte, query.OpLt, query.OpLte, query.OpBetween}, tm.Op)
			require.True(t, slices.IsSortedFunc(tm.Keys, bytes.Compare) || tm.Op == query.OpBetween)
		}
		for i := range 6 {
			row := propRow(t, i)
			want := refEval(c, row) == triTrue
			require.Equal(t, want, f.Match(row), "row %v", row)
			// Matching twice gives the same answer (scratch buffers reused).
			require.Equal(t, want, f.Match(row))
			// NOT flips true and false but keeps unknown.
			nf, err := Compile(fakePosts, query.Not(c))
			require.NoError(t, err)
			require.Equal(t, refEval(c, row) == triFalse, nf.Match(row), "NOT, row %v", row)
			if want {
				for _, tm := range f.Terms() {
					require.True(t, termHolds(tm, row), "term %v %s fails on matching row %v", tm.Field, tm.Op, row)
				}
			}
		}
	})
}
