package memdb

import (
	gomemdb "github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// reader reads through one go-memdb transaction. A read transaction's
// reader is shared by every reader of its generation: it holds nothing
// per transaction, and the keys it is handed belong to their callers.
type reader struct {
	db  *DB
	s   *Schema
	gen uint64
	mt  *gomemdb.Txn
}

func (r *reader) name(ix *meta.Index) string { return r.s.names[ix.Table.Pos][ix.Pos] }

// Get implements engine.Reader.
func (r *reader) Get(t *meta.Table, k *keys.Arg) any {
	row, err := r.mt.First(t.Name, "id", k)
	mustMemdb(err)
	return row
}

// First implements engine.Reader.
func (r *reader) First(ix *meta.Index, k *keys.Arg) any {
	row, err := r.mt.First(ix.Table.Name, r.name(ix), k)
	mustMemdb(err)
	return row
}

// Prefix implements engine.Reader.
func (r *reader) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	it, err := r.mt.Get(ix.Table.Name, r.name(ix), k)
	mustMemdb(err)
	return it
}

// LowerBound implements engine.Reader.
func (r *reader) LowerBound(ix *meta.Index, k *keys.Arg) engine.Iterator {
	it, err := r.mt.LowerBound(ix.Table.Name, r.name(ix), k)
	mustMemdb(err)
	return it
}

// Reverse implements engine.Reader.
func (r *reader) Reverse(ix *meta.Index) engine.Iterator {
	it, err := r.mt.GetReverse(ix.Table.Name, r.name(ix))
	mustMemdb(err)
	return it
}

// All implements engine.Reader.
func (r *reader) All(t *meta.Table) engine.Iterator {
	it, err := r.mt.Get(t.Name, "id")
	mustMemdb(err)
	return it
}

// Done implements engine.Reader: a go-memdb read transaction needs no
// ending, and this one is shared.
func (r *reader) Done() {}

// Sequence implements engine.Reader: the sequences are the DB's, outside
// every transaction, as PostgreSQL's are.
func (r *reader) Sequence(t *meta.Table) int64 { return r.db.seqs[t.Pos].Load() }
