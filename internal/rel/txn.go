// Package rel holds memrel's relational rules, written once against the
// engine seam: the single write path with its NOT NULL, unique and
// foreign key checks, the referential actions (deferred NO ACTION
// included), Sequelize's rules for nulling versus destroying children,
// scopes, the read planner and executor, eager loading, and per-call
// atomicity. Rows are the typed layer's boxed *T values; rel never knows
// T, only the meta.Table that describes it.
package rel

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// DB is an engine's database with the rules' recycled write state.
type DB struct {
	E engine.DB
	// Clock is the store's clock, read once per write call that stamps a
	// row (see Now); nil is the wall clock in UTC.
	Clock func() time.Time
	// Shuffle, when set, shuffles the rows of reads without an order.
	Shuffle *Shuffler
	// spare is the work state of the last write transaction, emptied for
	// the next: its logs keep their room. Writers are serialized by the
	// caller, which guards it.
	spare *work
}

// Fork returns a new DB holding d's committed state, sharing nothing
// mutable with it; false when the engine cannot fork.
func (d *DB) Fork() (*DB, bool) {
	f, ok := d.E.(engine.Forker)
	if !ok {
		return nil, false
	}
	return &DB{E: f.Fork(), Clock: d.Clock, Shuffle: d.Shuffle}, true
}

// Txn is one transaction as the rules see it. The typed layer embeds it
// by value, so beginning a transaction allocates once.
type Txn struct {
	// Owner is the typed layer's handle on this transaction, given to
	// hooks so that they can call back into it.
	Owner any
	db    *DB
	r     engine.Reader
	wk    *work // the write state; nil in a read transaction
	// arg carries keys into engine lookups without an allocation each;
	// argBuf holds them while they are short. argLent marks them lent to
	// a lookup, so concurrent reads of a shared read transaction never
	// share them (see lend).
	argLent atomic.Bool
	arg     keys.Arg
	argBuf  [40]byte
}

// work is the state only a write transaction needs.
type work struct {
	// w is the engine write transaction: here rather than in Txn, so a
	// read transaction, which may be a single Get, stays small.
	w     engine.Writer
	depth int // of nested calls (see Atomic)
	// units counts the nested transactions open (see OpenUnit): while one
	// is, the engine keeps its log of every row change since it began.
	units int
	// deferred holds NO ACTION checks, run when the outermost call ends,
	// as PostgreSQL runs them at the end of the statement.
	deferred []deferredCheck
	// steps is the work list of the running cascade (see cascade), keys
	// and kids the parent keys and listed children of its steps.
	steps []step
	keys  []byte
	kids  []any
	// now is the instant of the running call, read from the clock by the
	// first stamp it writes (see Now); nowSet is false until then.
	now    time.Time
	nowSet bool
}

// keepRoom bounds what a recycled work state keeps.
const keepRoom = 256

// Begin starts tx on d, its engine calls bounded by ctx: a write
// transaction when write is true, which the caller has made the only one
// of this process open. It fails when the engine cannot begin one.
func (d *DB) Begin(ctx context.Context, tx *Txn, write bool) error {
	tx.db = d
	if !write {
		r, err := d.E.Read(ctx)
		if err != nil {
			return err
		}
		tx.r = r
		return nil
	}
	w, err := d.E.Write(ctx)
	if err != nil {
		return err
	}
	tx.wk = d.spare
	d.spare = nil
	if tx.wk == nil {
		tx.wk = new(work)
	}
	tx.wk.w = w
	tx.r = w
	return nil
}

// Writable reports whether tx may write.
func (tx *Txn) Writable() bool { return tx.wk != nil }

// Reader is the engine transaction tx reads through.
func (tx *Txn) Reader() engine.Reader { return tx.r }

// Engine is the engine database tx runs on.
func (tx *Txn) Engine() engine.DB { return tx.db.E }

// Writer is the engine write transaction, or nil.
func (tx *Txn) Writer() engine.Writer {
	if tx.wk == nil {
		return nil
	}
	return tx.wk.w
}

// End commits or discards the transaction and hands its write state on,
// and returns the error of a commit that failed (which made nothing
// visible). The caller still serializes writers while it runs.
func (tx *Txn) End(commit bool) error {
	if tx.wk == nil {
		if tx.r != nil {
			tx.r.Done()
		}
		tx.r = nil
		return nil
	}
	w, wk := tx.wk.w, tx.wk
	wk.w = nil
	tx.r, tx.wk = nil, nil // a done Txn must not reach state that is now the next writer's
	// Handed on while this writer still holds the engine's writer lock,
	// which ends with Commit or Abort.
	if cap(wk.deferred) <= keepRoom && cap(wk.steps) <= keepRoom && cap(wk.keys) <= keepRoom*32 && cap(wk.kids) <= keepRoom {
		clear(wk.deferred[:cap(wk.deferred)])
		wk.depth, wk.units, wk.nowSet = 0, 0, false
		tx.db.spare = wk
	}
	if commit {
		return w.Commit()
	}
	w.Abort()
	return nil
}

// lend lends key to one engine call, which must not keep it, through the
// Txn's scratch Arg; give it back with giveBack right after the call. A
// write transaction has one call at a time. Reads of a read transaction
// may run on several goroutines: the first takes the scratch Arg, one
// that finds it lent gets a copy of its own, which allocates only while
// goroutines share the transaction.
func (tx *Txn) lend(key []byte) *keys.Arg {
	if tx.wk == nil && !tx.argLent.CompareAndSwap(false, true) {
		return &keys.Arg{Key: append(make([]byte, 0, len(key)), key...)}
	}
	if tx.arg.Key == nil {
		tx.arg.Key = tx.argBuf[:0]
	}
	tx.arg.Key = append(tx.arg.Key[:0], key...)
	return &tx.arg
}

// giveBack ends the loan of a lent Arg.
func (tx *Txn) giveBack(a *keys.Arg) {
	if a == &tx.arg && tx.wk == nil {
		tx.argLent.Store(false)
	}
}

// ByKey returns the stored row with the given primary key encoding, or nil.
func (tx *Txn) ByKey(t *meta.Table, key []byte) any {
	a := tx.lend(key)
	row := tx.r.Get(t, a)
	tx.giveBack(a)
	return row
}

// First returns the row found under an exact key of a unique index, or nil.
func (tx *Txn) First(ix *meta.Index, key []byte) any {
	a := tx.lend(key)
	row := tx.r.First(ix, a)
	tx.giveBack(a)
	return row
}

// Prefix iterates the rows whose key in ix starts with key, in key order
// (then primary key order for non-unique indexes).
func (tx *Txn) Prefix(ix *meta.Index, key []byte) engine.Iterator {
	a := tx.lend(key)
	it := tx.r.Prefix(ix, a)
	tx.giveBack(a)
	return it
}

// lowerBound iterates ix from key upwards.
func (tx *Txn) lowerBound(ix *meta.Index, key []byte) engine.Iterator {
	a := tx.lend(key)
	it := tx.r.LowerBound(ix, a)
	tx.giveBack(a)
	return it
}

// All iterates every row of t in primary key order.
func (tx *Txn) All(t *meta.Table) engine.Iterator { return tx.r.All(t) }

// fkRows appends to kids the rows whose key in the foreign key index ix
// is key, as the write transaction sees them, up to limit rows (0: all).
func (tx *Txn) fkRows(ix *meta.Index, key []byte, kids []any, limit int) []any {
	a := tx.lend(key)
	kids = tx.wk.w.Children(ix, a, kids, limit)
	tx.giveBack(a)
	return kids
}

// Atomic runs one public call: if fn fails (or panics), every row change
// it made is reverted and the transaction is as before the call. Nested
// calls join the outermost one; the outermost also runs the deferred NO
// ACTION checks before it declares success.
func (tx *Txn) Atomic(fn func() error) (err error) {
	wk := tx.wk
	mark, dmark := tx.wk.w.Mark(), len(wk.deferred)
	wk.depth++
	defer func() {
		wk.depth--
		p := recover()
		if f, ok := engine.Failed(p); ok {
			p, err = nil, f // the engine failed: an error of the call
		}
		if p == nil && err == nil && wk.depth == 0 {
			err = tx.finish()
		}
		if p != nil || err != nil {
			tx.wk.w.Rollback(mark)
			wk.deferred = wk.deferred[:dmark]
		}
		if wk.depth == 0 {
			tx.wk.w.Settle(wk.units > 0) // a nested transaction may yet roll back
			wk.deferred = wk.deferred[:0]
			if len(wk.steps) > 0 { // a cascade that panicked
				clear(wk.steps)
				clear(wk.kids)
				wk.steps, wk.keys, wk.kids = wk.steps[:0], wk.keys[:0], wk.kids[:0]
			}
		}
		if p != nil {
			panic(p)
		}
	}()
	return fn()
}

// finish ends the outermost call that succeeded so far: the deferred NO
// ACTION checks, then the engine's held-back writes, either of which can
// still fail it (an engine failure is recovered here, as its error).
func (tx *Txn) finish() (err error) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := engine.Failed(p)
			if !ok {
				panic(p)
			}
			err = f
		}
	}()
	if err = tx.runDeferred(); err != nil {
		return err
	}
	return tx.wk.w.Flush()
}

type deferredCheck struct {
	a      *meta.Relation
	key    []byte // source key value of the deleted or re-keyed row
	update bool   // raised by a key change (onUpdate), not a delete
}

// OpenUnit begins a nested transaction (a savepoint) and returns its mark:
// from now until the matching CloseUnit, the engine keeps a log of every
// row change, so the unit can be undone alone.
func (tx *Txn) OpenUnit() engine.Mark {
	tx.wk.units++
	return tx.wk.w.Mark()
}

// Units reports how many nested transactions are open.
func (tx *Txn) Units() int { return tx.wk.units }

// CloseUnit ends the nested transaction opened at m: undo says it failed,
// and every row change since m is reverted. As a rolled-back savepoint in
// PostgreSQL, it keeps the sequences' moves. Once the outermost unit
// closes, the log is forgotten.
func (tx *Txn) CloseUnit(m engine.Mark, undo bool) {
	tx.wk.units--
	if undo {
		tx.wk.w.Rollback(engine.Mark{Rows: m.Rows, Seqs: tx.wk.w.Mark().Seqs})
	}
	if tx.wk.units == 0 {
		tx.wk.w.Settle(false)
	}
}
