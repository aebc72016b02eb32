package memrel

// Internal tests of the shared read view and the recycled write state,
// whose races and reuse the exported API cannot stage on demand.

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSTReaderAfterSlowReader stages the race Store.reader guards against:
// a reader opens its view before a commit and publishes it after. A
// transaction that begins once the commit has returned must still see it.
func TestSTReaderAfterSlowReader(t *testing.T) {
	ip := openIP(t, 1)
	db, m := ip.db, ip.posts

	g := db.gen.Load()
	slow := db.db.Txn(false) // the slow reader's view, opened before the commit
	require.NoError(t, db.Update(func(tx *Txn) error {
		_, err := m.Update(tx, ipPost{ID: 1, Title: "new"})
		return err
	}))
	require.Nil(t, db.view.Load(), "a commit drops the shared view, so the old tree can go")
	db.view.Store(&readView{gen: g, mt: slow}) // published late

	require.NoError(t, db.View(func(tx *Txn) error {
		r, ok, err := m.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "new", r.Title)
		return nil
	}))

	// Readers between two commits share one view, and it is current.
	a, b := db.Begin(false), db.Begin(false)
	require.Same(t, a.mt, b.mt)
	a.Abort()
	r, ok, err := m.FindByPK(b, int64(1))
	require.NoError(t, err, "ending one reader leaves the shared view usable")
	require.True(t, ok)
	require.Equal(t, "new", r.Title)
	b.Abort()
}

// TestSTWriteStateRecycled: a write transaction hands its emptied
// bookkeeping to the next one, unless it grew past keepRoom, and the next
// transaction starts from a clean slate either way.
func TestSTWriteStateRecycled(t *testing.T) {
	ip := openIP(t, 3)
	db := ip.db
	w := db.spare
	require.NotNil(t, w, "a small transaction's bookkeeping is kept")
	for _, ws := range w.written {
		require.Empty(t, ws.short)
		require.Equal(t, wsUntouched, ws.state)
		require.False(t, ws.dirty)
	}
	require.Nil(t, w.snap)

	tx := db.Begin(true)
	require.Same(t, w, tx.w)
	require.Nil(t, db.spare, "the writer owns it while it runs")
	tx.Abort()
	require.Nil(t, tx.w, "a done transaction lets go of it")
	_, err := ip.posts.Create(tx, ipPost{})
	require.ErrorIs(t, err, ErrTxDone)

	require.NoError(t, db.Update(func(tx *Txn) error {
		for range keepRoom + 1 {
			p, err := ip.posts.Create(tx, ipPost{})
			if err != nil {
				return err
			}
			if _, err := ip.comments.Create(tx, ipComment{PostID: &p.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.Nil(t, db.spare, "a big transaction's bookkeeping is dropped")
	require.NoError(t, db.View(func(tx *Txn) error {
		n, err := ip.comments.Count(tx, nil)
		require.Equal(t, keepRoom+4, n)
		return err
	}))
}

// TestRLTxn_CallWhileBusy_Panics stages another goroutine's call under way
// on a write transaction (its in-use flag set): every call, read or write,
// and Commit panic with the memrel message before changing anything, and
// Abort waits for the call to end, then rolls back.
func TestRLTxn_CallWhileBusy_Panics(t *testing.T) {
	ip := openIP(t, 2)
	tx := ip.db.Begin(true)
	_, err := ip.posts.Create(tx, ipPost{Title: "mine"})
	require.NoError(t, err)
	undo, seq := len(tx.w.undo), ip.db.seqs[0].Load()

	tx.busy.Store(true) // another goroutine is inside a call
	calls := map[string]func(){
		"FindByPK": func() { _, _, _ = ip.posts.FindByPK(tx, int64(1)) },
		"Create":   func() { _, _ = ip.posts.Create(tx, ipPost{Title: "theirs"}) },
		"Get":      func() { _, _ = ip.pc.Get(tx, ipPost{ID: 1}, nil) },
		"Commit":   func() { _ = tx.Commit() },
	}
	for name, call := range calls {
		require.PanicsWithValue(t, errBusy, call, name)
	}
	require.Equal(t, undo, len(tx.w.undo))
	require.Equal(t, seq, ip.db.seqs[0].Load())
	require.False(t, tx.done.Load())

	aborted := make(chan struct{})
	go func() { tx.Abort(); close(aborted) }()
	tx.busy.Store(false) // the other call ends
	<-aborted
	require.True(t, tx.done.Load())
	require.NoError(t, ip.db.View(func(rx *Txn) error {
		n, err := ip.posts.Count(rx, nil)
		require.Equal(t, 2, n, "the aborted write is gone")
		return err
	}))
}

// TestSTSequenceBehindNeverReplaces breaks the invariant every write keeps
// (the sequence past every stored key) by hand: a drawn key that is
// stored must fail as a duplicate, as in PostgreSQL, and neither replace
// the row nor, when its call fails, delete it.
func TestSTSequenceBehindNeverReplaces(t *testing.T) {
	ip := openIP(t, 3)
	db, m := ip.db, ip.posts
	db.seqs[m.t.Pos].Store(0)
	err := db.Update(func(tx *Txn) error {
		_, err := m.Create(tx, ipPost{Title: "drawn"})
		return err
	})
	var ue *UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, int64(1), ue.Value)
	// A drawn key whose insert then fails (a dangling foreign key): its
	// undo must not delete the stored row with that key.
	db.seqs[ip.comments.t.Pos].Store(0)
	missing := int64(999)
	require.NoError(t, db.Update(func(tx *Txn) error {
		_, err := ip.comments.Create(tx, ipComment{PostID: &missing})
		require.Error(t, err)
		return nil
	}))
	require.NoError(t, db.View(func(tx *Txn) error {
		c, ok, err := ip.comments.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok, "comment 1 was deleted by the undo of a failed Create")
		require.Equal(t, int64(1), *c.PostID)
		return nil
	}))
	require.NoError(t, db.View(func(tx *Txn) error {
		posts, err := m.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, posts, 3)
		for i, p := range posts {
			require.Equal(t, int64(i+1), p.ID)
			require.Empty(t, p.Title, "post %d was replaced", p.ID)
		}
		return nil
	}))
}
