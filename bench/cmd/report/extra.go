package main

// The report's sections beyond the per-op tables: batch ops per row, the
// fresh-store-per-test table, the steady-state write figure and the
// cliff check of large transactions.

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel/bench"
)

// extraFlags are the flags of the extra sections.
type extraFlags struct {
	fresh                *bool
	steadyCycles         *int
	steadyMin, steadyMax *time.Duration
	cliff, cliffP        *string
	cliffRows            *int64
}

// newExtraFlags defines the flags; call it before flag.Parse.
func newExtraFlags() *extraFlags {
	return &extraFlags{
		fresh:        flag.Bool("fresh", true, "measure a fresh store per test (Open, and Fork where a contender can) at every size"),
		steadyCycles: flag.Int("steady-cycles", -1, "GC cycles the AddSteady window holds at every size, 0 to skip it (default 3; -quick: 1)"),
		steadyMin:    flag.Duration("steady-min", 0, "shortest AddSteady window (default 1s; -quick: 200ms)"),
		steadyMax:    flag.Duration("steady-max", 0, "longest AddSteady window (default 2m; -quick: 10s)"),
		cliff:        flag.String("cliff", "", "batch sizes N of the cliff check, or off (default 100,1000,10000,100000; -quick: off)"),
		cliffP:       flag.String("cliff-p", "1e5", "size P of the cliff check; it runs when P is among -sizes"),
		cliffRows:    flag.Int64("cliff-rows", 100_000, "rows each cliff case writes, in batches of N"),
	}
}

// apply configures r's extra sections from the flags.
func (x *extraFlags) apply(r *bench.Runner, quick bool) error {
	r.Fresh = *x.fresh
	w := bench.SteadyWindow{Cycles: 3, Min: time.Second, Max: 2 * time.Minute}
	cliff := "100,1000,10000,100000"
	if quick {
		w, cliff = bench.SteadyWindow{Cycles: 1, Min: 200 * time.Millisecond, Max: 10 * time.Second}, "off"
	}
	if *x.steadyCycles >= 0 {
		w.Cycles = *x.steadyCycles
	}
	if *x.steadyMin > 0 {
		w.Min = *x.steadyMin
	}
	if *x.steadyMax > 0 {
		w.Max = *x.steadyMax
	}
	if w.Cycles > 0 {
		r.Steady = &w
	}
	if *x.cliff != "" {
		cliff = *x.cliff
	}
	if cliff == "off" {
		return nil
	}
	ns, err := bench.ParseSizes(cliff)
	if err != nil {
		return fmt.Errorf("-cliff: %w", err)
	}
	ps, err := bench.ParseSizes(*x.cliffP)
	if err != nil || len(ps) != 1 {
		return fmt.Errorf("-cliff-p: bad size %q", *x.cliffP)
	}
	slices.Sort(ns)
	r.Cliff = &bench.Cliff{P: ps[0], Sizes: ns, Rows: max(*x.cliffRows, 1)}
	return nil
}

// adjusted makes a batch's figures per row, using the rows per b.N
// iteration its op reports (rows/op), and takes the per-op figures an op
// reports itself (AddSteady: only the measured part of its window) over
// the framework's; it keeps every metric the op reported.
func adjusted(rs result, br testing.BenchmarkResult) result {
	rs.m = br.Extra
	if rows := br.Extra["rows/op"]; rows > 0 {
		total := float64(br.N) * rows
		rs.ns = float64(br.T.Nanoseconds()) / total
		rs.bytes = float64(br.MemBytes) / total
		rs.allocs = float64(br.MemAllocs) / total
	}
	for unit, f := range map[string]*float64{"ns/op": &rs.ns, "B/op": &rs.bytes, "allocs/op": &rs.allocs} {
		if v, ok := br.Extra[unit]; ok {
			*f = v
		}
	}
	return rs
}

// extraIntro explains the batch rows of the per-op tables.
func extraIntro(w io.Writer) {
	fmt.Fprintf(w, "AddN<N> and CreateN<N> move or create N comments (N = 10, 100, 1000; AddN takes them from N different posts) "+
		"in one transaction, and Bulk100 creates 100 comments of 100 different posts in one all-or-nothing call (BulkCreate; "+
		"a multi-row INSERT in SQL); their rows in every table are **per row** (ns, B and allocs divided by N), "+
		"so they compare with the single-row Add and Create above them. "+
		"CountMany100 counts the comments of 100 posts in one read (HasMany.CountMany; a grouped count in SQL), per call.\n\n")
}

// extraTables prints the fresh-store, steady-state and cliff tables of
// size p.
func extraTables(w io.Writer, r *bench.Runner, res map[key]result, p int64, names []string) {
	freshTable(w, res, p, names)
	steadyTable(w, r, res, p, names)
	if r.Cliff != nil && r.Cliff.P == p {
		cliffTable(w, r.Cliff, res, p, names)
	}
}

func freshTable(w io.Writer, res map[key]result, p int64, names []string) {
	ops := []string{bench.OpenOp, bench.ForkOp}
	what := map[string]string{
		bench.OpenOp: "Open + Close: a new empty store, schema ready",
		bench.ForkOp: "Fork + Close of the loaded store",
	}
	var rows []string
	for _, op := range ops {
		cells, ran := rowOf(res, p, op, names, func(rs result) string {
			return fmt.Sprintf("%s, %.0f B, %.1f allocs", dur(rs.ns), rs.bytes, rs.allocs)
		})
		if ran {
			rows = append(rows, fmt.Sprintf("| %s | %s |", what[op], strings.Join(cells, " | ")))
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFresh store per test, measured while this size's loaded stores are live (per op: time, B, allocs; "+
		"memrel: Schema.Open and Store.Fork, memdb: NewMemDB, SQLite: `:memory:` + CREATE TABLEs + prepare, GORM: Open + AutoMigrate):\n\n")
	fmt.Fprintf(w, "| store per test | %s |\n|---%s|\n%s\n", strings.Join(names, " | "), strings.Repeat("|---:", len(names)), strings.Join(rows, "\n"))
}

func steadyTable(w io.Writer, r *bench.Runner, res map[key]result, p int64, names []string) {
	var rows []string
	for _, im := range names {
		st, ok := res[key{p, im, bench.SteadyOp}]
		if !ok {
			continue
		}
		short, ratio := "–", "–"
		if a, ok := res[key{p, im, "Add"}]; ok && a.ns > 0 {
			short, ratio = dur(a.ns), fmt.Sprintf("%.2f", st.ns/a.ns)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %.0f | %.1f %% | %.1f %% | %.1f s | %.0f B / %.1f |",
			im, short, dur(st.ns), ratio, st.m["gc-cycles"], st.m["gc-cpu-%"], st.m["gc-busy-%"], st.m["window-s"], st.bytes, st.allocs))
	}
	if len(rows) == 0 {
		return
	}
	win := r.Steady
	fmt.Fprintf(w, "\nSteady-state writes (AddSteady): single-row Add moves, away and back, both timed, in one window per contender (no rounds) "+
		"from a forced GC to the end of the first GC cycle after it has held %d cycle(s) and lasted %s (at most %s; "+
		"measured to the last cycle's end, so it holds whole cycles; no cycle: the store allocated too little to cause one). "+
		"GC share: /cpu/classes/gc/total over /cpu/classes/total (GOMAXPROCS × wall time), and over the CPU not idle.\n\n",
		win.Cycles, win.Min, win.Max)
	fmt.Fprintf(w, "| contender | Add (short window) | AddSteady | steady/short | GC cycles | GC %% of CPU | GC %% of busy CPU | window | B/op / allocs/op |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n%s\n", strings.Join(rows, "\n"))
}

func cliffTable(w io.Writer, c *bench.Cliff, res map[key]result, p int64, names []string) {
	for _, kind := range []func(int64) string{bench.AddNOp, bench.CreateNOp} {
		var rows []string
		base := map[string]float64{}
		for _, n := range c.Sizes {
			cells, ran := make([]string, len(names)), false
			for i, im := range names {
				cells[i] = "–"
				rs, ok := res[key{p, im, bench.CliffCase(kind(n))}]
				if !ok {
					continue
				}
				if _, ok := base[im]; !ok {
					base[im] = rs.ns
				}
				cells[i], ran = fmt.Sprintf("%s, %.1f allocs (%.2f×)", dur(rs.ns), rs.allocs, rs.ns/base[im]), true
			}
			if ran {
				rows = append(rows, fmt.Sprintf("| %d | %s |", n, strings.Join(cells, " | ")))
			}
		}
		if len(rows) == 0 {
			continue
		}
		op := strings.TrimSuffix(kind(0), "0")
		fmt.Fprintf(w, "\nCliff check, %s: one transaction of N rows at P = %d, per row (time, allocs) and, in brackets, "+
			"its ratio to the contender's smallest N; each N writes %d rows in all, in batches of N, once (no rounds), "+
			"with the GC off while a batch runs (collections run between batches, untimed: the GC's share is in AddSteady). "+
			"A contender missing from a row took longer than a minute for one smaller batch.\n\n", op, p, c.Rows)
		fmt.Fprintf(w, "| N | %s |\n|---:%s|\n%s\n", strings.Join(names, " | "), strings.Repeat("|---:", len(names)), strings.Join(rows, "\n"))
	}
}
