package bench

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Op is one measured operation on a loaded data set of p posts. Run times
// n steps (b.N times a multiplier the runner picks; see [Runner.Steps]).
// Write ops undo their changes outside the timed region, so every op
// leaves the data set as it found it.
type Op struct {
	Name string
	Run  func(b *testing.B, s Store, p, n int64)
	// Parallel ops run b.N steps under b.RunParallel and ignore n.
	Parallel bool
}

// LoadOp is the name of the bulk load, which [Runner] handles itself.
const LoadOp = "Load"

// Ops returns the operations after the load, reads first, then the
// single-row writes, then the batches (AddN and CreateN of 10, 100 and
// 1000 rows, and Bulk100, whose figures are given per row).
func Ops() []Op {
	return append([]Op{
		{Name: "Get", Run: benchGet},
		{Name: "Count", Run: benchCount},
		{Name: "Has", Run: benchHas},
		{Name: "Eager100", Run: benchEager},
		{Name: "CountMany100", Run: benchCountMany},
		{Name: "GetParallel", Run: benchGetParallel, Parallel: true},
		{Name: "Add", Run: benchAdd},
		{Name: "Create", Run: benchCreate},
		{Name: "Set", Run: benchSet},
		{Name: "Remove", Run: benchRemove},
		{Name: "Destroy", Run: benchDestroy},
	}, append(batchOps(batchSizes), Op{Name: "Bulk100", Run: benchBulk})...)
}

// OpNames lists every op in report order, the load first.
func OpNames() []string {
	names := []string{LoadOp}
	for _, o := range Ops() {
		names = append(names, o.Name)
	}
	return names
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

func benchGet(b *testing.B, s Store, p, n int64) {
	b.ResetTimer()
	for i := range n {
		_, err := s.Get(perm(i, p) + 1)
		must(b, err)
	}
}

func benchCount(b *testing.B, s Store, p, n int64) {
	b.ResetTimer()
	for i := range n {
		_, err := s.Count(perm(i, p) + 1)
		must(b, err)
	}
}

func benchHas(b *testing.B, s Store, p, n int64) {
	b.ResetTimer()
	for i := range n {
		post := perm(i, p) + 1
		ok, err := s.Has(post, FirstComment(post)+i%K)
		must(b, err)
		if !ok {
			b.Fatalf("Has(%d) false", post)
		}
	}
}

func benchEager(b *testing.B, s Store, p, n int64) {
	span := max(p-EagerN+1, 1)
	b.ResetTimer()
	for i := range n {
		_, err := s.Eager(perm(i, span)+1, EagerN)
		must(b, err)
	}
}

// benchCountMany counts the comments of ManyN posts per step, as a page
// of posts shows "comments per post"; its figures are per call, as
// Eager100's.
func benchCountMany(b *testing.B, s Store, p, n int64) {
	posts := make([]int64, ManyN)
	b.ResetTimer()
	for i := range n {
		manyPosts(posts, i, p)
		_, err := s.CountMany(posts)
		must(b, err)
	}
}

// benchGetParallel measures Get throughput from GOMAXPROCS readers while
// one writer commits moves back and forth as fast as it can. The writer
// is one more runnable goroutine, so it takes about the same share of the
// CPUs from the readers of every contender; its commits per second show
// how much writing that share buys.
func benchGetParallel(b *testing.B, s Store, p, _ int64) {
	var stop atomic.Bool
	var writes atomic.Int64
	var wg sync.WaitGroup
	var werr error
	wg.Go(func() {
		for i := int64(0); !stop.Load(); i++ {
			c := perm(i, p*K) + 1
			home := OrigPost(c)
			if werr = s.Add(home%p+1, c); werr != nil {
				return
			}
			if werr = s.Add(home, c); werr != nil {
				return
			}
			writes.Add(2)
		}
	})
	var seed atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := seed.Add(1) * 7_919
		for pb.Next() {
			if _, err := s.Get(perm(i, p) + 1); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.StopTimer()
	stop.Store(true)
	wg.Wait()
	must(b, werr)
	b.ReportMetric(float64(writes.Load())/b.Elapsed().Seconds(), "commits/s")
}

// chunked runs n timed steps in chunks of at most size, calling undo with
// the chunk's first and end step outside the timed region after each.
func chunked(b *testing.B, n, size int64, step func(i int64), undo func(from, to int64)) {
	b.ResetTimer()
	for from := int64(0); from < n; {
		to := min(from+size, n)
		for i := from; i < to; i++ {
			step(i)
		}
		b.StopTimer()
		undo(from, to)
		b.StartTimer()
		from = to
	}
}

// chunk is the undo period: small against the data set, so the state a
// step sees stays close to the loaded one.
func chunk(p int64) int64 { return max(min(p/10, 1000), 1) }

// benchAdd moves one comment to the next post.
func benchAdd(b *testing.B, s Store, p, n int64) {
	chunked(b, n, chunk(p),
		func(i int64) {
			c := perm(i, p*K) + 1
			must(b, s.Add(OrigPost(c)%p+1, c))
		},
		func(from, to int64) {
			for i := from; i < to; i++ {
				c := perm(i, p*K) + 1
				must(b, s.Add(OrigPost(c), c))
			}
		})
}

func benchCreate(b *testing.B, s Store, p, n int64) {
	var ids []int64
	chunked(b, n, chunk(p),
		func(i int64) {
			id, err := s.Create(perm(i, p) + 1)
			must(b, err)
			ids = append(ids, id)
		},
		func(_, _ int64) {
			for _, id := range ids {
				must(b, s.DeleteComment(id))
			}
			ids = ids[:0]
		})
}

// benchSet gives an odd post the K comments of the next post, so K
// previous comments are nulled and K are moved in.
func benchSet(b *testing.B, s Store, p, n int64) {
	pairs := max(p/2, 1)
	kids := make([]int64, K)
	chunked(b, n, min(chunk(p), pairs),
		func(i int64) {
			a := 2*perm(i, pairs) + 1
			for j := range kids {
				kids[j] = FirstComment(a+1) + int64(j)
			}
			must(b, s.Set(a, kids))
		},
		func(from, to int64) {
			for i := from; i < to; i++ {
				a := 2*perm(i, pairs) + 1
				must(b, s.Set(a, origComments(a)))
				must(b, s.Set(a+1, origComments(a+1)))
			}
		})
}

func benchRemove(b *testing.B, s Store, p, n int64) {
	chunked(b, n, chunk(p),
		func(i int64) {
			c := perm(i, p*K) + 1
			must(b, s.Remove(OrigPost(c), c))
		},
		func(from, to int64) {
			for i := from; i < to; i++ {
				c := perm(i, p*K) + 1
				must(b, s.Add(OrigPost(c), c))
			}
		})
}

func benchDestroy(b *testing.B, s Store, p, n int64) {
	chunked(b, n, chunk(p),
		func(i int64) { must(b, s.Destroy(perm(i, p)+1)) },
		func(from, to int64) {
			for i := from; i < to; i++ {
				must(b, s.Load(perm(i, p)+1, 1))
			}
		})
}

// heapAfterGC is the live Go heap.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// LoadStats is what one bulk load cost, per stored row (post or comment).
type LoadStats struct {
	NsPerRow, BytesPerRow, AllocsPerRow float64
	// StoredBytesPerRow is the memory the loaded store keeps: Go heap
	// growth after a GC plus off-heap pages.
	StoredBytesPerRow float64
}

// benchLoad bulk-loads p posts with their comments into a fresh store per
// iteration and leaves the last store in *keep (closing the one it held).
func benchLoad(b *testing.B, impl Impl, p int64, keep *Store) LoadStats {
	rows := float64(p * (K + 1))
	var st LoadStats
	var total time.Duration
	var allocs, bytes uint64
	b.StopTimer()
	for range b.N {
		if *keep != nil {
			must(b, (*keep).Close())
			*keep = nil
		}
		before := heapAfterGC()
		s, err := impl.Open()
		must(b, err)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		b.StartTimer()
		err = s.Load(1, p)
		b.StopTimer()
		total += time.Since(start)
		must(b, err)
		runtime.ReadMemStats(&m1)
		allocs += m1.Mallocs - m0.Mallocs
		bytes += m1.TotalAlloc - m0.TotalAlloc
		*keep = s
		st.StoredBytesPerRow = (float64(heapAfterGC()) - float64(before) + float64(s.OffHeapBytes())) / rows
	}
	n := float64(b.N) * rows
	st.NsPerRow = float64(total.Nanoseconds()) / n
	st.BytesPerRow = float64(bytes) / n
	st.AllocsPerRow = float64(allocs) / n
	b.ReportMetric(st.NsPerRow, "ns/row")
	b.ReportMetric(st.BytesPerRow, "B/row")
	b.ReportMetric(st.AllocsPerRow, "allocs/row")
	b.ReportMetric(st.StoredBytesPerRow, "stored-B/row")
	return st
}

// Case names one benchmark.
type Case struct {
	P    int64
	Impl string
	Op   string
	// Skip, when set, says why the case does not run.
	Skip string
	// Round counts the repeats of an op (from 0); see [Runner.Rounds].
	Round int
	// Once marks a case that times a fixed amount of work per b.N
	// iteration, long enough on its own (the steady-state window, a cliff
	// batch): run it with b.N = 1 (-benchtime 1x).
	Once bool
}

// Name is the sub-benchmark name: P=1000/memrel/Get.
func (c Case) Name() string { return fmt.Sprintf("P=%d/%s/%s", c.P, c.Impl, c.Op) }

// Runner walks every case: sizes, then operations, then rounds, then
// contenders. At sizes whose data sets fit in memory together (see
// InterleaveMax) it loads every contender's data set first and runs each
// operation on all contenders in turn, so a change in machine load between
// cases biases no ratio; above, it loads and measures one contender at a
// time and closes its store before the next. After a group's ops, while
// its data sets are still loaded, come the extra cases Fresh, Steady and
// Cliff ask for.
type Runner struct {
	Sizes []int64
	Impls []Impl
	// Ops selects operations by name (nil: all, Load included).
	Ops []string
	// InterleaveMax is the largest P measured interleaved (0: 10000).
	// Every testing.B run starts with a forced GC, which costs in
	// proportion to the live heap: holding four large stores at once
	// makes every case pay for all of them.
	InterleaveMax int64
	// Steps, when set, gives the steps each b.N iteration of an op times
	// (default 1). The report uses it to time many steps in a single
	// b.N = 1 run, so a large data set pays for one forced GC per case
	// rather than one per ramp-up round.
	Steps func(c Case) int64
	// Rounds repeats every op after the load this many times (0: once),
	// each round running it on every contender of the group in turn,
	// starting one further along each time, so a reader can take the
	// median of rounds measured side by side.
	Rounds int
	// Fresh adds the fresh-store cases at every size (see [OpenOp] and
	// [ForkOp]), selected by Ops as Open and Fork.
	Fresh bool
	// Steady, when set, adds the AddSteady case at every size (see
	// [SteadyWindow]), selected by Ops as AddSteady.
	Steady *SteadyWindow
	// Cliff, when set, adds the cliff cases at its size (see [Cliff]),
	// selected by Ops as Cliff.
	Cliff *Cliff
}

// runnerSlot is one contender's state at one size.
type runnerSlot struct {
	impl    Impl
	s       Store
	loadErr error
}

// ensure returns the slot's loaded store, loading it untimed when the Load
// case did not run.
func (sl *runnerSlot) ensure(b *testing.B, p int64) Store {
	b.Helper()
	s, err := sl.loaded(p)
	must(b, err)
	return s
}

// loaded is ensure outside a benchmark.
func (sl *runnerSlot) loaded(p int64) (Store, error) {
	if sl.s == nil && sl.loadErr == nil {
		if sl.s, sl.loadErr = sl.impl.Open(); sl.loadErr == nil {
			sl.loadErr = sl.s.Load(1, p)
		}
	}
	return sl.s, sl.loadErr
}

func (sl *runnerSlot) close() {
	if sl.s != nil {
		_ = sl.s.Close()
		sl.s = nil
	}
}

// warmHeap loads a data set of size p into a store of impl and throws it
// away. Measured alone, the first store that grows the heap to a size
// loads slower than every later one, even after the heap is given back to
// the OS (go-memdb at P = 1e6: 2.88 us/row first, 2.52 right after
// another contender). After this, every contender loads as a later one.
func warmHeap(impl Impl, p int64) {
	if s, err := impl.Open(); err == nil {
		_ = s.Load(1, p)
		_ = s.Close()
	}
	debug.FreeOSMemory()
}

// Each calls run for every case in order; run executes f as a benchmark
// (b.Run under go test, testing.Benchmark in the report). For the Load
// case, stats receives the load figures when f ran.
func (r *Runner) Each(run func(c Case, f func(b *testing.B)), stats func(c Case, st LoadStats)) {
	want := func(op string) bool { return r.Ops == nil || slices.Contains(r.Ops, op) }
	imax := r.InterleaveMax
	if imax == 0 {
		imax = 10_000
	}
	for _, p := range r.Sizes {
		var slots []*runnerSlot
		for _, impl := range r.Impls {
			if impl.MaxP > 0 && p > impl.MaxP {
				for _, op := range OpNames() {
					if want(op) {
						run(Case{P: p, Impl: impl.Name, Op: op, Skip: impl.SkipReason}, nil)
					}
				}
				continue
			}
			slots = append(slots, &runnerSlot{impl: impl})
		}
		groups := [][]*runnerSlot{slots}
		if p > imax {
			groups = nil
			for _, sl := range slots {
				groups = append(groups, []*runnerSlot{sl})
			}
			if want(LoadOp) && len(slots) > 0 {
				warmHeap(slots[0].impl, p)
			}
		}
		for _, g := range groups {
			if want(LoadOp) {
				for _, sl := range g {
					c := Case{P: p, Impl: sl.impl.Name, Op: LoadOp}
					run(c, func(b *testing.B) {
						st := benchLoad(b, sl.impl, p, &sl.s)
						if stats != nil {
							stats(c, st)
						}
					})
				}
			}
			for _, op := range Ops() {
				if !want(op.Name) {
					continue
				}
				for round := range max(r.Rounds, 1) {
					// Each round starts with the next contender, so no
					// one always runs first after another op.
					for i := range g {
						sl := g[(i+round)%len(g)]
						c := Case{P: p, Impl: sl.impl.Name, Op: op.Name, Round: round}
						steps := int64(1)
						if r.Steps != nil && !op.Parallel {
							steps = max(r.Steps(c), 1)
						}
						run(c, func(b *testing.B) {
							b.ReportAllocs()
							op.Run(b, sl.ensure(b, p), p, int64(b.N)*steps)
						})
					}
				}
			}
			r.extras(g, p, want, run)
			for _, sl := range g {
				sl.close()
			}
			// Give the freed heap back to the OS, so the next group
			// starts as this one did: a contender loaded after another
			// would otherwise reuse pages already faulted in, and load
			// faster than one that comes first.
			debug.FreeOSMemory()
		}
	}
}
