package memrel_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

func TestStore_Update_Commits(t *testing.T) {
	db := stSetup(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		require.True(t, tx.Writable())
		_, err := db.posts.Create(tx, stNewPost("a"))
		return err
	}))
	snap := stDump(t, db)
	require.Len(t, snap.Posts, 1)
	require.Equal(t, "a", snap.Posts[0].Title)
}

func TestStore_Update_ErrorRollsBack(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("keep"))
	before := stDump(t, db)
	boom := errors.New("boom")
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, stNewPost("new"))
		require.NoError(t, err)
		p, _, err := db.posts.FindByPK(tx, 1)
		require.NoError(t, err)
		p.Title = "changed"
		_, err = db.posts.Update(tx, p)
		require.NoError(t, err)
		_, err = db.tags.Create(tx, fixture.ColumnTag{Name: "t"})
		require.NoError(t, err)
		// The transaction sees its own writes.
		n, err := db.posts.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, before, stDump(t, db))
}

func TestStore_Update_PanicRollsBack(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("keep"))
	before := stDump(t, db)
	require.PanicsWithValue(t, "kaboom", func() {
		_ = db.Update(func(tx *memrel.Txn) error {
			_, err := db.posts.Create(tx, stNewPost("new"))
			require.NoError(t, err)
			require.NoError(t, db.posts.DestroyKey(tx, 1))
			panic("kaboom")
		})
	})
	require.Equal(t, before, stDump(t, db))
	// The store is still usable: the writer lock was released.
	done := make(chan struct{})
	go func() {
		defer close(done)
		tx := db.Begin(true)
		defer tx.Abort()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a panic in Update left the store locked")
	}
	require.Equal(t, int64(3), stCreatePost(t, db, stNewPost("after")).ID)

	// A panic in View is re-raised too.
	require.Panics(t, func() {
		_ = db.View(func(tx *memrel.Txn) error { panic("in view") })
	})
	require.Len(t, stDump(t, db).Posts, 2)
}

func TestStore_View_ReadOnly(t *testing.T) {
	db := stSetup(t)
	p := stCreatePost(t, db, stNewPost("a"))
	before := stDump(t, db)
	writes := []struct {
		name string
		fn   func(tx *memrel.Txn) error
	}{
		{"Create", func(tx *memrel.Txn) error { _, err := db.posts.Create(tx, stNewPost("b")); return err }},
		{"Update", func(tx *memrel.Txn) error { q := p; q.Title = "x"; _, err := db.posts.Update(tx, q); return err }},
		{"UpdateKey", func(tx *memrel.Txn) error { q := p; q.ID = 9; _, err := db.posts.UpdateKey(tx, 1, q); return err }},
		{"Destroy", func(tx *memrel.Txn) error { return db.posts.Destroy(tx, p) }},
		{"DestroyKey", func(tx *memrel.Txn) error { return db.posts.DestroyKey(tx, 1) }},
		{"UpdateAll", func(tx *memrel.Txn) error {
			_, err := db.posts.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x"})
			return err
		}},
		{"DestroyAll", func(tx *memrel.Txn) error { _, err := db.posts.DestroyAll(tx, query.Cond{}); return err }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			var werr error
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				require.False(t, tx.Writable())
				werr = w.fn(tx)
				// The read transaction stays usable.
				n, err := db.posts.Count(tx, nil)
				require.NoError(t, err)
				require.Equal(t, 1, n)
				return nil
			}))
			require.ErrorIs(t, werr, memrel.ErrReadOnly)
			require.Equal(t, before, stDump(t, db))

			tx := db.Begin(false)
			require.ErrorIs(t, w.fn(tx), memrel.ErrReadOnly)
			require.NoError(t, tx.Commit())
			require.Equal(t, before, stDump(t, db))
		})
	}
}

func TestStore_Begin_ManualTxn(t *testing.T) {
	db := stSetup(t)

	tx := db.Begin(true)
	require.True(t, tx.Writable())
	_, err := db.posts.Create(tx, stNewPost("committed"))
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	tx.Abort() // a no-op after Commit
	require.Len(t, stDump(t, db).Posts, 1)
	require.ErrorIs(t, tx.Commit(), memrel.ErrTxDone)

	tx = db.Begin(true)
	_, err = db.posts.Create(tx, stNewPost("aborted"))
	require.NoError(t, err)
	tx.Abort()
	tx.Abort()
	require.ErrorIs(t, tx.Commit(), memrel.ErrTxDone)
	require.Len(t, stDump(t, db).Posts, 1)

	rtx := db.Begin(false)
	require.False(t, rtx.Writable())
	n, err := db.posts.Count(rtx, nil)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, rtx.Commit())
	_, err = db.posts.Count(rtx, nil)
	require.ErrorIs(t, err, memrel.ErrTxDone)
	rtx.Abort()
}

func TestTxn_Done(t *testing.T) {
	db := stSetup(t)
	p := stCreatePost(t, db, stNewPost("a"))
	var kept *memrel.Txn
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { kept = tx; return nil }))
	var viewed *memrel.Txn
	require.NoError(t, db.View(func(tx *memrel.Txn) error { viewed = tx; return nil }))
	committed := db.Begin(true)
	require.NoError(t, committed.Commit())
	aborted := db.Begin(true)
	aborted.Abort()
	before := stDump(t, db)

	for name, tx := range map[string]*memrel.Txn{"Update": kept, "View": viewed, "committed": committed, "aborted": aborted} {
		t.Run(name, func(t *testing.T) {
			ops := map[string]func() error{
				"Create":     func() error { _, err := db.posts.Create(tx, stNewPost("b")); return err },
				"FindByPK":   func() error { _, _, err := db.posts.FindByPK(tx, 1); return err },
				"FindOne":    func() error { _, _, err := db.posts.FindOne(tx, nil); return err },
				"FindAll":    func() error { _, err := db.posts.FindAll(tx, nil); return err },
				"Count":      func() error { _, err := db.posts.Count(tx, nil); return err },
				"Update":     func() error { _, err := db.posts.Update(tx, p); return err },
				"UpdateKey":  func() error { _, err := db.posts.UpdateKey(tx, 1, p); return err },
				"DestroyKey": func() error { return db.posts.DestroyKey(tx, 1) },
				"UpdateAll": func() error {
					_, err := db.posts.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x"})
					return err
				},
				"DestroyAll": func() error { _, err := db.posts.DestroyAll(tx, query.Cond{}); return err },
			}
			for op, fn := range ops {
				require.ErrorIs(t, fn(), memrel.ErrTxDone, op)
			}
		})
	}
	require.Equal(t, before, stDump(t, db))
}

func TestTxn_Commit_InsideManagedPanics(t *testing.T) {
	db := stSetup(t)
	cases := []struct {
		name string
		run  func(fn func(*memrel.Txn) error) error
		end  func(*memrel.Txn)
	}{
		{"Commit in Update", db.Update, func(tx *memrel.Txn) { _ = tx.Commit() }},
		{"Abort in Update", db.Update, func(tx *memrel.Txn) { tx.Abort() }},
		{"Commit in View", db.View, func(tx *memrel.Txn) { _ = tx.Commit() }},
		{"Abort in View", db.View, func(tx *memrel.Txn) { tx.Abort() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := stDump(t, db)
			require.Panics(t, func() {
				_ = tc.run(func(tx *memrel.Txn) error {
					if tx.Writable() {
						_, err := db.posts.Create(tx, stNewPost("x"))
						require.NoError(t, err)
					}
					tc.end(tx)
					return nil
				})
			})
			require.Equal(t, before, stDump(t, db), "writes before the panic were committed")
			stCreatePost(t, db, stNewPost("store still usable"))
		})
	}
}

func TestTxn_FailedCallKeepsTxn(t *testing.T) {
	db := stSetup(t)
	taken := stNewPost("taken")
	taken.Slug = stStr("taken")
	stCreatePost(t, db, taken)

	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		a, err := db.posts.Create(tx, stNewPost("a"))
		require.NoError(t, err)
		a.Title = "a2"
		_, err = db.posts.Update(tx, a)
		require.NoError(t, err)
		mid := stDumpTx(t, db, tx)

		// Each failing call leaves the transaction exactly as before it.
		failing := []func() error{
			func() error { _, err := db.posts.Create(tx, fixture.ColumnPost{Title: "no body"}); return err },
			func() error { _, err := db.posts.Create(tx, taken); return err },
			func() error { x := a; x.Slug = stStr("taken"); _, err := db.posts.Update(tx, x); return err },
			func() error { x := a; x.ID = 1; _, err := db.posts.UpdateKey(tx, a.ID, x); return err },
			func() error { return db.posts.DestroyKey(tx, 99) },
			func() error {
				_, err := db.posts.UpdateAll(tx, query.Cond{}, map[string]any{"slug": "same", "title": "z"})
				return err
			},
			func() error { _, err := db.posts.UpdateAll(tx, query.Cond{}, map[string]any{"nope": 1}); return err },
			func() error { _, err := db.posts.DestroyAll(tx, query.Eq("nope", 1)); return err },
		}
		for i, fn := range failing {
			require.Error(t, fn(), "call %d", i)
			require.Equal(t, mid, stDumpTx(t, db, tx), "call %d changed the transaction", i)
		}

		// The transaction is still usable.
		_, err = db.posts.Create(tx, stNewPost("c"))
		require.NoError(t, err)
		return nil
	}))
	snap := stDump(t, db)
	var titles []string
	for _, p := range snap.Posts {
		titles = append(titles, p.Title)
	}
	require.Equal(t, []string{"taken", "a2", "c"}, titles)
}

// stDumpTx is stDump inside a given transaction.
func stDumpTx(t *testing.T, db *stDB, tx *memrel.Txn) stSnap {
	t.Helper()
	var snap stSnap
	var err error
	snap.Posts, err = db.posts.FindAll(tx, nil)
	require.NoError(t, err)
	snap.Tags, err = db.tags.FindAll(tx, nil)
	require.NoError(t, err)
	snap.Users, err = db.users.FindAll(tx, nil)
	require.NoError(t, err)
	snap.Rows, err = db.rows.FindAll(tx, nil)
	require.NoError(t, err)
	return stDeepCopy(snap)
}

func TestTxn_SnapshotIsolation(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("a"))
	old := stDump(t, db)

	reader := db.Begin(false)
	defer reader.Abort()

	// An open writer's changes are invisible to readers.
	writer := db.Begin(true)
	_, err := db.posts.Create(writer, stNewPost("b"))
	require.NoError(t, err)
	require.NoError(t, db.posts.DestroyKey(writer, 1))
	require.Equal(t, old, stDumpTx(t, db, reader))
	require.Equal(t, old, stDump(t, db))
	require.NoError(t, writer.Commit())

	// The old reader keeps its snapshot; a new one sees the commit.
	require.Equal(t, old, stDumpTx(t, db, reader))
	p, ok, err := db.posts.FindByPK(reader, 1)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "a", p.Title)
	now := stDump(t, db)
	require.Equal(t, []int64{2}, stPostIDs(now.Posts))
	require.NotEqual(t, old, now)
}

func TestStore_Update_WritersSerialised(t *testing.T) {
	db := stSetup(t)
	first := db.Begin(true)
	_, err := db.posts.Create(first, stNewPost("first"))
	require.NoError(t, err)

	began := make(chan struct{})
	finished := make(chan error, 1)
	go func() {
		tx := db.Begin(true)
		close(began)
		defer tx.Abort()
		// The second writer starts after the first committed and sees it.
		n, err := db.posts.Count(tx, nil)
		if err == nil && n != 1 {
			err = errors.New("second writer does not see the first one's commit")
		}
		if err == nil {
			_, err = db.posts.Create(tx, stNewPost("second"))
		}
		if err == nil {
			err = tx.Commit()
		}
		finished <- err
	}()
	select {
	case <-began:
		t.Fatal("a second write transaction began while the first was open")
	case <-time.After(50 * time.Millisecond):
	}
	// Readers do not wait for the writer.
	require.Empty(t, stDump(t, db).Posts)
	require.NoError(t, first.Commit())
	require.NoError(t, <-finished)
	require.Equal(t, []int64{1, 2}, stPostIDs(stDump(t, db).Posts))
}

// TestStore_ConcurrentReadersWriters runs writers that keep an invariant (rows
// come in pairs with the same title) beside readers that check it on their
// snapshot; run with -race.
func TestStore_ConcurrentReadersWriters(t *testing.T) {
	db := stSetup(t)
	const writers, readers, rounds = 2, 3, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				err := db.Update(func(tx *memrel.Txn) error {
					title := fmt.Sprintf("%d-%d", w, i)
					for range 2 {
						if _, err := db.posts.Create(tx, stNewPost(title)); err != nil {
							return err
						}
					}
					if i%3 == 0 {
						// Delete one whole pair.
						p, ok, err := db.posts.FindOne(tx, &memrel.Options{Order: []query.Order{query.Asc("id")}})
						if err != nil || !ok {
							return err
						}
						_, err = db.posts.DestroyAll(tx, query.Eq("title", p.Title))
						return err
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				err := db.View(func(tx *memrel.Txn) error {
					all, err := db.posts.FindAll(tx, nil)
					if err != nil {
						return err
					}
					n, err := db.posts.Count(tx, nil)
					if err != nil {
						return err
					}
					if n != len(all) || n%2 != 0 {
						return errors.New("reader saw a torn snapshot")
					}
					count := map[string]int{}
					for _, p := range all {
						count[p.Title]++
					}
					for title, c := range count {
						if c%2 != 0 {
							return errors.New("reader saw half a pair: " + title)
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	snap := stDump(t, db)
	require.Len(t, snap.Posts, 2*writers*rounds-2*writers*((rounds+2)/3))
	// Ids were handed out without duplicates under concurrency.
	seen := map[int64]bool{}
	for _, p := range snap.Posts {
		require.False(t, seen[p.ID])
		seen[p.ID] = true
	}
}

func TestTxn_WrongStore(t *testing.T) {
	db := stSetup(t)
	other := stSetup(t) // another schema: its models are not db's
	before := stDump(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := other.posts.Create(tx, stNewPost("x"))
		require.ErrorIs(t, err, memrel.ErrWrongStore)
		_, err = other.posts.FindAll(tx, nil)
		require.ErrorIs(t, err, memrel.ErrWrongStore)
		_, _, err = other.posts.FindByPK(tx, 1)
		require.ErrorIs(t, err, memrel.ErrWrongStore)
		return nil
	}))
	require.Equal(t, before, stDump(t, db))
}

// TestTxn_Read_SharedByGoroutines reads through one read transaction
// from many goroutines at once and checks every answer: a read-only
// snapshot is shareable, and sharing it must never hand out another key's
// row (the lookup key once went through a scratch buffer of the Txn).
func TestTxn_Read_SharedByGoroutines(t *testing.T) {
	m := fixture.Strict(t)
	e := rlOpen(t, m, fixture.Strict(t))
	nc := int64(e.NComments + 2) // comments 1..nc
	body := func(id int64) string {
		if id <= 2 {
			return [...]string{"first", "second"}[id-1]
		}
		return fmt.Sprint("bulk ", id-3)
	}
	check := func(t *testing.T, tx *memrel.Txn) {
		const goroutines, rounds = 8, 300
		var wg sync.WaitGroup
		errs := make(chan error, goroutines)
		for g := range int64(goroutines) {
			wg.Go(func() {
				fail := func(format string, args ...any) { errs <- fmt.Errorf(format, args...) }
				for i := range int64(rounds) {
					id := (g*rounds+i)*7%nc + 1
					c, ok, err := e.Comment.FindByPK(tx, id)
					if err != nil || !ok || c.ID != id || *c.Body != body(id) {
						fail("FindByPK(%d) = %d %v %v", id, c.ID, ok, err)
						return
					}
					cs, err := e.Comment.FindAll(tx, &memrel.Options{Where: query.Eq("id", id)})
					if err != nil || len(cs) != 1 || cs[0].ID != id || *cs[0].Body != body(id) {
						fail("FindAll(id = %d) = %v %v", id, cs, err)
						return
					}
					p, ok, err := e.Post.FindByPK(tx, "x") // a bad key, between good ones
					if err == nil || ok || p.ID != 0 {
						fail("FindByPK(\"x\") = %v %v %v", p, ok, err)
						return
					}
					post := int64(1 + 2*(id%2)) // posts 1 and 3
					kids, err := e.Comments.Get(tx, fixture.StrictPost{ID: post}, nil)
					want := map[int64]int{1: 2, 3: e.NComments}[post]
					if err != nil || len(kids) != want || kids[0].PostID != post {
						fail("Get(post %d) = %d comments, %v", post, len(kids), err)
						return
					}
					n, err := e.Comments.Count(tx, fixture.StrictPost{ID: post}, &memrel.Options{Where: query.Eq("body", body(id))})
					wantN := 0
					if (id <= 2) == (post == 1) {
						wantN = 1
					}
					if err != nil || n != wantN {
						fail("Count(post %d, body of %d) = %d, %v; want %d", post, id, n, err, wantN)
						return
					}
					has, err := e.Comments.Has(tx, fixture.StrictPost{ID: post}, fixture.StrictComment{ID: id})
					if err != nil || has != (wantN == 1) {
						fail("Has(post %d, comment %d) = %v, %v", post, id, has, err)
						return
					}
					withKids, err := e.Post.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1),
						Include: []memrel.Include{{Assoc: e.Comments}}})
					if err != nil || len(withKids) != 1 || len(withKids[0].Comments) != 2 || *withKids[0].Comments[1].Body != "second" {
						fail("FindAll(post 1, include comments) = %v, %v", withKids, err)
						return
					}
					last, err := e.Comment.FindAll(tx, &memrel.Options{Where: query.Lte("id", id),
						Order: []query.Order{{Field: "id", Desc: true}}, Limit: 1})
					if err != nil || len(last) != 1 || last[0].ID != id {
						fail("FindAll(id <= %d, by id desc, limit 1) = %v, %v", id, last, err)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	t.Run("Begin", func(t *testing.T) {
		tx := e.DB.Begin(false)
		defer tx.Abort()
		check(t, tx)
	})
	t.Run("View", func(t *testing.T) {
		require.NoError(t, e.DB.View(func(tx *memrel.Txn) error { check(t, tx); return nil }))
	})
}

// TestTxn_Write_TwoGoroutinesPanicClearly hammers one write transaction
// from two goroutines: the misuse must be caught with a memrel panic, never
// end in a fatal "concurrent map writes", and the transaction must stay
// whole: it still commits or rolls back cleanly.
func TestTxn_Write_TwoGoroutinesPanicClearly(t *testing.T) {
	m := fixture.Strict(t)
	e := rlOpen(t, m, fixture.Strict(t))
	comments := func() []fixture.StrictComment {
		var cs []fixture.StrictComment
		require.NoError(t, e.DB.View(func(tx *memrel.Txn) (err error) { cs, err = e.Comment.FindAll(tx, nil); return err }))
		return cs
	}
	before := comments()
	tx := e.DB.Begin(true)
	var caught sync.Map // panic message -> true
	var stop atomic.Bool
	var wg sync.WaitGroup
	// pending[g] is the comment goroutine g created and has not destroyed
	// yet: a call that panics changed nothing, so a panic between Create
	// and Destroy leaves it stored.
	var pending [2]int64
	for g := range 2 {
		wg.Go(func() {
			for i := 0; i < 1_000_000 && !stop.Load(); i++ {
				func() {
					defer func() {
						if p := recover(); p != nil {
							caught.Store(fmt.Sprint(p), true)
							stop.Store(true)
						}
					}()
					c, err := e.Comment.Create(tx, fixture.StrictComment{PostID: 3, Body: fixture.Str(fmt.Sprint(g, i))})
					if err != nil {
						panic(err)
					}
					pending[g] = c.ID
					if _, ok, err := e.Comment.FindByPK(tx, c.ID); !ok || err != nil {
						panic(fmt.Sprint("lost ", c.ID, err))
					}
					if err := e.Comment.Destroy(tx, c); err != nil {
						panic(err)
					}
					pending[g] = 0
				}()
			}
		})
	}
	wg.Wait()
	var msgs []string
	caught.Range(func(k, _ any) bool { msgs = append(msgs, k.(string)); return true })
	require.NotEmpty(t, msgs, "two goroutines on one write Txn were never caught")
	for _, msg := range msgs {
		require.Contains(t, msg, "memrel: write transaction used by two goroutines at once")
	}
	// Every call either ran whole or not at all: what is left is the
	// fixture and the pending comments, and the transaction still ends
	// cleanly.
	want := len(before)
	for _, id := range pending {
		if id != 0 {
			want++
			_, ok, err := e.Comment.FindByPK(tx, id)
			require.NoError(t, err)
			require.True(t, ok, "comment %d was created and not destroyed", id)
		}
	}
	n, err := e.Comment.Count(tx, nil)
	require.NoError(t, err)
	require.Equal(t, want, n)
	tx.Abort()
	require.Equal(t, before, comments(), "the aborted transaction left something behind")
	require.NoError(t, e.DB.Update(func(tx *memrel.Txn) error {
		_, err := e.Post.Create(tx, fixture.StrictPost{Slug: "after", Title: "after"})
		return err
	}))
}

// TestTxn_EscapedFromCallback_IsDone keeps the Txn of Update and View after the
// callback returned: it is done, so Abort does nothing and Commit and every
// operation fail with ErrTxDone, as for any done transaction (Abort used
// to panic "inside Store.Update or Store.View").
func TestTxn_EscapedFromCallback_IsDone(t *testing.T) {
	m := fixture.Strict(t)
	e := rlOpen(t, m, fixture.Strict(t))
	for _, run := range []struct {
		name string
		fn   func(func(*memrel.Txn) error) error
	}{{"Update", e.DB.Update}, {"View", e.DB.View}} {
		for _, fails := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fails=%v", run.name, fails), func(t *testing.T) {
				var kept *memrel.Txn
				err := run.fn(func(tx *memrel.Txn) error {
					kept = tx
					// Still running: ending it is the callback's misuse.
					require.PanicsWithValue(t, "memrel: Commit inside Store.Update or Store.View", func() { _ = tx.Commit() })
					require.PanicsWithValue(t, "memrel: Abort inside Store.Update or Store.View", tx.Abort)
					if fails {
						return errors.New("roll back")
					}
					return nil
				})
				require.Equal(t, fails, err != nil)
				require.NotPanics(t, kept.Abort)
				require.ErrorIs(t, kept.Commit(), memrel.ErrTxDone)
				require.NotPanics(t, kept.Abort)
				require.ErrorIs(t, rlErr3(e.Post.FindByPK(kept, 1)), memrel.ErrTxDone)
			})
		}
	}
}
