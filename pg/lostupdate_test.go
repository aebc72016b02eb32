package pg

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
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
