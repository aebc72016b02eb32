package pg

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/badinput"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sequenceMoves records the catalogue's cases that left the tables as
// they were but not the sequences: a create failing a unique or foreign
// key check after its nextval keeps the draw on PostgreSQL (pg's doc:
// What differs), where the memory engine gives it back.
type sequenceMoves struct {
	mu    sync.Mutex
	cases []string
}

// unchanged is the catalogue's check on PostgreSQL: every table, read
// back in full (soft-deleted rows too), as it was at the mark. The
// snapshot (Store.Save, sequences included) is compared as well; a
// difference in it alone is a sequence that moved, recorded in moves.
func (moves *sequenceMoves) unchanged(t testing.TB, db *memrel.Store) func() bool {
	t.Helper()
	was, err := memreltest.Dump(db)
	require.NoError(t, err)
	var snap bytes.Buffer
	require.NoError(t, db.Save(&snap))
	return func() bool {
		t.Helper()
		now, err := memreltest.Dump(db)
		require.NoError(t, err)
		if !assert.Equal(t, was, now, "the tables changed") {
			return false
		}
		var after bytes.Buffer
		require.NoError(t, db.Save(&after))
		if !bytes.Equal(snap.Bytes(), after.Bytes()) {
			moves.mu.Lock()
			moves.cases = append(moves.cases, t.Name())
			moves.mu.Unlock()
		}
		return true
	}
}

// TestBadInput_TypedErrorAndTablesUnchanged runs the bad-input catalogue
// (internal/badinput, as the memory engine's TestStore_BadInput does) on
// PostgreSQL: each case on two stores of its own, each a schema of its
// own, must fail with the error the memory engine gives (the same
// errors.Is and errors.As targets, the same words in the message) and
// leave every table as it was. The snapshot-format cases are the memory
// engine's alone.
func TestBadInput_TypedErrorAndTablesUnchanged(t *testing.T) {
	o := newPGOpener(t)
	moves := &sequenceMoves{}
	m, other := fixture.Strict(t), fixture.Strict(t)
	inputs := append(badinput.InputCases(t), badinput.HandleCases()...)
	txns := badinput.TxnCases()
	var mu sync.Mutex
	var unprefixed []string
	run := func(t *testing.T, name string, tc badinput.Case) {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each case's stores are its own, and waiting on the server is most of its time
			err := badinput.Run(t, func(t testing.TB, s *memrel.Schema) *memrel.Store { return o.open(t, s) }, moves.unchanged, m, other, tc)
			if err != nil && !strings.HasPrefix(err.Error(), "memrel: ") {
				mu.Lock()
				unprefixed = append(unprefixed, name+": "+err.Error())
				mu.Unlock()
			}
		})
	}
	t.Run("cases", func(t *testing.T) { // returns when every parallel case has
		for _, tc := range inputs {
			run(t, tc.Name, tc)
		}
		for _, tc := range txns {
			run(t, tc.Name+"/"+tc.Mode.String(), tc)
		}
	})
	t.Logf("bad-input catalogue on PostgreSQL: %d cases (%d bad values, %d transaction misuses); %d left a sequence moved: %v",
		len(inputs)+len(txns), len(inputs), len(txns), len(moves.cases), moves.cases)
	require.Empty(t, unprefixed, "error messages that do not start with \"memrel: \"")
	for _, name := range moves.cases {
		require.Contains(t, strings.ToLower(name), "create", "only a failed create may keep a drawn key")
	}
}
