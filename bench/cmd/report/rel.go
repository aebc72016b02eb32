package main

// The relations workload's section: hasOne, belongsToMany and a composite
// primary key against hand-written go-memdb and raw SQL on cgo SQLite.
// Its ops are not in the main geomean; the section ends with a geomean
// line of its own, "rel-geomean".

import (
	"fmt"
	"io"
	"strings"

	"github.com/memrel/memrel/bench"
)

// relMaxP is the largest size the relations section runs at.
const relMaxP = 100_000

// relRatios are the relations section's ratio columns.
var relRatios = []ratio{{"memrel", "memdb"}, {"sqlitec", "memrel"}}

// relReport prints the relations section of the results in res.
func relReport(w io.Writer, rel *bench.RelRunner, res map[key]result, all map[key][]result) {
	names := make([]string, len(rel.Impls))
	for i, im := range rel.Impls {
		names[i] = im.Name
	}
	fmt.Fprintf(w, "## Relations workload: hasOne, belongsToMany, composite key\n\n")
	fmt.Fprintf(w, "P posts, P tags; each post has one Profile (hasOne, unique NOT NULL foreign key) and %d tags through "+
		"the join model PostTag, whose primary key is the pair (postId, tagId) (belongsToMany); deleting a post cascades to both. "+
		"OneGet: a post's profile; TagsGet: its %d tags, copied; TagsCount; TagsHas: one pair; KeyGet: one join row by its "+
		"composite key; TagsAdd / TagsRemove: one join row, undone untimed; PostDestroy: a post with its profile and join rows, "+
		"restored untimed. One transaction per op; each op ran %d round(s), every contender in turn, median shown. "+
		"These ops are not in the main workload's geomean: they have their own line, rel-geomean.\n\n",
		bench.KT, bench.KT, max(rel.Rounds, 1))
	geo := newGeomeans(relRatios...)
	for _, p := range rel.Sizes {
		fmt.Fprintf(w, "### Relations, P = %d (%d rows)\n\n", p, p*(3+bench.KT))
		geo.table(w, res, p, bench.RelOpNames(), names)
		spread(w, all, p, bench.RelOpNames())
		fmt.Fprintf(w, "\nAllocation per op, B/op / allocs/op:\n\n| op | %s |\n|---%s|\n", strings.Join(names, " | "), strings.Repeat("|---:", len(names)))
		for _, op := range bench.RelOpNames() {
			if cells, ran := rowOf(res, p, op, names, func(rs result) string {
				return fmt.Sprintf("%.0f B / %.1f", rs.bytes, rs.allocs)
			}); ran {
				fmt.Fprintf(w, "| %s | %s |\n", op, strings.Join(cells, " | "))
			}
		}
		fmt.Fprintln(w)
	}
	relGrowth(w, rel.Sizes, res, names)
	pairs, means := geo.summary()
	fmt.Fprintf(w, "Relations geometric means, each over the (size, op) pairs of this section its two contenders both ran (%s).\n\n", pairs)
	fmt.Fprintf(w, "rel-geomean %s\n\n", means)
}

// relGrowth prints how each op's cost grows from the smallest size to
// the largest: a read by seeks grows by log factors, a scan with P.
func relGrowth(w io.Writer, sizes []int64, res map[key]result, names []string) {
	if len(sizes) < 2 {
		return
	}
	lo, hi := sizes[0], sizes[len(sizes)-1]
	var rows []string
	for _, op := range bench.RelOpNames() {
		cells, ran := make([]string, len(names)), false
		for i, im := range names {
			cells[i] = "–"
			a, okA := res[key{lo, im, op}]
			b, okB := res[key{hi, im, op}]
			if okA && okB && a.ns > 0 {
				cells[i], ran = fmt.Sprintf("%.2f× ns, %.1f → %.1f allocs", b.ns/a.ns, a.allocs, b.allocs), true
			}
		}
		if ran {
			rows = append(rows, fmt.Sprintf("| %s | %s |", op, strings.Join(cells, " | ")))
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "Growth from P = %d to P = %d (%.0f× the rows): ns/op at the larger size over the smaller, and allocs/op at each.\n\n", lo, hi, float64(hi)/float64(lo))
	fmt.Fprintf(w, "| op | %s |\n|---%s|\n%s\n\n", strings.Join(names, " | "), strings.Repeat("|---:", len(names)), strings.Join(rows, "\n"))
}
