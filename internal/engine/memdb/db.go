// Package memdb is memrel's go-memdb engine: rows in go-memdb's immutable
// radix trees, one go-memdb index per declared index, MVCC snapshots for
// readers. It is the only package that imports go-memdb.
package memdb

import (
	"context"
	"fmt"
	"sync/atomic"

	gomemdb "github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
)

// Schema is a sealed meta.Schema compiled for go-memdb, built once and
// shared by every DB opened from it.
type Schema struct {
	meta  *meta.Schema
	names [][]string // go-memdb index names, by table and index position
	// prefix names the prefix form of each foreign key index, which
	// go-memdb's DeletePrefix wants ("" for other indexes).
	prefix [][]string
	db     *gomemdb.DBSchema
	// empty is the schema's one empty database. Every store opens as a
	// snapshot of it: a go-memdb snapshot is a database of its own that
	// shares the immutable tree, and opening one costs an allocation,
	// not the index-by-index build of a new database.
	empty *gomemdb.MemDB
}

// Compile builds the go-memdb schema of s, which must be sealed, and the
// empty database every store of s starts from.
func Compile(s *meta.Schema) (*Schema, error) {
	names := indexNames(s)
	prefix := make([][]string, len(names))
	for i, ns := range names {
		prefix[i] = make([]string, len(ns))
		for j, n := range ns {
			prefix[i][j] = n + "_prefix"
		}
	}
	sc := &Schema{meta: s, names: names, prefix: prefix, db: dbSchema(s, names)}
	empty, err := gomemdb.NewMemDB(sc.db)
	if err != nil {
		return nil, fmt.Errorf("memrel: go-memdb rejected the schema: %w", err)
	}
	sc.empty = empty
	return sc, nil
}

// DB is one go-memdb database. Any number of readers run with one writer;
// the caller lets one writer in at a time (go-memdb's own writer lock is
// then never contended).
type DB struct {
	s  *Schema
	db *gomemdb.MemDB
	// seqs holds each table's auto-increment sequence, in one allocation.
	seqs []sequence
	// gen counts commits. view is a go-memdb read transaction opened at
	// generation gen or later, shared by every reader that begins before
	// the next commit: a go-memdb read transaction only reads, and sharing
	// it saves each reader the two allocations of opening one.
	gen  atomic.Uint64
	view atomic.Pointer[reader]
	// spare is the last write transaction, emptied for the next one: its
	// undo log and write-set maps keep their room, so a write transaction
	// allocates them once, not per commit. The writer lock guards it.
	spare *writer
}

// sequence is one table's auto-increment state. The embedded counter is
// the last id drawn: like a PostgreSQL sequence it lives outside
// transactions, so an id taken by a transaction that later rolls back
// stays taken. Only the single writer advances it; Save reads it
// concurrently.
//
// high is a bound on every key the table has stored since the store
// opened (as a sequence value; rows since deleted or rolled back count
// too). Every stored row goes through writer.Put, which raises it, so a
// key above it cannot collide, whatever the counter says. Only the writer
// uses it.
type sequence struct {
	atomic.Int64
	high int64
}

// Open returns a new, empty database: a snapshot of the schema's empty
// one, in constant time whatever the schema.
//
// Every database is such a snapshot, which go-memdb does not treat as
// primary: its write transactions track no mutations and close no watch
// channels at commit. memrel exposes no go-memdb watch, so nothing is
// lost, and a write saves the tracking's allocations, as well as
// go-memdb's walk of the whole tree once a transaction has touched more
// nodes of one index than its tracking holds.
func (s *Schema) Open() *DB {
	return &DB{s: s, db: s.empty.Snapshot(), seqs: make([]sequence, len(s.meta.Tables))}
}

// Fork implements engine.Forker: a new database holding d's committed
// state, in constant time whatever its size. The two share only immutable
// trees (rows are never changed once stored), so neither sees the
// other's later writes. It is safe while d's writer runs: the snapshot
// is of the last commit, and each sequence, read after it, is at least
// as far as any key that commit holds.
func (d *DB) Fork() engine.DB {
	snap := d.db.Snapshot()
	seqs := make([]sequence, len(d.seqs))
	for i := range d.seqs {
		v := d.seqs[i].Load()
		seqs[i].Store(v)
		seqs[i].high = v // every key the fork holds is at most its sequence
	}
	return &DB{s: d.s, db: snap, seqs: seqs}
}

// Features implements engine.DB.
func (d *DB) Features() engine.Features {
	return engine.Snapshots | engine.OrderedIndexes | engine.SharedRows
}

// Read implements engine.DB: a read transaction that sees every commit
// that finished before the call. A commit swaps go-memdb's root before it
// bumps gen, so a transaction opened after reading gen holds all the
// commits gen counts.
func (d *DB) Read(context.Context) (engine.Reader, error) {
	g := d.gen.Load()
	if v := d.view.Load(); v != nil && v.gen == g {
		return v, nil
	}
	v := &reader{db: d, s: d.s, gen: g, mt: d.db.Txn(false)}
	d.view.Store(v)
	return v, nil
}

// Write implements engine.DB.
func (d *DB) Write(context.Context) (engine.Writer, error) {
	mt := d.db.Txn(true) // the writer lock, which guards spare
	w := d.spare
	d.spare = nil
	if w == nil {
		w = &writer{}
	}
	w.db, w.mt = d, mt
	w.reader = reader{db: d, s: d.s, mt: mt}
	return w, nil
}

// mustMemdb turns an impossible go-memdb failure into a panic: the rules
// check everything go-memdb could reject before calling it.
func mustMemdb(err error) {
	if err != nil {
		panic("memrel: internal error: " + err.Error())
	}
}
