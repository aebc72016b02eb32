// Package engine is the seam between memrel's relational rules and the
// storage that holds rows: the interfaces a storage engine implements,
// and the capability flags through which the rules ask what an engine
// does itself instead of asking which engine it is.
//
// Rows cross the seam as the typed layer's boxed *T values, never
// mutated once stored; keys cross it in the order-preserving encodings of
// internal/keys, carried by a *keys.Arg so that handing one through an
// interface allocates nothing. Indexes are named by their *meta.Index
// declaration; how an engine builds them is its own affair.
package engine

import (
	"context"

	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// Features are what an engine does natively. The rules do everything an
// engine leaves out; an engine that does more lets them skip it, and the
// contract the user sees is the same either way.
type Features uint32

const (
	// Snapshots: read transactions see the state at their start, however
	// many writers commit meanwhile, and a write transaction can read the
	// state it began with (Tx.Begun).
	Snapshots Features = 1 << iota
	// OrderedIndexes: Index lookups walk keys in order (LowerBound,
	// Reverse), so the read planner can answer ORDER BY and ranges from
	// an index instead of sorting.
	OrderedIndexes
	// NativeConstraints: the engine enforces unique keys and foreign keys
	// with their ON DELETE / ON UPDATE actions itself (a SQL database);
	// the rules then translate its errors rather than check first.
	NativeConstraints
	// SetStatements: the engine answers set-based writes (UPDATE … WHERE
	// fk = $1, DELETE … WHERE …) in one statement; see Writer.DeleteMatching.
	SetStatements
	// SharedRows: a stored row is one value, so every read of it in a
	// transaction returns the same pointer, and the rules may compare
	// rows by identity; without it they compare primary keys.
	SharedRows
)

// Has reports whether f includes every flag of want.
func (f Features) Has(want Features) bool { return f&want == want }

// Iterator yields rows one at a time; Next returns nil after the last.
type Iterator interface {
	Next() any
}

// Failure is the panic value of an engine call that failed: a lost
// connection, a serialization failure, a cancelled context, a constraint
// the database enforced. Engine methods have no error results, so that
// the rules stay as simple as the memory engine, which never fails;
// instead an engine raises a Failure (see Fail), and the rules recover it
// where the public call running began, roll back to that call's mark and
// return Err, as they would an error of their own.
type Failure struct{ Err error }

// Fail raises err as a Failure. Mark, Rollback, Settle, Commit, Abort and
// Done never raise one: an engine that cannot roll back remembers it and
// fails its next call (and Commit).
func Fail(err error) { panic(&Failure{Err: err}) }

// Failed returns the error of p, a recovered panic value, when p is a
// Failure.
func Failed(p any) (error, bool) {
	if f, ok := p.(*Failure); ok {
		return f.Err, true
	}
	return nil, false
}

// Prefetcher is a Reader that reads the rows of many keys of one index
// at once: a SQL engine, to which each lookup is a round trip. The rules
// call Prefetch before a walk that looks up each of keys in turn (the
// rows of an include, one level at a time); the engine answers those
// lookups (Get, First, Prefix of one of keys) from what it read until
// the transaction writes, or the call ends. It returns every row it read,
// in no particular order, or nil when it read none (a lookup it cannot
// batch: each is then read on its own, as without Prefetch). An engine
// whose lookups cost nothing, as the memory engine's, does not offer it.
//
// PrefetchLater is Prefetch without the rows, held back to go with the
// transaction's next statement: the rules call it before a lookup they
// make anyway (a call's source), so that the two share a round trip.
type Prefetcher interface {
	Prefetch(ix *meta.Index, keys [][]byte) []any
	PrefetchLater(ix *meta.Index, keys [][]byte)
}

// Counter is a Reader that counts rows without reading them: a SQL
// engine, which returns a number where reading the rows would ship them.
// CountKeys returns, for each of keys (whole keys of ix), in order, how
// many rows of ix hold it, leaving out those whose field live is not
// NULL (a soft-deleted row; nil: none), or false when it cannot count
// them (the rules then count the rows they read).
type Counter interface {
	CountKeys(ix *meta.Index, keys [][]byte, live *meta.Field) ([]int, bool)
}

// DB is one opened store of an engine.
type DB interface {
	// Features says what the engine does natively.
	Features() Features
	// Read begins a read transaction; ctx bounds its calls. The memory
	// engine's never blocks and never fails.
	Read(ctx context.Context) (Reader, error)
	// Write begins a write transaction; ctx bounds its calls. The caller
	// serializes its own writers before calling it; an engine shared
	// with other processes (a SQL database) lets theirs run alongside.
	Write(ctx context.Context) (Writer, error)
}

// Forker is a DB that can fork: a new, independent DB starting from its
// committed state. An engine whose Fork is not O(1) should not offer it.
type Forker interface {
	Fork() DB
}

// Reader is what every transaction can do: find rows.
type Reader interface {
	// Get returns the row whose primary key encodes to k.Key, or nil.
	Get(t *meta.Table, k *keys.Arg) any
	// First returns the row holding key k.Key in the unique index ix.
	First(ix *meta.Index, k *keys.Arg) any
	// Prefix iterates the rows of ix whose key starts with k.Key (nil:
	// all of ix), in key order, then primary key order.
	Prefix(ix *meta.Index, k *keys.Arg) Iterator
	// LowerBound iterates ix from k.Key upwards; Reverse every entry of
	// ix from the largest key down. Both need OrderedIndexes.
	LowerBound(ix *meta.Index, k *keys.Arg) Iterator
	Reverse(ix *meta.Index) Iterator
	// All iterates every row of t in primary key order.
	All(t *meta.Table) Iterator
	// Sequence returns the last key drawn from t's auto-increment
	// sequence (or moved past by an explicit key), as Save records it.
	Sequence(t *meta.Table) int64
	// Done ends a read transaction; a Writer ends with Commit or Abort.
	Done()
}

// Writer is the write transaction.
type Writer interface {
	Reader
	// Put stores after in place of before (nil: an insert); a changed
	// primary key deletes before first. Delete removes a stored row.
	// Neither checks anything: the rules have.
	Put(t *meta.Table, before, after any)
	Delete(t *meta.Table, before any)
	// Children appends to dst the rows, as the transaction sees them,
	// whose key in ix (a foreign key index) is k.Key, in primary key
	// order, stopping after limit rows (0: all).
	Children(ix *meta.Index, k *keys.Arg, dst []any, limit int) []any
	// DeleteMatching deletes rows, which are every row of ix holding
	// k.Key, as listed by Children: an engine may drop them as one range.
	DeleteMatching(ix *meta.Index, k *keys.Arg, rows []any)
	// Draw returns the key of a new row of t from its auto-increment
	// sequence, or false when the sequence has reached max. The memory
	// engine's moves nothing (Advance does, once the row is in); a SQL
	// engine's takes the value (nextval), as PostgreSQL does.
	Draw(t *meta.Table, max int64) (int64, bool)
	// Fresh reports whether a row keyed id (a sequence value) can
	// collide with no row t has ever stored; Advance moves t's sequence
	// to id when id is beyond it; SetSequence sets it (Load).
	Fresh(t *meta.Table, id int64) bool
	Advance(t *meta.Table, id int64)
	SetSequence(t *meta.Table, v int64)
	// Flush sends the row writes an engine holds back (a SQL engine
	// sends a call's writes together, with its next read or here) and
	// returns the first the storage refused; the rules call it before a
	// call that wrote declares success. The memory engine holds none.
	Flush() error
	// Mark is a point in the transaction's log of row writes and
	// sequence moves; Rollback undoes everything after it. Settle, once
	// the outermost call is over, forgets the sequence moves and, unless
	// keepRows (a savepoint is open), the row writes.
	Mark() Mark
	Rollback(m Mark)
	Settle(keepRows bool)
	// Commit makes the writes visible to transactions begun afterwards,
	// or fails (a serialization failure, a lost connection) having made
	// none; Abort discards them. Either ends the transaction.
	Commit() error
	Abort()
}

// Mark is a position in a write transaction's undo log.
type Mark struct{ Rows, Seqs int }
