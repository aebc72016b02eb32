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

// A row another client deletes after the rules read it and before the
// call writes it: the call's UPDATE or DELETE waits for the other's row
// lock and then, under READ COMMITTED, finds no row. The call fails with
// the NotFoundError it would have met a moment later, and changes
// nothing, rather than carrying on with a row that is not there (a re-key
// then read its own new row back as nil, and panicked).
func TestOpen_RowDeletedByAnotherClientMidCall_NotFound(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(b *fixture.BlogModels, tx *memrel.Txn) error
	}{
		{"Update", func(b *fixture.BlogModels, tx *memrel.Txn) error {
			_, err := b.Post.Update(tx, fixture.Post{ID: 1, Title: "new"})
			return err
		}},
		{"UpdateKey", func(b *fixture.BlogModels, tx *memrel.Txn) error {
			_, err := b.Post.UpdateKey(tx, int64(1), fixture.Post{ID: 9, Title: "moved"})
			return err
		}},
		{"DestroyKey", func(b *fixture.BlogModels, tx *memrel.Txn) error { return b.Post.DestroyKey(tx, int64(1)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture.Blog(t, fixture.BlogOptions{})
			db, pool := pgStore(t, b.Schema)
			ctx := context.Background()
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				_, err := b.Post.Create(tx, fixture.Post{ID: 1, Title: "p"})
				return err
			}))
			other, err := pool.Begin(ctx)
			require.NoError(t, err)
			defer func() { _ = other.Rollback(ctx) }()
			_, err = other.Exec(ctx, `DELETE FROM "Post" WHERE "id" = 1`) // holds the row's lock
			require.NoError(t, err)

			res := make(chan error, 1)
			go func() { res <- db.Update(func(tx *memrel.Txn) error { return tc.call(b, tx) }) }()
			waitForLockWait(t, pool)
			require.NoError(t, other.Commit(ctx))
			err = <-res
			var nf *memrel.NotFoundError
			require.ErrorAs(t, err, &nf)
			require.Equal(t, "Post", nf.Model)
			require.Equal(t, int64(1), nf.Key)
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				n, err := b.Post.Count(tx, nil)
				require.NoError(t, err)
				require.Zero(t, n, "the call wrote no row")
				return nil
			}))
		})
	}
}

// waitForLockWait returns once a session of pool's database waits for a
// lock: the call under test, blocked on the other client's row lock. It
// polls, as nothing announces the wait; the test's deadline bounds it.
func waitForLockWait(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(),
			`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n))
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
