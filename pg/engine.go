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

// Features implements engine.DB: none yet. The rules check every
// constraint themselves before writing (the database checks again, for
// other clients), sort and range in memory (no OrderedIndexes, so
// LowerBound and Reverse are never called), and write row by row.
func (db *DB) Features() engine.Features { return 0 }

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
