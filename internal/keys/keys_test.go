package keys

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// codec is one key kind under test: how to encode a value and how values
// compare (the order the encoding must reproduce).
type codec[T any] struct {
	enc func([]byte, T) []byte
	cmp func(a, b T) int
}

var (
	intCodec   = codec[int64]{AppendInt, cmp.Compare[int64]}
	uintCodec  = codec[uint64]{AppendUint, cmp.Compare[uint64]}
	floatCodec = codec[float64]{AppendFloat, cmpFloat}
	boolCodec  = codec[bool]{AppendBool, cmpBool}
	strCodec   = codec[string]{AppendString, strings.Compare}
	bytesCodec = codec[[]byte]{AppendBytes, bytes.Compare}
	timeCodec  = codec[time.Time]{AppendTime, time.Time.Compare}
)

// cmpFloat is PostgreSQL's float order: -0 equals +0, NaN equals NaN and
// sorts after +Inf.
func cmpFloat(a, b float64) int {
	switch an, bn := math.IsNaN(a), math.IsNaN(b); {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func sign(n int) int { return cmp.Compare(n, 0) }

// checkPair asserts every property two values of one kind must have.
func checkPair[T any](t require.TestingT, c codec[T], a, b T) {
	ea, eb := c.enc(nil, a), c.enc(nil, b)
	want := sign(c.cmp(a, b))
	require.Equal(t, want, bytes.Compare(ea, eb), "order of %#v vs %#v: % x vs % x", a, b, ea, eb)
	if want != 0 {
		require.False(t, bytes.HasPrefix(ea, eb), "% x has prefix % x", ea, eb)
		require.False(t, bytes.HasPrefix(eb, ea), "% x has prefix % x", eb, ea)
	} else {
		require.Equal(t, ea, eb, "equal values %#v, %#v", a, b)
	}
	// NULL sorts after every value, and neither is a prefix of the other.
	null := AppendNull(nil)
	require.Equal(t, -1, bytes.Compare(ea, null))
	require.False(t, bytes.HasPrefix(ea, null))
	require.Equal(t, TagValue, ea[0])
	// Appending to a non-empty buffer keeps the buffer and adds the same bytes.
	pre := []byte{0xAB, 0x00}
	require.Equal(t, append(slices.Clone(pre), ea...), c.enc(slices.Clone(pre), a))
	// Composite keys (value, tie) order by value first: prefix-freeness
	// keeps the tie from leaking into the comparison.
	if want != 0 {
		ca := AppendUint(c.enc(nil, a), math.MaxUint64)
		cb := AppendUint(c.enc(nil, b), 0)
		require.Equal(t, want, bytes.Compare(ca, cb), "composite %#v vs %#v", a, b)
		ca = AppendNull(c.enc(nil, a))
		cb = AppendInt(c.enc(nil, b), math.MinInt64)
		require.Equal(t, want, bytes.Compare(ca, cb), "composite with NULL %#v vs %#v", a, b)
	}
}

// checkSorted checks every pair of a list given in ascending order; equal
// neighbours are allowed and must encode the same.
func checkSorted[T any](t *testing.T, c codec[T], vs []T) {
	t.Helper()
	for i := range vs {
		for j := range vs {
			checkPair(t, c, vs[i], vs[j])
		}
		if i > 0 {
			require.LessOrEqual(t, c.cmp(vs[i-1], vs[i]), 0, "table not sorted at %d", i)
		}
	}
}

func TestAppend_SortedTables(t *testing.T) {
	t.Run("int64", func(t *testing.T) {
		checkSorted(t, intCodec, []int64{math.MinInt64, math.MinInt64 + 1, -1 << 32, -256, -255, -1, 0, 1, 255, 256, 1 << 32, math.MaxInt64 - 1, math.MaxInt64})
	})
	t.Run("uint64", func(t *testing.T) {
		checkSorted(t, uintCodec, []uint64{0, 1, 255, 256, 1 << 32, 1<<63 - 1, 1 << 63, math.MaxUint64 - 1, math.MaxUint64})
	})
	t.Run("float64", func(t *testing.T) {
		negSub := -math.SmallestNonzeroFloat64
		checkSorted(t, floatCodec, []float64{
			math.Inf(-1), -math.MaxFloat64, -1e300, -1, -0.5, -2.2250738585072014e-308, // smallest normal
			-2 * math.SmallestNonzeroFloat64, negSub, math.Copysign(0, -1), 0,
			math.SmallestNonzeroFloat64, 2 * math.SmallestNonzeroFloat64, 2.2250738585072014e-308,
			0.5, 1, math.Nextafter(1, 2), 1e300, math.MaxFloat64, math.Inf(1),
			math.NaN(), math.Float64frombits(0x7FF8000000000001), math.Float64frombits(0xFFF8000000000000),
		})
	})
	t.Run("bool", func(t *testing.T) {
		checkSorted(t, boolCodec, []bool{false, false, true, true})
	})
	strs := []string{"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "\x01\x00", "a", "a\x00", "a\x00\x00", "a\x00b", "a\x01", "aa", "ab", "ab\x00", "abc", "b", "é", "日本", "\xfe", "\xff", "\xff\x00", "\xff\xff"}
	t.Run("string", func(t *testing.T) {
		checkSorted(t, strCodec, strs)
	})
	t.Run("bytes", func(t *testing.T) {
		bs := [][]byte{nil, {}}
		for _, s := range strs[1:] {
			bs = append(bs, []byte(s))
		}
		checkSorted(t, bytesCodec, bs)
	})
	t.Run("time", func(t *testing.T) {
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			ny = time.FixedZone("EST", -5*3600)
		}
		tokyo := time.FixedZone("JST", 9*3600)
		base := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
		checkSorted(t, timeCodec, []time.Time{
			{}, // year 1
			time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(1969, 12, 31, 23, 59, 58, 999_999_999, time.UTC),
			time.Unix(-1, 0),
			time.Unix(-1, 1).In(tokyo),
			time.Unix(-1, 999_999_999),
			time.Unix(0, 0).In(ny),
			time.Unix(0, 0).UTC(),
			time.Unix(0, 1),
			base.Add(-time.Nanosecond),
			base,
			base.In(ny),
			base.In(tokyo),
			base.Local(),
			time.Now().Add(100 * 365 * 24 * time.Hour), // has a monotonic reading
			time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
			time.Date(100000, 1, 1, 0, 0, 0, 0, time.UTC),
		})
	})
}

func TestAppend_ExactBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"null", AppendNull(nil), []byte{TagNull}},
		{"int zero", AppendInt(nil, 0), []byte{TagValue, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"int -1", AppendInt(nil, -1), []byte{TagValue, 7, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63}},
		{"int min", AppendInt(nil, math.MinInt64), []byte{TagValue, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"uint one", AppendUint(nil, 1), []byte{TagValue, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"uint 64", AppendUint(nil, 64), []byte{TagValue, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}},
		{"uint 2^60+1", AppendUint(nil, 1<<60+1), []byte{TagValue, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"uint max", AppendUint(nil, math.MaxUint64), []byte{TagValue, 15, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63}},
		{"false", AppendBool(nil, false), []byte{TagValue, 0}},
		{"true", AppendBool(nil, true), []byte{TagValue, 1}},
		{"empty string", AppendString(nil, ""), []byte{TagValue, 0, 1}},
		{"string with NUL", AppendString(nil, "a\x00"), []byte{TagValue, 'a', 0, 0xFF, 0, 1}},
		{"bytes with NUL", AppendBytes(nil, []byte{0, 0xFF}), []byte{TagValue, 0, 0xFF, 0xFF, 0, 1}},
		{"-0 is +0", AppendFloat(nil, math.Copysign(0, -1)), AppendFloat(nil, 0)},
		{"time zone ignored", AppendTime(nil, time.Unix(5, 7).In(time.FixedZone("X", 3600))), AppendTime(nil, time.Unix(5, 7).UTC())},
		{"monotonic ignored", AppendTime(nil, time.Unix(5, 7)), AppendTime(nil, time.Unix(5, 7).Round(0))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.got)
		})
	}
}

// TestAppendUint_SixBitDigitsDecode: an integer key is IntWidth bytes, each
// after the tag below 64 (the first below 16), and Int and Uint give the
// value back from it, ignoring what follows it in a composite key.
func TestAppendUint_SixBitDigitsDecode(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		u := rapid.OneOf(rapid.Uint64(), rapid.SampledFrom([]uint64{0, 1, 63, 64, 1<<60 - 1, 1 << 60, math.MaxUint64})).Draw(t, "u")
		tail := edgeBytes().Draw(t, "tail")
		for _, k := range [][]byte{AppendUint(nil, u), AppendInt(nil, int64(u))} {
			require.Len(t, k, IntWidth)
			require.Less(t, k[1], byte(16), "% x", k)
			for _, c := range k[1:] {
				require.Less(t, c, byte(64), "% x", k)
			}
		}
		got, ok := Uint(append(AppendUint(nil, u), tail...)[1:])
		require.True(t, ok)
		require.Equal(t, u, got)
		n, ok := Int(append(AppendInt(nil, int64(u)), tail...)[1:])
		require.True(t, ok)
		require.Equal(t, int64(u), n)
		_, ok = Uint(AppendUint(nil, u)[2:])
		require.False(t, ok, "a cut key decodes")
	})
}

func TestAppendString_MatchesAppendBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		b := rapid.OneOf(rapid.SliceOf(rapid.Byte()), edgeBytes()).Draw(t, "b")
		require.Equal(t, AppendBytes(nil, []byte(s)), AppendString(nil, s))
		require.Equal(t, AppendString(nil, string(b)), AppendBytes(nil, b))
	})
}

// edgeBytes draws byte strings over the bytes that matter to the escaping.
func edgeBytes() *rapid.Generator[[]byte] {
	return rapid.SliceOfN(rapid.SampledFrom([]byte{0x00, 0x01, 0x02, 'a', 'b', 0xFE, 0xFF}), 0, 8)
}

func TestAppend_OrderMatchesValues(t *testing.T) {
	t.Run("int64", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			checkPair(t, intCodec, rapid.Int64().Draw(t, "a"), rapid.Int64().Draw(t, "b"))
		})
	})
	t.Run("uint64", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			checkPair(t, uintCodec, rapid.Uint64().Draw(t, "a"), rapid.Uint64().Draw(t, "b"))
		})
	})
	t.Run("float64", func(t *testing.T) {
		// Any bit pattern: covers NaN payloads, subnormals, ±0 and ±Inf.
		bits := rapid.Uint64().AsAny()
		special := rapid.SampledFrom([]float64{math.Inf(-1), math.Inf(1), math.NaN(), math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}).AsAny()
		gen := rapid.Custom(func(t *rapid.T) float64 {
			switch v := rapid.OneOf(bits, rapid.Float64().AsAny(), special).Draw(t, "v").(type) {
			case uint64:
				return math.Float64frombits(v)
			default:
				return v.(float64)
			}
		})
		rapid.Check(t, func(t *rapid.T) {
			checkPair(t, floatCodec, gen.Draw(t, "a"), gen.Draw(t, "b"))
		})
	})
	t.Run("bool", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			checkPair(t, boolCodec, rapid.Bool().Draw(t, "a"), rapid.Bool().Draw(t, "b"))
		})
	})
	t.Run("string", func(t *testing.T) {
		gen := rapid.OneOf(rapid.String(), rapid.Map(edgeBytes(), func(b []byte) string { return string(b) }))
		rapid.Check(t, func(t *rapid.T) {
			a := gen.Draw(t, "a")
			b := gen.Draw(t, "b")
			checkPair(t, strCodec, a, b)
			// A value and its extensions: "a" < "a\x00" < "a\x00..." etc.
			ext := a + rapid.SampledFrom([]string{"\x00", "\x01", "\xff", "x"}).Draw(t, "ext")
			checkPair(t, strCodec, a, ext)
		})
	})
	t.Run("bytes", func(t *testing.T) {
		gen := rapid.OneOf(rapid.SliceOf(rapid.Byte()), edgeBytes())
		rapid.Check(t, func(t *rapid.T) {
			checkPair(t, bytesCodec, gen.Draw(t, "a"), gen.Draw(t, "b"))
		})
	})
	t.Run("time", func(t *testing.T) {
		// time.Unix round-trips for every second up to this bound.
		const maxSec = math.MaxInt64 - 62135596800
		zones := []*time.Location{time.UTC, time.Local, time.FixedZone("W", -11*3600), time.FixedZone("E", 14*3600)}
		gen := rapid.Custom(func(t *rapid.T) time.Time {
			sec := rapid.OneOf(rapid.Int64Range(math.MinInt64, maxSec), rapid.Int64Range(-1<<34, 1<<34), rapid.Int64Range(-3, 3)).Draw(t, "sec")
			nsec := rapid.OneOf(rapid.Int64Range(0, 999_999_999), rapid.SampledFrom([]int64{0, 1, 999_999_999})).Draw(t, "nsec")
			return time.Unix(sec, nsec).In(rapid.SampledFrom(zones).Draw(t, "zone"))
		})
		rapid.Check(t, func(t *rapid.T) {
			a := gen.Draw(t, "a")
			checkPair(t, timeCodec, a, gen.Draw(t, "b"))
			// The same instant elsewhere encodes the same.
			checkPair(t, timeCodec, a, a.In(rapid.SampledFrom(zones).Draw(t, "other")))
			// Nearby instants, which differ mostly in the nanoseconds.
			if u := a.Unix(); u > -1<<40 && u < 1<<40 {
				d := time.Duration(rapid.Int64Range(-3e9, 3e9).Draw(t, "delta"))
				checkPair(t, timeCodec, a, a.Add(d))
			}
		})
	})
}

// TestAppend_CompositeSortsLikeTuples checks that concatenated keys sort like tuples, for
// a mix of kinds including NULLs.
func TestAppend_CompositeSortsLikeTuples(t *testing.T) {
	type tuple struct {
		s    *string
		n    *int64
		data []byte
	}
	enc := func(x tuple) []byte {
		var b []byte
		if x.s == nil {
			b = AppendNull(b)
		} else {
			b = AppendString(b, *x.s)
		}
		if x.n == nil {
			b = AppendNull(b)
		} else {
			b = AppendInt(b, *x.n)
		}
		return AppendBytes(b, x.data)
	}
	cmpTuple := func(a, b tuple) int {
		if c := cmpNullable(a.s, b.s, strings.Compare); c != 0 {
			return c
		}
		if c := cmpNullable(a.n, b.n, cmp.Compare[int64]); c != 0 {
			return c
		}
		return bytes.Compare(a.data, b.data)
	}
	gen := rapid.Custom(func(t *rapid.T) tuple {
		return tuple{
			s:    rapid.Ptr(rapid.Map(edgeBytes(), func(b []byte) string { return string(b) }), true).Draw(t, "s"),
			n:    rapid.Ptr(rapid.Int64Range(-2, 2), true).Draw(t, "n"),
			data: edgeBytes().Draw(t, "data"),
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		require.Equal(t, sign(cmpTuple(a, b)), bytes.Compare(enc(a), enc(b)))
	})
}

// cmpNullable orders NULL (nil) after every value.
func cmpNullable[T any](a, b *T, c func(T, T) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return c(*a, *b)
}
