package memrel_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// nestedBlog opens the shared blog fixture (Post > Comment > Reply >
// Like) on an empty store.
func nestedBlog(t *testing.T) (*fixture.BlogModels, *memrel.Store) {
	t.Helper()
	b := fixture.Blog(t, fixture.BlogOptions{})
	return b, fixture.MustOpen(t, b.Schema)
}

func TestModel_Create_NestedHasMany_WritesTheForeignKeys(t *testing.T) {
	b, db := nestedBlog(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := b.Post.Create(tx, fixture.Post{Title: "p", Comments: []fixture.Comment{
			{Body: "a", PostID: fixture.I64(99)}, // the store's key wins over the caller's
			{Body: "b"},
		}}, memrel.Include{Assoc: b.Comments})
		require.NoError(t, err)
		require.Equal(t, fixture.Post{ID: 1, Title: "p", Comments: []fixture.Comment{
			{ID: 1, Body: "a", PostID: fixture.I64(1)},
			{ID: 2, Body: "b", PostID: fixture.I64(1)},
		}}, got)
		return nil
	}))
	require.Equal(t, []fixture.Comment{
		{ID: 1, Body: "a", PostID: fixture.I64(1)},
		{ID: 2, Body: "b", PostID: fixture.I64(1)},
	}, b.Dump(t, db)["Comment"])
}

// TestModel_Create_NestedDepthThree creates a post, its comments, their
// replies and the replies' likes in one call: each level is created after
// the one above, in input order, so the ids follow the levels.
func TestModel_Create_NestedDepthThree(t *testing.T) {
	b, db := nestedBlog(t)
	in := fixture.Post{Title: "p", Comments: []fixture.Comment{
		{Body: "c1", Replies: []fixture.Reply{
			{Text: "r1", Likes: []fixture.Like{{Who: "ann"}, {Who: "bob"}}},
			{Text: "r2"},
		}},
		{Body: "c2", Replies: []fixture.Reply{{Text: "r3", Likes: []fixture.Like{{Who: "cy"}}}}},
	}}
	inc := memrel.Include{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies,
		Include: []memrel.Include{{Assoc: b.Likes}}}}}
	var got fixture.Post
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		got, err = b.Post.Create(tx, in, inc)
		return err
	}))
	want := fixture.Post{ID: 1, Title: "p", Comments: []fixture.Comment{
		{ID: 1, Body: "c1", PostID: fixture.I64(1), Replies: []fixture.Reply{
			{ID: 1, Text: "r1", CommentID: 1, Likes: []fixture.Like{
				{ID: 1, Who: "ann", ReplyID: fixture.I64(1)}, {ID: 2, Who: "bob", ReplyID: fixture.I64(1)}}},
			{ID: 2, Text: "r2", CommentID: 1, Likes: []fixture.Like{}},
		}},
		{ID: 2, Body: "c2", PostID: fixture.I64(1), Replies: []fixture.Reply{
			{ID: 3, Text: "r3", CommentID: 2, Likes: []fixture.Like{{ID: 3, Who: "cy", ReplyID: fixture.I64(3)}}},
		}},
	}}
	require.Equal(t, want, got)
	// What a read with the same includes returns is what Create returned.
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		read, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{inc}})
		require.Equal(t, []fixture.Post{want}, read)
		return err
	}))
	// The caller's value is untouched, and the result shares nothing with
	// the store.
	require.Nil(t, in.Comments[0].PostID)
	got.Comments[0].Replies[0].Likes[0].Who = "mallory"
	require.Equal(t, "ann", b.Dump(t, db)["Like"].([]fixture.Like)[0].Who)
}

// TestModel_Create_NestedBelongsTo_CreatesTheParentFirst: the comment
// points at the post created with it.
func TestModel_Create_NestedBelongsTo_CreatesTheParentFirst(t *testing.T) {
	b, db := nestedBlog(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "older"})
		require.NoError(t, err)
		got, err := b.Reply.Create(tx, fixture.Reply{Text: "r", CommentID: 7, Comment: &fixture.Comment{Body: "c",
			Post: &fixture.Post{Title: "parent"}}},
			memrel.Include{Assoc: b.Replies.Inverse(), Include: []memrel.Include{{Assoc: b.Comments.Inverse()}}})
		require.NoError(t, err)
		require.Equal(t, fixture.Reply{ID: 1, Text: "r", CommentID: 1, Comment: &fixture.Comment{ID: 1, Body: "c",
			PostID: fixture.I64(2), Post: &fixture.Post{ID: 2, Title: "parent"}}}, got)
		return nil
	}))
	dump := b.Dump(t, db)
	require.Equal(t, []fixture.Post{{ID: 1, Title: "older"}, {ID: 2, Title: "parent"}}, dump["Post"])
	require.Equal(t, []fixture.Comment{{ID: 1, Body: "c", PostID: fixture.I64(2)}}, dump["Comment"])
	require.Equal(t, []fixture.Reply{{ID: 1, Text: "r", CommentID: 1}}, dump["Reply"])
}

func TestModel_Create_NestedHasOne(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		got, err := b.users.Create(tx, hoUser{Name: "u", Profile: &hoProfile{Bio: "b", UserID: fixture.I64(9)},
			Passport: &hoPassport{Number: "N1"}},
			memrel.Include{Assoc: b.profile}, memrel.Include{Assoc: b.passport})
		require.NoError(t, err)
		require.Equal(t, hoUser{ID: 1, Name: "u", Profile: &hoProfile{ID: 1, Bio: "b", UserID: fixture.I64(1)},
			Passport: &hoPassport{ID: 1, Number: "N1", UserID: 1}}, got)
		// An included hasOne left nil creates nothing and reads back nil.
		got, err = b.users.Create(tx, hoUser{Name: "v"}, memrel.Include{Assoc: b.profile})
		require.NoError(t, err)
		require.Equal(t, hoUser{ID: 2, Name: "v"}, got)
		return nil
	}))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b", UserID: fixture.I64(1)}}, b.profilesNow(t))
}

// TestModel_Create_NestedBelongsToMany creates the targets, then one join
// row per target from the join model's defaults, and nests through the
// other side: the new tags' own new posts.
func TestModel_Create_NestedBelongsToMany(t *testing.T) {
	bi := biOpen(t)
	posts, joins, pt, db := bi.posts, bi.joins, bi.pt, bi.db
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := posts.Create(tx, biPost{Title: "p", Tags: []biTag{
			{Name: "a"},
			{Name: "b", Posts: []*biPost{{Title: "q"}}},
		}}, memrel.Include{Assoc: pt, Include: []memrel.Include{{Assoc: pt.Inverse()}}})
		require.NoError(t, err)
		require.Equal(t, biPost{ID: 1, Title: "p", Tags: []biTag{
			{ID: 1, Name: "a", Posts: []*biPost{}},
			{ID: 2, Name: "b", Posts: []*biPost{{ID: 2, Title: "q"}}},
		}}, got)
		all, err := joins.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []btPostTag{{PostID: 1, TagID: 1}, {PostID: 1, TagID: 2}, {PostID: 2, TagID: 2}}, all)
		return nil
	}))
}

// TestModel_Create_NestedWritesTheScope: a scoped hasMany's children get
// the scope values, whatever they held.
func TestModel_Create_NestedWritesTheScope(t *testing.T) {
	p := fixture.Polymorphic(t)
	db := fixture.MustOpen(t, p.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := p.Image.Create(tx, fixture.Image{URL: "u", Comments: []fixture.Note{{Body: "n", CommentableType: fixture.Str("video")}}},
			memrel.Include{Assoc: p.ImageComments})
		require.NoError(t, err)
		require.Equal(t, []fixture.Note{{ID: 1, Body: "n", CommentableID: fixture.I64(1), CommentableType: fixture.Str("image")}}, got.Comments)
		return nil
	}))
}

// TestModel_Create_NestedFailingGrandchild_CreatesNothing: a like that
// collides with its sibling fails the call after its post, comment and
// reply were created; all of them go, and no id is taken.
func TestModel_Create_NestedFailingGrandchild_CreatesNothing(t *testing.T) {
	b, db := nestedBlog(t)
	inc := memrel.Include{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies,
		Include: []memrel.Include{{Assoc: b.Likes}}}}}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		before := b.DumpTx(t, tx)
		_, err := b.Post.Create(tx, fixture.Post{Title: "p", Comments: []fixture.Comment{{Body: "c", Replies: []fixture.Reply{
			{Text: "r", Likes: []fixture.Like{{ID: 5, Who: "a"}, {ID: 5, Who: "b"}}}}}}}, inc)
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue)
		require.Equal(t, "Like", ue.Model)
		require.Equal(t, before, b.DumpTx(t, tx), "nothing of the graph is left")
		// The transaction goes on, and the ids the failed call drew are
		// drawn again.
		got, err := b.Post.Create(tx, fixture.Post{Title: "q", Comments: []fixture.Comment{{Body: "d"}}}, inc)
		require.NoError(t, err)
		require.Equal(t, int64(1), got.ID)
		require.Equal(t, int64(1), got.Comments[0].ID)
		return nil
	}))
}

// TestModel_Create_NestedParentFails_BeforeAnyChild: a parent failing its
// own check is the error, though its child would fail too.
func TestModel_Create_NestedParentFails_BeforeAnyChild(t *testing.T) {
	m := fixture.Strict(t)
	db := fixture.MustOpen(t, m.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.Post.Create(tx, fixture.StrictPost{Slug: "a"})
		require.NoError(t, err)
		_, err = m.Post.Create(tx, fixture.StrictPost{Slug: "a", Comments: []fixture.StrictComment{{Body: nil}}},
			memrel.Include{Assoc: m.Comments})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue, "the post's duplicate slug, not the comment's NULL body")
		require.Equal(t, "Post", ue.Model)
		// A child failing its NOT NULL is the error when the parent is good.
		_, err = m.Post.Create(tx, fixture.StrictPost{Slug: "b", Comments: []fixture.StrictComment{
			{Body: fixture.Str("ok")}, {Body: nil}}}, memrel.Include{Assoc: m.Comments})
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "Comment", ve.Model)
		n, err := m.Post.Count(tx, nil)
		require.Equal(t, 1, n)
		return err
	}))
}

// TestModel_Create_NestedNullSourceKey: children need their parent's
// source key, and a parent created with NULL there can have none.
func TestModel_Create_NestedNullSourceKey(t *testing.T) {
	b := fixture.Books(t, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, b.Schema)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.Book.Create(tx, fixture.Book{Title: "no slug", Pages: []fixture.Page{{N: 1}}},
			memrel.Include{Assoc: b.Pages})
		return err
	})
	var ae *memrel.AssociationError
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Reason, "NULL slug")
	require.Equal(t, fixture.Rows{"Book": []fixture.Book{}, "Page": []fixture.Page{}}, b.Dump(t, db))
}

// TestModel_Create_NestedUnincludedField_Fails: rows in an association
// field at any depth need an include of their own.
func TestModel_Create_NestedUnincludedField_Fails(t *testing.T) {
	b, db := nestedBlog(t)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "p", Comments: []fixture.Comment{
			{Body: "c", Replies: []fixture.Reply{{Text: "not included"}}}}}, memrel.Include{Assoc: b.Comments})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrAssociationField)
	var fe *memrel.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, [2]string{"Comment", "Replies"}, [2]string{fe.Model, fe.Field})
	require.Equal(t, fixture.Rows{"Post": []fixture.Post{}, "Comment": []fixture.Comment{}, "Reply": []fixture.Reply{},
		"Like": []fixture.Like{}}, b.Dump(t, db))
}

// TestModel_Create_IncludeReadOption_Refused sets each field of Include
// but Assoc and Include in turn: every one shapes a read, which a create
// cannot honour, so each fails the call (and a field added to Include
// fails this test until Create decides about it).
func TestModel_Create_IncludeReadOption_Refused(t *testing.T) {
	b, db := nestedBlog(t)
	typ := reflect.TypeFor[memrel.Include]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Name == "Assoc" || f.Name == "Include" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			inc := memrel.Include{Assoc: b.Comments}
			v := reflect.ValueOf(&inc).Elem().Field(i)
			switch f.Type {
			case reflect.TypeFor[query.Cond]():
				v.Set(reflect.ValueOf(query.Eq("body", "x")))
			case reflect.TypeFor[memrel.Requirement]():
				v.Set(reflect.ValueOf(memrel.Optional))
			case reflect.TypeFor[bool]():
				v.SetBool(true)
			case reflect.TypeFor[int]():
				v.SetInt(1)
			case reflect.TypeFor[[]string]():
				v.Set(reflect.ValueOf([]string{"body"}))
			case reflect.TypeFor[[]query.Order]():
				v.Set(reflect.ValueOf([]query.Order{query.Asc("id")}))
			default:
				t.Fatalf("Include.%s is new: decide what Create does with it, and give it a value here", f.Name)
			}
			for _, incs := range [][]memrel.Include{{inc}, {{Assoc: b.Comments.Inverse(), Include: []memrel.Include{inc}}}} {
				err := db.Update(func(tx *memrel.Txn) error {
					_, err := b.Post.Create(tx, fixture.Post{Title: "p"}, incs...)
					return err
				})
				var ae *memrel.AssociationError
				require.ErrorAs(t, err, &ae)
				require.Contains(t, ae.Reason, f.Name)
			}
			require.Empty(t, b.Dump(t, db)["Post"])
		})
	}
}

// TestModel_Create_NestedBadInclude: an association of another model, and
// a nil row in a []*C field.
func TestModel_Create_NestedBadInclude(t *testing.T) {
	b, db := nestedBlog(t)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.Create(tx, fixture.Post{Title: "p"}, memrel.Include{Assoc: b.Replies})
		return err
	})
	var ee *memrel.EagerLoadingError
	require.ErrorAs(t, err, &ee)

	bi := biOpen(t)
	err = bi.db.Update(func(tx *memrel.Txn) error {
		_, err := bi.tags.Create(tx, biTag{Name: "t", Posts: []*biPost{{Title: "ok"}, nil}}, memrel.Include{Assoc: bi.pt.Inverse()})
		return err
	})
	var ae *memrel.AssociationError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "Tag.posts", ae.Association)
}

// TestModel_Create_NestedTimestamps: one clock reading stamps the graph.
func TestModel_Create_NestedTimestamps(t *testing.T) {
	b := tsOpen(t)
	b.update(t, func(tx *memrel.Txn) error {
		got, err := b.posts.Create(tx, tsPost{Title: "p", Comments: []tsComment{{Body: "a"}, {Body: "b"}}},
			memrel.Include{Assoc: b.pc})
		require.NoError(t, err)
		require.Equal(t, at(1), got.CreatedAt)
		for _, c := range got.Comments {
			require.Equal(t, [2]time.Time{at(1), at(1)}, [2]time.Time{c.CreatedAt, c.UpdatedAt})
		}
		return nil
	})
	require.Equal(t, 1, b.clock.reads)
	require.Equal(t, at(1), b.comment(t, 2).UpdatedAt)
}
