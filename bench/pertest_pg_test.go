package bench

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pgURLEnv names the PostgreSQL server of the PostgreSQL cases, e.g.
// postgres://postgres@127.0.0.1:55432/postgres; without it they are
// skipped (these are benchmarks, not tests: nothing is unchecked).
const pgURLEnv = "MEMREL_PG_URL"

const pgSchemaSQL = `CREATE TABLE accounts (
	id      bigint PRIMARY KEY,
	email   text NOT NULL UNIQUE,
	credits bigint NOT NULL
)`

// BenchmarkPerTestPG is BenchmarkPerTest's cases on PostgreSQL, in the two
// ways teams give each test its own data there:
//
//	database: a database per test (CREATE DATABASE, from template1 for the
//	  fixtures, from a database seeded once for Seed10k), connect, create
//	  the table and insert the fixtures, read, close, DROP DATABASE;
//	rollback: one database and connection for the package, each test in a
//	  transaction that is rolled back (cheaper, but the code under test
//	  cannot commit, use a second connection or run concurrently with
//	  another test on the same rows).
//
// The server is the caller's; the figures in RESULTS.md are from a
// throwaway cluster on loopback with fsync off.
func BenchmarkPerTestPG(b *testing.B) {
	url := os.Getenv(pgURLEnv)
	if url == "" {
		b.Skip(pgURLEnv + " names no server")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	must(b, err)
	defer admin.Close(ctx)
	exec := func(c *pgx.Conn, sql string, args ...any) {
		b.Helper()
		_, err := c.Exec(ctx, sql, args...)
		must(b, err)
	}
	connect := func(db string) *pgx.Conn {
		b.Helper()
		cfg, err := pgx.ParseConfig(url)
		must(b, err)
		cfg.Database = db
		c, err := pgx.ConnectConfig(ctx, cfg)
		must(b, err)
		return c
	}
	insert := func(c *pgx.Conn, rows []ptAccount) {
		b.Helper()
		must(b, c.SendBatch(ctx, fixtureBatch(rows)).Close())
	}
	read := func(c pgxQuerier, id int64) {
		b.Helper()
		var a ptAccount
		err := c.QueryRow(ctx, `SELECT id, email, credits FROM accounts WHERE id = $1`, id).Scan(&a.ID, &a.Email, &a.Credits)
		must(b, err)
		if a.ID != id {
			b.Fatalf("read %d: got %v", id, a)
		}
	}
	// A database per test, created from template and dropped after.
	perDatabase := func(b *testing.B, template string, rows []ptAccount, id int64) {
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			n++
			name := "memrel_pertest_" + strconv.Itoa(n)
			exec(admin, "CREATE DATABASE "+name+" TEMPLATE "+template)
			c := connect(name)
			if rows != nil {
				exec(c, pgSchemaSQL)
				insert(c, rows)
			}
			read(c, id)
			must(b, c.Close(ctx))
			exec(admin, "DROP DATABASE "+name+" WITH (FORCE)")
		}
	}
	// One seeded database for the package, a rolled-back transaction per test.
	perTxn := func(b *testing.B, c *pgx.Conn, rows []ptAccount, id int64) {
		b.ReportAllocs()
		for b.Loop() {
			tx, err := c.Begin(ctx)
			must(b, err)
			if rows != nil {
				must(b, tx.SendBatch(ctx, fixtureBatch(rows)).Close())
			}
			read(tx, id)
			must(b, tx.Rollback(ctx))
		}
	}

	exec(admin, "DROP DATABASE IF EXISTS memrel_pertest_empty WITH (FORCE)")
	exec(admin, "DROP DATABASE IF EXISTS memrel_pertest_seed WITH (FORCE)")
	exec(admin, "CREATE DATABASE memrel_pertest_empty")
	exec(admin, "CREATE DATABASE memrel_pertest_seed")
	defer exec(admin, "DROP DATABASE memrel_pertest_empty WITH (FORCE)")
	defer exec(admin, "DROP DATABASE memrel_pertest_seed WITH (FORCE)")
	empty := connect("memrel_pertest_empty")
	exec(empty, pgSchemaSQL)
	seed := connect("memrel_pertest_seed")
	exec(seed, pgSchemaSQL)
	insert(seed, ptRows(10_000))
	must(b, seed.Close(ctx)) // a template has no other session

	b.Run("Fixtures10/pg-database", func(b *testing.B) { perDatabase(b, "template1", ptRows(10), 5) })
	b.Run("Fixtures10/pg-rollback", func(b *testing.B) { perTxn(b, empty, ptRows(10), 5) })
	b.Run("Seed10k/pg-database", func(b *testing.B) { perDatabase(b, "memrel_pertest_seed", nil, 5000) })
	seed = connect("memrel_pertest_seed")
	b.Run("Seed10k/pg-rollback", func(b *testing.B) { perTxn(b, seed, nil, 5000) })
	must(b, seed.Close(ctx))
	must(b, empty.Close(ctx))
}

// pgxQuerier is what a read needs: a connection or a transaction.
type pgxQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// fixtureBatch is the fixtures' INSERTs as one pipelined batch: one round
// trip, as a careful pgx helper loads them.
func fixtureBatch(rows []ptAccount) *pgx.Batch {
	batch := new(pgx.Batch)
	for _, r := range rows {
		batch.Queue(`INSERT INTO accounts (id, email, credits) VALUES ($1, $2, $3)`, r.ID, r.Email, r.Credits)
	}
	return batch
}
