package pg

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"
)

// DB is the PostgreSQL engine behind memrel's seam: one store's
// database, reached through a pgx pool. Each transaction holds one pool
// connection from its Read or Write until it ends.
type DB struct {
	pool        *pgxpool.Pool
	schema      *meta.Schema
	sql         *statements
	constraints map[string]constraint
	below       [][]int // see cache.below
	// slots number every index of every table (see slot), nslots of them.
	slots  []int
	nslots int
}

// Features implements engine.DB: OrderedIndexes, as every index walks in
// key order (ORDER BY its columns, then the primary key), so the rules
// answer ranges and orders from an index, a page at a time in a read
// transaction. The rules still check every constraint themselves before
// writing (the database checks again, for other clients).
func (db *DB) Features() engine.Features { return engine.OrderedIndexes }

// Read implements engine.DB: a REPEATABLE READ READ ONLY transaction on
// a connection acquired under ctx, which bounds every statement. BEGIN
// goes with the first read, whose snapshot the transaction then sees.
func (db *DB) Read(ctx context.Context) (engine.Reader, error) {
	s, err := open(ctx, db.pool, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	if err != nil {
		return nil, err
	}
	return newReader(db, s), nil
}

// Write implements engine.DB: a READ COMMITTED transaction on a
// connection acquired under ctx, which bounds every statement. BEGIN goes
// with the first statement.
func (db *DB) Write(ctx context.Context) (engine.Writer, error) {
	s, err := open(ctx, db.pool, "BEGIN ISOLATION LEVEL READ COMMITTED")
	if err != nil {
		return nil, err
	}
	return newWriter(db, s), nil
}
