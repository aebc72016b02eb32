package main

import (
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel/bench"
)

// TestAdjusted_PerRowAndReportedFigures checks that a batch's figures
// become per row and that an op's own ns/op, B/op and allocs/op win.
func TestAdjusted_PerRowAndReportedFigures(t *testing.T) {
	br := testing.BenchmarkResult{N: 2, T: 4000 * time.Nanosecond, MemBytes: 800, MemAllocs: 40,
		Extra: map[string]float64{"rows/op": 100}}
	rs := adjusted(result{ns: 2000, bytes: 400, allocs: 20}, br)
	if rs.ns != 20 || rs.bytes != 4 || rs.allocs != 0.2 {
		t.Fatalf("per row: %+v", rs)
	}
	br = testing.BenchmarkResult{N: 1, T: time.Second, Extra: map[string]float64{"ns/op": 7, "B/op": 8, "allocs/op": 9, "gc-cycles": 3}}
	rs = adjusted(result{ns: 1e9}, br)
	if rs.ns != 7 || rs.bytes != 8 || rs.allocs != 9 || rs.m["gc-cycles"] != 3 {
		t.Fatalf("reported: %+v", rs)
	}
}

// TestCliffTable_RatioToSmallestN checks the cliff table's per-row cells
// and their ratio to each contender's smallest N.
func TestCliffTable_RatioToSmallestN(t *testing.T) {
	c := &bench.Cliff{P: 1000, Sizes: []int64{100, 1000}, Rows: 1000}
	res := map[key]result{
		{1000, "memrel", bench.CliffCase(bench.AddNOp(100))}:  {ns: 4000, allocs: 30},
		{1000, "memrel", bench.CliffCase(bench.AddNOp(1000))}: {ns: 6000, allocs: 31},
		{1000, "memdb", bench.CliffCase(bench.AddNOp(1000))}:  {ns: 5000, allocs: 29},
	}
	var w strings.Builder
	cliffTable(&w, c, res, 1000, []string{"memrel", "memdb"})
	out := w.String()
	for _, want := range []string{
		"| 100 | 4.00 µs, 30.0 allocs (1.00×) | – |",
		"| 1000 | 6.00 µs, 31.0 allocs (1.50×) | 5.00 µs, 29.0 allocs (1.00×) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "CreateN") {
		t.Errorf("a CreateN table without results:\n%s", out)
	}
}
