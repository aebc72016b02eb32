// Package props holds memrel's property tests: pgregory.net/rapid state
// machines that drive random sequences of memrel operations against a
// reference model of plain maps (model.go) and check the invariants after
// every step. They run on any engine: the caller says how a store is
// opened, and the harness never opens one any other way.
//
// StateMachine seeds a store and runs actions named after the operations
// (Create, Update, UpdateKey, Destroy, DestroyAll, UpdateAll, FindByPK,
// Get, Count, Has, Add, Set, SetDestroyPrevious, Remove, RemoveDestroy,
// HasManyCreate, InverseGet, InverseSet, InverseSetKey, InverseCreate,
// HasOneGet, HasOneSet, HasOneSetDestroy, HasOneCreate, BTMGet, BTMHas,
// BTMAdd, BTMSet, BTMRemove, BTMCreate, BeginTxn, CommitTxn, AbortTxn,
// UpdateRollback, OpenReader, CloseReader, ReadOnlyWrite) on hasMany,
// hasOne (hasone.go) and belongsToMany (belongstomany.go) associations.
// After each step: the store equals the model row for row; a failed call
// left its transaction as it was; referential integrity holds; no join
// row dangles or repeats a pair; Get, GetMany, Count, Has and the inverse
// Get agree with a full scan, and so do a belongsToMany's Get,
// GetWithJoin, Count and Has; a new reader sees only committed state and every open
// reader still sees its snapshot; values passed in or returned are
// scribbled on, and the store must not notice; auto-increment keys grow
// past every key ever created. ConcurrentReaders runs the same machine
// while goroutines check View snapshots: each must be a committed state,
// never older than one the same reader saw, and pass the same index
// checks. RekeyOntoOwnOldKey is a case the machine found, kept as a test
// of its own.
//
// WritesMachine (writes.go, its model in writes_model.go) is a second
// machine for the writes beyond one row and soft delete: BulkCreate,
// Upsert, FindOrCreate, Increment/Decrement (by where and by key),
// UpdateAll, Patch, Update, Destroy (soft and Force), DestroyAll,
// Restore, RestoreKey and the hasMany writes on paranoid models with
// timestamps, on stores opened by a ClockOpener with the machine's
// deterministic clock, so that rows, stamps included, compare exactly.
// After each step the full contents, soft-deleted rows included, equal
// the model's, and every read path (with and without WithDeleted) agrees
// with a scan of them.
//
// An engine's tests call each entry point from a test of their own, with
// the function that opens a store on that engine:
//
//	func TestProps_StateMachine(t *testing.T) {
//		props.StateMachine(t, fixture.MustOpen)
//	}
//
// where a second engine passes its own constructor, for example
//
//	props.StateMachine(t, func(t testing.TB, s *memrel.Schema) *memrel.Store {
//		return pgtest.MustOpen(t, s) // a fresh, empty database per call
//	})
//
// and the Options (options.go) an engine's documented differences call
// for: the pg module's tests pass SequenceGaps, as PostgreSQL's sequences
// keep the keys failed creates drew.
//
// The default run is short. For a longer search, from the package that
// holds those tests:
//
//	go test -race -run TestProps -rapid.checks=10000 .
//
// and -rapid.steps=N for longer sequences (default 30), -rapid.seed=S to
// replay a seed, -rapid.failfile=F to replay a failure file. The flags
// are rapid's own, registered in every test binary that imports this
// package.
package props

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Opener opens a new, empty store on schema s, failing t if it cannot;
// fixture.MustOpen is the Opener of the in-memory engine. The harness
// calls it once per rapid check (and once per case of
// RekeyOntoOwnOldKey), may open several stores of one schema one after
// another, and closes each store with Store.Close when its check ends.
// Within a check, t is the check's: failing or skipping it fails or skips
// the check (so rapid shrinks it), its Context ends and its Cleanup
// functions run when the check ends, after the store is closed.
type Opener func(t testing.TB, s *memrel.Schema) *memrel.Store

// StateMachine runs the machine on a schema variant drawn per check, on
// stores opened by open, with opts.
func StateMachine(t *testing.T, open Opener, opts ...Option) {
	schemas := make([]*prSchema, len(prVariants))
	for i, v := range prVariants {
		schemas[i] = prNewSchema(v)
	}
	rapid.Check(t, func(rt *rapid.T) {
		i := rapid.IntRange(0, len(prVariants)-1).Draw(rt, "variant")
		rt.Logf("variant %s", prVariants[i].name)
		m := prNewMachine(rt, schemas[i], open(checkTB{t, rt}, schemas[i].s), newOptions(opts))
		defer m.close()
		rt.Repeat(m.actions())
	})
}

// ConcurrentReaders runs the machine as the single writer, on stores
// opened by open, while readers run View transactions in other
// goroutines: every snapshot a reader sees must pass the machine's view
// checks and be a committed state, never older than one the same reader
// saw before. opts are as StateMachine's.
func ConcurrentReaders(t *testing.T, open Opener, opts ...Option) {
	ps := prNewSchema(prVariants[0])
	rapid.Check(t, func(rt *rapid.T) {
		m := prNewMachine(rt, ps, open(checkTB{t, rt}, ps.s), newOptions(opts))
		defer m.close()
		m.hist = &prHistory{version: map[string]int{}}
		m.readersCheck = true
		m.hist.add(m.committed)
		stop := make(chan struct{})
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- prReadLoop(ps, m.db, m.hist, stop)
			}()
		}
		defer func() {
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(rt, err)
			}
		}()
		rt.Repeat(m.actions())
	})
}

// RekeyOntoOwnOldKey, found by StateMachine (shrunk), re-keys a row of a
// self-association while pointing its foreign key at its own old key, on
// a store opened by open per case. PostgreSQL runs the onUpdate action
// first (the row is a child of the old key, so CASCADE rewrites its
// parentId to the new key, SET NULL clears it) and then skips the FK
// check of the superseded row version; checking the row as written
// (parentId = the old key, now gone) would wrongly fail with
// ForeignKeyConstraintError. The same update succeeds when the row
// already pointed at itself before.
func RekeyOntoOwnOldKey(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name       string
		onUpdate   memrel.Action
		wantParent *int64
	}{
		{"cascade", memrel.Cascade, prI64P(int64(1000))},
		{"set null", memrel.SetNull, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memrel.NewSchema()
			cats := memrel.Define[prCategory](s, "Category")
			memrel.NewHasMany(cats, cats, memrel.HasManyOptions{As: "children", Inverse: "parent",
				ForeignKey: "parentId", OnUpdate: tc.onUpdate})
			db := open(t, s)
			defer func() { _ = db.Close() }()
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				c, err := cats.Create(tx, prCategory{Name: "x"})
				require.NoError(t, err)
				require.Equal(t, int64(1), c.ID)
				_, err = cats.UpdateKey(tx, int64(1), prCategory{ID: 1000, ParentID: prI64P(int64(1)), Name: "x"})
				require.NoError(t, err, "re-key 1 -> 1000 with parentId = 1")
				got, ok, err := cats.FindByPK(tx, int64(1000))
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, tc.wantParent, got.ParentID)
				return nil
			}))
		})
	}
}

// checkTB is the testing.TB an Opener gets inside a rapid check: failing,
// skipping, logging, Cleanup and Context are the check's, so rapid sees
// them; the rest (TempDir, Setenv, Chdir, Attr, Skipped) is the enclosing
// test's.
type checkTB struct {
	testing.TB
	rt *rapid.T
}

func (c checkTB) Helper()                    { c.rt.Helper() }
func (c checkTB) Name() string               { return c.rt.Name() }
func (c checkTB) Log(args ...any)            { c.rt.Log(args...) }
func (c checkTB) Logf(f string, args ...any) { c.rt.Logf(f, args...) }
func (c checkTB) Error(args ...any)          { c.rt.Error(args...) }
func (c checkTB) Errorf(f string, args ...any) {
	c.rt.Errorf(f, args...)
}
func (c checkTB) Fail()                        { c.rt.Fail() }
func (c checkTB) FailNow()                     { c.rt.FailNow() }
func (c checkTB) Failed() bool                 { return c.rt.Failed() }
func (c checkTB) Fatal(args ...any)            { c.rt.Fatal(args...) }
func (c checkTB) Fatalf(f string, args ...any) { c.rt.Fatalf(f, args...) }
func (c checkTB) Skip(args ...any)             { c.rt.Skip(args...) }
func (c checkTB) SkipNow()                     { c.rt.SkipNow() }
func (c checkTB) Skipf(f string, args ...any)  { c.rt.Skipf(f, args...) }
func (c checkTB) Cleanup(f func())             { c.rt.Cleanup(f) }
func (c checkTB) Context() context.Context     { return c.rt.Context() }
func (c checkTB) Output() io.Writer            { return c.rt.Output() }
