package memrel_test

import (
	"errors"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The small things of issue 16's item 8: typed slices for In/NotIn and
// the ...Keys forms, ViewValue/UpdateValue, Model.Get.

func TestIn_TakesATypedSlice(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	ids := []int64{1, 3}
	posts, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]fixture.Post, error) {
		return b.Post.FindAll(tx, &memrel.Options{Where: query.In("id", ids)})
	})
	require.NoError(t, err)
	require.Equal(t, []int64{1, 3}, []int64{posts[0].ID, posts[1].ID})
	require.Len(t, posts, 2)
	titles := []string{"p1", "p2"}
	n, err := memrel.ViewValue(db, func(tx *memrel.Txn) (int, error) {
		return b.Post.Count(tx, &memrel.Options{Where: query.NotIn("title", titles)})
	})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	ids[0] = 2 // the Cond kept a copy
	c := query.In("id", ids)
	ids[1] = 9
	require.Equal(t, int64(3), c.Value(1))
	require.Equal(t, 1, query.In("blob", []byte("ab")).NumValues(), "a []byte is one value")
	require.Equal(t, 2, query.In("id", []any{1, 2}...).NumValues())
}

func TestKeys_TakeATypedSlice(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if err := b.Comments.AddKeys(tx, fixture.Post{ID: 3}, []int64{3, 4}); err != nil {
			return err
		}
		ok, err := b.Comments.HasKeys(tx, fixture.Post{ID: 3}, []int64{3, 4})
		require.True(t, ok)
		if err != nil {
			return err
		}
		return b.Comments.SetKeys(tx, fixture.Post{ID: 2}, []any{[]int64{1}}, nil)
	}))
	got, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]fixture.Comment, error) {
		return b.Comments.Get(tx, fixture.Post{ID: 3}, nil)
	})
	require.NoError(t, err)
	require.Len(t, got, 2)
	got, err = memrel.ViewValue(db, func(tx *memrel.Txn) ([]fixture.Comment, error) {
		return b.Comments.Get(tx, fixture.Post{ID: 2}, nil)
	})
	require.NoError(t, err)
	require.Equal(t, int64(1), got[0].ID)
	require.Len(t, got, 1)
}

func TestModelGet_MissIsNotFound(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	p, err := memrel.ViewValue(db, func(tx *memrel.Txn) (fixture.Post, error) { return b.Post.Get(tx, 2) })
	require.NoError(t, err)
	require.Equal(t, "p2", p.Title)
	_, err = memrel.ViewValue(db, func(tx *memrel.Txn) (fixture.Post, error) { return b.Post.Get(tx, 99) })
	var nf *memrel.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.ErrorIs(t, err, memrel.ErrNotFound)
	require.Equal(t, "Post", nf.Model)
	_, err = memrel.ViewValue(db, func(tx *memrel.Txn) (fixture.Post, error) { return b.Post.Get(tx, "x") })
	require.ErrorIs(t, err, memrel.ErrBadKey)
}

func TestUpdateValue_RollsBackOnError(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	boom := errors.New("boom")
	_, err := memrel.UpdateValue(db, func(tx *memrel.Txn) (fixture.Post, error) {
		p, err := b.Post.Create(tx, fixture.Post{Title: "x"})
		require.NoError(t, err)
		return p, boom
	})
	require.ErrorIs(t, err, boom)
	p, err := memrel.UpdateValue(db, func(tx *memrel.Txn) (fixture.Post, error) {
		return b.Post.Create(tx, fixture.Post{Title: "y"})
	})
	require.NoError(t, err)
	require.Equal(t, "y", p.Title)
	n, err := memrel.ViewValue(db, func(tx *memrel.Txn) (int, error) { return b.Post.Count(tx, nil) })
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
