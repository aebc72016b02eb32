package bench

import (
	"bytes"
	"database/sql"
	"os"
	"testing"

	"github.com/memrel/memrel"
)

// loadPGP is the data set the memrelpg benchmarks below load: P = 1000.
const loadPGP = 1000

// skipWithoutPG skips b when no PostgreSQL server is named.
func skipWithoutPG(b *testing.B) {
	b.Helper()
	if os.Getenv(PGURLEnv) == "" {
		b.Skipf("%s names no PostgreSQL server", PGURLEnv)
	}
}

// BenchmarkMemrelPGLoad compares memrel's ways to fill an empty store on
// PostgreSQL with the data set of P = 1000, a new store per iteration
// (opened untimed): Create, the memrel contender's Load, a Create per row;
// BulkCreate, one per model; LoadSnapshot, a memory store's snapshot. The
// figures are per stored row, as the suite's Load.
func BenchmarkMemrelPGLoad(b *testing.B) {
	skipWithoutPG(b)
	mem, err := OpenMemrel()
	must(b, err)
	defer mem.Close()
	must(b, mem.Load(1, loadPGP))
	var snap bytes.Buffer
	must(b, mem.(*memrelStore).db.Save(&snap))
	loads := []struct {
		name string
		load func(m *memrelStore) error
	}{
		{"Create", func(m *memrelStore) error { return m.Load(1, loadPGP) }},
		{"BulkCreate", bulkLoad},
		{"LoadSnapshot", func(m *memrelStore) error { return m.db.LoadSnapshot(bytes.NewReader(snap.Bytes())) }},
	}
	for _, l := range loads {
		b.Run(l.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s, err := openMemrelPG(nil)
				must(b, err)
				b.StartTimer()
				must(b, l.load(s.Store.(*memrelStore)))
				b.StopTimer()
				must(b, s.Close())
				b.StartTimer()
			}
			reportRows(b, int64(b.N), loadPGP*(K+1))
		})
	}
}

// bulkLoad loads the data set of P = loadPGP with one BulkCreate of the
// posts, then one of the comments, in one transaction.
func bulkLoad(m *memrelStore) error {
	posts := make([]mrPost, 0, loadPGP)
	comments := make([]mrComment, 0, loadPGP*K)
	for p := int64(1); p <= loadPGP; p++ {
		posts = append(posts, mrPost{ID: p, Title: Title(p)})
		for c := FirstComment(p); c < FirstComment(p)+K; c++ {
			comments = append(comments, mrComment{ID: c, Body: Body(c), PostID: sql.Null[int64]{V: p, Valid: true}})
		}
	}
	return m.db.Update(func(tx *memrel.Txn) error {
		if _, err := m.posts.BulkCreate(tx, posts); err != nil {
			return err
		}
		_, err := m.comments.BulkCreate(tx, comments)
		return err
	})
}

// BenchmarkMemrelPGDestroy is the suite's Destroy on memrelpg at P = 1000,
// on tables as loaded (not analyzed yet, as the suite measures them) and
// after ANALYZE: the rules' cascade walk after the DELETE, a prepared
// children lookup ordered by the primary key with a LIMIT, gets a generic
// plan that reads the whole table until PostgreSQL has statistics (see
// RESULTS.md, Issue 18).
func BenchmarkMemrelPGDestroy(b *testing.B) {
	skipWithoutPG(b)
	for _, analyze := range []bool{false, true} {
		name := "loaded"
		if analyze {
			name = "analyzed"
		}
		b.Run(name, func(b *testing.B) {
			s, err := openMemrelPG(nil)
			must(b, err)
			defer s.Close()
			must(b, s.Load(1, loadPGP))
			if analyze {
				_, err := s.schema.pool.Exec(s.schema.ctx, "ANALYZE")
				must(b, err)
			}
			b.ReportAllocs()
			benchDestroy(b, s, loadPGP, int64(b.N))
		})
	}
}
