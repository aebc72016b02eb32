package memrel_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Writes whose size the data decides: a referential action that sets off
// another one, level after level, runs from a work list, so its stack use
// does not grow with the depth of the data; and no write of many rows
// reads back, through the write transaction, an index it has written.

// rlDeepChild names the environment variable under which the test binary,
// run again by TestModel_Destroy_DeepCascadeOnSmallStack, runs the deep
// cascades themselves.
const rlDeepChild = "MEMREL_RL_DEEP_CHAIN"

// TestModel_Destroy_DeepCascadeOnSmallStack destroys the root of a chain of
// categories, each the parent of the next, with a goroutine stack capped at
// 512 KiB: the recursion that ran cascades before used more than 1 KiB per
// level, so it overflowed the stack (a fatal error, no recover) at about 500
// levels, let alone the 100 000 here (1 000 000 without -race and -short).
// It runs in a child process, so that overflow fails the test instead of
// killing the test binary.
func TestModel_Destroy_DeepCascadeOnSmallStack(t *testing.T) {
	if os.Getenv(rlDeepChild) != "" {
		rlDeepChains(t)
		return
	}
	args := []string{"-test.run=^TestModel_Destroy_DeepCascadeOnSmallStack$", "-test.v"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), rlDeepChild+"=1")
	out, err := cmd.CombinedOutput()
	if len(out) > 4000 {
		out = out[:4000] // a stack overflow prints every frame
	}
	require.NoError(t, err, "the child process failed:\n%s", out)
	require.Contains(t, string(out), "--- PASS: TestModel_Destroy_DeepCascadeOnSmallStack")
}

// rlDeepChains runs the deep cascades under the small stack.
func rlDeepChains(t *testing.T) {
	depth, small := 1_000_000, 100_000
	if testing.Short() || raceEnabled {
		depth, small = 100_000, 10_000
	}
	defer debug.SetMaxStack(debug.SetMaxStack(512 << 10))
	t.Run("destroy the root of a CASCADE chain", func(t *testing.T) {
		c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
		db := fixture.MustOpen(t, c.Schema)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.CreateChain(tx, depth) }))
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.Category.DestroyKey(tx, 1) }))
		require.Equal(t, 0, rlCount(t, db, c))
	})
	t.Run("destroy a NO ACTION chain in one statement", func(t *testing.T) {
		c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.NoAction})
		db := fixture.MustOpen(t, c.Schema)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.CreateChain(tx, small) }))
		var n int
		require.NoError(t, db.Update(func(tx *memrel.Txn) (err error) {
			n, err = c.Category.DestroyAll(tx, query.Gt("id", 0))
			return err
		}))
		require.Equal(t, small, n)
		require.Equal(t, 0, rlCount(t, db, c))
	})
}

// rlCount counts the stored categories.
func rlCount(t *testing.T, db *memrel.Store, c *fixture.CategoryModels) int {
	t.Helper()
	var n int
	require.NoError(t, db.View(func(tx *memrel.Txn) (err error) {
		n, err = c.Category.Count(tx, nil)
		return err
	}))
	return n
}

// TestModel_Destroy_SetNullFanOutCopiesNoIndexPathPerChild destroys a parent
// whose benchFanOut children are SET NULL. Each child's update used to read
// its table back through the write transaction, which made go-memdb drop its
// cache of copied index nodes, so every next write copied its whole path
// again: about 8 KiB allocated per child, 10 times a CASCADE of the same
// rows. Now it is about 1.4 KiB; the bound leaves room for go-memdb's own
// variation without letting the copying back in.
func TestModel_Destroy_SetNullFanOutCopiesNoIndexPathPerChild(t *testing.T) {
	blog := fixture.Blog(t, fixture.BlogOptions{Likes: memrel.HasManyOptions{OnDelete: memrel.SetNull}})
	db := fixture.MustOpen(t, blog.Schema)
	rlLiked(t, db, blog, benchFanOut)
	perChild := rlAllocated(func() {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return blog.Reply.DestroyKey(tx, 1) }))
	}) / benchFanOut
	require.Less(t, perChild, uint64(4<<10), "bytes allocated per nulled child")
	n := 0
	require.NoError(t, db.View(func(tx *memrel.Txn) (err error) {
		n, err = blog.Like.Count(tx, &memrel.Options{Where: query.IsNull("replyId")})
		return err
	}))
	require.Equal(t, benchFanOut, n)
}

// TestModel_Destroy_DeepCascadeCopiesNoIndexPathPerLevel destroys the root of
// a chain of benchFanOut categories. Each level used to list its children
// through the write transaction, from the foreign key index the level
// above had just written, so each level's delete copied that index's whole
// path again: about 5 KiB allocated per level, now about 1.4 KiB.
func TestModel_Destroy_DeepCascadeCopiesNoIndexPathPerLevel(t *testing.T) {
	c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
	db := fixture.MustOpen(t, c.Schema)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.CreateChain(tx, benchFanOut) }))
	perLevel := rlAllocated(func() {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error { return c.Category.DestroyKey(tx, 1) }))
	}) / benchFanOut
	require.Less(t, perLevel, uint64(3<<10), "bytes allocated per level")
	require.Equal(t, 0, rlCount(t, db, c))
}

// TestModel_Destroy_CascadeSeesChildrenGainedInTheTransaction: once a
// transaction has deleted rows of a table, a cascade lists that table's
// children from the state the transaction began with, checked against what
// it wrote; a child that got its parent inside the transaction (created,
// re-parented, or re-keyed) must still be found and deleted.
func TestModel_Destroy_CascadeSeesChildrenGainedInTheTransaction(t *testing.T) {
	cases := []struct {
		name string
		gain func(tx *memrel.Txn, c *fixture.CategoryModels) error
		want []fixture.Category
	}{
		{"created under 2", func(tx *memrel.Txn, c *fixture.CategoryModels) error {
			_, err := c.Category.Create(tx, fixture.Category{ID: 6, Name: "c6", ParentID: fixture.I64(2)})
			return err
		}, []fixture.Category{{ID: 4, Name: "c4"}}},
		{"re-parented under 2", func(tx *memrel.Txn, c *fixture.CategoryModels) error {
			return c.Children.AddKeys(tx, fixture.Category{ID: 2}, 4)
		}, []fixture.Category{}},
		{"re-keyed and re-parented under 3", func(tx *memrel.Txn, c *fixture.CategoryModels) error {
			_, err := c.Category.UpdateKey(tx, 4, fixture.Category{ID: 40, Name: "c4", ParentID: fixture.I64(3)})
			return err
		}, []fixture.Category{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fixture.Categories(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
			db := fixture.MustOpen(t, c.Schema)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				// 1 <- 2 <- 3, and 4 <- 5
				if err := c.CreateChain(tx, 3); err != nil {
					return err
				}
				_, err := c.Category.Create(tx, fixture.Category{ID: 4, Name: "c4"})
				require.NoError(t, err)
				_, err = c.Category.Create(tx, fixture.Category{ID: 5, Name: "c5", ParentID: fixture.I64(4)})
				return err
			}))
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				require.NoError(t, c.Category.DestroyKey(tx, 5)) // the table is written
				require.NoError(t, tc.gain(tx, c))
				return c.Category.DestroyKey(tx, 1)
			}))
			require.Equal(t, fixture.Rows{"Category": tc.want}, c.Dump(t, db))
		})
	}
}

// TestHasMany_SetKeys_CopiesNoIndexPathPerTarget creates benchFanOut
// likes and, in the same transaction, sets them as the likes of a reply.
// Each target's update used to read the likes back through the write
// transaction (the table was written already), so every next write copied
// its index paths again: about 8 KiB allocated per target, now 1.5 KiB.
func TestHasMany_SetKeys_CopiesNoIndexPathPerTarget(t *testing.T) {
	blog := fixture.Blog(t, fixture.BlogOptions{})
	db := fixture.MustOpen(t, blog.Schema)
	rlLiked(t, db, blog, 0)
	var perTarget uint64
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		keys := make([]any, benchFanOut)
		for i := range keys {
			l, err := blog.Like.Create(tx, fixture.Like{})
			require.NoError(t, err)
			keys[i] = l.ID
		}
		perTarget = rlAllocated(func() {
			require.NoError(t, blog.Likes.SetKeys(tx, fixture.Reply{ID: 1}, keys, nil))
		}) / benchFanOut
		return nil
	}))
	require.Less(t, perTarget, uint64(4<<10), "bytes allocated per target")
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := blog.Likes.Count(tx, fixture.Reply{ID: 1}, nil)
		require.Equal(t, benchFanOut, n)
		return err
	}))
}

// TestModel_Create_UniqueFieldCopiesNoIndexPathPerRow creates benchFanOut
// books with a unique slug in one transaction. Each create's unique check
// used to read the slug index through the write transaction, which made
// the next insert copy that index's whole path: about 3.8 KiB allocated
// per book, against 0.6 KiB without a slug. Now it is about 1.4 KiB. The
// check still sees every slug: one taken earlier in the transaction, one
// freed by it, one freed by a failed call that was reverted.
func TestModel_Create_UniqueFieldCopiesNoIndexPathPerRow(t *testing.T) {
	b := fixture.Books(t, memrel.HasManyOptions{}) // slugs "ab" and "a" are taken
	db := fixture.MustOpen(t, b.Schema)
	b.Seed(t, db)
	perRow := rlAllocated(func() {
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			for i := range benchFanOut {
				if _, err := b.Book.Create(tx, fixture.Book{Slug: fixture.Str(fmt.Sprint("s", i))}); err != nil {
					return err
				}
			}
			return nil
		}))
	}) / benchFanOut
	require.Less(t, perRow, uint64(2<<10), "bytes allocated per created book")

	var uce *memrel.UniqueConstraintError
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := b.Book.Create(tx, fixture.Book{Slug: fixture.Str("s1")})
		require.ErrorAs(t, err, &uce, "taken by an earlier transaction")
		_, err = b.Book.Create(tx, fixture.Book{Slug: fixture.Str("new")})
		require.NoError(t, err)
		_, err = b.Book.Create(tx, fixture.Book{Slug: fixture.Str("new")})
		require.ErrorAs(t, err, &uce, "taken earlier in this transaction")
		_, err = b.Book.UpdateKey(tx, 1, fixture.Book{ID: 1, Slug: fixture.Str("moved")})
		require.NoError(t, err)
		_, err = b.Book.Create(tx, fixture.Book{Slug: fixture.Str("ab")})
		require.NoError(t, err, "freed by this transaction")
		// A failed UpdateAll frees "moved" and takes "x" for book 1, then
		// fails on book 2 and is reverted: "moved" is taken again.
		_, err = b.Book.UpdateAll(tx, query.In("id", 1, 2), map[string]any{"slug": "x"})
		require.ErrorAs(t, err, &uce)
		_, err = b.Book.Create(tx, fixture.Book{Slug: fixture.Str("moved")})
		require.ErrorAs(t, err, &uce, "taken again by the revert")
		_, err = b.Book.Create(tx, fixture.Book{Slug: fixture.Str("x")})
		require.NoError(t, err, "freed again by the revert")
		return nil
	}))
}

// rlCommented stores post 1 with n comments.
func rlCommented(t testing.TB, db *memrel.Store, blog *fixture.BlogModels, n int) {
	t.Helper()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := blog.Post.Create(tx, fixture.Post{Title: "p"})
		require.NoError(t, err)
		for range n {
			if _, err := blog.Comment.Create(tx, fixture.Comment{PostID: &p.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// rlLiked stores comment 1 and its reply 1, with n likes.
func rlLiked(t testing.TB, db *memrel.Store, blog *fixture.BlogModels, n int) {
	t.Helper()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		c, err := blog.Comment.Create(tx, fixture.Comment{})
		require.NoError(t, err)
		r, err := blog.Reply.Create(tx, fixture.Reply{CommentID: c.ID})
		require.NoError(t, err)
		for range n {
			if _, err := blog.Like.Create(tx, fixture.Like{ReplyID: &r.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// rlAllocated returns the number of bytes op allocates.
func rlAllocated(op func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	op()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
