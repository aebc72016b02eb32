package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/memrel/memrel/bench"
)

// TestReport_Ratios_EachGeomeanOverItsOwnPairs feeds the report made-up
// results in which sqlitego and gorm ran only the first size, and checks
// the ratio columns and that each geomean covers the pairs its two
// contenders ran, not only those every contender ran.
func TestReport_Ratios_EachGeomeanOverItsOwnPairs(t *testing.T) {
	t.Setenv(bench.PGURLEnv, "") // the memory contenders only
	r := &bench.Runner{Sizes: []int64{1000, 1_000_000}, Impls: bench.Impls(), InterleaveMax: 1000}
	res := map[key]result{}
	for _, p := range r.Sizes {
		memdb := 50.0 // memrel/memdb 2 at P = 1000 ...
		if p > 1000 {
			memdb = 25 // ... and 4 at P = 1e6: geomean sqrt(8) = 2.83
		}
		for _, op := range []string{"Get", "Add"} {
			res[key{p, "memrel", op}] = result{ns: 100}
			res[key{p, "memdb", op}] = result{ns: memdb}
			res[key{p, "sqlitec", op}] = result{ns: 400}
			res[key{p, "map", op}] = result{ns: 25}
			if p == 1000 {
				res[key{p, "sqlitego", op}] = result{ns: 800}
				res[key{p, "gorm", op}] = result{ns: 1600}
			}
		}
	}
	var out bytes.Buffer
	report(&out, r, nil, res, nil, map[string]string{"gorm": "gorm skipped", "sqlitego": "sqlitego skipped"}, 0)
	text := out.String()
	for _, want := range []string{
		"| op | memrel | memdb | sqlitec | sqlitego | gorm | map | memrel/memdb | sqlitec/memrel | sqlitego/memrel | gorm/memrel | map/memrel |\n",
		"| Get | 100 ns | 50 ns | 400 ns | 800 ns | 1.60 µs | 25 ns | 2.00 | 4.00 | 8.00 | 16.00 | 0.25 |\n",
		"| Add | 100 ns | 25 ns | 400 ns | – | – | 25 ns | 4.00 | 4.00 | – | – | 0.25 |\n",
		"Note: sqlitego skipped.\n\nNote: gorm skipped.\n",
		"(memrel/memdb 4, sqlitec/memrel 4, sqlitego/memrel 2, gorm/memrel 2, map/memrel 4)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	want := "geomean memrel/memdb=2.83 sqlitec/memrel=4.00 sqlitego/memrel=8.00 gorm/memrel=16.00 map/memrel=0.25"
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("last line\n got %s\nwant %s", got, want)
	}
}

// TestReport_PGRatios_WhenMemrelPGRuns checks that with the PostgreSQL
// contenders listed the report adds memrelpg/pgx and memrelpg/gormpg to
// the tables and the geomeans, after the memory engine's ratios.
func TestReport_PGRatios_WhenMemrelPGRuns(t *testing.T) {
	t.Setenv(bench.PGURLEnv, "postgres://unused") // listed, never opened
	r := &bench.Runner{Sizes: []int64{1000}, Impls: bench.Impls()}
	res := map[key]result{}
	for _, op := range []string{"Get", "Add"} {
		res[key{1000, "memrelpg", op}] = result{ns: 200}
		res[key{1000, "pgx", op}] = result{ns: 100}
		res[key{1000, "gormpg", op}] = result{ns: 400}
	}
	var out bytes.Buffer
	report(&out, r, nil, res, nil, nil, 0)
	text := out.String()
	want := "| Get | – | – | – | – | – | – | 200 ns | 100 ns | 400 ns | – | – | – | – | – | 2.00 | 0.50 |\n"
	if !strings.Contains(text, want) {
		t.Errorf("report lacks %q:\n%s", want, text)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if got := lines[len(lines)-1]; !strings.HasSuffix(got, " map/memrel=NaN memrelpg/pgx=2.00 memrelpg/gormpg=0.50") {
		t.Errorf("last line %s: no memrelpg geomeans", got)
	}
}
