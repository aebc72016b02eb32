package memrel_test

import (
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// Benchmarks of the writes whose cost grows with the data they touch, all
// made while holding the writer lock: a parent destroyed with N children
// (SET NULL against CASCADE), an association set to N targets, a cascade
// down a chain D levels deep. Each iteration runs in a write transaction
// that is then aborted, so every one starts from the same stored state.

// benchFanOut is the number of children or targets of one parent.
const benchFanOut = 10_000

// BenchmarkDestroyFanOut destroys a parent with benchFanOut children whose
// foreign key is nulled (SET NULL) or which are deleted (CASCADE), for a
// child table that is itself referenced (Comment, the source of replies)
// and one that is not (Like).
func BenchmarkDestroyFanOut(b *testing.B) {
	for _, action := range []memrel.Action{memrel.SetNull, memrel.Cascade} {
		b.Run(fmt.Sprintf("referenced/%s/N=%d", action, benchFanOut), func(b *testing.B) {
			blog := fixture.Blog(b, fixture.BlogOptions{Comments: memrel.HasManyOptions{OnDelete: action}})
			db := fixture.MustOpen(b, blog.Schema)
			rlCommented(b, db, blog, benchFanOut)
			benchAborted(b, db, func(tx *memrel.Txn) error { return blog.Post.DestroyKey(tx, 1) })
		})
		b.Run(fmt.Sprintf("leaf/%s/N=%d", action, benchFanOut), func(b *testing.B) {
			blog := fixture.Blog(b, fixture.BlogOptions{Likes: memrel.HasManyOptions{OnDelete: action}})
			db := fixture.MustOpen(b, blog.Schema)
			rlLiked(b, db, blog, benchFanOut)
			benchAborted(b, db, func(tx *memrel.Txn) error { return blog.Reply.DestroyKey(tx, 1) })
		})
	}
}

// BenchmarkAssociateMany moves benchFanOut targets of one parent to
// another (SetKeys, AddKeys) or un-associates them (RemoveKeys), for a
// target table that is itself referenced (Comment) and one that is not
// (Like).
func BenchmarkAssociateMany(b *testing.B) {
	blog := fixture.Blog(b, fixture.BlogOptions{})
	db := fixture.MustOpen(b, blog.Schema)
	comments, likes := make([]any, benchFanOut), make([]any, benchFanOut)
	require.NoError(b, db.Update(func(tx *memrel.Txn) error {
		for range 2 {
			_, err := blog.Post.Create(tx, fixture.Post{Title: "p"})
			require.NoError(b, err)
			c, err := blog.Comment.Create(tx, fixture.Comment{})
			require.NoError(b, err)
			_, err = blog.Reply.Create(tx, fixture.Reply{CommentID: c.ID})
			require.NoError(b, err)
		}
		for i := range benchFanOut {
			c, err := blog.Comment.Create(tx, fixture.Comment{PostID: fixture.I64(1)})
			require.NoError(b, err)
			comments[i] = c.ID
			l, err := blog.Like.Create(tx, fixture.Like{ReplyID: fixture.I64(1)})
			require.NoError(b, err)
			likes[i] = l.ID
		}
		return nil
	}))
	cases := []struct {
		name     string
		set, add func(tx *memrel.Txn) error
		remove   func(tx *memrel.Txn) error
	}{
		{"referenced",
			func(tx *memrel.Txn) error { return blog.Comments.SetKeys(tx, fixture.Post{ID: 2}, comments, nil) },
			func(tx *memrel.Txn) error { return blog.Comments.AddKeys(tx, fixture.Post{ID: 2}, comments...) },
			func(tx *memrel.Txn) error { return blog.Comments.RemoveKeys(tx, fixture.Post{ID: 1}, comments, nil) }},
		{"leaf",
			func(tx *memrel.Txn) error { return blog.Likes.SetKeys(tx, fixture.Reply{ID: 2}, likes, nil) },
			func(tx *memrel.Txn) error { return blog.Likes.AddKeys(tx, fixture.Reply{ID: 2}, likes...) },
			func(tx *memrel.Txn) error { return blog.Likes.RemoveKeys(tx, fixture.Reply{ID: 1}, likes, nil) }},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/SetKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, db, c.set) })
		b.Run(fmt.Sprintf("%s/AddKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, db, c.add) })
		b.Run(fmt.Sprintf("%s/RemoveKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, db, c.remove) })
	}
}

// BenchmarkDeepCascade destroys the root of a chain of D categories, each
// the parent of the next (onDelete CASCADE).
func BenchmarkDeepCascade(b *testing.B) {
	const depth = 10_000
	b.Run(fmt.Sprintf("D=%d", depth), func(b *testing.B) {
		c := fixture.Categories(b, memrel.HasManyOptions{OnDelete: memrel.Cascade})
		db := fixture.MustOpen(b, c.Schema)
		require.NoError(b, db.Update(func(tx *memrel.Txn) error { return c.CreateChain(tx, depth) }))
		benchAborted(b, db, func(tx *memrel.Txn) error { return c.Category.DestroyKey(tx, 1) })
	})
}

// benchAborted times op, each time in a new write transaction that is
// aborted afterwards.
func benchAborted(b *testing.B, db *memrel.Store, op func(tx *memrel.Txn) error) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tx := db.Begin(true)
		if err := op(tx); err != nil {
			b.Fatal(err)
		}
		tx.Abort()
	}
}

// BenchmarkBulkCreate creates benchFanOut books in one transaction, with
// and without a value in their unique slug field.
func BenchmarkBulkCreate(b *testing.B) {
	for _, unique := range []bool{false, true} {
		name := "plain"
		if unique {
			name = "unique"
		}
		b.Run(fmt.Sprintf("%s/N=%d", name, benchFanOut), func(b *testing.B) {
			s := memrel.NewSchema()
			books := memrel.Define[fixture.Book](s, "Book")
			memrel.NewHasMany(books, memrel.Define[fixture.Page](s, "Page"), memrel.HasManyOptions{SourceKey: "slug"})
			db, err := s.Open()
			require.NoError(b, err)
			slugs := make([]*string, benchFanOut)
			for i := range slugs {
				if unique {
					slugs[i] = fixture.Str(fmt.Sprint("s", i))
				}
			}
			benchAborted(b, db, func(tx *memrel.Txn) error {
				for _, s := range slugs {
					if _, err := books.Create(tx, fixture.Book{Slug: s}); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}
