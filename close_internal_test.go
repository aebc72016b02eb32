package memrel

// Internal test of what Close releases, which the exported API cannot
// observe: the rows go once nothing holds the engine database.

import (
	"runtime"
	"testing"
	"weak"

	"github.com/stretchr/testify/require"
)

// closeFreed reports whether the object behind p has been collected.
func closeFreed[T any](p weak.Pointer[T]) bool {
	runtime.GC()
	runtime.GC()
	return p.Value() == nil
}

func TestStore_Close_ReleasesRows(t *testing.T) {
	ip := openIP(t, 3)
	db := ip.db.db.Load()
	require.NoError(t, ip.db.View(func(*Txn) error { return nil })) // a shared view exists
	p := weak.Make(db)
	db = nil
	require.False(t, closeFreed(p))
	require.NoError(t, ip.db.Close())
	require.True(t, closeFreed(p), "a closed store keeps no reference to its rows")
	runtime.KeepAlive(ip.db) // the store itself is still reachable
}

func TestStore_Close_OpenWriterReleasesRowsAsItEnds(t *testing.T) {
	ip := openIP(t, 3)
	p := weak.Make(ip.db.db.Load())
	tx := ip.db.Begin(true)
	require.NoError(t, ip.db.Close())
	require.False(t, closeFreed(p), "the open writer still uses them")
	tx.Abort()
	tx = nil
	require.True(t, closeFreed(p))
	runtime.KeepAlive(ip.db)
}
