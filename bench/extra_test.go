package bench

import (
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestForker_ForkIsIndependent checks that a fork starts with its origin's
// rows and that later writes on either side stay invisible to the other.
func TestForker_ForkIsIndependent(t *testing.T) {
	const p = 6
	forkers := 0
	for _, impl := range Impls() {
		s := openLoaded(t, impl, p)
		f, ok := s.(Forker)
		if !ok {
			continue
		}
		forkers++
		t.Run(impl.Name, func(t *testing.T) {
			want := snapshot(t, s, p)
			fk, err := f.Fork()
			if err != nil {
				t.Fatal(err)
			}
			defer fk.Close()
			if got := snapshot(t, fk, p); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("fork holds %v, origin %v", got, want)
			}
			if err := s.Add(2, 1); err != nil {
				t.Fatal(err)
			}
			if err := fk.Add(3, 21); err != nil {
				t.Fatal(err)
			}
			if got := snapshot(t, fk, p); !slices.Equal(got[1], origComments(2)) || !slices.Contains(got[2], 21) {
				t.Fatalf("fork after the writes: %v", got)
			}
			if got := snapshot(t, s, p); !slices.Contains(got[1], 1) || !slices.Equal(got[2], origComments(3)) {
				t.Fatalf("origin after the writes: %v", got)
			}
			if err := fk.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(1); err != nil {
				t.Fatalf("origin after the fork's Close: %v", err)
			}
		})
	}
	if forkers == 0 {
		t.Fatal("no contender forks")
	}
}

// TestSpreadComment_DistinctPosts checks that a batch of at most p
// comments takes each from another post, and at most p*K are distinct.
func TestSpreadComment_DistinctPosts(t *testing.T) {
	const p = 37
	posts, comments := map[int64]bool{}, map[int64]bool{}
	for i := int64(100); i < 100+p*K; i++ {
		c := spreadComment(i, p)
		if c < 1 || c > p*K {
			t.Fatalf("step %d: comment %d outside the data set", i, c)
		}
		if i < 100+p {
			posts[OrigPost(c)] = true
		}
		comments[c] = true
	}
	if len(posts) != p || len(comments) != p*K {
		t.Fatalf("%d posts in %d steps, %d comments in %d", len(posts), p, len(comments), p*K)
	}
}

// TestBatchOps_ReportPerRow checks the per-row figures of AddN and
// CreateN, with N capped at the data set's comments for AddN.
func TestBatchOps_ReportPerRow(t *testing.T) {
	withBenchtime(t, "3x")
	const p = 5
	s := openLoaded(t, Impls()[0], p)
	for _, tc := range []struct {
		run  func(b *testing.B, s Store, p, n int64)
		rows float64
	}{
		{benchAddN(10, nil), 10},
		{benchAddN(1000, nil), p * K},
		{benchCreateN(100, nil), 100},
	} {
		r := testing.Benchmark(func(b *testing.B) { tc.run(b, s, p, int64(b.N)) })
		if r.N == 0 || r.Extra["rows/op"] != tc.rows || r.Extra["ns/row"] <= 0 {
			t.Fatalf("N=%d, extra %v; want rows/op %v", r.N, r.Extra, tc.rows)
		}
	}
}

// TestRunner_Extras checks that the runner adds the fresh-store cases for
// every contender (Fork for the forkers only), AddSteady with a window
// that holds the GC cycles asked for, and the cliff cases at their size
// only, every one of them running, and that the collector is back on
// after the cliff.
func TestRunner_Extras(t *testing.T) {
	withBenchtime(t, "2x")
	r := &Runner{
		Sizes: []int64{20, 30}, Impls: Impls(), Ops: []string{OpenOp, ForkOp, SteadyOp, CliffOp},
		Fresh:  true,
		Steady: &SteadyWindow{Cycles: 2, Min: time.Millisecond, Max: time.Minute},
		Cliff:  &Cliff{P: 30, Sizes: []int64{10, 100}, Rows: 100},
	}
	gogc := debug.SetGCPercent(100)
	debug.SetGCPercent(gogc)
	got := map[string]testing.BenchmarkResult{}
	r.Each(func(c Case, f func(b *testing.B)) {
		if c.Skip != "" {
			t.Fatalf("%s skipped: %s", c.Name(), c.Skip)
		}
		if c.Once != (c.Op == SteadyOp || c.Op != OpenOp && c.Op != ForkOp) {
			t.Errorf("%s: Once %v", c.Name(), c.Once)
		}
		res := testing.Benchmark(f)
		if res.N == 0 {
			t.Fatalf("%s failed", c.Name())
		}
		got[c.Name()] = res
	}, nil)
	if now := debug.SetGCPercent(gogc); now != gogc {
		t.Errorf("GOGC %d after the cases, %d before", now, gogc)
	}
	var want []string
	for _, p := range r.Sizes {
		for _, impl := range Impls() {
			s, err := impl.Open()
			if err != nil {
				t.Fatal(err)
			}
			pre := Case{P: p, Impl: impl.Name}.Name()
			want = append(want, pre+OpenOp, pre+SteadyOp)
			if _, ok := s.(Forker); ok {
				want = append(want, pre+ForkOp)
			}
			if p == 30 {
				for _, n := range []int64{10, 100} {
					want = append(want, pre+CliffCase(AddNOp(n)), pre+CliffCase(CreateNOp(n)))
				}
			}
			_ = s.Close()
		}
	}
	var names []string
	for name := range got {
		names = append(names, name)
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("cases\n got %v\nwant %v", names, want)
	}
	for _, name := range names {
		res := got[name]
		t.Logf("%s: %v", name, res.Extra)
		if !strings.HasSuffix(name, "/"+SteadyOp) {
			continue
		}
		if res.Extra["ns/op"] <= 0 {
			t.Errorf("%s: %v", name, res.Extra)
		}
		// The go-memdb stores make garbage on every write; map moves in
		// place and the SQLite drivers keep their pages off the Go heap,
		// so they may never allocate enough for a cycle.
		if strings.Contains(name, "/memrel/") || strings.Contains(name, "/memdb/") {
			if res.Extra["gc-cycles"] < 2 || res.Extra["window-s"] <= 0 {
				t.Errorf("%s: %v", name, res.Extra)
			}
		}
	}
}
