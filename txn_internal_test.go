package memrel

// Internal tests of what the exported API cannot stage on demand: a call
// under way on another goroutine, a sequence behind its rows.

import (
	"testing"

	"github.com/memrel/memrel/internal/meta"
	"github.com/stretchr/testify/require"
)

// TestTxn_CallWhileBusy_Panics stages another goroutine's call under way
// on a write transaction (its in-use flag set): every call, read or write,
// and Commit panic with the memrel message before changing anything, and
// Abort waits for the call to end, then rolls back.
func TestTxn_CallWhileBusy_Panics(t *testing.T) {
	ip := openIP(t, 2)
	tx := ip.db.Begin(true)
	_, err := ip.posts.Create(tx, ipPost{Title: "mine"})
	require.NoError(t, err)
	mark, seq := tx.r.Writer().Mark(), tx.r.Reader().Sequence(ip.posts.t)

	tx.busy.Store(inCall) // another goroutine is inside a call
	calls := map[string]func(){
		"FindByPK": func() { _, _, _ = ip.posts.FindByPK(tx, int64(1)) },
		"Create":   func() { _, _ = ip.posts.Create(tx, ipPost{Title: "theirs"}) },
		"Get":      func() { _, _ = ip.pc.Get(tx, ipPost{ID: 1}, nil) },
		"Commit":   func() { _ = tx.Commit() },
	}
	for name, call := range calls {
		require.PanicsWithValue(t, errBusy, call, name)
	}
	require.Equal(t, mark, tx.r.Writer().Mark())
	require.Equal(t, seq, tx.r.Reader().Sequence(ip.posts.t))
	require.False(t, tx.done.Load())

	aborted := make(chan struct{})
	go func() { tx.Abort(); close(aborted) }()
	tx.busy.Store(idle) // the other call ends
	<-aborted
	require.True(t, tx.done.Load())
	require.NoError(t, ip.db.View(func(rx *Txn) error {
		n, err := ip.posts.Count(rx, nil)
		require.Equal(t, 2, n, "the aborted write is gone")
		return err
	}))
}

// TestModel_Create_SequenceBehindNeverReplaces breaks the invariant every write keeps
// (the sequence past every stored key) by hand: a drawn key that is
// stored must fail as a duplicate, as in PostgreSQL, and neither replace
// the row nor, when its call fails, delete it.
func TestModel_Create_SequenceBehindNeverReplaces(t *testing.T) {
	ip := openIP(t, 3)
	db, m := ip.db, ip.posts
	setSequence(t, db, m.t, 0)
	err := db.Update(func(tx *Txn) error {
		_, err := m.Create(tx, ipPost{Title: "drawn"})
		return err
	})
	var ue *UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, int64(1), ue.Value)
	// A drawn key whose insert then fails (a dangling foreign key): its
	// undo must not delete the stored row with that key.
	setSequence(t, db, ip.comments.t, 0)
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

// setSequence sets t's sequence to v, past every check.
func setSequence(tb testing.TB, db *Store, t *meta.Table, v int64) {
	tx := db.Begin(true)
	tx.r.Writer().SetSequence(t, v)
	require.NoError(tb, tx.Commit())
}
