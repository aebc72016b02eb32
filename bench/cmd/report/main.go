// Command report runs the memrel benchmarks against raw go-memdb, raw SQL
// on SQLite (cgo and pure-Go drivers), GORM + SQLite and a mutex-and-maps
// store, and prints markdown tables of memrel's ratio to each per
// operation and data set size. Its last line is
//
//	geomean memrel/memdb=<x> sqlitec/memrel=<..> sqlitego/memrel=<..> gorm/memrel=<y> map/memrel=<z>
//
// the geometric means of the ns/op ratios, each over the (size, op)
// pairs its two contenders both ran. Run it from the bench module:
//
//	cd bench && go run ./cmd/report          # P = 1e3, 1e5, 1e6
//	cd bench && go run ./cmd/report -quick   # P = 1e3, 1e5, short runs
//
// -rel adds the relations workload (hasOne, belongsToMany, composite
// key: see rel.go) with a section and a geomean line of its own; -ops Rel
// (or its op names) runs that section alone.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel/bench"
)

type key struct {
	p        int64
	impl, op string
}

// ratios are the ns/op ratios the report prints per op and averages on
// its last line: memrel against raw go-memdb, then each baseline against
// memrel.
var ratios = []ratio{
	{"memrel", "memdb"}, {"sqlitec", "memrel"}, {"sqlitego", "memrel"}, {"gorm", "memrel"}, {"map", "memrel"},
}

// pgRatios are memrel on PostgreSQL against the hand-written pgx and
// GORM there, printed when memrelpg runs (MEMREL_PG_URL is set).
var pgRatios = []ratio{{"memrelpg", "pgx"}, {"memrelpg", "gormpg"}}

type result struct {
	ns, bytes, allocs float64 // per op (per row for Load)
	stored            float64 // Load only: bytes kept per row
	extra             string
	m                 map[string]float64 // the metrics the op reported
}

func main() {
	testing.Init()
	quick := flag.Bool("quick", false, "P = 1000 and 100000 with short runs: about two minutes")
	sizes := flag.String("sizes", "", "comma-separated sizes P (default 1000,100000,1000000; -quick: 1000,100000)")
	benchtime := flag.String("benchtime", "", "time (or Nx count) per benchmark (default 1s; -quick: 40ms)")
	impls := flag.String("impls", "", "comma-separated contenders to run (default all)")
	ops := flag.String("ops", "", "comma-separated operations to run (default all); the relations workload's ops, or Rel for all of them, run that workload")
	relFlag := flag.Bool("rel", false, "also run the relations workload (hasOne, belongsToMany, composite key), in a section of its own")
	interleave := flag.Int64("interleave-max", 0, "largest P at which every contender's data set is loaded at once and each op runs on all in turn (default 100000; -quick: 1000, which keeps it to about two minutes)")
	rounds := flag.Int("rounds", 0, "times each op runs per contender, side by side; the report shows the median (default 5; -quick: 1)")
	xf := newExtraFlags()
	flag.Parse()

	sz, bt, rn, im := "1000,100000,1000000", "1s", 5, int64(100_000)
	if *quick {
		sz, bt, rn, im = "1000,100000", "40ms", 1, 1000
	}
	if *rounds > 0 {
		rn = *rounds
	}
	if *interleave > 0 {
		im = *interleave
	}
	if *sizes != "" {
		sz = *sizes
	}
	if *benchtime != "" {
		bt = *benchtime
	}
	ps, err := bench.ParseSizes(sz)
	if err != nil {
		fail(err)
	}
	r := &bench.Runner{Sizes: ps, Impls: bench.Impls(), InterleaveMax: im, Rounds: rn}
	if *impls != "" {
		r.Impls = nil
		for _, im := range bench.Impls() {
			if contains(*impls, im.Name) {
				r.Impls = append(r.Impls, im)
			}
		}
	}
	rel := &bench.RelRunner{Rounds: rn}
	for _, p := range ps {
		// The relations runner holds its three data sets at once: at
		// P = 1e6, 8 million rows each, several GB.
		if p <= relMaxP {
			rel.Sizes = append(rel.Sizes, p)
		}
	}
	for _, im := range bench.RelImpls() {
		if *impls == "" || contains(*impls, im.Name) {
			rel.Impls = append(rel.Impls, im)
		}
	}
	if *ops != "" {
		r.Ops, rel.Ops = splitOps(strings.Split(*ops, ","))
		if len(r.Ops) == 0 {
			r = nil // only the relations workload
		}
	}
	if !*relFlag && rel.Ops == nil {
		rel = nil
	}
	if r != nil {
		must(xf.apply(r, *quick))
	}

	// Above the first size, an op whose time per step is known from the
	// size before runs once (b.N = 1) for as many steps as should fill the
	// bench time, instead of ramping up over several runs that each begin
	// with a GC of the whole (large) heap.
	budget, err := time.ParseDuration(bt)
	scaled := map[key]int64{}
	perStep := map[string]float64{}
	parallel := map[string]bool{}
	for _, o := range bench.Ops() {
		parallel[o.Name] = o.Parallel
	}
	if err == nil {
		steps := func(c bench.Case) int64 {
			prev, ok := perStep[c.Impl+"/"+c.Op]
			if !ok || prev <= 0 || parallel[c.Op] {
				return 1
			}
			// Assume the larger data set doubles the time per step.
			n := max(int64(float64(budget.Nanoseconds())/(2*prev)), 1)
			scaled[key{c.P, c.Impl, c.Op}] = n
			return n
		}
		if r != nil {
			r.Steps = steps
		}
		if rel != nil {
			rel.Steps = steps
		}
	}

	start := time.Now()
	all := map[key][]result{}
	skipped := map[string]string{}
	loads := map[key]bench.LoadStats{}
	runCase := func(c bench.Case, f func(*testing.B)) {
		k := key{c.P, c.Impl, c.Op}
		if c.Skip != "" {
			skipped[c.Impl] = c.Skip
			return
		}
		fmt.Fprintf(os.Stderr, "%-28s", c.Name())
		steps, once := scaled[k]
		if !once {
			steps = 1
		}
		if once || c.Once {
			must(flag.Set("test.benchtime", "1x"))
		} else {
			must(flag.Set("test.benchtime", bt))
		}
		br := testing.Benchmark(f)
		if br.N == 0 {
			fmt.Fprintln(os.Stderr, " FAILED")
			return
		}
		per := float64(br.N) * float64(steps)
		rs := result{ns: float64(br.T.Nanoseconds()) / per, bytes: float64(br.MemBytes) / per, allocs: float64(br.MemAllocs) / per}
		perStep[c.Impl+"/"+c.Op] = rs.ns
		rs = adjusted(rs, br)
		if c.Op == bench.LoadOp {
			st := loads[k]
			rs = result{ns: st.NsPerRow, bytes: st.BytesPerRow, allocs: st.AllocsPerRow, stored: st.StoredBytesPerRow}
		}
		if v, ok := br.Extra["commits/s"]; ok {
			rs.extra = fmt.Sprintf("%.0f commits/s", v)
		}
		all[k] = append(all[k], rs)
		fmt.Fprintf(os.Stderr, " %12s %10.0f B %8.1f allocs %s\n", dur(rs.ns), rs.bytes, rs.allocs, rs.extra)
	}
	if r != nil {
		r.Each(runCase, func(c bench.Case, st bench.LoadStats) {
			loads[key{c.P, c.Impl, c.Op}] = st
		})
	}
	if rel != nil {
		rel.Each(runCase)
	}

	res := map[key]result{}
	for k, rs := range all {
		res[k] = median(rs)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	report(w, r, rel, res, all, skipped, time.Since(start))
}

// splitOps divides an -ops list into the main workload's names and the
// relations workload's (nil: none named).
func splitOps(names []string) (main, rel []string) {
	relOps := append(bench.RelOpNames(), bench.RelFamily)
	for _, n := range names {
		n = strings.TrimSpace(n)
		if slices.Contains(relOps, n) {
			rel = append(rel, n)
		} else {
			main = append(main, n)
		}
	}
	return main, rel
}

// median is the round with the median time (the lower middle one of an
// even number), with its allocation figures.
func median(rs []result) result {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.ns, b.ns) })
	return rs[(len(rs)-1)/2]
}

// report prints the main workload's tables (r; nil when it did not run),
// the relations workload's section (rel; nil when it did not run), and
// last the main workload's geomean line.
func report(w io.Writer, r *bench.Runner, rel *bench.RelRunner, res map[key]result, all map[key][]result, skipped map[string]string, took time.Duration) {
	fmt.Fprintf(w, "# memrel benchmarks\n\n")
	fmt.Fprintf(w, "Machine: %s, %d CPUs (GOMAXPROCS %d), %s %s/%s. Run took %s.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, took.Round(time.Second))
	var geo []string
	if r != nil {
		geo = mainReport(w, r, res, all, skipped)
	}
	if rel != nil {
		relReport(w, rel, res, all)
	}
	for _, line := range geo {
		fmt.Fprint(w, line)
	}
}

// mainReport prints the main workload's tables and returns its geomean
// lines, which the report prints last.
func mainReport(w io.Writer, r *bench.Runner, res map[key]result, all map[key][]result, skipped map[string]string) []string {
	fmt.Fprintf(w, "Workload: Post hasMany Comment, P posts with %d comments each; one transaction per op. "+
		"Load is per stored row (post or comment); Eager100 loads %d posts with their comments; "+
		"GetParallel is Get from GOMAXPROCS readers while one writer commits moves.\n"+
		"sqlitec and sqlitego are raw SQL through database/sql on in-memory SQLite, every statement prepared, "+
		"on the cgo mattn/go-sqlite3 and the pure-Go glebarez/go-sqlite driver.\n"+
		"Ratios are of ns/op: memrel/memdb > 1 means memrel is slower than raw go-memdb; "+
		"sqlitec/memrel, sqlitego/memrel, gorm/memrel and map/memrel > 1 mean memrel is faster.\n"+
		"Each op ran %d round(s), every contender in turn within a round (at sizes up to %d, with all data sets loaded at once); "+
		"the tables show the round with the median time.\n\n", bench.K, bench.EagerN, max(r.Rounds, 1), r.InterleaveMax)
	extraIntro(w)
	names := make([]string, len(r.Impls))
	for i, im := range r.Impls {
		names[i] = im.Name
		if why, ok := skipped[im.Name]; ok {
			fmt.Fprintf(w, "Note: %s.\n\n", why)
		}
	}
	rs := ratios
	if slices.Contains(names, "memrelpg") {
		rs = append(slices.Clip(rs), pgRatios...)
		fmt.Fprintf(w, "memrelpg is memrel on PostgreSQL (the pg engine), pgx hand-written SQL and gormpg GORM on the same server: "+
			"memrelpg/pgx and memrelpg/gormpg > 1 mean memrel on PostgreSQL is slower.\n\n")
	}
	geo := newGeomeans(rs...)
	for _, p := range r.Sizes {
		fmt.Fprintf(w, "## P = %d (%d rows)\n\n", p, p*(bench.K+1))
		geo.table(w, res, p, bench.OpNames(), names)
		spread(w, all, p, bench.OpNames())
		fmt.Fprintf(w, "\nAllocation per op (Load: per row), B/op / allocs/op:\n\n")
		fmt.Fprintf(w, "| op | %s |\n|---%s|\n", strings.Join(names, " | "), strings.Repeat("|---:", len(names)))
		for _, op := range bench.OpNames() {
			cells, ran := rowOf(res, p, op, names, func(rs result) string {
				return fmt.Sprintf("%.0f B / %.1f", rs.bytes, rs.allocs)
			})
			if ran {
				fmt.Fprintf(w, "| %s | %s |\n", op, strings.Join(cells, " | "))
			}
		}
		var mem []string
		for _, im := range names {
			if rs, ok := res[key{p, im, bench.LoadOp}]; ok {
				mem = append(mem, fmt.Sprintf("%s %.0f", im, rs.stored))
			}
		}
		if len(mem) > 0 {
			fmt.Fprintf(w, "\nMemory kept per stored row (Go heap after GC, plus SQLite pages), bytes: %s", strings.Join(mem, ", "))
			a, okA := res[key{p, "memrel", bench.LoadOp}]
			b, okB := res[key{p, "memdb", bench.LoadOp}]
			if okA && okB && b.stored > 0 {
				fmt.Fprintf(w, " (memrel/memdb %.2f)", a.stored/b.stored)
			}
			fmt.Fprintln(w, ".")
		}
		for _, op := range bench.OpNames() {
			if rs, ok := res[key{p, "memrel", op}]; ok && rs.extra != "" {
				fmt.Fprintf(w, "\n%s, writer throughput meanwhile: ", op)
				var ws []string
				for _, im := range names {
					if rs, ok := res[key{p, im, op}]; ok {
						ws = append(ws, im+" "+rs.extra)
					}
				}
				fmt.Fprintln(w, strings.Join(ws, ", ")+".")
			}
		}
		extraTables(w, r, res, p, names)
		fmt.Fprintln(w)
	}
	pairs, means := geo.summary()
	return []string{
		fmt.Sprintf("Geometric means, each over the (size, op) pairs its two contenders both ran (%s).\n\n", pairs),
		fmt.Sprintf("geomean %s\n", means),
	}
}

// spread prints memrel/memdb in each round of ops, where they ran more
// than once: the two ran side by side within a round, so the spread of
// their ratio shows how far one figure of the table can be trusted.
func spread(w io.Writer, all map[key][]result, p int64, ops []string) {
	var lines []string
	for _, op := range ops {
		a, b := all[key{p, "memrel", op}], all[key{p, "memdb", op}]
		n := min(len(a), len(b))
		if n < 2 {
			continue
		}
		cells := make([]string, n)
		for i := range n {
			cells[i] = fmt.Sprintf("%.2f", a[i].ns/b[i].ns)
		}
		lines = append(lines, fmt.Sprintf("%s %s", op, strings.Join(cells, "/")))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nmemrel/memdb in each round, in order: %s.\n", strings.Join(lines, ", "))
	}
}

// rowOf formats one op's result of each contender with cell ("–" where
// it did not run); ran is false when none did.
func rowOf(res map[key]result, p int64, op string, names []string, cell func(result) string) (cells []string, ran bool) {
	for _, im := range names {
		rs, ok := res[key{p, im, op}]
		if !ok {
			cells = append(cells, "–")
			continue
		}
		ran = true
		cells = append(cells, cell(rs))
	}
	return cells, ran
}

// dur formats nanoseconds with a unit.
func dur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

func contains(list, name string) bool {
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

func must(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(2)
}
