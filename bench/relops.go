package bench

import (
	"fmt"
	"runtime/debug"
	"slices"
	"testing"
)

// RelOp is one measured operation of the relations workload on a loaded
// data set of size p; like [Op], Run times n steps and undoes its writes
// outside the timed region.
type RelOp struct {
	Name string
	Run  func(b *testing.B, s RelStore, p, n int64)
}

// RelFamily names every op of the relations workload at once in a
// Runner's or the report's op list.
const RelFamily = "Rel"

// RelOps returns the relations workload's ops: reads, then writes.
func RelOps() []RelOp {
	return []RelOp{
		{Name: "OneGet", Run: benchOneGet},
		{Name: "TagsGet", Run: benchTagsGet},
		{Name: "TagsCount", Run: benchTagsCount},
		{Name: "TagsHas", Run: benchFound(RelStore.TagsHas)},
		{Name: "KeyGet", Run: benchFound(RelStore.KeyGet)},
		{Name: "TagsAdd", Run: benchTagsAdd},
		{Name: "TagsRemove", Run: benchTagsRemove},
		{Name: "PostDestroy", Run: benchPostDestroy},
	}
}

// RelOpNames lists the relations workload's ops in report order.
func RelOpNames() []string {
	var names []string
	for _, o := range RelOps() {
		names = append(names, o.Name)
	}
	return names
}

// relStep is step i's post and its tag i%KT in the data set of size p.
func relStep(i, p int64) (post, tag int64) {
	post = perm(i, p) + 1
	return post, TagOf(p, post, i%KT)
}

func benchOneGet(b *testing.B, s RelStore, p, n int64) {
	b.ResetTimer()
	for i := range n {
		post := perm(i, p) + 1
		id, ok, err := s.OneGet(post)
		must(b, err)
		if !ok || id != ProfileID(post) {
			b.Fatalf("OneGet(%d) = %d, %v", post, id, ok)
		}
	}
}

func benchTagsGet(b *testing.B, s RelStore, p, n int64) {
	buf := make([]int64, 0, 2*KT)
	b.ResetTimer()
	for i := range n {
		ids, err := s.TagsGet(perm(i, p)+1, buf[:0])
		must(b, err)
		if len(ids) != KT {
			b.Fatalf("TagsGet: %v", ids)
		}
	}
}

func benchTagsCount(b *testing.B, s RelStore, p, n int64) {
	b.ResetTimer()
	for i := range n {
		k, err := s.TagsCount(perm(i, p) + 1)
		must(b, err)
		if k != KT {
			b.Fatalf("TagsCount: %d", k)
		}
	}
}

// benchFound times a lookup of step i's pair that must find it.
func benchFound(find func(s RelStore, post, tag int64) (bool, error)) func(b *testing.B, s RelStore, p, n int64) {
	return func(b *testing.B, s RelStore, p, n int64) {
		b.ResetTimer()
		for i := range n {
			post, tag := relStep(i, p)
			ok, err := find(s, post, tag)
			must(b, err)
			if !ok {
				b.Fatalf("pair (%d, %d) not found", post, tag)
			}
		}
	}
}

// benchTagsAdd gives a post the one tag of its stride it lacks; Remove
// undoes it.
func benchTagsAdd(b *testing.B, s RelStore, p, n int64) {
	extra := func(i int64) (int64, int64) {
		post := perm(i, p) + 1
		return post, TagOf(p, post, KT)
	}
	chunked(b, n, chunk(p),
		func(i int64) { must(b, s.TagsAdd(extra(i))) },
		func(from, to int64) {
			for i := from; i < to; i++ {
				must(b, s.TagsRemove(extra(i)))
			}
		})
}

// benchTagsRemove removes one of a post's tags; Add undoes it.
func benchTagsRemove(b *testing.B, s RelStore, p, n int64) {
	chunked(b, n, chunk(p),
		func(i int64) { must(b, s.TagsRemove(relStep(i, p))) },
		func(from, to int64) {
			for i := from; i < to; i++ {
				must(b, s.TagsAdd(relStep(i, p)))
			}
		})
}

// benchPostDestroy deletes a post, cascading to its profile and KT join
// rows; Restore undoes it.
func benchPostDestroy(b *testing.B, s RelStore, p, n int64) {
	chunked(b, n, chunk(p),
		func(i int64) { must(b, s.PostDestroy(perm(i, p)+1)) },
		func(from, to int64) {
			for i := from; i < to; i++ {
				must(b, s.Restore(p, perm(i, p)+1))
			}
		})
}

// RelRunner walks the relations workload's cases as [Runner] does the
// main one's: sizes, then ops, then rounds, then contenders. The data
// sets are small (P posts, tags and profiles and KT*P join rows), so at
// every size each contender's is loaded, untimed, before the first op
// and every op runs on all contenders in turn.
type RelRunner struct {
	Sizes []int64
	Impls []RelImpl
	// Ops selects ops by name, RelFamily selecting all (nil: all).
	Ops []string
	// Rounds and Steps are [Runner.Rounds] and [Runner.Steps].
	Rounds int
	Steps  func(c Case) int64
}

// Each calls run for every case in order; run executes f as a benchmark.
// A data set that fails to load fails every case of its contender.
func (r *RelRunner) Each(run func(c Case, f func(b *testing.B))) {
	want := func(op string) bool {
		return r.Ops == nil || slices.Contains(r.Ops, op) || slices.Contains(r.Ops, RelFamily)
	}
	if !slices.ContainsFunc(RelOpNames(), want) {
		return // no data set to load
	}
	for _, p := range r.Sizes {
		stores := make([]RelStore, len(r.Impls))
		errs := make([]error, len(r.Impls))
		for i, impl := range r.Impls {
			stores[i], errs[i] = loadRel(impl, p)
		}
		for _, op := range RelOps() {
			if !want(op.Name) {
				continue
			}
			for round := range max(r.Rounds, 1) {
				for j := range r.Impls {
					i := (j + round) % len(r.Impls)
					c := Case{P: p, Impl: r.Impls[i].Name, Op: op.Name, Round: round}
					steps := int64(1)
					if r.Steps != nil {
						steps = max(r.Steps(c), 1)
					}
					run(c, func(b *testing.B) {
						b.ReportAllocs()
						must(b, errs[i])
						op.Run(b, stores[i], p, int64(b.N)*steps)
					})
				}
			}
		}
		for _, s := range stores {
			if s != nil {
				_ = s.Close()
			}
		}
		debug.FreeOSMemory()
	}
}

// loadRel opens a store of impl and loads the data set of size p.
func loadRel(impl RelImpl, p int64) (RelStore, error) {
	if p <= KT {
		return nil, fmt.Errorf("relations data set of size %d: needs more than %d posts", p, KT)
	}
	s, err := impl.Open()
	if err != nil {
		return nil, err
	}
	if err := s.Load(p); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%s: load %d: %w", impl.Name, p, err)
	}
	return s, nil
}
