package memrel_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The hm tests check SPEC §2–§7. After every operation they compare the
// full contents of the store (every row of every model, by primary key)
// with literal expected rows, so an operation that touches a row it should
// not is caught wherever that row lives.

// Expected rows of fixture.BlogSeed, by name.
var (
	hmP1 = fixture.Post{ID: 1, Title: "p1"}
	hmP2 = fixture.Post{ID: 2, Title: "p2"}
	hmP3 = fixture.Post{ID: 3, Title: "p3"}
	hmC1 = fixture.Comment{ID: 1, Body: "c1", PostID: fixture.I64(1)}
	hmC2 = fixture.Comment{ID: 2, Body: "c2", PostID: fixture.I64(1)}
	hmC3 = fixture.Comment{ID: 3, Body: "c3", PostID: fixture.I64(2)}
	hmC4 = fixture.Comment{ID: 4, Body: "c4"}
	hmC5 = fixture.Comment{ID: 5, Body: "c5", PostID: fixture.I64(1)}
)

// TestHasMany_GetCountHas covers the read rows of SPEC §4: Get, Count and Has.
func TestHasMany_GetCountHas(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		t.Run("get", func(t *testing.T) {
			cases := []struct {
				name string
				src  fixture.Post
				o    *memrel.Options
				want []fixture.Comment
			}{
				{"default order is ascending pk", hmP1, nil, []fixture.Comment{hmC1, hmC2, hmC5}},
				{"no children", hmP3, nil, []fixture.Comment{}},
				{"stale source instance: stored row counts", fixture.Post{ID: 2, Title: "stale"}, nil, []fixture.Comment{hmC3}},
				{"where is anded with the foreign key", hmP1, &memrel.Options{Where: query.In("body", "c2", "c3", "c4")}, []fixture.Comment{hmC2}},
				{"where on the foreign key itself", hmP1, &memrel.Options{Where: query.Eq("postId", 2)}, []fixture.Comment{}},
				{"order desc", hmP1, &memrel.Options{Order: []query.Order{query.Desc("body")}}, []fixture.Comment{hmC5, hmC2, hmC1}},
				{"limit", hmP1, &memrel.Options{Limit: 2}, []fixture.Comment{hmC1, hmC2}},
				{"offset", hmP1, &memrel.Options{Offset: 1}, []fixture.Comment{hmC2, hmC5}},
				{"limit and offset", hmP1, &memrel.Options{Limit: 1, Offset: 1}, []fixture.Comment{hmC2}},
				{"offset past the end", hmP1, &memrel.Options{Offset: 5}, []fixture.Comment{}},
				{"fields", hmP1, &memrel.Options{Fields: []string{"id", "Body"}, Where: query.Ne("id", 2)},
					[]fixture.Comment{{ID: 1, Body: "c1"}, {ID: 5, Body: "c5"}}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got, err := b.Comments.Get(tx, tc.src, tc.o)
					require.NoError(t, err)
					if got == nil {
						got = []fixture.Comment{}
					}
					require.Equal(t, tc.want, got)
				})
			}
		})
		t.Run("count", func(t *testing.T) {
			cases := []struct {
				name string
				src  fixture.Post
				o    *memrel.Options
				want int
			}{
				{"all", hmP1, nil, 3},
				{"none", hmP3, nil, 0},
				{"where", hmP1, &memrel.Options{Where: query.Gt("id", 1)}, 2},
				{"where matching another post's child", hmP1, &memrel.Options{Where: query.Eq("body", "c3")}, 0},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					n, err := b.Comments.Count(tx, tc.src, tc.o)
					require.NoError(t, err)
					require.Equal(t, tc.want, n)
				})
			}
		})
		t.Run("has", func(t *testing.T) {
			cases := []struct {
				name    string
				src     fixture.Post
				targets []any
				want    bool
			}{
				{"single instance", hmP1, []any{hmC1}, true},
				{"single key", hmP1, []any{int64(2)}, true},
				{"single pointer", hmP1, []any{&hmC5}, true},
				{"int key", hmP1, []any{5}, true},
				{"another post's child", hmP1, []any{hmC3}, false},
				{"orphan", hmP1, []any{4}, false},
				{"many", hmP1, []any{hmC1, hmC2, hmC5}, true},
				{"many, one not associated", hmP1, []any{hmC1, hmC3}, false},
				{"mixed instance, key and pointer", hmP1, []any{hmC1, int64(2), &hmC5}, true},
				{"empty list", hmP3, []any{}, true},
				{"unknown pk", hmP1, []any{99}, false},
				{"unknown pk among associated", hmP1, []any{1, 99}, false},
				{"duplicates count once", hmP1, []any{hmC1, hmC1, int64(1)}, true},
				{"stale target instance: stored row counts", hmP1, []any{fixture.Comment{ID: 3, PostID: fixture.I64(1)}}, false},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ok, err := b.Comments.HasKeys(tx, tc.src, tc.targets...)
					require.NoError(t, err)
					require.Equal(t, tc.want, ok)
				})
			}
			ok, err := b.Comments.Has(tx, hmP1, hmC1, hmC2)
			require.NoError(t, err)
			require.True(t, ok)
			ok, err = b.Comments.Has(tx, hmP2)
			require.NoError(t, err)
			require.True(t, ok)
		})
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// TestHasMany_AddSetRemoveCreate covers the write rows of SPEC §4 (Add, Set,
// Remove, Create) and un-associating, each case from the seed with the full
// store checked.
func TestHasMany_AddSetRemoveCreate(t *testing.T) {
	cases := []struct {
		name string
		op   func(tx *memrel.Txn, b *fixture.BlogModels) error
		err  error // errors.Is target; nil means success
		want fixture.Rows
	}{
		{
			name: "add orphan by instance",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.Add(tx, hmP3, hmC4) },
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, hmC2, hmC3,
				{ID: 4, Body: "c4", PostID: fixture.I64(3)}, hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "add moves from another post, keys pointers and instances mixed",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.AddKeys(tx, hmP2, int64(1), &hmC2, hmC4, 4)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				{ID: 1, Body: "c1", PostID: fixture.I64(2)},
				{ID: 2, Body: "c2", PostID: fixture.I64(2)},
				hmC3,
				{ID: 4, Body: "c4", PostID: fixture.I64(2)},
				hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "add of an already associated target keeps it",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.Add(tx, hmP1, hmC1, hmC2) },
			want: fixture.BlogSeed(),
		},
		{
			name: "add writes the stored row, not the stale instance",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Add(tx, hmP3, fixture.Comment{ID: 3, Body: "stale body"})
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, hmC2,
				{ID: 3, Body: "c3", PostID: fixture.I64(3)}, hmC4, hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "add with an unknown key changes nothing",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.AddKeys(tx, hmP3, 4, 99) },
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "add to a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Add(tx, fixture.Post{ID: 42}, hmC4)
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "add with a key of the wrong type",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.AddKeys(tx, hmP3, 4, "five") },
			err:  memrel.ErrBadKey,
			want: fixture.BlogSeed(),
		},
		{
			name: "add with an instance of another model",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.AddKeys(tx, hmP3, hmP1) },
			err:  memrel.ErrBadKey,
			want: fixture.BlogSeed(),
		},
		{
			name: "add nothing",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.Add(tx, hmP3) },
			want: fixture.BlogSeed(),
		},
		{
			name: "set replaces: previous nulled, new moved in",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.SetKeys(tx, hmP1, []any{hmC2, int64(3), 4, 2}, nil)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				{ID: 1, Body: "c1"},
				hmC2,
				{ID: 3, Body: "c3", PostID: fixture.I64(1)},
				{ID: 4, Body: "c4", PostID: fixture.I64(1)},
				{ID: 5, Body: "c5"}}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "set nil un-associates all",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.Set(tx, hmP1, nil, nil) },
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				{ID: 1, Body: "c1"}, {ID: 2, Body: "c2"}, hmC3, hmC4, {ID: 5, Body: "c5"}},
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "set empty un-associates all",
			op:   func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comments.SetKeys(tx, hmP2, []any{}, nil) },
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				hmC1, hmC2, {ID: 3, Body: "c3"}, hmC4, hmC5},
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "set to the same list changes nothing",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Set(tx, hmP1, []fixture.Comment{hmC5, hmC1, hmC2}, nil)
			},
			want: fixture.BlogSeed(),
		},
		{
			name: "set destroyPrevious deletes them, cascading to their replies and nulling those likes",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Set(tx, hmP1, []fixture.Comment{hmC2, hmC4}, &memrel.SetOptions{DestroyPrevious: true})
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				hmC2, hmC3, {ID: 4, Body: "c4", PostID: fixture.I64(1)}},
				"Reply": []fixture.Reply{{ID: 3, Text: "r3", CommentID: 3}},
				"Like":  []fixture.Like{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3"}}},
		},
		{
			name: "set on a NOT NULL foreign key deletes the previous rows, whose own onDelete applies",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Replies.SetKeys(tx, hmC1, []any{3, 2}, nil)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": fixture.BlogSeed()["Comment"],
				"Reply": []fixture.Reply{
					{ID: 2, Text: "r2", CommentID: 1},
					{ID: 3, Text: "r3", CommentID: 1},
					{ID: 4, Text: "r4", CommentID: 5}},
				"Like": []fixture.Like{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2", ReplyID: fixture.I64(2)}, {ID: 3, Who: "l3", ReplyID: fixture.I64(4)}}},
		},
		{
			name: "set with an unknown key changes nothing",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.SetKeys(tx, hmP1, []any{3, 99}, nil)
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "set on a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Set(tx, fixture.Post{ID: 42}, nil, nil)
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "set with a key of the wrong type",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.SetKeys(tx, hmP1, []any{1.5}, nil)
			},
			err:  memrel.ErrBadKey,
			want: fixture.BlogSeed(),
		},
		{
			name: "remove nulls, ignoring unassociated and unknown targets",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.RemoveKeys(tx, hmP1, []any{hmC1, &hmC5, 3, 4, 99, int64(1)}, nil)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				{ID: 1, Body: "c1"}, hmC2, hmC3, hmC4, {ID: 5, Body: "c5"}},
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "remove single instance",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Remove(tx, hmP2, []fixture.Comment{hmC3}, nil)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{
				hmC1, hmC2, {ID: 3, Body: "c3"}, hmC4, hmC5},
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "remove of another post's child is a no-op",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Remove(tx, hmP2, []fixture.Comment{hmC1, hmC4}, nil)
			},
			want: fixture.BlogSeed(),
		},
		{
			name: "remove destroy deletes, cascading",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.Remove(tx, hmP1, []fixture.Comment{hmC1, hmC3}, &memrel.RemoveOptions{Destroy: true})
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC2, hmC3, hmC4, hmC5},
				"Reply": []fixture.Reply{{ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}},
				"Like":  []fixture.Like{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3", ReplyID: fixture.I64(4)}}},
		},
		{
			name: "remove on a NOT NULL foreign key deletes",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Replies.RemoveKeys(tx, hmC1, []any{2, 3}, nil)
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": fixture.BlogSeed()["Comment"],
				"Reply": []fixture.Reply{{ID: 1, Text: "r1", CommentID: 1}, {ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}},
				"Like":  []fixture.Like{{ID: 1, Who: "l1", ReplyID: fixture.I64(1)}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3", ReplyID: fixture.I64(4)}}},
		},
		{
			name: "remove from a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.RemoveKeys(tx, fixture.Post{ID: 42}, []any{1}, nil)
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "remove with a key of the wrong type",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				return b.Comments.RemoveKeys(tx, hmP1, []any{1, "x"}, nil)
			},
			err:  memrel.ErrBadKey,
			want: fixture.BlogSeed(),
		},
		{
			name: "create overwrites a conflicting foreign key",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				c, err := b.Comments.Create(tx, hmP3, fixture.Comment{Body: "new", PostID: fixture.I64(1)})
				if err == nil && (c.ID != 6 || c.PostID == nil || *c.PostID != 3) {
					return errors.New("create returned the wrong row")
				}
				return err
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, hmC2, hmC3, hmC4, hmC5,
				{ID: 6, Body: "new", PostID: fixture.I64(3)}}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "create on a NOT NULL foreign key",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Replies.Create(tx, hmC4, fixture.Reply{Text: "r5", CommentID: 77})
				return err
			},
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": fixture.BlogSeed()["Comment"], "Reply": append(fixture.BlogSeedReplies(),
				fixture.Reply{ID: 5, Text: "r5", CommentID: 4}), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "create on a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Comments.Create(tx, fixture.Post{ID: 42}, fixture.Comment{Body: "new"})
				return err
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "get on a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Comments.Get(tx, fixture.Post{ID: 42}, nil)
				return err
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "count on a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Comments.Count(tx, fixture.Post{ID: 42}, nil)
				return err
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "has on a missing source",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Comments.HasKeys(tx, fixture.Post{ID: 42})
				return err
			},
			err:  memrel.ErrNotFound,
			want: fixture.BlogSeed(),
		},
		{
			name: "has with a key of the wrong type",
			op: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Comments.HasKeys(tx, hmP1, "1")
				return err
			},
			err:  memrel.ErrBadKey,
			want: fixture.BlogSeed(),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture.Blog(t, fixture.BlogOptions{})
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			err := db.Update(func(tx *memrel.Txn) error { return tc.op(tx, b) })
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			require.Equal(t, tc.want, b.Dump(t, db))
		})
	}
}

// TestHasMany_AddSet_NotFoundNamesKey pins the error of Add/Set with an
// unknown key (SPEC §4 deviation): typed, naming the model and the missing
// key.
func TestHasMany_AddSet_NotFoundNamesKey(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var nf *memrel.NotFoundError
		err := b.Comments.AddKeys(tx, hmP3, 4, 99)
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "Comment", nf.Model)
		require.Equal(t, int64(99), nf.Key)
		err = b.Comments.Set(tx, fixture.Post{ID: 42}, nil, nil)
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "Post", nf.Model)
		require.Equal(t, int64(42), nf.Key)
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// TestHasMany_Reads_MissingSourceIsNotFound: Get, GetMany, Count and Has
// fail with ErrNotFound for a source that is not stored, however they find
// their answer: a constrained association skips the source lookup when it
// finds targets, so every case that finds none must still look. Without
// constraints a dangling foreign key proves nothing, and the source is
// always looked up.
func TestHasMany_Reads_MissingSourceIsNotFound(t *testing.T) {
	for _, o := range []memrel.HasManyOptions{{}, {NoConstraints: true}} {
		t.Run(fmt.Sprintf("NoConstraints=%v", o.NoConstraints), func(t *testing.T) {
			b := fixture.Blog(t, fixture.BlogOptions{Comments: o})
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			gone := fixture.Post{ID: 3}
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				if o.NoConstraints {
					// A comment pointing at a post that never existed.
					_, err := b.Comment.Create(tx, fixture.Comment{Body: "dangling", PostID: fixture.I64(42)})
					require.NoError(t, err)
				}
				return b.Post.Destroy(tx, gone)
			}))
			missing := []fixture.Post{{ID: 42}, gone}
			body := &memrel.Options{Where: query.Eq("body", "nope")}
			check := func(tx *memrel.Txn) {
				for _, src := range missing {
					_, err := b.Comments.Get(tx, src, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Get %d", src.ID)
					_, err = b.Comments.Get(tx, src, body)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Get %d with where", src.ID)
					_, err = b.Comments.GetMany(tx, []fixture.Post{hmP1, src}, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "GetMany %d", src.ID)
					_, err = b.Comments.Count(tx, src, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Count %d", src.ID)
					_, err = b.Comments.Count(tx, src, body)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Count %d with where", src.ID)
					_, err = b.Comments.Has(tx, src, hmC1)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Has %d", src.ID)
					_, err = b.Comments.HasKeys(tx, src)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Has %d of nothing", src.ID)
				}
				// A stored source whose answer is empty is no error.
				got, err := b.Comments.Get(tx, hmP1, body)
				require.NoError(t, err)
				require.Empty(t, got)
				n, err := b.Comments.Count(tx, hmP1, body)
				require.NoError(t, err)
				require.Zero(t, n)
				ok, err := b.Comments.HasKeys(tx, hmP1)
				require.NoError(t, err)
				require.True(t, ok)
				ok, err = b.Comments.Has(tx, hmP1, hmC3)
				require.NoError(t, err)
				require.False(t, ok)
				n, err = b.Comments.Count(tx, hmP1, nil)
				require.NoError(t, err)
				require.Equal(t, 3, n)
			}
			require.NoError(t, db.View(func(tx *memrel.Txn) error { check(tx); return nil }))
			// Inside a write transaction that destroys a source itself.
			require.Error(t, db.Update(func(tx *memrel.Txn) error {
				require.NoError(t, b.Post.Destroy(tx, hmP2))
				missing = append(missing, hmP2)
				check(tx)
				return errors.New("roll back")
			}))
		})
	}
}

// TestHasMany_Writes_FailureLeavesStoreAsBefore: an operation that fails
// midway leaves the store and the enclosing transaction exactly as before
// the call, and the transaction can go on and commit.
func TestHasMany_Writes_FailureLeavesStoreAsBefore(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{Likes: memrel.HasManyOptions{OnDelete: memrel.Restrict}})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	// Before the failing calls, in the same transaction: c4 moves to p3.
	afterAdd := fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, hmC2, hmC3,
		{ID: 4, Body: "c4", PostID: fixture.I64(3)}, hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.Comments.Add(tx, hmP3, hmC4))
		require.Equal(t, afterAdd, b.DumpTx(t, tx))

		// Set deletes c2 (fine), then c5, whose reply r4 cascades and is
		// restricted by like l3: c2 must come back.
		err := b.Comments.Set(tx, hmP1, []fixture.Comment{hmC1, hmC4}, &memrel.SetOptions{DestroyPrevious: true})
		var fk *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, err, &fk)
		require.Equal(t, "Like", fk.Model)
		require.Equal(t, "replyId", fk.ForeignKey)
		require.Equal(t, int64(4), fk.Value)
		require.Equal(t, afterAdd, b.DumpTx(t, tx))

		// Remove with destroy of c2 (fine) then c1 (restricted through r1).
		err = b.Comments.Remove(tx, hmP1, []fixture.Comment{hmC2, hmC1}, &memrel.RemoveOptions{Destroy: true})
		require.ErrorAs(t, err, &fk)
		require.Equal(t, afterAdd, b.DumpTx(t, tx))

		// Set with one unknown key.
		err = b.Comments.SetKeys(tx, hmP1, []any{4, 99}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		require.Equal(t, afterAdd, b.DumpTx(t, tx))

		// A plain model destroy of c5 fails the same way (r4 -> l3).
		require.ErrorAs(t, b.Comment.Destroy(tx, hmC5), &fk)
		require.Equal(t, afterAdd, b.DumpTx(t, tx))

		// The transaction goes on.
		require.NoError(t, b.Comments.Set(tx, hmP1, []fixture.Comment{hmC1, hmC4}, nil))
		return nil
	}))
	require.Equal(t, fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, {ID: 2, Body: "c2"}, hmC3,
		{ID: 4, Body: "c4", PostID: fixture.I64(1)}, {ID: 5, Body: "c5"}}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		b.Dump(t, db))
}

// TestHasMany_Writes_ReadOnlyInView: association writes through a View fail
// with ErrReadOnly and change nothing.
func TestHasMany_Writes_ReadOnlyInView(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		require.ErrorIs(t, b.Comments.Add(tx, hmP3, hmC4), memrel.ErrReadOnly)
		require.ErrorIs(t, b.Comments.Set(tx, hmP1, nil, nil), memrel.ErrReadOnly)
		require.ErrorIs(t, b.Comments.Remove(tx, hmP1, []fixture.Comment{hmC1}, nil), memrel.ErrReadOnly)
		_, err := b.Comments.Create(tx, hmP1, fixture.Comment{Body: "x"})
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// Expected rows of fixture.PolymorphicSeed (scope, SPEC §5), by name.
var (
	hmN1 = fixture.Note{ID: 1, Body: "on i1", CommentableID: fixture.I64(1), CommentableType: fixture.Str("image")}
	hmN2 = fixture.Note{ID: 2, Body: "on v1", CommentableID: fixture.I64(1), CommentableType: fixture.Str("video")}
	hmN3 = fixture.Note{ID: 3, Body: "on i1 too", CommentableID: fixture.I64(1), CommentableType: fixture.Str("image")}
	hmN4 = fixture.Note{ID: 4, Body: "on i2", CommentableID: fixture.I64(2), CommentableType: fixture.Str("image")}
)

func TestHasMany_Scope_ReadsAndWrites(t *testing.T) {
	i1, i2, v1 := fixture.Image{ID: 1, URL: "i1"}, fixture.Image{ID: 2, URL: "i2"}, fixture.Video{ID: 1, Title: "v1"}
	t.Run("reads see only their scope", func(t *testing.T) {
		p := fixture.Polymorphic(t)
		db := fixture.MustOpen(t, p.Schema)
		p.Seed(t, db)
		require.NoError(t, db.View(func(tx *memrel.Txn) error {
			got, err := p.ImageComments.Get(tx, i1, nil)
			require.NoError(t, err)
			require.Equal(t, []fixture.Note{hmN1, hmN3}, got)
			got, err = p.VideoComments.Get(tx, v1, nil)
			require.NoError(t, err)
			require.Equal(t, []fixture.Note{hmN2}, got)
			n, err := p.ImageComments.Count(tx, i1, nil)
			require.NoError(t, err)
			require.Equal(t, 2, n)
			n, err = p.ImageComments.Count(tx, i1, &memrel.Options{Where: query.Eq("id", 2)})
			require.NoError(t, err)
			require.Equal(t, 0, n)
			ok, err := p.ImageComments.HasKeys(tx, i1, 2)
			require.NoError(t, err)
			require.False(t, ok)
			ok, err = p.ImageComments.Has(tx, i1, hmN1, hmN3)
			require.NoError(t, err)
			require.True(t, ok)
			ok, err = p.VideoComments.Has(tx, v1, hmN1)
			require.NoError(t, err)
			require.False(t, ok)
			return nil
		}))
		require.Equal(t, fixture.PolymorphicSeed(), p.Dump(t, db))
	})
	cases := []struct {
		name   string
		op     func(tx *memrel.Txn, p *fixture.PolymorphicModels) error
		images []fixture.Image // nil: both images stay
		want   []fixture.Note
	}{
		{
			name: "set on the image never touches the video's comment with the same id",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				return p.ImageComments.Set(tx, i1, []fixture.Note{hmN3}, nil)
			},
			want: []fixture.Note{{ID: 1, Body: "on i1", CommentableType: fixture.Str("image")}, hmN2, hmN3, hmN4},
		},
		{
			name: "set empty leaves the scope field as it was",
			op:   func(tx *memrel.Txn, p *fixture.PolymorphicModels) error { return p.ImageComments.Set(tx, i1, nil, nil) },
			want: []fixture.Note{{ID: 1, Body: "on i1", CommentableType: fixture.Str("image")}, hmN2,
				{ID: 3, Body: "on i1 too", CommentableType: fixture.Str("image")}, hmN4},
		},
		{
			name: "add takes over a video's comment and writes the scope",
			op:   func(tx *memrel.Txn, p *fixture.PolymorphicModels) error { return p.ImageComments.Add(tx, i2, hmN2) },
			want: []fixture.Note{hmN1, {ID: 2, Body: "on v1", CommentableID: fixture.I64(2), CommentableType: fixture.Str("image")}, hmN3, hmN4},
		},
		{
			name: "add with the same id but the other scope moves it into this scope",
			op:   func(tx *memrel.Txn, p *fixture.PolymorphicModels) error { return p.VideoComments.Add(tx, v1, hmN1) },
			want: []fixture.Note{{ID: 1, Body: "on i1", CommentableID: fixture.I64(1), CommentableType: fixture.Str("video")}, hmN2, hmN3, hmN4},
		},
		{
			name: "set takes over and un-associates within the scope",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				return p.VideoComments.SetKeys(tx, v1, []any{4}, nil)
			},
			want: []fixture.Note{hmN1, {ID: 2, Body: "on v1", CommentableType: fixture.Str("video")}, hmN3,
				{ID: 4, Body: "on i2", CommentableID: fixture.I64(1), CommentableType: fixture.Str("video")}},
		},
		{
			name: "remove of a video's comment from the image is a no-op",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				return p.ImageComments.Remove(tx, i1, []fixture.Note{hmN2}, nil)
			},
			want: []fixture.Note{hmN1, hmN2, hmN3, hmN4},
		},
		{
			name: "remove nulls only the foreign key",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				return p.ImageComments.RemoveKeys(tx, i1, []any{3, 2}, nil)
			},
			want: []fixture.Note{hmN1, hmN2, {ID: 3, Body: "on i1 too", CommentableType: fixture.Str("image")}, hmN4},
		},
		{
			name: "remove destroy within the scope",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				return p.VideoComments.RemoveKeys(tx, v1, []any{1, 2}, &memrel.RemoveOptions{Destroy: true})
			},
			want: []fixture.Note{hmN1, hmN3, hmN4},
		},
		{
			name: "create writes the scope over the given values",
			op: func(tx *memrel.Txn, p *fixture.PolymorphicModels) error {
				_, err := p.VideoComments.Create(tx, v1, fixture.Note{Body: "new", CommentableID: fixture.I64(2), CommentableType: fixture.Str("image")})
				return err
			},
			want: []fixture.Note{hmN1, hmN2, hmN3, hmN4, {ID: 5, Body: "new", CommentableID: fixture.I64(1), CommentableType: fixture.Str("video")}},
		},
		{
			name:   "no constraints: deleting the image leaves its comments",
			op:     func(tx *memrel.Txn, p *fixture.PolymorphicModels) error { return p.Image.Destroy(tx, i1) },
			images: []fixture.Image{i2},
			want:   []fixture.Note{hmN1, hmN2, hmN3, hmN4},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fixture.Polymorphic(t)
			db := fixture.MustOpen(t, p.Schema)
			p.Seed(t, db)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error { return tc.op(tx, p) }))
			images := tc.images
			if images == nil {
				images = []fixture.Image{i1, i2}
			}
			require.Equal(t, fixture.Rows{"Image": images, "Video": []fixture.Video{v1}, "Comment": tc.want}, p.Dump(t, db))
		})
	}
}

// Two parents of one target: an association's Create confirms its own
// source by finding it, and must still check the target's other foreign
// keys, as PostgreSQL checks every constraint of the inserted row.
type hmAuthor struct {
	ID   int64
	Name string
}

type hmShelf struct {
	ID    int64
	Label string
}

type hmBook struct {
	ID       int64
	Title    string
	AuthorID *int64
	ShelfID  *int64
}

func TestHasMany_Create_ChecksTheTargetsOtherForeignKeys(t *testing.T) {
	s := memrel.NewSchema()
	authors := memrel.Define[hmAuthor](s, "Author")
	shelves := memrel.Define[hmShelf](s, "Shelf")
	books := memrel.Define[hmBook](s, "Book")
	byAuthor := memrel.NewHasMany(authors, books, memrel.HasManyOptions{})
	memrel.NewHasMany(shelves, books, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, s)
	var a hmAuthor
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		a, err = authors.Create(tx, hmAuthor{Name: "a"})
		return err
	}))
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := byAuthor.Create(tx, a, hmBook{Title: "b", ShelfID: fixture.I64(9)})
		return err
	})
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "Book", fk.Model)
	require.Equal(t, "shelfId", fk.ForeignKey)
	require.Equal(t, int64(9), fk.Value)
	require.Equal(t, before, snSave(t, db), "the failed Create left nothing")

	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := byAuthor.Create(tx, a, hmBook{Title: "c"})
		require.Equal(t, a.ID, *got.AuthorID)
		return err
	}))
}
