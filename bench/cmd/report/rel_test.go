package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/memrel/memrel/bench"
)

// TestReport_RelSection_OwnGeomean feeds the report made-up results of
// both workloads and checks that the relations ops have their own table
// and geomean line and leave the main geomean, still the last line, as
// it was.
func TestReport_RelSection_OwnGeomean(t *testing.T) {
	r := &bench.Runner{Sizes: []int64{1000}, Impls: bench.Impls()[:3]}
	rel := &bench.RelRunner{Sizes: []int64{1000, 100_000}, Impls: bench.RelImpls()}
	res := map[key]result{
		{1000, "memrel", "Get"}:  {ns: 100},
		{1000, "memdb", "Get"}:   {ns: 50},
		{1000, "sqlitec", "Get"}: {ns: 400},
	}
	for _, p := range rel.Sizes {
		grow := float64(p / 1000) // 1 and 100: the growth table says 100.00×
		res[key{p, "memrel", "TagsGet"}] = result{ns: 300 * grow, allocs: 31}
		res[key{p, "memdb", "TagsGet"}] = result{ns: 100 * grow, allocs: 34}
		res[key{p, "sqlitec", "TagsGet"}] = result{ns: 2700 * grow, allocs: 42}
	}
	var out bytes.Buffer
	report(&out, r, rel, res, nil, nil, 0)
	text := out.String()
	for _, want := range []string{
		"| TagsGet | 300 ns | 100 ns | 2.70 µs | 3.00 | 9.00 |\n",
		"| TagsGet | 30.00 µs | 10.00 µs | 270.00 µs | 3.00 | 9.00 |\n",
		"| TagsGet | 100.00× ns, 31.0 → 31.0 allocs | 100.00× ns, 34.0 → 34.0 allocs | 100.00× ns, 42.0 → 42.0 allocs |\n",
		"rel-geomean memrel/memdb=3.00 sqlitec/memrel=9.00\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	main, _, _ := strings.Cut(text, "## Relations")
	if strings.Contains(main, "TagsGet") {
		t.Errorf("a relations op in the main tables:\n%s", main)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if got, want := lines[len(lines)-1], "geomean memrel/memdb=2.00 sqlitec/memrel=4.00 sqlitego/memrel=NaN gorm/memrel=NaN map/memrel=NaN"; got != want {
		t.Errorf("last line\n got %s\nwant %s", got, want)
	}

	out.Reset()
	report(&out, nil, rel, res, nil, nil, 0)
	if text := out.String(); strings.Contains(text, "| Get |") || !strings.HasSuffix(strings.TrimSpace(text), "rel-geomean memrel/memdb=3.00 sqlitec/memrel=9.00") {
		t.Errorf("relations alone:\n%s", text)
	}
}

// TestSplitOps_RelNamesApart checks that -ops hands the relations
// workload its names, Rel included, and the main workload the rest.
func TestSplitOps_RelNamesApart(t *testing.T) {
	main, rel := splitOps([]string{"Get", " TagsGet", "Cliff", "Rel"})
	if strings.Join(main, ",") != "Get,Cliff" || strings.Join(rel, ",") != "TagsGet,Rel" {
		t.Fatalf("main %v, rel %v", main, rel)
	}
}
