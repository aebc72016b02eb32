package memrel

import (
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// Txn is a transaction on a [Store], from [Store.Begin], [Store.Update] or
// [Store.View]. It is done after Commit or Abort (or when its Update/View
// callback returns); every operation on a done Txn fails with ErrTxDone,
// Commit too, and Abort does nothing.
//
// A read transaction may be shared by any number of goroutines: its reads
// run concurrently and each sees the same snapshot. A write transaction
// must be used by one goroutine at a time; a call on it while another
// goroutine's call is under way panics with a memrel message, before
// either changes anything (inside Update the panic rolls back as usual).
//
// Each memrel call on a Txn is atomic on its own: when it fails, the
// transaction is exactly as it was before the call, so the caller may go on
// or roll back. [Txn.Update] makes a group of calls a nested transaction,
// undone together when it fails; [Store.BeginContext] with the context of
// a write transaction begins one as a Txn of its own, ended by its Commit
// or Abort.
//
// A Txn carries a context ([Txn.Context]): the one given to BeginContext,
// UpdateContext or ViewContext, else context.Background(). When that
// context ends, the next call rolls the transaction back and fails.
//
// The zero Txn, and a nil *Txn, are done transactions.
type Txn struct {
	// r is the transaction as the rules see it, held by value so that
	// beginning one allocates once.
	r       rel.Txn
	store   *Store
	write   bool
	managed bool
	// done is read by every call, and may be set by a goroutine ending a
	// read transaction others still read through.
	done atomic.Bool
	// busy is inCall for the duration of each public call on a write
	// transaction (see enter), so a second goroutine is caught before it
	// touches state that only one may change, and suspended while a
	// nested transaction begun on it by BeginContext is open (see
	// beginNested), whose calls are then the only ones allowed.
	busy atomic.Uint32
	// ro counts the read-only views open on a write transaction (see
	// ViewContext), which refuse writes; only its one goroutine at a time
	// changes it.
	ro int32
	// cx is the context of a transaction begun with one (BeginContext,
	// UpdateContext, ViewContext), nil for Begin, Update and View, so a
	// call checks a context that can never end with one comparison.
	cx *txCtx
	// chain links a transaction into a chain of nested transactions begun
	// by BeginContext (see unit); nil until it takes part in one.
	chain *unit
}

// The states of Txn.busy.
const (
	idle uint32 = iota
	inCall
	suspended
)

// Commit makes the transaction's writes visible to transactions that begin
// afterwards. On a done transaction it returns ErrTxDone, whether or not
// it came from Update or View (one kept after its callback returned, say).
// It panics inside the callback of Update or View, which commit
// themselves, and when another goroutine's call on the same write
// transaction is under way.
//
// On a nested transaction (one [Store.BeginContext] began inside another),
// Commit releases it into the transaction it was begun in: its writes
// become part of that one, which goes on and decides, by its own end,
// whether they are kept. If the nested transaction's context has ended,
// Commit undoes its writes instead and fails with ErrTxDone and the
// context's error.
//
// Nested transactions end innermost first: Commit panics, changing
// nothing, on a transaction in which a nested transaction begun by
// BeginContext is still open, and inside Txn.Update or a read-only view
// (ViewContext) of it.
func (tx *Txn) Commit() error {
	if tx == nil || tx.store == nil {
		return fmt.Errorf("%w: nil or zero transaction", ErrTxDone)
	}
	if tx.done.Load() {
		return tx.doneErr("")
	}
	if tx.managed {
		panic("memrel: Commit inside Store.Update or Store.View")
	}
	if tx.write && tx.busy.Load() == suspended {
		panic(errCommitOpen)
	}
	tx.checkNotNested("Commit")
	if !tx.write {
		tx.rollback()
		return nil
	}
	tx.enter()
	defer tx.leave()
	if tx.done.Load() { // ended by another goroutine meanwhile
		return tx.doneErr("")
	}
	if tx.nested() {
		return tx.release()
	}
	return tx.finish()
}

// Abort discards the transaction's writes. It does nothing on a done
// transaction, whether or not it came from Update or View, so defer
// tx.Abort() is always safe. It panics inside the callback of Update or
// View. On a write transaction it first waits for a call another goroutine
// has under way (which is misuse, but must not corrupt the rollback).
//
// On a nested transaction (see [Store.BeginContext]), Abort undoes exactly
// the writes made through it (and through the nested transactions begun
// in it), leaving the transaction it was begun in as it was before and
// open; as in PostgreSQL, ids those writes took stay taken. Abort on a
// transaction in which nested transactions are still open ends them too,
// innermost first, as a rollback to a savepoint does, so a deferred Abort
// is safe at every level. It panics inside Txn.Update or a read-only view
// (ViewContext) of the transaction, whose end belongs to that function.
func (tx *Txn) Abort() {
	if tx == nil || tx.store == nil || tx.done.Load() {
		return
	}
	if tx.managed {
		panic("memrel: Abort inside Store.Update or Store.View")
	}
	tx.checkNotNested("Abort")
	tx.end(tx.rollback)
}

// Writable reports whether the transaction may write; false for a nil or
// zero Txn, and inside a read-only view of a write transaction
// (ViewContext).
func (tx *Txn) Writable() bool { return tx != nil && tx.write && tx.ro == 0 }

// errBusy is the panic of a call on a write transaction while another is
// under way.
const errBusy = "memrel: write transaction used by two goroutines at once, or from inside one of its own calls (a write Txn must be used by one goroutine at a time)"

// errSuspended is the panic of a call on a transaction while a nested
// transaction begun in it by BeginContext is open.
const errSuspended = "memrel: transaction used while a nested transaction begun in it by Store.BeginContext is open (use the nested one, or end it first)"

// errCommitOpen is the panic of a Commit, or of the end of an Update's
// (or a Txn.Update's) function that returned nil, while a nested
// transaction begun in the transaction by BeginContext is still open.
const errCommitOpen = "memrel: transaction ended while a nested transaction begun in it by Store.BeginContext is still open (commit or abort the nested one first)"

// enter marks the start of a public call on a write transaction, and
// panics if one is already under way: another goroutine's, or one that
// ran user code calling back in (a key's String method formatted into an
// error, say). The flag costs two atomic operations per call;
// it turns what would be a corrupted transaction or a fatal concurrent map
// write into a panic that changed nothing.
func (tx *Txn) enter() {
	if tx.write && !tx.busy.CompareAndSwap(idle, inCall) {
		tx.busyPanic()
	}
}

// busyPanic is the panic of a call that finds tx's busy flag taken.
func (tx *Txn) busyPanic() {
	if tx.busy.Load() == suspended {
		panic(errSuspended)
	}
	panic(errBusy)
}

// leave marks the end of a public call entered by enter (or by use).
func (tx *Txn) leave() {
	if tx.write {
		tx.busy.Store(idle)
	}
}

// end runs fin (commit or rollback) once no call is under way on a write
// transaction, waiting for one another goroutine has started: a call runs
// no user code that could block it (at most a key's String method), so it
// finishes. Only misuse ever waits here.
func (tx *Txn) end(fin func()) {
	if tx.write {
		if tx.busy.Load() == suspended {
			tx.endNested()
		}
		for !tx.busy.CompareAndSwap(idle, inCall) {
			runtime.Gosched()
		}
		defer tx.leave()
	}
	if !tx.done.Load() {
		fin()
	}
}

// commit ends a write transaction, committing it, and returns the
// engine's error when the commit failed (having made nothing visible).
func (tx *Txn) commit() error {
	tx.done.Store(true)
	err := tx.r.End(true)
	tx.store.unlock()
	return err
}

func (tx *Txn) rollback() {
	tx.done.Store(true)
	if !tx.write {
		// A read transaction, whose goroutines may end it at once: its
		// engine transaction stays reachable, and ends idempotently.
		tx.r.Reader().Done()
		return
	}
	if tx.nested() {
		tx.endUnit(true)
		return
	}
	tx.r.End(false)
	tx.store.unlock()
}

// use checks that the transaction is live, may write when asked to, and
// belongs to the store the table was opened in. Every public call on a
// transaction starts with it; on a write transaction it also enters the
// call, so a nil error must be followed by defer tx.leave().
func (tx *Txn) use(t *meta.Table, write bool) error {
	if tx == nil || tx.store == nil {
		return fmt.Errorf("%w: nil or zero transaction", ErrTxDone)
	}
	if t == nil {
		return fmt.Errorf("%w: the model or association is nil or was not declared on a schema", ErrWrongStore)
	}
	if tx.write && !tx.busy.CompareAndSwap(idle, inCall) {
		if tx.done.Load() { // being ended
			return fmt.Errorf("%w (using %s)", ErrTxDone, t.Name)
		}
		tx.busyPanic()
	}
	if err := tx.usable(t, write); err != nil {
		tx.leave()
		return err
	}
	if write {
		tx.r.NewCall()
	}
	return nil
}

// usable is use's checks, once the call has entered.
func (tx *Txn) usable(t *meta.Table, write bool) error {
	if tx.done.Load() {
		return tx.doneErr(t.Name)
	}
	if tx.cx != nil {
		if err := tx.cx.check(tx, t.Name); err != nil {
			return err
		}
	}
	tables := tx.store.schema.m.Tables
	if t.Pos >= len(tables) || tables[t.Pos] != t {
		return fmt.Errorf("%w: %s was defined on another schema", ErrWrongStore, t.Name)
	}
	if write && (!tx.write || tx.ro > 0) {
		return fmt.Errorf("%w (writing %s)", ErrReadOnly, t.Name)
	}
	return nil
}

// exit is leave for a call's deferred end: it also turns a Failure of the
// engine (see engine.Fail) raised during the call into the call's error,
// which a write call's Atomic has already rolled back. Other panics go on.
func (tx *Txn) exit(err *error) {
	tx.leave()
	if p := recover(); p != nil {
		f, ok := engine.Failed(p)
		if !ok {
			panic(p)
		}
		*err = f
	}
}
