package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
)

// BenchmarkCreate measures Model.Create of rows with auto-increment keys:
// one per write transaction, and a thousand per write transaction.
func BenchmarkCreate(b *testing.B) {
	s := memrel.NewSchema()
	posts := memrel.Define[obPost](s, "Post")
	comments := memrel.Define[obComment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	for _, batch := range []int{1, 1000} {
		name := map[int]string{1: "txn-each", 1000: "txn-per-1000"}[batch]
		b.Run(name, func(b *testing.B) {
			db, err := s.Open()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := db.Update(func(tx *memrel.Txn) error {
					for range batch {
						if _, err := comments.Create(tx, obComment{Body: "x"}); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
