package memrel_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Writes whose size the data decides: a referential action that sets off
// another one, level after level, runs from a work list, so its stack use
// does not grow with the depth of the data; and no write of many rows
// reads back, through the write transaction, an index it has written.

// rlDeepChild names the environment variable under which the test binary,
// run again by TestModel_Destroy_DeepCascadeOnSmallStack, runs the deep cascades themselves.
const rlDeepChild = "MEMREL_RL_DEEP_CHAIN"

// TestModel_Destroy_DeepCascadeOnSmallStack destroys the root of a chain of categories, each
// the parent of the next, with a goroutine stack capped at 512 KiB: the
// recursion that ran cascades before used more than 1 KiB per level, so it
// overflowed the stack (a fatal error, no recover) at about 500 levels,
// let alone the 100 000 here (1 000 000 without -race and -short). It runs
// in a child process, so that overflow fails the test instead of killing
// the test binary.
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
		c := hmNewCats(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
		require.NoError(t, c.db.Update(func(tx *memrel.Txn) error { return hmChain(tx, c.cats, depth) }))
		require.NoError(t, c.db.Update(func(tx *memrel.Txn) error { return c.cats.DestroyKey(tx, 1) }))
		require.Equal(t, 0, rlCount(t, c))
	})
	t.Run("destroy a NO ACTION chain in one statement", func(t *testing.T) {
		c := hmNewCats(t, memrel.HasManyOptions{OnDelete: memrel.NoAction})
		require.NoError(t, c.db.Update(func(tx *memrel.Txn) error { return hmChain(tx, c.cats, small) }))
		var n int
		require.NoError(t, c.db.Update(func(tx *memrel.Txn) (err error) {
			n, err = c.cats.DestroyAll(tx, query.Gt("id", 0))
			return err
		}))
		require.Equal(t, small, n)
		require.Equal(t, 0, rlCount(t, c))
	})
}

// rlCount counts the stored categories.
func rlCount(t *testing.T, c *hmCats) int {
	t.Helper()
	var n int
	require.NoError(t, c.db.View(func(tx *memrel.Txn) (err error) {
		n, err = c.cats.Count(tx, nil)
		return err
	}))
	return n
}

// TestModel_Destroy_SetNullFanOutCopiesNoIndexPathPerChild destroys a parent whose
// benchFanOut children are SET NULL. Each child's update used to read its
// table back through the write transaction, which made go-memdb drop its
// cache of copied index nodes, so every next write copied its whole path
// again: about 8 KiB allocated per child, 10 times a CASCADE of the same
// rows. Now it is about 1.4 KiB; the bound leaves room for go-memdb's own
// variation without letting the copying back in.
func TestModel_Destroy_SetNullFanOutCopiesNoIndexPathPerChild(t *testing.T) {
	blog := hmNewBlog(t, hmBlogOpts{rl: memrel.HasManyOptions{OnDelete: memrel.SetNull}})
	rlLiked(t, blog, benchFanOut)
	perChild := rlAllocated(func() {
		require.NoError(t, blog.db.Update(func(tx *memrel.Txn) error { return blog.replies.DestroyKey(tx, 1) }))
	}) / benchFanOut
	require.Less(t, perChild, uint64(4<<10), "bytes allocated per nulled child")
	n := 0
	require.NoError(t, blog.db.View(func(tx *memrel.Txn) (err error) {
		n, err = blog.likes.Count(tx, &memrel.Options{Where: query.IsNull("replyId")})
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
	c := hmNewCats(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
	require.NoError(t, c.db.Update(func(tx *memrel.Txn) error { return hmChain(tx, c.cats, benchFanOut) }))
	perLevel := rlAllocated(func() {
		require.NoError(t, c.db.Update(func(tx *memrel.Txn) error { return c.cats.DestroyKey(tx, 1) }))
	}) / benchFanOut
	require.Less(t, perLevel, uint64(3<<10), "bytes allocated per level")
	require.Equal(t, 0, rlCount(t, c))
}

// TestModel_Destroy_CascadeSeesChildrenGainedInTheTransaction: once a transaction has
// deleted rows of a table, a cascade lists that table's children from the
// state the transaction began with, checked against what it wrote; a child
// that got its parent inside the transaction (created, re-parented, or
// re-keyed) must still be found and deleted.
func TestModel_Destroy_CascadeSeesChildrenGainedInTheTransaction(t *testing.T) {
	cases := []struct {
		name string
		gain func(tx *memrel.Txn, c *hmCats) error
		want []hmCat
	}{
		{"created under 2", func(tx *memrel.Txn, c *hmCats) error {
			_, err := c.cats.Create(tx, hmCat{ID: 6, Name: "c6", ParentID: hmI(2)})
			return err
		}, []hmCat{{ID: 4, Name: "c4"}}},
		{"re-parented under 2", func(tx *memrel.Txn, c *hmCats) error {
			return c.ch.AddKeys(tx, hmCat{ID: 2}, 4)
		}, []hmCat{}},
		{"re-keyed and re-parented under 3", func(tx *memrel.Txn, c *hmCats) error {
			_, err := c.cats.UpdateKey(tx, 4, hmCat{ID: 40, Name: "c4", ParentID: hmI(3)})
			return err
		}, []hmCat{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := hmNewCats(t, memrel.HasManyOptions{OnDelete: memrel.Cascade})
			require.NoError(t, c.db.Update(func(tx *memrel.Txn) error {
				// 1 <- 2 <- 3, and 4 <- 5
				if err := hmChain(tx, c.cats, 3); err != nil {
					return err
				}
				_, err := c.cats.Create(tx, hmCat{ID: 4, Name: "c4"})
				require.NoError(t, err)
				_, err = c.cats.Create(tx, hmCat{ID: 5, Name: "c5", ParentID: hmI(4)})
				return err
			}))
			require.NoError(t, c.db.Update(func(tx *memrel.Txn) error {
				require.NoError(t, c.cats.DestroyKey(tx, 5)) // the table is written
				require.NoError(t, tc.gain(tx, c))
				return c.cats.DestroyKey(tx, 1)
			}))
			require.Equal(t, hmRows{"Category": tc.want}, c.dump(t))
		})
	}
}

// TestHasMany_SetKeys_CopiesNoIndexPathPerTarget creates benchFanOut
// likes and, in the same transaction, sets them as the likes of a reply.
// Each target's update used to read the likes back through the write
// transaction (the table was written already), so every next write copied
// its index paths again: about 8 KiB allocated per target, now 1.5 KiB.
func TestHasMany_SetKeys_CopiesNoIndexPathPerTarget(t *testing.T) {
	blog := hmNewBlog(t, hmBlogOpts{})
	rlLiked(t, blog, 0)
	var perTarget uint64
	require.NoError(t, blog.db.Update(func(tx *memrel.Txn) error {
		keys := make([]any, benchFanOut)
		for i := range keys {
			l, err := blog.likes.Create(tx, hmLike{})
			require.NoError(t, err)
			keys[i] = l.ID
		}
		perTarget = rlAllocated(func() {
			require.NoError(t, blog.rl.SetKeys(tx, hmReply{ID: 1}, keys, nil))
		}) / benchFanOut
		return nil
	}))
	require.Less(t, perTarget, uint64(4<<10), "bytes allocated per target")
	require.NoError(t, blog.db.View(func(tx *memrel.Txn) error {
		n, err := blog.rl.Count(tx, hmReply{ID: 1}, nil)
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
	b := hmNewBooks(t, memrel.HasManyOptions{}) // slugs "ab" and "a" are taken
	perRow := rlAllocated(func() {
		require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
			for i := range benchFanOut {
				if _, err := b.books.Create(tx, hmBook{Slug: hmS(fmt.Sprint("s", i))}); err != nil {
					return err
				}
			}
			return nil
		}))
	}) / benchFanOut
	require.Less(t, perRow, uint64(2<<10), "bytes allocated per created book")

	var uce *memrel.UniqueConstraintError
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.books.Create(tx, hmBook{Slug: hmS("s1")})
		require.ErrorAs(t, err, &uce, "taken by an earlier transaction")
		_, err = b.books.Create(tx, hmBook{Slug: hmS("new")})
		require.NoError(t, err)
		_, err = b.books.Create(tx, hmBook{Slug: hmS("new")})
		require.ErrorAs(t, err, &uce, "taken earlier in this transaction")
		_, err = b.books.UpdateKey(tx, 1, hmBook{ID: 1, Slug: hmS("moved")})
		require.NoError(t, err)
		_, err = b.books.Create(tx, hmBook{Slug: hmS("ab")})
		require.NoError(t, err, "freed by this transaction")
		// A failed UpdateAll frees "moved" and takes "x" for book 1, then
		// fails on book 2 and is reverted: "moved" is taken again.
		_, err = b.books.UpdateAll(tx, query.In("id", 1, 2), map[string]any{"slug": "x"})
		require.ErrorAs(t, err, &uce)
		_, err = b.books.Create(tx, hmBook{Slug: hmS("moved")})
		require.ErrorAs(t, err, &uce, "taken again by the revert")
		_, err = b.books.Create(tx, hmBook{Slug: hmS("x")})
		require.NoError(t, err, "freed again by the revert")
		return nil
	}))
}

// rlCommented stores post 1 with n comments.
func rlCommented(t testing.TB, blog *hmBlog, n int) {
	t.Helper()
	require.NoError(t, blog.db.Update(func(tx *memrel.Txn) error {
		p, err := blog.posts.Create(tx, hmPost{Title: "p"})
		require.NoError(t, err)
		for range n {
			if _, err := blog.comments.Create(tx, hmComment{PostID: &p.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// rlLiked stores comment 1 and its reply 1, with n likes.
func rlLiked(t testing.TB, blog *hmBlog, n int) {
	t.Helper()
	require.NoError(t, blog.db.Update(func(tx *memrel.Txn) error {
		c, err := blog.comments.Create(tx, hmComment{})
		require.NoError(t, err)
		r, err := blog.replies.Create(tx, hmReply{CommentID: c.ID})
		require.NoError(t, err)
		for range n {
			if _, err := blog.likes.Create(tx, hmLike{ReplyID: &r.ID}); err != nil {
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

// hmChain creates categories 1..n, each but the first the child of the
// one before.
func hmChain(tx *memrel.Txn, cats *memrel.Model[hmCat], n int) error {
	for id := int64(1); id <= int64(n); id++ {
		c := hmCat{ID: id}
		if id > 1 {
			c.ParentID = hmI(id - 1)
		}
		if _, err := cats.Create(tx, c); err != nil {
			return err
		}
	}
	return nil
}
