package memrel_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// A value written to a float32 column is rounded to float32, and one it
// cannot hold is refused, wherever it comes from (UpdateAll, a default, a
// scope); a where clause compares in double precision, as PostgreSQL
// compares a real column with a double precision constant.

// Local shape: a float32 column with a default, beside a float64 one.
type rfGauge struct {
	ID    int64
	Ratio float32 `memrel:"ratio,default=0.1"`
	Exact float64
}

func rfOpen(t *testing.T) (*memrel.Store, *memrel.Model[rfGauge]) {
	t.Helper()
	s := memrel.NewSchema()
	g := memrel.Define[rfGauge](s, "Gauge")
	db, err := s.Open()
	require.NoError(t, err)
	return db, g
}

// TestFloat32_Default_IsRounded: default=0.1 stores the float32 nearest
// 0.1, which a where clause finds as float32(0.1), not as 0.1.
func TestFloat32_Default_IsRounded(t *testing.T) {
	db, g := rfOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := g.Create(tx, rfGauge{})
		require.NoError(t, err)
		require.Equal(t, float32(0.1), got.Ratio)
		rfRequireMatches(t, tx, g, query.Eq("ratio", float32(0.1)), 1)
		rfRequireMatches(t, tx, g, query.Eq("ratio", 0.1), 0) // PostgreSQL: 0.1::real = 0.1 is false
		return nil
	}))
}

// TestFloat32_UpdateAll_RoundsAndRefusesOutOfRange rounds a float64 for a
// float32 column and refuses one beyond its range, changing nothing.
func TestFloat32_UpdateAll_RoundsAndRefusesOutOfRange(t *testing.T) {
	db, g := rfOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := g.Create(tx, rfGauge{Ratio: 2})
		require.NoError(t, err)
		n, err := g.UpdateAll(tx, query.Cond{}, map[string]any{"ratio": 0.3})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		rfRequireMatches(t, tx, g, query.Eq("ratio", float32(0.3)), 1)
		for _, bad := range []any{1e300, -1e300, 1e-50, math.MaxFloat64} {
			_, err = g.UpdateAll(tx, query.Cond{}, map[string]any{"ratio": bad})
			require.ErrorIs(t, err, memrel.ErrBadValue, "%v", bad)
			var fe *memrel.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "ratio", fe.Field)
		}
		rfRequireMatches(t, tx, g, query.Eq("ratio", float32(0.3)), 1)
		// Infinity and NaN are real values, as in PostgreSQL.
		_, err = g.UpdateAll(tx, query.Cond{}, map[string]any{"ratio": math.Inf(1)})
		require.NoError(t, err)
		// A float64 column takes anything.
		_, err = g.UpdateAll(tx, query.Cond{}, map[string]any{"exact": 1e300})
		require.NoError(t, err)
		return nil
	}))
}

// TestFloat32_Where_IsDoublePrecision: a where constant beyond the float32
// range is no error on a float32 column (PostgreSQL compares as double
// precision); it matches nothing but +Inf.
func TestFloat32_Where_IsDoublePrecision(t *testing.T) {
	db, g := rfOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := g.Create(tx, rfGauge{Ratio: float32(math.Inf(1))})
		require.NoError(t, err)
		rfRequireMatches(t, tx, g, query.Eq("ratio", 1e300), 0)
		rfRequireMatches(t, tx, g, query.Gt("ratio", 1e300), 1)
		rfRequireMatches(t, tx, g, query.Lt("ratio", 1e-50), 0)
		return nil
	}))
}

// TestFloat32_Default_OutOfRangeIsSchemaError is a SchemaError at Open.
func TestFloat32_Default_OutOfRangeIsSchemaError(t *testing.T) {
	type over struct {
		ID    int64
		Ratio float32 `memrel:"ratio,default=1e300"`
	}
	type under struct {
		ID    int64
		Ratio *float32 `memrel:"ratio,default=-1e-50"`
	}
	type wide struct {
		ID    int64
		Ratio float64 `memrel:"ratio,default=1e300"`
	}
	s := memrel.NewSchema()
	memrel.Define[over](s, "Over")
	memrel.Define[under](s, "Under")
	memrel.Define[wide](s, "Wide")
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Problems, 2, err.Error())
	require.Contains(t, err.Error(), `Over.Ratio: bad default "1e300": out of range for float32`)
	require.Contains(t, err.Error(), `Under.Ratio: bad default "-1e-50": out of range for float32`)
}

func rfRequireMatches(t *testing.T, tx *memrel.Txn, g *memrel.Model[rfGauge], c query.Cond, n int) {
	t.Helper()
	got, err := g.Count(tx, &memrel.Options{Where: c})
	require.NoError(t, err)
	require.Equal(t, n, got, "rows matching the where clause")
}

// TestFloat32_Load_OutOfRangeIsBadSnapshot: a snapshot (with a valid checksum)
// holding 1e300 for a float32 column is a bad snapshot, not +Inf.
func TestFloat32_Load_OutOfRangeIsBadSnapshot(t *testing.T) {
	db, g := rfOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := g.Create(tx, rfGauge{Ratio: 0.5, Exact: 0.25})
		return err
	}))
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	data := buf.Bytes()
	half := binary.BigEndian.AppendUint64(nil, math.Float64bits(0.5))
	i := bytes.Index(data, half)
	require.Positive(t, i, "the float32 value in the snapshot")
	body := bytes.Clone(data[:len(data)-4])
	binary.BigEndian.PutUint64(body[i:], math.Float64bits(1e300))
	crafted := binary.BigEndian.AppendUint32(body, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
	s := memrel.NewSchema()
	memrel.Define[rfGauge](s, "Gauge")
	_, err := s.Load(bytes.NewReader(crafted))
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	require.Contains(t, err.Error(), "value 1e+300 of Gauge.ratio is not a float32")
}
