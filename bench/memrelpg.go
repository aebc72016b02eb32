package bench

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel/pg"
)

// The memrel contender on PostgreSQL: memrel's own API, the memrel
// contender's code unchanged, on a store that pg.Open keeps in a schema of
// its own on the server MEMREL_PG_URL names (its tables made by
// pg.Create, the schema dropped on Close). It measures what the row-level
// engine costs against the hand-written pgx contender on the same server.

// memrelPGStore is a memrelStore on PostgreSQL. It embeds the [Store]
// interface, not *memrelStore, so that it is no [Forker]: Fork makes a
// memory store.
//
// Load is the memrel contender's too, a Create per row: of memrel's
// ways to fill an empty store none is faster on this engine, as each
// writes row by row (BenchmarkMemrelPGLoad at P = 1000: a Create per row
// 1.6–1.7 s, one BulkCreate per model 1.6–2.6 s, LoadSnapshot of a
// memory store's snapshot 2.1–2.2 s).
type memrelPGStore struct {
	Store
	schema *pgxStore // the schema and pool under the store
}

// OpenMemrelPG opens the memrel contender on PostgreSQL: a new schema on
// the server MEMREL_PG_URL names, memrel's tables in it.
func OpenMemrelPG() (Store, error) {
	s, err := openMemrelPG(nil)
	if err != nil {
		return nil, err // not a nil *memrelPGStore in a non-nil Store
	}
	return s, nil
}

// openMemrelPG is OpenMemrelPG with config changing the pool's
// configuration first (nil: none).
func openMemrelPG(config func(*pgxpool.Config)) (_ *memrelPGStore, err error) {
	ps, err := openPGSchema("", config)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = ps.Close()
		}
	}()
	m := sharedMrSchema()
	ctx := context.Background()
	if err := pg.Create(ctx, ps.pool, m.s); err != nil {
		return nil, err
	}
	db, err := pg.Open(ctx, ps.pool, m.s)
	if err != nil {
		return nil, err
	}
	return &memrelPGStore{Store: &memrelStore{mrSchema: m, db: db}, schema: ps}, nil
}

// Close closes the memrel store, then drops its schema.
func (s *memrelPGStore) Close() error {
	return errors.Join(s.Store.Close(), s.schema.Close())
}
