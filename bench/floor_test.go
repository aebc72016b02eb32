package bench

import (
	"strconv"
	"testing"

	iradix "github.com/hashicorp/go-immutable-radix"
	"github.com/memrel/memrel/internal/keys"
)

// BenchmarkFloorCount is the floor under every go-memdb-based Count: the
// bare radix-tree walk over one post's entries of a foreign key index,
// with keys laid out as memrel's (foreign key, then primary key, each
// encoded by package index), no transaction, no store and nothing else in
// the heap. Run it beside Count at the same size:
//
//	go test -run '^$' -bench 'FloorCount|Suite/P=100000/(memrel|gorm)/Count$' -args -sizes=100000
func BenchmarkFloorCount(b *testing.B) {
	sizes, err := ParseSizes(*sizesFlag)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range sizes {
		b.Run("P="+strconv.FormatInt(p, 10), func(b *testing.B) {
			tx := iradix.New().Txn()
			for post := int64(1); post <= p; post++ {
				for c := FirstComment(post); c < FirstComment(post)+K; c++ {
					tx.Insert(keys.AppendInt(keys.AppendInt(nil, post), c), c)
				}
			}
			root := tx.Commit().Root()
			b.ResetTimer()
			n := 0
			for i := range int64(b.N) {
				it := root.Iterator()
				it.SeekPrefix(keys.AppendInt(nil, perm(i, p)+1))
				for _, _, ok := it.Next(); ok; _, _, ok = it.Next() {
					n++
				}
			}
			if n != b.N*K {
				b.Fatalf("counted %d entries in %d walks", n, b.N)
			}
		})
	}
}
