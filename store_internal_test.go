package memrel

// Internal tests of the shared read view, whose races the exported API
// cannot stage on demand.

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type stViewRow struct {
	ID   int64
	Name string
}

// TestSTReaderAfterSlowReader stages the race Store.reader guards against:
// a reader opens its view before a commit and publishes it after. A
// transaction that begins once the commit has returned must still see it.
func TestSTReaderAfterSlowReader(t *testing.T) {
	s := NewSchema()
	m := Define[stViewRow](s, "V")
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *Txn) error {
		_, err := m.Create(tx, stViewRow{ID: 1, Name: "old"})
		return err
	}))

	g := db.gen.Load()
	slow := db.db.Txn(false) // the slow reader's view, opened before the commit
	require.NoError(t, db.Update(func(tx *Txn) error {
		_, err := m.Update(tx, stViewRow{ID: 1, Name: "new"})
		return err
	}))
	require.Nil(t, db.view.Load(), "a commit drops the shared view, so the old tree can go")
	db.view.Store(&readView{gen: g, mt: slow}) // published late

	require.NoError(t, db.View(func(tx *Txn) error {
		r, ok, err := m.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "new", r.Name)
		return nil
	}))

	// Readers between two commits share one view, and it is current.
	a, b := db.Begin(false), db.Begin(false)
	require.Same(t, a.mt, b.mt)
	a.Abort()
	r, ok, err := m.FindByPK(b, int64(1))
	require.NoError(t, err, "ending one reader leaves the shared view usable")
	require.True(t, ok)
	require.Equal(t, "new", r.Name)
	b.Abort()
}
