package memrel

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/memrel/memrel/internal/rel"
)

// Store is one in-memory database opened from a [Schema]. It is safe for
// concurrent use: any number of read transactions run in parallel with one
// write transaction at a time, and each reader sees the snapshot taken when
// it began, however many writers commit meanwhile.
type Store struct {
	schema *Schema
	// db is the engine's database with the rules' recycled write state;
	// nil once the store is closed and freed (see Close).
	db atomic.Pointer[rel.DB]
	// lock serialises write transactions in front of the engine's own
	// writer lock, so a waiting writer can give up (see writeLock).
	lock   writeLock
	closed atomic.Bool
}

// Begin starts a transaction: a write transaction when write is true, which
// waits until no other write transaction is open. Call [Txn.Commit] or
// [Txn.Abort]; Abort after Commit does nothing, so defer tx.Abort() is always
// safe. On a nil or zero Store (one not returned by Open or Load), Begin
// returns a done transaction, through which every operation fails with
// ErrTxDone; on a closed Store, one through which every operation fails
// with ErrClosed too.
//
// Begin uses context.Background(): a writer waits for the write lock as
// long as it takes. A write transaction begun while this goroutine already
// holds one waits for itself forever; [Store.BeginContext] and
// [Store.UpdateContext] with the context of the open transaction
// ([Txn.Context]) begin a nested transaction of the open one instead of
// waiting.
func (s *Store) Begin(write bool) *Txn {
	tx, _ := s.begin(context.Background(), write)
	return tx
}

// begin is Begin, giving up when ctx ends while it waits for the write
// lock; it then returns a done transaction and why.
func (s *Store) begin(ctx context.Context, write bool) (*Txn, error) {
	if err := s.check(); err != nil {
		return s.doneTxn(), err
	}
	if write {
		if err := s.lockWrite(ctx); err != nil {
			return s.doneTxn(), err
		}
	}
	d := s.db.Load()
	if d == nil { // closed meanwhile
		if write {
			s.unlock()
		}
		return s.doneTxn(), ErrClosed
	}
	tx := &Txn{store: s, write: write}
	// The write lock, held, keeps the engine's free.
	if err := d.Begin(ctx, &tx.r, write); err != nil {
		if write {
			s.unlock()
		}
		return s.doneTxn(), err
	}
	tx.r.Owner = tx
	return tx, nil
}

// check refuses a nil or zero Store, and a closed one with ErrClosed.
func (s *Store) check() error {
	if s == nil || s.schema == nil {
		return fmt.Errorf("%w: nil or zero Store (open one with Schema.Open or Schema.Load)", ErrWrongStore)
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

// Update runs fn in a write transaction. It commits when fn returns nil;
// when fn returns an error or panics, everything fn did is rolled back and
// the error is returned or the panic re-raised. fn must not call Commit or
// Abort, nor use tx from two goroutines at once (see [Txn]). On a nil or
// zero Store it returns an error wrapping ErrWrongStore without calling fn,
// on a closed one ErrClosed.
//
// Update uses context.Background(): it waits for the write lock as long as
// it takes, so an Update called while this goroutine already holds a write
// transaction (an Update inside an Update) waits for itself forever.
// Inside a transaction, use [Txn.Update], or [Store.UpdateContext] with
// [Txn.Context], which run a nested transaction instead.
func (s *Store) Update(fn func(tx *Txn) error) error {
	return s.managed(true, fn)
}

// View runs fn in a read transaction that sees a consistent snapshot of the
// store; writes through it fail with ErrReadOnly. fn must not call Commit or
// Abort; fn may share the transaction with goroutines it waits for. On a
// nil or zero Store it returns an error wrapping ErrWrongStore without
// calling fn, on a closed one ErrClosed. View uses context.Background().
func (s *Store) View(fn func(tx *Txn) error) error {
	return s.managed(false, fn)
}

// ViewValue runs fn in a read transaction, as [Store.View] does, and
// returns what fn returns: a read that gives a value without an
// out-variable filled from the closure.
//
//	posts, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]Post, error) {
//		return Posts.FindAll(tx, nil)
//	})
func ViewValue[T any](s *Store, fn func(tx *Txn) (T, error)) (T, error) {
	var v T
	err := s.View(func(tx *Txn) (err error) {
		v, err = fn(tx)
		return err
	})
	return v, err
}

// UpdateValue runs fn in a write transaction, as [Store.Update] does
// (committed when fn's error is nil, rolled back otherwise), and returns
// what fn returns. On error the value is fn's, which the rollback made
// stale: callers should not use it.
func UpdateValue[T any](s *Store, fn func(tx *Txn) (T, error)) (T, error) {
	var v T
	err := s.Update(func(tx *Txn) (err error) {
		v, err = fn(tx)
		return err
	})
	return v, err
}

func (s *Store) managed(write bool, fn func(tx *Txn) error) error {
	tx, err := s.begin(context.Background(), write)
	if err != nil {
		return err
	}
	return tx.run(fn)
}

// run is the rest of Update and View once tx began: fn, then a commit or
// a rollback.
func (tx *Txn) run(fn func(tx *Txn) error) error {
	tx.managed = true
	defer func() {
		if !tx.done.Load() {
			tx.end(tx.rollback) // fn returned an error or panicked
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if !tx.write {
		tx.rollback()
		return nil
	}
	if tx.done.Load() { // its context ended during fn (see Txn.Context)
		return tx.doneErr("")
	}
	if tx.busy.Load() == suspended { // rolled back by the deferred end
		panic(errCommitOpen)
	}
	var err error
	tx.end(func() { err = tx.finish() })
	return err
}

// String describes the store for debugging; "memrel.Store(nil)" for a nil
// or zero Store, "memrel.Store(closed)" for a closed one.
func (s *Store) String() string {
	if err := s.check(); err != nil {
		if err == ErrClosed {
			return "memrel.Store(closed)"
		}
		return "memrel.Store(nil)"
	}
	return fmt.Sprintf("memrel.Store(%d models)", len(s.schema.m.Tables))
}
