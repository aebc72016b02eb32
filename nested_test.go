package memrel_test

import (
	"context"
	"errors"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// nestTitles lists the titles of the posts tx sees, in key order.
func nestTitles(t *testing.T, db *stDB, tx *memrel.Txn) []string {
	t.Helper()
	posts, err := db.posts.FindAll(tx, nil)
	require.NoError(t, err)
	titles := make([]string, len(posts))
	for i, p := range posts {
		titles[i] = p.Title
	}
	return titles
}

// nestRetitle changes the title of post id through tx.
func nestRetitle(t *testing.T, db *stDB, tx *memrel.Txn, id int64, title string) {
	t.Helper()
	p, ok, err := db.posts.FindByPK(tx, id)
	require.NoError(t, err)
	require.True(t, ok)
	p.Title = title
	_, err = db.posts.Update(tx, p)
	require.NoError(t, err)
}

// nestCreate creates a post titled title through tx.
func nestCreate(t *testing.T, db *stDB, tx *memrel.Txn, title string) fixture.ColumnPost {
	t.Helper()
	p, err := db.posts.Create(tx, stNewPost(title))
	require.NoError(t, err)
	return p
}

func TestTxn_Update_NestedCommitsIntoOuter(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "outer before")
		require.NoError(t, tx.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "nested")
			nestRetitle(t, db, tx, 1, "outer before, retitled")
			return nil
		}))
		nestCreate(t, db, tx, "outer after")
		return nil
	}))
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"outer before, retitled", "nested", "outer after"}, nestTitles(t, db, tx))
	})
}

func TestTxn_Update_NestedFailureRollsBackOwnWork(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("committed"))
	boom := errors.New("boom")
	var inside stSnap
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "outer before")
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "t1"})
		require.NoError(t, err)
		before := stDumpTx(t, db, tx)
		err = tx.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "nested")
			nestRetitle(t, db, tx, 1, "retitled in nested")
			nestRetitle(t, db, tx, 2, "retitled in nested")
			require.NoError(t, db.posts.DestroyKey(tx, int64(1)))
			require.NoError(t, db.tags.DestroyKey(tx, "t1"))
			_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "t2"})
			require.NoError(t, err)
			// A failing call inside moves no sequence and changes nothing.
			_, err = db.tags.Create(tx, fixture.ColumnTag{Name: "t2"})
			var uerr *memrel.UniqueConstraintError
			require.ErrorAs(t, err, &uerr)
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, before, stDumpTx(t, db, tx), "exactly the nested work is undone")
		nestCreate(t, db, tx, "outer after")
		inside = stDumpTx(t, db, tx)
		return nil
	}))
	nestRequireKept(t, db, inside, []int64{1, 2, 4})
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"committed", "outer before", "outer after"}, nestTitles(t, db, tx))
	})
}

func TestTxn_Update_NestedPanicRollsBackOwnWorkAndRepanics(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "outer before")
		require.PanicsWithValue(t, "kaboom", func() {
			_ = tx.Update(func(tx *memrel.Txn) error {
				nestCreate(t, db, tx, "nested")
				nestRetitle(t, db, tx, 1, "retitled in nested")
				panic("kaboom")
			})
		})
		nestCreate(t, db, tx, "outer after")
		return nil
	}))
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"outer before", "outer after"}, nestTitles(t, db, tx))
	})
}

func TestTxn_Update_MiddleOfThreeLevelsFails(t *testing.T) {
	db := stSetup(t)
	boom := errors.New("boom")
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "level 0")
		require.NoError(t, tx.Update(func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "level 1 before")
			err := tx.Update(func(tx *memrel.Txn) error {
				nestCreate(t, db, tx, "level 2")
				nestRetitle(t, db, tx, 1, "level 0, retitled in level 2")
				require.NoError(t, tx.Update(func(tx *memrel.Txn) error {
					nestCreate(t, db, tx, "level 3")
					nestRetitle(t, db, tx, 2, "level 1, retitled in level 3")
					return nil
				}))
				return boom
			})
			require.ErrorIs(t, err, boom)
			require.Equal(t, []string{"level 0", "level 1 before"}, nestTitles(t, db, tx))
			nestCreate(t, db, tx, "level 1 after")
			return nil
		}))
		nestCreate(t, db, tx, "level 0 after")
		return nil
	}))
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"level 0", "level 1 before", "level 1 after", "level 0 after"}, nestTitles(t, db, tx))
	})
}

// Nesting is a frame of the caller's stack per level, not of memrel's:
// a thousand levels, the innermost failing, undo only its own work.
func TestTxn_Update_DeepNesting(t *testing.T) {
	db := stSetup(t)
	const depth = 1000
	boom := errors.New("boom")
	var level func(tx *memrel.Txn, n int) error
	level = func(tx *memrel.Txn, n int) error {
		if _, err := db.tags.Create(tx, fixture.ColumnTag{Name: string(rune('a'+n%26)) + string(rune(n))}); err != nil {
			return err
		}
		if n == depth {
			return boom
		}
		err := tx.Update(func(tx *memrel.Txn) error { return level(tx, n+1) })
		if n == depth-1 {
			require.ErrorIs(t, err, boom)
			return nil
		}
		return err
	}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return level(tx, 1) }))
	require.Len(t, stDump(t, db).Tags, depth-1)
}

func TestTxn_Update_OnReadOrDoneTransaction(t *testing.T) {
	db := stSetup(t)
	fn := func(tx *memrel.Txn) error { t.Fatal("fn must not run"); return nil }
	stView(t, db, func(tx *memrel.Txn) {
		require.ErrorIs(t, tx.Update(fn), memrel.ErrReadOnly)
	})
	tx := db.Begin(true)
	tx.Abort()
	require.ErrorIs(t, tx.Update(fn), memrel.ErrTxDone)
	var nilTx *memrel.Txn
	require.ErrorIs(t, nilTx.Update(fn), memrel.ErrTxDone)
}

// Inside Txn.Update, Commit and Abort panic, on a transaction of its own
// as on a nested one from BeginContext.
func TestTxn_Update_CommitOrAbortInsideNestedPanics(t *testing.T) {
	for _, nested := range []bool{false, true} {
		db := stSetup(t)
		outer := db.Begin(true)
		defer outer.Abort()
		tx := outer
		if nested {
			tx = beginNested(t, db, outer.Context(), true)
		}
		require.Panics(t, func() {
			_ = tx.Update(func(tx *memrel.Txn) error { return tx.Commit() })
		})
		require.Panics(t, func() {
			_ = tx.Update(func(tx *memrel.Txn) error { tx.Abort(); return nil })
		})
		nestCreate(t, db, tx, "still open")
		require.NoError(t, tx.Commit())
		if nested {
			require.NoError(t, outer.Commit())
		}
		require.Len(t, stDump(t, db).Posts, 1)
	}
}

// nestNoDeadlock runs fn on another goroutine and fails the test if it
// never returns.
func nestNoDeadlock(t *testing.T, fn func() error) error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- fn() }()
	return ctxAwait(t, res)
}

func TestStore_UpdateContext_InsideUpdateRunsNested(t *testing.T) {
	db := stSetup(t)
	boom := errors.New("boom")
	// A service method that opens its own transaction.
	addPost := func(ctx context.Context, title string, fail bool) error {
		return db.UpdateContext(ctx, func(tx *memrel.Txn) error {
			if _, err := db.posts.Create(tx, stNewPost(title)); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
	}
	for _, outer := range []struct {
		name   string
		update func(fn func(tx *memrel.Txn) error) error
	}{
		{"Update", db.Update},
		{"UpdateContext", func(fn func(tx *memrel.Txn) error) error {
			return db.UpdateContext(context.Background(), fn)
		}},
	} {
		t.Run(outer.name, func(t *testing.T) {
			err := nestNoDeadlock(t, func() error {
				return outer.update(func(tx *memrel.Txn) error {
					if err := addPost(tx.Context(), outer.name+" kept", false); err != nil {
						return err
					}
					require.ErrorIs(t, addPost(tx.Context(), outer.name+" undone", true), boom)
					ctx, cancel := context.WithCancel(tx.Context()) // derived contexts carry tx too
					defer cancel()
					return addPost(ctx, outer.name+" kept too", false)
				})
			})
			require.NoError(t, err)
		})
	}
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"Update kept", "Update kept too", "UpdateContext kept", "UpdateContext kept too"},
			nestTitles(t, db, tx))
	})
}

// The outer transaction's failure takes the nested work with it: nested
// transactions commit only into the outer one.
func TestStore_UpdateContext_OuterFailureUndoesNested(t *testing.T) {
	db := stSetup(t)
	boom := errors.New("boom")
	err := nestNoDeadlock(t, func() error {
		return db.Update(func(tx *memrel.Txn) error {
			require.NoError(t, db.UpdateContext(tx.Context(), func(tx *memrel.Txn) error {
				nestCreate(t, db, tx, "nested")
				return nil
			}))
			return boom
		})
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, stDump(t, db).Posts)
}

func TestStore_UpdateContext_NestedContextEndedUndoesOwnWork(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		ctx, cancel := context.WithCancel(tx.Context())
		err := db.UpdateContext(ctx, func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "nested")
			cancel()
			return nil
		})
		require.ErrorIs(t, err, context.Canceled)
		err = db.UpdateContext(ctx, func(tx *memrel.Txn) error { t.Fatal("must not run"); return nil })
		require.ErrorIs(t, err, memrel.ErrTxWait)
		require.ErrorIs(t, err, context.Canceled)
		nestCreate(t, db, tx, "outer")
		return nil
	}))
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"outer"}, nestTitles(t, db, tx))
	})
}

func TestStore_UpdateContext_OuterContextEndedInsideNested(t *testing.T) {
	db := stSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := db.UpdateContext(ctx, func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "outer")
		return db.UpdateContext(tx.Context(), func(tx *memrel.Txn) error {
			nestCreate(t, db, tx, "nested")
			cancel()
			return nil
		})
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, stDump(t, db).Posts)
	stCreatePost(t, db, stNewPost("lock released"))
}

func TestStore_UpdateContext_ContextOfAnotherStoreIgnored(t *testing.T) {
	nestOtherStore(t, func(other *stDB, tx *memrel.Txn) error {
		return other.UpdateContext(tx.Context(), func(otx *memrel.Txn) error {
			require.NotSame(t, tx, otx)
			_, err := other.posts.Create(otx, stNewPost("other"))
			return err
		})
	})
}

func TestStore_ViewContext_InsideWriteSeesItsWritesAndRefusesWrites(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		nestCreate(t, db, tx, "uncommitted")
		require.NoError(t, db.ViewContext(tx.Context(), func(vtx *memrel.Txn) error {
			require.False(t, vtx.Writable())
			require.Equal(t, []string{"uncommitted"}, nestTitles(t, db, vtx))
			_, err := db.posts.Create(vtx, stNewPost("refused"))
			require.ErrorIs(t, err, memrel.ErrReadOnly)
			require.ErrorIs(t, vtx.Update(func(*memrel.Txn) error { return nil }), memrel.ErrReadOnly)
			require.ErrorIs(t, db.UpdateContext(vtx.Context(), func(*memrel.Txn) error { return nil }), memrel.ErrReadOnly)
			require.Panics(t, func() { _ = vtx.Commit() })
			return nil
		}))
		require.True(t, tx.Writable())
		nestCreate(t, db, tx, "writable again")
		return nil
	}))
	stView(t, db, func(tx *memrel.Txn) {
		require.Equal(t, []string{"uncommitted", "writable again"}, nestTitles(t, db, tx))
	})
}

func TestStore_ViewContext_InsideViewSharesItsSnapshot(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	require.NoError(t, db.ViewContext(context.Background(), func(tx *memrel.Txn) error {
		stCreatePost(t, db, stNewPost("committed meanwhile"))
		return db.ViewContext(tx.Context(), func(inner *memrel.Txn) error {
			require.Same(t, tx, inner)
			require.Equal(t, []string{"a"}, nestTitles(t, db, inner))
			return nil
		})
	}))
	// A write inside a read transaction's context begins one of its own.
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		return nestNoDeadlock(t, func() error {
			return db.UpdateContext(tx.Context(), func(wtx *memrel.Txn) error {
				nestCreate(t, db, wtx, "own transaction")
				return nil
			})
		})
	}))
	require.Len(t, stDump(t, db).Posts, 3)
}
