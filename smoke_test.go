package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

type sPost struct {
	ID       int64
	Title    string
	Comments []sComment
}
type sComment struct {
	ID     int64
	Body   string
	PostID *int64
	Post   *sPost
}

func TestSmoke(t *testing.T) {
	s := memrel.NewSchema()
	posts := memrel.Define[sPost](s, "Post")
	comments := memrel.Define[sComment](s, "Comment")
	pc := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	db, err := s.Open()
	require.NoError(t, err)
	err = db.Update(func(tx *memrel.Txn) error {
		p, err := posts.Create(tx, sPost{Title: "a"})
		require.NoError(t, err)
		require.Equal(t, int64(1), p.ID)
		c, err := pc.Create(tx, p, sComment{Body: "x"})
		require.NoError(t, err)
		require.Equal(t, int64(1), *c.PostID)
		c2, err := comments.Create(tx, sComment{Body: "y"})
		require.NoError(t, err)
		require.NoError(t, pc.Add(tx, p, c2))
		got, err := pc.Get(tx, p, nil)
		require.NoError(t, err)
		require.Len(t, got, 2)
		n, err := pc.Count(tx, p, &memrel.Options{Where: query.Eq("body", "y")})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		all, err := posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pc}}})
		require.NoError(t, err)
		require.Len(t, all[0].Comments, 2)
		require.NoError(t, posts.Destroy(tx, p))
		cs, err := comments.FindAll(tx, &memrel.Options{Where: query.IsNull("postId")})
		require.NoError(t, err)
		require.Len(t, cs, 2)
		return nil
	})
	require.NoError(t, err)
}
