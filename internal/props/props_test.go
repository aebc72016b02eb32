package props

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// setFlag sets one of rapid's flags for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	f := flag.Lookup(name)
	require.NotNil(t, f, name)
	old := f.Value.String()
	require.NoError(t, f.Value.Set(value))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// recTB is a rapid.TB that records failures instead of failing the test.
type recTB struct {
	*testing.T
	errs []string
}

func (r *recTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recTB) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *recTB) Fail()             { r.errs = append(r.errs, "Fail") }
func (r *recTB) FailNow()          { r.Fail() }
func (r *recTB) Failed() bool      { return len(r.errs) > 0 }

func TestCheckTB_Fatal_FailsTheCheckNotTheTest(t *testing.T) {
	setFlag(t, "rapid.nofailfile", "true")
	rec := &recTB{T: t}
	rapid.Check(rec, func(rt *rapid.T) {
		checkTB{t, rt}.Fatal("cannot open")
	})
	require.NotEmpty(t, rec.errs, "the check did not fail")
	require.Contains(t, rec.errs[0], "failed after 0 tests")
}

func TestCheckTB_Cleanup_RunsWhenTheCheckEnds(t *testing.T) {
	checks, cleaned := 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		require.Equal(rt, checks, cleaned, "the cleanup of a previous check has not run")
		checks++
		checkTB{t, rt}.Cleanup(func() { cleaned++ })
	})
	require.Positive(t, checks)
	require.Equal(t, checks, cleaned)
}

func TestCheckTB_Context_EndsWithTheCheck(t *testing.T) {
	var ctxs []context.Context
	rapid.Check(t, func(rt *rapid.T) {
		ctxs = append(ctxs, checkTB{t, rt}.Context())
	})
	require.NotEmpty(t, ctxs)
	for _, ctx := range ctxs {
		require.Error(t, ctx.Err())
	}
}

// TestOpener_Store_ClosedWhenItsCheckEnds: every store of the
// machine comes from open, one per check, and is closed when its check
// ends.
func TestOpener_Store_ClosedWhenItsCheckEnds(t *testing.T) {
	setFlag(t, "rapid.checks", "5")
	for _, run := range []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"StateMachine", func(t *testing.T, open Opener) { StateMachine(t, open) }},
		{"ConcurrentReaders", func(t *testing.T, open Opener) { ConcurrentReaders(t, open) }},
		{"RekeyOntoOwnOldKey", RekeyOntoOwnOldKey},
	} {
		t.Run(run.name, func(t *testing.T) {
			var stores []*memrel.Store
			run.fn(t, func(t testing.TB, s *memrel.Schema) *memrel.Store {
				db := fixture.MustOpen(t, s)
				stores = append(stores, db)
				return db
			})
			require.NotEmpty(t, stores)
			for _, db := range stores {
				require.ErrorIs(t, db.View(func(*memrel.Txn) error { return nil }), memrel.ErrClosed)
			}
		})
	}
}

// TestClockOpener_Store_ClosedWhenItsCheckEnds: the same for the writes
// machine, whose stores come from a ClockOpener.
func TestClockOpener_Store_ClosedWhenItsCheckEnds(t *testing.T) {
	setFlag(t, "rapid.checks", "5")
	var stores []*memrel.Store
	WritesMachine(t, func(t testing.TB, s *memrel.Schema, now func() time.Time) *memrel.Store {
		db, err := s.Open(memrel.WithClock(now))
		require.NoError(t, err)
		stores = append(stores, db)
		return db
	})
	require.NotEmpty(t, stores)
	for _, db := range stores {
		require.ErrorIs(t, db.View(func(*memrel.Txn) error { return nil }), memrel.ErrClosed)
	}
}

// TestSequenceGaps_StoreSequenceAhead_TakenOver: with SequenceGaps, the
// model takes over a store's sequence that ran ahead (a failed create
// kept its draw), and leaves alone a model without a sequence.
func TestSequenceGaps_StoreSequenceAhead_TakenOver(t *testing.T) {
	o := newOptions([]Option{SequenceGaps(func(_ *memrel.Store, model string) (int64, bool) { return 5, model == "User" })})
	seq := map[string]int64{"User": 3, "Post": 7}
	rapid.Check(t, func(rt *rapid.T) {
		o.syncSequences(rt, nil, []string{"User", "Post"}, seq)
	})
	require.Equal(t, map[string]int64{"User": 5, "Post": 7}, seq)
}

// TestSequenceGaps_StoreSequenceBehind_FailsTheCheck: a store's sequence
// behind the model's (an explicit key that did not move it) fails the
// check rather than being taken over.
func TestSequenceGaps_StoreSequenceBehind_FailsTheCheck(t *testing.T) {
	setFlag(t, "rapid.nofailfile", "true")
	o := newOptions([]Option{SequenceGaps(func(*memrel.Store, string) (int64, bool) { return 2, true })})
	seq := map[string]int64{"User": 3}
	rec := &recTB{T: t}
	rapid.Check(rec, func(rt *rapid.T) {
		o.syncSequences(rt, nil, []string{"User"}, seq)
	})
	require.NotEmpty(t, rec.errs, "the check did not fail")
	require.Equal(t, int64(3), seq["User"], "a sequence behind is not taken over")
}
