package memrel

import (
	"fmt"

	"github.com/memrel/memrel/internal/rel"
)

// Store is one in-memory database opened from a [Schema]. It is safe for
// concurrent use: any number of read transactions run in parallel with one
// write transaction at a time, and each reader sees the snapshot taken when
// it began, however many writers commit meanwhile.
type Store struct {
	schema *Schema
	// db is the engine's database with the rules' recycled write state;
	// nil in a zero Store.
	db *rel.DB
}

// Begin starts a transaction: a write transaction when write is true, which
// waits until no other write transaction is open. Call [Txn.Commit] or
// [Txn.Abort]; Abort after Commit does nothing, so defer tx.Abort() is always
// safe. On a nil or zero Store (one not returned by Open or Load), Begin
// returns a done transaction, through which every operation fails with
// ErrTxDone.
func (s *Store) Begin(write bool) *Txn {
	if s.check() != nil {
		return &Txn{}
	}
	tx := &Txn{store: s, write: write}
	s.db.Begin(&tx.r, write) // a writer waits for the writer lock
	return tx
}

// check refuses a nil or zero Store.
func (s *Store) check() error {
	if s == nil || s.db == nil {
		return fmt.Errorf("%w: nil or zero Store (open one with Schema.Open or Schema.Load)", ErrWrongStore)
	}
	return nil
}

// Update runs fn in a write transaction. It commits when fn returns nil;
// when fn returns an error or panics, everything fn did is rolled back and
// the error is returned or the panic re-raised. fn must not call Commit or
// Abort, nor use tx from two goroutines at once (see [Txn]). On a nil or
// zero Store it returns an error wrapping ErrWrongStore without calling fn.
func (s *Store) Update(fn func(tx *Txn) error) error {
	return s.managed(true, fn)
}

// View runs fn in a read transaction that sees a consistent snapshot of the
// store; writes through it fail with ErrReadOnly. fn must not call Commit or
// Abort; fn may share the transaction with goroutines it waits for. On a
// nil or zero Store it returns an error wrapping ErrWrongStore without
// calling fn.
func (s *Store) View(fn func(tx *Txn) error) error {
	return s.managed(false, fn)
}

func (s *Store) managed(write bool, fn func(tx *Txn) error) error {
	if err := s.check(); err != nil {
		return err
	}
	tx := s.Begin(write)
	tx.managed = true
	defer func() {
		if !tx.done.Load() {
			tx.end(tx.rollback) // fn returned an error or panicked
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if !write {
		tx.rollback()
		return nil
	}
	tx.end(tx.commit)
	return nil
}

// String describes the store for debugging; "memrel.Store(nil)" for a nil
// or zero Store.
func (s *Store) String() string {
	if s.check() != nil {
		return "memrel.Store(nil)"
	}
	return fmt.Sprintf("memrel.Store(%d models)", len(s.schema.m.Tables))
}
