package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/memrel/memrel"
)

// Beginner is what Create needs of a connection: a *pgx.Conn or a
// *pgxpool.Pool.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Create runs s's [DDL] on db in one transaction: either every table,
// constraint and index exists afterwards, or none of them does (a table
// of the same name that exists already fails it).
func Create(ctx context.Context, db Beginner, s *memrel.Schema) error {
	stmts, err := DDL(s)
	if err != nil {
		return err
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }() // a no-op after Commit
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st); err != nil {
			return fmt.Errorf("pg: %s: %w", firstLine(st), err)
		}
	}
	return tx.Commit(ctx)
}

// firstLine is st up to its first newline, to name a statement in an error.
func firstLine(st string) string {
	for i := range len(st) {
		if st[i] == '\n' {
			return st[:i]
		}
	}
	return st
}
