package pg

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// heldPost and heldComment are a post and its comments.
type heldPost struct {
	ID       int64
	Title    string
	Comments []heldComment
}

type heldComment struct {
	ID     int64
	Body   string
	PostID *int64
}

// heldBlog opens a store of posts and their comments on PostgreSQL whose
// comments' BeforeUpdate hook runs meddle with the store's pool: another
// client's doing, after the rules read a row and before its write goes.
func heldBlog(t *testing.T, meddle func(*pgxpool.Pool, *heldComment) error) (*memrel.Model[heldPost], *memrel.Model[heldComment], *memrel.HasMany[heldPost, heldComment], *memrel.Store, *pgxpool.Pool) {
	var pool *pgxpool.Pool
	s := memrel.NewSchema()
	posts := memrel.Define[heldPost](s, "Post")
	comments := memrel.Define[heldComment](s, "Comment", memrel.WithHooks(memrel.Hooks[heldComment]{
		BeforeUpdate: func(_ *memrel.Txn, c *heldComment) error { return meddle(pool, c) },
	}))
	assoc := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	db, pool := pgStore(t, s)
	return posts, comments, assoc, db, pool
}

// A call's row writes are held back and sent together at its end, yet
// the one the database refuses is named exactly: here a Set moving three
// comments onto post 3, which another client deletes after the rules
// looked it up and before the writes go (in the second comment's hook).
// The first comment's UPDATE is refused, the call is undone alone, and
// the transaction goes on.
func TestOpen_HeldBackWrites_RefusedRowNamedCallUndone(t *testing.T) {
	ctx := context.Background()
	posts, comments, assoc, db, pool := heldBlog(t, func(pool *pgxpool.Pool, c *heldComment) error {
		if c.ID == 2 {
			_, err := pool.Exec(ctx, `DELETE FROM "Post" WHERE "id" = 3`)
			return err
		}
		return nil
	})
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, title := range []string{"p1", "p2", "p3"} {
			if _, err := posts.Create(tx, heldPost{Title: title}); err != nil {
				return err
			}
		}
		for _, body := range []string{"c1", "c2", "c3"} {
			if _, err := comments.Create(tx, heldComment{Body: body, PostID: fixture.I64(1)}); err != nil {
				return err
			}
		}
		return nil
	}))
	before, err := memreltest.Dump(db)
	require.NoError(t, err)

	err = db.Update(func(tx *memrel.Txn) error {
		_, err := posts.Create(tx, heldPost{Title: "kept"})
		require.NoError(t, err)
		err = assoc.Set(tx, heldPost{ID: 3}, []heldComment{{ID: 1}, {ID: 2}, {ID: 3}}, nil)
		var fe *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "Comment", fe.Model)
		require.Equal(t, "postId", fe.ForeignKey)
		require.Equal(t, int64(3), fe.Value)
		// Undone alone: the create stands, every comment is still on p1.
		got, err := comments.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []heldComment{{1, "c1", fixture.I64(1)}, {2, "c2", fixture.I64(1)}, {3, "c3", fixture.I64(1)}}, got)
		n, err := posts.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 3, n) // p1, p2 and kept: the other client deleted p3
		return errUndo
	})
	require.ErrorIs(t, err, errUndo)
	_, err = pool.Exec(ctx, `INSERT INTO "Post" ("id", "title") VALUES (3, 'p3')`)
	require.NoError(t, err)
	after, err := memreltest.Dump(db)
	require.NoError(t, err)
	require.Equal(t, before, after)
}

// A nested transaction rolled back while its writes are still held back
// drops them unsent; the outer one's stand.
func TestOpen_HeldBackWrites_NestedRollbackDropsThem(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	twin(t, b.Schema, func(t *testing.T, db *memrel.Store, rec func(...any)) {
		b.Seed(t, db)
		err := db.Update(func(tx *memrel.Txn) error {
			_, err := b.Post.Create(tx, fixture.Post{Title: "outer"})
			rec(err)
			err = tx.Update(func(tx *memrel.Txn) error {
				_, err := b.Comment.UpdateAll(tx, query.Gt("id", 0), map[string]any{"body": "gone"})
				rec(err)
				return errUndo
			})
			rec(err)
			n, err := b.Comment.Count(tx, nil)
			rec(n, err)
			return nil
		})
		rec(err)
	})
}

// errUndo is what a test's transaction returns to be rolled back.
var errUndo = errors.New("undo")

// A run of row writes goes as one set-based statement; when another
// client changed one of its rows (the middle one here, in its hook) the
// statement changes fewer rows than it must, and the writes are replayed
// one by one to name that row: the call fails with ErrRetry, undone, and
// their change stands.
func TestOpen_SetBasedWrite_RowChangedInTheMiddle_Named(t *testing.T) {
	ctx := context.Background()
	posts, comments, assoc, db, _ := heldBlog(t, func(pool *pgxpool.Pool, c *heldComment) error {
		if c.ID == 2 && c.Body == "c2" {
			_, err := pool.Exec(ctx, `UPDATE "Comment" SET "body" = 'theirs' WHERE "id" = 2`)
			return err
		}
		return nil
	})
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, title := range []string{"p1", "p2"} {
			if _, err := posts.Create(tx, heldPost{Title: title}); err != nil {
				return err
			}
		}
		_, err := comments.BulkCreate(tx, []heldComment{{Body: "c1", PostID: fixture.I64(1)}, {Body: "c2", PostID: fixture.I64(1)}, {Body: "c3", PostID: fixture.I64(1)}})
		return err
	}))

	err := db.Update(func(tx *memrel.Txn) error {
		return assoc.Set(tx, heldPost{ID: 2}, []heldComment{{ID: 1}, {ID: 2}, {ID: 3}}, nil)
	})
	require.ErrorIs(t, err, memrel.ErrRetry)
	require.ErrorContains(t, err, "the Comment row 2 was changed by another client")
	var got []heldComment
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err = comments.FindAll(tx, nil)
		return err
	}))
	require.Equal(t, []heldComment{{1, "c1", fixture.I64(1)}, {2, "theirs", fixture.I64(1)}, {3, "c3", fixture.I64(1)}}, got)
}
