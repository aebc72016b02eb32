package memdb

// Tests of the shared read view and the recycled write state, whose races
// and reuse the rules above the seam cannot stage on demand.

import (
	"context"
	"reflect"
	"testing"
	"unsafe"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
	"github.com/stretchr/testify/require"
)

type tPost struct {
	ID    int64
	Title string
}

type tComment struct {
	ID     int64
	PostID *int64
}

func define[T any](s *meta.Schema, name string) *meta.Table {
	t := s.AddTable(name, reflect.TypeFor[T]())
	t.Ptr = func(row any) unsafe.Pointer { return unsafe.Pointer(row.(*T)) }
	t.NewRow = func() any { return new(T) }
	t.Clone = func(row any) any { n := *row.(*T); return &n }
	return t
}

type fixture struct {
	db              *DB
	posts, comments *meta.Table
}

// open opens a database of posts and their comments (a nullable,
// constrained foreign key) holding n of each, comment i on post i.
func open(t *testing.T, n int) fixture {
	t.Helper()
	s := &meta.Schema{}
	f := fixture{posts: define[tPost](s, "Post"), comments: define[tComment](s, "Comment")}
	meta.NewRelation(s, f.posts, f.comments, meta.RelationOptions{})
	require.NoError(t, s.Seal())
	sc, err := Compile(s)
	require.NoError(t, err)
	f.db = sc.Open()
	w := write(f.db)
	for i := range int64(n) {
		w.Put(f.posts, nil, &tPost{ID: i + 1})
		w.Put(f.comments, nil, &tComment{ID: i + 1, PostID: &[]int64{i + 1}[0]})
	}
	w.Settle(false)
	w.Commit()
	return f
}

func key(id int64) *keys.Arg { return &keys.Arg{Key: keys.AppendInt(nil, id)} }

// TestDB_Read_AfterSlowReader stages the race DB.Read guards against: a
// reader opens its view before a commit and publishes it after. A
// transaction that begins once the commit has returned must still see it.
func TestDB_Read_AfterSlowReader(t *testing.T) {
	f := open(t, 1)
	db := f.db
	g := db.gen.Load()
	slow := db.db.Txn(false) // the slow reader's view, opened before the commit
	w := write(db)
	w.Put(f.posts, w.Get(f.posts, key(1)), &tPost{ID: 1, Title: "new"})
	w.Settle(false)
	w.Commit()
	require.Nil(t, db.view.Load(), "a commit drops the shared view, so the old tree can go")
	db.view.Store(&reader{s: db.s, gen: g, mt: slow}) // published late

	require.Equal(t, "new", read(db).Get(f.posts, key(1)).(*tPost).Title)

	// Readers between two commits share one view, and it is current.
	a, b := read(db), read(db)
	require.Same(t, a, b)
	a.Done()
	require.Equal(t, "new", b.Get(f.posts, key(1)).(*tPost).Title, "ending one reader leaves the shared view usable")
}

// TestWriter_Recycle_SmallKeptBigDropped: a write transaction hands its
// emptied bookkeeping to the next one, unless it grew past keepRoom, and
// the next transaction starts from a clean slate either way.
func TestWriter_Recycle_SmallKeptBigDropped(t *testing.T) {
	f := open(t, 3)
	db := f.db
	w := db.spare
	require.NotNil(t, w, "a small transaction's bookkeeping is kept")
	for _, ws := range w.written {
		require.Empty(t, ws.short)
		require.Equal(t, wsUntouched, ws.state)
		require.False(t, ws.dirty)
	}
	require.Nil(t, w.snap)
	require.Nil(t, w.mt, "a recycled writer holds no go-memdb transaction")

	next := write(db)
	require.Same(t, engine.Writer(w), next)
	require.Nil(t, db.spare, "the writer owns it while it runs")
	next.Abort()
	require.Same(t, w, db.spare)

	big := write(db)
	for i := range int64(keepRoom + 1) {
		id := 100 + i
		big.Put(f.posts, nil, &tPost{ID: id})
		big.Put(f.comments, nil, &tComment{ID: id, PostID: &id})
	}
	big.Commit()
	require.Nil(t, db.spare, "a big transaction's bookkeeping is dropped")
	n := 0
	it := read(db).All(f.comments)
	for row := it.Next(); row != nil; row = it.Next() {
		n++
	}
	require.Equal(t, keepRoom+4, n)
}

// TestWriter_Rollback_RestoresRowsAndSequences: a rollback to a mark puts
// back exactly the rows and sequence moves since it.
func TestWriter_Rollback_RestoresRowsAndSequences(t *testing.T) {
	f := open(t, 2)
	w := write(f.db)
	defer w.Abort()
	m := w.Mark()
	old := w.Get(f.posts, key(1))
	w.Put(f.posts, old, &tPost{ID: 1, Title: "changed"})
	w.Delete(f.posts, w.Get(f.posts, key(2)))
	w.Put(f.posts, nil, &tPost{ID: 7})
	w.Advance(f.posts, 7)
	require.Equal(t, int64(7), read(f.db).Sequence(f.posts))
	w.Rollback(m)
	require.Same(t, old, w.Get(f.posts, key(1)))
	require.NotNil(t, w.Get(f.posts, key(2)))
	require.Nil(t, w.Get(f.posts, key(7)))
	require.Equal(t, int64(0), read(f.db).Sequence(f.posts))
}

// read begins a read transaction of db, which never fails.
func read(db engine.DB) engine.Reader {
	r, err := db.Read(context.Background())
	if err != nil {
		panic(err)
	}
	return r
}

// write begins a write transaction of db, which never fails.
func write(db engine.DB) engine.Writer {
	w, err := db.Write(context.Background())
	if err != nil {
		panic(err)
	}
	return w
}
