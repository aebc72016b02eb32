package bench

import (
	"strconv"
	"testing"
)

// batchSizes are the N of the AddN and CreateN ops in [Ops].
var batchSizes = []int64{10, 100, 1000}

// batchOps returns AddN<N> then CreateN<N> for every N of sizes.
func batchOps(sizes []int64) []Op {
	var ops []Op
	for _, n := range sizes {
		ops = append(ops, Op{Name: AddNOp(n), Run: benchAddN(n, nil)})
	}
	for _, n := range sizes {
		ops = append(ops, Op{Name: CreateNOp(n), Run: benchCreateN(n, nil)})
	}
	return ops
}

// AddNOp is the name of the op moving n comments in one transaction.
func AddNOp(n int64) string { return "AddN" + strconv.FormatInt(n, 10) }

// CreateNOp is the name of the op creating n comments in one transaction.
func CreateNOp(n int64) string { return "CreateN" + strconv.FormatInt(n, 10) }

// spreadComment is the comment of flat step i: any p consecutive steps
// give comments of p different posts, any p*K of p*K different comments.
// (perm's stride is prime to p, so the post, x mod p, repeats only after
// p steps.)
func spreadComment(i, p int64) int64 {
	x := perm(i, p*K)
	return FirstComment(x%p+1) + x/p
}

// reportRows adds the per-row figures of n steps of rows rows each:
// ns/row, and rows/op, the rows per b.N iteration (n*rows/b.N), by which
// the report divides the run's time and allocations.
func reportRows(b *testing.B, n, rows int64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*rows), "ns/row")
	b.ReportMetric(float64(n*rows)/float64(b.N), "rows/op")
}

// benchAddN moves rows comments of as many different posts (fewer when
// the data set has fewer posts; never more than it has comments) to one
// post per step, in one AddN. The moves are undone outside the timed
// region, one Add per comment, after at most chunk(p) rows; settle, if
// set, runs after each undo.
func benchAddN(rows int64, settle func()) func(b *testing.B, s Store, p, n int64) {
	return func(b *testing.B, s Store, p, n int64) {
		rows := min(rows, p*K)
		ids := make([]int64, rows)
		chunked(b, n, max(chunk(p)/rows, 1),
			func(i int64) {
				for j := range ids {
					ids[j] = spreadComment(i*rows+int64(j), p)
				}
				must(b, s.AddN(perm(i, p)+1, ids))
			},
			func(from, to int64) {
				for f := from * rows; f < to*rows; f++ {
					c := spreadComment(f, p)
					must(b, s.Add(OrigPost(c), c))
				}
				if settle != nil {
					settle()
				}
			})
		reportRows(b, n, rows)
	}
}

// benchCreateN creates rows comments under one post per step, in one
// CreateN; they are deleted outside the timed region after at most
// chunk(p) rows, and settle, if set, runs after each deletion.
func benchCreateN(rows int64, settle func()) func(b *testing.B, s Store, p, n int64) {
	return func(b *testing.B, s Store, p, n int64) {
		var made []int64
		chunked(b, n, max(chunk(p)/rows, 1),
			func(i int64) {
				ids, err := s.CreateN(perm(i, p)+1, int(rows))
				must(b, err)
				made = append(made, ids...)
			},
			func(_, _ int64) {
				made = deleteMade(b, s, made)
				if settle != nil {
					settle()
				}
			})
		reportRows(b, n, rows)
	}
}

// manyPosts fills posts with the ManyN posts of step i: distinct within a
// step when the data set has that many, spread over all of it.
func manyPosts(posts []int64, i, p int64) {
	for j := range posts {
		posts[j] = perm(i*int64(len(posts))+int64(j), p) + 1
	}
}

// benchBulk creates ManyN comments of as many different posts per step,
// in one Bulk; they are deleted outside the timed region after at most
// chunk(p) rows. Its figures are per row, as CreateN's.
func benchBulk(b *testing.B, s Store, p, n int64) {
	posts := make([]int64, ManyN)
	var made []int64
	chunked(b, n, max(chunk(p)/ManyN, 1),
		func(i int64) {
			manyPosts(posts, i, p)
			ids, err := s.Bulk(posts)
			must(b, err)
			made = append(made, ids...)
		},
		func(_, _ int64) { made = deleteMade(b, s, made) })
	reportRows(b, n, ManyN)
}

// deleteMade deletes the comments a batch created, untimed, and returns
// made emptied for the next chunk.
func deleteMade(b *testing.B, s Store, made []int64) []int64 {
	for _, id := range made {
		must(b, s.DeleteComment(id))
	}
	return made[:0]
}
