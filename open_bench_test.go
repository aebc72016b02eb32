package memrel_test

import (
	"fmt"
	"testing"

	"github.com/memrel/memrel"
)

// Local shape: the benchmarks' two-model schema (Open's allocation count
// in the commit history is measured on it), smaller than fixture.Blog.
type obPost struct {
	ID       int64
	Title    string `memrel:"title,unique"`
	Comments []obComment
}

type obComment struct {
	ID     int64
	Body   string
	PostID *int64
}

// BenchmarkOpen measures a fresh store from an opened schema: the cost of
// one store per test.
func BenchmarkOpen(b *testing.B) {
	s := memrel.NewSchema()
	posts := memrel.Define[obPost](s, "Post")
	comments := memrel.Define[obComment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	if _, err := s.Open(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Open(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFork measures Store.Fork of a loaded store, alone and with the
// fork's Close, at P posts with ten comments each: its cost must not
// depend on P (the bench module's fresh-store table runs the same beside
// the other contenders). Loading P = 1e6 takes a few minutes.
func BenchmarkFork(b *testing.B) {
	for _, p := range []int64{1000, 1000000} {
		db, _, _ := obStore(b, p)
		for _, close := range []bool{false, true} {
			name := fmt.Sprintf("P=%d", p)
			if close {
				name += "/close"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f, err := db.Fork()
					if err != nil {
						b.Fatal(err)
					}
					if close {
						if err := f.Close(); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
