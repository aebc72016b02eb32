package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// K is the number of comments each post starts with.
const K = 10

// EagerN is the number of posts one eager load reads.
const EagerN = 100

// ManyN is the number of rows of one Bulk (comments created) and of one
// CountMany (posts counted).
const ManyN = 100

// Store is the workload Post hasMany Comment, implemented once per
// contender. Every method is one transaction: it sees a consistent state
// and, when it writes, commits before returning (or changes nothing and
// fails). Values cross the boundary as copies.
//
// The data set of size P holds posts 1..P; post p starts with comments
// (p-1)*K+1 .. p*K, so [OrigPost] gives any original comment's post.
// Comments have a nullable foreign key; deleting a post cascades to its
// comments.
type Store interface {
	// Load inserts posts first..first+n-1, each with its K comments, in
	// one write transaction.
	Load(first, n int64) error
	// Get returns copies of post's comments in primary key order (their
	// number is returned; the copies are discarded).
	Get(post int64) (int, error)
	// Count counts post's comments without copying them.
	Count(post int64) (int, error)
	// Has reports whether comment belongs to post.
	Has(post, comment int64) (bool, error)
	// Add moves comment to post (checking that post exists).
	Add(post, comment int64) error
	// Create inserts a new comment of post and returns its id.
	Create(post int64) (int64, error)
	// AddN moves every listed comment to post in one transaction,
	// checking that post and each comment exist.
	AddN(post int64, comments []int64) error
	// CreateN inserts n new comments of post in one transaction and
	// returns their ids in order.
	CreateN(post int64, n int) ([]int64, error)
	// Bulk inserts one new comment for each listed post, in one
	// all-or-nothing call (memrel's BulkCreate, a multi-row INSERT), and
	// returns their ids in input order; a missing post fails it whole.
	Bulk(posts []int64) ([]int64, error)
	// CountMany returns the number of comments of each listed post, in
	// order, in one read ("comments per post" for a page of posts); a
	// post that is not stored counts 0, as in a grouped SQL count.
	CountMany(posts []int64) ([]int, error)
	// Set makes comments exactly post's comments; the previous ones that
	// are not listed get a NULL foreign key.
	Set(post int64, comments []int64) error
	// Remove nulls comment's foreign key if it belongs to post.
	Remove(post, comment int64) error
	// Destroy deletes post; its comments go with it (ON DELETE CASCADE).
	Destroy(post int64) error
	// Eager loads posts first..first+n-1 with their comments and returns
	// how many comments it loaded.
	Eager(first int64, n int) (int, error)

	// DeleteComment deletes one comment; the benchmarks use it, untimed,
	// to undo Create.
	DeleteComment(id int64) error
	// Children lists post's comment ids in order, for the tests.
	Children(post int64) ([]int64, error)
	// OffHeapBytes is the memory the store holds outside the Go heap
	// (SQLite's pages), for the bytes-per-row figure.
	OffHeapBytes() int64
	// Close releases the store.
	Close() error
}

// Impl is one contender.
type Impl struct {
	Name string
	// Open returns a new, empty store.
	Open func() (Store, error)
	// MaxP is the largest data set it runs at (0: any); larger ones are
	// skipped with SkipReason.
	MaxP       int64
	SkipReason string
}

// Impls returns the contenders in report order: memrel first, then its
// baselines.
//
// The PostgreSQL contenders come last, when MEMREL_PG_URL names a server:
// memrel on its PostgreSQL engine, then its baselines there.
func Impls() []Impl {
	impls := []Impl{
		{Name: "memrel", Open: OpenMemrel},
		{Name: "memdb", Open: OpenMemdb},
		{Name: "sqlitec", Open: OpenSQLiteC},
		{Name: "sqlitego", Open: OpenSQLiteGo, MaxP: 100_000,
			SkipReason: "sqlitego skipped above P=100000: its driver compiles every statement again on each run, and loading 11M rows takes minutes"},
		{Name: "gorm", Open: OpenGorm, MaxP: 100_000,
			SkipReason: "GORM+SQLite skipped above P=100000: loading 11M rows through GORM takes minutes"},
		{Name: "map", Open: OpenMap},
	}
	if os.Getenv(PGURLEnv) != "" {
		impls = append(impls, Impl{Name: "memrelpg", Open: OpenMemrelPG, MaxP: 10_000,
			SkipReason: "memrelpg skipped above P=10000: its load writes row by row, several round trips a row"},
			Impl{Name: "pgx", Open: OpenPgx, MaxP: 100_000,
				SkipReason: "pgx skipped above P=100000: loading takes minutes"},
			Impl{Name: "gormpg", Open: OpenGormPG, MaxP: 100_000,
				SkipReason: "GORM+PostgreSQL skipped above P=100000: loading through GORM takes minutes"})
	}
	return impls
}

// OrigPost is the post an original comment was loaded under.
func OrigPost(comment int64) int64 { return (comment-1)/K + 1 }

// FirstComment is the id of the first comment post was loaded with.
func FirstComment(post int64) int64 { return (post-1)*K + 1 }

// Title and Body are the text columns, the same in every store.
func Title(post int64) string   { return "post " + strconv.FormatInt(post, 10) }
func Body(comment int64) string { return "comment " + strconv.FormatInt(comment, 10) }
func newBody(post int64) string { return "new comment on " + strconv.FormatInt(post, 10) }
func origComments(post int64) []int64 {
	ids := make([]int64, K)
	for i := range ids {
		ids[i] = FirstComment(post) + int64(i)
	}
	return ids
}

// perm maps step i to a pseudo-random index in [0, n): any n consecutive
// steps give n distinct indexes (the stride is a prime that divides none
// of the sizes), so a chunk of steps never touches one item twice, and
// steps spread over the whole data set as real traffic would.
func perm(i, n int64) int64 {
	const stride = 1_000_003
	return (i*stride + 12_345) % n
}

// ParseSizes reads a comma-separated list of sizes such as "1000,1e5".
func ParseSizes(s string) ([]int64, error) {
	var sizes []int64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v < 1 || v != float64(int64(v)) {
			return nil, fmt.Errorf("bad size %q", f)
		}
		sizes = append(sizes, int64(v))
	}
	return sizes, nil
}
