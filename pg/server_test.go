package pg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// URLEnv names the PostgreSQL server the tests use, as a pgx connection
// string (postgres://user@127.0.0.1:port/db). Without it the tests that need
// a server are skipped, except under CI (CI set), where they fail: .ci/run
// starts a throwaway server and sets it.
const URLEnv = "MEMREL_PG_URL"

// database creates an empty database of its own for t on the server,
// dropped when t ends, and returns a connection to it.
func database(t testing.TB) *pgx.Conn {
	t.Helper()
	url := os.Getenv(URLEnv)
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s names no PostgreSQL server, and CI is set: .ci/run starts one", URLEnv)
		}
		t.Skipf("%s names no PostgreSQL server", URLEnv)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err, "connect to %s", url)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "memrel_test_" + hex.EncodeToString(rnd[:])
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.Database = name
	c, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close(ctx)
		_, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		_ = admin.Close(ctx)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return c
}

// databasePool is database's variant for the engine: a pgx pool on a
// database of t's own, closed before the database is dropped.
func databasePool(t testing.TB) *pgxpool.Pool { t.Helper(); return databasePoolWith(t, nil) }

// databasePoolWith is databasePool with config changing the pool's
// configuration first (nil: none).
func databasePoolWith(t testing.TB, config func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	c := database(t)
	cfg, err := pgxpool.ParseConfig(os.Getenv(URLEnv))
	require.NoError(t, err)
	cfg.ConnConfig.Database = c.Config().Database
	if config != nil {
		config(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// schemaPool creates the PostgreSQL schema ns in conn's database and
// returns a pool of at most maxConns connections on it (searchPathPool),
// so that the tables a store of it creates stay apart from every other
// schema's: one database per test, a schema per store. The caller closes
// the pool; dropping the database drops the schema.
func schemaPool(ctx context.Context, conn *pgx.Conn, ns string, maxConns int32) (*pgxpool.Pool, error) {
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ns); err != nil {
		return nil, err
	}
	return searchPathPool(ctx, conn, ns, maxConns)
}

// searchPathPool returns a pool of at most maxConns connections on conn's
// database whose search_path is the schema ns: several pools on one
// schema are several processes sharing its tables.
func searchPathPool(ctx context.Context, conn *pgx.Conn, ns string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(os.Getenv(URLEnv))
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Database = conn.Config().Database
	cfg.ConnConfig.RuntimeParams["search_path"] = ns
	cfg.MaxConns = maxConns
	return pgxpool.NewWithConfig(ctx, cfg)
}
