package bench

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// SteadyOp is the name of the steady-state write case.
const SteadyOp = "AddSteady"

// SteadyWindow sizes the AddSteady window: a stream of single-row Add
// moves, each comment moved away and back (both timed), long enough to
// hold the GC cycles such a stream causes. A short benchmark window on a
// large store ends before the next cycle comes: with GOGC=100 one comes
// after the program allocates as much as the live heap, which at a
// write's few kB per op takes seconds at P = 1e5. So the window starts
// right after a forced GC and, once it holds Cycles cycles and has lasted
// Min, ends at the next cycle's end; every figure is measured from that
// start to the end of the last cycle, a whole number of cycles, so the
// ones of a contender that allocates more include its extra collections.
// It stops at Max, measured to the last cycle's end if there was one;
// and when after Min none has come and the live heap (the bytes until
// the first) at the bytes per second allocated so far would need more
// than Max, it stops at once, with no cycle (a store that allocates
// little when it writes, like map).
type SteadyWindow struct {
	// Cycles is the number of GC cycles the window holds (0: 3).
	Cycles int
	// Min and Max bound its length (0: 1 s and 2 min).
	Min, Max time.Duration
}

func (w SteadyWindow) withDefaults() SteadyWindow {
	if w.Cycles <= 0 {
		w.Cycles = 3
	}
	if w.Min <= 0 {
		w.Min = time.Second
	}
	if w.Max <= 0 {
		w.Max = 2 * time.Minute
	}
	return w
}

// The runtime/metrics read at a window's ends. The CPU classes are
// updated at the end of each GC cycle only, which is why a window is
// measured between two cycle ends.
var steadyMetrics = []string{
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
}

// steadyMark is the state at one point of a window.
type steadyMark struct {
	ops int64
	at  time.Duration
	m   [6]float64 // steadyMetrics, in order
}

func readSteady(s []metrics.Sample) [6]float64 {
	metrics.Read(s)
	var v [6]float64
	for i, x := range s {
		if x.Value.Kind() == metrics.KindUint64 {
			v[i] = float64(x.Value.Uint64())
		} else {
			v[i] = x.Value.Float64()
		}
	}
	return v
}

// steadyTotals adds up the windows of one benchmark run.
type steadyTotals struct {
	ops                          int64
	ns, bytes, objects           float64
	cycles, gcCPU, allCPU, idleC float64
}

func (t *steadyTotals) add(from, to steadyMark) {
	t.ops += to.ops - from.ops
	t.ns += float64((to.at - from.at).Nanoseconds())
	t.cycles += to.m[0] - from.m[0]
	t.gcCPU += to.m[1] - from.m[1]
	t.allCPU += to.m[2] - from.m[2]
	t.idleC += to.m[3] - from.m[3]
	t.bytes += to.m[4] - from.m[4]
	t.objects += to.m[5] - from.m[5]
}

// benchSteady runs one window per b.N iteration and reports, over the
// measured parts: ns/op, B/op and allocs/op (overriding the framework's,
// which would count the whole run), gc-cycles per window, gc-cpu-% (GC's
// share of /cpu/classes/total, which is GOMAXPROCS times the wall time),
// gc-busy-% (its share of the CPU not idle) and window-s.
func benchSteady(w SteadyWindow) func(b *testing.B, s Store, p, n int64) {
	w = w.withDefaults()
	return func(b *testing.B, s Store, p, _ int64) {
		var t steadyTotals
		var step int64
		for range b.N {
			from, to := steadyWindow(b, s, p, w, &step)
			t.add(from, to)
		}
		ops := float64(max(t.ops, 1))
		b.ReportMetric(t.ns/ops, "ns/op")
		b.ReportMetric(t.bytes/ops, "B/op")
		b.ReportMetric(t.objects/ops, "allocs/op")
		b.ReportMetric(t.cycles/float64(b.N), "gc-cycles")
		share := func(part, whole float64) float64 {
			if whole <= 0 {
				return 0
			}
			return 100 * part / whole
		}
		b.ReportMetric(share(t.gcCPU, t.allCPU), "gc-cpu-%")
		b.ReportMetric(share(t.gcCPU, t.allCPU-t.idleC), "gc-busy-%")
		b.ReportMetric(t.ns/1e9/float64(b.N), "window-s")
	}
}

// steadyWindow runs one window (see [SteadyWindow]) from step *i on and
// returns the marks it is measured between.
func steadyWindow(b *testing.B, s Store, p int64, w SteadyWindow, i *int64) (from, to steadyMark) {
	all := make([]metrics.Sample, len(steadyMetrics))
	for j, name := range steadyMetrics {
		all[j].Name = name
	}
	cyc := all[:1:1]
	goal := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
	pair := func() {
		c := perm(*i, p*K) + 1
		home := OrigPost(c)
		must(b, s.Add(home%p+1, c))
		must(b, s.Add(home, c))
		*i++
	}
	runtime.GC()
	metrics.Read(goal)
	untilGC := float64(goal[0].Value.Uint64()) - float64(goal[1].Value.Uint64())
	from.m = readSteady(all)
	start := time.Now()
	// Check the cycle count every k pairs, about 10 µs of work: a check
	// costs ~0.15 µs.
	const probe = 8
	for range probe {
		pair()
	}
	k := max(int64(10*time.Microsecond)*probe/max(int64(time.Since(start)), 1), 1)
	ops, last := int64(2*probe), from.m[0]
	for {
		for range k {
			pair()
		}
		ops += 2 * k
		at := time.Since(start)
		metrics.Read(cyc)
		if c := float64(cyc[0].Value.Uint64()); c != last {
			last = c
			to = steadyMark{ops: ops, at: at, m: readSteady(all)}
			if int(c-from.m[0]) >= w.Cycles && at >= w.Min {
				return from, to
			}
		}
		if at >= w.Max {
			break
		}
		if at >= w.Min && to.ops == 0 {
			rate := (readSteady(all)[4] - from.m[4]) / at.Seconds()
			if rate <= 0 || untilGC/rate > w.Max.Seconds() {
				break
			}
		}
	}
	if to.ops == 0 {
		to = steadyMark{ops: ops, at: time.Since(start), m: readSteady(all)}
	}
	return from, to
}
