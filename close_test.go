package memrel_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

func TestStore_Close_RefusesNewTransactions(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	require.NoError(t, db.Close())
	require.NoError(t, db.Close(), "Close is idempotent")
	require.Equal(t, "memrel.Store(closed)", db.String())

	fn := func(tx *memrel.Txn) error { t.Fatal("fn must not run"); return nil }
	require.ErrorIs(t, db.Update(fn), memrel.ErrClosed)
	require.ErrorIs(t, db.View(fn), memrel.ErrClosed)
	require.ErrorIs(t, db.UpdateContext(context.Background(), fn), memrel.ErrClosed)
	require.ErrorIs(t, db.ViewContext(context.Background(), fn), memrel.ErrClosed)
	for _, write := range []bool{false, true} {
		tx, err := db.BeginContext(context.Background(), write)
		require.ErrorIs(t, err, memrel.ErrClosed)
		require.Nil(t, tx)

		tx = db.Begin(write)
		_, _, err = db.posts.FindByPK(tx, int64(1))
		require.ErrorIs(t, err, memrel.ErrClosed)
		require.ErrorIs(t, err, memrel.ErrTxDone)
		require.ErrorIs(t, tx.Commit(), memrel.ErrClosed)
		tx.Abort()
	}
	require.ErrorIs(t, db.Save(&bytes.Buffer{}), memrel.ErrClosed)
}

func TestStore_Close_ZeroStore(t *testing.T) {
	var db *memrel.Store
	require.ErrorIs(t, db.Close(), memrel.ErrWrongStore)
	require.ErrorIs(t, new(memrel.Store).Close(), memrel.ErrWrongStore)
}

func TestStore_Close_OpenReaderKeepsItsSnapshot(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	tx := db.Begin(false)
	defer tx.Abort()
	require.NoError(t, db.Close())
	p, ok, err := db.posts.FindByPK(tx, int64(1))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "a", p.Title)
}

func TestStore_Close_OpenWriterCannotCommit(t *testing.T) {
	db := stSetup(t)
	tx := db.Begin(true)
	defer tx.Abort()
	nestCreate(t, db, tx, "before Close")
	require.NoError(t, db.Close(), "Close does not wait for the writer")
	nestCreate(t, db, tx, "after Close")
	require.Equal(t, []string{"before Close", "after Close"}, nestTitles(t, db, tx))
	require.ErrorIs(t, tx.Commit(), memrel.ErrClosed)
	require.ErrorIs(t, tx.Commit(), memrel.ErrTxDone)
}

func TestStore_Close_InsideUpdate(t *testing.T) {
	db := stSetup(t)
	err := nestNoDeadlock(t, func() error {
		return db.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "discarded")
			return db.Close()
		})
	})
	require.ErrorIs(t, err, memrel.ErrClosed)
}

func TestStore_Close_WaitingWriterFails(t *testing.T) {
	db := stSetup(t)
	holder := db.Begin(true)
	defer holder.Abort()
	res, called := ctxWaitingWriter(t, db, context.Background())
	require.NoError(t, db.Close())
	require.ErrorIs(t, ctxAwait(t, res), memrel.ErrClosed)
	require.False(t, *called)
}
