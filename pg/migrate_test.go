package pg

import (
	"bytes"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/stretchr/testify/require"
)

// A snapshot saved by the memory engine loads into PostgreSQL with
// Store.LoadSnapshot, and one saved from PostgreSQL loads back into the
// memory engine: the same rows and sequences both ways.
func TestMigration_SnapshotBothWays(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	mem, err := b.Schema.Open()
	require.NoError(t, err)
	b.Seed(t, mem)
	require.NoError(t, mem.Update(func(tx *memrel.Txn) error {
		return b.Comment.DestroyKey(tx, int64(5)) // a used id the sequence must keep
	}))
	var saved bytes.Buffer
	require.NoError(t, mem.Save(&saved))

	pgs, _ := pgStore(t, b.Schema)
	require.NoError(t, pgs.LoadSnapshot(bytes.NewReader(saved.Bytes())))
	want, err := memreltest.Dump(mem)
	require.NoError(t, err)
	got, err := memreltest.Dump(pgs)
	require.NoError(t, err)
	require.Equal(t, want, got, "the rows in PostgreSQL")

	var back bytes.Buffer
	require.NoError(t, pgs.Save(&back))
	require.Equal(t, saved.Bytes(), back.Bytes(), "PostgreSQL saves the snapshot it loaded, sequences included")
	mem2, err := b.Schema.Load(bytes.NewReader(back.Bytes()))
	require.NoError(t, err)
	got2, err := memreltest.Dump(mem2)
	require.NoError(t, err)
	require.Equal(t, want, got2)

	// Loading again into the non-empty database is refused, and changes nothing.
	require.ErrorIs(t, pgs.LoadSnapshot(bytes.NewReader(saved.Bytes())), memrel.ErrNotEmpty)
	got, err = memreltest.Dump(pgs)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// The next create on either engine takes the same id.
	for _, db := range []*memrel.Store{mem2, pgs} {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			c, err := b.Comment.Create(tx, fixture.Comment{Body: "next"})
			require.NoError(t, err)
			require.Equal(t, int64(6), c.ID)
			return nil
		}))
	}
}
