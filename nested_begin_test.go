package memrel_test

import (
	"context"
	"errors"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// beginNested begins a nested transaction in the one ctx carries.
func beginNested(t *testing.T, db *stDB, ctx context.Context, write bool) *memrel.Txn {
	t.Helper()
	h, err := db.BeginContext(ctx, write)
	require.NoError(t, err)
	require.NotNil(t, h)
	return h
}

// nestRequireKept checks that the store holds what a transaction saw
// inside before it committed: the posts ids (those taken by undone work
// stay taken) and the one tag t1.
func nestRequireKept(t *testing.T, db *stDB, inside stSnap, ids []int64) {
	t.Helper()
	snap := stDump(t, db)
	require.Equal(t, inside, snap)
	got := make([]int64, len(snap.Posts))
	for i, p := range snap.Posts {
		got[i] = p.ID
	}
	require.Equal(t, ids, got, "the ids the undone creates took stay taken")
	require.Equal(t, []fixture.ColumnTag{{Name: "t1"}}, snap.Tags)
}

// nestOpenOuter begins a write transaction, aborted when the test ends,
// and creates a post titled title through it.
func nestOpenOuter(t *testing.T, db *stDB, title string) *memrel.Txn {
	t.Helper()
	outer := db.Begin(true)
	t.Cleanup(outer.Abort)
	nestCreate(t, db, outer, title)
	return outer
}

// nestOtherStore runs inner inside a failing Update of db, with a store
// of its own, other: a transaction inner begins on other from tx's
// context must not nest, and commits on its own.
func nestOtherStore(t *testing.T, inner func(other *stDB, tx *memrel.Txn) error) {
	t.Helper()
	db, other := stSetup(t), stSetup(t)
	boom := errors.New("boom")
	err := nestNoDeadlock(t, func() error {
		return db.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "db")
			if err := inner(other, tx); err != nil {
				return err
			}
			return boom
		})
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, stDump(t, db).Posts)
	require.Len(t, stDump(t, other).Posts, 1, "the other store's transaction committed on its own")
}

// requireEnded checks that every call on the handle h fails as on a done
// transaction, and that ending it again changes nothing.
func requireEnded(t *testing.T, db *stDB, h *memrel.Txn) {
	t.Helper()
	_, _, err := db.posts.FindByPK(h, int64(1))
	require.ErrorIs(t, err, memrel.ErrTxDone)
	_, err = db.posts.Create(h, stNewPost("refused"))
	require.ErrorIs(t, err, memrel.ErrTxDone)
	require.ErrorIs(t, h.Update(func(*memrel.Txn) error { return nil }), memrel.ErrTxDone)
	require.ErrorIs(t, h.Commit(), memrel.ErrTxDone)
	h.Abort()
}

func TestStore_BeginContext_NestedCommitJoinsOuter(t *testing.T) {
	db := stSetup(t)
	outer, err := db.BeginContext(context.Background(), true)
	require.NoError(t, err)
	defer outer.Abort()
	nestCreate(t, db, outer, "outer before")
	h := beginNested(t, db, outer.Context(), true)
	require.NotSame(t, outer, h)
	require.True(t, h.Writable())
	require.Equal(t, []string{"outer before"}, nestTitles(t, db, h), "the nested transaction sees the outer one's writes")
	nestCreate(t, db, h, "nested")
	nestRetitle(t, db, h, 1, "outer before, retitled")
	require.NoError(t, h.Commit())
	requireEnded(t, db, h)
	require.Empty(t, stDump(t, db).Posts, "a released nested transaction commits nothing by itself")
	nestCreate(t, db, outer, "outer after")
	require.NoError(t, outer.Commit())
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"outer before, retitled", "nested", "outer after"}, nestTitles(t, db, tx))
	})
}

func TestStore_BeginContext_NestedAbortUndoesExactlyItsWork(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("committed"))
	var inside stSnap
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "outer before")
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "t1"})
		require.NoError(t, err)
		before := stDumpTx(t, db, tx)
		h := beginNested(t, db, tx.Context(), true)
		defer h.Abort()
		nestCreate(t, db, h, "nested")
		nestRetitle(t, db, h, 1, "retitled in nested")
		nestRetitle(t, db, h, 2, "retitled in nested")
		require.NoError(t, db.posts.DestroyKey(h, int64(1)))
		require.NoError(t, db.tags.DestroyKey(h, "t1"))
		_, err = db.tags.Create(h, fixture.ColumnTag{Name: "t2"})
		require.NoError(t, err)
		require.NoError(t, h.Update(func(h *memrel.Txn) error { // a Txn.Update inside it is its work too
			nestCreate(t, db, h, "nested in nested")
			return nil
		}))
		h.Abort()
		requireEnded(t, db, h)
		require.Equal(t, before, stDumpTx(t, db, tx), "exactly the nested work is undone")
		nestCreate(t, db, tx, "outer after")
		inside = stDumpTx(t, db, tx)
		return nil
	}))
	nestRequireKept(t, db, inside, []int64{1, 2, 5})
}

func TestStore_BeginContext_ThreeDeepMiddleAborted(t *testing.T) {
	db := stSetup(t)
	outer := nestOpenOuter(t, db, "level 0")
	h1 := beginNested(t, db, outer.Context(), true)
	nestCreate(t, db, h1, "level 1 before")
	h2 := beginNested(t, db, h1.Context(), true)
	nestCreate(t, db, h2, "level 2")
	nestRetitle(t, db, h2, 1, "level 0, retitled in level 2")
	h3 := beginNested(t, db, h2.Context(), true)
	nestCreate(t, db, h3, "level 3")
	nestRetitle(t, db, h3, 2, "level 1, retitled in level 3")
	require.NoError(t, h3.Commit())
	require.Equal(t, []string{"level 0, retitled in level 2", "level 1, retitled in level 3", "level 2", "level 3"},
		nestTitles(t, db, h2))
	h2.Abort() // takes h3's released work with it
	requireEnded(t, db, h2)
	require.Equal(t, []string{"level 0", "level 1 before"}, nestTitles(t, db, h1))
	nestCreate(t, db, h1, "level 1 after")
	require.NoError(t, h1.Commit())
	nestCreate(t, db, outer, "level 0 after")
	require.NoError(t, outer.Commit())
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"level 0", "level 1 before", "level 1 after", "level 0 after"}, nestTitles(t, db, tx))
	})
}

// Nested transactions end innermost first: committing one with a deeper
// one open, or using it meanwhile, is misuse that panics and changes
// nothing; aborting it ends the deeper ones too.
func TestStore_BeginContext_OutOfOrderEnd(t *testing.T) {
	db := stSetup(t)
	outer := nestOpenOuter(t, db, "outer")
	before := stDumpTx(t, db, outer)
	h1 := beginNested(t, db, outer.Context(), true)
	nestCreate(t, db, h1, "h1")
	h2 := beginNested(t, db, h1.Context(), true)
	nestCreate(t, db, h2, "h2")

	require.Panics(t, func() { _ = h1.Commit() })
	require.Panics(t, func() { _ = outer.Commit() })
	require.Panics(t, func() { _, _ = db.posts.Create(h1, stNewPost("through a suspended one")) })
	require.Panics(t, func() { _, _, _ = db.posts.FindByPK(outer, int64(1)) })
	require.Panics(t, func() { _ = outer.Update(func(*memrel.Txn) error { return nil }) })
	require.Panics(t, func() { _, _ = db.BeginContext(h1.Context(), true) })
	require.Equal(t, []string{"outer", "h1", "h2"}, nestTitles(t, db, h2), "the panics changed nothing")

	require.NoError(t, nestNoDeadlock(t, func() error { h1.Abort(); return nil }), "ends h2 first")
	requireEnded(t, db, h2)
	requireEnded(t, db, h1)
	require.Equal(t, before, stDumpTx(t, db, outer))
	nestCreate(t, db, outer, "outer after")
	require.NoError(t, outer.Commit())
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"outer", "outer after"}, nestTitles(t, db, tx))
	})
}

func TestStore_BeginContext_OuterEndWithOpenNested(t *testing.T) {
	t.Run("Abort ends it and frees the lock", func(t *testing.T) {
		db := stSetup(t)
		outer := db.Begin(true)
		nestCreate(t, db, outer, "outer")
		h := beginNested(t, db, outer.Context(), true)
		deeper := beginNested(t, db, h.Context(), true)
		nestCreate(t, db, deeper, "deeper")
		require.NoError(t, nestNoDeadlock(t, func() error { outer.Abort(); return nil }))
		requireEnded(t, db, deeper)
		requireEnded(t, db, h)
		require.ErrorIs(t, outer.Commit(), memrel.ErrTxDone)
		require.NoError(t, nestNoDeadlock(t, func() error {
			return db.Update(func(tx *memrel.Txn) error { nestCreate(t, db, tx, "next writer"); return nil })
		}))
		stView(t, db, func(tx *memrel.Txn) {
			require.Equal(t, []string{"next writer"}, nestTitles(t, db, tx))
		})
	})
	t.Run("Update's function returning nil panics and rolls back", func(t *testing.T) {
		db := stSetup(t)
		require.Panics(t, func() {
			_ = db.Update(func(tx *memrel.Txn) error {
				nestCreate(t, db, tx, "outer")
				h := beginNested(t, db, tx.Context(), true)
				nestCreate(t, db, h, "left open")
				return nil
			})
		})
		require.Empty(t, stDump(t, db).Posts)
		stCreatePost(t, db, stNewPost("lock released"))
	})
	t.Run("Update's function failing rolls back", func(t *testing.T) {
		db := stSetup(t)
		boom := errors.New("boom")
		err := db.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "outer")
			h := beginNested(t, db, tx.Context(), true)
			nestCreate(t, db, h, "left open")
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Empty(t, stDump(t, db).Posts)
		stCreatePost(t, db, stNewPost("lock released"))
	})
	t.Run("Txn.Update's function returning nil panics and undoes its work", func(t *testing.T) {
		db := stSetup(t)
		outer := db.Begin(true)
		defer outer.Abort()
		nestCreate(t, db, outer, "outer")
		var h *memrel.Txn
		require.Panics(t, func() {
			_ = outer.Update(func(tx *memrel.Txn) error {
				nestCreate(t, db, tx, "in Update")
				h = beginNested(t, db, tx.Context(), true)
				nestCreate(t, db, h, "left open")
				return nil
			})
		})
		requireEnded(t, db, h)
		require.Equal(t, []string{"outer"}, nestTitles(t, db, outer))
		require.NoError(t, outer.Commit())
	})
}

// The service shape: a function that begins its own transaction from the
// context it is given, called on its own and from inside transactions of
// every kind, never waits for the transaction its caller holds.
func TestStore_BeginContext_NestedNeverDeadlocks(t *testing.T) {
	db := stSetup(t)
	boom := errors.New("boom")
	addPost := func(ctx context.Context, title string, fail bool) error {
		tx, err := db.BeginContext(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Abort()
		if _, err := db.posts.Create(tx, stNewPost(title)); err != nil {
			return err
		}
		if fail {
			return boom
		}
		return tx.Commit()
	}
	err := nestNoDeadlock(t, func() error {
		if err := addPost(context.Background(), "alone", false); err != nil {
			return err
		}
		return db.Update(func(tx *memrel.Txn) error {
			if err := addPost(tx.Context(), "in Update", false); err != nil {
				return err
			}
			require.ErrorIs(t, addPost(tx.Context(), "in Update, failed", true), boom)
			if err := tx.Update(func(tx *memrel.Txn) error { return addPost(tx.Context(), "in Txn.Update", false) }); err != nil {
				return err
			}
			return db.UpdateContext(tx.Context(), func(tx *memrel.Txn) error {
				h := beginNested(t, db, tx.Context(), true)
				defer h.Abort()
				ctx, cancel := context.WithCancel(h.Context()) // derived contexts carry it too
				defer cancel()
				if err := addPost(ctx, "in a nested handle", false); err != nil {
					return err
				}
				return h.Commit()
			})
		})
	})
	require.NoError(t, err)
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"alone", "in Update", "in Txn.Update", "in a nested handle"}, nestTitles(t, db, tx))
	})
}

func TestStore_BeginContext_ContextOfAnotherStoreIgnored(t *testing.T) {
	nestOtherStore(t, func(other *stDB, tx *memrel.Txn) error {
		otx, err := other.BeginContext(tx.Context(), true)
		require.NoError(t, err)
		defer otx.Abort()
		_, err = other.posts.Create(otx, stNewPost("other"))
		require.NoError(t, err)
		_, _, err = other.posts.FindByPK(tx, int64(1)) // tx is not suspended by it
		require.ErrorIs(t, err, memrel.ErrWrongStore)
		return otx.Commit()
	})
}

func TestTxn_Context_OfNestedCarriesIt(t *testing.T) {
	db := stSetup(t)
	type key struct{}
	outer, err := db.BeginContext(context.WithValue(context.Background(), key{}, "v"), true)
	require.NoError(t, err)
	defer outer.Abort()
	h := beginNested(t, db, outer.Context(), true)
	require.Equal(t, "v", h.Context().Value(key{}))
	require.NoError(t, db.UpdateContext(h.Context(), func(tx *memrel.Txn) error {
		require.Same(t, h, tx)
		return nil
	}))
	require.NoError(t, db.ViewContext(h.Context(), func(tx *memrel.Txn) error {
		require.Same(t, h, tx)
		return nil
	}))
	require.NoError(t, h.Commit())
	// The context of an ended nested transaction carries the one it was begun in.
	again := beginNested(t, db, h.Context(), true)
	nestCreate(t, db, again, "nested again")
	require.NoError(t, again.Commit())
	require.NoError(t, outer.Commit())
	require.Len(t, stDump(t, db).Posts, 1)
}

func TestStore_BeginContext_NestedContextEnded(t *testing.T) {
	db := stSetup(t)
	outer := nestOpenOuter(t, db, "outer")
	before := stDumpTx(t, db, outer)

	var ctx context.Context
	for _, notice := range []struct {
		name string
		call func(h *memrel.Txn) error
	}{
		{"a call", func(h *memrel.Txn) error { _, err := db.posts.Create(h, stNewPost("refused")); return err }},
		{"Commit", func(h *memrel.Txn) error { return h.Commit() }},
	} {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(outer.Context())
		h := beginNested(t, db, ctx, true)
		nestCreate(t, db, h, "lost")
		cancel()
		err := notice.call(h)
		require.ErrorIs(t, err, memrel.ErrTxDone, notice.name)
		require.ErrorIs(t, err, context.Canceled, notice.name)
		require.Equal(t, before, stDumpTx(t, db, outer), "%s rolled the nested work back", notice.name)
	}

	h, err := db.BeginContext(ctx, true) // ended: begins nothing
	require.ErrorIs(t, err, memrel.ErrTxWait)
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, h)
	nestCreate(t, db, outer, "outer after")
	require.NoError(t, outer.Commit())
	require.Len(t, stDump(t, db).Posts, 2)
}

func TestStore_BeginContext_ReadInsideWriteIsReadOnlyView(t *testing.T) {
	db := stSetup(t)
	outer := nestOpenOuter(t, db, "uncommitted")
	for _, end := range []func(*memrel.Txn){
		func(v *memrel.Txn) { require.NoError(t, v.Commit()) },
		func(v *memrel.Txn) { v.Abort() },
	} {
		v := beginNested(t, db, outer.Context(), false)
		require.False(t, v.Writable())
		require.Equal(t, []string{"uncommitted"}, nestTitles(t, db, v))
		_, err := db.posts.Create(v, stNewPost("refused"))
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		require.ErrorIs(t, v.Update(func(*memrel.Txn) error { return nil }), memrel.ErrReadOnly)
		_, err = db.BeginContext(v.Context(), true)
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		require.Panics(t, func() { _, _ = db.posts.Create(outer, stNewPost("suspended")) })
		end(v)
		requireEnded(t, db, v)
		require.True(t, outer.Writable())
	}
	nestCreate(t, db, outer, "writable again")
	require.NoError(t, outer.Commit())
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"uncommitted", "writable again"}, nestTitles(t, db, tx))
	})
}

func TestStore_BeginContext_NestedWriteInReadOnlyView(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		return db.ViewContext(tx.Context(), func(v *memrel.Txn) error {
			h, err := db.BeginContext(v.Context(), true)
			require.ErrorIs(t, err, memrel.ErrReadOnly)
			require.Nil(t, h)
			return nil
		})
	}))
}
