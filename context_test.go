package memrel_test

import (
	"context"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// ctxDeadlock is how long a test waits for something that must happen
// before it calls it a deadlock: never a measure of speed.
const ctxDeadlock = 30 * time.Second

// ctxAwait returns what ch delivers, failing the test if it never does.
func ctxAwait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(ctxDeadlock):
		t.Fatal("deadlock: the call never returned")
		panic("unreachable")
	}
}

// ctxDoneSpy is a context that reports each call of its Done method, so a
// test knows when a waiting writer has started to wait.
type ctxDoneSpy struct {
	context.Context
	asked chan struct{}
}

func (c ctxDoneSpy) Done() <-chan struct{} {
	c.asked <- struct{}{}
	return c.Context.Done()
}

// ctxWaitingWriter starts UpdateContext on db while the write lock is held
// elsewhere and returns, once that writer is waiting, the channel its
// result arrives on and the cancel function of its context.
func ctxWaitingWriter(t *testing.T, db *stDB, ctx context.Context) (<-chan error, *bool) {
	t.Helper()
	spy := ctxDoneSpy{Context: ctx, asked: make(chan struct{}, 2)}
	called := new(bool)
	res := make(chan error, 1)
	go func() {
		res <- db.UpdateContext(spy, func(tx *memrel.Txn) error {
			*called = true
			return nil
		})
	}()
	ctxAwait(t, spy.asked) // checked before waiting
	ctxAwait(t, spy.asked) // queued, and about to wait
	return res, called
}

func TestStore_UpdateContext_CanceledWhileWaitingForWriteLock(t *testing.T) {
	db := stSetup(t)
	before := stDump(t, db)
	holder := db.Begin(true)
	_, err := db.posts.Create(holder, stNewPost("held"))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	res, called := ctxWaitingWriter(t, db, ctx)
	cancel()
	err = ctxAwait(t, res) // the waiting writer returns: no goroutine is left behind
	require.ErrorIs(t, err, memrel.ErrTxWait)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, *called, "a writer that never began runs nothing")

	// The holder is untouched and the lock passes on as usual.
	_, err = db.posts.Create(holder, stNewPost("still held"))
	require.NoError(t, err)
	holder.Abort()
	require.Equal(t, before, stDump(t, db))
	got := stCreatePost(t, db, stNewPost("after"))
	require.Equal(t, int64(3), got.ID, "ids the aborted holder took stay taken")
}

func TestStore_UpdateContext_DeadlineWhileWaitingForWriteLock(t *testing.T) {
	db := stSetup(t)
	holder := db.Begin(true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	res := make(chan error, 1)
	go func() {
		res <- db.UpdateContext(ctx, func(tx *memrel.Txn) error { return nil })
	}()
	err := ctxAwait(t, res)
	require.ErrorIs(t, err, memrel.ErrTxWait)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NoError(t, holder.Commit())
	stCreatePost(t, db, stNewPost("after"))
}

// A writer given up on must not keep its place: the one behind it gets
// the lock when the holder ends.
func TestStore_BeginContext_CanceledWaiterLeavesTheQueue(t *testing.T) {
	db := stSetup(t)
	holder := db.Begin(true)
	ctx, cancel := context.WithCancel(context.Background())
	res, _ := ctxWaitingWriter(t, db, ctx)

	next := make(chan error, 1)
	nextSpy := ctxDoneSpy{Context: context.Background(), asked: make(chan struct{}, 2)}
	go func() {
		tx, err := db.BeginContext(nextSpy, true)
		if err == nil {
			_, err = db.posts.Create(tx, stNewPost("next"))
		}
		if err == nil {
			err = tx.Commit()
		}
		next <- err
	}()
	ctxAwait(t, nextSpy.asked)
	ctxAwait(t, nextSpy.asked) // queued behind the writer given up on
	cancel()
	require.ErrorIs(t, ctxAwait(t, res), context.Canceled)
	holder.Abort()
	require.NoError(t, ctxAwait(t, next))
	require.Len(t, stDump(t, db).Posts, 1)
}

func TestStore_UpdateContext_EndedContextBeginsNothing(t *testing.T) {
	db := stSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	fn := func(tx *memrel.Txn) error { called = true; return nil }

	err := db.UpdateContext(ctx, fn)
	require.ErrorIs(t, err, memrel.ErrTxWait)
	require.ErrorIs(t, err, context.Canceled)
	err = db.ViewContext(ctx, fn)
	require.ErrorIs(t, err, memrel.ErrTxWait)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, called)
	for _, write := range []bool{false, true} {
		tx, err := db.BeginContext(ctx, write)
		require.ErrorIs(t, err, memrel.ErrTxWait)
		require.Nil(t, tx)
	}
	stCreatePost(t, db, stNewPost("lock is free"))
}

func TestStore_UpdateContext_CanceledDuringTransactionRollsBack(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("keep"))
	before := stDump(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	var callErr, afterErr error
	err := db.UpdateContext(ctx, func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, stNewPost("lost"))
		require.NoError(t, err)
		cancel()
		_, callErr = db.posts.Create(tx, stNewPost("refused"))
		_, _, afterErr = db.posts.FindByPK(tx, int64(1))
		return nil // ignoring callErr: the transaction still does not commit
	})
	for _, e := range []error{callErr, afterErr, err} {
		require.ErrorIs(t, e, memrel.ErrTxDone)
		require.ErrorIs(t, e, context.Canceled)
	}
	require.Equal(t, before, stDump(t, db))
	stCreatePost(t, db, stNewPost("lock released"))
}

func TestStore_BeginContext_CommitAfterContextEndedFails(t *testing.T) {
	db := stSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := db.BeginContext(ctx, true)
	require.NoError(t, err)
	_, err = db.posts.Create(tx, stNewPost("lost"))
	require.NoError(t, err)
	cancel()
	err = tx.Commit()
	require.ErrorIs(t, err, memrel.ErrTxDone)
	require.ErrorIs(t, err, context.Canceled)
	tx.Abort()
	require.Empty(t, stDump(t, db).Posts)
	stCreatePost(t, db, stNewPost("lock released"))
}

func TestStore_ViewContext_CanceledDuringTransactionFailsCalls(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	ctx, cancel := context.WithCancel(context.Background())
	err := db.ViewContext(ctx, func(tx *memrel.Txn) error {
		_, ok, err := db.posts.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok)
		cancel()
		_, _, err = db.posts.FindByPK(tx, int64(1))
		return err
	})
	require.ErrorIs(t, err, memrel.ErrTxDone)
	require.ErrorIs(t, err, context.Canceled)
}

func TestTxn_Context_CarriesTheContextItBeganWith(t *testing.T) {
	db := stSetup(t)
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	require.NoError(t, db.UpdateContext(ctx, func(tx *memrel.Txn) error {
		require.Equal(t, "v", tx.Context().Value(key{}))
		return nil
	}))
	require.NoError(t, db.ViewContext(ctx, func(tx *memrel.Txn) error {
		require.Equal(t, "v", tx.Context().Value(key{}))
		return nil
	}))
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		require.NotNil(t, tx.Context())
		require.Nil(t, tx.Context().Done(), "Update uses context.Background()")
		return nil
	}))
	var nilTx *memrel.Txn
	require.Equal(t, context.Background(), nilTx.Context())
}

func TestStore_UpdateContext_NilContextPanics(t *testing.T) {
	db := stSetup(t)
	fn := func(tx *memrel.Txn) error { return nil }
	var nilCtx context.Context
	require.PanicsWithValue(t, "memrel: nil Context", func() { _ = db.UpdateContext(nilCtx, fn) })
	require.PanicsWithValue(t, "memrel: nil Context", func() { _ = db.ViewContext(nilCtx, fn) })
	require.PanicsWithValue(t, "memrel: nil Context", func() { _, _ = db.BeginContext(nilCtx, true) })
}

func TestStore_UpdateContext_ZeroStore(t *testing.T) {
	var db memrel.Store
	fn := func(tx *memrel.Txn) error { return nil }
	require.ErrorIs(t, db.UpdateContext(context.Background(), fn), memrel.ErrWrongStore)
	require.ErrorIs(t, db.ViewContext(context.Background(), fn), memrel.ErrWrongStore)
	tx, err := db.BeginContext(context.Background(), true)
	require.ErrorIs(t, err, memrel.ErrWrongStore)
	require.Nil(t, tx)
}

// A read transaction may be shared by goroutines: when its context ends,
// each of their calls fails, and each may end it, without a data race.
func TestStore_BeginContext_SharedReaderAfterContextEnded(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := db.BeginContext(ctx, false)
	require.NoError(t, err)
	cancel()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, _, err := db.posts.FindByPK(tx, int64(1))
			tx.Abort()
			errs <- err
		}()
	}
	for range 4 {
		err := ctxAwait(t, errs)
		require.ErrorIs(t, err, memrel.ErrTxDone)
		require.ErrorIs(t, err, context.Canceled)
	}
}
