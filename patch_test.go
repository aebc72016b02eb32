package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

func TestPatch_WritesOnlyTheNamedFields(t *testing.T) {
	b := tsOpen(t)
	b.update(t, func(tx *memrel.Txn) error {
		_, err := b.posts.Create(tx, tsPost{Title: "t"}) // at(1)
		if err != nil {
			return err
		}
		_, err = b.comments.Create(tx, tsComment{Body: "b"}) // at(2)
		return err
	})
	var got tsComment
	b.update(t, func(tx *memrel.Txn) (err error) {
		got, err = b.comments.Patch(tx, 1, map[string]any{"postId": 1}) // at(3)
		return err
	})
	require.Equal(t, "b", got.Body, "Body is not named: it stays")
	require.Equal(t, int64(1), got.PostID.V)
	require.Equal(t, at(2), got.CreatedAt)
	require.Equal(t, at(3), got.UpdatedAt)
	require.Equal(t, got, b.comment(t, 1))
}

func TestPatch_Errors_ChangeNothing(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	for name, tc := range map[string]struct {
		key any
		set map[string]any
		is  error
	}{
		"missing row":          {99, map[string]any{"body": "x"}, memrel.ErrNotFound},
		"unknown field":        {1, map[string]any{"nope": 1}, memrel.ErrUnknownField},
		"bad value":            {1, map[string]any{"body": 3}, memrel.ErrBadValue},
		"named twice":          {1, map[string]any{"body": "a", "Body": "b"}, memrel.ErrDuplicateField},
		"bad key":              {"x", map[string]any{"body": "a"}, memrel.ErrBadKey},
		"unknown parent":       {1, map[string]any{"postId": 99}, nil},
		"NULL before NotFound": {99, map[string]any{"body": nil}, nil},
	} {
		err := db.Update(func(tx *memrel.Txn) error {
			_, err := b.Comment.Patch(tx, tc.key, tc.set)
			return err
		})
		require.Error(t, err, name)
		if tc.is != nil {
			require.ErrorIs(t, err, tc.is, name)
		}
		require.Equal(t, fixture.BlogSeed(), b.Dump(t, db), name)
	}
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.Comment.Patch(tx, 99, map[string]any{"body": nil})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve, "the values are checked before the row is looked up")
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := b.Comment.Patch(tx, 1, map[string]any{"postId": 99})
		return err
	})
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
}

func TestPatch_PrimaryKey_ReKeys(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	var got fixture.Post
	require.NoError(t, db.Update(func(tx *memrel.Txn) (err error) {
		got, err = b.Post.Patch(tx, 3, map[string]any{"id": 30})
		return err
	}))
	require.Equal(t, fixture.Post{ID: 30, Title: "p3"}, got)
}
