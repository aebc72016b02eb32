package memrel

import (
	"context"
	"fmt"
)

// Update runs fn as a nested transaction of the write transaction tx, the
// way a savepoint does in SQL. When fn returns nil, its writes are part of
// tx, which goes on; when fn returns an error or panics, exactly the
// writes fn made are undone, leaving tx as it was before Update and still
// open, and the error is returned or the panic re-raised. Whether those
// writes are finally kept is decided by tx's own commit or rollback. As in
// PostgreSQL, ids taken by writes that are undone stay taken.
//
// fn gets tx itself, and must not call Commit or Abort (which panic while a
// nested transaction is open). Nested transactions nest to any depth. Its
// name and shape are [Store.Update]'s, so code taking an
// interface{ Update(func(*Txn) error) error } runs its unit of work in a
// transaction of its own when given a Store and in a nested one when given
// a Txn; [Store.UpdateContext] does the same through a context.
//
// While a nested transaction is open, tx keeps a record of every row it
// changes (as PostgreSQL keeps a savepoint's), freed when the outermost
// one ends. On a read transaction, or inside a read-only view of tx (see
// [Store.ViewContext]), Update returns ErrReadOnly; on a done transaction
// ErrTxDone; fn is then not called.
func (tx *Txn) Update(fn func(tx *Txn) error) error {
	return tx.nest(context.Background(), fn)
}

// nest runs fn as a nested transaction of tx. ctx is the nested
// transaction's own: when it has ended before fn runs, nothing begins
// (ErrTxWait); when it has ended by the time fn returns nil, fn's writes
// are undone and nest fails with ctx's error.
//
// The savepoint is the mark of the engine's undo log when fn begins, held
// in nest's frame: a nested transaction is a frame of the user's own call
// stack, so memrel keeps no state per level.
func (tx *Txn) nest(ctx context.Context, fn func(tx *Txn) error) (err error) {
	if tx == nil || tx.store == nil {
		return fmt.Errorf("%w: nil or zero transaction", ErrTxDone)
	}
	if !tx.write {
		return fmt.Errorf("%w: a nested write transaction in a read transaction", ErrReadOnly)
	}
	if ctx.Err() != nil {
		return waitErr(ctx)
	}
	if err := tx.open(); err != nil {
		return err
	}
	if tx.ro > 0 {
		tx.leave()
		return fmt.Errorf("%w: a nested write transaction in a read-only view", ErrReadOnly)
	}
	mark := tx.r.OpenUnit()
	tx.leave()
	defer func() {
		p := recover()
		if tx.done.Load() { // its context ended: all of tx was rolled back
			if p != nil {
				panic(p)
			}
			if err == nil {
				err = tx.doneErr("")
			}
			return
		}
		leaked := tx.busy.Load() == suspended // fn left a BeginContext handle open
		if leaked {
			tx.endNested()
		}
		if p == nil && err == nil && ctx.Err() != nil {
			err = fmt.Errorf("memrel: nested transaction rolled back: %w", ctx.Err())
		}
		tx.enter()
		tx.r.CloseUnit(mark, p != nil || err != nil || leaked)
		tx.leave()
		if p != nil {
			panic(p)
		}
		if leaked && err == nil {
			panic(errCommitOpen)
		}
	}()
	return fn(tx)
}

// readOnly runs fn on the write transaction tx with every write refused
// (ErrReadOnly), for ViewContext.
func (tx *Txn) readOnly(fn func(tx *Txn) error) error {
	if err := tx.open(); err != nil {
		return err
	}
	tx.ro++
	tx.leave()
	defer func() {
		if !tx.done.Load() {
			if tx.busy.Load() == suspended { // read-only handles fn left open: nothing to lose
				tx.endNested()
			}
			tx.enter()
			tx.ro--
			tx.leave()
		}
	}()
	return fn(tx)
}

// open enters a call on the write transaction tx and checks that tx is
// live; a nil error must be followed by tx.leave().
func (tx *Txn) open() error {
	tx.enter()
	if tx.done.Load() {
		tx.leave()
		return tx.doneErr("")
	}
	if tx.cx != nil {
		if err := tx.cx.check(tx, ""); err != nil {
			tx.leave()
			return err
		}
	}
	return nil
}

// checkNotNested panics when op (Commit or Abort) is called inside a
// nested transaction or a read-only view of tx, whose end belongs to the
// function that opened it.
func (tx *Txn) checkNotNested(op string) {
	if tx.write && !tx.done.Load() && (tx.frames() > 0 || tx.views() > 0) {
		panic("memrel: " + op + " inside a nested transaction (Txn.Update, Store.UpdateContext or Store.ViewContext)")
	}
}
