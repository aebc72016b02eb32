package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// ratio is num's ns/op over den's.
type ratio struct{ num, den string }

func (rt ratio) String() string { return rt.num + "/" + rt.den }

// geomeans prints ns/op tables with ratio columns and keeps, for each
// ratio, the sum of the logs and the count of the (size, op) pairs where
// both its contenders ran: each geomean is over its own pairs, not only
// those every contender ran.
type geomeans struct {
	ratios []ratio
	logs   []float64
	n      []int
}

func newGeomeans(ratios ...ratio) *geomeans {
	return &geomeans{ratios: ratios, logs: make([]float64, len(ratios)), n: make([]int, len(ratios))}
}

// table prints the ns/op table of ops at size p, a row per op that ran,
// a column per contender of names and per ratio, and adds the ratios.
func (g *geomeans) table(w io.Writer, res map[key]result, p int64, ops, names []string) {
	heads := make([]string, len(g.ratios))
	for i, rt := range g.ratios {
		heads[i] = rt.String()
	}
	fmt.Fprintf(w, "| op | %s | %s |\n", strings.Join(names, " | "), strings.Join(heads, " | "))
	fmt.Fprintf(w, "|---%s|\n", strings.Repeat("|---:", len(names)+len(g.ratios)))
	for _, op := range ops {
		row, ok := rowOf(res, p, op, names, func(rs result) string { return dur(rs.ns) })
		if !ok {
			continue
		}
		cells := make([]string, len(g.ratios))
		for i, rt := range g.ratios {
			v, s := ratioOf(res, p, op, rt.num, rt.den)
			cells[i] = s
			if v > 0 {
				g.logs[i] += math.Log(v)
				g.n[i]++
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", op, strings.Join(row, " | "), strings.Join(cells, " | "))
	}
}

// summary returns the pairs behind each geomean ("memrel/memdb 4, ..")
// and the geomeans ("memrel/memdb=2.83 .."; NaN where no pair ran).
func (g *geomeans) summary() (pairs, means string) {
	ps := make([]string, len(g.ratios))
	ms := make([]string, len(g.ratios))
	for i, rt := range g.ratios {
		ps[i] = fmt.Sprintf("%s %d", rt, g.n[i])
		ms[i] = rt.String() + "=NaN"
		if g.n[i] > 0 {
			ms[i] = fmt.Sprintf("%s=%.2f", rt, math.Exp(g.logs[i]/float64(g.n[i])))
		}
	}
	return strings.Join(ps, ", "), strings.Join(ms, " ")
}

// ratioOf is num's ns/op over den's for op at size p, and its cell ("–"
// where either did not run).
func ratioOf(res map[key]result, p int64, op, num, den string) (float64, string) {
	a, okA := res[key{p, num, op}]
	b, okB := res[key{p, den, op}]
	if !okA || !okB || b.ns == 0 {
		return 0, "–"
	}
	return a.ns / b.ns, fmt.Sprintf("%.2f", a.ns/b.ns)
}
