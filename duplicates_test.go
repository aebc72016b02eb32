package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// One field named twice in one call: refused where the two could disagree
// (PostgreSQL's "multiple assignments to same column", an include loading
// one struct field twice), accepted where SQL accepts it (a column
// selected or ordered by twice).

// TestModel_UpdateAll_DuplicateFieldRefused names slug by column and Go name,
// with two values and with one: ErrDuplicateField every time, never a
// value picked by map order.
func TestModel_UpdateAll_DuplicateFieldRefused(t *testing.T) {
	e := rlOpen(t, fixture.Strict(t), fixture.Strict(t))
	before := memreltest.MarkState(t, e.DB)
	for _, set := range []map[string]any{
		{"slug": "x", "Slug": "y"},
		{"slug": "x", "Slug": "x"},
		{"title": "t", "Title": "u", "Rank": nil},
	} {
		for range 20 { // map order varies from run to run
			require.NoError(t, e.DB.Update(func(tx *memrel.Txn) error {
				_, err := e.Post.UpdateAll(tx, query.Eq("id", 1), set)
				require.ErrorIs(t, err, memrel.ErrDuplicateField)
				var fe *memrel.FieldError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, "Post", fe.Model)
				require.Contains(t, []string{"slug", "title"}, fe.Field, "the column name, whichever came first")
				require.Contains(t, err.Error(), "memrel: field named twice: Post.")
				return nil
			}))
		}
	}
	require.True(t, before.AssertUnchanged(t), "a refused UpdateAll changed the store")
}

// TestModel_FindAll_IncludeFillingOneFieldTwiceRefused includes one association
// twice, and two associations that fill the same struct field.
func TestModel_FindAll_IncludeFillingOneFieldTwiceRefused(t *testing.T) {
	e := rlOpen(t, fixture.Strict(t), fixture.Strict(t))
	require.NoError(t, e.DB.View(func(tx *memrel.Txn) error {
		_, err := e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{
			{Assoc: e.Comments}, {Assoc: e.Comments, Where: query.Eq("id", 1)}}})
		require.ErrorIs(t, err, memrel.ErrDuplicateField)
		require.Contains(t, err.Error(), "Post.Comments")
		_, err = e.Comment.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.CommentPost}, {Assoc: e.CommentPost}}})
		require.ErrorIs(t, err, memrel.ErrDuplicateField)
		require.Contains(t, err.Error(), "Comment.Post")
		// Nested under itself is no duplicate: each level fills its own rows.
		_, err = e.Comment.FindAll(tx, &memrel.Options{Include: []memrel.Include{
			{Assoc: e.CommentPost, Include: []memrel.Include{{Assoc: e.Comments}}}}})
		require.NoError(t, err)
		return nil
	}))

	// Two associations told to fill one field.
	s := memrel.NewSchema()
	users, articles := memrel.Define[rdUser](s, "User"), memrel.Define[rdArticle](s, "Article")
	authored := memrel.NewHasMany(users, articles, memrel.HasManyOptions{As: "authored", ForeignKey: "authorId",
		Field: "Posts", Inverse: "author", InverseField: "User"})
	edited := memrel.NewHasMany(users, articles, memrel.HasManyOptions{As: "edited", ForeignKey: "editorId",
		Field: "Posts", Inverse: "editor", InverseField: "User"})
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, one := range []memrel.Association{authored, edited} {
			_, err := users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: one}}})
			require.NoError(t, err, "either alone is fine")
		}
		_, err := users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: authored}, {Assoc: edited}}})
		require.ErrorIs(t, err, memrel.ErrDuplicateField)
		require.Contains(t, err.Error(), "User.Posts")
		_, err = articles.FindAll(tx, &memrel.Options{Include: []memrel.Include{
			{Assoc: authored.Inverse()}, {Assoc: edited.Inverse()}}})
		require.ErrorIs(t, err, memrel.ErrDuplicateField)
		require.Contains(t, err.Error(), "Article.User")
		return nil
	}))
}

// Local shape: two associations that fill the same struct fields (Posts,
// User), the mistake under test.
type rdUser struct {
	ID    int64
	Posts []rdArticle
}

type rdArticle struct {
	ID       int64
	AuthorID *int64
	EditorID *int64
	User     *rdUser
}

// TestModel_FindAll_DuplicateFieldsAndOrderAccepted: selecting a column
// twice is selecting it; ordering by it twice orders by the first key, as
// SQL does.
func TestModel_FindAll_DuplicateFieldsAndOrderAccepted(t *testing.T) {
	e := rlOpen(t, fixture.Strict(t), fixture.Strict(t))
	require.NoError(t, e.DB.View(func(tx *memrel.Txn) error {
		got, err := e.Post.FindAll(tx, &memrel.Options{Fields: []string{"slug", "Slug", "id"}})
		require.NoError(t, err)
		require.Equal(t, []fixture.StrictPost{{ID: 1, Slug: "a"}, {ID: 2, Slug: "b"}, {ID: 3, Slug: "c"}}, got)
		got, err = e.Post.FindAll(tx, &memrel.Options{Order: []query.Order{query.Desc("slug"), query.Asc("Slug")}})
		require.NoError(t, err)
		require.Len(t, got, 3)
		require.Equal(t, []string{"c", "b", "a"}, []string{got[0].Slug, got[1].Slug, got[2].Slug})
		return nil
	}))
}
