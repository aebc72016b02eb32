package memrel

// Internal tests of field metadata that the exported API cannot observe.

import (
	"database/sql"
	"testing"
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"

	"github.com/stretchr/testify/require"
)

type stWidthRow struct {
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

// TestSTKeyWidth: keyWidth, which sizes the keys go-memdb keeps, agrees
// with the length of every fixed-width encoding, and reports variable
// widths as 0.
func TestSTKeyWidth(t *testing.T) {
	s := NewSchema()
	m := Define[stWidthRow](s, "W")
	_, err := s.Open()
	require.NoError(t, err)
	one := int64(-7)
	row := stWidthRow{ID: 1 << 40, I8: -3, U: 9, F: 1.5, B: true, T: time.Unix(5, 6), P: &one,
		N: sql.Null[float64]{V: 2, Valid: true}, S: "abc", Raw: []byte{0, 1}}
	for _, f := range m.t.Fields {
		k, ok := f.Key(unsafe.Pointer(&row), nil)
		require.True(t, ok, f.Name)
		switch f.Kind {
		case meta.String, meta.Bytes:
			require.Zero(t, meta.KeyWidth(f), f.Name)
		default:
			require.Equal(t, len(k), meta.KeyWidth(f), f.Name)
		}
	}
	require.Equal(t, 18, meta.KeyWidth(m.t.Fields[0], m.t.Fields[0]))
	require.Zero(t, meta.KeyWidth(m.t.Fields[0], m.t.Fields[len(m.t.Fields)-1]))
}
