package pg

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// Several processes writing one database: stores opened by pg.Open on
// separate pools over one schema, their goroutines running conflicting
// hasMany writes on a few overlapping keys of the blog (Post 1-n Comment
// SET NULL, Comment 1-n Reply NOT NULL CASCADE, Reply 1-n Like SET NULL;
// every onUpdate CASCADE). Afterwards the database must hold what the
// successful calls made of it, and only that.

const (
	mwStores  = 4   // pools, as many processes
	mwWorkers = 2   // goroutines per store (memrel lets one writer in at a time)
	mwOps     = 150 // calls per goroutine
	mwKeys    = 12  // rows seeded per table; keys are drawn from twice as many
)

// mwTable is a table with the column holding each row's parent key (""
// for none), for the audit trigger.
type mwTable struct{ name, parent string }

// mwTables are the blog's tables.
var mwTables = []mwTable{
	{"Post", ""}, {"Comment", "postId"}, {"Reply", "commentId"}, {"Like", "replyId"},
}

// mwAudit makes PostgreSQL record every row that leaves a table of schema
// ns in a table of its own schema: a DELETE (with the parent key the row
// held then, cascades included) or an UPDATE of the key. A call's records
// roll back with it, so what the table holds at the end is what the
// committed calls removed. It lives in a schema apart, where the blog's
// stores never look.
func mwAudit(ctx context.Context, t *testing.T, conn *pgx.Conn, ns string, tables []mwTable) {
	t.Helper()
	stmts := []string{
		"CREATE SCHEMA audit",
		`CREATE TABLE audit.gone (tbl text NOT NULL, id bigint NOT NULL, parent bigint, new_id bigint)`,
		`CREATE FUNCTION audit.log() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'DELETE' THEN
				INSERT INTO audit.gone VALUES (TG_TABLE_NAME, OLD.id,
					CASE WHEN TG_ARGV[0] = '' THEN NULL ELSE (to_jsonb(OLD)->>TG_ARGV[0])::bigint END, NULL);
				RETURN OLD;
			END IF;
			IF OLD.id <> NEW.id THEN
				INSERT INTO audit.gone VALUES (TG_TABLE_NAME, OLD.id, NULL, NEW.id);
			END IF;
			RETURN NEW;
		END $$`,
	}
	for _, tb := range tables {
		stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER audit AFTER DELETE OR UPDATE ON %s.%s FOR EACH ROW EXECUTE FUNCTION audit.log('%s')`,
			ns, quote(tb.name), tb.parent))
	}
	for _, s := range stmts {
		_, err := conn.Exec(ctx, s)
		require.NoError(t, err, s)
	}
}

// mwKey is a row of a table.
type mwKey struct {
	table string
	id    int64
}

// mwLog is what the successful calls did that may remove a row: destroy
// a row, re-key one, or un-associate (delete, the foreign key being NOT
// NULL) a comment's replies; and every row a call created.
type mwLog struct {
	mu        sync.Mutex
	created   map[mwKey]bool
	destroyed map[mwKey]bool
	rekeyed   map[[2]mwKey]bool
	// unlinked[c] holds the replies a successful Remove on comment c
	// listed; setOf[c] the lists of every successful Replies.Set on c.
	unlinked map[int64]map[int64]bool
	setOf    map[int64][][]int64
	errs     map[string]int // error classes met, for the log
}

func (l *mwLog) add(fn func()) { l.mu.Lock(); defer l.mu.Unlock(); fn() }

// mwAllowed classes a call's error: the typed errors of the constraints
// (unique, foreign key, NOT NULL) and of a missing row, and memrel.ErrRetry
// (PostgreSQL's serialization failure or deadlock, 40001 or 40P01, or a
// row another client changed since the call read it), which a caller
// retries. "" is any other.
func mwAllowed(err error) string {
	var ue *memrel.UniqueConstraintError
	var fe *memrel.ForeignKeyConstraintError
	var ve *memrel.ValidationError
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ve):
		return "validation"
	case errors.Is(err, memrel.ErrNotFound):
		return "not found"
	case errors.As(err, &ue):
		return "unique"
	case errors.As(err, &fe):
		return "foreign key"
	case errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01"):
		return "retry " + pe.Code
	case errors.Is(err, memrel.ErrRetry):
		return "retry"
	}
	return ""
}

// mwWorker runs n calls drawn by r on db, each a managed Update of its
// own, recording the successful ones in l.
func mwWorker(t *testing.T, b *fixture.BlogModels, db *memrel.Store, r *rand.Rand, n int, l *mwLog) {
	// Mostly the seeded keys, sometimes those re-keys move rows to.
	key := func() int64 {
		if r.IntN(4) == 0 {
			return mwKeys + 1 + r.Int64N(mwKeys)
		}
		return 1 + r.Int64N(mwKeys)
	}
	maybe := func() *int64 { // a parent key, or none
		if r.IntN(4) == 0 {
			return nil
		}
		k := key()
		return &k
	}
	id := func() int64 { // explicit keys refill the range, and collide with drawn ones
		if r.IntN(4) > 0 {
			return key()
		}
		return 0
	}
	keys := func() []any {
		ks := make([]any, r.IntN(3))
		for i := range ks {
			ks[i] = key()
		}
		return ks
	}
	ints := func(ks []any) []int64 {
		out := make([]int64, len(ks))
		for i, k := range ks {
			out[i] = k.(int64)
		}
		return out
	}
	for range n {
		var name string
		var done func() // records the call's effects once it committed
		var op func(tx *memrel.Txn) error
		switch c := r.IntN(17); c {
		case 0, 1, 2, 3:
			table := mwTables[c].name
			var created int64
			name = "create " + table
			op = func(tx *memrel.Txn) (err error) {
				switch c {
				case 0:
					var v fixture.Post
					v, err = b.Post.Create(tx, fixture.Post{ID: id(), Title: "p"})
					created = v.ID
				case 1:
					var v fixture.Comment
					v, err = b.Comment.Create(tx, fixture.Comment{ID: id(), Body: "c", PostID: maybe()})
					created = v.ID
				case 2:
					var v fixture.Reply
					v, err = b.Reply.Create(tx, fixture.Reply{ID: id(), Text: "r", CommentID: key()})
					created = v.ID
				default:
					var v fixture.Like
					v, err = b.Like.Create(tx, fixture.Like{ID: id(), Who: "l", ReplyID: maybe()})
					created = v.ID
				}
				return err
			}
			done = func() { l.created[mwKey{table, created}] = true }
		case 4:
			var created int64
			p := key()
			name = fmt.Sprintf("Comments.Create(%d)", p)
			op = func(tx *memrel.Txn) error {
				v, err := b.Comments.Create(tx, fixture.Post{ID: p}, fixture.Comment{Body: "via"})
				created = v.ID
				return err
			}
			done = func() { l.created[mwKey{"Comment", created}] = true }
		case 5:
			var created int64
			cm := key()
			name = fmt.Sprintf("Replies.Create(%d)", cm)
			op = func(tx *memrel.Txn) error {
				v, err := b.Replies.Create(tx, fixture.Comment{ID: cm}, fixture.Reply{Text: "via"})
				created = v.ID
				return err
			}
			done = func() { l.created[mwKey{"Reply", created}] = true }
		case 6, 7, 8:
			p, ks := key(), keys()
			name = fmt.Sprintf("Comments.%s(%d, %v)", [...]string{"Set", "Add", "Remove"}[c-6], p, ks)
			op = func(tx *memrel.Txn) error {
				switch c {
				case 6:
					return b.Comments.SetKeys(tx, fixture.Post{ID: p}, ks, nil)
				case 7:
					return b.Comments.AddKeys(tx, fixture.Post{ID: p}, ks...)
				}
				return b.Comments.RemoveKeys(tx, fixture.Post{ID: p}, ks, nil)
			}
		case 9, 10, 11:
			cm, ks := key(), keys()
			name = fmt.Sprintf("Replies.%s(%d, %v)", [...]string{"Set", "Add", "Remove"}[c-9], cm, ks)
			op = func(tx *memrel.Txn) error {
				switch c {
				case 9:
					return b.Replies.SetKeys(tx, fixture.Comment{ID: cm}, ks, nil)
				case 10:
					return b.Replies.AddKeys(tx, fixture.Comment{ID: cm}, ks...)
				}
				return b.Replies.RemoveKeys(tx, fixture.Comment{ID: cm}, ks, nil)
			}
			switch c {
			case 9: // every reply of cm not listed goes
				done = func() { l.setOf[cm] = append(l.setOf[cm], ints(ks)) }
			case 11:
				done = func() {
					if l.unlinked[cm] == nil {
						l.unlinked[cm] = map[int64]bool{}
					}
					for _, k := range ints(ks) {
						l.unlinked[cm][k] = true
					}
				}
			}
		case 12, 13, 14:
			table := mwTables[c-12].name
			k := key()
			name = fmt.Sprintf("destroy %s %d", table, k)
			op = func(tx *memrel.Txn) error {
				switch c {
				case 12:
					return b.Post.DestroyKey(tx, k)
				case 13:
					return b.Comment.DestroyKey(tx, k)
				}
				return b.Reply.DestroyKey(tx, k)
			}
			done = func() { l.destroyed[mwKey{table, k}] = true }
		default:
			table := mwTables[c-15].name
			old := key()
			nw := old + mwKeys // between the seeded range and the one above
			if old > mwKeys {
				nw = old - mwKeys
			}
			name = fmt.Sprintf("re-key %s %d -> %d", table, old, nw)
			op = func(tx *memrel.Txn) (err error) {
				if c == 15 {
					_, err = b.Post.UpdateKey(tx, old, fixture.Post{ID: nw, Title: "moved"})
				} else {
					_, err = b.Comment.UpdateKey(tx, old, fixture.Comment{ID: nw, Body: "moved", PostID: maybe()})
				}
				return err
			}
			done = func() {
				l.rekeyed[[2]mwKey{{table, old}, {table, nw}}] = true
				l.created[mwKey{table, nw}] = true
			}
		}
		err := db.Update(op)
		if err != nil {
			class := mwAllowed(err)
			if class == "" {
				t.Errorf("%s: an error that is neither typed nor a retry: %v", name, err)
				class = "other"
			}
			l.add(func() { l.errs[class]++ })
			continue
		}
		l.add(func() {
			l.errs["ok"]++
			if done != nil {
				done()
			}
		})
	}
}

// TestMultiWriter_ConflictingHasManyWrites_NothingLostNothingInvented:
// stores on separate pools over one schema run conflicting writes
// concurrently. Every error must be a typed one or a retry. At the end,
// checked with SQL: every foreign key references a row and every key is
// unique; every row that left a table (the audit's record) went by a
// successful call that removes it (a destroy of it or of the parent it
// held, a re-key of it, a Set or Remove of its parent that let it go);
// every row a successful call created is there or went so; and every row
// there was created by a successful call.
func TestMultiWriter_ConflictingHasManyWrites_NothingLostNothingInvented(t *testing.T) {
	ctx := context.Background()
	conn := database(t)
	const ns = "mw"
	b := fixture.Blog(t, fixture.BlogOptions{})
	mwSchema(ctx, t, conn, ns, b.Schema, mwTables, func(tx *memrel.Txn) error { return mwSeed(b, tx) })

	l := &mwLog{created: map[mwKey]bool{}, destroyed: map[mwKey]bool{}, rekeyed: map[[2]mwKey]bool{},
		unlinked: map[int64]map[int64]bool{}, setOf: map[int64][][]int64{}, errs: map[string]int{}}
	mwRun(ctx, t, conn, ns, b.Schema, func(db *memrel.Store, r *rand.Rand) { mwWorker(t, b, db, r, mwOps, l) })
	t.Logf("%d calls: %v", mwStores*mwWorkers*mwOps, l.errs)
	require.Positive(t, l.errs["ok"], "no call succeeded")
	for i := range mwKeys { // the seed's rows count as created
		for _, tb := range mwTables {
			l.created[mwKey{tb.name, int64(i + 1)}] = true
		}
	}

	// The constraints hold: no orphan, no duplicate key.
	for i, tb := range mwTables {
		mwNoDuplicates(ctx, t, conn, ns, tb.name, "id")
		if i > 0 {
			mwNoOrphans(ctx, t, conn, ns, tb.name, tb.parent, mwTables[i-1].name, "id")
		}
	}

	// Every row that went, went by a successful call.
	gone := map[mwKey]bool{}
	var unexplained []string
	for _, g := range mwGone(ctx, t, conn) {
		k := mwKey{g.table, g.id}
		gone[k] = true
		if g.newID != nil {
			if !l.rekeyed[[2]mwKey{k, {g.table, *g.newID}}] {
				unexplained = append(unexplained, fmt.Sprintf("%s %d re-keyed to %d", g.table, g.id, *g.newID))
			}
			continue
		}
		if l.destroyed[k] {
			continue
		}
		if g.table == "Reply" && g.parent != nil && l.replyLetGo(*g.parent, g.id) {
			continue
		}
		unexplained = append(unexplained, fmt.Sprintf("%s %d deleted (parent %v)", g.table, g.id, deref(g.parent)))
	}
	sort.Strings(unexplained)
	require.Empty(t, unexplained, "rows that no successful call removed are gone")

	// Every created row is there or went; every row there was created.
	present := map[mwKey]bool{}
	for _, tb := range mwTables {
		rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT id FROM %s.%s`, ns, quote(tb.name)))
		require.NoError(t, err)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		for _, id := range ids {
			k := mwKey{tb.name, id}
			present[k] = true
			require.True(t, l.created[k], "%s %d is there, but no successful call created it", tb.name, id)
		}
	}
	var lost []string
	for k := range l.created {
		if !present[k] && !gone[k] {
			lost = append(lost, fmt.Sprintf("%s %d", k.table, k.id))
		}
	}
	sort.Strings(lost)
	require.Empty(t, lost, "created rows neither there nor recorded gone")
}

// mwSchema creates schema ns in conn's database with s's tables, the
// audit of tables, and the rows seed writes.
func mwSchema(ctx context.Context, t *testing.T, conn *pgx.Conn, ns string, s *memrel.Schema, tables []mwTable, seed func(tx *memrel.Txn) error) {
	t.Helper()
	pool, err := schemaPool(ctx, conn, ns, 2)
	require.NoError(t, err)
	defer pool.Close()
	require.NoError(t, Create(ctx, pool, s))
	mwAudit(ctx, t, conn, ns, tables)
	db, err := Open(ctx, pool, s)
	require.NoError(t, err)
	require.NoError(t, db.Update(seed))
	require.NoError(t, db.Close())
}

// mwRun opens mwStores stores of s, each on a pool of its own over the
// schema ns of conn's database, and runs mwWorkers goroutines on each,
// each calling work with its store and a generator seeded by its number;
// it returns when all have.
func mwRun(ctx context.Context, t *testing.T, conn *pgx.Conn, ns string, s *memrel.Schema, work func(db *memrel.Store, r *rand.Rand)) {
	t.Helper()
	var wg sync.WaitGroup
	for n := range mwStores {
		pool, err := searchPathPool(ctx, conn, ns, mwWorkers+1)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		db, err := Open(ctx, pool, s)
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		for w := range mwWorkers {
			seed := uint64(n*mwWorkers + w)
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(db, rand.New(rand.NewPCG(seed, 18)))
			}()
		}
	}
	wg.Wait()
}

// mwNoDuplicates fails unless the rows of table hold distinct values of
// cols (NULLs aside).
func mwNoDuplicates(ctx context.Context, t *testing.T, conn *pgx.Conn, ns, table string, cols ...string) {
	t.Helper()
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quote(c)
	}
	list := strings.Join(q, ", ")
	var dups int
	require.NoError(t, conn.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT %[3]s FROM %[1]s.%[2]s
		WHERE (%[3]s) IS NOT NULL GROUP BY %[3]s HAVING count(*) > 1) d`, ns, quote(table), list)).Scan(&dups))
	require.Zero(t, dups, "%s: values of (%s) held twice", table, list)
}

// mwNoOrphans fails unless every non-NULL fk of child's rows is the key
// col of a row of parent.
func mwNoOrphans(ctx context.Context, t *testing.T, conn *pgx.Conn, ns, child, fk, parent, col string) {
	t.Helper()
	var orphans int
	require.NoError(t, conn.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %[1]s.%[2]s c WHERE c.%[3]s IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM %[1]s.%[4]s p WHERE p.%[5]s = c.%[3]s)`,
		ns, quote(child), quote(fk), quote(parent), quote(col))).Scan(&orphans))
	require.Zero(t, orphans, "%s: rows whose %s references no %s", child, fk, parent)
}

// mwGoneRow is a row of the audit: a row of table that was deleted
// (holding parent then) or re-keyed to newID.
type mwGoneRow struct {
	table         string
	id            int64
	parent, newID *int64
}

// mwGone reads the audit.
func mwGone(ctx context.Context, t *testing.T, conn *pgx.Conn) []mwGoneRow {
	t.Helper()
	rows, err := conn.Query(ctx, `SELECT tbl, id, parent, new_id FROM audit.gone`)
	require.NoError(t, err)
	var out []mwGoneRow
	for rows.Next() {
		var g mwGoneRow
		require.NoError(t, rows.Scan(&g.table, &g.id, &g.parent, &g.newID))
		out = append(out, g)
	}
	require.NoError(t, rows.Err())
	return out
}

// mwSeed creates mwKeys rows in each table, keyed 1 to mwKeys: comment i
// on post i, reply i on comment i, like i on reply i.
func mwSeed(b *fixture.BlogModels, tx *memrel.Txn) error {
	for i := range int64(mwKeys) {
		k := i + 1
		if _, err := b.Post.Create(tx, fixture.Post{ID: k, Title: "seed"}); err != nil {
			return err
		}
		if _, err := b.Comment.Create(tx, fixture.Comment{ID: k, Body: "seed", PostID: &k}); err != nil {
			return err
		}
		if _, err := b.Reply.Create(tx, fixture.Reply{ID: k, Text: "seed", CommentID: k}); err != nil {
			return err
		}
		if _, err := b.Like.Create(tx, fixture.Like{ID: k, Who: "seed", ReplyID: &k}); err != nil {
			return err
		}
	}
	return nil
}

// replyLetGo reports whether a successful call may have deleted reply r
// found holding comment c when it went: a destroy of the comment, a
// Remove of r from it, or a Set of its replies that did not list r. The
// comment may be c or one re-keyed to c since: a call on comment 9 that
// read r among its replies may delete r after a re-key of 9 to c
// committed (READ COMMITTED), which is the order "the call, then the
// re-key", the audit showing the key r held last.
func (l *mwLog) replyLetGo(c, r int64) bool {
	for _, k := range l.rekeyedInto("Comment", c) {
		if l.destroyed[mwKey{"Comment", k}] || l.unlinked[k][r] {
			return true
		}
		for _, kept := range l.setOf[k] {
			if !slices.Contains(kept, r) {
				return true
			}
		}
	}
	return false
}

// rekeyedInto is k and every key of table that successful re-keys may
// have led to k, through any chain of them.
func (l *mwLog) rekeyedInto(table string, k int64) []int64 {
	keys, seen := []int64{k}, map[int64]bool{k: true}
	for i := 0; i < len(keys); i++ {
		for rk := range l.rekeyed {
			if rk[0].table == table && rk[1].id == keys[i] && !seen[rk[0].id] {
				seen[rk[0].id] = true
				keys = append(keys, rk[0].id)
			}
		}
	}
	return keys
}

// deref is *p, or nil.
func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
