package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

type anyBlog struct {
	db              *memrel.Store
	posts, comments *memrel.AnyModel
	profiles        *memrel.AnyModel
	pc, profile     *memrel.AnyAssociation
}

func anyBlogOpen(t *testing.T) *anyBlog {
	s := memrel.NewSchema()
	b := &anyBlog{
		posts: memrel.DefineAny(s, "Post", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "title", Type: memrel.TypeString}}),
		comments: memrel.DefineAny(s, "Comment", []memrel.Column{{Name: "id", Type: memrel.TypeInt},
			{Name: "body", Type: memrel.TypeString}, {Name: "postId", Type: memrel.TypeInt, Nullable: true}}),
		profiles: memrel.DefineAny(s, "Profile", []memrel.Column{{Name: "id", Type: memrel.TypeInt},
			{Name: "bio", Type: memrel.TypeString}, {Name: "postId", Type: memrel.TypeInt}}),
	}
	b.pc = memrel.NewAnyHasMany(b.posts, b.comments, memrel.HasManyOptions{})
	b.profile = memrel.NewAnyHasOne(b.posts, b.profiles, memrel.HasOneOptions{})
	b.db = fixture.MustOpen(t, s)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		for _, title := range []string{"a", "b"} {
			if _, err := b.posts.Create(tx, memrel.Row{"title": title}); err != nil {
				return err
			}
		}
		for _, c := range []memrel.Row{{"body": "c1", "postId": 1}, {"body": "c2", "postId": 1}, {"body": "c3"}} {
			if _, err := b.comments.Create(tx, c); err != nil {
				return err
			}
		}
		_, err := b.profiles.Create(tx, memrel.Row{"bio": "p1", "postId": 1})
		return err
	}))
	return b
}

func TestAnyAssociation_IncludesFillTheRow(t *testing.T) {
	b := anyBlogOpen(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		posts, err := b.posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{
			{Assoc: b.pc, Order: []query.Order{query.Desc("id")}}, {Assoc: b.profile}}})
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{
			{"id": int64(1), "title": "a",
				"comments": []memrel.Row{{"id": int64(2), "body": "c2", "postId": int64(1)}, {"id": int64(1), "body": "c1", "postId": int64(1)}},
				"profile":  memrel.Row{"id": int64(1), "bio": "p1", "postId": int64(1)}},
			{"id": int64(2), "title": "b", "comments": []memrel.Row{}, "profile": nil},
		}, posts)
		cs, err := b.comments.FindAll(tx, &memrel.Options{Include: []memrel.Include{
			{Assoc: b.pc.Inverse(), Include: []memrel.Include{{Assoc: b.profile}}}}})
		require.NoError(t, err)
		require.Equal(t, memrel.Row{"id": int64(1), "title": "a", "profile": memrel.Row{"id": int64(1), "bio": "p1", "postId": int64(1)}}, cs[0]["post"])
		require.NotContains(t, cs[2], "post", "no parent, no entry")
		require.Len(t, cs, 3)
		return nil
	}))
}

func TestAnyAssociation_ReadsAndWrites(t *testing.T) {
	b := anyBlogOpen(t)
	p1, p2 := memrel.Row{"id": int64(1)}, memrel.Row{"id": 2}
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		got, err := b.pc.Get(tx, p1, nil)
		require.NoError(t, err)
		require.Len(t, got, 2)
		n, err := b.pc.Count(tx, p1, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		ok, err := b.pc.Has(tx, p1, []any{1, 2})
		require.NoError(t, err)
		require.True(t, ok)

		require.NoError(t, b.pc.Add(tx, p2, []any{3}))
		require.NoError(t, b.pc.Set(tx, p1, []any{1}, nil))
		c, err := b.pc.Create(tx, p2, memrel.Row{"body": "new", "postId": 1})
		require.NoError(t, err)
		require.Equal(t, int64(2), c["postId"], "Create writes the foreign key")
		require.NoError(t, b.pc.Remove(tx, p2, []any{3}, nil))
		got, err = b.pc.Get(tx, p2, nil)
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"id": int64(4), "body": "new", "postId": int64(2)}}, got)

		parent, err := b.pc.Inverse().Get(tx, memrel.Row{"id": 4}, nil)
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"id": int64(2), "title": "b"}}, parent)
		require.NoError(t, b.pc.Inverse().Set(tx, memrel.Row{"id": 4}, []any{1}, nil))
		require.NoError(t, b.pc.Inverse().Set(tx, memrel.Row{"id": 1}, nil, nil))
		none, err := b.pc.Inverse().Get(tx, memrel.Row{"id": 1}, nil)
		require.NoError(t, err)
		require.Empty(t, none)

		// hasOne: Set deletes the previous target (its foreign key is NOT NULL).
		prof, err := b.profile.Get(tx, p1, nil)
		require.NoError(t, err)
		require.Len(t, prof, 1)
		q, err := b.profiles.Create(tx, memrel.Row{"bio": "p2", "postId": 2})
		require.NoError(t, err)
		require.NoError(t, b.profile.Set(tx, p1, []any{q["id"]}, nil))
		n, err = b.profiles.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		return nil
	}))
}

func TestAnyAssociation_ErrorsAndNoChange(t *testing.T) {
	b := anyBlogOpen(t)
	before := rlDump(t, b.db)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		err := b.pc.Add(tx, memrel.Row{"id": 1}, []any{3, 99})
		require.ErrorIs(t, err, memrel.ErrNotFound)
		err = b.pc.Add(tx, memrel.Row{"id": 9}, []any{3})
		require.ErrorIs(t, err, memrel.ErrNotFound, "an unknown source")
		err = b.pc.Add(tx, memrel.Row{"id": 1}, []any{"x"})
		require.ErrorIs(t, err, memrel.ErrBadKey)
		var ae *memrel.AssociationError
		require.ErrorAs(t, b.pc.Inverse().Add(tx, memrel.Row{"id": 1}, []any{1}), &ae)
		require.ErrorAs(t, b.profile.Set(tx, memrel.Row{"id": 1}, []any{1, 2}, nil), &ae)
		_, err = b.pc.Create(tx, memrel.Row{"id": 1}, memrel.Row{"nope": 1})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		var zero *memrel.AnyAssociation
		_, err = zero.Get(tx, nil, nil)
		require.ErrorIs(t, err, memrel.ErrWrongStore)
		return nil
	}))
	require.Equal(t, before, rlDump(t, b.db))

	s := memrel.NewSchema()
	typed := memrel.Define[fixture.Post](s, "Post")
	_ = typed
	other := memrel.DefineAny(s, "X", []memrel.Column{{Name: "id", Type: memrel.TypeInt}})
	p, _ := s.Model("Post")
	memrel.NewAnyHasMany(p, other, memrel.HasManyOptions{})
	_, err := s.Open()
	require.ErrorContains(t, err, "NewAnyHasMany with a model not defined by DefineAny")
}

func TestAnyAssociation_SetParent_WritesTheStoredSourceKey(t *testing.T) {
	s := memrel.NewSchema()
	accounts := memrel.DefineAny(s, "Account", []memrel.Column{{Name: "id", Type: memrel.TypeInt},
		{Name: "handle", Type: memrel.TypeString, Unique: true}})
	settings := memrel.DefineAny(s, "Setting", []memrel.Column{{Name: "id", Type: memrel.TypeInt},
		{Name: "accountHandle", Type: memrel.TypeString, Nullable: true}})
	account := memrel.NewAnyHasOne(accounts, settings, memrel.HasOneOptions{ForeignKey: "accountHandle", SourceKey: "handle"}).Inverse()
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, h := range []string{"ann", "bob"} {
			if _, err := accounts.Create(tx, memrel.Row{"handle": h}); err != nil {
				return err
			}
		}
		_, err := settings.Create(tx, memrel.Row{})
		return err
	}))
	fk := func(tx *memrel.Txn) any {
		row, _, err := settings.FindByPK(tx, 1)
		require.NoError(t, err)
		return row["accountHandle"]
	}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, account.SetParent(tx, memrel.Row{"id": 1}, memrel.Row{"id": 2}),
			"the parent by its key, the handle read from the stored row")
		require.Equal(t, "bob", fk(tx))
		got, err := account.Get(tx, memrel.Row{"id": 1}, nil)
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"id": int64(2), "handle": "bob"}}, got)

		var fe *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, account.SetParent(tx, memrel.Row{"id": 1}, memrel.Row{"id": 9}), &fe, "a parent not stored")
		require.Equal(t, "bob", fk(tx), "unchanged")
		require.ErrorIs(t, account.SetParent(tx, memrel.Row{"id": 7}, memrel.Row{"id": 1}), memrel.ErrNotFound, "a child not stored")

		require.NoError(t, account.SetParent(tx, memrel.Row{"id": 1}, nil))
		require.Nil(t, fk(tx), "nil clears the foreign key")

		var ae *memrel.AssociationError
		require.ErrorAs(t, account.Inverse().SetParent(tx, memrel.Row{"id": 1}, memrel.Row{"id": 1}), &ae,
			"the hasOne side has Set")
		require.ErrorIs(t, (&memrel.AnyAssociation{}).SetParent(tx, memrel.Row{"id": 1}, nil), memrel.ErrWrongStore)
		return nil
	}))
}
