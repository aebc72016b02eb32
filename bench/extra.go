package bench

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// CliffOp is the family name of the cliff cases; the case of one batch
// op is "Cliff" + its name, e.g. CliffAddN100000 (see [CliffCase]).
const CliffOp = "Cliff"

// CliffCase is the name of the cliff case of op, e.g. AddNOp(1000).
func CliffCase(op string) string { return CliffOp + op }

// Cliff is the check that a large transaction costs no more per row than
// a small one: AddN and CreateN at each of Sizes, on the data set of
// size P, each case repeating its batch until it has written Rows rows,
// with the collector off while batches run (see quietGC).
type Cliff struct {
	P     int64
	Sizes []int64
	// Rows is the rows each case writes in all (0: 100 000), in
	// ceil(Rows/N) batches of N.
	Rows int64
	// MaxBatch skips the larger sizes of a contender once one of its
	// batches took longer (0: 1 min).
	MaxBatch time.Duration
}

// extras runs the fresh-store, steady-state and cliff cases of group g at
// size p, while g's data sets are loaded.
func (r *Runner) extras(g []*runnerSlot, p int64, want func(string) bool, run func(c Case, f func(b *testing.B))) {
	for _, op := range []string{OpenOp, ForkOp} {
		if !r.Fresh || !want(op) {
			continue
		}
		for round := range max(r.Rounds, 1) {
			for i := range g {
				sl := g[(i+round)%len(g)]
				s, err := sl.loaded(p)
				f := benchFresh(sl.impl.Open)
				if op == ForkOp {
					fk, ok := s.(Forker)
					if err == nil && !ok {
						continue
					}
					f = benchFresh(fk.Fork)
				}
				run(Case{P: p, Impl: sl.impl.Name, Op: op, Round: round}, func(b *testing.B) {
					sl.ensure(b, p)
					f(b)
				})
			}
		}
	}
	if r.Steady != nil && want(SteadyOp) {
		steady := benchSteady(*r.Steady)
		for _, sl := range g {
			run(Case{P: p, Impl: sl.impl.Name, Op: SteadyOp, Once: true}, func(b *testing.B) {
				b.ReportAllocs()
				steady(b, sl.ensure(b, p), p, 1)
			})
		}
	}
	if r.Cliff != nil && r.Cliff.P == p && want(CliffOp) {
		for _, sl := range g {
			r.Cliff.run(sl, p, run)
		}
	}
}

// quietGC turns the collector off for a cliff case, so that no batch
// pays for a GC cycle that the undo before it caused, nor a large batch
// escapes the ones a stream of small batches meets: every N is measured
// alike, without GC (its cost is what AddSteady measures). settle, run
// after each undo, outside the timed region, collects once the heap has
// grown by half the live heap (64 MB at least); restore turns the
// collector back on.
func quietGC() (settle, restore func()) {
	live := heapAfterGC()
	limit := live + max(live/2, 64<<20)
	old := debug.SetGCPercent(-1)
	settle = func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > limit {
			runtime.GC()
		}
	}
	return settle, func() { debug.SetGCPercent(old) }
}

// run runs slot sl's cliff cases: AddN at every size, then CreateN.
func (c *Cliff) run(sl *runnerSlot, p int64, run func(c Case, f func(b *testing.B))) {
	rows, limit := c.Rows, c.MaxBatch
	if rows <= 0 {
		rows = 100_000
	}
	if limit <= 0 {
		limit = time.Minute
	}
	kinds := []struct {
		name func(n int64) string
		op   func(n int64, settle func()) func(b *testing.B, s Store, p, steps int64)
	}{{AddNOp, benchAddN}, {CreateNOp, benchCreateN}}
	for _, kind := range kinds {
		for _, n := range c.Sizes {
			var batch time.Duration
			batches := (rows + n - 1) / n
			run(Case{P: p, Impl: sl.impl.Name, Op: CliffCase(kind.name(n)), Once: true}, func(b *testing.B) {
				b.ReportAllocs()
				s := sl.ensure(b, p)
				settle, restore := quietGC()
				defer restore()
				kind.op(n, settle)(b, s, p, int64(b.N)*batches)
				batch = b.Elapsed() / time.Duration(int64(b.N)*batches)
			})
			if batch > limit {
				break
			}
		}
	}
}
