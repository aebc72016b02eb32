package badinput

import (
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// Mode is the transaction a case runs its operation in.
type Mode int

const (
	Write     Mode = iota // a write transaction, committed after the op
	Read                  // a read transaction
	Committed             // a write transaction committed before the op
	Aborted               // a write transaction aborted before the op
	DoneRead              // a read transaction committed before the op
	Foreign               // a write transaction of a store of another schema
	NilTx                 // a nil *Txn
	ZeroTx                // a zero Txn
	NoStoreTx             // a write transaction begun on a nil Store
)

// String is the mode's name, as the test names show it.
func (m Mode) String() string {
	return [...]string{"write", "read", "committed", "aborted", "done-read", "foreign", "nil-tx", "zero-tx", "nil-store-tx"}[m]
}

// Case is one bad input: Op must fail, in a transaction of Mode, with an
// error that Is and As match (when set) and whose message holds every
// string of Msg.
type Case struct {
	Name string
	Mode Mode
	Op   func(e *Env, tx *memrel.Txn) error
	Is   error // errors.Is target, or nil
	As   any   // errors.As target (pointer to a typed error pointer), or nil
	Msg  []string
}

// Check marks a store's state: the function it returns reports, failing
// t, whether the store still holds what it held at the mark.
type Check func(t testing.TB, db *memrel.Store) (unchanged func() bool)

// Run runs one case on fresh stores of m and other opened by open: the op
// must fail as documented, without panicking, and change nothing in
// either store, as check sees them. It returns the op's error.
func Run(t *testing.T, open Opener, check Check, m, other *fixture.StrictModels, tc Case) error {
	t.Helper()
	e := NewEnv(t, open, m, other)
	before, obefore := check(t, e.DB), check(t, e.Other)
	var err error
	call := func(tx *memrel.Txn) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("rl: memrel panicked: %v", p)
				t.Errorf("memrel panicked on bad input: %v", p)
			}
		}()
		return tc.Op(e, tx)
	}
	switch tc.Mode {
	case Write:
		require.NoError(t, e.DB.Update(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case Read:
		require.NoError(t, e.DB.View(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case Committed:
		tx := e.DB.Begin(true)
		require.NoError(t, tx.Commit())
		err = call(tx)
	case Aborted:
		tx := e.DB.Begin(true)
		tx.Abort()
		err = call(tx)
	case DoneRead:
		tx := e.DB.Begin(false)
		require.NoError(t, tx.Commit())
		err = call(tx)
	case Foreign:
		require.NoError(t, e.Other.Update(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case NilTx:
		err = call(nil)
	case ZeroTx:
		err = call(new(memrel.Txn))
	case NoStoreTx:
		var nilStore *memrel.Store
		err = call(nilStore.Begin(true))
	}
	require.Error(t, err)
	if tc.Is != nil {
		require.ErrorIs(t, err, tc.Is)
	}
	if tc.As != nil {
		require.ErrorAs(t, err, tc.As)
	}
	for _, s := range tc.Msg {
		require.Contains(t, err.Error(), s, "the message should name %q", s)
	}
	require.True(t, before(), "the store changed")
	require.True(t, obefore(), "the other store changed")
	// The store is still usable: a write commits.
	require.NoError(t, e.DB.Update(func(tx *memrel.Txn) error {
		_, err := e.Post.Create(tx, fixture.StrictPost{Slug: "after", Title: "after"})
		return err
	}))
	return err
}
