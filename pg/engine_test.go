package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// twin runs scenario on a memory store of s and on a PostgreSQL one (its
// tables created by Create), and checks that both record the same
// results and end with the same tables.
func twin(t *testing.T, s *memrel.Schema, scenario func(t *testing.T, db *memrel.Store, rec func(...any))) {
	t.Helper()
	mem, err := s.Open()
	require.NoError(t, err)
	ctx := context.Background()
	pool := databasePool(t)
	require.NoError(t, Create(ctx, pool, s))
	pgs, err := Open(ctx, pool, s)
	require.NoError(t, err)
	run := func(db *memrel.Store) (out []string) {
		scenario(t, db, func(vs ...any) {
			for _, v := range vs {
				if err, ok := v.(error); ok {
					v = fmt.Sprintf("%T: %v", err, err)
				}
				j, err := json.Marshal(v)
				require.NoError(t, err)
				out = append(out, string(j))
			}
		})
		return out
	}
	wantRec, gotRec := run(mem), run(pgs)
	require.Equal(t, wantRec, gotRec, "the results on PostgreSQL, after those of the memory engine")
	want, err := memreltest.Dump(mem)
	require.NoError(t, err)
	got, err := memreltest.Dump(pgs)
	require.NoError(t, err)
	require.Equal(t, want, got, "the tables on PostgreSQL, after those of the memory engine")
}

// pgStore opens a store of s on a database of t's own, its tables
// created, and returns it with the pool it runs on.
func pgStore(t *testing.T, s *memrel.Schema) (*memrel.Store, *pgxpool.Pool) {
	t.Helper()
	pool := databasePool(t)
	require.NoError(t, Create(context.Background(), pool, s))
	db, err := Open(context.Background(), pool, s)
	require.NoError(t, err)
	return db, pool
}

func TestOpen_Blog_SameAsMemory(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	twin(t, b.Schema, func(t *testing.T, db *memrel.Store, rec func(...any)) {
		b.Seed(t, db)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			rec(b.Post.FindByPK(tx, int64(2)))
			rec(b.Post.FindByPK(tx, int64(99)))
			rec(b.Comment.FindAll(tx, &memrel.Options{Where: query.Eq("postId", int64(1)), Order: []query.Order{query.Desc("body")}}))
			rec(b.Comment.FindAll(tx, &memrel.Options{Where: query.IsNull("postId")}))
			rec(b.Comment.Count(tx, nil))
			p1, _, _ := b.Post.FindByPK(tx, int64(1))
			p2, _, _ := b.Post.FindByPK(tx, int64(2))
			rec(b.Comments.Get(tx, p1, nil))
			rec(b.Comments.Count(tx, p1, nil))
			c, err := b.Comments.Create(tx, p2, fixture.Comment{Body: "new"})
			rec(c, err)
			rec(b.Comments.Has(tx, p2, c))
			rec(b.Comments.Add(tx, p2, fixture.Comment{ID: 1}))
			rec(b.Comments.Get(tx, p2, nil))
			rec(b.Comments.Remove(tx, p2, []fixture.Comment{{ID: 1}}, nil))
			rec(b.Comments.Set(tx, p1, []fixture.Comment{c}, nil))
			rec(b.Comments.Get(tx, p1, nil))
			rec(b.Comments.Inverse().Get(tx, c))
			rec(b.Comments.Inverse().Set(tx, c, p2))
			r, err := b.Reply.Create(tx, fixture.Reply{Text: "r5", CommentID: c.ID})
			rec(r, err)
			r.Text = "r5'"
			rec(b.Reply.Update(tx, r))
			return nil
		}))
		rec(db.View(func(tx *memrel.Txn) error {
			rec(b.Reply.FindAll(tx, &memrel.Options{Order: []query.Order{query.Desc("text")}, Limit: 3}))
			return nil
		}))
		// A post's comments are set NULL, a comment's replies and their
		// likes' reply go with it.
		rec(db.Update(func(tx *memrel.Txn) error { return b.Post.DestroyKey(tx, int64(1)) }))
		rec(db.Update(func(tx *memrel.Txn) error { return b.Comment.DestroyKey(tx, int64(1)) }))
		rec(db.Update(func(tx *memrel.Txn) error { return b.Comment.DestroyKey(tx, int64(99)) }))
	})
}

func TestOpen_NestedTransactions_SameAsMemory(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	twin(t, b.Schema, func(t *testing.T, db *memrel.Store, rec func(...any)) {
		b.Seed(t, db)
		rec(db.Update(func(tx *memrel.Txn) error {
			rec(b.Post.Create(tx, fixture.Post{Title: "kept"}))
			rec(tx.Update(func(tx *memrel.Txn) error {
				rec(b.Post.Create(tx, fixture.Post{Title: "undone"}))
				return errors.New("undo")
			}))
			rec(tx.Update(func(tx *memrel.Txn) error {
				rec(b.Post.Create(tx, fixture.Post{Title: "inner kept"}))
				rec(tx.Update(func(tx *memrel.Txn) error {
					return b.Post.DestroyKey(tx, int64(2))
				}))
				rec(tx.Update(func(tx *memrel.Txn) error {
					rec(b.Post.DestroyKey(tx, int64(3)))
					return errors.New("undo the destroy")
				}))
				return nil
			}))
			inner, err := db.BeginContext(tx.Context(), true)
			require.NoError(t, err)
			rec(b.Comment.DestroyKey(inner, int64(1)))
			inner.Abort()
			inner, err = db.BeginContext(tx.Context(), true)
			require.NoError(t, err)
			rec(b.Comment.DestroyKey(inner, int64(2)))
			rec(inner.Commit())
			rec(b.Comment.FindAll(tx, nil))
			return nil
		}))
		rec(db.Update(func(tx *memrel.Txn) error {
			rec(b.Post.Create(tx, fixture.Post{Title: "rolled back"}))
			return errors.New("all of it")
		}))
	})
}

func TestOpen_FailingCalls_SameErrorTablesUnchanged(t *testing.T) {
	m := fixture.Strict(t)
	twin(t, m.Schema, func(t *testing.T, db *memrel.Store, rec func(...any)) {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return m.Seed(tx, 2) }))
		// Each failing call inside a transaction that goes on and commits.
		rec(db.Update(func(tx *memrel.Txn) error {
			_, err := m.Post.Create(tx, fixture.StrictPost{Slug: "a", Title: "dup"})
			var ue *memrel.UniqueConstraintError
			require.ErrorAs(t, err, &ue)
			rec(err)
			_, err = m.Comment.Create(tx, fixture.StrictComment{PostID: 99, Body: fixture.Str("orphan")})
			var fe *memrel.ForeignKeyConstraintError
			require.ErrorAs(t, err, &fe)
			rec(err)
			_, err = m.Comment.Create(tx, fixture.StrictComment{PostID: 1})
			var ve *memrel.ValidationError
			require.ErrorAs(t, err, &ve)
			rec(err)
			rec(m.Author.DestroyKey(tx, int64(1))) // RESTRICT: ann has a book
			rec(m.Post.UpdateKey(tx, int64(2), fixture.StrictPost{ID: 2, Slug: "c", Title: "B"}))
			return nil
		}))
		// A whole transaction that fails after writing.
		rec(db.Update(func(tx *memrel.Txn) error {
			rec(m.Post.Create(tx, fixture.StrictPost{ID: 10, Slug: "z", Title: "Z"}))
			_, err := m.Post.Create(tx, fixture.StrictPost{Slug: "z", Title: "dup"})
			return err
		}))
	})
}

func TestOpen_DatabaseConstraint_IsTheTypedError(t *testing.T) {
	m := fixture.Strict(t)
	ctx := context.Background()
	db, pool := pgStore(t, m.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return m.Seed(tx, 0) }))
	before, err := memreltest.Dump(db)
	require.NoError(t, err)

	// Another client's write the rules cannot know about, committed while
	// the memrel transaction is open: only the database sees the clash.
	err = db.Update(func(tx *memrel.Txn) error {
		_, _, err := m.Post.FindByPK(tx, int64(1)) // the transaction has begun
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO "Post" ("id", "slug", "title") VALUES (100, 'x', 'X')`)
		require.NoError(t, err)
		_, err = m.Post.Create(tx, fixture.StrictPost{ID: 101, Slug: "x", Title: "mine"})
		return err
	})
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, &memrel.UniqueConstraintError{Model: "Post", Fields: []string{"slug"}, Value: "x"}, ue)
	_, err = pool.Exec(ctx, `DELETE FROM "Post" WHERE "id" = 100`)
	require.NoError(t, err)
	after, err := memreltest.Dump(db)
	require.NoError(t, err)
	require.Equal(t, before, after)

	// The call that failed in the database is undone alone: the
	// transaction goes on past the aborted statement.
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := m.Post.Create(tx, fixture.StrictPost{ID: 200, Slug: "kept", Title: "K"})
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO "Post" ("id", "slug", "title") VALUES (300, 'y', 'Y')`)
		require.NoError(t, err)
		_, err = m.Post.Create(tx, fixture.StrictPost{ID: 300, Slug: "mine", Title: "M"})
		require.ErrorAs(t, err, &ue)
		require.Equal(t, []string{"id"}, ue.Fields)
		n, err := m.Post.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 5, n) // three seeded, 200 and the other client's 300
		return nil
	})
	require.NoError(t, err)
	var slugs []string
	rows, err := pool.Query(ctx, `SELECT "slug" FROM "Post" ORDER BY "id"`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		slugs = append(slugs, s)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"a", "b", "c", "kept", "y"}, slugs)
}

func TestOpen_CancelledContext_FailsTheCall(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	ctx := context.Background()
	db, _ := pgStore(t, b.Schema)
	b.Seed(t, db)

	cctx, cancel := context.WithCancel(ctx)
	tx, err := db.BeginContext(cctx, true)
	require.NoError(t, err)
	_, err = b.Post.Create(tx, fixture.Post{Title: "before"})
	require.NoError(t, err)
	cancel()
	_, err = b.Post.Create(tx, fixture.Post{Title: "after"})
	require.ErrorIs(t, err, context.Canceled)
	tx.Abort()

	n := 0
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err = b.Post.Count(tx, nil)
		return err
	}))
	require.Equal(t, 3, n)
}

func TestOpen_View_RepeatableRead(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	ctx := context.Background()
	db, pool := pgStore(t, b.Schema)
	b.Seed(t, db)

	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := b.Post.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		// A commit by another connection, then by the store itself.
		_, err = pool.Exec(ctx, `INSERT INTO "Post" ("title") VALUES ('other')`)
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			_, err := b.Post.Create(tx, fixture.Post{Title: "mine"})
			return err
		}))
		n, err = b.Post.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 3, n, "an open View sees the snapshot of its first read")
		return nil
	}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		posts, err := b.Post.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, posts, 5)
		require.Equal(t, fixture.Post{ID: 5, Title: "mine"}, posts[4])
		return nil
	}))
}

func TestOpen_ExplicitKeys_MoveTheSequence(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	twin(t, b.Schema, func(t *testing.T, db *memrel.Store, rec func(...any)) {
		rec(db.Update(func(tx *memrel.Txn) error {
			rec(b.Post.Create(tx, fixture.Post{Title: "drawn"}))
			rec(b.Post.Create(tx, fixture.Post{ID: 10, Title: "explicit"}))
			rec(b.Post.Create(tx, fixture.Post{Title: "after it"}))
			rec(b.Post.Create(tx, fixture.Post{ID: 5, Title: "below it"}))
			rec(b.Post.Create(tx, fixture.Post{ID: 10, Title: "taken"}))
			return nil
		}))
		rec(db.Update(func(tx *memrel.Txn) error {
			rec(b.Post.UpdateKey(tx, int64(11), fixture.Post{ID: 20, Title: "re-keyed"}))
			rec(b.Post.Create(tx, fixture.Post{Title: "past the new key"}))
			return nil
		}))
	})
}

func TestOpen_View_ReadsFromSeveralGoroutines(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db, _ := pgStore(t, b.Schema)
	b.Seed(t, db)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		errc := make(chan error, 8)
		for i := range 8 {
			go func() {
				p, ok, err := b.Post.FindByPK(tx, int64(i%3+1))
				if err == nil && (!ok || p.ID != int64(i%3+1)) {
					err = fmt.Errorf("post %d: got %v, %v", i%3+1, p, ok)
				}
				errc <- err
			}()
		}
		for range 8 {
			require.NoError(t, <-errc)
		}
		return nil
	}))
}

func TestOpen_Fork_Unsupported(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	db, _ := pgStore(t, b.Schema)
	forked, err := db.Fork()
	require.ErrorIs(t, err, errors.ErrUnsupported)
	require.Nil(t, forked)
}
