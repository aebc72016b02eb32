package filter

import (
	"errors"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"
	"testing"

	"github.com/stretchr/testify/require"
)

// A Cond is immutable: nothing the caller still holds after building one
// can change what it matches.

// TestCond_BytesOperandsAreCopied changes a []byte after giving it to
// every constructor that takes values; the Cond still matches as built.
func TestCond_BytesOperandsAreCopied(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(b []byte) query.Cond
		want []int64
	}{
		{"Eq", func(b []byte) query.Cond { return query.Eq("data", b) }, []int64{1}},
		{"Ne", func(b []byte) query.Cond { return query.Ne("data", b) }, []int64{2, 3, 5}},
		{"Gte", func(b []byte) query.Cond { return query.Gte("data", b) }, []int64{1, 3}},
		{"Lte", func(b []byte) query.Cond { return query.Lte("data", b) }, []int64{1, 2, 5}},
		{"In", func(b []byte) query.Cond { return query.In("data", b) }, []int64{1}},
		{"NotIn", func(b []byte) query.Cond { return query.NotIn("data", b) }, []int64{2, 3, 5}},
		{"Between", func(b []byte) query.Cond { return query.Between("data", b, b) }, []int64{1}},
		{"Eq through a pointer", func(b []byte) query.Cond { return query.Eq("data", &b) }, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte("x")
			c := tc.make(b)
			b[0] = 'y'
			require.Equal(t, tc.want, fakeMatch(t, c, fakeRows))
		})
	}
}

// TestCond_AndOr_KeepTheirOwnList changes the slice given to And and Or
// with conds...; the Conds built from it do not change.
func TestCond_AndOr_KeepTheirOwnList(t *testing.T) {
	list := []query.Cond{query.Eq("n", 1), query.Eq("s", "apple")}
	and, or := query.And(list...), query.Or(list...)
	list[0], list[1] = query.Eq("n", 3), query.Eq("n", 3)
	require.Equal(t, []int64{1}, fakeMatch(t, and, fakeRows))
	require.Equal(t, []int64{1}, fakeMatch(t, or, fakeRows))
}

// TestFieldError_Value_IsACopy writes to the value of a FieldError; the
// Cond it came from compiles to the same error afterwards.
func TestFieldError_Value_IsACopy(t *testing.T) {
	c := query.In("n", 1, []byte("ab"))
	_, err := Compile(fakePosts, c)
	var fe *errs.FieldError
	require.True(t, errors.As(err, &fe))
	want := err.Error()
	fe.Value.([]byte)[0] = 'X'
	_, err = Compile(fakePosts, c)
	require.Equal(t, want, err.Error())
}
