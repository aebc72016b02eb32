package memrel

import (
	"fmt"
	"slices"
)

// Close closes the store and releases its rows. It returns at once and is
// idempotent: it returns nil every time (on a nil or zero Store, an error
// wrapping ErrWrongStore). Close may be called concurrently with anything.
//
// After Close, every transaction begun on the store — by Begin, Update,
// View, their Context forms and Save — fails with ErrClosed, and so do
// writers that were waiting for the write lock. Transactions open when
// Close is called are not interrupted: a read transaction goes on reading
// the snapshot it began with until it ends, and a write transaction goes
// on seeing its own writes, but its Commit (or the end of its Update)
// fails with ErrClosed and discards them, since no transaction could ever
// read them. The rows are freed once the last of those transactions
// ends: Close itself never waits, so calling it inside a transaction is
// safe.
func (s *Store) Close() error {
	if s == nil || s.schema == nil {
		return s.check()
	}
	s.closed.Store(true)
	l := &s.lock
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for _, w := range l.queue {
		close(w.ready) // not granted: ErrClosed
	}
	clear(l.queue)
	l.queue = nil
	if !l.held {
		s.free() // else the writer frees them as it ends (see unlock)
	}
	return nil
}

// free drops every reference the store holds to its rows. It runs once,
// with the write lock's mutex held, on a closed store no writer holds.
func (s *Store) free() {
	s.db.Store(nil)
}

// doneTxn is the done transaction Begin returns when it cannot begin one:
// a zero Txn for a nil or zero Store, whose calls fail with ErrTxDone, or
// one of this Store, whose calls fail with ErrClosed too once it is
// closed.
func (s *Store) doneTxn() *Txn {
	if s == nil || s.schema == nil {
		return &Txn{}
	}
	tx := &Txn{store: s}
	tx.done.Store(true)
	return tx
}

// doneErr is the error of a call (using model, if named) on a done
// transaction: ErrTxDone, wrapping as well the error of its context if it
// ended, and ErrClosed if the store is closed.
func (tx *Txn) doneErr(model string) error {
	errs := []error{ErrTxDone}
	if tx.cx != nil && tx.cx.Err() != nil {
		errs = append(errs, tx.cx.Err())
	}
	if tx.store.closed.Load() {
		errs = append(errs, ErrClosed)
	}
	if len(errs) == 1 && model == "" {
		return ErrTxDone
	}
	return &doneError{errs: slices.Clip(errs), model: model}
}

// doneError is doneErr's error when there is more to say than ErrTxDone.
type doneError struct {
	errs  []error
	model string
}

func (e *doneError) Error() string {
	msg := ErrTxDone.Error()
	for _, err := range e.errs[1:] {
		msg += ": " + err.Error()
	}
	if e.model != "" {
		msg += fmt.Sprintf(" (using %s)", e.model)
	}
	return msg
}

func (e *doneError) Unwrap() []error { return e.errs }

// finish commits a write transaction, unless its context ended or its
// store closed: then it rolls back and returns why. The call must have
// entered (see enter).
func (tx *Txn) finish() error {
	if tx.cx != nil && tx.cx.Err() != nil {
		tx.rollback()
		return tx.doneErr("")
	}
	if tx.store.closed.Load() {
		tx.rollback()
		return fmt.Errorf("%w: the write transaction was discarded", ErrClosed)
	}
	return tx.commit()
}
