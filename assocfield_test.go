package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// TestWrite_AssociationFieldWithRows_FailsAndChangesNothing gives every
// write that does not store association fields a value whose association
// field holds rows: each fails with ErrAssociationField in a *FieldError
// naming the model and the struct field, and the store, its sequences
// included, is as before.
func TestWrite_AssociationFieldWithRows_FailsAndChangesNothing(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "p1"})
		require.NoError(t, err)
		_, err = b.Comment.Create(tx, fixture.Comment{Body: "c1", PostID: fixture.I64(1)})
		return err
	}))
	kids := []fixture.Comment{{Body: "lost"}}
	cases := []struct {
		name, model, field string
		write              func(tx *memrel.Txn) error
	}{
		{"Create", "Post", "Comments", func(tx *memrel.Txn) error {
			_, err := b.Post.Create(tx, fixture.Post{Title: "p", Comments: kids})
			return err
		}},
		{"Create/belongsTo", "Comment", "Post", func(tx *memrel.Txn) error {
			_, err := b.Comment.Create(tx, fixture.Comment{Body: "c", Post: &fixture.Post{Title: "lost"}})
			return err
		}},
		{"Update", "Post", "Comments", func(tx *memrel.Txn) error {
			_, err := b.Post.Update(tx, fixture.Post{ID: 1, Title: "changed", Comments: kids})
			return err
		}},
		{"UpdateKey", "Comment", "Post", func(tx *memrel.Txn) error {
			_, err := b.Comment.UpdateKey(tx, 1, fixture.Comment{ID: 1, Body: "changed", Post: &fixture.Post{ID: 1}})
			return err
		}},
		{"BulkCreate", "Post", "Comments", func(tx *memrel.Txn) error {
			_, err := b.Post.BulkCreate(tx, []fixture.Post{{Title: "ok"}, {Title: "p", Comments: kids}})
			return err
		}},
		{"Upsert", "Post", "Comments", func(tx *memrel.Txn) error {
			_, _, err := b.Post.Upsert(tx, fixture.Post{ID: 1, Title: "p", Comments: kids}, nil)
			return err
		}},
		{"FindOrCreate", "Post", "Comments", func(tx *memrel.Txn) error {
			_, _, err := b.Post.FindOrCreate(tx, query.Eq("title", "new"), fixture.Post{Comments: kids})
			return err
		}},
		{"HasMany.Create", "Comment", "Replies", func(tx *memrel.Txn) error {
			_, err := b.Comments.Create(tx, fixture.Post{ID: 1}, fixture.Comment{Body: "c", Replies: []fixture.Reply{{Text: "lost"}}})
			return err
		}},
		{"BelongsTo.Create", "Post", "Comments", func(tx *memrel.Txn) error {
			_, err := b.Comments.Inverse().Create(tx, fixture.Comment{ID: 1}, fixture.Post{Title: "p", Comments: kids})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := b.Dump(t, db)
			err := db.Update(tc.write)
			require.ErrorIs(t, err, memrel.ErrAssociationField)
			var fe *memrel.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.model, fe.Model)
			require.Equal(t, tc.field, fe.Field)
			require.Contains(t, err.Error(), "memrel: ")
			require.Equal(t, before, b.Dump(t, db), "the store is unchanged")
		})
	}
	// No id was taken by the failed creates.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := b.Post.Create(tx, fixture.Post{Title: "p2"})
		require.Equal(t, int64(2), p.ID)
		return err
	}))
}

// TestWrite_AssociationFieldEmpty_IsNoError: an empty slice or a nil
// pointer holds no rows, so a value read without includes, or with an
// include that found nothing, writes as before.
func TestWrite_AssociationFieldEmpty_IsNoError(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := b.Post.Create(tx, fixture.Post{Title: "p", Comments: []fixture.Comment{}})
		require.NoError(t, err)
		require.Nil(t, p.Comments, "not stored")
		got, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments}}})
		require.NoError(t, err)
		require.NotNil(t, got[0].Comments, "an include that found nothing gives an empty slice")
		got[0].Title = "changed"
		_, err = b.Post.Update(tx, got[0])
		require.NoError(t, err)
		_, err = b.Comment.Create(tx, fixture.Comment{Body: "c", Post: nil, Replies: nil})
		return err
	}))
}

// TestModel_Update_ReadWithIncludes_ClearTheFieldFirst pins the cost of the
// rule for a row read with its associations: Update refuses it until the
// association field is cleared, rather than drop edits made to the rows.
func TestModel_Update_ReadWithIncludes_ClearTheFieldFirst(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := b.Post.Create(tx, fixture.Post{Title: "p"})
		require.NoError(t, err)
		_, err = b.Comments.Create(tx, p, fixture.Comment{Body: "c"})
		require.NoError(t, err)
		got, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments}}})
		require.NoError(t, err)
		p = got[0]
		p.Title = "changed"
		p.Comments[0].Body = "edited" // would be lost
		_, err = b.Post.Update(tx, p)
		require.ErrorIs(t, err, memrel.ErrAssociationField)
		p.Comments = nil
		_, err = b.Post.Update(tx, p)
		return err
	}))
	require.Equal(t, fixture.Rows{
		"Post":    []fixture.Post{{ID: 1, Title: "changed"}},
		"Comment": []fixture.Comment{{ID: 1, Body: "c", PostID: fixture.I64(1)}},
		"Reply":   []fixture.Reply{}, "Like": []fixture.Like{},
	}, b.Dump(t, db))
}
