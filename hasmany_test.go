package memrel_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The hm tests check SPEC §2–§7. After every operation they compare the
// full contents of the store (every row of every model, by primary key)
// with literal expected rows, so an operation that touches a row it should
// not is caught wherever that row lives.

// hmRows is a full dump of a store: model name to all its rows ([]T,
// ascending primary key; an empty table is an empty, non-nil slice).
type hmRows map[string]any

// hmTable reads all rows of one model.
type hmTable func(tx *memrel.Txn) (string, any, error)

// hmRowsOf is the hmTable of model m.
func hmRowsOf[T any](m *memrel.Model[T]) hmTable {
	return func(tx *memrel.Txn) (string, any, error) {
		rows, err := m.FindAll(tx, nil)
		if rows == nil {
			rows = []T{}
		}
		return m.Name(), rows, err
	}
}

// hmDumpTx returns every row of every listed model as tx sees them.
func hmDumpTx(t *testing.T, tx *memrel.Txn, tables ...hmTable) hmRows {
	t.Helper()
	out := hmRows{}
	for _, tb := range tables {
		name, rows, err := tb(tx)
		require.NoError(t, err)
		out[name] = rows
	}
	return out
}

// hmDump returns every row of every listed model, read in a View.
func hmDump(t *testing.T, db *memrel.Store, tables ...hmTable) hmRows {
	t.Helper()
	var out hmRows
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		out = hmDumpTx(t, tx, tables...)
		return nil
	}))
	return out
}

// hmI and hmS return pointers for nullable fields of expected rows.
func hmI(v int64) *int64 { return &v }

func hmS(v string) *string { return &v }

// ---- the blog schema: Post 1-n Comment 1-n Reply 1-n Like ----

type hmPost struct {
	ID       int64
	Title    string
	Comments []hmComment
}

type hmComment struct {
	ID      int64
	Body    string
	PostID  *int64
	Post    *hmPost
	Replies []hmReply
}

// hmReply's foreign key is NOT NULL: Comment.replies defaults to CASCADE
// and un-associating a reply deletes it.
type hmReply struct {
	ID        int64
	Text      string
	CommentID int64
	Comment   *hmComment
	Likes     []hmLike
}

type hmLike struct {
	ID      int64
	Who     string
	ReplyID *int64
	Reply   *hmReply
}

type hmBlogOpts struct {
	pc, cr, rl memrel.HasManyOptions
}

type hmBlog struct {
	db       *memrel.Store
	posts    *memrel.Model[hmPost]
	comments *memrel.Model[hmComment]
	replies  *memrel.Model[hmReply]
	likes    *memrel.Model[hmLike]
	pc       *memrel.HasMany[hmPost, hmComment]
	cr       *memrel.HasMany[hmComment, hmReply]
	rl       *memrel.HasMany[hmReply, hmLike]
}

func hmNewBlog(t testing.TB, o hmBlogOpts) *hmBlog {
	t.Helper()
	s := memrel.NewSchema()
	b := &hmBlog{
		posts:    memrel.Define[hmPost](s, "Post"),
		comments: memrel.Define[hmComment](s, "Comment"),
		replies:  memrel.Define[hmReply](s, "Reply"),
		likes:    memrel.Define[hmLike](s, "Like"),
	}
	b.pc = memrel.NewHasMany(b.posts, b.comments, o.pc)
	b.cr = memrel.NewHasMany(b.comments, b.replies, o.cr)
	b.rl = memrel.NewHasMany(b.replies, b.likes, o.rl)
	var err error
	b.db, err = s.Open()
	require.NoError(t, err)
	return b
}

func (b *hmBlog) tables() []hmTable {
	return []hmTable{hmRowsOf(b.posts), hmRowsOf(b.comments), hmRowsOf(b.replies), hmRowsOf(b.likes)}
}

func (b *hmBlog) dump(t *testing.T) hmRows {
	t.Helper()
	return hmDump(t, b.db, b.tables()...)
}

func (b *hmBlog) dumpTx(t *testing.T, tx *memrel.Txn) hmRows {
	t.Helper()
	return hmDumpTx(t, tx, b.tables()...)
}

// seed stores hmSeed's rows (ids 1, 2, … in order).
func (b *hmBlog) seed(t *testing.T) {
	t.Helper()
	want := hmSeed()
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		for _, p := range want["Post"].([]hmPost) {
			_, err := b.posts.Create(tx, hmPost{Title: p.Title})
			require.NoError(t, err)
		}
		for _, c := range want["Comment"].([]hmComment) {
			_, err := b.comments.Create(tx, hmComment{Body: c.Body, PostID: c.PostID})
			require.NoError(t, err)
		}
		for _, r := range want["Reply"].([]hmReply) {
			_, err := b.replies.Create(tx, hmReply{Text: r.Text, CommentID: r.CommentID})
			require.NoError(t, err)
		}
		for _, l := range want["Like"].([]hmLike) {
			_, err := b.likes.Create(tx, hmLike{Who: l.Who, ReplyID: l.ReplyID})
			require.NoError(t, err)
		}
		return nil
	}))
	require.Equal(t, want, b.dump(t))
}

// hmSeed is the blog every §4 case starts from.
func hmSeed() hmRows {
	return hmRows{
		"Post": hmSeedPosts(),
		"Comment": []hmComment{
			{ID: 1, Body: "c1", PostID: hmI(1)},
			{ID: 2, Body: "c2", PostID: hmI(1)},
			{ID: 3, Body: "c3", PostID: hmI(2)},
			{ID: 4, Body: "c4"},
			{ID: 5, Body: "c5", PostID: hmI(1)},
		},
		"Reply": hmSeedReplies(),
		"Like":  hmSeedLikes(),
	}
}

func hmSeedPosts() []hmPost {
	return []hmPost{{ID: 1, Title: "p1"}, {ID: 2, Title: "p2"}, {ID: 3, Title: "p3"}}
}

func hmSeedReplies() []hmReply {
	return []hmReply{
		{ID: 1, Text: "r1", CommentID: 1},
		{ID: 2, Text: "r2", CommentID: 1},
		{ID: 3, Text: "r3", CommentID: 3},
		{ID: 4, Text: "r4", CommentID: 5},
	}
}

func hmSeedLikes() []hmLike {
	return []hmLike{
		{ID: 1, Who: "l1", ReplyID: hmI(1)},
		{ID: 2, Who: "l2", ReplyID: hmI(2)},
		{ID: 3, Who: "l3", ReplyID: hmI(4)},
	}
}

var (
	hmP1 = hmPost{ID: 1, Title: "p1"}
	hmP2 = hmPost{ID: 2, Title: "p2"}
	hmP3 = hmPost{ID: 3, Title: "p3"}
	hmC1 = hmComment{ID: 1, Body: "c1", PostID: hmI(1)}
	hmC2 = hmComment{ID: 2, Body: "c2", PostID: hmI(1)}
	hmC3 = hmComment{ID: 3, Body: "c3", PostID: hmI(2)}
	hmC4 = hmComment{ID: 4, Body: "c4"}
	hmC5 = hmComment{ID: 5, Body: "c5", PostID: hmI(1)}
)

// TestHasMany_GetCountHas covers the read rows of SPEC §4: Get, Count and Has.
func TestHasMany_GetCountHas(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		t.Run("get", func(t *testing.T) {
			cases := []struct {
				name string
				src  hmPost
				o    *memrel.Options
				want []hmComment
			}{
				{"default order is ascending pk", hmP1, nil, []hmComment{hmC1, hmC2, hmC5}},
				{"no children", hmP3, nil, []hmComment{}},
				{"stale source instance: stored row counts", hmPost{ID: 2, Title: "stale"}, nil, []hmComment{hmC3}},
				{"where is anded with the foreign key", hmP1, &memrel.Options{Where: query.In("body", "c2", "c3", "c4")}, []hmComment{hmC2}},
				{"where on the foreign key itself", hmP1, &memrel.Options{Where: query.Eq("postId", 2)}, []hmComment{}},
				{"order desc", hmP1, &memrel.Options{Order: []query.Order{query.Desc("body")}}, []hmComment{hmC5, hmC2, hmC1}},
				{"limit", hmP1, &memrel.Options{Limit: 2}, []hmComment{hmC1, hmC2}},
				{"offset", hmP1, &memrel.Options{Offset: 1}, []hmComment{hmC2, hmC5}},
				{"limit and offset", hmP1, &memrel.Options{Limit: 1, Offset: 1}, []hmComment{hmC2}},
				{"offset past the end", hmP1, &memrel.Options{Offset: 5}, []hmComment{}},
				{"fields", hmP1, &memrel.Options{Fields: []string{"id", "Body"}, Where: query.Ne("id", 2)},
					[]hmComment{{ID: 1, Body: "c1"}, {ID: 5, Body: "c5"}}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got, err := b.pc.Get(tx, tc.src, tc.o)
					require.NoError(t, err)
					if got == nil {
						got = []hmComment{}
					}
					require.Equal(t, tc.want, got)
				})
			}
		})
		t.Run("count", func(t *testing.T) {
			cases := []struct {
				name string
				src  hmPost
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
					n, err := b.pc.Count(tx, tc.src, tc.o)
					require.NoError(t, err)
					require.Equal(t, tc.want, n)
				})
			}
		})
		t.Run("has", func(t *testing.T) {
			cases := []struct {
				name    string
				src     hmPost
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
				{"stale target instance: stored row counts", hmP1, []any{hmComment{ID: 3, PostID: hmI(1)}}, false},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ok, err := b.pc.HasKeys(tx, tc.src, tc.targets...)
					require.NoError(t, err)
					require.Equal(t, tc.want, ok)
				})
			}
			ok, err := b.pc.Has(tx, hmP1, hmC1, hmC2)
			require.NoError(t, err)
			require.True(t, ok)
			ok, err = b.pc.Has(tx, hmP2)
			require.NoError(t, err)
			require.True(t, ok)
		})
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

// TestHasMany_AddSetRemoveCreate covers the write rows of SPEC §4 (Add, Set, Remove, Create)
// and un-associating, each case from the seed with the full store checked.
func TestHasMany_AddSetRemoveCreate(t *testing.T) {
	cases := []struct {
		name string
		op   func(tx *memrel.Txn, b *hmBlog) error
		err  error // errors.Is target; nil means success
		want hmRows
	}{
		{
			name: "add orphan by instance",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Add(tx, hmP3, hmC4) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, hmC3,
				{ID: 4, Body: "c4", PostID: hmI(3)}, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "add moves from another post, keys pointers and instances mixed",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.AddKeys(tx, hmP2, int64(1), &hmC2, hmC4, 4)
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				{ID: 1, Body: "c1", PostID: hmI(2)},
				{ID: 2, Body: "c2", PostID: hmI(2)},
				hmC3,
				{ID: 4, Body: "c4", PostID: hmI(2)},
				hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "add of an already associated target keeps it",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Add(tx, hmP1, hmC1, hmC2) },
			want: hmSeed(),
		},
		{
			name: "add writes the stored row, not the stale instance",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.Add(tx, hmP3, hmComment{ID: 3, Body: "stale body"})
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2,
				{ID: 3, Body: "c3", PostID: hmI(3)}, hmC4, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "add with an unknown key changes nothing",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.AddKeys(tx, hmP3, 4, 99) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "add to a missing source",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Add(tx, hmPost{ID: 42}, hmC4) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "add with a key of the wrong type",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.AddKeys(tx, hmP3, 4, "five") },
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
		{
			name: "add with an instance of another model",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.AddKeys(tx, hmP3, hmP1) },
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
		{
			name: "add nothing",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Add(tx, hmP3) },
			want: hmSeed(),
		},
		{
			name: "set replaces: previous nulled, new moved in",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.SetKeys(tx, hmP1, []any{hmC2, int64(3), 4, 2}, nil)
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				{ID: 1, Body: "c1"},
				hmC2,
				{ID: 3, Body: "c3", PostID: hmI(1)},
				{ID: 4, Body: "c4", PostID: hmI(1)},
				{ID: 5, Body: "c5"}}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set nil un-associates all",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Set(tx, hmP1, nil, nil) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				{ID: 1, Body: "c1"}, {ID: 2, Body: "c2"}, hmC3, hmC4, {ID: 5, Body: "c5"}},
				"Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set empty un-associates all",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.SetKeys(tx, hmP2, []any{}, nil) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				hmC1, hmC2, {ID: 3, Body: "c3"}, hmC4, hmC5},
				"Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set to the same list changes nothing",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Set(tx, hmP1, []hmComment{hmC5, hmC1, hmC2}, nil) },
			want: hmSeed(),
		},
		{
			name: "set destroyPrevious deletes them, cascading to their replies and nulling those likes",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.Set(tx, hmP1, []hmComment{hmC2, hmC4}, &memrel.SetOptions{DestroyPrevious: true})
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				hmC2, hmC3, {ID: 4, Body: "c4", PostID: hmI(1)}},
				"Reply": []hmReply{{ID: 3, Text: "r3", CommentID: 3}},
				"Like":  []hmLike{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3"}}},
		},
		{
			name: "set on a NOT NULL foreign key deletes the previous rows, whose own onDelete applies",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.cr.SetKeys(tx, hmC1, []any{3, 2}, nil) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": hmSeed()["Comment"],
				"Reply": []hmReply{
					{ID: 2, Text: "r2", CommentID: 1},
					{ID: 3, Text: "r3", CommentID: 1},
					{ID: 4, Text: "r4", CommentID: 5}},
				"Like": []hmLike{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2", ReplyID: hmI(2)}, {ID: 3, Who: "l3", ReplyID: hmI(4)}}},
		},
		{
			name: "set with an unknown key changes nothing",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.SetKeys(tx, hmP1, []any{3, 99}, nil) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "set on a missing source",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Set(tx, hmPost{ID: 42}, nil, nil) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "set with a key of the wrong type",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.SetKeys(tx, hmP1, []any{1.5}, nil) },
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
		{
			name: "remove nulls, ignoring unassociated and unknown targets",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.RemoveKeys(tx, hmP1, []any{hmC1, &hmC5, 3, 4, 99, int64(1)}, nil)
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				{ID: 1, Body: "c1"}, hmC2, hmC3, hmC4, {ID: 5, Body: "c5"}},
				"Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "remove single instance",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Remove(tx, hmP2, []hmComment{hmC3}, nil) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{
				hmC1, hmC2, {ID: 3, Body: "c3"}, hmC4, hmC5},
				"Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "remove of another post's child is a no-op",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.Remove(tx, hmP2, []hmComment{hmC1, hmC4}, nil) },
			want: hmSeed(),
		},
		{
			name: "remove destroy deletes, cascading",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				return b.pc.Remove(tx, hmP1, []hmComment{hmC1, hmC3}, &memrel.RemoveOptions{Destroy: true})
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC2, hmC3, hmC4, hmC5},
				"Reply": []hmReply{{ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}},
				"Like":  []hmLike{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3", ReplyID: hmI(4)}}},
		},
		{
			name: "remove on a NOT NULL foreign key deletes",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.cr.RemoveKeys(tx, hmC1, []any{2, 3}, nil) },
			want: hmRows{"Post": hmSeedPosts(), "Comment": hmSeed()["Comment"],
				"Reply": []hmReply{{ID: 1, Text: "r1", CommentID: 1}, {ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}},
				"Like":  []hmLike{{ID: 1, Who: "l1", ReplyID: hmI(1)}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3", ReplyID: hmI(4)}}},
		},
		{
			name: "remove from a missing source",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.RemoveKeys(tx, hmPost{ID: 42}, []any{1}, nil) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "remove with a key of the wrong type",
			op:   func(tx *memrel.Txn, b *hmBlog) error { return b.pc.RemoveKeys(tx, hmP1, []any{1, "x"}, nil) },
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
		{
			name: "create overwrites a conflicting foreign key",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				c, err := b.pc.Create(tx, hmP3, hmComment{Body: "new", PostID: hmI(1)})
				if err == nil && (c.ID != 6 || c.PostID == nil || *c.PostID != 3) {
					return errors.New("create returned the wrong row")
				}
				return err
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, hmC3, hmC4, hmC5,
				{ID: 6, Body: "new", PostID: hmI(3)}}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "create on a NOT NULL foreign key",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.cr.Create(tx, hmC4, hmReply{Text: "r5", CommentID: 77})
				return err
			},
			want: hmRows{"Post": hmSeedPosts(), "Comment": hmSeed()["Comment"], "Reply": append(hmSeedReplies(),
				hmReply{ID: 5, Text: "r5", CommentID: 4}), "Like": hmSeedLikes()},
		},
		{
			name: "create on a missing source",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.pc.Create(tx, hmPost{ID: 42}, hmComment{Body: "new"})
				return err
			},
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "get on a missing source",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.pc.Get(tx, hmPost{ID: 42}, nil)
				return err
			},
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "count on a missing source",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.pc.Count(tx, hmPost{ID: 42}, nil)
				return err
			},
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "has on a missing source",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.pc.HasKeys(tx, hmPost{ID: 42})
				return err
			},
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "has with a key of the wrong type",
			op: func(tx *memrel.Txn, b *hmBlog) error {
				_, err := b.pc.HasKeys(tx, hmP1, "1")
				return err
			},
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := hmNewBlog(t, hmBlogOpts{})
			b.seed(t)
			err := b.db.Update(func(tx *memrel.Txn) error { return tc.op(tx, b) })
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
			require.Equal(t, tc.want, b.dump(t))
		})
	}
}

// TestHasMany_AddSet_NotFoundNamesKey pins the error of Add/Set with an unknown key
// (SPEC §4 deviation): typed, naming the model and the missing key.
func TestHasMany_AddSet_NotFoundNamesKey(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		var nf *memrel.NotFoundError
		err := b.pc.AddKeys(tx, hmP3, 4, 99)
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "Comment", nf.Model)
		require.Equal(t, int64(99), nf.Key)
		err = b.pc.Set(tx, hmPost{ID: 42}, nil, nil)
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "Post", nf.Model)
		require.Equal(t, int64(42), nf.Key)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

// TestHasMany_Reads_MissingSourceIsNotFound: Get, GetMany, Count and Has fail with
// ErrNotFound for a source that is not stored, however they find their
// answer: a constrained association skips the source lookup when it finds
// targets, so every case that finds none must still look. Without
// constraints a dangling foreign key proves nothing, and the source is
// always looked up.
func TestHasMany_Reads_MissingSourceIsNotFound(t *testing.T) {
	for _, o := range []memrel.HasManyOptions{{}, {NoConstraints: true}} {
		t.Run(fmt.Sprintf("NoConstraints=%v", o.NoConstraints), func(t *testing.T) {
			b := hmNewBlog(t, hmBlogOpts{pc: o})
			b.seed(t)
			gone := hmPost{ID: 3}
			require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
				if o.NoConstraints {
					// A comment pointing at a post that never existed.
					_, err := b.comments.Create(tx, hmComment{Body: "dangling", PostID: hmI(42)})
					require.NoError(t, err)
				}
				return b.posts.Destroy(tx, gone)
			}))
			missing := []hmPost{{ID: 42}, gone}
			body := &memrel.Options{Where: query.Eq("body", "nope")}
			check := func(tx *memrel.Txn) {
				for _, src := range missing {
					_, err := b.pc.Get(tx, src, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Get %d", src.ID)
					_, err = b.pc.Get(tx, src, body)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Get %d with where", src.ID)
					_, err = b.pc.GetMany(tx, []hmPost{hmP1, src}, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "GetMany %d", src.ID)
					_, err = b.pc.Count(tx, src, nil)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Count %d", src.ID)
					_, err = b.pc.Count(tx, src, body)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Count %d with where", src.ID)
					_, err = b.pc.Has(tx, src, hmC1)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Has %d", src.ID)
					_, err = b.pc.HasKeys(tx, src)
					require.ErrorIs(t, err, memrel.ErrNotFound, "Has %d of nothing", src.ID)
				}
				// A stored source whose answer is empty is no error.
				got, err := b.pc.Get(tx, hmP1, body)
				require.NoError(t, err)
				require.Empty(t, got)
				n, err := b.pc.Count(tx, hmP1, body)
				require.NoError(t, err)
				require.Zero(t, n)
				ok, err := b.pc.HasKeys(tx, hmP1)
				require.NoError(t, err)
				require.True(t, ok)
				ok, err = b.pc.Has(tx, hmP1, hmC3)
				require.NoError(t, err)
				require.False(t, ok)
				n, err = b.pc.Count(tx, hmP1, nil)
				require.NoError(t, err)
				require.Equal(t, 3, n)
			}
			require.NoError(t, b.db.View(func(tx *memrel.Txn) error { check(tx); return nil }))
			// Inside a write transaction that destroys a source itself.
			require.Error(t, b.db.Update(func(tx *memrel.Txn) error {
				require.NoError(t, b.posts.Destroy(tx, hmP2))
				missing = append(missing, hmP2)
				check(tx)
				return errors.New("roll back")
			}))
		})
	}
}

// TestHasMany_Writes_FailureLeavesStoreAsBefore: an operation that fails midway leaves the store and the
// enclosing transaction exactly as before the call, and the transaction
// can go on and commit.
func TestHasMany_Writes_FailureLeavesStoreAsBefore(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{rl: memrel.HasManyOptions{OnDelete: memrel.Restrict}})
	b.seed(t)
	// Before the failing calls, in the same transaction: c4 moves to p3.
	afterAdd := hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, hmC3,
		{ID: 4, Body: "c4", PostID: hmI(3)}, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()}
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.pc.Add(tx, hmP3, hmC4))
		require.Equal(t, afterAdd, b.dumpTx(t, tx))

		// Set deletes c2 (fine), then c5, whose reply r4 cascades and is
		// restricted by like l3: c2 must come back.
		err := b.pc.Set(tx, hmP1, []hmComment{hmC1, hmC4}, &memrel.SetOptions{DestroyPrevious: true})
		var fk *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, err, &fk)
		require.Equal(t, "Like", fk.Model)
		require.Equal(t, "replyId", fk.ForeignKey)
		require.Equal(t, int64(4), fk.Value)
		require.Equal(t, afterAdd, b.dumpTx(t, tx))

		// Remove with destroy of c2 (fine) then c1 (restricted through r1).
		err = b.pc.Remove(tx, hmP1, []hmComment{hmC2, hmC1}, &memrel.RemoveOptions{Destroy: true})
		require.ErrorAs(t, err, &fk)
		require.Equal(t, afterAdd, b.dumpTx(t, tx))

		// Set with one unknown key.
		err = b.pc.SetKeys(tx, hmP1, []any{4, 99}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		require.Equal(t, afterAdd, b.dumpTx(t, tx))

		// A plain model destroy of c5 fails the same way (r4 -> l3).
		require.ErrorAs(t, b.comments.Destroy(tx, hmC5), &fk)
		require.Equal(t, afterAdd, b.dumpTx(t, tx))

		// The transaction goes on.
		require.NoError(t, b.pc.Set(tx, hmP1, []hmComment{hmC1, hmC4}, nil))
		return nil
	}))
	require.Equal(t, hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, {ID: 2, Body: "c2"}, hmC3,
		{ID: 4, Body: "c4", PostID: hmI(1)}, {ID: 5, Body: "c5"}}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		b.dump(t))
}

// TestHasMany_Writes_ReadOnlyInView: association writes through a View fail with ErrReadOnly
// and change nothing.
func TestHasMany_Writes_ReadOnlyInView(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		require.ErrorIs(t, b.pc.Add(tx, hmP3, hmC4), memrel.ErrReadOnly)
		require.ErrorIs(t, b.pc.Set(tx, hmP1, nil, nil), memrel.ErrReadOnly)
		require.ErrorIs(t, b.pc.Remove(tx, hmP1, []hmComment{hmC1}, nil), memrel.ErrReadOnly)
		_, err := b.pc.Create(tx, hmP1, hmComment{Body: "x"})
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

// ---- §5 scope: Image and Video hasMany Comment (polymorphic) ----

type hmImage struct {
	ID       int64
	URL      string
	Comments []hmNote
}

type hmVideo struct {
	ID       int64
	Title    string
	Comments []hmNote
}

type hmNote struct {
	ID              int64
	Body            string
	CommentableID   *int64
	CommentableType *string
}

type hmPoly struct {
	db     *memrel.Store
	images *memrel.Model[hmImage]
	videos *memrel.Model[hmVideo]
	notes  *memrel.Model[hmNote]
	ic     *memrel.HasMany[hmImage, hmNote]
	vc     *memrel.HasMany[hmVideo, hmNote]
}

func hmNewPoly(t *testing.T) *hmPoly {
	t.Helper()
	s := memrel.NewSchema()
	p := &hmPoly{
		images: memrel.Define[hmImage](s, "Image"),
		videos: memrel.Define[hmVideo](s, "Video"),
		notes:  memrel.Define[hmNote](s, "Comment"),
	}
	p.ic = memrel.NewHasMany(p.images, p.notes, memrel.HasManyOptions{As: "comments", ForeignKey: "commentableId",
		Scope: map[string]any{"commentableType": "image"}, NoConstraints: true})
	p.vc = memrel.NewHasMany(p.videos, p.notes, memrel.HasManyOptions{As: "comments", ForeignKey: "commentableId",
		Scope: map[string]any{"commentableType": "video"}, NoConstraints: true})
	var err error
	p.db, err = s.Open()
	require.NoError(t, err)
	require.NoError(t, p.db.Update(func(tx *memrel.Txn) error {
		for _, v := range []string{"i1", "i2"} {
			_, err := p.images.Create(tx, hmImage{URL: v})
			require.NoError(t, err)
		}
		_, err := p.videos.Create(tx, hmVideo{Title: "v1"})
		require.NoError(t, err)
		for _, n := range hmPolySeed()["Comment"].([]hmNote) {
			_, err := p.notes.Create(tx, hmNote{Body: n.Body, CommentableID: n.CommentableID, CommentableType: n.CommentableType})
			require.NoError(t, err)
		}
		return nil
	}))
	require.Equal(t, hmPolySeed(), p.dump(t))
	return p
}

func (p *hmPoly) dump(t *testing.T) hmRows {
	t.Helper()
	return hmDump(t, p.db, hmRowsOf(p.images), hmRowsOf(p.videos), hmRowsOf(p.notes))
}

var (
	hmN1 = hmNote{ID: 1, Body: "on i1", CommentableID: hmI(1), CommentableType: hmS("image")}
	hmN2 = hmNote{ID: 2, Body: "on v1", CommentableID: hmI(1), CommentableType: hmS("video")}
	hmN3 = hmNote{ID: 3, Body: "on i1 too", CommentableID: hmI(1), CommentableType: hmS("image")}
	hmN4 = hmNote{ID: 4, Body: "on i2", CommentableID: hmI(2), CommentableType: hmS("image")}
)

func hmPolySeed() hmRows {
	return hmRows{
		"Image":   []hmImage{{ID: 1, URL: "i1"}, {ID: 2, URL: "i2"}},
		"Video":   []hmVideo{{ID: 1, Title: "v1"}},
		"Comment": []hmNote{hmN1, hmN2, hmN3, hmN4},
	}
}

func TestHasMany_Scope_ReadsAndWrites(t *testing.T) {
	i1, i2, v1 := hmImage{ID: 1, URL: "i1"}, hmImage{ID: 2, URL: "i2"}, hmVideo{ID: 1, Title: "v1"}
	t.Run("reads see only their scope", func(t *testing.T) {
		p := hmNewPoly(t)
		require.NoError(t, p.db.View(func(tx *memrel.Txn) error {
			got, err := p.ic.Get(tx, i1, nil)
			require.NoError(t, err)
			require.Equal(t, []hmNote{hmN1, hmN3}, got)
			got, err = p.vc.Get(tx, v1, nil)
			require.NoError(t, err)
			require.Equal(t, []hmNote{hmN2}, got)
			n, err := p.ic.Count(tx, i1, nil)
			require.NoError(t, err)
			require.Equal(t, 2, n)
			n, err = p.ic.Count(tx, i1, &memrel.Options{Where: query.Eq("id", 2)})
			require.NoError(t, err)
			require.Equal(t, 0, n)
			ok, err := p.ic.HasKeys(tx, i1, 2)
			require.NoError(t, err)
			require.False(t, ok)
			ok, err = p.ic.Has(tx, i1, hmN1, hmN3)
			require.NoError(t, err)
			require.True(t, ok)
			ok, err = p.vc.Has(tx, v1, hmN1)
			require.NoError(t, err)
			require.False(t, ok)
			return nil
		}))
		require.Equal(t, hmPolySeed(), p.dump(t))
	})
	cases := []struct {
		name   string
		op     func(tx *memrel.Txn, p *hmPoly) error
		images []hmImage // nil: both images stay
		want   []hmNote
	}{
		{
			name: "set on the image never touches the video's comment with the same id",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.ic.Set(tx, i1, []hmNote{hmN3}, nil) },
			want: []hmNote{{ID: 1, Body: "on i1", CommentableType: hmS("image")}, hmN2, hmN3, hmN4},
		},
		{
			name: "set empty leaves the scope field as it was",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.ic.Set(tx, i1, nil, nil) },
			want: []hmNote{{ID: 1, Body: "on i1", CommentableType: hmS("image")}, hmN2,
				{ID: 3, Body: "on i1 too", CommentableType: hmS("image")}, hmN4},
		},
		{
			name: "add takes over a video's comment and writes the scope",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.ic.Add(tx, i2, hmN2) },
			want: []hmNote{hmN1, {ID: 2, Body: "on v1", CommentableID: hmI(2), CommentableType: hmS("image")}, hmN3, hmN4},
		},
		{
			name: "add with the same id but the other scope moves it into this scope",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.vc.Add(tx, v1, hmN1) },
			want: []hmNote{{ID: 1, Body: "on i1", CommentableID: hmI(1), CommentableType: hmS("video")}, hmN2, hmN3, hmN4},
		},
		{
			name: "set takes over and un-associates within the scope",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.vc.SetKeys(tx, v1, []any{4}, nil) },
			want: []hmNote{hmN1, {ID: 2, Body: "on v1", CommentableType: hmS("video")}, hmN3,
				{ID: 4, Body: "on i2", CommentableID: hmI(1), CommentableType: hmS("video")}},
		},
		{
			name: "remove of a video's comment from the image is a no-op",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.ic.Remove(tx, i1, []hmNote{hmN2}, nil) },
			want: []hmNote{hmN1, hmN2, hmN3, hmN4},
		},
		{
			name: "remove nulls only the foreign key",
			op:   func(tx *memrel.Txn, p *hmPoly) error { return p.ic.RemoveKeys(tx, i1, []any{3, 2}, nil) },
			want: []hmNote{hmN1, hmN2, {ID: 3, Body: "on i1 too", CommentableType: hmS("image")}, hmN4},
		},
		{
			name: "remove destroy within the scope",
			op: func(tx *memrel.Txn, p *hmPoly) error {
				return p.vc.RemoveKeys(tx, v1, []any{1, 2}, &memrel.RemoveOptions{Destroy: true})
			},
			want: []hmNote{hmN1, hmN3, hmN4},
		},
		{
			name: "create writes the scope over the given values",
			op: func(tx *memrel.Txn, p *hmPoly) error {
				_, err := p.vc.Create(tx, v1, hmNote{Body: "new", CommentableID: hmI(2), CommentableType: hmS("image")})
				return err
			},
			want: []hmNote{hmN1, hmN2, hmN3, hmN4, {ID: 5, Body: "new", CommentableID: hmI(1), CommentableType: hmS("video")}},
		},
		{
			name:   "no constraints: deleting the image leaves its comments",
			op:     func(tx *memrel.Txn, p *hmPoly) error { return p.images.Destroy(tx, i1) },
			images: []hmImage{i2},
			want:   []hmNote{hmN1, hmN2, hmN3, hmN4},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := hmNewPoly(t)
			require.NoError(t, p.db.Update(func(tx *memrel.Txn) error { return tc.op(tx, p) }))
			images := tc.images
			if images == nil {
				images = []hmImage{i1, i2}
			}
			require.Equal(t, hmRows{"Image": images, "Video": []hmVideo{v1}, "Comment": tc.want}, p.dump(t))
		})
	}
}
