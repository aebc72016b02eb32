package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

type anyTagging struct {
	db                *memrel.Store
	posts, tags, join *memrel.AnyModel
	pt                *memrel.AnyBelongsToMany
}

// anyTaggingOpen opens posts 1, 2 and tags 1 (go), 2 (db), 3 (ui),
// related through PostTag (postId, tagId, role).
func anyTaggingOpen(t *testing.T) *anyTagging {
	t.Helper()
	s := memrel.NewSchema()
	g := &anyTagging{
		posts: memrel.DefineAny(s, "Post", []memrel.Column{{Name: "id", Type: memrel.TypeInt}}),
		tags:  memrel.DefineAny(s, "Tag", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "name", Type: memrel.TypeString}}),
		join: memrel.DefineAny(s, "PostTag", []memrel.Column{{Name: "postId", Type: memrel.TypeInt, PK: true},
			{Name: "tagId", Type: memrel.TypeInt, PK: true}, {Name: "role", Type: memrel.TypeString, Default: "plain"}}),
	}
	g.pt = memrel.NewAnyBelongsToMany(g.posts, g.tags, g.join, memrel.BelongsToManyOptions{Inverse: "posts"})
	db, err := s.Open()
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	g.db = db
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := g.posts.BulkCreate(tx, []memrel.Row{{}, {}}); err != nil {
			return err
		}
		_, err := g.tags.BulkCreate(tx, []memrel.Row{{"name": "go"}, {"name": "db"}, {"name": "ui"}})
		return err
	}))
	return g
}

// names is the name column of rows.
func names(rows []memrel.Row) []any {
	out := []any{}
	for _, r := range rows {
		out = append(out, r["name"])
	}
	return out
}

func TestAnyBelongsToMany_WritesReadsAndIncludes(t *testing.T) {
	g := anyTaggingOpen(t)
	p1 := memrel.Row{"id": 1}
	require.NoError(t, g.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, g.pt.Add(tx, p1, []any{1, 2}, memrel.Row{"role": "main"}))
		created, err := g.pt.Create(tx, memrel.Row{"id": 2}, memrel.Row{"name": "new"}, nil)
		require.NoError(t, err)
		require.Equal(t, memrel.Row{"id": int64(4), "name": "new"}, created)
		got, err := g.pt.Get(tx, p1, nil)
		require.NoError(t, err)
		require.Equal(t, []any{"go", "db"}, names(got))
		n, err := g.pt.Count(tx, p1, &memrel.ThroughOptions{ThroughWhere: query.Eq("role", "main")})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		ok, err := g.pt.Has(tx, p1, []any{1, 2})
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, g.pt.Set(tx, p1, []any{2, 3}, nil))
		require.NoError(t, g.pt.Remove(tx, p1, []any{2}))
		got, err = g.pt.Get(tx, p1, nil)
		require.NoError(t, err)
		require.Equal(t, []any{"ui"}, names(got))
		joins, err := g.join.FindAll(tx, &memrel.Options{Order: []query.Order{{Field: "postId"}, {Field: "tagId"}}})
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"postId": int64(1), "tagId": int64(3), "role": "plain"},
			{"postId": int64(2), "tagId": int64(4), "role": "plain"}}, joins)

		posts, err := g.posts.FindAll(tx, &memrel.Options{Order: []query.Order{{Field: "id"}},
			Include: []memrel.Include{{Assoc: g.pt}}})
		require.NoError(t, err)
		require.Equal(t, []any{"ui"}, names(posts[0]["tags"].([]memrel.Row)))
		require.Equal(t, []any{"new"}, names(posts[1]["tags"].([]memrel.Row)))
		back, err := g.pt.Inverse().Get(tx, memrel.Row{"id": 3}, nil)
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{{"id": int64(1)}}, back)
		require.Equal(t, "BelongsToMany", g.pt.Info().Type)
		require.Equal(t, "posts", g.pt.Inverse().Info().As)
		return nil
	}))
}

func TestAnyBelongsToMany_BadInputLeavesTheStoreUnchanged(t *testing.T) {
	g := anyTaggingOpen(t)
	mark := memreltest.MarkState(t, g.db)
	var fk *memrel.ForeignKeyConstraintError
	var fe *memrel.FieldError
	for _, tc := range []struct {
		name string
		op   func(tx *memrel.Txn) error
		as   any
	}{
		{"a target that is not stored", func(tx *memrel.Txn) error { return g.pt.Add(tx, memrel.Row{"id": 1}, []any{1, 99}, nil) }, &fk},
		{"an unknown join column", func(tx *memrel.Txn) error {
			return g.pt.Set(tx, memrel.Row{"id": 1}, []any{1}, memrel.Row{"nope": "x"})
		}, &fe},
		{"a join value of the wrong type", func(tx *memrel.Txn) error {
			_, err := g.pt.Create(tx, memrel.Row{"id": 1}, memrel.Row{"name": "x"}, memrel.Row{"role": 5})
			return err
		}, &fe},
		{"a target of the wrong type", func(tx *memrel.Txn) error {
			_, err := g.pt.Create(tx, memrel.Row{"id": 1}, memrel.Row{"name": 5}, nil)
			return err
		}, &fe},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorAs(t, g.db.Update(tc.op), tc.as)
			mark.AssertUnchanged(t)
		})
	}
	err := g.db.View(func(tx *memrel.Txn) error {
		_, err := g.pt.Get(tx, memrel.Row{"id": 42}, nil)
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotFound)
	var zero *memrel.AnyBelongsToMany
	require.ErrorIs(t, g.db.View(func(tx *memrel.Txn) error { _, err := zero.Get(tx, nil, nil); return err }), memrel.ErrWrongStore)
}
