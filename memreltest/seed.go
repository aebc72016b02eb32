package memreltest

import (
	"sync"
	"testing"

	"github.com/memrel/memrel"
)

// Seed is a store filled once and forked per test: the fixtures load the
// first time a test forks it, and every fork starts from them (ids
// included) in constant time, whatever they hold. A Seed is safe for
// concurrent use; the seed store itself is never written after loading.
type Seed struct {
	schema *memrel.Schema
	c      config
	once   sync.Once
	db     *memrel.Store
	err    error
}

// NewSeed returns a Seed of s holding the fixtures among opts; with
// [Shuffled], each fork shuffles with a seed of its own. It does nothing
// until the first Fork, so it can be a package-level variable.
func NewSeed(s *memrel.Schema, opts ...Option) *Seed {
	return &Seed{schema: s, c: configure(opts)}
}

// Fork returns a store of t's own that starts from the seed's rows, and
// closes it when t ends (dumping it first if t failed). A seed that
// cannot be built fails every test that forks it, with the same error.
func (sd *Seed) Fork(t testing.TB) *memrel.Store {
	t.Helper()
	sd.once.Do(sd.build)
	if sd.err != nil {
		t.Fatalf("memreltest: seed: %v", sd.err)
	}
	so, seed := sd.c.storeOptions()
	db, err := sd.db.Fork(so...)
	if err != nil {
		t.Fatalf("memreltest: fork: %v", err)
	}
	watch(t, db, seed)
	return db
}

// build opens the seed store and loads its fixtures.
func (sd *Seed) build() {
	db, err := sd.schema.Open()
	if err != nil {
		sd.err = err
		return
	}
	if err := db.Update(func(tx *memrel.Txn) error { return loadAll(sd.schema, tx, sd.c.fixtures) }); err != nil {
		sd.err = err
		return
	}
	sd.db = db
}
