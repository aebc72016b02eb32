package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// SPEC N11: an include's Order, Limit and Offset shape each parent's list
// separately (Sequelize's separate), and its Fields select the included
// rows' columns, at any depth and through every kind of association.
// Reads never change the store: each test ends by checking its contents.

// viewBlog runs fn on a read of the seeded blog, then checks that the
// store still holds the seed.
func viewBlog(t *testing.T, fn func(b *fixture.BlogModels, tx *memrel.Txn)) {
	t.Helper()
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		fn(b, tx)
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// withComments returns p with cs as its comments.
func withComments(p fixture.Post, cs ...fixture.Comment) fixture.Post {
	p.Comments = append([]fixture.Comment{}, cs...)
	return p
}

// withReplies returns c with rs as its replies.
func withReplies(c fixture.Comment, rs ...fixture.Reply) fixture.Comment {
	c.Replies = append([]fixture.Reply{}, rs...)
	return c
}

func TestModel_FindAll_IncludeOrderLimitOffsetPerParent(t *testing.T) {
	viewBlog(t, func(b *fixture.BlogModels, tx *memrel.Txn) {
		comments := func(in memrel.Include) []memrel.Include {
			in.Assoc = b.Comments
			return []memrel.Include{in}
		}
		cases := []struct {
			name string
			o    *memrel.Options
			want []fixture.Post
		}{
			{"limit without order: each post's first comments by key",
				&memrel.Options{Include: comments(memrel.Include{Limit: 2})},
				[]fixture.Post{withComments(hmP1, hmC1, hmC2), withComments(hmP2, hmC3), withComments(hmP3)}},
			{"order and limit per post",
				&memrel.Options{Include: comments(memrel.Include{Order: []query.Order{query.Desc("body")}, Limit: 2})},
				[]fixture.Post{withComments(hmP1, hmC5, hmC2), withComments(hmP2, hmC3), withComments(hmP3)}},
			{"order without limit, by Go field name",
				&memrel.Options{Include: comments(memrel.Include{Order: []query.Order{query.Desc("Body")}})},
				[]fixture.Post{withComments(hmP1, hmC5, hmC2, hmC1), withComments(hmP2, hmC3), withComments(hmP3)}},
			{"offset per post",
				&memrel.Options{Include: comments(memrel.Include{Offset: 1})},
				[]fixture.Post{withComments(hmP1, hmC2, hmC5), withComments(hmP2), withComments(hmP3)}},
			{"order, offset and limit",
				&memrel.Options{Include: comments(memrel.Include{Order: []query.Order{query.Desc("id")}, Offset: 1, Limit: 1})},
				[]fixture.Post{withComments(hmP1, hmC2), withComments(hmP2), withComments(hmP3)}},
			{"limit counts the matches of the where",
				&memrel.Options{Include: comments(memrel.Include{Where: query.Ne("body", "c1"), Required: memrel.Optional, Limit: 1})},
				[]fixture.Post{withComments(hmP1, hmC2), withComments(hmP2, hmC3), withComments(hmP3)}},
			{"under a top-level limit and offset",
				&memrel.Options{Limit: 2, Offset: 1, Include: comments(memrel.Include{Limit: 1})},
				[]fixture.Post{withComments(hmP2, hmC3), withComments(hmP3)}},
			{"under a top-level order",
				&memrel.Options{Order: []query.Order{query.Desc("title")}, Limit: 2,
					Include: comments(memrel.Include{Order: []query.Order{query.Desc("id")}, Limit: 1})},
				[]fixture.Post{withComments(hmP3), withComments(hmP2, hmC3)}},
			{"required looks at the matches before the window",
				&memrel.Options{Include: comments(memrel.Include{Required: memrel.Required, Offset: 1})},
				[]fixture.Post{withComments(hmP1, hmC2, hmC5), withComments(hmP2)}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := b.Post.FindAll(tx, tc.o)
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
			})
		}
		t.Run("through Get", func(t *testing.T) {
			got, err := b.Comments.Get(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.Replies, Order: []query.Order{query.Desc("id")}, Limit: 1}}})
			require.NoError(t, err)
			require.Equal(t, []fixture.Comment{withReplies(hmC1, hmR2), withReplies(hmC2), withReplies(hmC5, hmR4)}, got)
		})
		t.Run("count: a limit does not change which rows match", func(t *testing.T) {
			n, err := b.Post.Count(tx, &memrel.Options{Include: comments(memrel.Include{Required: memrel.Required, Offset: 5})})
			require.NoError(t, err)
			require.Equal(t, 2, n)
		})
	})
}

// TestModel_FindAll_IncludeLimitNested: a limited include's own includes
// load for the rows it keeps; a required one among them decides which
// rows count before the limit.
func TestModel_FindAll_IncludeLimitNested(t *testing.T) {
	viewBlog(t, func(b *fixture.BlogModels, tx *memrel.Txn) {
		got, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments,
			Order: []query.Order{query.Desc("id")}, Limit: 1,
			Include: []memrel.Include{{Assoc: b.Replies, Limit: 1}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Post{withComments(hmP1, withReplies(hmC5, hmR4)), withComments(hmP2, withReplies(hmC3, hmR3)), withComments(hmP3)}, got)

		// c2 has no replies: the required include drops it before the
		// limit takes two.
		got, err = b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments,
			Order: []query.Order{query.Desc("body")}, Limit: 2,
			Include: []memrel.Include{{Assoc: b.Replies, Required: memrel.Required}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Post{
			withComments(hmP1, withReplies(hmC5, hmR4), withReplies(hmC1, hmR1, hmR2)),
			withComments(hmP2, withReplies(hmC3, hmR3)),
			withComments(hmP3),
		}, got)

		// Offset under a required include: the window starts after it.
		got, err = b.Post.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1), Include: []memrel.Include{{Assoc: b.Comments,
			Offset: 1, Include: []memrel.Include{{Assoc: b.Replies, Required: memrel.Required}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Post{withComments(hmP1, withReplies(hmC5, hmR4))}, got)

		// Required counts the rows that survive their own required
		// include, before the window: p1 and p2 keep an empty list, p3
		// has none to count.
		got, err = b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required,
			Offset: 2, Include: []memrel.Include{{Assoc: b.Replies, Required: memrel.Required}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Post{withComments(hmP1), withComments(hmP2)}, got)
	})
}

// TestModel_FindAll_IncludeLimitScope: a scoped association's per-parent
// limit counts only the rows inside the scope.
func TestModel_FindAll_IncludeLimitScope(t *testing.T) {
	p := fixture.Polymorphic(t)
	db := fixture.MustOpen(t, p.Schema)
	p.Seed(t, db)
	seed := fixture.PolymorphicSeed()["Comment"].([]fixture.Note)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		imgs, err := p.Image.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.ImageComments,
			Order: []query.Order{query.Desc("body")}, Limit: 1}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Image{{ID: 1, URL: "i1", Comments: []fixture.Note{seed[2]}}, {ID: 2, URL: "i2", Comments: []fixture.Note{seed[3]}}}, imgs)
		vids, err := p.Video.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.VideoComments, Offset: 1}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Video{{ID: 1, Title: "v1", Comments: []fixture.Note{}}}, vids)
		return nil
	}))
	require.Equal(t, fixture.PolymorphicSeed(), p.Dump(t, db))
}

// TestModel_FindAll_IncludeFields: Fields select the included rows'
// columns at every depth; the keys the next level needs are read all the
// same, and the stored rows keep every column.
func TestModel_FindAll_IncludeFields(t *testing.T) {
	viewBlog(t, func(b *fixture.BlogModels, tx *memrel.Txn) {
		got, err := b.Post.FindAll(tx, &memrel.Options{Fields: []string{"title"}, Where: query.Lte("id", 2),
			Include: []memrel.Include{{Assoc: b.Comments, Fields: []string{"body"}, Limit: 2,
				Include: []memrel.Include{{Assoc: b.Replies, Fields: []string{"Text"}}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Post{
			{Title: "p1", Comments: []fixture.Comment{
				{Body: "c1", Replies: []fixture.Reply{{Text: "r1"}, {Text: "r2"}}},
				{Body: "c2", Replies: []fixture.Reply{}},
			}},
			{Title: "p2", Comments: []fixture.Comment{{Body: "c3", Replies: []fixture.Reply{{Text: "r3"}}}}},
		}, got)

		// Up through belongsTo: the post's key is left out, its comments
		// still load through it.
		cs, err := b.Comment.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3), Include: []memrel.Include{{
			Assoc: b.Comments.Inverse(), Fields: []string{"title"}, Include: []memrel.Include{{Assoc: b.Comments, Fields: []string{"id"}}}}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Comment{{ID: 3, Body: "c3", PostID: fixture.I64(2),
			Post: &fixture.Post{Title: "p2", Comments: []fixture.Comment{{ID: 3}}}}}, cs)
	})
}

// TestModel_FindAll_IncludeToOneOrderOffset: a source with several
// targets of a hasOne comes once per target (a joined read); the
// include's Order orders the copies, Offset skips targets and Limit caps
// them. A belongsTo's one parent is dropped by an Offset only.
func TestModel_FindAll_IncludeToOneOrderOffset(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.profile.Create(tx, hoU2, hoProfile{Bio: "another"})
		return err
	}))
	p1 := &hoProfile{ID: 1, Bio: "b1", UserID: fixture.I64(1)}
	p2 := &hoProfile{ID: 2, Bio: "b2", UserID: fixture.I64(2)}
	p4 := &hoProfile{ID: 4, Bio: "another", UserID: fixture.I64(2)}
	cases := []struct {
		name string
		inc  memrel.Include
		ids  []int64      // the users, in the order they come
		want []*hoProfile // each one's profile
	}{
		{"default: key order", memrel.Include{}, []int64{1, 2, 2, 3}, []*hoProfile{p1, p2, p4, nil}},
		{"order orders", memrel.Include{Order: []query.Order{query.Asc("bio")}}, []int64{1, 2, 2, 3}, []*hoProfile{p1, p4, p2, nil}},
		{"offset skips", memrel.Include{Offset: 1}, []int64{1, 2, 3}, []*hoProfile{nil, p4, nil}},
		{"limit caps", memrel.Include{Limit: 1}, []int64{1, 2, 3}, []*hoProfile{p1, p2, nil}},
		{"limit past the targets", memrel.Include{Limit: 5}, []int64{1, 2, 2, 3}, []*hoProfile{p1, p2, p4, nil}},
		{"fields", memrel.Include{Fields: []string{"bio"}, Order: []query.Order{query.Desc("id")}},
			[]int64{1, 2, 2, 3}, []*hoProfile{{Bio: "b1"}, {Bio: "another"}, {Bio: "b2"}, nil}},
	}
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.inc.Assoc = b.profile
				users, err := b.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{tc.inc}})
				require.NoError(t, err)
				require.Len(t, users, len(tc.ids))
				for i, u := range users {
					require.Equal(t, tc.ids[i], u.ID)
					require.Equal(t, tc.want[i], u.Profile, "user %d", u.ID)
				}
			})
		}
		t.Run("belongsTo", func(t *testing.T) {
			ps, err := b.profiles.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1), Include: []memrel.Include{{
				Assoc: b.profile.Inverse(), Order: []query.Order{query.Desc("name")}, Limit: 3, Fields: []string{"name"}}}})
			require.NoError(t, err)
			require.Equal(t, []hoProfile{{ID: 1, Bio: "b1", UserID: fixture.I64(1), User: &hoUser{Name: "u1"}}}, ps)
			ps, err = b.profiles.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1), Include: []memrel.Include{{
				Assoc: b.profile.Inverse(), Offset: 1}}})
			require.NoError(t, err)
			require.Equal(t, []hoProfile{*p1}, ps)
		})
		return nil
	}))
}

// TestBelongsToMany_Include_OrderLimitFields: a belongsToMany include's
// targets are ordered, windowed per source and projected like any other.
func TestBelongsToMany_Include_OrderLimitFields(t *testing.T) {
	b := biOpen(t)
	db, posts, tags, pt := b.db, b.posts, b.tags, b.pt
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, p := range []string{"p1", "p2"} {
			if _, err := posts.Create(tx, biPost{Title: p}); err != nil {
				return err
			}
		}
		for _, n := range []string{"web", "go", "db"} {
			if _, err := tags.Create(tx, biTag{Name: n}); err != nil {
				return err
			}
		}
		// Added out of key order: the join rows' order is not the answer.
		if err := pt.AddKeys(tx, biPost{ID: 1}, []any{3, 2, 1}, nil); err != nil {
			return err
		}
		return pt.AddKeys(tx, biPost{ID: 2}, []any{2}, nil)
	}))
	web, goTag, dbTag := biTag{ID: 1, Name: "web"}, biTag{ID: 2, Name: "go"}, biTag{ID: 3, Name: "db"}
	cases := []struct {
		name string
		inc  memrel.Include
		want [][]biTag // posts 1, 2
	}{
		{"limit: the lowest keys", memrel.Include{Limit: 2}, [][]biTag{{web, goTag}, {goTag}}},
		{"order and limit", memrel.Include{Order: []query.Order{query.Asc("name")}, Limit: 2}, [][]biTag{{dbTag, goTag}, {goTag}}},
		{"offset", memrel.Include{Order: []query.Order{query.Desc("name")}, Offset: 1}, [][]biTag{{goTag, dbTag}, {}}},
		{"fields", memrel.Include{Fields: []string{"name"}, Limit: 1}, [][]biTag{{{Name: "web"}}, {{Name: "go"}}}},
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.inc.Assoc = pt
				got, err := posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{tc.inc}})
				require.NoError(t, err)
				require.Equal(t, []biPost{{ID: 1, Title: "p1", Tags: tc.want[0]}, {ID: 2, Title: "p2", Tags: tc.want[1]}}, got)
			})
		}
		return nil
	}))
}

// TestModel_FindAll_IncludeBadOptionsAreTypedErrors: an unknown field in
// an include's Order or Fields and a negative Limit or Offset fail the
// read, at any depth, with a *FieldError; nothing is returned.
func TestModel_FindAll_IncludeBadOptionsAreTypedErrors(t *testing.T) {
	viewBlog(t, func(b *fixture.BlogModels, tx *memrel.Txn) {
		cases := []struct {
			name  string
			inc   memrel.Include
			model string
			field string
			err   error
		}{
			{"unknown order field", memrel.Include{Order: []query.Order{query.Asc("nope")}}, "Comment", "nope", memrel.ErrUnknownField},
			{"unknown field", memrel.Include{Fields: []string{"body", "nope"}}, "Comment", "nope", memrel.ErrUnknownField},
			{"negative limit", memrel.Include{Limit: -1}, "Comment", "limit/offset", memrel.ErrBadValue},
			{"negative offset", memrel.Include{Offset: -2}, "Comment", "limit/offset", memrel.ErrBadValue},
			{"nested", memrel.Include{Include: []memrel.Include{{Assoc: b.Replies, Order: []query.Order{query.Asc("body")}}}}, "Reply", "body", memrel.ErrUnknownField},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.inc.Assoc = b.Comments
				o := &memrel.Options{Include: []memrel.Include{tc.inc}}
				got, err := b.Post.FindAll(tx, o)
				require.ErrorIs(t, err, tc.err)
				var fe *memrel.FieldError
				require.ErrorAs(t, err, &fe)
				require.Equal(t, tc.model, fe.Model)
				require.Equal(t, tc.field, fe.Field)
				require.Nil(t, got)
				_, err = b.Post.Count(tx, o)
				require.ErrorIs(t, err, tc.err)
			})
		}
	})
}

// TestModel_FindAll_IncludeLimitMatchesSortedWindow: for many orders and
// windows over values in no particular order (NULLs and ties included),
// each parent's limited list is the window of its fully sorted list, as
// Get without a limit sorts it.
func TestModel_FindAll_IncludeLimitMatchesSortedWindow(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for p := range 3 {
			post, err := b.Post.Create(tx, fixture.Post{Title: "p"})
			if err != nil {
				return err
			}
			for i := range 40 + 7*p {
				// bodies repeat (ties by key), with a prefix pair "x", "xy"
				body := []string{"m", "x", "xy", "b", "q", "a", "x"}[(i*5+p)%7]
				if _, err := b.Comment.Create(tx, fixture.Comment{Body: body, PostID: &post.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	orders := [][]query.Order{
		{query.Desc("body")}, {query.Asc("body")}, {query.Desc("id")}, {query.Asc("body"), query.Desc("id")},
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, order := range orders {
			for _, w := range [][2]int{{1, 0}, {3, 0}, {5, 2}, {17, 9}, {100, 0}, {4, 45}} {
				limit, offset := w[0], w[1]
				got, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Order: order, Limit: limit, Offset: offset}}})
				require.NoError(t, err)
				for _, p := range got {
					all, err := b.Comments.Get(tx, p, &memrel.Options{Order: order})
					require.NoError(t, err)
					want := []fixture.Comment{}
					if offset < len(all) {
						want = append(want, all[offset:min(offset+limit, len(all))]...)
					}
					require.Equal(t, want, p.Comments, "post %d, order %v, limit %d, offset %d", p.ID, order, limit, offset)
				}
			}
		}
		return nil
	}))
}
