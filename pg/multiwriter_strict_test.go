package pg

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// The multi-writer test on the strict schema's unique columns and
// RESTRICT rules: writers on separate pools race to take the same names
// and slugs, to move books between authors, and to destroy or re-key
// authors that may have gained a book meanwhile. The rules' checks run
// before the database's, and another process's uncommitted row passes
// them: the database's unique index and foreign keys decide, and their
// violations must come back as memrel's typed errors.

// mwStrictTables are the strict tables the test writes, for the audit.
var mwStrictTables = []mwTable{{"Author", ""}, {"Book", "authorId"}, {"Review", "bookId"}, {"Post", ""}, {"Comment", "postId"}}

// mwStrictWorker runs n calls drawn by r on db, recording the destroys
// and re-keys that succeeded in l.
func mwStrictWorker(t *testing.T, m *fixture.StrictModels, db *memrel.Store, r *rand.Rand, n int, l *mwLog) {
	key := func() int64 { return 1 + r.Int64N(5) } // about as many rows as names
	id := func() int64 {
		if r.IntN(3) > 0 {
			return key()
		}
		return 0
	}
	name := func() string { return []string{"ann", "bob", "cy", "dee"}[r.IntN(4)] }
	slug := func() string { return []string{"a", "b", "c", "d"}[r.IntN(4)] }
	keys := func() []any {
		ks := make([]any, r.IntN(3))
		for i := range ks {
			ks[i] = key()
		}
		return ks
	}
	for range n {
		var what string
		var done func()
		var op func(tx *memrel.Txn) error
		switch c := r.IntN(12); c {
		case 0:
			what = "Author.Create"
			op = func(tx *memrel.Txn) error {
				_, err := m.Author.Create(tx, fixture.StrictAuthor{ID: id(), Name: name()})
				return err
			}
		case 1:
			k, v := key(), name()
			what = fmt.Sprintf("Author.Patch(%d, name %s)", k, v)
			op = func(tx *memrel.Txn) error { _, err := m.Author.Patch(tx, k, map[string]any{"name": v}); return err }
		case 2:
			k := key()
			what = fmt.Sprintf("Author.DestroyKey(%d)", k) // RESTRICT: fails while it has books
			op = func(tx *memrel.Txn) error { return m.Author.DestroyKey(tx, k) }
			done = func() { l.destroyed[mwKey{"Author", k}] = true }
		case 3:
			old := key()
			nw := 6 - old // within the range (3 onto itself): RESTRICT on update too
			what = fmt.Sprintf("Author re-key %d -> %d", old, nw)
			op = func(tx *memrel.Txn) error { _, err := m.Author.Patch(tx, old, map[string]any{"id": nw}); return err }
			done = func() { l.rekeyed[[2]mwKey{{"Author", old}, {"Author", nw}}] = true }
		case 4:
			a := key()
			what = "Book.Create"
			op = func(tx *memrel.Txn) error {
				_, err := m.Book.Create(tx, fixture.StrictBook{ID: id(), AuthorID: &a, Title: "t"})
				return err
			}
		case 5, 6, 7:
			a, ks := key(), keys()
			what = fmt.Sprintf("Books.%s(%d, %v)", [...]string{"Set", "Add", "Remove"}[c-5], a, ks)
			op = func(tx *memrel.Txn) error {
				src := fixture.StrictAuthor{ID: a}
				switch c {
				case 5:
					return m.Books.SetKeys(tx, src, ks, nil)
				case 6:
					return m.Books.AddKeys(tx, src, ks...)
				}
				return m.Books.RemoveKeys(tx, src, ks, nil)
			}
		case 8:
			k := key()
			what = fmt.Sprintf("Book.DestroyKey(%d)", k) // RESTRICT: fails while it has reviews
			op = func(tx *memrel.Txn) error { return m.Book.DestroyKey(tx, k) }
			done = func() { l.destroyed[mwKey{"Book", k}] = true }
		case 9:
			b := key()
			what = fmt.Sprintf("Review.Create(book %d)", b)
			op = func(tx *memrel.Txn) error {
				_, err := m.Review.Create(tx, fixture.StrictReview{BookID: b, Stars: 3})
				return err
			}
		case 10:
			what = "Post.Create"
			op = func(tx *memrel.Txn) error {
				_, err := m.Post.Create(tx, fixture.StrictPost{ID: id(), Slug: slug(), Title: "T"})
				return err
			}
		default:
			k := key()
			what = fmt.Sprintf("Post.DestroyKey(%d)", k) // its comments go with it (CASCADE)
			op = func(tx *memrel.Txn) error { return m.Post.DestroyKey(tx, k) }
			done = func() { l.destroyed[mwKey{"Post", k}] = true }
		}
		err := db.Update(op)
		class := "ok"
		if err != nil {
			if class = mwAllowed(err); class == "" {
				t.Errorf("%s: an error that is neither typed nor a retry: %v", what, err)
				class = "other"
			}
		} else if done != nil {
			l.add(done)
		}
		l.add(func() { l.errs[class]++ })
	}
}

// TestMultiWriter_UniqueAndRestrictRaces_TypedErrorsConstraintsHold:
// stores on separate pools over one schema race on unique names and
// slugs and on RESTRICT. Every error must be a typed one or a retry. At
// the end, checked with SQL: no name, slug or key is held twice, every
// foreign key references a row, and every row that left a table went by
// a successful call that removes it (a destroy of it, of the post of a
// comment, a re-key of it); no review ever goes, as nothing removes one.
func TestMultiWriter_UniqueAndRestrictRaces_TypedErrorsConstraintsHold(t *testing.T) {
	ctx := context.Background()
	conn := database(t)
	const ns = "mws"
	m := fixture.Strict(t)
	mwSchema(ctx, t, conn, ns, m.Schema, mwStrictTables, func(tx *memrel.Txn) error { return m.Seed(tx, 3) })

	l := &mwLog{destroyed: map[mwKey]bool{}, rekeyed: map[[2]mwKey]bool{}, errs: map[string]int{}}
	var mu sync.Mutex // the workers' calls, counted for the log
	calls := 0
	mwRun(ctx, t, conn, ns, m.Schema, func(db *memrel.Store, r *rand.Rand) {
		mwStrictWorker(t, m, db, r, mwOps, l)
		mu.Lock()
		calls += mwOps
		mu.Unlock()
	})
	t.Logf("%d calls: %v", calls, l.errs)
	require.Positive(t, l.errs["ok"], "no call succeeded")
	require.Positive(t, l.errs["unique"], "no race on a unique value was lost")
	require.Positive(t, l.errs["foreign key"], "no RESTRICT or missing parent was met")

	for _, tb := range mwStrictTables {
		mwNoDuplicates(ctx, t, conn, ns, tb.name, "id")
	}
	mwNoDuplicates(ctx, t, conn, ns, "Author", "name")
	mwNoDuplicates(ctx, t, conn, ns, "Post", "slug")
	mwNoOrphans(ctx, t, conn, ns, "Book", "authorId", "Author", "id")
	mwNoOrphans(ctx, t, conn, ns, "Review", "bookId", "Book", "id")
	mwNoOrphans(ctx, t, conn, ns, "Comment", "postId", "Post", "id")

	var unexplained []string
	for _, g := range mwGone(ctx, t, conn) {
		k := mwKey{g.table, g.id}
		switch {
		case g.newID != nil && l.rekeyed[[2]mwKey{k, {g.table, *g.newID}}]:
		case g.newID == nil && l.destroyed[k]:
		case g.newID == nil && g.table == "Comment" && g.parent != nil && l.destroyed[mwKey{"Post", *g.parent}]:
		default:
			unexplained = append(unexplained, fmt.Sprintf("%s %d (parent %v, new key %v)", g.table, g.id, deref(g.parent), deref(g.newID)))
		}
	}
	sort.Strings(unexplained)
	require.Empty(t, unexplained, "rows that no successful call removed are gone")
}
