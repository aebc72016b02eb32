package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

func TestAnyModel_Create_NestedReturnsWhatAReadWithTheIncludesReturns(t *testing.T) {
	b := anyBlogOpen(t)
	incs := []memrel.Include{{Assoc: b.pc}, {Assoc: b.profile}}
	var made memrel.Row
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		var err error
		made, err = b.posts.Create(tx, memrel.Row{"title": "n",
			"comments": []memrel.Row{{"body": "x"}, {"body": "y", "postId": 99}},
			"profile":  memrel.Row{"bio": "pb"}}, incs...)
		return err
	}))
	require.Equal(t, memrel.Row{"id": int64(3), "title": "n",
		"comments": []memrel.Row{{"id": int64(4), "body": "x", "postId": int64(3)}, {"id": int64(5), "body": "y", "postId": int64(3)}},
		"profile":  memrel.Row{"id": int64(2), "bio": "pb", "postId": int64(3)}}, made,
		"the store writes every foreign key, whatever the rows hold")
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		got, err := b.posts.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3), Include: incs})
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{made}, got)
		return nil
	}))
}

func TestAnyModel_Create_NestedParentsFirstToTheIncludesDepth(t *testing.T) {
	b := anyBlogOpen(t)
	var made memrel.Row
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		var err error
		made, err = b.comments.Create(tx, memrel.Row{"body": "z",
			"post": memrel.Row{"title": "new", "profile": map[string]any{"bio": "deep"}}},
			memrel.Include{Assoc: b.pc.Inverse(), Include: []memrel.Include{{Assoc: b.profile}}})
		return err
	}))
	require.Equal(t, memrel.Row{"id": int64(4), "body": "z", "postId": int64(3),
		"post": memrel.Row{"id": int64(3), "title": "new",
			"profile": memrel.Row{"id": int64(2), "bio": "deep", "postId": int64(3)}}}, made)
	// A to-one include given nil, or not given, creates nothing.
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		r, err := b.comments.Create(tx, memrel.Row{"body": "lone", "post": nil}, memrel.Include{Assoc: b.pc.Inverse()})
		require.NoError(t, err)
		require.Nil(t, r["postId"])
		n, err := b.posts.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		return nil
	}))
}

func TestAnyModel_Create_NestedBelongsToManyGivesEachTargetAJoinRow(t *testing.T) {
	g := anyTaggingOpen(t)
	require.NoError(t, g.db.Update(func(tx *memrel.Txn) error {
		made, err := g.posts.Create(tx, memrel.Row{"tags": []any{memrel.Row{"name": "new"}, map[string]any{"name": "newer"}}},
			memrel.Include{Assoc: g.pt})
		require.NoError(t, err)
		require.Equal(t, []any{"new", "newer"}, names(made["tags"].([]memrel.Row)))
		joins, err := g.join.FindAll(tx, &memrel.Options{Where: query.Eq("postId", made["id"])})
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"postId": int64(3), "tagId": int64(4), "role": "plain"},
			{"postId": int64(3), "tagId": int64(5), "role": "plain"}}, joins)
		return nil
	}))
}

func TestAnyModel_Create_NestedBadInputChangesNothing(t *testing.T) {
	b := anyBlogOpen(t)
	mk := memreltest.MarkState(t, b.db)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.posts.Create(tx, memrel.Row{"title": "n", "comments": memrel.Row{"body": "one"}}, memrel.Include{Assoc: b.pc})
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe)
		require.ErrorIs(t, err, memrel.ErrBadValue)
		require.Equal(t, "comments", fe.Field)

		_, err = b.posts.Create(tx, memrel.Row{"title": "n", "comments": []any{memrel.Row{"body": "ok"}, 7}}, memrel.Include{Assoc: b.pc})
		require.ErrorIs(t, err, memrel.ErrBadValue)

		_, err = b.posts.Create(tx, memrel.Row{"title": "n", "profile": []memrel.Row{{"bio": "x"}}}, memrel.Include{Assoc: b.profile})
		require.ErrorIs(t, err, memrel.ErrBadValue, "a to-one include takes one Row")

		// A row failing deep in the graph reverts the rows before it.
		_, err = b.comments.Create(tx, memrel.Row{"body": "z", "post": memrel.Row{"title": "t", "profile": memrel.Row{"bio": 5}}},
			memrel.Include{Assoc: b.pc.Inverse(), Include: []memrel.Include{{Assoc: b.profile}}})
		require.ErrorIs(t, err, memrel.ErrBadValue)
		_, err = b.posts.Create(tx, memrel.Row{"title": "n", "comments": []memrel.Row{{"body": "ok"}, {"nope": 1}}}, memrel.Include{Assoc: b.pc})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		_, err = b.posts.Create(tx, memrel.Row{"title": "n", "comments": []memrel.Row{{"body": "ok"}, nil}}, memrel.Include{Assoc: b.pc})
		var ae *memrel.AssociationError
		require.ErrorAs(t, err, &ae, "a nil row to create")

		// Rows under an association the call does not include are no column.
		_, err = b.posts.Create(tx, memrel.Row{"title": "n", "profile": memrel.Row{"bio": "x"}}, memrel.Include{Assoc: b.pc})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		// An include of another model's association, or one shaping a read.
		_, err = b.posts.Create(tx, memrel.Row{"title": "n"}, memrel.Include{Assoc: b.pc.Inverse()})
		var ee *memrel.EagerLoadingError
		require.ErrorAs(t, err, &ee)
		_, err = b.posts.Create(tx, memrel.Row{"title": "n"}, memrel.Include{Assoc: b.pc, Limit: 1})
		require.ErrorAs(t, err, &ae)
		return nil
	}))
	mk.AssertUnchanged(t)
}
