package clone

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type named []byte

// TestValue_SharesNothing: every mutable kind comes back as an equal copy
// whose change leaves the original as it was.
func TestValue_SharesNothing(t *testing.T) {
	b := []byte("ab")
	c := Value(b).([]byte)
	c[0] = 'X'
	require.Equal(t, []byte("ab"), b)

	n := named("ab")
	nc := Value(n).(named)
	nc[0] = 'X'
	require.Equal(t, named("ab"), n)

	s := []string{"a"}
	sc := Value(s).([]string)
	sc[0] = "X"
	require.Equal(t, []string{"a"}, s)

	m := map[string]int{"a": 1}
	mc := Value(m).(map[string]int)
	mc["a"] = 2
	require.Equal(t, map[string]int{"a": 1}, m)

	i := 7
	pc := Value(&i).(*int)
	*pc = 8
	require.Equal(t, 7, i)
}

// TestValue_KeepsImmutables: values an interface holds by value, and nil
// slices, maps and pointers, come back as they are.
func TestValue_KeepsImmutables(t *testing.T) {
	now := time.Now()
	for _, v := range []any{nil, 1, int8(2), uint64(3), 1.5, "s", true, now, struct{ X int }{1}, [2]int{1, 2}} {
		require.Equal(t, v, Value(v))
	}
	require.Nil(t, Value([]byte(nil)))
	require.Equal(t, []byte{}, Value([]byte{}))
	require.Equal(t, (*int)(nil), Value((*int)(nil)))
	require.Equal(t, map[int]int(nil), Value(map[int]int(nil)))
}
