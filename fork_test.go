package memrel_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

func TestStore_Fork_HoldsTheCommittedState(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	f, err := db.Fork()
	require.NoError(t, err)
	require.Equal(t, snSave(t, db), snSave(t, f), "rows and sequences are the origin's")
	require.Equal(t, b.Dump(t, db), b.Dump(t, f))
}

func TestStore_Fork_IndependentBothWays(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	before := b.Dump(t, db)
	f, err := db.Fork()
	require.NoError(t, err)

	require.NoError(t, f.Update(func(tx *memrel.Txn) error {
		p, err := b.Post.Create(tx, fixture.Post{Title: "only in the fork"})
		if err != nil {
			return err
		}
		_, err = b.Comments.Create(tx, p, fixture.Comment{Body: "fork"})
		if err != nil {
			return err
		}
		return b.Post.DestroyKey(tx, int64(1)) // cascades and nulls in the fork only
	}))
	require.Equal(t, before, b.Dump(t, db), "the fork's writes do not reach the origin")

	forked := b.Dump(t, f)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "only in the origin"})
		return err
	}))
	require.Equal(t, forked, b.Dump(t, f), "the origin's writes do not reach the fork")
}

func TestStore_Fork_SequencesCarryOver(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	var last int64
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{ID: 41, Title: "explicit key moves the sequence"})
		if err != nil {
			return err
		}
		p, err := b.Post.Create(tx, fixture.Post{Title: "drawn"})
		last = p.ID
		return err
	}))
	f, err := db.Fork()
	require.NoError(t, err)
	for _, s := range []*memrel.Store{db, f} {
		require.NoError(t, s.Update(func(tx *memrel.Txn) error {
			p, err := b.Post.Create(tx, fixture.Post{Title: "next"})
			require.Equal(t, last+1, p.ID, "each store draws the id the origin would have drawn next")
			return err
		}))
	}
}

func TestStore_Fork_LeavesOutTheWriteUnderWay(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	committed := b.Dump(t, db)
	tx := db.Begin(true)
	defer tx.Abort()
	p, err := b.Post.Create(tx, fixture.Post{Title: "uncommitted"})
	require.NoError(t, err)
	f, err := db.Fork() // a writer is open: Fork does not wait for it
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	require.Equal(t, committed, b.Dump(t, f), "the fork holds the last commit before the call")
	require.NoError(t, f.Update(func(tx *memrel.Txn) error {
		q, err := b.Post.Create(tx, fixture.Post{Title: "the fork's own"})
		// A sequence lives outside transactions, as in PostgreSQL: the id
		// the open writer drew before the fork is drawn for the fork too.
		require.Equal(t, p.ID+1, q.ID)
		return err
	}))
}

func TestStore_Fork_OfAFork(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	f1, err := db.Fork()
	require.NoError(t, err)
	require.NoError(t, f1.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "f1"})
		return err
	}))
	f2, err := f1.Fork()
	require.NoError(t, err)
	require.Equal(t, snSave(t, f1), snSave(t, f2))
	require.NotEqual(t, snSave(t, db), snSave(t, f2))
}

// TestStore_Fork_WhileWriting forks while a writer commits as fast as it
// can: every fork is some committed state, whole (each post of the writer
// comes with its comment, so counts match), and usable on its own.
func TestStore_Fork_WhileWriting(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			err := db.Update(func(tx *memrel.Txn) error {
				p, err := b.Post.Create(tx, fixture.Post{Title: "p"})
				if err != nil {
					return err
				}
				_, err = b.Comments.Create(tx, p, fixture.Comment{Body: "c"})
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 50 {
		f, err := db.Fork()
		require.NoError(t, err)
		require.NoError(t, f.Update(func(tx *memrel.Txn) error {
			posts, err := b.Post.Count(tx, nil)
			require.NoError(t, err)
			comments, err := b.Comment.Count(tx, nil)
			require.NoError(t, err)
			require.Equal(t, posts, comments, "a fork holds whole transactions")
			_, err = b.Comments.Create(tx, fixture.Post{ID: int64(posts)}, fixture.Comment{Body: "x"})
			if posts == 0 {
				require.ErrorIs(t, err, memrel.ErrNotFound)
				return nil
			}
			return err
		}))
	}
	stop.Store(true)
	wg.Wait()
}

func TestStore_Fork_ClosedAndZero(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	require.NoError(t, db.Close())
	_, err := db.Fork()
	require.ErrorIs(t, err, memrel.ErrClosed)
	var zero *memrel.Store
	_, err = zero.Fork()
	require.ErrorIs(t, err, memrel.ErrWrongStore)
	_, err = (&memrel.Store{}).Fork()
	require.ErrorIs(t, err, memrel.ErrWrongStore)
	require.False(t, errors.Is(err, memrel.ErrClosed))
}

// TestStore_Fork_CostIndependentOfSize: a fork allocates the same few
// objects whatever the store holds (allocation counts, not timings).
func TestStore_Fork_CostIndependentOfSize(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	small := fixture.MustOpen(t, b.Schema)
	big := fixture.MustOpen(t, b.Schema)
	require.NoError(t, big.Update(func(tx *memrel.Txn) error {
		for range 5000 {
			p, err := b.Post.Create(tx, fixture.Post{Title: "p"})
			if err != nil {
				return err
			}
			if _, err := b.Comments.Create(tx, p, fixture.Comment{Body: "c"}); err != nil {
				return err
			}
		}
		return nil
	}))
	fork := func(db *memrel.Store) func() {
		return func() {
			if _, err := db.Fork(); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, z := testing.AllocsPerRun(100, fork(small)), testing.AllocsPerRun(100, fork(big))
	require.Equal(t, a, z)
	require.LessOrEqual(t, z, 6.0)
}
