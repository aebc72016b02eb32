package keys

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestReader_ReadsBackEveryKind: a composite key of random values of every
// kind, NULLs among them, reads back value for value, to its end.
func TestReader_ReadsBackEveryKind(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "n")
		var k []byte
		type col struct {
			kind int
			v    any // nil: NULL
		}
		cols := make([]col, n)
		for i := range cols {
			c := col{kind: rapid.IntRange(0, 6).Draw(t, "kind")}
			if !rapid.Bool().Draw(t, "null") {
				switch c.kind {
				case 0:
					c.v = rapid.Int64().Draw(t, "int")
				case 1:
					c.v = rapid.Uint64().Draw(t, "uint")
				case 2:
					c.v = math.Float64frombits(rapid.Uint64().Draw(t, "float"))
				case 3:
					c.v = rapid.Bool().Draw(t, "bool")
				case 4:
					c.v = string(rapid.OneOf(rapid.SliceOf(rapid.Byte()), edgeBytes()).Draw(t, "string"))
				case 5:
					c.v = rapid.OneOf(rapid.SliceOf(rapid.Byte()), edgeBytes()).Draw(t, "bytes")
				case 6:
					c.v = time.Unix(rapid.Int64Range(-1<<40, 1<<40).Draw(t, "sec"), rapid.Int64Range(0, 999_999_999).Draw(t, "nsec")).UTC()
				}
			}
			cols[i] = c
			if c.v == nil {
				k = AppendNull(k)
				continue
			}
			switch v := c.v.(type) {
			case int64:
				k = AppendInt(k, v)
			case uint64:
				k = AppendUint(k, v)
			case float64:
				k = AppendFloat(k, v)
			case bool:
				k = AppendBool(k, v)
			case string:
				k = AppendString(k, v)
			case []byte:
				k = AppendBytes(k, v)
			case time.Time:
				k = AppendTime(k, v)
			}
		}
		r := NewReader(k)
		for i, c := range cols {
			if c.v == nil {
				require.True(t, r.Null(), "column %d", i)
				continue
			}
			require.False(t, r.Null(), "column %d", i)
			var got any
			switch c.kind {
			case 0:
				got = r.Int()
			case 1:
				got = r.Uint()
			case 2:
				f := r.Float()
				want := c.v.(float64)
				switch {
				case math.IsNaN(want):
					require.True(t, math.IsNaN(f))
				case want == 0:
					require.Equal(t, 0.0, f) // -0 folds into +0
					require.False(t, math.Signbit(f))
				default:
					require.Equal(t, want, f)
				}
				continue
			case 3:
				got = r.Bool()
			case 4:
				got = r.String()
			case 5:
				got = r.Bytes()
				if len(c.v.([]byte)) == 0 {
					require.Empty(t, got)
					continue
				}
			case 6:
				got = r.Time()
			}
			require.Equal(t, c.v, got, "column %d", i)
		}
		require.True(t, r.Ok())
		require.Zero(t, r.Len())
	})
}

func TestReader_MalformedKey_NotOk(t *testing.T) {
	for name, k := range map[string][]byte{
		"empty":               nil,
		"cut integer":         AppendInt(nil, 7)[:5],
		"unterminated string": AppendString(nil, "ab")[:3],
		"bad escape":          {TagValue, 'a', 0, 7},
		"bad bool":            {TagValue, 2},
		"bad tag":             {0x09, 1, 2},
	} {
		r := NewReader(k)
		switch name {
		case "unterminated string", "bad escape":
			_ = r.String()
		case "bad bool":
			r.Bool()
		default:
			r.Int()
		}
		require.False(t, r.Ok(), name)
		require.Zero(t, r.Int(), "%s: reads after a bad one give zero", name)
	}
	// A time with nanoseconds past a second.
	k := AppendTime(nil, time.Unix(1, 0))
	k[len(k)-4], k[len(k)-3] = 0xFF, 0xFF
	r := NewReader(k)
	r.Time()
	require.False(t, r.Ok())
}
