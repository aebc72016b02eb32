package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// SPEC §7: eager loading and GetMany. Reads never change the store: each
// test ends by checking the full contents against the seed.

// Seed rows with their associations loaded, for expected values.
var (
	hmL1 = hmLike{ID: 1, Who: "l1", ReplyID: hmI(1)}
	hmL2 = hmLike{ID: 2, Who: "l2", ReplyID: hmI(2)}
	hmL3 = hmLike{ID: 3, Who: "l3", ReplyID: hmI(4)}
	hmR1 = hmReply{ID: 1, Text: "r1", CommentID: 1}
	hmR2 = hmReply{ID: 2, Text: "r2", CommentID: 1}
	hmR3 = hmReply{ID: 3, Text: "r3", CommentID: 3}
	hmR4 = hmReply{ID: 4, Text: "r4", CommentID: 5}
)

func TestModel_FindAll_Include(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	likes := func(r hmReply, ls ...hmLike) hmReply {
		r.Likes = append([]hmLike{}, ls...)
		return r
	}
	replies := func(c hmComment, rs ...hmReply) hmComment {
		c.Replies = append([]hmReply{}, rs...)
		return c
	}
	comments := func(p hmPost, cs ...hmComment) hmPost {
		p.Comments = append([]hmComment{}, cs...)
		return p
	}
	depth3 := []memrel.Include{{Assoc: b.pc, Include: []memrel.Include{{Assoc: b.cr, Include: []memrel.Include{{Assoc: b.rl}}}}}}
	cases := []struct {
		name string
		o    *memrel.Options
		want []hmPost
	}{
		{"one level; a post without comments gets an empty list",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc}}},
			[]hmPost{comments(hmP1, hmC1, hmC2, hmC5), comments(hmP2, hmC3), comments(hmP3)}},
		{"depth 3", &memrel.Options{Include: depth3},
			[]hmPost{
				comments(hmP1, replies(hmC1, likes(hmR1, hmL1), likes(hmR2, hmL2)), replies(hmC2), replies(hmC5, likes(hmR4, hmL3))),
				comments(hmP2, replies(hmC3, likes(hmR3))),
				comments(hmP3),
			}},
		{"where on an include makes it required",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Where: query.In("body", "c2", "c3")}}},
			[]hmPost{comments(hmP1, hmC2), comments(hmP2, hmC3)}},
		{"optional keeps parents without matches",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Where: query.Eq("body", "c3"), Optional: true}}},
			[]hmPost{comments(hmP1), comments(hmP2, hmC3), comments(hmP3)}},
		{"required without where",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Required: true}}},
			[]hmPost{comments(hmP1, hmC1, hmC2, hmC5), comments(hmP2, hmC3)}},
		{"required at depth 3 filters its own level only",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Include: []memrel.Include{{Assoc: b.cr,
				Include: []memrel.Include{{Assoc: b.rl, Where: query.Eq("who", "l3")}}}}}}},
			[]hmPost{
				comments(hmP1, replies(hmC1), replies(hmC2), replies(hmC5, likes(hmR4, hmL3))),
				comments(hmP2, replies(hmC3)),
				comments(hmP3),
			}},
		{"required chain down to depth 3",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Required: true, Include: []memrel.Include{{Assoc: b.cr,
				Required: true, Include: []memrel.Include{{Assoc: b.rl, Where: query.Eq("who", "l3")}}}}}}},
			[]hmPost{comments(hmP1, replies(hmC5, likes(hmR4, hmL3)))}},
		{"where on the parent and the include",
			&memrel.Options{Where: query.Gt("id", 1), Include: []memrel.Include{{Assoc: b.pc, Required: true}}},
			[]hmPost{comments(hmP2, hmC3)}},
		{"limit applies after required includes",
			&memrel.Options{Limit: 1, Offset: 1, Include: []memrel.Include{{Assoc: b.pc, Required: true}}},
			[]hmPost{comments(hmP2, hmC3)}},
		{"window over optional includes",
			&memrel.Options{Limit: 2, Offset: 1, Include: []memrel.Include{{Assoc: b.pc}}},
			[]hmPost{comments(hmP2, hmC3), comments(hmP3)}},
		{"offset past most rows",
			&memrel.Options{Offset: 2, Include: []memrel.Include{{Assoc: b.pc}}},
			[]hmPost{comments(hmP3)}},
		{"order with include",
			&memrel.Options{Order: []query.Order{query.Desc("id")}, Include: []memrel.Include{{Assoc: b.pc}}},
			[]hmPost{comments(hmP3), comments(hmP2, hmC3), comments(hmP1, hmC1, hmC2, hmC5)}},
	}
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := b.posts.FindAll(tx, tc.o)
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
			})
		}
		t.Run("count with a required include", func(t *testing.T) {
			n, err := b.posts.Count(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc, Required: true}}})
			require.NoError(t, err)
			require.Equal(t, 2, n)
		})
		t.Run("find one", func(t *testing.T) {
			got, ok, err := b.posts.FindOne(tx, &memrel.Options{Where: query.Eq("title", "p2"), Include: []memrel.Include{{Assoc: b.pc}}})
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, comments(hmP2, hmC3), got)
		})
		t.Run("include through Get", func(t *testing.T) {
			got, err := b.pc.Get(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.cr, Required: true}}})
			require.NoError(t, err)
			require.Equal(t, []hmComment{replies(hmC1, hmR1, hmR2), replies(hmC5, hmR4)}, got)
			n, err := b.pc.Count(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.cr, Required: true}}})
			require.NoError(t, err)
			require.Equal(t, 2, n)
		})
		t.Run("included rows are copies", func(t *testing.T) {
			got, err := b.posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc}}})
			require.NoError(t, err)
			got[0].Comments[0].Body = "mutated"
			*got[0].Comments[0].PostID = 99
			again, err := b.pc.Get(tx, hmP1, nil)
			require.NoError(t, err)
			require.Equal(t, []hmComment{hmC1, hmC2, hmC5}, again)
		})
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

func TestModel_FindAll_IncludeInverse(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	post := func(c hmComment, p *hmPost) hmComment {
		c.Post = p
		return c
	}
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		got, err := b.comments.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc.Inverse()}}})
		require.NoError(t, err)
		p1, p2 := hmP1, hmP2
		require.Equal(t, []hmComment{post(hmC1, &p1), post(hmC2, &p1), post(hmC3, &p2), hmC4, post(hmC5, &p1)}, got)

		got, err = b.comments.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc.Inverse(), Where: query.Eq("title", "p2")}}})
		require.NoError(t, err)
		require.Equal(t, []hmComment{post(hmC3, &p2)}, got, "where on a belongsTo include makes it required")

		got, err = b.comments.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc.Inverse(), Required: true}}})
		require.NoError(t, err)
		require.Equal(t, []hmComment{post(hmC1, &p1), post(hmC2, &p1), post(hmC3, &p2), post(hmC5, &p1)}, got)

		// Reply -> Comment -> Post, and back down to the post's comments.
		rs, err := b.replies.FindAll(tx, &memrel.Options{Where: query.Eq("id", 4), Include: []memrel.Include{{
			Assoc: b.cr.Inverse(), Include: []memrel.Include{{Assoc: b.pc.Inverse(), Include: []memrel.Include{{Assoc: b.pc}}}}}}})
		require.NoError(t, err)
		p1full := hmPost{ID: 1, Title: "p1", Comments: []hmComment{hmC1, hmC2, hmC5}}
		c5 := hmComment{ID: 5, Body: "c5", PostID: hmI(1), Post: &p1full}
		require.Equal(t, []hmReply{{ID: 4, Text: "r4", CommentID: 5, Comment: &c5}}, rs)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

// TestModel_FindAll_IncludeNotAssociatedIsEagerLoadingError: an include whose source is another model is
// an EagerLoadingError, at any depth.
func TestModel_FindAll_IncludeNotAssociatedIsEagerLoadingError(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	cases := []struct {
		name  string
		inc   []memrel.Include
		assoc string
	}{
		{"hasMany of another model", []memrel.Include{{Assoc: b.cr}}, "Comment.replies"},
		{"inverse of another model", []memrel.Include{{Assoc: b.pc.Inverse()}}, "Comment.post"},
		{"nested", []memrel.Include{{Assoc: b.pc, Include: []memrel.Include{{Assoc: b.rl}}}}, "Reply.likes"},
	}
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := b.posts.FindAll(tx, &memrel.Options{Include: tc.inc})
				var el *memrel.EagerLoadingError
				require.ErrorAs(t, err, &el)
				require.Equal(t, tc.assoc, el.Association)
				_, err = b.pc.Get(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.pc}}})
				require.ErrorAs(t, err, &el)
				require.Equal(t, "Comment", el.Model)
			})
		}
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

func TestHasMany_GetMany(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		got, err := b.pc.GetMany(tx, []hmPost{hmP3, hmP1, hmP2}, nil)
		require.NoError(t, err)
		require.Len(t, got, 3)
		require.Empty(t, got[0])
		require.Equal(t, []hmComment{hmC1, hmC2, hmC5}, got[1])
		require.Equal(t, []hmComment{hmC3}, got[2])

		got, err = b.pc.GetMany(tx, []hmPost{hmP1, hmP2}, &memrel.Options{Where: query.Ne("body", "c1"),
			Order: []query.Order{query.Desc("id")}})
		require.NoError(t, err)
		require.Equal(t, [][]hmComment{{hmC5, hmC2}, {hmC3}}, got)

		got, err = b.pc.GetMany(tx, nil, nil)
		require.NoError(t, err)
		require.Empty(t, got)

		_, err = b.pc.GetMany(tx, []hmPost{hmP1, {ID: 42}}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

// TestModel_FindAll_IncludeAliasesAndSelf: two aliased associations loaded at once;
// a self-association loaded down and up.
func TestModel_FindAll_IncludeAliasesAndSelf(t *testing.T) {
	u := hmNewUsers(t, memrel.HasManyOptions{}, memrel.HasManyOptions{}, false)
	require.NoError(t, u.db.View(func(tx *memrel.Txn) error {
		got, err := u.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: u.authored}, {Assoc: u.edited}}})
		require.NoError(t, err)
		require.Equal(t, []hmUser{
			{ID: 1, Name: "u1", AuthoredPosts: []hmArticle{hmA1, hmA2}, EditedPosts: []hmArticle{hmA3}},
			{ID: 2, Name: "u2", AuthoredPosts: []hmArticle{hmA3}, EditedPosts: []hmArticle{hmA1}},
		}, got)
		as, err := u.articles.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1),
			Include: []memrel.Include{{Assoc: u.authored.Inverse()}, {Assoc: u.edited.Inverse()}}})
		require.NoError(t, err)
		u1, u2 := hmU1, hmU2
		require.Equal(t, []hmArticle{{ID: 1, Title: "a1", AuthorID: hmI(1), EditorID: hmI(2), Author: &u1, Editor: &u2}}, as)
		return nil
	}))
	require.Equal(t, hmUsersSeed(), u.dump(t))

	c := hmNewCats(t, memrel.HasManyOptions{})
	require.NoError(t, c.db.Update(func(tx *memrel.Txn) error {
		root, err := c.cats.Create(tx, hmCat{Name: "root"})
		require.NoError(t, err)
		mid, err := c.ch.Create(tx, root, hmCat{Name: "mid"})
		require.NoError(t, err)
		_, err = c.ch.Create(tx, mid, hmCat{Name: "leaf"})
		return err
	}))
	root := hmCat{ID: 1, Name: "root"}
	mid := hmCat{ID: 2, Name: "mid", ParentID: hmI(1)}
	leaf := hmCat{ID: 3, Name: "leaf", ParentID: hmI(2)}
	require.NoError(t, c.db.View(func(tx *memrel.Txn) error {
		got, err := c.cats.FindAll(tx, &memrel.Options{Where: query.IsNull("parentId"),
			Include: []memrel.Include{{Assoc: c.ch, Include: []memrel.Include{{Assoc: c.ch}}}}})
		require.NoError(t, err)
		wantMid := mid
		wantMid.Children = []hmCat{leaf}
		wantRoot := root
		wantRoot.Children = []hmCat{wantMid}
		require.Equal(t, []hmCat{wantRoot}, got)

		got, err = c.cats.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3),
			Include: []memrel.Include{{Assoc: c.ch.Inverse(), Include: []memrel.Include{{Assoc: c.ch.Inverse()}}}}})
		require.NoError(t, err)
		upMid := mid
		upMid.Parent = &root
		upLeaf := leaf
		upLeaf.Parent = &upMid
		require.Equal(t, []hmCat{upLeaf}, got)
		return nil
	}))
	require.Equal(t, hmRows{"Category": []hmCat{root, mid, leaf}}, c.dump(t))
}

// TestModel_FindAll_IncludeScope: an include through a scoped association loads only
// the targets inside the scope.
func TestModel_FindAll_IncludeScope(t *testing.T) {
	p := hmNewPoly(t)
	require.NoError(t, p.db.View(func(tx *memrel.Txn) error {
		imgs, err := p.images.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.ic}}})
		require.NoError(t, err)
		require.Equal(t, []hmImage{{ID: 1, URL: "i1", Comments: []hmNote{hmN1, hmN3}}, {ID: 2, URL: "i2", Comments: []hmNote{hmN4}}}, imgs)
		vids, err := p.videos.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.vc, Where: query.Like("body", "%v1")}}})
		require.NoError(t, err)
		require.Equal(t, []hmVideo{{ID: 1, Title: "v1", Comments: []hmNote{hmN2}}}, vids)
		got, err := p.ic.GetMany(tx, []hmImage{{ID: 2}, {ID: 1}}, nil)
		require.NoError(t, err)
		require.Equal(t, [][]hmNote{{hmN4}, {hmN1, hmN3}}, got)
		return nil
	}))
	require.Equal(t, hmPolySeed(), p.dump(t))
}
