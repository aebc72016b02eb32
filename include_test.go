package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// SPEC §7: eager loading and GetMany. Reads never change the store: each
// test ends by checking the full contents against the seed.

// Seed rows with their associations loaded, for expected values.
var (
	hmL1 = fixture.Like{ID: 1, Who: "l1", ReplyID: fixture.I64(1)}
	hmL2 = fixture.Like{ID: 2, Who: "l2", ReplyID: fixture.I64(2)}
	hmL3 = fixture.Like{ID: 3, Who: "l3", ReplyID: fixture.I64(4)}
	hmR1 = fixture.Reply{ID: 1, Text: "r1", CommentID: 1}
	hmR2 = fixture.Reply{ID: 2, Text: "r2", CommentID: 1}
	hmR3 = fixture.Reply{ID: 3, Text: "r3", CommentID: 3}
	hmR4 = fixture.Reply{ID: 4, Text: "r4", CommentID: 5}
)

func TestModel_FindAll_Include(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	likes := func(r fixture.Reply, ls ...fixture.Like) fixture.Reply {
		r.Likes = append([]fixture.Like{}, ls...)
		return r
	}
	replies := func(c fixture.Comment, rs ...fixture.Reply) fixture.Comment {
		c.Replies = append([]fixture.Reply{}, rs...)
		return c
	}
	comments := func(p fixture.Post, cs ...fixture.Comment) fixture.Post {
		p.Comments = append([]fixture.Comment{}, cs...)
		return p
	}
	depth3 := []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies, Include: []memrel.Include{{Assoc: b.Likes}}}}}}
	cases := []struct {
		name string
		o    *memrel.Options
		want []fixture.Post
	}{
		{"one level; a post without comments gets an empty list",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments}}},
			[]fixture.Post{comments(hmP1, hmC1, hmC2, hmC5), comments(hmP2, hmC3), comments(hmP3)}},
		{"depth 3", &memrel.Options{Include: depth3},
			[]fixture.Post{
				comments(hmP1, replies(hmC1, likes(hmR1, hmL1), likes(hmR2, hmL2)), replies(hmC2), replies(hmC5, likes(hmR4, hmL3))),
				comments(hmP2, replies(hmC3, likes(hmR3))),
				comments(hmP3),
			}},
		{"where on an include makes it required",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Where: query.In("body", "c2", "c3")}}},
			[]fixture.Post{comments(hmP1, hmC2), comments(hmP2, hmC3)}},
		{"optional keeps parents without matches",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Where: query.Eq("body", "c3"), Required: memrel.Optional}}},
			[]fixture.Post{comments(hmP1), comments(hmP2, hmC3), comments(hmP3)}},
		{"required without where",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required}}},
			[]fixture.Post{comments(hmP1, hmC1, hmC2, hmC5), comments(hmP2, hmC3)}},
		{"required at depth 3 filters its own level only",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies,
				Include: []memrel.Include{{Assoc: b.Likes, Where: query.Eq("who", "l3")}}}}}}},
			[]fixture.Post{
				comments(hmP1, replies(hmC1), replies(hmC2), replies(hmC5, likes(hmR4, hmL3))),
				comments(hmP2, replies(hmC3)),
				comments(hmP3),
			}},
		{"required chain down to depth 3",
			&memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required, Include: []memrel.Include{{Assoc: b.Replies,
				Required: memrel.Required, Include: []memrel.Include{{Assoc: b.Likes, Where: query.Eq("who", "l3")}}}}}}},
			[]fixture.Post{comments(hmP1, replies(hmC5, likes(hmR4, hmL3)))}},
		{"where on the parent and the include",
			&memrel.Options{Where: query.Gt("id", 1), Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required}}},
			[]fixture.Post{comments(hmP2, hmC3)}},
		{"limit applies after required includes",
			&memrel.Options{Limit: 1, Offset: 1, Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required}}},
			[]fixture.Post{comments(hmP2, hmC3)}},
		{"window over optional includes",
			&memrel.Options{Limit: 2, Offset: 1, Include: []memrel.Include{{Assoc: b.Comments}}},
			[]fixture.Post{comments(hmP2, hmC3), comments(hmP3)}},
		{"offset past most rows",
			&memrel.Options{Offset: 2, Include: []memrel.Include{{Assoc: b.Comments}}},
			[]fixture.Post{comments(hmP3)}},
		{"order with include",
			&memrel.Options{Order: []query.Order{query.Desc("id")}, Include: []memrel.Include{{Assoc: b.Comments}}},
			[]fixture.Post{comments(hmP3), comments(hmP2, hmC3), comments(hmP1, hmC1, hmC2, hmC5)}},
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := b.Post.FindAll(tx, tc.o)
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
			})
		}
		t.Run("count with a required include", func(t *testing.T) {
			n, err := b.Post.Count(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Required: memrel.Required}}})
			require.NoError(t, err)
			require.Equal(t, 2, n)
		})
		t.Run("find one", func(t *testing.T) {
			got, ok, err := b.Post.FindOne(tx, &memrel.Options{Where: query.Eq("title", "p2"), Include: []memrel.Include{{Assoc: b.Comments}}})
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, comments(hmP2, hmC3), got)
		})
		t.Run("include through Get", func(t *testing.T) {
			got, err := b.Comments.Get(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.Replies, Required: memrel.Required}}})
			require.NoError(t, err)
			require.Equal(t, []fixture.Comment{replies(hmC1, hmR1, hmR2), replies(hmC5, hmR4)}, got)
			n, err := b.Comments.Count(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.Replies, Required: memrel.Required}}})
			require.NoError(t, err)
			require.Equal(t, 2, n)
		})
		t.Run("included rows are copies", func(t *testing.T) {
			got, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments}}})
			require.NoError(t, err)
			got[0].Comments[0].Body = "mutated"
			*got[0].Comments[0].PostID = 99
			again, err := b.Comments.Get(tx, hmP1, nil)
			require.NoError(t, err)
			require.Equal(t, []fixture.Comment{hmC1, hmC2, hmC5}, again)
		})
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

func TestModel_FindAll_IncludeInverse(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	post := func(c fixture.Comment, p *fixture.Post) fixture.Comment {
		c.Post = p
		return c
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := b.Comment.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments.Inverse()}}})
		require.NoError(t, err)
		p1, p2 := hmP1, hmP2
		require.Equal(t, []fixture.Comment{post(hmC1, &p1), post(hmC2, &p1), post(hmC3, &p2), hmC4, post(hmC5, &p1)}, got)

		got, err = b.Comment.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments.Inverse(), Where: query.Eq("title", "p2")}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Comment{post(hmC3, &p2)}, got, "where on a belongsTo include makes it required")

		got, err = b.Comment.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments.Inverse(), Required: memrel.Required}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Comment{post(hmC1, &p1), post(hmC2, &p1), post(hmC3, &p2), post(hmC5, &p1)}, got)

		// Reply -> Comment -> Post, and back down to the post's comments.
		rs, err := b.Reply.FindAll(tx, &memrel.Options{Where: query.Eq("id", 4), Include: []memrel.Include{{
			Assoc: b.Replies.Inverse(), Include: []memrel.Include{{Assoc: b.Comments.Inverse(), Include: []memrel.Include{{Assoc: b.Comments}}}}}}})
		require.NoError(t, err)
		p1full := fixture.Post{ID: 1, Title: "p1", Comments: []fixture.Comment{hmC1, hmC2, hmC5}}
		c5 := fixture.Comment{ID: 5, Body: "c5", PostID: fixture.I64(1), Post: &p1full}
		require.Equal(t, []fixture.Reply{{ID: 4, Text: "r4", CommentID: 5, Comment: &c5}}, rs)
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// TestModel_FindAll_IncludeNotAssociatedIsEagerLoadingError: an include
// whose source is another model is an EagerLoadingError, at any depth.
func TestModel_FindAll_IncludeNotAssociatedIsEagerLoadingError(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	cases := []struct {
		name  string
		inc   []memrel.Include
		assoc string
	}{
		{"hasMany of another model", []memrel.Include{{Assoc: b.Replies}}, "Comment.replies"},
		{"inverse of another model", []memrel.Include{{Assoc: b.Comments.Inverse()}}, "Comment.post"},
		{"nested", []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Likes}}}}, "Reply.likes"},
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := b.Post.FindAll(tx, &memrel.Options{Include: tc.inc})
				var el *memrel.EagerLoadingError
				require.ErrorAs(t, err, &el)
				require.Equal(t, tc.assoc, el.Association)
				_, err = b.Comments.Get(tx, hmP1, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments}}})
				require.ErrorAs(t, err, &el)
				require.Equal(t, "Comment", el.Model)
			})
		}
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

func TestHasMany_GetMany(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := b.Comments.GetMany(tx, []fixture.Post{hmP3, hmP1, hmP2}, nil)
		require.NoError(t, err)
		require.Len(t, got, 3)
		require.Empty(t, got[0])
		require.Equal(t, []fixture.Comment{hmC1, hmC2, hmC5}, got[1])
		require.Equal(t, []fixture.Comment{hmC3}, got[2])

		got, err = b.Comments.GetMany(tx, []fixture.Post{hmP1, hmP2}, &memrel.Options{Where: query.Ne("body", "c1"),
			Order: []query.Order{query.Desc("id")}})
		require.NoError(t, err)
		require.Equal(t, [][]fixture.Comment{{hmC5, hmC2}, {hmC3}}, got)

		got, err = b.Comments.GetMany(tx, nil, nil)
		require.NoError(t, err)
		require.Empty(t, got)

		_, err = b.Comments.GetMany(tx, []fixture.Post{hmP1, {ID: 42}}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		return nil
	}))
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// TestModel_FindAll_IncludeAliasesAndSelf: two aliased associations loaded
// at once; a self-association loaded down and up.
func TestModel_FindAll_IncludeAliasesAndSelf(t *testing.T) {
	u := fixture.Authors(t, fixture.AuthorsOptions{})
	db := fixture.MustOpen(t, u.Schema)
	u.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := u.User.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: u.Authored}, {Assoc: u.Edited}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.User{
			{ID: 1, Name: "u1", AuthoredPosts: []fixture.Article{hmA1, hmA2}, EditedPosts: []fixture.Article{hmA3}},
			{ID: 2, Name: "u2", AuthoredPosts: []fixture.Article{hmA3}, EditedPosts: []fixture.Article{hmA1}},
		}, got)
		as, err := u.Article.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1),
			Include: []memrel.Include{{Assoc: u.Authored.Inverse()}, {Assoc: u.Edited.Inverse()}}})
		require.NoError(t, err)
		u1, u2 := hmU1, hmU2
		require.Equal(t, []fixture.Article{{ID: 1, Title: "a1", AuthorID: fixture.I64(1), EditorID: fixture.I64(2), Author: &u1, Editor: &u2}}, as)
		return nil
	}))
	require.Equal(t, fixture.AuthorsSeed(), u.Dump(t, db))

	c := fixture.Categories(t, memrel.HasManyOptions{})
	db = fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		root, err := c.Category.Create(tx, fixture.Category{Name: "root"})
		require.NoError(t, err)
		mid, err := c.Children.Create(tx, root, fixture.Category{Name: "mid"})
		require.NoError(t, err)
		_, err = c.Children.Create(tx, mid, fixture.Category{Name: "leaf"})
		return err
	}))
	root := fixture.Category{ID: 1, Name: "root"}
	mid := fixture.Category{ID: 2, Name: "mid", ParentID: fixture.I64(1)}
	leaf := fixture.Category{ID: 3, Name: "leaf", ParentID: fixture.I64(2)}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := c.Category.FindAll(tx, &memrel.Options{Where: query.IsNull("parentId"),
			Include: []memrel.Include{{Assoc: c.Children, Include: []memrel.Include{{Assoc: c.Children}}}}})
		require.NoError(t, err)
		wantMid := mid
		wantMid.Children = []fixture.Category{leaf}
		wantRoot := root
		wantRoot.Children = []fixture.Category{wantMid}
		require.Equal(t, []fixture.Category{wantRoot}, got)

		got, err = c.Category.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3),
			Include: []memrel.Include{{Assoc: c.Children.Inverse(), Include: []memrel.Include{{Assoc: c.Children.Inverse()}}}}})
		require.NoError(t, err)
		upMid := mid
		upMid.Parent = &root
		upLeaf := leaf
		upLeaf.Parent = &upMid
		require.Equal(t, []fixture.Category{upLeaf}, got)
		return nil
	}))
	require.Equal(t, fixture.Rows{"Category": []fixture.Category{root, mid, leaf}}, c.Dump(t, db))
}

// TestModel_FindAll_IncludeScope: an include through a scoped association
// loads only the targets inside the scope.
func TestModel_FindAll_IncludeScope(t *testing.T) {
	p := fixture.Polymorphic(t)
	db := fixture.MustOpen(t, p.Schema)
	p.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		imgs, err := p.Image.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.ImageComments}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Image{{ID: 1, URL: "i1", Comments: []fixture.Note{hmN1, hmN3}}, {ID: 2, URL: "i2", Comments: []fixture.Note{hmN4}}}, imgs)
		vids, err := p.Video.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.VideoComments, Where: query.Like("body", "%v1")}}})
		require.NoError(t, err)
		require.Equal(t, []fixture.Video{{ID: 1, Title: "v1", Comments: []fixture.Note{hmN2}}}, vids)
		got, err := p.ImageComments.GetMany(tx, []fixture.Image{{ID: 2}, {ID: 1}}, nil)
		require.NoError(t, err)
		require.Equal(t, [][]fixture.Note{{hmN4}, {hmN1, hmN3}}, got)
		return nil
	}))
	require.Equal(t, fixture.PolymorphicSeed(), p.Dump(t, db))
}
