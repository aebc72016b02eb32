package bench

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	_ "github.com/glebarez/go-sqlite" // driver "sqlite": pure Go, on modernc.org/sqlite
	_ "github.com/mattn/go-sqlite3"   // driver "sqlite3": cgo, on the SQLite C library
)

// The raw SQL contenders: what a careful programmer writes by hand on
// database/sql for the same semantics as memrel, written once and run on
// two SQLite drivers (cgo mattn/go-sqlite3 as sqlitec, pure-Go
// glebarez/go-sqlite as sqlitego, the driver under the GORM contender).
// The database is in memory, the comments' foreign key is declared ON
// DELETE CASCADE and enforced (PRAGMA foreign_keys is checked at Open),
// and every statement is prepared once, at Open. Rows are scanned into Go
// structs, which are the copies handed out.
//
// Each op is the fewest statements that do it. An op of one statement
// runs in autocommit mode, where SQLite makes the statement its own
// transaction, so it pays no BEGIN and COMMIT round trips (Add on mattn:
// 6 allocs/op autocommit, 25 in a database/sql transaction). An op of
// several runs them in one database/sql transaction, through tx.Stmt of
// the statements prepared at Open: tx.Stmt reuses the connection's
// compiled statement, while preparing on the transaction compiles the SQL
// again on every op (Remove's two statements on mattn: 48 allocs/op and
// 18-25 us with tx.Stmt, 59 and 25-32 us with tx.Prepare).
//
// glebarez/go-sqlite v1.21.2 prepares nothing: its Prepare keeps the SQL
// text and every Exec or Query compiles it again, so sqlitego pays
// SQLite's compiler on every statement. That is the driver as GORM uses
// it; the numbers say what it costs.
//
// The journal and sync pragmas are left as they are: an in-memory
// database always keeps its rollback journal in memory (journal_mode can
// only be MEMORY or OFF, and OFF would break ROLLBACK) and has no file
// to sync, so synchronous does nothing.

// The schema. comments(post_id) is indexed; SQLite appends the rowid to
// every index entry, so one post's comments come out of the index in id
// order and ORDER BY id needs no sort.
const sqliteSchema = `
CREATE TABLE posts (
	id    INTEGER PRIMARY KEY,
	title TEXT NOT NULL
);
CREATE TABLE comments (
	id      INTEGER PRIMARY KEY,
	body    TEXT NOT NULL,
	post_id INTEGER NULL REFERENCES posts(id) ON DELETE CASCADE
);
CREATE INDEX comments_post_id ON comments(post_id);
`

// The statements, one per query; ? placeholders are bound in order.
const (
	// Get: zero rows when the post does not exist, one row of NULLs
	// when it has no comments.
	sqlGet = `SELECT c.id, c.body, c.post_id FROM posts p LEFT JOIN comments c ON c.post_id = p.id
		WHERE p.id = ? ORDER BY c.id`
	sqlCount = `SELECT (SELECT count(*) FROM comments WHERE post_id = ?) FROM posts WHERE id = ?`
	sqlHas   = `SELECT EXISTS (SELECT 1 FROM comments WHERE id = ? AND post_id = ?) FROM posts WHERE id = ?`
	// Eager is one join, as Sequelize's include writes it.
	sqlEager = `SELECT p.id, p.title, c.id, c.body, c.post_id FROM posts p LEFT JOIN comments c ON c.post_id = p.id
		WHERE p.id BETWEEN ? AND ? ORDER BY p.id, c.id`
	sqlPostExists  = `SELECT 1 FROM posts WHERE id = ?`
	sqlChildren    = `SELECT id FROM comments WHERE post_id = ? ORDER BY id`
	sqlSetPost     = `UPDATE comments SET post_id = ? WHERE id = ?`
	sqlRemove      = `UPDATE comments SET post_id = NULL WHERE id = ? AND post_id = ?`
	sqlInsertPost  = `INSERT INTO posts (id, title) VALUES (?, ?)`
	sqlInsertCmt   = `INSERT INTO comments (id, body, post_id) VALUES (?, ?, ?)` // id NULL: the next rowid
	sqlDeletePost  = `DELETE FROM posts WHERE id = ?`
	sqlDeleteCmt   = `DELETE FROM comments WHERE id = ?`
	sqlPageBytes   = `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`
	sqlForeignKeys = `PRAGMA foreign_keys`
)

// The drivers and their data source names: a private in-memory database
// with foreign keys on for every connection.
const (
	sqliteCDriver  = "sqlite3"
	sqliteCDSN     = ":memory:?_foreign_keys=1"
	sqliteGoDriver = "sqlite"
	sqliteGoDSN    = ":memory:?_pragma=foreign_keys(1)"
)

// sqlBulk inserts n comments in one statement and returns their ids
// (RETURNING's order is unspecified: Bulk sorts them, and SQLite gives
// the rows of one INSERT ascending rowids in VALUES order).
func sqlBulk(n int) string {
	return `INSERT INTO comments (body, post_id) VALUES (?, ?)` + strings.Repeat(", (?, ?)", n-1) + ` RETURNING id`
}

// sqlCountMany counts the comments of n posts, one group per post that
// has any.
func sqlCountMany(n int) string {
	return `SELECT post_id, count(*) FROM comments WHERE post_id IN (?` + strings.Repeat(", ?", n-1) + `) GROUP BY post_id`
}

// sqlInsertKids inserts a post's K comments in one statement: the load
// binds 3K values and steps once per post instead of K times.
func sqlInsertKids() string {
	return sqlInsertCmt + strings.Repeat(", (?, ?, ?)", K-1)
}

type sqlPost struct {
	ID    int64
	Title string
}

type sqlComment struct {
	ID     int64
	Body   string
	PostID sql.Null[int64]
}

type sqlPostWithComments struct {
	sqlPost
	Comments []sqlComment
}

var errSQLNotFound = errors.New("sqlite: not found")

type sqliteStore struct {
	db *sql.DB
	// Prepared at Open, on the one connection.
	get, count, has, eager, postExists, children, setPost, remove,
	insertPost, insertComment, insertKids, deletePost, deleteComment, pageBytes *sql.Stmt
	// Bulk's INSERT and CountMany's SELECT take one placeholder list per
	// row, so they are prepared per length: ManyN's at Open, others (the
	// tests') on first use.
	mu         sync.Mutex
	bulk, many map[int]*sql.Stmt
}

// OpenSQLiteC opens the raw SQL contender on cgo SQLite
// (mattn/go-sqlite3).
func OpenSQLiteC() (Store, error) { return openSQLite(sqliteCDriver, sqliteCDSN) }

// OpenSQLiteGo opens the raw SQL contender on pure-Go SQLite
// (glebarez/go-sqlite, over modernc.org/sqlite).
func OpenSQLiteGo() (Store, error) { return openSQLite(sqliteGoDriver, sqliteGoDSN) }

// openSQLite opens a new in-memory database on driver. Each connection to
// ":memory:" is a database of its own, so every Open gets a new, empty
// one, and the pool holds exactly one connection, kept forever: a second
// connection would see another, empty database, and closing the one
// would drop the data. Concurrent callers take turns on it.
func openSQLite(driver, dsn string) (_ Store, err error) {
	db, err := openMemory(driver, dsn, sqliteSchema)
	if err != nil {
		return nil, err
	}
	s := &sqliteStore{db: db}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	err = prepareAll(db, driver, []prepared{
		{&s.get, sqlGet}, {&s.count, sqlCount}, {&s.has, sqlHas}, {&s.eager, sqlEager},
		{&s.postExists, sqlPostExists}, {&s.children, sqlChildren}, {&s.setPost, sqlSetPost},
		{&s.remove, sqlRemove}, {&s.insertPost, sqlInsertPost}, {&s.insertComment, sqlInsertCmt},
		{&s.insertKids, sqlInsertKids()},
		{&s.deletePost, sqlDeletePost}, {&s.deleteComment, sqlDeleteCmt}, {&s.pageBytes, sqlPageBytes},
	})
	if err != nil {
		return nil, err
	}
	s.bulk, s.many = map[int]*sql.Stmt{}, map[int]*sql.Stmt{}
	if _, err := s.stmtFor(s.bulk, ManyN, sqlBulk); err != nil {
		return nil, err
	}
	if _, err := s.stmtFor(s.many, ManyN, sqlCountMany); err != nil {
		return nil, err
	}
	return s, nil
}

// openMemory opens the one connection of a new in-memory database on
// driver (see openSQLite), checks that it enforces foreign keys and
// creates schema.
func openMemory(driver, dsn, schema string) (_ *sql.DB, err error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = db.Close()
		}
	}()
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	var fk int
	if err := db.QueryRow(sqlForeignKeys).Scan(&fk); err != nil {
		return nil, err
	}
	if fk != 1 {
		return nil, fmt.Errorf("%s: foreign keys are off", driver)
	}
	if _, err := db.Exec(schema); err != nil {
		return nil, err
	}
	return db, nil
}

// prepared is a statement to prepare at Open, and where to keep it.
type prepared struct {
	dst   **sql.Stmt
	query string
}

// prepareAll prepares every statement of sts on db.
func prepareAll(db *sql.DB, driver string, sts []prepared) error {
	for _, st := range sts {
		var err error
		if *st.dst, err = db.Prepare(st.query); err != nil {
			return fmt.Errorf("%s: prepare %q: %w", driver, st.query, err)
		}
	}
	return nil
}

// closeAll closes the statements that were prepared, then db.
func closeAll(db *sql.DB, sts []*sql.Stmt) error {
	for _, st := range sts {
		if st != nil {
			_ = st.Close()
		}
	}
	return db.Close()
}

func (s *sqliteStore) stmts() []*sql.Stmt {
	return []*sql.Stmt{s.get, s.count, s.has, s.eager, s.postExists, s.children, s.setPost,
		s.remove, s.insertPost, s.insertComment, s.insertKids, s.deletePost, s.deleteComment, s.pageBytes}
}

// sqlUpdate runs fn in one write transaction of db, committing when it
// returns nil.
func sqlUpdate(db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // ErrTxDone after Commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// mustAffect turns an update or delete of no row into errSQLNotFound.
func mustAffect(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, errSQLNotFound)
	}
	return nil
}

// txPostExists is the source check of an op of several statements.
func txPostExists(tx *sql.Tx, stmt *sql.Stmt, post int64) error {
	var one int
	err := tx.Stmt(stmt).QueryRow(post).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("post %d: %w", post, errSQLNotFound)
	}
	return err
}

// childIDs appends the ids stmt (sqlChildren, maybe on a transaction)
// returns for post.
func childIDs(stmt *sql.Stmt, post int64, ids []int64) ([]int64, error) {
	rows, err := stmt.Query(post)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *sqliteStore) Load(first, n int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		posts, kids := tx.Stmt(s.insertPost), tx.Stmt(s.insertKids)
		args := make([]any, 0, 3*K)
		for p := first; p < first+n; p++ {
			if _, err := posts.Exec(p, Title(p)); err != nil {
				return err
			}
			args = args[:0]
			for c := FirstComment(p); c < FirstComment(p)+K; c++ {
				args = append(args, c, Body(c), p)
			}
			if _, err := kids.Exec(args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqliteStore) Get(post int64) (int, error) {
	rows, err := s.get.Query(post)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	found := false
	cs := make([]sqlComment, 0, 16)
	for rows.Next() {
		found = true
		var id sql.Null[int64]
		var c sqlComment
		var body sql.Null[string]
		if err := rows.Scan(&id, &body, &c.PostID); err != nil {
			return 0, err
		}
		if id.Valid {
			c.ID, c.Body = id.V, body.V
			cs = append(cs, c)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("post %d: %w", post, errSQLNotFound)
	}
	return len(cs), nil
}

// scalar runs stmt (sqlCount or sqlHas: one row unless the post is
// missing) and scans its one column into dst.
func scalar(stmt *sql.Stmt, post int64, dst any, args ...any) error {
	err := stmt.QueryRow(args...).Scan(dst)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("post %d: %w", post, errSQLNotFound)
	}
	return err
}

func (s *sqliteStore) Count(post int64) (int, error) {
	var n int
	err := scalar(s.count, post, &n, post, post)
	return n, err
}

func (s *sqliteStore) Has(post, comment int64) (bool, error) {
	var ok bool
	err := scalar(s.has, post, &ok, comment, post, post)
	return ok, err
}

// Add is one UPDATE: the foreign key fails it when post is missing, and
// it changes no row when comment is.
func (s *sqliteStore) Add(post, comment int64) error {
	res, err := s.setPost.Exec(post, comment)
	return mustAffect(res, err, "comment", comment)
}

// Create is one INSERT, failed by the foreign key when post is missing.
func (s *sqliteStore) Create(post int64) (int64, error) {
	res, err := s.insertComment.Exec(nil, newBody(post), post)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *sqliteStore) Set(post int64, comments []int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		if err := txPostExists(tx, s.postExists, post); err != nil {
			return err
		}
		var buf [16]int64
		cur, err := childIDs(tx.Stmt(s.children), post, buf[:0])
		if err != nil {
			return err
		}
		set := tx.Stmt(s.setPost)
		for _, id := range cur {
			if !slices.Contains(comments, id) {
				if _, err := set.Exec(nil, id); err != nil {
					return err
				}
			}
		}
		for _, id := range comments {
			if !slices.Contains(cur, id) {
				res, err := set.Exec(post, id)
				if err := mustAffect(res, err, "comment", id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *sqliteStore) Remove(post, comment int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		if err := txPostExists(tx, s.postExists, post); err != nil {
			return err
		}
		_, err := tx.Stmt(s.remove).Exec(comment, post)
		return err
	})
}

// Destroy is one DELETE; the comments go by ON DELETE CASCADE.
func (s *sqliteStore) Destroy(post int64) error {
	res, err := s.deletePost.Exec(post)
	return mustAffect(res, err, "post", post)
}

func (s *sqliteStore) Eager(first int64, n int) (int, error) {
	rows, err := s.eager.Query(first, first+int64(n)-1)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var out []sqlPostWithComments
	total := 0
	// The title repeats on every row of a post: read it in place, and
	// copy it once per post.
	var title sql.RawBytes
	for rows.Next() {
		var pid int64
		var id sql.Null[int64]
		var body sql.Null[string]
		var c sqlComment
		if err := rows.Scan(&pid, &title, &id, &body, &c.PostID); err != nil {
			return 0, err
		}
		if len(out) == 0 || out[len(out)-1].ID != pid {
			out = append(out, sqlPostWithComments{sqlPost: sqlPost{ID: pid, Title: string(title)}})
		}
		if id.Valid {
			c.ID, c.Body = id.V, body.V
			p := &out[len(out)-1]
			p.Comments = append(p.Comments, c)
			total++
		}
	}
	return total, rows.Err()
}

func (s *sqliteStore) AddN(post int64, comments []int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		if err := txPostExists(tx, s.postExists, post); err != nil {
			return err
		}
		set := tx.Stmt(s.setPost)
		for _, id := range comments {
			res, err := set.Exec(post, id)
			if err := mustAffect(res, err, "comment", id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqliteStore) CreateN(post int64, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	err := sqlUpdate(s.db, func(tx *sql.Tx) error {
		if err := txPostExists(tx, s.postExists, post); err != nil {
			return err
		}
		insert := tx.Stmt(s.insertComment)
		for range n {
			res, err := insert.Exec(nil, newBody(post), post)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func (s *sqliteStore) DeleteComment(id int64) error {
	res, err := s.deleteComment.Exec(id)
	return mustAffect(res, err, "comment", id)
}

func (s *sqliteStore) Children(post int64) ([]int64, error) {
	return childIDs(s.children, post, nil)
}

func (s *sqliteStore) OffHeapBytes() int64 {
	var n int64
	if err := s.pageBytes.QueryRow().Scan(&n); err != nil {
		return 0
	}
	return n
}

func (s *sqliteStore) Close() error {
	sts := s.stmts()
	for _, m := range []map[int]*sql.Stmt{s.bulk, s.many} {
		for _, st := range m {
			sts = append(sts, st)
		}
	}
	return closeAll(s.db, sts)
}

// stmtFor returns the statement of query(n) in cache, preparing it on
// first use.
func (s *sqliteStore) stmtFor(cache map[int]*sql.Stmt, n int, query func(int) string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := cache[n]; st != nil {
		return st, nil
	}
	st, err := s.db.Prepare(query(n))
	if err != nil {
		return nil, err
	}
	cache[n] = st
	return st, nil
}

// Bulk is one multi-row INSERT in autocommit mode: SQLite makes the
// statement atomic, and the foreign key fails it whole when a post is
// missing.
func (s *sqliteStore) Bulk(posts []int64) ([]int64, error) {
	st, err := s.stmtFor(s.bulk, len(posts), sqlBulk)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, 2*len(posts))
	for _, p := range posts {
		args = append(args, newBody(p), p)
	}
	rows, err := st.Query(args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, len(posts))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// postCount is one group of CountMany's grouped count.
type postCount struct {
	PostID int64
	N      int
}

// countsInOrder spreads the groups of a grouped count over posts, in
// their order; a post without a group counts 0.
func countsInOrder(posts []int64, groups []postCount) []int {
	by := make(map[int64]int, len(groups))
	for _, g := range groups {
		by[g.PostID] = g.N
	}
	out := make([]int, len(posts))
	for i, p := range posts {
		out[i] = by[p]
	}
	return out
}

// CountMany is one grouped count over the listed posts.
func (s *sqliteStore) CountMany(posts []int64) ([]int, error) {
	st, err := s.stmtFor(s.many, len(posts), sqlCountMany)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(posts))
	for i, p := range posts {
		args[i] = p
	}
	rows, err := st.Query(args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := make([]postCount, 0, len(posts))
	for rows.Next() {
		var g postCount
		if err := rows.Scan(&g.PostID, &g.N); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return countsInOrder(posts, groups), nil
}
