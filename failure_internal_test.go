package memrel

// Internal test of the seam's failure path, which the memory engine never
// takes: an engine call that fails (engine.Fail) is the error of the
// public call running, after the call's writes are rolled back.

import (
	"context"
	"errors"
	"testing"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
	"github.com/stretchr/testify/require"
)

var errLost = errors.New("connection lost")

// flaky wraps an engine: once armed, its n-th next row lookup or write
// fails, as a SQL engine's does when its connection drops.
type flaky struct {
	engine.DB
	n int // calls left before the failure; < 0: disarmed
}

func (f *flaky) step() {
	if f.n < 0 {
		return
	}
	if f.n == 0 {
		f.n = -1
		engine.Fail(errLost)
	}
	f.n--
}

func (f *flaky) Read(ctx context.Context) (engine.Reader, error) {
	r, err := f.DB.Read(ctx)
	return flakyReader{r, f}, err
}

func (f *flaky) Write(ctx context.Context) (engine.Writer, error) {
	w, err := f.DB.Write(ctx)
	return &flakyWriter{w, f}, err
}

type flakyReader struct {
	engine.Reader
	f *flaky
}

func (r flakyReader) Get(t *meta.Table, k *keys.Arg) any {
	r.f.step()
	return r.Reader.Get(t, k)
}

func (r flakyReader) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	r.f.step()
	return r.Reader.Prefix(ix, k)
}

type flakyWriter struct {
	engine.Writer
	f *flaky
}

func (w *flakyWriter) Get(t *meta.Table, k *keys.Arg) any {
	w.f.step()
	return w.Writer.Get(t, k)
}

func (w *flakyWriter) Put(t *meta.Table, before, after any) {
	w.f.step()
	w.Writer.Put(t, before, after)
}

func (w *flakyWriter) Delete(t *meta.Table, before any) {
	w.f.step()
	w.Writer.Delete(t, before)
}

func (w *flakyWriter) Children(ix *meta.Index, k *keys.Arg, dst []any, limit int) []any {
	w.f.step()
	return w.Writer.Children(ix, k, dst, limit)
}

// openFlaky is openIP's store on a flaky engine, disarmed.
func openFlaky(t *testing.T) (ipSchema, *flaky) {
	ip := openIP(t, 3)
	d := ip.db.db.Load()
	f := &flaky{DB: d.E, n: -1}
	d.E = f
	return ip, f
}

func TestEngineFailure_IsTheCallsErrorAndUndoesItsWrites(t *testing.T) {
	ip, f := openFlaky(t)
	before := saved(t, ip.db)
	// Destroying a post cascades to its comment (SET NULL): fail each
	// engine call of it in turn, until one call succeeds.
	for n := 0; ; n++ {
		tx := ip.db.Begin(true)
		f.n = n
		err := ip.posts.DestroyKey(tx, int64(1))
		f.n = -1
		if err == nil {
			tx.Abort()
			require.Greater(t, n, 1, "the destroy reads, deletes and nulls: several engine calls")
			break
		}
		require.ErrorIs(t, err, errLost, "call %d", n)
		// The transaction goes on, as after any failed call, unchanged.
		_, found, err := ip.posts.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, found)
		kids, err := ip.pc.Get(tx, ipPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Len(t, kids, 1)
		require.NoError(t, tx.Commit())
		require.Equal(t, before, saved(t, ip.db))
	}
	// Reads return the failure too, and the next read works.
	f.n = 0
	err := ip.db.View(func(tx *Txn) error {
		_, _, err := ip.posts.FindByPK(tx, int64(1))
		require.ErrorIs(t, err, errLost)
		_, err = ip.pc.Get(tx, ipPost{ID: 1}, nil)
		return err
	})
	require.NoError(t, err)
	f.n = 0
	err = ip.db.View(func(tx *Txn) error {
		_, err := ip.pc.Get(tx, ipPost{ID: 1}, nil)
		return err
	})
	require.ErrorIs(t, err, errLost)
}

func TestEngineFailure_OtherPanicsGoOn(t *testing.T) {
	ip, _ := openFlaky(t)
	require.PanicsWithValue(t, "boom", func() {
		_ = ip.db.View(func(tx *Txn) error {
			_, _, _ = ip.posts.FindByPK(tx, int64(1))
			panic("boom")
		})
	})
}

// saved is the store's snapshot bytes.
func saved(t *testing.T, db *Store) string {
	var b bytesBuffer
	require.NoError(t, db.Save(&b))
	return string(b)
}

type bytesBuffer []byte

func (b *bytesBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }
