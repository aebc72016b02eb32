package rel

import (
	"cmp"
	"slices"

	"github.com/memrel/memrel/internal/meta"
)

// Shuffler puts the rows of every read that asks for no order in a random
// order, as PostgreSQL may return them without ORDER BY, so that code
// relying on memrel's primary key order fails in its tests. The order is
// a function of the seed and the rows' keys: a read of the same rows
// gives the same order again (as a table's heap order is stable), and
// another seed another order.
type Shuffler struct{ Seed uint64 }

// shuffle reorders rows of t in place.
func (s *Shuffler) shuffle(t *meta.Table, rows []any) {
	if len(rows) < 2 {
		return
	}
	type ranked struct {
		h   uint64
		row any
	}
	rs := make([]ranked, len(rows))
	var kb [32]byte
	for i, r := range rows {
		rs[i] = ranked{mix(s.Seed, t.PKKey(r, kb[:0])), r}
	}
	slices.SortFunc(rs, func(a, b ranked) int { return cmp.Compare(a.h, b.h) })
	for i := range rs {
		rows[i] = rs[i].row
	}
}

// mix hashes a key with the seed: FNV-1a, then splitmix64's finalizer, so
// that keys differing in one byte land far apart.
func mix(seed uint64, key []byte) uint64 {
	h := 14695981039346656037 ^ seed
	for _, c := range key {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// Shuffles reports whether the store shuffles reads without an order, so
// that a fast path which yields key order must give way.
func (tx *Txn) Shuffles() bool { return tx.db.Shuffle != nil }

// free reports whether a read with order fields may come back in any
// order: the store shuffles and the read names none.
func (tx *Txn) free(order int) bool { return tx.db.Shuffle != nil && order == 0 }
