package pg

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// An UPDATE or DELETE applies only to the row as the call read it:
// another client's change in between (here in the hook that runs after
// the read and before the write goes) is not overwritten, and the call
// fails with ErrRetry instead, undone. Run again, it sees their change.
func TestOpen_RowChangedByAnotherClient_IsErrRetryNotALostUpdate(t *testing.T) {
	ctx := context.Background()
	var pool *pgxpool.Pool
	s := memrel.NewSchema()
	meddle, remove := true, false
	comments := memrel.Define[heldComment](s, "Comment", memrel.WithHooks(memrel.Hooks[heldComment]{
		BeforeUpdate: func(_ *memrel.Txn, c *heldComment) error {
			if remove {
				_, err := pool.Exec(ctx, `DELETE FROM "Comment" WHERE "id" = $1`, c.ID)
				return err
			}
			if meddle {
				_, err := pool.Exec(ctx, `UPDATE "Comment" SET "body" = 'theirs' WHERE "id" = $1`, c.ID)
				return err
			}
			return nil
		},
		BeforeDestroy: func(_ *memrel.Txn, c *heldComment) error {
			if meddle {
				_, err := pool.Exec(ctx, `UPDATE "Comment" SET "body" = 'theirs too' WHERE "id" = $1`, c.ID)
				return err
			}
			return nil
		},
	}))
	db, pool := pgStore(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := comments.BulkCreate(tx, []heldComment{{Body: "c1"}, {Body: "c2"}})
		return err
	}))
	body := func(id int64) string {
		var b string
		require.NoError(t, pool.QueryRow(ctx, `SELECT "body" FROM "Comment" WHERE "id" = $1`, id).Scan(&b))
		return b
	}

	err := db.Update(func(tx *memrel.Txn) error {
		_, err := comments.Update(tx, heldComment{ID: 1, Body: "mine"})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrRetry)
	require.Equal(t, "theirs", body(1), "their write stands")

	err = db.Update(func(tx *memrel.Txn) error { return comments.Destroy(tx, heldComment{ID: 2}) })
	require.ErrorIs(t, err, memrel.ErrRetry)
	require.Equal(t, "theirs too", body(2), "their row stands")

	meddle = false
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := comments.Update(tx, heldComment{ID: 1, Body: "mine"})
		return err
	}))
	require.Equal(t, "mine", body(1))

	// A row another client deleted in between is the NotFoundError the
	// call would have met a moment later.
	remove = true
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := comments.Update(tx, heldComment{ID: 1, Body: "again"})
		return err
	})
	var nf *memrel.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Equal(t, &memrel.NotFoundError{Model: "Comment", Key: int64(1)}, nf)
}

// The race the multi-writer test met: another process's Add, not yet
// committed, holds a row this call's Set is about to un-associate. The
// Set's UPDATE waits for its lock, then finds the row no longer as it read
// it (on another post now): the call fails with ErrRetry, and the other
// process's Add stands, as it would in either serial order.
func TestOpen_WriteWaitingOnAnotherProcessesRow_IsErrRetry(t *testing.T) {
	ctx := context.Background()
	posts, comments, assoc, db, pool := heldBlog(t, func(*pgxpool.Pool, *heldComment) error { return nil })
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, title := range []string{"p1", "p2"} {
			if _, err := posts.Create(tx, heldPost{Title: title}); err != nil {
				return err
			}
		}
		_, err := comments.Create(tx, heldComment{Body: "c1", PostID: fixture.I64(1)})
		return err
	}))

	other, err := pool.Begin(ctx)
	require.NoError(t, err)
	_, err = other.Exec(ctx, `UPDATE "Comment" SET "postId" = 2 WHERE "id" = 1`)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		done <- db.Update(func(tx *memrel.Txn) error { return assoc.Set(tx, heldPost{ID: 1}, nil, nil) })
	}()
	// Wait until the Set's UPDATE waits on the other transaction's lock.
	for {
		var waiting int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE "Comment"%'`).Scan(&waiting))
		if waiting > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the Set ended without waiting for the other transaction: %v", err)
		default:
		}
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, other.Commit(ctx))
	require.ErrorIs(t, <-done, memrel.ErrRetry)
	var post int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT "postId" FROM "Comment" WHERE "id" = 1`).Scan(&post))
	require.Equal(t, int64(2), post, "the other process's Add stands")
}
