package memrel_test

import (
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
