package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// SPEC §2 (declaring hasMany) and §3 (constraints on every write path).

// Expected rows of fixture.AuthorsSeed, by name.
var (
	hmU1 = fixture.User{ID: 1, Name: "u1"}
	hmU2 = fixture.User{ID: 2, Name: "u2"}
	hmA1 = fixture.Article{ID: 1, Title: "a1", AuthorID: fixture.I64(1), EditorID: fixture.I64(2)}
	hmA2 = fixture.Article{ID: 2, Title: "a2", AuthorID: fixture.I64(1)}
	hmA3 = fixture.Article{ID: 3, Title: "a3", AuthorID: fixture.I64(2), EditorID: fixture.I64(1)}
)

// TestHasMany_Info_DefaultsAndBothSides checks the defaults of SPEC §2 and
// the metadata of both sides.
func TestHasMany_Info_DefaultsAndBothSides(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	fixture.MustOpen(t, b.Schema)
	u := fixture.Authors(t, fixture.AuthorsOptions{Edited: memrel.HasManyOptions{OnDelete: memrel.Restrict, OnUpdate: memrel.NoAction}})
	u.Seed(t, fixture.MustOpen(t, u.Schema))
	c := fixture.Categories(t, memrel.HasManyOptions{})
	fixture.MustOpen(t, c.Schema)
	bk := fixture.Books(t, memrel.HasManyOptions{})
	bk.Seed(t, fixture.MustOpen(t, bk.Schema))
	p := fixture.Polymorphic(t)
	p.Seed(t, fixture.MustOpen(t, p.Schema))
	cases := []struct {
		name string
		got  memrel.AssociationInfo
		want memrel.AssociationInfo
	}{
		{"defaults, nullable foreign key", b.Comments.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "Post", Target: "Comment",
			ForeignKey: "postId", SourceKey: "id", As: "comments", Singular: "comment",
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"defaults, inverse", b.Comments.Inverse().Info(), memrel.AssociationInfo{Type: "BelongsTo", Source: "Comment", Target: "Post",
			ForeignKey: "postId", SourceKey: "id", As: "post", Singular: "post",
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"defaults, NOT NULL foreign key cascades; plural of reply", b.Replies.Info(), memrel.AssociationInfo{Type: "HasMany",
			Source: "Comment", Target: "Reply", ForeignKey: "commentId", SourceKey: "id", As: "replies", Singular: "reply",
			OnDelete: memrel.Cascade, OnUpdate: memrel.Cascade, Constraints: true}},
		{"aliased", u.Authored.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "User", Target: "Article",
			ForeignKey: "authorId", SourceKey: "id", As: "authoredPosts", Singular: "authoredPost", IsAliased: true,
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"aliased, explicit actions", u.Edited.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "User", Target: "Article",
			ForeignKey: "editorId", SourceKey: "id", As: "editedPosts", Singular: "editedPost", IsAliased: true,
			OnDelete: memrel.Restrict, OnUpdate: memrel.NoAction, Constraints: true}},
		{"aliased inverse", u.Edited.Inverse().Info(), memrel.AssociationInfo{Type: "BelongsTo", Source: "Article", Target: "User",
			ForeignKey: "editorId", SourceKey: "id", As: "editor", Singular: "editor", IsAliased: true,
			OnDelete: memrel.Restrict, OnUpdate: memrel.NoAction, Constraints: true}},
		{"self-association", c.Children.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "Category", Target: "Category",
			ForeignKey: "parentId", SourceKey: "id", As: "children", Singular: "child", IsAliased: true, IsSelfAssociation: true,
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"self-association inverse", c.Children.Inverse().Info(), memrel.AssociationInfo{Type: "BelongsTo", Source: "Category", Target: "Category",
			ForeignKey: "parentId", SourceKey: "id", As: "parent", Singular: "parent", IsAliased: true, IsSelfAssociation: true,
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"source key, default foreign key from it", bk.Pages.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "Book", Target: "Page",
			ForeignKey: "bookSlug", SourceKey: "slug", As: "pages", Singular: "page",
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"source key inverse", bk.Pages.Inverse().Info(), memrel.AssociationInfo{Type: "BelongsTo", Source: "Page", Target: "Book",
			ForeignKey: "bookSlug", SourceKey: "slug", As: "book", Singular: "book",
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: true}},
		{"scope, no constraints", p.ImageComments.Info(), memrel.AssociationInfo{Type: "HasMany", Source: "Image", Target: "Comment",
			ForeignKey: "commentableId", SourceKey: "id", As: "comments", Singular: "comment", IsAliased: true,
			OnDelete: memrel.SetNull, OnUpdate: memrel.Cascade, Constraints: false,
			Scope: map[string]any{"commentableType": "image"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.got)
		})
	}
}

// TestHasMany_Info_DefaultPluralAndForeignKey: the default alias is the
// target's plural name, the default foreign key the source's name and key.
func TestHasMany_Info_DefaultPluralAndForeignKey(t *testing.T) {
	s := memrel.NewSchema()
	companies := memrel.Define[hmCompany](s, "Company")
	cats := memrel.Define[hmCompanyCat](s, "Category")
	boxes := memrel.Define[hmBox](s, "Box")
	cc := memrel.NewHasMany(companies, cats, memrel.HasManyOptions{})
	cb := memrel.NewHasMany(companies, boxes, memrel.HasManyOptions{})
	_, err := s.Open()
	require.NoError(t, err)
	require.Equal(t, "categories", cc.Info().As)
	require.Equal(t, "category", cc.Info().Singular)
	require.Equal(t, "companyId", cc.Info().ForeignKey)
	require.Equal(t, "company", cc.Inverse().Info().As)
	require.Equal(t, "boxes", cb.Info().As)
	require.Equal(t, "box", cb.Info().Singular)
}

// Local shapes: the default plural and inverse names under test need
// model names (Company, Category, Box) the shared fixture does not have.
type hmCompany struct {
	ID         int64
	Name       string
	Categories []hmCompanyCat
	Boxes      []hmBox
}

type hmCompanyCat struct {
	ID        int64
	CompanyID *int64
}

type hmPlain struct {
	ID   int64
	Name string
}

type hmBox struct {
	ID        int64
	CompanyID *int64
}

// TestHasMany_Info_IsAliasedPerSide: each side is aliased iff its own name was
// given, as Sequelize v7's Association.isAliased (Boolean(options.as), the
// inverse built from options.inverse.as).
func TestHasMany_Info_IsAliasedPerSide(t *testing.T) {
	s := memrel.NewSchema()
	posts := memrel.Define[hmPlain](s, "Post")
	comments := memrel.Define[hmCompanyCat](s, "Comment")
	boxes := memrel.Define[hmBox](s, "Box")
	onlyAs := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "remarks", ForeignKey: "companyId"})
	onlyInverse := memrel.NewHasMany(posts, boxes, memrel.HasManyOptions{Inverse: "topic", ForeignKey: "companyId"})
	_, err := s.Open()
	require.NoError(t, err)
	require.True(t, onlyAs.Info().IsAliased)
	require.False(t, onlyAs.Inverse().Info().IsAliased, "inverse of {As: remarks} took the default name post")
	require.False(t, onlyInverse.Info().IsAliased)
	require.True(t, onlyInverse.Inverse().Info().IsAliased, "inverse named topic explicitly")
}

// TestHasMany_Writes_RefuseDanglingForeignKey: every write path refuses a
// foreign key that matches no source row, with a typed error naming it, and
// changes nothing.
func TestHasMany_Writes_RefuseDanglingForeignKey(t *testing.T) {
	cases := []struct {
		name string
		op   func(tx *memrel.Txn, b *fixture.BlogModels) error
		want memrel.ForeignKeyConstraintError // Reason not compared
	}{
		{"create", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Comment.Create(tx, fixture.Comment{Body: "x", PostID: fixture.I64(99)})
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Comment", ForeignKey: "postId", Value: int64(99), Referenced: "Post", Association: "Post.comments"}},
		{"create, NOT NULL foreign key", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Reply.Create(tx, fixture.Reply{Text: "x", CommentID: 99})
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Reply", ForeignKey: "commentId", Value: int64(99), Referenced: "Comment", Association: "Comment.replies"}},
		{"update", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Comment.Update(tx, fixture.Comment{ID: 4, Body: "c4", PostID: fixture.I64(99)})
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Comment", ForeignKey: "postId", Value: int64(99), Referenced: "Post", Association: "Post.comments"}},
		{"update all", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Comment.UpdateAll(tx, query.Lt("id", 3), map[string]any{"postId": 99})
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Comment", ForeignKey: "postId", Value: int64(99), Referenced: "Post", Association: "Post.comments"}},
		{"inverse SetKey", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Comments.Inverse().SetKey(tx, hmC1, 99)
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Comment", ForeignKey: "postId", Value: int64(99), Referenced: "Post", Association: "Post.comments"}},
		{"inverse SetKey, NOT NULL foreign key", func(tx *memrel.Txn, b *fixture.BlogModels) error {
			_, err := b.Replies.Inverse().SetKey(tx, fixture.Reply{ID: 1}, 99)
			return err
		}, memrel.ForeignKeyConstraintError{Model: "Reply", ForeignKey: "commentId", Value: int64(99), Referenced: "Comment", Association: "Comment.replies"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture.Blog(t, fixture.BlogOptions{})
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			err := db.Update(func(tx *memrel.Txn) error { return tc.op(tx, b) })
			var fk *memrel.ForeignKeyConstraintError
			require.ErrorAs(t, err, &fk)
			require.NotEmpty(t, fk.Reason)
			got := *fk
			got.Reason = ""
			require.Equal(t, tc.want, got)
			require.Contains(t, err.Error(), tc.want.ForeignKey)
			require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
		})
	}
}

// TestHasMany_OnDelete_Rules covers SPEC §3's onDelete rules, destroying p1
// or c1.
func TestHasMany_OnDelete_Rules(t *testing.T) {
	cases := []struct {
		name    string
		opts    fixture.BlogOptions
		destroy func(tx *memrel.Txn, b *fixture.BlogModels) error
		err     any // nil, or a pointer to the expected error type for errors.As
		want    fixture.Rows
	}{
		{
			name:    "cascade, recursively through replies (cascade) to likes (set null)",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Cascade}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP1) },
			want: fixture.Rows{"Post": []fixture.Post{hmP2, hmP3}, "Comment": []fixture.Comment{hmC3, hmC4},
				"Reply": []fixture.Reply{{ID: 3, Text: "r3", CommentID: 3}},
				"Like":  []fixture.Like{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3"}}},
		},
		{
			name: "cascade through three levels",
			opts: fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Cascade},
				Likes: memrel.HasManyOptions{OnDelete: memrel.Cascade}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.DestroyKey(tx, 1) },
			want: fixture.Rows{"Post": []fixture.Post{hmP2, hmP3}, "Comment": []fixture.Comment{hmC3, hmC4},
				"Reply": []fixture.Reply{{ID: 3, Text: "r3", CommentID: 3}}, "Like": []fixture.Like{}},
		},
		{
			name:    "set null (the default of a nullable foreign key)",
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP1) },
			want: fixture.Rows{"Post": []fixture.Post{hmP2, hmP3}, "Comment": []fixture.Comment{{ID: 1, Body: "c1"}, {ID: 2, Body: "c2"},
				hmC3, hmC4, {ID: 5, Body: "c5"}}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:    "set default without a default nulls",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.SetDefault}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP2) },
			want: fixture.Rows{"Post": []fixture.Post{hmP1, hmP3}, "Comment": []fixture.Comment{hmC1, hmC2,
				{ID: 3, Body: "c3"}, hmC4, hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:    "set null on a NOT NULL foreign key",
			opts:    fixture.BlogOptions{Replies: memrel.HasManyOptions{OnDelete: memrel.SetNull}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Comment.Destroy(tx, hmC1) },
			err:     new(*memrel.ValidationError),
			want:    fixture.BlogSeed(),
		},
		{
			name:    "set null on a NOT NULL foreign key, reached by a cascade",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Cascade}, Replies: memrel.HasManyOptions{OnDelete: memrel.SetNull}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP1) },
			err:     new(*memrel.ValidationError),
			want:    fixture.BlogSeed(),
		},
		{
			name:    "restrict",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Restrict}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP1) },
			err:     new(*memrel.ForeignKeyConstraintError),
			want:    fixture.BlogSeed(),
		},
		{
			name:    "restrict without children passes",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Restrict}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP3) },
			want: fixture.Rows{"Post": []fixture.Post{hmP1, hmP2}, "Comment": fixture.BlogSeed()["Comment"],
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:    "no action",
			opts:    fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.NoAction}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP2) },
			err:     new(*memrel.ForeignKeyConstraintError),
			want:    fixture.BlogSeed(),
		},
		{
			name: "restrict deep in a cascade undoes the whole cascade",
			opts: fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Cascade},
				Likes: memrel.HasManyOptions{OnDelete: memrel.Restrict}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error { return b.Post.Destroy(tx, hmP1) },
			err:     new(*memrel.ForeignKeyConstraintError),
			want:    fixture.BlogSeed(),
		},
		{
			name: "destroy all cascades per row",
			opts: fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Cascade}},
			destroy: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Post.DestroyAll(tx, query.Lt("id", 3))
				return err
			},
			want: fixture.Rows{"Post": []fixture.Post{hmP3}, "Comment": []fixture.Comment{hmC4}, "Reply": []fixture.Reply{},
				"Like": []fixture.Like{{ID: 1, Who: "l1"}, {ID: 2, Who: "l2"}, {ID: 3, Who: "l3"}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture.Blog(t, tc.opts)
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			err := db.Update(func(tx *memrel.Txn) error { return tc.destroy(tx, b) })
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorAs(t, err, tc.err)
			}
			require.Equal(t, tc.want, b.Dump(t, db))
		})
	}
}

// TestHasMany_OnDelete_RestrictErrorNamesChild pins the fields of a
// restricted delete.
func TestHasMany_OnDelete_RestrictErrorNamesChild(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: memrel.Restrict}})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	err := db.Update(func(tx *memrel.Txn) error { return b.Post.Destroy(tx, hmP2) })
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "Comment", fk.Model)
	require.Equal(t, "postId", fk.ForeignKey)
	require.Equal(t, int64(2), fk.Value)
	require.Equal(t, "Post", fk.Referenced)
	require.Equal(t, "Post.comments", fk.Association)
	require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
}

// TestHasMany_OnUpdate_Rules covers SPEC §3's onUpdate rules when a primary
// key (here the source key) changes through UpdateKey.
func TestHasMany_OnUpdate_Rules(t *testing.T) {
	rekeyP1 := func(tx *memrel.Txn, b *fixture.BlogModels) error {
		_, err := b.Post.UpdateKey(tx, 1, fixture.Post{ID: 10, Title: "p10"})
		return err
	}
	rekeyC1 := func(tx *memrel.Txn, b *fixture.BlogModels) error {
		_, err := b.Comment.UpdateKey(tx, int64(1), fixture.Comment{ID: 10, Body: "c10", PostID: fixture.I64(1)})
		return err
	}
	cases := []struct {
		name  string
		opts  fixture.BlogOptions
		rekey func(tx *memrel.Txn, b *fixture.BlogModels) error
		err   any
		want  fixture.Rows
	}{
		{
			name:  "cascade (default)",
			rekey: rekeyP1,
			want: fixture.Rows{"Post": []fixture.Post{hmP2, hmP3, {ID: 10, Title: "p10"}}, "Comment": []fixture.Comment{
				{ID: 1, Body: "c1", PostID: fixture.I64(10)}, {ID: 2, Body: "c2", PostID: fixture.I64(10)}, hmC3, hmC4,
				{ID: 5, Body: "c5", PostID: fixture.I64(10)}}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:  "set null",
			opts:  fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: memrel.SetNull}},
			rekey: rekeyP1,
			want: fixture.Rows{"Post": []fixture.Post{hmP2, hmP3, {ID: 10, Title: "p10"}}, "Comment": []fixture.Comment{
				{ID: 1, Body: "c1"}, {ID: 2, Body: "c2"}, hmC3, hmC4, {ID: 5, Body: "c5"}},
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:  "restrict",
			opts:  fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: memrel.Restrict}},
			rekey: rekeyP1,
			err:   new(*memrel.ForeignKeyConstraintError),
			want:  fixture.BlogSeed(),
		},
		{
			name:  "no action",
			opts:  fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: memrel.NoAction}},
			rekey: rekeyP1,
			err:   new(*memrel.ForeignKeyConstraintError),
			want:  fixture.BlogSeed(),
		},
		{
			name: "restrict without children passes",
			opts: fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: memrel.Restrict}},
			rekey: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Post.UpdateKey(tx, 3, fixture.Post{ID: 30, Title: "p30"})
				return err
			},
			want: fixture.Rows{"Post": []fixture.Post{hmP1, hmP2, {ID: 30, Title: "p30"}}, "Comment": fixture.BlogSeed()["Comment"],
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name:  "cascade on a NOT NULL foreign key",
			rekey: rekeyC1,
			want: fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC2, hmC3, hmC4, hmC5,
				{ID: 10, Body: "c10", PostID: fixture.I64(1)}}, "Reply": []fixture.Reply{
				{ID: 1, Text: "r1", CommentID: 10}, {ID: 2, Text: "r2", CommentID: 10},
				{ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}}, "Like": fixture.BlogSeedLikes()},
		},
		{
			name:  "set null on a NOT NULL foreign key",
			opts:  fixture.BlogOptions{Replies: memrel.HasManyOptions{OnUpdate: memrel.SetNull}},
			rekey: rekeyC1,
			err:   new(*memrel.ValidationError),
			want:  fixture.BlogSeed(),
		},
		{
			name: "a key taken by another row",
			rekey: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Post.UpdateKey(tx, 1, fixture.Post{ID: 2, Title: "p1"})
				return err
			},
			err:  new(*memrel.UniqueConstraintError),
			want: fixture.BlogSeed(),
		},
		{
			name: "an unchanged key runs no action",
			opts: fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: memrel.Restrict}},
			rekey: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Post.Update(tx, fixture.Post{ID: 1, Title: "renamed"})
				return err
			},
			want: fixture.Rows{"Post": []fixture.Post{{ID: 1, Title: "renamed"}, hmP2, hmP3}, "Comment": fixture.BlogSeed()["Comment"],
				"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
		{
			name: "update all re-keys with cascade",
			rekey: func(tx *memrel.Txn, b *fixture.BlogModels) error {
				_, err := b.Post.UpdateAll(tx, query.Eq("id", 2), map[string]any{"id": 20})
				return err
			},
			want: fixture.Rows{"Post": []fixture.Post{hmP1, hmP3, {ID: 20, Title: "p2"}}, "Comment": []fixture.Comment{hmC1, hmC2,
				{ID: 3, Body: "c3", PostID: fixture.I64(20)}, hmC4, hmC5}, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture.Blog(t, tc.opts)
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			err := db.Update(func(tx *memrel.Txn) error { return tc.rekey(tx, b) })
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorAs(t, err, tc.err)
			}
			require.Equal(t, tc.want, b.Dump(t, db))
		})
	}
}

// TestHasMany_OnDelete_NoActionIsDeferred: NO ACTION is checked at the end
// of the statement, so a child that another cascade path of the same delete
// removes does not block it (PostgreSQL semantics), whatever the declaration
// order. A child that survives still does.
func TestHasMany_OnDelete_NoActionIsDeferred(t *testing.T) {
	for _, editedFirst := range []bool{false, true} {
		name := "authored declared first"
		if editedFirst {
			name = "edited declared first"
		}
		t.Run(name, func(t *testing.T) {
			u := fixture.Authors(t, fixture.AuthorsOptions{Authored: memrel.HasManyOptions{OnDelete: memrel.Cascade}, Edited: memrel.HasManyOptions{OnDelete: memrel.NoAction, OnUpdate: memrel.NoAction}, EditedFirst: editedFirst})
			db := fixture.MustOpen(t, u.Schema)
			u.Seed(t, db)
			// u2 edits a1 (authored by u1): deleting u2 is blocked.
			err := db.Update(func(tx *memrel.Txn) error { return u.User.Destroy(tx, hmU2) })
			var fk *memrel.ForeignKeyConstraintError
			require.ErrorAs(t, err, &fk)
			require.Equal(t, "editorId", fk.ForeignKey)
			require.Equal(t, int64(2), fk.Value)
			require.Equal(t, fixture.AuthorsSeed(), u.Dump(t, db))
			// Re-point a3's author to u1: a3 is then authored and edited by
			// u1, a1 edited by u2, and deleting u1 cascades over a1, a2, a3.
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				return u.Authored.Add(tx, hmU1, hmA3)
			}))
			// u2 still edits a1, which the cascade deletes: u2 is then free.
			require.NoError(t, db.Update(func(tx *memrel.Txn) error { return u.User.Destroy(tx, hmU1) }))
			require.Equal(t, fixture.Rows{"User": []fixture.User{hmU2}, "Article": []fixture.Article{}}, u.Dump(t, db))
		})
	}
}

// TestHasMany_OnDelete_NoActionChildRemovedBySameStatement: deleting a user
// whose edited article is deleted in the same statement through the authored
// cascade passes.
func TestHasMany_OnDelete_NoActionChildRemovedBySameStatement(t *testing.T) {
	for _, editedFirst := range []bool{false, true} {
		u := fixture.Authors(t, fixture.AuthorsOptions{Authored: memrel.HasManyOptions{OnDelete: memrel.Cascade}, Edited: memrel.HasManyOptions{OnDelete: memrel.NoAction}, EditedFirst: editedFirst})
		db := fixture.MustOpen(t, u.Schema)
		u.Seed(t, db)
		// a3 is authored by u2 and edited by u1; a1 is edited by u2.
		// Deleting u2 cascades to a3 but a1 (edited by u2) survives: fail.
		err := db.Update(func(tx *memrel.Txn) error { return u.User.Destroy(tx, hmU2) })
		require.ErrorAs(t, err, new(*memrel.ForeignKeyConstraintError), "editedFirst=%v", editedFirst)
		require.Equal(t, fixture.AuthorsSeed(), u.Dump(t, db))
		// Make a1 authored by u2: now every article u2 edits is authored
		// by u2 and goes with it.
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return u.Authored.Add(tx, hmU2, hmA1) }))
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return u.User.Destroy(tx, hmU2) }), "editedFirst=%v", editedFirst)
		require.Equal(t, fixture.Rows{"User": []fixture.User{hmU1}, "Article": []fixture.Article{hmA2}}, u.Dump(t, db))
	}
}

// TestHasMany_Set_NoActionCheckedWhenOutermostCallEnds: the deferred check
// runs when the outermost call ends; a Set whose destroyed row leaves a NO
// ACTION child fails as a whole.
func TestHasMany_Set_NoActionCheckedWhenOutermostCallEnds(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{Replies: memrel.HasManyOptions{OnDelete: memrel.NoAction}})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		err := b.Comments.Set(tx, hmP1, []fixture.Comment{hmC2}, &memrel.SetOptions{DestroyPrevious: true})
		require.ErrorAs(t, err, new(*memrel.ForeignKeyConstraintError))
		require.Equal(t, fixture.BlogSeed(), b.DumpTx(t, tx))
		// c2 has no replies: destroying it alone passes.
		return b.Comments.Remove(tx, hmP1, []fixture.Comment{hmC2}, &memrel.RemoveOptions{Destroy: true})
	}))
	require.Equal(t, fixture.Rows{"Post": fixture.BlogSeedPosts(), "Comment": []fixture.Comment{hmC1, hmC3, hmC4, hmC5},
		"Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()}, b.Dump(t, db))
}

// TestHasMany_As_TwoAssociationsDoNotInterfere: two associations between the
// same models do not interfere.
func TestHasMany_As_TwoAssociationsDoNotInterfere(t *testing.T) {
	u := fixture.Authors(t, fixture.AuthorsOptions{})
	db := fixture.MustOpen(t, u.Schema)
	u.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := u.Authored.Get(tx, hmU1, nil)
		require.NoError(t, err)
		require.Equal(t, []fixture.Article{hmA1, hmA2}, got)
		got, err = u.Edited.Get(tx, hmU1, nil)
		require.NoError(t, err)
		require.Equal(t, []fixture.Article{hmA3}, got)
		ok, err := u.Edited.Has(tx, hmU2, hmA1)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = u.Authored.Has(tx, hmU2, hmA1)
		require.NoError(t, err)
		require.False(t, ok)
		return nil
	}))
	steps := []struct {
		name string
		op   func(tx *memrel.Txn) error
		want []fixture.Article
	}{
		{"set authored leaves editors", func(tx *memrel.Txn) error { return u.Authored.Set(tx, hmU2, []fixture.Article{hmA1}, nil) },
			[]fixture.Article{{ID: 1, Title: "a1", AuthorID: fixture.I64(2), EditorID: fixture.I64(2)}, hmA2,
				{ID: 3, Title: "a3", EditorID: fixture.I64(1)}}},
		{"remove edited leaves authors", func(tx *memrel.Txn) error { return u.Edited.RemoveKeys(tx, hmU2, []any{1}, nil) },
			[]fixture.Article{{ID: 1, Title: "a1", AuthorID: fixture.I64(2)}, hmA2, {ID: 3, Title: "a3", EditorID: fixture.I64(1)}}},
		{"add edited", func(tx *memrel.Txn) error { return u.Edited.AddKeys(tx, hmU1, 1, 2) },
			[]fixture.Article{{ID: 1, Title: "a1", AuthorID: fixture.I64(2), EditorID: fixture.I64(1)},
				{ID: 2, Title: "a2", AuthorID: fixture.I64(1), EditorID: fixture.I64(1)}, {ID: 3, Title: "a3", EditorID: fixture.I64(1)}}},
		{"create through one alias", func(tx *memrel.Txn) error {
			_, err := u.Edited.Create(tx, hmU2, fixture.Article{Title: "a4", AuthorID: fixture.I64(1), EditorID: fixture.I64(1)})
			return err
		}, []fixture.Article{{ID: 1, Title: "a1", AuthorID: fixture.I64(2), EditorID: fixture.I64(1)},
			{ID: 2, Title: "a2", AuthorID: fixture.I64(1), EditorID: fixture.I64(1)}, {ID: 3, Title: "a3", EditorID: fixture.I64(1)},
			{ID: 4, Title: "a4", AuthorID: fixture.I64(1), EditorID: fixture.I64(2)}}},
	}
	for _, st := range steps {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return st.op(tx) }), st.name)
		require.Equal(t, fixture.Rows{"User": []fixture.User{hmU1, hmU2}, "Article": st.want}, u.Dump(t, db), st.name)
	}
	// Deleting u1 nulls both foreign keys that point at it, and only those.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return u.User.Destroy(tx, hmU1) }))
	require.Equal(t, fixture.Rows{"User": []fixture.User{hmU2}, "Article": []fixture.Article{
		{ID: 1, Title: "a1", AuthorID: fixture.I64(2)}, {ID: 2, Title: "a2"}, {ID: 3, Title: "a3"},
		{ID: 4, Title: "a4", EditorID: fixture.I64(2)}}}, u.Dump(t, db))
}

// TestHasMany_SelfAssociation_CascadesTerminate: cascades through several
// levels and through a cycle terminate; re-keys cascade, including to a
// row's own reference.
func TestHasMany_SelfAssociation_CascadesTerminate(t *testing.T) {
	c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
	db := fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		// chain 1 <- 2 <- 3 <- 4, and 5 on its own
		var parent *int64
		for _, n := range []string{"c1", "c2", "c3", "c4"} {
			cat, err := c.Category.Create(tx, fixture.Category{Name: n, ParentID: parent})
			require.NoError(t, err)
			parent = fixture.I64(cat.ID)
		}
		_, err := c.Category.Create(tx, fixture.Category{Name: "c5"})
		require.NoError(t, err)
		// cycle 6 <-> 7
		_, err = c.Category.Create(tx, fixture.Category{Name: "c6"})
		require.NoError(t, err)
		_, err = c.Children.Create(tx, fixture.Category{ID: 6}, fixture.Category{Name: "c7"})
		require.NoError(t, err)
		require.NoError(t, c.Children.Add(tx, fixture.Category{ID: 7}, fixture.Category{ID: 6}))
		// 8 is its own parent
		_, err = c.Category.Create(tx, fixture.Category{ID: 8, Name: "c8", ParentID: fixture.I64(8)})
		require.NoError(t, err)
		return nil
	}))
	all := []fixture.Category{
		{ID: 1, Name: "c1"}, {ID: 2, Name: "c2", ParentID: fixture.I64(1)}, {ID: 3, Name: "c3", ParentID: fixture.I64(2)},
		{ID: 4, Name: "c4", ParentID: fixture.I64(3)}, {ID: 5, Name: "c5"},
		{ID: 6, Name: "c6", ParentID: fixture.I64(7)}, {ID: 7, Name: "c7", ParentID: fixture.I64(6)}, {ID: 8, Name: "c8", ParentID: fixture.I64(8)},
	}
	require.Equal(t, fixture.Rows{"Category": all}, c.Dump(t, db))

	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		kids, err := c.Children.Get(tx, fixture.Category{ID: 8}, nil)
		require.NoError(t, err)
		require.Equal(t, []fixture.Category{all[7]}, kids)
		return nil
	}))

	// Re-key 2 -> 20: 3 follows.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := c.Category.UpdateKey(tx, 2, fixture.Category{ID: 20, Name: "c2", ParentID: fixture.I64(1)})
		return err
	}))
	all = []fixture.Category{
		{ID: 1, Name: "c1"}, {ID: 3, Name: "c3", ParentID: fixture.I64(20)},
		{ID: 4, Name: "c4", ParentID: fixture.I64(3)}, {ID: 5, Name: "c5"},
		{ID: 6, Name: "c6", ParentID: fixture.I64(7)}, {ID: 7, Name: "c7", ParentID: fixture.I64(6)}, {ID: 8, Name: "c8", ParentID: fixture.I64(8)},
		{ID: 20, Name: "c2", ParentID: fixture.I64(1)},
	}
	require.Equal(t, fixture.Rows{"Category": all}, c.Dump(t, db))

	// Re-key the self-referencing 8 -> 80: its own reference follows, as
	// PostgreSQL's ON UPDATE CASCADE does.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := c.Category.UpdateKey(tx, 8, fixture.Category{ID: 80, Name: "c8", ParentID: fixture.I64(8)})
		return err
	}))
	all[6] = fixture.Category{ID: 20, Name: "c2", ParentID: fixture.I64(1)}
	all[7] = fixture.Category{ID: 80, Name: "c8", ParentID: fixture.I64(80)}
	require.Equal(t, fixture.Rows{"Category": all}, c.Dump(t, db))

	steps := []struct {
		name string
		key  int64
		want []fixture.Category
	}{
		{"cascade through four levels", 1, []fixture.Category{{ID: 5, Name: "c5"}, {ID: 6, Name: "c6", ParentID: fixture.I64(7)},
			{ID: 7, Name: "c7", ParentID: fixture.I64(6)}, {ID: 80, Name: "c8", ParentID: fixture.I64(80)}}},
		{"cascade around a cycle terminates", 6, []fixture.Category{{ID: 5, Name: "c5"}, {ID: 80, Name: "c8", ParentID: fixture.I64(80)}}},
		{"a row that is its own parent", 80, []fixture.Category{{ID: 5, Name: "c5"}}},
	}
	for _, st := range steps {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.Category.DestroyKey(tx, st.key) }), st.name)
		require.Equal(t, fixture.Rows{"Category": st.want}, c.Dump(t, db), st.name)
	}
}

// TestHasMany_SelfAssociation_SetNullCycle: SET NULL around a cycle.
func TestHasMany_SelfAssociation_SetNullCycle(t *testing.T) {
	c := fixture.Categories(t, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, n := range []string{"a", "b", "c"} {
			_, err := c.Category.Create(tx, fixture.Category{Name: n})
			require.NoError(t, err)
		}
		require.NoError(t, c.Children.AddKeys(tx, fixture.Category{ID: 1}, 2))
		require.NoError(t, c.Children.AddKeys(tx, fixture.Category{ID: 2}, 3))
		require.NoError(t, c.Children.AddKeys(tx, fixture.Category{ID: 3}, 1))
		return nil
	}))
	require.Equal(t, fixture.Rows{"Category": []fixture.Category{{ID: 1, Name: "a", ParentID: fixture.I64(3)}, {ID: 2, Name: "b", ParentID: fixture.I64(1)},
		{ID: 3, Name: "c", ParentID: fixture.I64(2)}}}, c.Dump(t, db))
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.Category.DestroyKey(tx, 2) }))
	require.Equal(t, fixture.Rows{"Category": []fixture.Category{{ID: 1, Name: "a", ParentID: fixture.I64(3)}, {ID: 3, Name: "c"}}}, c.Dump(t, db))
}

// TestHasMany_SourceKey_UniqueNonPrimaryKey: a unique non-PK source key (slug).
func TestHasMany_SourceKey_UniqueNonPrimaryKey(t *testing.T) {
	b := fixture.Books(t, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	bA, bAB, bNone := fixture.Book{ID: 2}, fixture.Book{ID: 1}, fixture.Book{ID: 3}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := b.Pages.Get(tx, bA, nil)
		require.NoError(t, err)
		require.Equal(t, []fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("a")}, {ID: 3, N: 3, BookSlug: fixture.Str("a")}}, got, "slug a, not ab")
		got, err = b.Pages.Get(tx, bAB, nil)
		require.NoError(t, err)
		require.Equal(t, []fixture.Page{{ID: 2, N: 2, BookSlug: fixture.Str("ab")}}, got)
		_, err = b.Pages.Get(tx, bNone, nil)
		require.ErrorAs(t, err, new(*memrel.AssociationError), "a source with a NULL source key")
		parent, ok, err := b.Pages.Inverse().Get(tx, fixture.Page{ID: 2})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, fixture.Book{ID: 1, Slug: fixture.Str("ab"), Title: "b1"}, parent)
		return nil
	}))
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.Page.Create(tx, fixture.Page{N: 5, BookSlug: fixture.Str("zz")})
		return err
	})
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "Page", fk.Model)
	require.Equal(t, "bookSlug", fk.ForeignKey)
	require.Equal(t, "zz", fk.Value)
	require.Equal(t, "Book.pages", fk.Association)
	require.Equal(t, fixture.BooksSeed(), b.Dump(t, db))

	err = db.Update(func(tx *memrel.Txn) error { return b.Pages.Add(tx, bNone, fixture.Page{ID: 4}) })
	require.ErrorAs(t, err, new(*memrel.AssociationError))
	require.Equal(t, fixture.BooksSeed(), b.Dump(t, db))

	steps := []struct {
		name  string
		op    func(tx *memrel.Txn) error
		books []fixture.Book
		pages []fixture.Page
	}{
		{"add writes the slug", func(tx *memrel.Txn) error { return b.Pages.AddKeys(tx, bAB, 4) },
			[]fixture.Book{{ID: 1, Slug: fixture.Str("ab"), Title: "b1"}, {ID: 2, Slug: fixture.Str("a"), Title: "b2"}, {ID: 3, Title: "b3"}},
			[]fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("a")}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")},
				{ID: 3, N: 3, BookSlug: fixture.Str("a")}, {ID: 4, N: 4, BookSlug: fixture.Str("ab")}}},
		{"changing the slug cascades", func(tx *memrel.Txn) error {
			_, err := b.Book.Update(tx, fixture.Book{ID: 2, Slug: fixture.Str("b"), Title: "b2"})
			return err
		},
			[]fixture.Book{{ID: 1, Slug: fixture.Str("ab"), Title: "b1"}, {ID: 2, Slug: fixture.Str("b"), Title: "b2"}, {ID: 3, Title: "b3"}},
			[]fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("b")}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")},
				{ID: 3, N: 3, BookSlug: fixture.Str("b")}, {ID: 4, N: 4, BookSlug: fixture.Str("ab")}}},
		{"changing the primary key only leaves the pages", func(tx *memrel.Txn) error {
			_, err := b.Book.UpdateKey(tx, 1, fixture.Book{ID: 10, Slug: fixture.Str("ab"), Title: "b1"})
			return err
		},
			[]fixture.Book{{ID: 2, Slug: fixture.Str("b"), Title: "b2"}, {ID: 3, Title: "b3"}, {ID: 10, Slug: fixture.Str("ab"), Title: "b1"}},
			[]fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("b")}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")},
				{ID: 3, N: 3, BookSlug: fixture.Str("b")}, {ID: 4, N: 4, BookSlug: fixture.Str("ab")}}},
		{"giving a slug to a book", func(tx *memrel.Txn) error {
			_, err := b.Book.Update(tx, fixture.Book{ID: 3, Slug: fixture.Str("c"), Title: "b3"})
			if err == nil {
				_, err = b.Pages.Create(tx, fixture.Book{ID: 3}, fixture.Page{N: 5})
			}
			return err
		},
			[]fixture.Book{{ID: 2, Slug: fixture.Str("b"), Title: "b2"}, {ID: 3, Slug: fixture.Str("c"), Title: "b3"}, {ID: 10, Slug: fixture.Str("ab"), Title: "b1"}},
			[]fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("b")}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")},
				{ID: 3, N: 3, BookSlug: fixture.Str("b")}, {ID: 4, N: 4, BookSlug: fixture.Str("ab")}, {ID: 5, N: 5, BookSlug: fixture.Str("c")}}},
		{"destroying a book nulls its pages' slug", func(tx *memrel.Txn) error { return b.Book.DestroyKey(tx, 10) },
			[]fixture.Book{{ID: 2, Slug: fixture.Str("b"), Title: "b2"}, {ID: 3, Slug: fixture.Str("c"), Title: "b3"}},
			[]fixture.Page{{ID: 1, N: 1, BookSlug: fixture.Str("b")}, {ID: 2, N: 2},
				{ID: 3, N: 3, BookSlug: fixture.Str("b")}, {ID: 4, N: 4}, {ID: 5, N: 5, BookSlug: fixture.Str("c")}}},
	}
	for _, st := range steps {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return st.op(tx) }), st.name)
		require.Equal(t, fixture.Rows{"Book": st.books, "Page": st.pages}, b.Dump(t, db), st.name)
	}
}

// TestHasMany_SourceKey_OnUpdateRestrictAndSetNull: RESTRICT on a slug
// change, SET NULL too.
func TestHasMany_SourceKey_OnUpdateRestrictAndSetNull(t *testing.T) {
	rename := func(db *memrel.Store, b *fixture.BookModels) error {
		return db.Update(func(tx *memrel.Txn) error {
			_, err := b.Book.Update(tx, fixture.Book{ID: 2, Slug: fixture.Str("b"), Title: "b2"})
			return err
		})
	}
	b := fixture.Books(t, memrel.HasManyOptions{OnUpdate: memrel.Restrict})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.ErrorAs(t, rename(db, b), new(*memrel.ForeignKeyConstraintError))
	require.Equal(t, fixture.BooksSeed(), b.Dump(t, db))

	b = fixture.Books(t, memrel.HasManyOptions{OnUpdate: memrel.SetNull})
	db = fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, rename(db, b))
	require.Equal(t, fixture.Rows{
		"Book": []fixture.Book{{ID: 1, Slug: fixture.Str("ab"), Title: "b1"}, {ID: 2, Slug: fixture.Str("b"), Title: "b2"}, {ID: 3, Title: "b3"}},
		"Page": []fixture.Page{{ID: 1, N: 1}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")}, {ID: 3, N: 3}, {ID: 4, N: 4}},
	}, b.Dump(t, db))
}

// TestHasMany_SourceKey_UpdateToNullCascadesNull: setting the source key to
// NULL under ON UPDATE CASCADE sets the children's foreign key to NULL, as
// PostgreSQL does (the new value is NULL); it is not a delete.
func TestHasMany_SourceKey_UpdateToNullCascadesNull(t *testing.T) {
	b := fixture.Books(t, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Book.Update(tx, fixture.Book{ID: 2, Title: "b2"})
		return err
	}))
	require.Equal(t, fixture.Rows{
		"Book": []fixture.Book{{ID: 1, Slug: fixture.Str("ab"), Title: "b1"}, {ID: 2, Title: "b2"}, {ID: 3, Title: "b3"}},
		"Page": []fixture.Page{{ID: 1, N: 1}, {ID: 2, N: 2, BookSlug: fixture.Str("ab")}, {ID: 3, N: 3}, {ID: 4, N: 4}},
	}, b.Dump(t, db))
}

// TestHasMany_NoConstraints_LeavesDanglingKeys: constraints: false leaves
// dangling foreign keys and ignores parent deletes and key changes.
func TestHasMany_NoConstraints_LeavesDanglingKeys(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{Comments: memrel.HasManyOptions{NoConstraints: true, OnDelete: memrel.Cascade}})
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	steps := []struct {
		name     string
		op       func(tx *memrel.Txn) error
		posts    []fixture.Post
		comments []fixture.Comment
	}{
		{"dangling foreign key on create", func(tx *memrel.Txn) error {
			_, err := b.Comment.Create(tx, fixture.Comment{Body: "c6", PostID: fixture.I64(99)})
			return err
		}, fixture.BlogSeedPosts(), []fixture.Comment{hmC1, hmC2, hmC3, hmC4, hmC5, {ID: 6, Body: "c6", PostID: fixture.I64(99)}}},
		{"parent delete leaves children", func(tx *memrel.Txn) error { return b.Post.Destroy(tx, hmP1) },
			[]fixture.Post{hmP2, hmP3}, []fixture.Comment{hmC1, hmC2, hmC3, hmC4, hmC5, {ID: 6, Body: "c6", PostID: fixture.I64(99)}}},
		{"parent key change leaves children", func(tx *memrel.Txn) error {
			_, err := b.Post.UpdateKey(tx, 2, fixture.Post{ID: 20, Title: "p2"})
			return err
		}, []fixture.Post{hmP3, {ID: 20, Title: "p2"}}, []fixture.Comment{hmC1, hmC2, hmC3, hmC4, hmC5, {ID: 6, Body: "c6", PostID: fixture.I64(99)}}},
		{"dangling foreign key through the inverse", func(tx *memrel.Txn) error {
			_, err := b.Comments.Inverse().SetKey(tx, hmC4, 77)
			return err
		}, []fixture.Post{hmP3, {ID: 20, Title: "p2"}}, []fixture.Comment{hmC1, hmC2, hmC3,
			{ID: 4, Body: "c4", PostID: fixture.I64(77)}, hmC5, {ID: 6, Body: "c6", PostID: fixture.I64(99)}}},
	}
	for _, st := range steps {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return st.op(tx) }), st.name)
		require.Equal(t, fixture.Rows{"Post": st.posts, "Comment": st.comments, "Reply": fixture.BlogSeedReplies(), "Like": fixture.BlogSeedLikes()},
			b.Dump(t, db), st.name)
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		_, ok, err := b.Comments.Inverse().Get(tx, hmC1)
		require.NoError(t, err)
		require.False(t, ok, "dangling reference has no parent")
		got, err := b.Comments.Get(tx, fixture.Post{ID: 20}, nil)
		require.NoError(t, err)
		require.Empty(t, got)
		return nil
	}))
}

// TestHasMany_OnUpdate_ErrorNamesOnUpdateRule: a key change blocked by
// RESTRICT or NO ACTION names the onUpdate rule, not onDelete.
func TestHasMany_OnUpdate_ErrorNamesOnUpdateRule(t *testing.T) {
	for _, act := range []memrel.Action{memrel.Restrict, memrel.NoAction} {
		t.Run(act.String(), func(t *testing.T) {
			b := fixture.Blog(t, fixture.BlogOptions{Comments: memrel.HasManyOptions{OnUpdate: act, OnDelete: memrel.Cascade}})
			db := fixture.MustOpen(t, b.Schema)
			b.Seed(t, db)
			err := db.Update(func(tx *memrel.Txn) error {
				_, err := b.Post.UpdateKey(tx, 2, fixture.Post{ID: 20, Title: "p2"})
				return err
			})
			var fk *memrel.ForeignKeyConstraintError
			require.ErrorAs(t, err, &fk)
			require.Contains(t, fk.Reason, "onUpdate "+act.String())
			require.Equal(t, fixture.BlogSeed(), b.Dump(t, db))
		})
	}
}

// TestModel_DestroyAll_CountsRowsACascadeRemoved: DestroyAll returns how
// many rows matched, as PostgreSQL's DELETE reports them, even when an
// earlier matched row's cascade deleted a later one first.
func TestModel_DestroyAll_CountsRowsACascadeRemoved(t *testing.T) {
	c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
	db := fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var parent *int64
		for _, n := range []string{"a", "b", "c"} {
			cat, err := c.Category.Create(tx, fixture.Category{Name: n, ParentID: parent})
			require.NoError(t, err)
			parent = fixture.I64(cat.ID)
		}
		_, err := c.Category.Create(tx, fixture.Category{Name: "other"})
		return err
	}))
	var n int
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		n, err = c.Category.DestroyAll(tx, query.Lt("id", 4))
		return err
	}))
	require.Equal(t, fixture.Rows{"Category": []fixture.Category{{ID: 4, Name: "other"}}}, c.Dump(t, db))
	require.Equal(t, 3, n)
}

// TestModel_DestroyAll_NoActionSelfAssociationIsDeferred: NO ACTION is
// checked at the end of the statement, so one DestroyAll may delete a parent
// and all its children of a self-association; leaving a child behind fails
// as a whole.
func TestModel_DestroyAll_NoActionSelfAssociationIsDeferred(t *testing.T) {
	c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.NoAction})
	db := fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var parent *int64
		for _, n := range []string{"a", "b", "c"} {
			cat, err := c.Category.Create(tx, fixture.Category{Name: n, ParentID: parent})
			require.NoError(t, err)
			parent = fixture.I64(cat.ID)
		}
		return nil
	}))
	chain := []fixture.Category{{ID: 1, Name: "a"}, {ID: 2, Name: "b", ParentID: fixture.I64(1)}, {ID: 3, Name: "c", ParentID: fixture.I64(2)}}
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := c.Category.DestroyAll(tx, query.Lt("id", 3))
		return err
	})
	require.ErrorAs(t, err, new(*memrel.ForeignKeyConstraintError))
	require.Equal(t, fixture.Rows{"Category": chain}, c.Dump(t, db))
	var n int
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		n, err = c.Category.DestroyAll(tx, query.Gt("id", 0))
		return err
	}))
	require.Equal(t, 3, n)
	require.Equal(t, fixture.Rows{"Category": []fixture.Category{}}, c.Dump(t, db))
}

// Local shape (hmThread): Topic hasMany Msg (topicId, CASCADE) and Msg
// hasMany Msg (replies through parentId, CASCADE), so one Msg row can be
// reached both as a topic's child and as another message's reply.
type hmTopic struct {
	ID   int64
	Name string
}

type hmMsg struct {
	ID       int64
	Text     string
	TopicID  *int64
	ParentID *int64
}

// TestHasMany_Cascade_ReachesLaterListedRow: when an operation lists several
// rows and acting on one cascades to another listed row, the later row is
// acted on as stored now (gone), not as listed. Each case's reply m2 belongs
// to the topic and to m1, and deleting m1 cascades to it.
func TestHasMany_Cascade_ReachesLaterListedRow(t *testing.T) {
	cases := []struct {
		name string
		op   func(tx *memrel.Txn, tm *memrel.HasMany[hmTopic, hmMsg], topics *memrel.Model[hmTopic]) error
	}{
		{"destroy topic", func(tx *memrel.Txn, _ *memrel.HasMany[hmTopic, hmMsg], topics *memrel.Model[hmTopic]) error {
			return topics.DestroyKey(tx, 1)
		}},
		{"set with destroyPrevious", func(tx *memrel.Txn, tm *memrel.HasMany[hmTopic, hmMsg], _ *memrel.Model[hmTopic]) error {
			return tm.SetKeys(tx, hmTopic{ID: 1}, nil, &memrel.SetOptions{DestroyPrevious: true})
		}},
		{"remove with destroy", func(tx *memrel.Txn, tm *memrel.HasMany[hmTopic, hmMsg], _ *memrel.Model[hmTopic]) error {
			return tm.RemoveKeys(tx, hmTopic{ID: 1}, []any{1, 2}, &memrel.RemoveOptions{Destroy: true})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memrel.NewSchema()
			topics := memrel.Define[hmTopic](s, "Topic")
			msgs := memrel.Define[hmMsg](s, "Msg")
			tm := memrel.NewHasMany(topics, msgs, memrel.HasManyOptions{OnDelete: memrel.Cascade})
			memrel.NewHasMany(msgs, msgs, memrel.HasManyOptions{As: "replies", ForeignKey: "parentId", OnDelete: memrel.Cascade})
			db, err := s.Open()
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				_, err := topics.Create(tx, hmTopic{Name: "t"})
				require.NoError(t, err)
				_, err = topics.Create(tx, hmTopic{Name: "u"})
				require.NoError(t, err)
				for _, m := range []hmMsg{
					{Text: "m1", TopicID: fixture.I64(1)},
					{Text: "m2", TopicID: fixture.I64(1), ParentID: fixture.I64(1)},
					{Text: "m3", TopicID: fixture.I64(2)},
				} {
					_, err := msgs.Create(tx, m)
					require.NoError(t, err)
				}
				return nil
			}))
			require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.op(tx, tm, topics) }))
			var got []hmMsg
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				got, err = msgs.FindAll(tx, nil)
				return err
			}))
			require.Equal(t, []hmMsg{{ID: 3, Text: "m3", TopicID: fixture.I64(2)}}, got)
		})
	}
}

// Local shape: Volume's foreign key carries a second, tagged index, which
// no shared fixture type has.
type hmWriter struct {
	ID      int64
	Name    string
	Volumes []hmVolume
}

type hmVolume struct {
	ID       int64
	Title    string
	WriterID *int64 `memrel:"writerId,index"`
}

type hmPrize struct {
	ID       int64
	WriterID int64
}

// TestHasMany_Cascade_DeletesLeafRowsTogether: a cascade to several rows of
// a table that no constraint references deletes them together (one subtree
// of the foreign key index). The rows must be gone from every index, come
// back whole when the call fails later, and include rows moved under the
// parent earlier in the transaction, but not rows moved away from it. The
// books' foreign key is also tagged index, so a second, full index on it
// must agree too.
func TestHasMany_Cascade_DeletesLeafRowsTogether(t *testing.T) {
	s := memrel.NewSchema()
	writers := memrel.Define[hmWriter](s, "Writer")
	volumes := memrel.Define[hmVolume](s, "Volume")
	prizes := memrel.Define[hmPrize](s, "Prize")
	ab := memrel.NewHasMany(writers, volumes, memrel.HasManyOptions{OnDelete: memrel.Cascade})
	memrel.NewHasMany(writers, prizes, memrel.HasManyOptions{OnDelete: memrel.Restrict})
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for a := int64(1); a <= 3; a++ {
			if _, err := writers.Create(tx, hmWriter{ID: a}); err != nil {
				return err
			}
			for b := range int64(3) {
				if _, err := volumes.Create(tx, hmVolume{ID: 10*a + b, WriterID: fixture.I64(a)}); err != nil {
					return err
				}
			}
		}
		_, err := prizes.Create(tx, hmPrize{ID: 1, WriterID: 2})
		return err
	}))
	// state lists each author's volumes through the association index, the
	// full index on the column, and the primary key.
	state := func(tx *memrel.Txn) map[int64][]int64 {
		t.Helper()
		got := map[int64][]int64{}
		for a := int64(0); a <= 3; a++ {
			rows, err := volumes.FindAll(tx, &memrel.Options{Where: query.Eq("writerId", a), Order: []query.Order{query.Desc("writerId"), query.Asc("id")}})
			require.NoError(t, err)
			for _, r := range rows {
				again, ok, err := volumes.FindByPK(tx, r.ID)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, r, again)
				got[a] = append(got[a], r.ID)
			}
			if a > 0 {
				kids, err := ab.Get(tx, hmWriter{ID: a}, nil)
				if err == nil {
					ids := make([]int64, len(kids))
					for i, k := range kids {
						ids[i] = k.ID
					}
					require.Equal(t, got[a], ids, "author %d", a)
				}
			}
		}
		n, err := volumes.Count(tx, nil)
		require.NoError(t, err)
		total := 0
		for _, ids := range got {
			total += len(ids)
		}
		require.Equal(t, n, total, "every stored book has an author key")
		return got
	}
	seed := map[int64][]int64{1: {10, 11, 12}, 2: {20, 21, 22}, 3: {30, 31, 32}}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		require.Equal(t, seed, state(tx))
		return nil
	}))

	// Author 1's volumes go at once, then author 2's award restricts: the
	// whole call is undone, inside a transaction that goes on.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := writers.DestroyAll(tx, query.Lt("id", int64(3)))
		require.ErrorAs(t, err, new(*memrel.ForeignKeyConstraintError))
		require.Equal(t, seed, state(tx))
		return nil
	}))

	// Moves earlier in the transaction are seen: 21 joins author 1 and
	// 12 leaves it before author 1 goes.
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if err := ab.AddKeys(tx, hmWriter{ID: 1}, int64(21)); err != nil {
			return err
		}
		if err := ab.AddKeys(tx, hmWriter{ID: 3}, int64(12)); err != nil {
			return err
		}
		if err := writers.DestroyKey(tx, int64(1)); err != nil {
			return err
		}
		require.Equal(t, map[int64][]int64{2: {20, 22}, 3: {12, 30, 31, 32}}, state(tx))
		for _, id := range []int64{10, 11, 21} {
			_, ok, err := volumes.FindByPK(tx, id)
			require.NoError(t, err)
			require.False(t, ok, "volume %d is gone", id)
		}
		return nil
	}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		require.Equal(t, map[int64][]int64{2: {20, 22}, 3: {12, 30, 31, 32}}, state(tx))
		return nil
	}))
}
