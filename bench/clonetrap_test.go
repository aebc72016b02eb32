package bench

import (
	"strconv"
	"testing"

	"github.com/hashicorp/go-memdb"
)

// BenchmarkMemdbReadBetweenWrites shows the go-memdb cost memrel's write
// path pays: a read of an index that the write transaction has already
// modified clones the index's radix transaction, which drops its cache of
// writable nodes, so the next insert copies its whole path again.
func BenchmarkMemdbReadBetweenWrites(b *testing.B) {
	for _, rows := range []int64{1000, 100_000} {
		for _, read := range []bool{false, true} {
			b.Run("rows="+strconv.FormatInt(rows, 10)+"/read="+strconv.FormatBool(read), func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					db, err := memdb.NewMemDB(mdSchema)
					must(b, err)
					txn := db.Txn(true)
					for id := int64(1); id <= rows; id++ {
						if read {
							if _, err := txn.First("comment", "id", id); err != nil {
								b.Fatal(err)
							}
						}
						must(b, txn.Insert("comment", &mdComment{ID: id, PostID: (id-1)/K + 1}))
					}
					txn.Commit()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*rows), "ns/row")
			})
		}
	}
}
