package meta

import (
	"database/sql"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

type widthRow struct {
	ID  int64
	I8  int8
	U   uint32
	F   float32
	B   bool
	T   time.Time
	P   *int64
	N   sql.Null[float64]
	S   string
	Raw []byte
}

// TestKeyWidth_MatchesFixedWidthEncodings: KeyWidth, which sizes the keys
// an engine keeps, agrees with the length of every fixed-width encoding,
// sums the widths of several fields, and reports variable widths as 0.
func TestKeyWidth_MatchesFixedWidthEncodings(t *testing.T) {
	var s Schema
	tb := s.AddTable("W", reflect.TypeFor[widthRow]())
	require.Empty(t, s.Problems)
	one := int64(-7)
	row := widthRow{ID: 1 << 40, I8: -3, U: 9, F: 1.5, B: true, T: time.Unix(5, 6), P: &one,
		N: sql.Null[float64]{V: 2, Valid: true}, S: "abc", Raw: []byte{0, 1}}
	require.Len(t, tb.Fields, 10)
	for _, f := range tb.Fields {
		k, ok := f.Key(unsafe.Pointer(&row), nil)
		require.True(t, ok, f.Name)
		switch f.Kind {
		case String, Bytes:
			require.Zero(t, KeyWidth(f), f.Name)
		default:
			require.Equal(t, len(k), KeyWidth(f), f.Name)
		}
	}
	require.Equal(t, 24, KeyWidth(tb.Fields[0], tb.Fields[0]))
	require.Zero(t, KeyWidth(tb.Fields[0], tb.Fields[len(tb.Fields)-1]))
}

// TestField_Decode_IntegerKeys: Decode gives back the value a primary key
// of each integer kind encodes (what NotFoundError reports), and falls back
// to hex for a key too short to hold one.
func TestField_Decode_IntegerKeys(t *testing.T) {
	var s Schema
	tb := s.AddTable("W", reflect.TypeFor[widthRow]())
	require.Empty(t, s.Problems)
	row := widthRow{ID: -1 << 40, I8: -3, U: 1<<32 - 1}
	for _, tc := range []struct {
		f    *Field
		want any
	}{{tb.Fields[0], int64(-1 << 40)}, {tb.Fields[1], int64(-3)}, {tb.Fields[2], uint64(1<<32 - 1)}} {
		k, ok := tc.f.Key(unsafe.Pointer(&row), nil)
		require.True(t, ok, tc.f.Name)
		require.Equal(t, tc.want, tc.f.Decode(k), tc.f.Name)
		require.Equal(t, fmt.Sprintf("%x", k[1:3]), tc.f.Decode(k[:3]), tc.f.Name)
	}
}

// TestField_Decode_EveryKind: Decode gives back the canonical value of a
// key of every kind (times as the instant, in UTC), and nil for NULL.
func TestField_Decode_EveryKind(t *testing.T) {
	var s Schema
	tb := s.AddTable("W", reflect.TypeFor[widthRow]())
	require.Empty(t, s.Problems)
	at := time.Date(2026, 12, 3, 10, 0, 0, 123, time.FixedZone("X", 3600))
	row := widthRow{F: -2.5, B: true, T: at, S: "a\x00b", Raw: []byte{0, 1, 0xFF}}
	for name, want := range map[string]any{"f": -2.5, "b": true, "t": at.UTC(), "s": "a\x00b", "raw": []byte{0, 1, 0xFF}, "p": nil} {
		f := tb.ByName[name]
		require.Equal(t, want, f.Decode(NullableKey(f, unsafe.Pointer(&row), nil)), name)
	}
}
