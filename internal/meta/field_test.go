package meta

import (
	"database/sql"
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
	require.Equal(t, 18, KeyWidth(tb.Fields[0], tb.Fields[0]))
	require.Zero(t, KeyWidth(tb.Fields[0], tb.Fields[len(tb.Fields)-1]))
}
