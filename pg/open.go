package pg

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
)

// Open returns a memrel store of s kept in the PostgreSQL database pool
// connects to, whose tables must exist (Create or Ensure them first).
// opts are memrel's store options. Open reads the name of each
// auto-increment key's sequence, so a missing table fails it; it does not
// check the tables otherwise (Ensure does).
//
// Every transaction of the store holds a connection of pool while it is
// open, so pool's size bounds the transactions open at once: one more
// waits for a connection, as long as its context allows.
func Open(ctx context.Context, pool *pgxpool.Pool, s *memrel.Schema, opts ...memrel.StoreOption) (*memrel.Store, error) {
	m, err := memrel.EngineSchema(s)
	if err != nil {
		return nil, err
	}
	seqs := make([]string, len(m.Tables))
	for _, t := range m.Tables {
		if t.PK == nil || !t.PK.AutoInc {
			continue
		}
		var seq *string
		if err := pool.QueryRow(ctx, "SELECT pg_get_serial_sequence($1, $2)", quote(t.Name), t.PK.Name).Scan(&seq); err != nil {
			return nil, fmt.Errorf("memrel: pg: the sequence of %s.%s: %w", t.Name, t.PK.Name, err)
		}
		if seq == nil {
			return nil, fmt.Errorf("memrel: pg: %s.%s is no identity column", t.Name, t.PK.Name)
		}
		seqs[t.Pos] = *seq
	}
	db := &DB{pool: pool, schema: m, sql: buildStatements(m, seqs), constraints: constraintsOf(m), below: belowOf(m)}
	db.slots, db.nslots = slotsOf(m)
	return memrel.OpenEngine(s, db, opts...)
}
