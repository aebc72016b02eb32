package pg

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// trips counts the round trips of statements: a query, or a batch
// (pipelined: its statements share one); updates counts the UPDATE
// statements among them.
type trips struct{ n, updates atomic.Int64 }

func (c *trips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *trips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *trips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *trips) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if strings.HasPrefix(d.SQL, "UPDATE") {
		c.updates.Add(1)
	}
}
func (c *trips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// count returns the round trips fn takes, once its statements are
// prepared (fn runs twice; the second run counts).
func (c *trips) count(fn func()) int64 {
	fn()
	before := c.n.Load()
	fn()
	return c.n.Load() - before
}

func TestOpen_RoundTrips(t *testing.T) {
	tr := &trips{}
	pool := databasePoolWith(t, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = tr
		cfg.MaxConns = 1 // one connection: its statements stay prepared
	})
	b := fixture.Blog(t, fixture.BlogOptions{})
	ctx := context.Background()
	require.NoError(t, Create(ctx, pool, b.Schema))
	db, err := Open(ctx, pool, b.Schema)
	require.NoError(t, err)
	b.Seed(t, db)

	moves := int64(0)
	cases := []struct {
		name string
		want int64
		fn   func(tx *memrel.Txn) error
	}{
		// nextval with BEGIN and SAVEPOINT; the INSERT; COMMIT with RELEASE.
		{"Update{Post.Create}", 3, func(tx *memrel.Txn) error {
			_, err := b.Post.Create(tx, fixture.Post{Title: "p"})
			return err
		}},
		// nextval and the parent's lookup; the INSERT, held back to the
		// call's end; COMMIT.
		{"Update{Comment.Create}", 3, func(tx *memrel.Txn) error {
			_, err := b.Comment.Create(tx, fixture.Comment{Body: "c", PostID: fixture.I64(1)})
			return err
		}},
		// The SELECT of the rows (p1's three comments); their three
		// UPDATEs, held back and sent together; COMMIT. As many for one
		// row (p2's) or a thousand.
		{"Update{Comment.UpdateAll of 3 rows}", 3, func(tx *memrel.Txn) error {
			_, err := b.Comment.UpdateAll(tx, query.Eq("postId", 1), map[string]any{"body": "x"})
			return err
		}},
		{"Update{Comment.UpdateAll of 1 row}", 3, func(tx *memrel.Txn) error {
			_, err := b.Comment.UpdateAll(tx, query.Eq("postId", 2), map[string]any{"body": "y"})
			return err
		}},
		// The three targets (one = ANY($1)) and the post, with BEGIN and
		// SAVEPOINT; the post's comments; the UPDATE of the moved ones,
		// held back to the call's end; COMMIT.
		// Each run moves them to the other of posts 2 and 3, with one
		// UPDATE … FROM unnest(…) (counted below).
		{"Update{Comments.Set of 3}", 4, func(tx *memrel.Txn) error {
			moves++
			return b.Comments.Set(tx, fixture.Post{ID: 2 + moves%2}, []fixture.Comment{{ID: 1}, {ID: 2}, {ID: 5}}, nil)
		}},
		// The posts with BEGIN; their comments, one = ANY($1) for all;
		// the comments' replies, one more; COMMIT.
		{"View{Post.FindAll with comments and their replies}", 4, func(tx *memrel.Txn) error {
			_, err := b.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies}}}}})
			return err
		}},
		{"View{Post.FindByPK}", 2, func(tx *memrel.Txn) error { // the SELECT with BEGIN; COMMIT
			_, _, err := b.Post.FindByPK(tx, int64(1))
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tr.count(func() {
				if tc.name[0] == 'U' {
					require.NoError(t, db.Update(tc.fn))
				} else {
					require.NoError(t, db.View(tc.fn))
				}
			})
			t.Logf("%s: %d round trips", tc.name, got)
			require.Equal(t, tc.want, got)
			if tc.name == "Update{Comments.Set of 3}" {
				before := tr.updates.Load()
				require.NoError(t, db.Update(tc.fn))
				require.Equal(t, int64(1), tr.updates.Load()-before, "one set-based UPDATE for the three rows")
			}
		})
	}
}

// A read transaction's scan reads a page at a time: a FindAll the rules
// stop early reads one page, a read of everything a few doubling ones.
func TestOpen_ViewScan_ReadsAPageAtATime(t *testing.T) {
	tr := &trips{}
	pool := databasePoolWith(t, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = tr
		cfg.MaxConns = 1
	})
	b := fixture.Blog(t, fixture.BlogOptions{})
	ctx := context.Background()
	require.NoError(t, Create(ctx, pool, b.Schema))
	db, err := Open(ctx, pool, b.Schema)
	require.NoError(t, err)
	posts := make([]fixture.Post, 300)
	for i := range posts {
		posts[i].Title = "p"
	}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Post.BulkCreate(tx, posts)
		return err
	}))
	read := func(limit int) (n int) {
		require.NoError(t, db.View(func(tx *memrel.Txn) error {
			rows, err := b.Post.FindAll(tx, &memrel.Options{Limit: limit})
			n = len(rows)
			return err
		}))
		return n
	}
	var n int
	// BEGIN with the first page of 64; COMMIT.
	require.Equal(t, int64(2), tr.count(func() { n = read(5) }))
	require.Equal(t, 5, n)
	// Pages of 64, 128 and 256 (the last one short); COMMIT.
	require.Equal(t, int64(4), tr.count(func() { n = read(0) }))
	require.Equal(t, 300, n)

	// An order and a range the primary key index answers (OrderedIndexes):
	// the index walked from its top, or from the range's start, a page.
	var got []fixture.Post
	find := func(o *memrel.Options) func() {
		return func() {
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				var err error
				got, err = b.Post.FindAll(tx, o)
				return err
			}))
		}
	}
	require.Equal(t, int64(2), tr.count(find(&memrel.Options{Order: []query.Order{query.Desc("id")}, Limit: 3})))
	require.Equal(t, []int64{300, 299, 298}, []int64{got[0].ID, got[1].ID, got[2].ID})
	require.Equal(t, int64(2), tr.count(find(&memrel.Options{Where: query.Between("id", 100, 104)})))
	require.Len(t, got, 5)
	require.Equal(t, int64(100), got[0].ID)
}
