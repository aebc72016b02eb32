package pg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// TestRow_WrittenAndReadBack_Unchanged: rows of every column type, with
// their extremes and NULLs, go into PostgreSQL as rowArgs gives them and
// come back from scanRow equal (times in UTC, at whole microseconds).
func TestRow_WrittenAndReadBack_Unchanged(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	tb := typedTable(t, c)
	at := time.Date(2026, 12, 3, 12, 0, 0, 123456000, time.UTC)
	rows := []typed{
		{ID: 1, I8: -128, U8: 255, U16: 65535, U32: math.MaxUint32, U64: math.MaxUint64, F32: float32(0.1),
			F64: math.Inf(-1), Name: "a'b\"c é", On: true, At: at, Note: sql.Null[string]{V: "n", Valid: true},
			Blob: []byte{0, 1, 2}, UUID: [16]byte{1, 2, 3, 15: 0xFF}, Amount: math.MinInt32},
		{ID: 2, I8: 127, F64: math.NaN(), Name: "", At: time.Unix(0, 0).UTC(), Blob: nil},
		{ID: 3, F32: -math.MaxFloat32, F64: math.SmallestNonzeroFloat64, Name: "z", At: at.Add(-100 * 365 * 24 * time.Hour), Blob: []byte{}},
	}
	ph := make([]string, len(tb.Fields))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := `INSERT INTO "Typed" (` + columns(tb) + `) VALUES (` + strings.Join(ph, ", ") + `)`
	for i := range rows {
		_, err := c.Exec(ctx, insert, rowArgs(tb, &rows[i])...)
		require.NoError(t, err, "row %d", i)
	}
	got, err := c.Query(ctx, `SELECT `+columns(tb)+` FROM "Typed" ORDER BY "id"`)
	require.NoError(t, err)
	var read []typed
	for got.Next() {
		r, err := scanRow(tb, got)
		require.NoError(t, err)
		read = append(read, *r.(*typed))
	}
	require.NoError(t, got.Err())
	require.Len(t, read, len(rows))
	for i := range rows {
		want := rows[i]
		if math.IsNaN(want.F64) {
			require.True(t, math.IsNaN(read[i].F64))
			want.F64, read[i].F64 = 0, 0
		}
		if want.Blob != nil && len(want.Blob) == 0 {
			require.NotNil(t, read[i].Blob, "an empty bytea is not NULL")
		}
		require.Equal(t, want, read[i], "row %d", i)
	}
}

func TestRow_ValueTheGoTypeCannotHold_IsAnError(t *testing.T) {
	tb := typedTable(t, nil)
	_, err := canonical(tb.ByName["i8"], int16(300))
	require.ErrorIs(t, err, memrel.ErrBadValue)
	_, err = canonical(tb.ByName["name"], nil)
	require.ErrorContains(t, err, "NULL in a NOT NULL column")
	v, err := canonical(tb.ByName["note"], nil)
	require.NoError(t, err)
	require.Nil(t, v)
	for _, n := range []pgtype.Numeric{
		{Int: big.NewInt(-1), Valid: true},
		{Int: big.NewInt(15), Exp: -1, Valid: true}, // 1.5
		{Int: new(big.Int).Lsh(big.NewInt(1), 64), Valid: true},
		{NaN: true, Valid: true},
	} {
		_, err := canonical(tb.ByName["u64"], n)
		require.Error(t, err, "%v", n)
	}
	u, err := canonical(tb.ByName["u64"], pgtype.Numeric{Int: big.NewInt(12), Exp: 2, Valid: true})
	require.NoError(t, err)
	require.Equal(t, uint64(1200), u)
	u, err = canonical(tb.ByName["u64"], pgtype.Numeric{Int: big.NewInt(1200), Exp: -2, Valid: true})
	require.NoError(t, err)
	require.Equal(t, uint64(12), u)
	tm, err := canonical(tb.ByName["at"], time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("X", 3600)))
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), tm)
}
