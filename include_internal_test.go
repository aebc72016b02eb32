package memrel

// Internal test of how eager-loaded rows reach the caller.

import (
	"testing"

	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// TestModel_FindAll_IncludeResultIsTheBlock: rows that include loading copied into one
// []T are handed out as that slice, not copied a second time, and only when
// they are its elements in order and fill most of it.
func TestModel_FindAll_IncludeResultIsTheBlock(t *testing.T) {
	ip := openIP(t, 4)
	include := []Include{{Assoc: ip.pc}}
	require.NoError(t, ip.db.View(func(tx *Txn) error {
		// Without a required include only the window is copied; with one,
		// the window starts At the offset.
		f, err := tx.r.FindRows(ip.posts.t, (&Options{Offset: 1, Include: include}).read(ip.posts.t, new(rel.Read)))
		require.NoError(t, err)
		require.NotNil(t, f.Block)
		require.Equal(t, 0, f.At)
		require.Len(t, f.Block, 3)
		f, err = tx.r.FindRows(ip.posts.t, (&Options{Offset: 1, Include: []Include{{Assoc: ip.pc, Required: Required}}}).read(ip.posts.t, new(rel.Read)))
		require.NoError(t, err)
		require.NotNil(t, f.Block)
		require.Equal(t, 1, f.At)
		require.Len(t, f.Block, 4)
		got := ip.posts.outAll(f)
		require.Len(t, got, 3)
		require.Same(t, f.Rows[0].(*ipPost), &got[0], "the block itself")
		require.Equal(t, len(got), cap(got), "appending must not reach past the window")
		require.Len(t, got[0].Comments, 1)
		require.Equal(t, int64(2), got[0].Comments[0].ID)

		// Rows out of order, a sliver of the block, or not its elements
		// are copied.
		blk := f.Block.([]ipPost)
		require.False(t, inBlock(blk, 0, []any{&blk[1], &blk[0]}))
		require.False(t, inBlock(blk, 3, []any{&blk[3]}))
		require.False(t, inBlock(blk, 0, []any{&blk[0], &blk[1], new(ipPost)}))
		require.True(t, inBlock(blk, 2, []any{&blk[2], &blk[3]}))

		f, err = tx.r.FindRows(ip.posts.t, (&Options{Include: []Include{{Assoc: ip.pc, Required: Required}}}).read(ip.posts.t, new(rel.Read)))
		require.NoError(t, err)
		require.NotNil(t, f.Block, "a required include that drops nothing keeps the block")
		f, err = tx.r.FindRows(ip.posts.t, (&Options{Include: []Include{{Assoc: ip.pc, Where: query.Eq("id", int64(2))}}}).read(ip.posts.t, new(rel.Read)))
		require.NoError(t, err)
		require.Nil(t, f.Block, "one that drops rows does not")
		got = ip.posts.outAll(f)
		require.Len(t, got, 1)
		require.Equal(t, int64(2), got[0].ID)
		return nil
	}))
}
