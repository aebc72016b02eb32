package pg

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// Two processes (two stores on one database) each update the post the
// other updated first: PostgreSQL breaks the deadlock off by failing one
// of them, whose call returns memrel.ErrRetry (wrapping the database's
// error), while the other commits; run again, the broken one commits too.
func TestOpen_Deadlock_IsErrRetry(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	ctx := context.Background()
	first, pool := pgStore(t, b.Schema)
	b.Seed(t, first)
	second, err := Open(ctx, pool, b.Schema)
	require.NoError(t, err)

	// Each writer locks its own post (the call's UPDATE goes at its end),
	// says so, waits for the other to have done the same, then updates
	// the other's post.
	locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	run := func(db *memrel.Store, me int, title string) error {
		mine, theirs := int64(me+1), int64(2-me)
		return db.Update(func(tx *memrel.Txn) error {
			if _, err := b.Post.Update(tx, fixture.Post{ID: mine, Title: title}); err != nil {
				return err
			}
			close(locked[me])
			<-locked[1-me]
			_, err := b.Post.Update(tx, fixture.Post{ID: theirs, Title: title})
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run(first, 0, "first") }()
	go func() { errs <- run(second, 1, "second") }()
	e1, e2 := <-errs, <-errs
	if e1 != nil {
		e1, e2 = e2, e1
	}
	require.NoError(t, e1, "one of the two commits")
	require.ErrorIs(t, e2, memrel.ErrRetry)
	var pe *pgconn.PgError
	require.True(t, errors.As(e2, &pe), "the database's error is wrapped too: %v", e2)
	require.Equal(t, "40P01", pe.Code) // deadlock_detected

	// The winner's titles stand; the loser, run again alone, commits.
	var winner string
	require.NoError(t, first.View(func(tx *memrel.Txn) error {
		p1, _, err := b.Post.FindByPK(tx, int64(1))
		require.NoError(t, err)
		p2, _, err := b.Post.FindByPK(tx, int64(2))
		require.NoError(t, err)
		require.Equal(t, p1.Title, p2.Title, "one transaction's writes, whole")
		winner = p1.Title
		return nil
	}))
	loser := map[string]*memrel.Store{"first": second, "second": first}[winner]
	require.NoError(t, loser.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Update(tx, fixture.Post{ID: 1, Title: "again"})
		return err
	}))
}
