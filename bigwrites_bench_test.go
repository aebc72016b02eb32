package memrel_test

import (
	"fmt"
	"testing"

	"github.com/memrel/memrel"
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
			blog := hmNewBlog(b, hmBlogOpts{pc: memrel.HasManyOptions{OnDelete: action}})
			rlCommented(b, blog, benchFanOut)
			benchAborted(b, blog.db, func(tx *memrel.Txn) error { return blog.posts.DestroyKey(tx, 1) })
		})
		b.Run(fmt.Sprintf("leaf/%s/N=%d", action, benchFanOut), func(b *testing.B) {
			blog := hmNewBlog(b, hmBlogOpts{rl: memrel.HasManyOptions{OnDelete: action}})
			rlLiked(b, blog, benchFanOut)
			benchAborted(b, blog.db, func(tx *memrel.Txn) error { return blog.replies.DestroyKey(tx, 1) })
		})
	}
}

// BenchmarkAssociateMany moves benchFanOut targets of one parent to
// another (SetKeys, AddKeys) or un-associates them (RemoveKeys), for a
// target table that is itself referenced (Comment) and one that is not
// (Like).
func BenchmarkAssociateMany(b *testing.B) {
	blog := hmNewBlog(b, hmBlogOpts{})
	comments, likes := make([]any, benchFanOut), make([]any, benchFanOut)
	require.NoError(b, blog.db.Update(func(tx *memrel.Txn) error {
		for range 2 {
			_, err := blog.posts.Create(tx, hmPost{Title: "p"})
			require.NoError(b, err)
			c, err := blog.comments.Create(tx, hmComment{})
			require.NoError(b, err)
			_, err = blog.replies.Create(tx, hmReply{CommentID: c.ID})
			require.NoError(b, err)
		}
		for i := range benchFanOut {
			c, err := blog.comments.Create(tx, hmComment{PostID: hmI(1)})
			require.NoError(b, err)
			comments[i] = c.ID
			l, err := blog.likes.Create(tx, hmLike{ReplyID: hmI(1)})
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
			func(tx *memrel.Txn) error { return blog.pc.SetKeys(tx, hmPost{ID: 2}, comments, nil) },
			func(tx *memrel.Txn) error { return blog.pc.AddKeys(tx, hmPost{ID: 2}, comments...) },
			func(tx *memrel.Txn) error { return blog.pc.RemoveKeys(tx, hmPost{ID: 1}, comments, nil) }},
		{"leaf",
			func(tx *memrel.Txn) error { return blog.rl.SetKeys(tx, hmReply{ID: 2}, likes, nil) },
			func(tx *memrel.Txn) error { return blog.rl.AddKeys(tx, hmReply{ID: 2}, likes...) },
			func(tx *memrel.Txn) error { return blog.rl.RemoveKeys(tx, hmReply{ID: 1}, likes, nil) }},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/SetKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, blog.db, c.set) })
		b.Run(fmt.Sprintf("%s/AddKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, blog.db, c.add) })
		b.Run(fmt.Sprintf("%s/RemoveKeys/N=%d", c.name, benchFanOut), func(b *testing.B) { benchAborted(b, blog.db, c.remove) })
	}
}

// BenchmarkDeepCascade destroys the root of a chain of D categories, each
// the parent of the next (onDelete CASCADE).
func BenchmarkDeepCascade(b *testing.B) {
	const depth = 10_000
	b.Run(fmt.Sprintf("D=%d", depth), func(b *testing.B) {
		c := hmNewCats(b, memrel.HasManyOptions{OnDelete: memrel.Cascade})
		require.NoError(b, c.db.Update(func(tx *memrel.Txn) error { return hmChain(tx, c.cats, depth) }))
		benchAborted(b, c.db, func(tx *memrel.Txn) error { return c.cats.DestroyKey(tx, 1) })
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
			books := memrel.Define[hmBook](s, "Book")
			memrel.NewHasMany(books, memrel.Define[hmPage](s, "Page"), memrel.HasManyOptions{SourceKey: "slug"})
			db, err := s.Open()
			require.NoError(b, err)
			slugs := make([]*string, benchFanOut)
			for i := range slugs {
				if unique {
					slugs[i] = hmS(fmt.Sprint("s", i))
				}
			}
			benchAborted(b, db, func(tx *memrel.Txn) error {
				for _, s := range slugs {
					if _, err := books.Create(tx, hmBook{Slug: s}); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}
