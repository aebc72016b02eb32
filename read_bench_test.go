package memrel_test

import (
	"strconv"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// obStore opens the benchmarks' store: posts posts with ten comments each.
func obStore(b *testing.B, posts int64) (*memrel.Store, *memrel.Model[obPost], *memrel.HasMany[obPost, obComment]) {
	return obStoreKids(b, int(posts), 10)
}

// obStoreKids opens a store of posts posts with kids comments each.
func obStoreKids(b *testing.B, posts, kids int) (*memrel.Store, *memrel.Model[obPost], *memrel.HasMany[obPost, obComment]) {
	b.Helper()
	s := memrel.NewSchema()
	pm := memrel.Define[obPost](s, "Post")
	cm := memrel.Define[obComment](s, "Comment")
	pc := memrel.NewHasMany(pm, cm, memrel.HasManyOptions{})
	db, err := s.Open()
	if err != nil {
		b.Fatal(err)
	}
	// A transaction per ten thousand rows keeps a big load's write state
	// small.
	step := max(1, 10000/max(kids, 1))
	for first := 0; first < posts; first += step {
		err = db.Update(func(tx *memrel.Txn) error {
			for i := first; i < min(first+step, posts); i++ {
				p, err := pm.Create(tx, obPost{Title: "t" + strconv.Itoa(i)})
				if err != nil {
					return err
				}
				for range kids {
					if _, err := cm.Create(tx, obComment{Body: "c", PostID: &p.ID}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db, pm, pc
}

// BenchmarkRead measures single reads on one open transaction, the path a
// shared read transaction must keep free of allocations: read runs them on
// a read transaction, write on a write transaction (which guards against a
// second goroutine).
func BenchmarkRead(b *testing.B) {
	const posts = 1000
	db, pm, pc := obStore(b, posts)
	for _, write := range []bool{false, true} {
		mode := "read"
		if write {
			mode = "write"
		}
		cases := []struct {
			name string
			op   func(tx *memrel.Txn, i int64) error
		}{
			{"FindByPK", func(tx *memrel.Txn, i int64) error {
				_, _, err := pm.FindByPK(tx, i%posts+1)
				return err
			}},
			{"FindAll", func(tx *memrel.Txn, i int64) error {
				_, err := pm.FindAll(tx, &memrel.Options{Where: query.Eq("id", i%posts+1)})
				return err
			}},
			{"Count", func(tx *memrel.Txn, i int64) error {
				_, err := pm.Count(tx, &memrel.Options{Where: query.Eq("id", i%posts+1)})
				return err
			}},
			{"Get", func(tx *memrel.Txn, i int64) error {
				_, err := pc.Get(tx, obPost{ID: i%posts + 1}, nil)
				return err
			}},
			{"AssocCount", func(tx *memrel.Txn, i int64) error {
				_, err := pc.Count(tx, obPost{ID: i%posts + 1}, nil)
				return err
			}},
			{"Has", func(tx *memrel.Txn, i int64) error {
				_, err := pc.Has(tx, obPost{ID: i%posts + 1}, obComment{ID: (i%posts)*10 + 1})
				return err
			}},
		}
		for _, c := range cases {
			b.Run(mode+"/"+c.name, func(b *testing.B) {
				tx := db.Begin(write)
				defer tx.Abort()
				b.ReportAllocs()
				b.ResetTimer()
				i := int64(0)
				for b.Loop() {
					if err := c.op(tx, i); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkRead_IncludeLimitPerParent reads 100 posts, each with three of
// its comments, at 100 and 1000 comments a post: the first three (each
// post's index walk stops after three, so the cost should not grow with
// the comments), the latest three (the walk goes on, keeping the last
// three in a ring), the top three by another field (a bounded top-k:
// every comment read and encoded once, none sorted). "all" loads every
// comment, for scale.
func BenchmarkRead_IncludeLimitPerParent(b *testing.B) {
	for _, kids := range []int{100, 1000} {
		db, pm, pc := obStoreKids(b, 100, kids)
		cases := []struct {
			name string
			inc  memrel.Include
		}{
			{"first3", memrel.Include{Assoc: pc, Limit: 3}},
			{"latest3", memrel.Include{Assoc: pc, Limit: 3, Order: []query.Order{query.Desc("id")}}},
			{"top3-by-body", memrel.Include{Assoc: pc, Limit: 3, Order: []query.Order{query.Desc("body")}}},
			{"first3-fields", memrel.Include{Assoc: pc, Limit: 3, Fields: []string{"id"}}},
			{"all", memrel.Include{Assoc: pc}},
		}
		for _, c := range cases {
			b.Run(c.name+"/children="+strconv.Itoa(kids), func(b *testing.B) {
				tx := db.Begin(false)
				defer tx.Abort()
				o := &memrel.Options{Include: []memrel.Include{c.inc}}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, err := pm.FindAll(tx, o); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
