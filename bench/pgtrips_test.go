package bench

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tripTracer counts the round trips a pgx pool's connections make, and
// keeps each one's statements while recording: a query is one, a batch
// (pipelined: its statements share one) is one, a COPY is counted as one.
// A statement pgx prepares on its first use costs a trip more, which it
// does not count: the counted runs come after a warm-up.
type tripTracer struct {
	mu     sync.Mutex
	n      int
	record bool
	trips  [][]string
}

func (c *tripTracer) trip(sql string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.record {
		var stmts []string
		if sql != "" {
			stmts = []string{sql}
		}
		c.trips = append(c.trips, stmts)
	}
}

func (c *tripTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.trip(d.SQL)
	return ctx
}
func (c *tripTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *tripTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.trip("")
	return ctx
}

// TraceBatchQuery adds a statement of the batch to its trip, the last.
func (c *tripTracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.record && len(c.trips) > 0 {
		last := &c.trips[len(c.trips)-1]
		*last = append(*last, d.SQL)
	}
}
func (c *tripTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
func (c *tripTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	c.trip("COPY " + d.TableName.Sanitize())
	return ctx
}
func (c *tripTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// count returns the round trips of fn and, recorded, their statements.
func (c *tripTracer) count(fn func()) (int, [][]string) {
	c.mu.Lock()
	before := c.n
	c.record, c.trips = true, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record = false
	return c.n - before, c.trips
}

// oneTracedConn makes a pool of one connection, traced by tr: its
// statements stay prepared from the warm-up to the counted run.
func oneTracedConn(tr *tripTracer) func(*pgxpool.Config) {
	return func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = tr
		cfg.MaxConns = 1
	}
}

// tripCase is one op of the suite, on the loaded data set of tripP posts,
// at step i: the warm-up runs step 0, the count step 1, so a write finds
// its rows as loaded.
type tripCase struct {
	op  string
	pgx int // the pgx contender's round trips, as pgx.go writes it
	run func(s Store, i int64) error
}

const tripP = 200

func tripCases() []tripCase {
	ids := func(first, n int64) []int64 {
		out := make([]int64, n)
		for j := range out {
			out[j] = first + int64(j)*K // the first comments of n posts
		}
		return out
	}
	posts := func(first, n int64) []int64 {
		out := make([]int64, n)
		for j := range out {
			out[j] = first + int64(j)
		}
		return out
	}
	return []tripCase{
		{"Get", 1, func(s Store, i int64) error { _, err := s.Get(i + 1); return err }},
		{"Count", 1, func(s Store, i int64) error { _, err := s.Count(i + 1); return err }},
		{"Has", 1, func(s Store, i int64) error { _, err := s.Has(i+1, FirstComment(i+1)); return err }},
		{"Eager100", 1, func(s Store, i int64) error { _, err := s.Eager(i+1, EagerN); return err }},
		{"CountMany100", 1, func(s Store, i int64) error { _, err := s.CountMany(posts(i+1, ManyN)); return err }},
		// One post and its K comments: BEGIN, two COPYs, setval, COMMIT;
		// before the creates, which take the ids it loads.
		{"Load1", 5, func(s Store, i int64) error { return s.Load(tripP+1+i, 1) }},
		{"Add", 1, func(s Store, i int64) error { c := FirstComment(10 + i); return s.Add(OrigPost(c)+1, c) }},
		{"Create", 1, func(s Store, i int64) error { _, err := s.Create(i + 1); return err }},
		// BEGIN, the batch of three, COMMIT.
		{"Set", 3, func(s Store, i int64) error { a := 2*i + 41; return s.Set(a, origComments(a+1)) }},
		{"Remove", 1, func(s Store, i int64) error { return s.Remove(20+i, FirstComment(20+i)) }},
		{"Destroy", 1, func(s Store, i int64) error { return s.Destroy(150 + i) }},
		{"AddN10", 1, func(s Store, i int64) error { return s.AddN(30+i, ids(FirstComment(60+10*i)+1, 10)) }},
		{"AddN100", 1, func(s Store, i int64) error { return s.AddN(31+i, ids(FirstComment(1)+2+i, 100)) }},
		{"CreateN10", 1, func(s Store, i int64) error { _, err := s.CreateN(i+1, 10); return err }},
		{"CreateN100", 1, func(s Store, i int64) error { _, err := s.CreateN(i+1, 100); return err }},
		{"Bulk100", 1, func(s Store, i int64) error { _, err := s.Bulk(posts(i+1, ManyN)); return err }},
	}
}

// TestPGContenders_RoundTrips counts the round trips of one op of each
// kind on memrelpg and pgx, and logs them (go test -v), with every
// statement memrelpg sends: the figures and the reasons in RESULTS.md.
// pgx's are what pgx.go writes, and memrel's engine needs at least as
// many: it cannot do more in one trip than hand-written SQL does.
func TestPGContenders_RoundTrips(t *testing.T) {
	if os.Getenv(PGURLEnv) == "" {
		t.Skipf("%s names no PostgreSQL server", PGURLEnv)
	}
	open := map[string]func(tr *tripTracer) (Store, error){
		"memrelpg": func(tr *tripTracer) (Store, error) { return openMemrelPG(oneTracedConn(tr)) },
		"pgx":      func(tr *tripTracer) (Store, error) { return openPgx(oneTracedConn(tr)) },
	}
	got := map[string]map[string]int{}
	stmts := map[string][][]string{}
	for _, name := range []string{"memrelpg", "pgx"} {
		tr := &tripTracer{}
		s, err := open[name](tr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if err := s.Load(1, tripP); err != nil {
			t.Fatal(err)
		}
		got[name] = map[string]int{}
		for _, tc := range tripCases() {
			if err := tc.run(s, 0); err != nil {
				t.Fatalf("%s %s warm-up: %v", name, tc.op, err)
			}
			var err error
			n, trips := tr.count(func() { err = tc.run(s, 1) })
			if err != nil {
				t.Fatalf("%s %s: %v", name, tc.op, err)
			}
			got[name][tc.op] = n
			if name == "memrelpg" {
				stmts[tc.op] = trips
			}
		}
	}
	for _, tc := range tripCases() {
		m, p := got["memrelpg"][tc.op], got["pgx"][tc.op]
		t.Logf("%-13s memrelpg %4d  pgx %d", tc.op, m, p)
		if p != tc.pgx {
			t.Errorf("%s: pgx made %d round trips, want %d", tc.op, p, tc.pgx)
		}
		if m < p {
			t.Errorf("%s: memrelpg made %d round trips, fewer than pgx's %d", tc.op, m, p)
		}
	}
	for _, tc := range tripCases() {
		t.Logf("memrelpg %s:%s", tc.op, tripList(stmts[tc.op]))
	}
}

// tripList lists trips a line each, the schema's name left out; a block
// of lines repeated back to back (a statement or a few sent per row) is
// given once, under its count.
func tripList(trips [][]string) string {
	lines := make([]string, len(trips))
	for k, trip := range trips {
		lines[k] = schemaName.ReplaceAllString(strings.Join(trip, "; "), "")
	}
	var b strings.Builder
	for k := 0; k < len(lines); {
		size, reps := repeated(lines[k:])
		if reps == 1 {
			b.WriteString("\n\t" + lines[k])
			k++
			continue
		}
		fmt.Fprintf(&b, "\n\t×%d:", reps)
		for _, l := range lines[k : k+size] {
			b.WriteString("\n\t\t" + l)
		}
		k += size * reps
	}
	return b.String()
}

// schemaName is the random schema of a PostgreSQL contender, in the
// statements that name a sequence.
var schemaName = regexp.MustCompile(`bench_[0-9a-f]{12}\.`)

// repeated finds the block at the start of lines (at most 8 lines) that
// repeats back to back over the most lines, and returns its size and
// count (1, 1 when none repeats).
func repeated(lines []string) (size, reps int) {
	size, reps = 1, 1
	for l := 1; l <= 8 && 2*l <= len(lines); l++ {
		r := 1
		for (r+1)*l <= len(lines) && slices.Equal(lines[r*l:(r+1)*l], lines[:l]) {
			r++
		}
		if r > 1 && l*r > size*reps {
			size, reps = l, r
		}
	}
	return size, reps
}
