package memrel

import (
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/go-memdb"
)

// Store is one in-memory database opened from a [Schema]. It is safe for
// concurrent use: any number of read transactions run in parallel with one
// write transaction at a time, and each reader sees the snapshot taken when
// it began, however many writers commit meanwhile.
type Store struct {
	schema *Schema
	db     *memdb.MemDB
	// seqs holds each table's auto-increment sequence, in one allocation.
	seqs []sequence
	// gen counts commits. view is a go-memdb read transaction opened at
	// generation gen or later, shared by every reader that begins before
	// the next commit: a go-memdb read transaction only reads, and sharing
	// it saves each View the two allocations of opening one.
	gen  atomic.Uint64
	view atomic.Pointer[readView]
	// spare is the bookkeeping of the last write transaction, emptied for
	// the next one: its undo log and write-set maps keep their room, so a
	// write transaction allocates them once, not per commit. go-memdb's
	// writer lock guards it: a writer takes it after acquiring the lock
	// and gives it back before releasing it.
	spare *txWrite
}

// sequence is one table's auto-increment state. The embedded counter is
// the last id drawn: like a PostgreSQL sequence it lives outside
// transactions, so an id taken by a transaction that later rolls back
// stays taken. Only the single writer advances it; Save reads it
// concurrently.
//
// high is a bound on every key the table has stored since the store
// opened (as a sequence value; rows since deleted or rolled back count
// too). Every stored row goes through Txn.put, which raises it, so a key
// above it cannot collide, whatever the counter says. Only the writer uses
// it; go-memdb's writer lock guards it.
type sequence struct {
	atomic.Int64
	high int64
}

// readView is a shared go-memdb read transaction and the commit count it
// is at least as new as.
type readView struct {
	gen uint64
	mt  *memdb.Txn
}

// reader returns a go-memdb read transaction that sees every commit that
// finished before the call. A commit swaps go-memdb's root before it
// bumps gen, so a transaction opened after reading gen holds all the
// commits gen counts.
func (s *Store) reader() *memdb.Txn {
	g := s.gen.Load()
	if v := s.view.Load(); v != nil && v.gen == g {
		return v.mt
	}
	mt := s.db.Txn(false)
	s.view.Store(&readView{gen: g, mt: mt})
	return mt
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
	if !write {
		return &Txn{store: s, mt: s.reader()}
	}
	mt := s.db.Txn(true) // waits for the writer lock, which guards spare
	w := s.spare
	s.spare = nil
	if w == nil {
		w = new(txWrite)
	}
	return &Txn{store: s, mt: mt, write: true, w: w}
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
