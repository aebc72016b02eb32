package bench

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
)

var sizesFlag = flag.String("sizes", "1000,100000", "comma-separated data set sizes P for BenchmarkSuite")

// BenchmarkSuite runs every case: go test -bench Suite -args -sizes=1000.
// Select cases with -bench 'Suite/P=1000/memrel/Get'.
func BenchmarkSuite(b *testing.B) { runSuite(b, nil) }

// runSuite runs every case of the sizes in -sizes as a sub-benchmark, each
// through wrap when it is not nil.
func runSuite(b *testing.B, wrap func(f func(*testing.B)) func(*testing.B)) {
	sizes, err := ParseSizes(*sizesFlag)
	if err != nil {
		b.Fatal(err)
	}
	r := &Runner{Sizes: sizes, Impls: Impls(), Fresh: true}
	r.Each(func(c Case, f func(*testing.B)) {
		if c.Skip != "" {
			b.Run(c.Name(), func(b *testing.B) { b.Skip(c.Skip) })
			return
		}
		if wrap != nil {
			f = wrap(f)
		}
		b.Run(c.Name(), f)
	}, nil)
}

// withBenchtime makes testing.Benchmark run n iterations (after its first
// single one) for the rest of the test.
func withBenchtime(t *testing.T, n string) {
	t.Helper()
	old := flag.Lookup("test.benchtime").Value.String()
	if err := flag.Set("test.benchtime", n); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("test.benchtime", old) })
}

func snapshot(t *testing.T, s Store, p int64) [][]int64 {
	t.Helper()
	var all [][]int64
	for post := int64(1); post <= p; post++ {
		ids, err := s.Children(post)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids)
	}
	return all
}

func openLoaded(t *testing.T, impl Impl, p int64) Store {
	t.Helper()
	s, err := impl.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Load(1, p); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOpsLeaveDataSet checks that every op undoes its writes, so later ops
// and sizes see the data set as loaded.
func TestOpsLeaveDataSet(t *testing.T) {
	withBenchtime(t, "23x")
	const p = 40
	for _, impl := range Impls() {
		t.Run(impl.Name, func(t *testing.T) {
			s := openLoaded(t, impl, p)
			want := snapshot(t, s, p)
			for post, ids := range want {
				if !slices.Equal(ids, origComments(int64(post)+1)) {
					t.Fatalf("post %d loaded with %v", post+1, ids)
				}
			}
			// AddSteady runs in the report only (see Runner.Steady); here
			// with a window of one GC cycle. It and the batches, which
			// undo every step, run 3 steps: GORM takes a minute for 23
			// under -race.
			steady := Op{Name: SteadyOp, Run: benchSteady(SteadyWindow{Cycles: 1, Min: time.Millisecond, Max: 10 * time.Second})}
			long := map[string]bool{SteadyOp: true}
			for _, op := range batchOps(batchSizes) {
				long[op.Name] = true
			}
			for _, op := range append(Ops(), steady) {
				if long[op.Name] {
					withBenchtime(t, "3x")
				}
				r := testing.Benchmark(func(b *testing.B) { op.Run(b, s, p, int64(b.N)) })
				if r.N == 0 {
					t.Fatalf("%s failed", op.Name)
				}
				if got := snapshot(t, s, p); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%s changed the data set:\n got %v\nwant %v", op.Name, got, want)
				}
			}
		})
	}
}

// TestSameSemantics runs one script on every contender and compares what
// each observes, so no contender skips work the others do.
func TestSameSemantics(t *testing.T) {
	const p = 6
	type step struct {
		name string
		run  func(s Store) (string, error)
	}
	str := func(n int, err error) (string, error) { return strconv.Itoa(n), err }
	// failed runs a step that must fail (and change nothing).
	failed := func(err error) (string, error) { return strconv.FormatBool(err != nil), nil }
	steps := []step{
		{"get", func(s Store) (string, error) { return str(s.Get(2)) }},
		{"count", func(s Store) (string, error) { return str(s.Count(2)) }},
		{"has", func(s Store) (string, error) { ok, err := s.Has(2, 11); return strconv.FormatBool(ok), err }},
		{"has other", func(s Store) (string, error) { ok, err := s.Has(2, 1); return strconv.FormatBool(ok), err }},
		{"add", func(s Store) (string, error) { return "", s.Add(2, 1) }},
		{"add again", func(s Store) (string, error) { return "", s.Add(2, 1) }},
		{"create", func(s Store) (string, error) { id, err := s.Create(3); return strconv.FormatInt(id, 10), err }},
		{"addN", func(s Store) (string, error) { return "", s.AddN(3, []int64{1, 22, 41}) }},
		{"addN missing", func(s Store) (string, error) { return failed(s.AddN(3, []int64{2, 9999})) }},
		{"createN", func(s Store) (string, error) { ids, err := s.CreateN(3, 2); return fmt.Sprint(ids), err }},
		{"createN missing", func(s Store) (string, error) { _, err := s.CreateN(99, 2); return failed(err) }},
		{"set", func(s Store) (string, error) { return "", s.Set(4, []int64{51, 52, 31}) }},
		{"remove", func(s Store) (string, error) { return "", s.Remove(2, 12) }},
		{"remove other", func(s Store) (string, error) { return "", s.Remove(2, 21) }},
		{"destroy", func(s Store) (string, error) { return "", s.Destroy(5) }},
		{"eager", func(s Store) (string, error) { return str(s.Eager(1, 4)) }},
		{"eager past end", func(s Store) (string, error) { return str(s.Eager(4, 100)) }},
		{"bulk", func(s Store) (string, error) { ids, err := s.Bulk([]int64{6, 1, 6}); return fmt.Sprint(ids), err }},
		{"bulk missing", func(s Store) (string, error) { _, err := s.Bulk([]int64{2, 5}); return failed(err) }},
		{"countMany", func(s Store) (string, error) {
			n, err := s.CountMany([]int64{2, 4, 5, 99, 6, 2})
			return fmt.Sprint(n), err
		}},
	}
	var ref []string
	for _, impl := range Impls() {
		t.Run(impl.Name, func(t *testing.T) {
			s := openLoaded(t, impl, p)
			var seen []string
			for _, st := range steps {
				out, err := st.run(s)
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				seen = append(seen, st.name+"="+out)
			}
			for post := int64(1); post <= p; post++ {
				ids, err := s.Children(post)
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, fmt.Sprint(post, ids))
			}
			if ref == nil {
				ref = seen
				return
			}
			if !slices.Equal(seen, ref) {
				t.Fatalf("%s differs from %s:\n got %v\nwant %v", impl.Name, Impls()[0].Name, seen, ref)
			}
		})
	}
}
