package memrel_test

import (
	"slices"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// shuffleBlog opens the blog with opts, holding 40 posts and 40 comments
// of post 1.
func shuffleBlog(t *testing.T, b *fixture.BlogModels, opts ...memrel.StoreOption) *memrel.Store {
	db, err := b.Schema.Open(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for i := range 40 {
			if _, err := b.Post.Create(tx, fixture.Post{Title: string(rune('a' + i%26))}); err != nil {
				return err
			}
			if _, err := b.Comments.Create(tx, fixture.Post{ID: 1}, fixture.Comment{Body: "c"}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

func postIDs(ps []fixture.Post) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func commentIDs(cs []fixture.Comment) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestWithShuffle_ReadsWithoutOrderComeInTheSeedsOrder(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := shuffleBlog(t, b, memrel.WithShuffle(1))
	other := shuffleBlog(t, b, memrel.WithShuffle(2))
	plain := shuffleBlog(t, b)
	all := func(db *memrel.Store, o *memrel.Options) []int64 {
		ps, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]fixture.Post, error) { return b.Post.FindAll(tx, o) })
		require.NoError(t, err)
		return postIDs(ps)
	}
	keyOrder := all(plain, nil)
	got := all(db, nil)
	require.NotEqual(t, keyOrder, got, "not key order")
	require.ElementsMatch(t, keyOrder, got, "every row, once")
	require.Equal(t, got, all(db, nil), "the same rows come in the same order again")
	require.NotEqual(t, got, all(other, nil), "another seed, another order")

	// A window takes the first rows of the shuffled order of all matches.
	require.Equal(t, got[3:8], all(db, &memrel.Options{Offset: 3, Limit: 5}))
	one, err := memrel.ViewValue(db, func(tx *memrel.Txn) (fixture.Post, error) {
		p, ok, err := b.Post.FindOne(tx, nil)
		require.True(t, ok)
		return p, err
	})
	require.NoError(t, err)
	require.Equal(t, got[0], one.ID, "FindOne finds the first of that order")

	// With an Order, nothing changes.
	byTitle := &memrel.Options{Order: []query.Order{query.Asc("title")}, Limit: 10}
	require.Equal(t, all(plain, byTitle), all(db, byTitle))
	n, err := memrel.ViewValue(db, func(tx *memrel.Txn) (int, error) { return b.Post.Count(tx, nil) })
	require.NoError(t, err)
	require.Equal(t, 40, n)
}

func TestWithShuffle_AssociationsAndIncludes(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := shuffleBlog(t, b, memrel.WithShuffle(7))
	var keyOrder []int64
	for i := range 40 {
		keyOrder = append(keyOrder, int64(i+1))
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		cs, err := b.Comments.Get(tx, fixture.Post{ID: 1}, nil)
		require.NoError(t, err)
		got := commentIDs(cs)
		require.NotEqual(t, keyOrder, got)
		require.ElementsMatch(t, keyOrder, got)
		cs, err = b.Comments.Get(tx, fixture.Post{ID: 1}, &memrel.Options{Order: []query.Order{query.Asc("id")}})
		require.NoError(t, err)
		require.Equal(t, keyOrder, commentIDs(cs), "an Order holds")

		ps, err := b.Post.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1), Include: []memrel.Include{{Assoc: b.Comments}}})
		require.NoError(t, err)
		require.Equal(t, got, commentIDs(ps[0].Comments), "an include's list too")
		ps, err = b.Post.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1), Include: []memrel.Include{{Assoc: b.Comments, Limit: 3}}})
		require.NoError(t, err)
		require.Equal(t, got[:3], commentIDs(ps[0].Comments), "its window cuts the shuffled list")

		cm, err := b.Comment.FindAll(tx, &memrel.Options{Where: query.Eq("id", 5), Include: []memrel.Include{{Assoc: b.Comments.Inverse()}}})
		require.NoError(t, err)
		require.Equal(t, int64(1), cm[0].Post.ID, "a belongsTo include keeps its one row")
		return nil
	}))
}

func TestWithShuffle_ForkKeepsOrChangesTheSeed(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := shuffleBlog(t, b, memrel.WithShuffle(3))
	ids := func(db *memrel.Store) []int64 {
		ps, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]fixture.Post, error) { return b.Post.FindAll(tx, nil) })
		require.NoError(t, err)
		return postIDs(ps)
	}
	same, err := db.Fork()
	require.NoError(t, err)
	require.Equal(t, ids(db), ids(same))
	other, err := db.Fork(memrel.WithShuffle(4))
	require.NoError(t, err)
	require.NotEqual(t, ids(db), ids(other))
	require.False(t, slices.IsSorted(ids(other)))
}
