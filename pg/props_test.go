package pg

// The property machines of internal/props, run on the PostgreSQL engine:
// every store a machine opens is a schema of its own (its tables made by
// Create) in one database for the test. See internal/props for what the
// machines check after every step (the store equals the map model, full
// tables included). The default run is short, for CI; for a longer
// search, with a server named by MEMREL_PG_URL:
//
//	go test -race -run TestProps -rapid.checks=1000 -rapid.steps=100 .
//
// and -rapid.seed=S to replay a seed (rapid prints it on failure).

import (
	"context"
	"flag"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/props"
	"github.com/stretchr/testify/require"
)

// propsChecks is how many checks a machine runs on PostgreSQL unless
// -rapid.checks is given: each check creates its schema's tables and
// every step reads all of them back, so rapid's default of 100 would take
// minutes on a busy machine.
const propsChecks = "20"

// boundChecks sets -rapid.checks to n for t's duration, unless the
// command line set it.
func boundChecks(t *testing.T, n string) {
	t.Helper()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if set {
		return
	}
	f := flag.Lookup("rapid.checks")
	require.NotNil(t, f, "rapid registers -rapid.checks")
	old := f.Value.String()
	require.NoError(t, f.Value.Set(n))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// pgOpener opens empty stores on PostgreSQL for the machines: each store
// a schema of its own in a database for the test, its tables created, on
// a pool of its own, closed when the check that opened it ends.
type pgOpener struct {
	mu    sync.Mutex // tests may open stores in parallel: conn is one connection
	conn  *pgx.Conn
	n     int
	pools map[*memrel.Store]*pgxpool.Pool
}

func newPGOpener(t *testing.T) *pgOpener {
	return &pgOpener{conn: database(t), pools: map[*memrel.Store]*pgxpool.Pool{}}
}

// checkT is what open needs of a test or a rapid check: failing, and
// Cleanup, run when it ends.
type checkT interface {
	require.TestingT
	Helper()
	Cleanup(func())
}

// open opens a store of s with opts; tb is the check's.
func (o *pgOpener) open(tb checkT, s *memrel.Schema, opts ...memrel.StoreOption) *memrel.Store {
	tb.Helper()
	ctx := context.Background()
	o.mu.Lock()
	o.n++
	// Enough connections for a write transaction, the machine's two open
	// readers, the View that checks what they see and the concurrent
	// readers' Views.
	pool, err := schemaPool(ctx, o.conn, fmt.Sprintf("props%d", o.n), 8)
	o.mu.Unlock()
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	require.NoError(tb, Create(ctx, pool, s))
	db, err := Open(ctx, pool, s, opts...)
	require.NoError(tb, err)
	o.mu.Lock()
	o.pools[db] = pool
	o.mu.Unlock()
	tb.Cleanup(func() { o.mu.Lock(); delete(o.pools, db); o.mu.Unlock() })
	return db
}

// sequence is the props.SequenceFunc of the stores o opened: the last
// value the sequence of model's table gave, read from the database.
// PostgreSQL's sequences keep the draws of failed creates, which the
// model, written for the memory engine, gives back (see pg's doc: What
// differs).
func (o *pgOpener) sequence(db *memrel.Store, model string) (int64, bool) {
	var seq *string
	var v int64
	o.mu.Lock()
	pool := o.pools[db]
	o.mu.Unlock()
	err := pool.QueryRow(context.Background(),
		"SELECT pg_get_serial_sequence($1, 'id'), coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)",
		quote(model)).Scan(&seq, &v)
	if err != nil {
		panic(fmt.Sprintf("sequence of %s: %v", model, err)) // the check fails with it
	}
	return v, seq != nil
}

func TestProps_StateMachine(t *testing.T) {
	boundChecks(t, propsChecks)
	o := newPGOpener(t)
	props.StateMachine(t, func(t testing.TB, s *memrel.Schema) *memrel.Store { return o.open(t, s) },
		props.SequenceGaps(o.sequence))
}

func TestProps_ConcurrentReaders(t *testing.T) {
	boundChecks(t, propsChecks)
	o := newPGOpener(t)
	props.ConcurrentReaders(t, func(t testing.TB, s *memrel.Schema) *memrel.Store { return o.open(t, s) },
		props.SequenceGaps(o.sequence))
}

func TestProps_Regression_RekeyOntoOwnOldKey(t *testing.T) {
	o := newPGOpener(t)
	props.RekeyOntoOwnOldKey(t, func(t testing.TB, s *memrel.Schema) *memrel.Store { return o.open(t, s) })
}

func TestProps_WritesMachine(t *testing.T) {
	boundChecks(t, propsChecks)
	o := newPGOpener(t)
	props.WritesMachine(t, func(t testing.TB, s *memrel.Schema, now func() time.Time) *memrel.Store {
		return o.open(t, s, memrel.WithClock(now))
	}, props.SequenceGaps(o.sequence))
}
