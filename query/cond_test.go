package query

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// A Cond is immutable: nothing the caller still holds after building one
// can change what it matches.

// TestRLCond_BytesOperandsAreCopied changes a []byte after giving it to
// every constructor that takes values; the Cond still matches as built.
func TestRLCond_BytesOperandsAreCopied(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(b []byte) Cond
		want []int64
	}{
		{"Eq", func(b []byte) Cond { return Eq("data", b) }, []int64{1}},
		{"Ne", func(b []byte) Cond { return Ne("data", b) }, []int64{2, 3, 5}},
		{"Gte", func(b []byte) Cond { return Gte("data", b) }, []int64{1, 3}},
		{"Lte", func(b []byte) Cond { return Lte("data", b) }, []int64{1, 2, 5}},
		{"In", func(b []byte) Cond { return In("data", b) }, []int64{1}},
		{"NotIn", func(b []byte) Cond { return NotIn("data", b) }, []int64{2, 3, 5}},
		{"Between", func(b []byte) Cond { return Between("data", b, b) }, []int64{1}},
		{"Eq through a pointer", func(b []byte) Cond { return Eq("data", &b) }, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte("x")
			c := tc.make(b)
			b[0] = 'y'
			require.Equal(t, tc.want, fakeMatch(t, c, fakeRows))
		})
	}
}

// TestRLCond_AndOrKeepTheirOwnList changes the slice given to And and Or
// with conds...; the Conds built from it do not change.
func TestRLCond_AndOrKeepTheirOwnList(t *testing.T) {
	list := []Cond{Eq("n", 1), Eq("s", "apple")}
	and, or := And(list...), Or(list...)
	list[0], list[1] = Eq("n", 3), Eq("n", 3)
	require.Equal(t, []int64{1}, fakeMatch(t, and, fakeRows))
	require.Equal(t, []int64{1}, fakeMatch(t, or, fakeRows))
}

// TestRLFieldError_ValueIsACopy writes to the value of a FieldError; the
// Cond it came from compiles to the same error afterwards.
func TestRLFieldError_ValueIsACopy(t *testing.T) {
	c := In("n", 1, []byte("ab"))
	_, err := Compile(fakePosts, c)
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	want := err.Error()
	fe.Value.([]byte)[0] = 'X'
	_, err = Compile(fakePosts, c)
	require.Equal(t, want, err.Error())
}
