package memreltest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

type user struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Posts []post
}

type post struct {
	ID     int64
	Title  string
	UserID int64
	At     *time.Time
	Blob   []byte `memrel:"blob,null"`
	Votes  uint64
}

type blog struct {
	s     *memrel.Schema
	users *memrel.Model[user]
	posts *memrel.Model[post]
	up    *memrel.HasMany[user, post]
}

func newBlog() *blog {
	s := memrel.NewSchema()
	b := &blog{s: s, users: memrel.Define[user](s, "User"), posts: memrel.Define[post](s, "Post")}
	b.up = memrel.NewHasMany(b.users, b.posts, memrel.HasManyOptions{})
	return b
}

func TestNew_FixturesLoadInOrder(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s,
		memreltest.Rows(b.users, user{Name: "ann"}, user{Name: "bob"}),
		memreltest.Rows(b.posts, post{Title: "a", UserID: 2}))
	memreltest.AssertRows(t, db, b.users, nil, []user{{ID: 1, Name: "ann"}, {ID: 2, Name: "bob"}})
	memreltest.AssertCount(t, db, b.posts, query.Eq("userId", 2), 1)
	memreltest.AssertCount(t, db, b.posts, query.Cond{}, 1)
	got := memreltest.Insert(t, db, b.posts, post{Title: "b", UserID: 1}, post{Title: "c", UserID: 1})
	require.Equal(t, []int64{2, 3}, []int64{got[0].ID, got[1].ID})
	memreltest.AssertRows(t, db, b.posts, &memrel.Options{Where: query.Eq("userId", 1), Order: []query.Order{query.Desc("id")}},
		[]post{{ID: 3, Title: "c", UserID: 1}, {ID: 2, Title: "b", UserID: 1}})
}

func TestNew_ClosesTheStoreWhenTheTestEnds(t *testing.T) {
	var db *memrel.Store
	f := (&fakeT{}).run(func(t testing.TB) { db = memreltest.New(t, newBlog().s) })
	require.False(t, f.Failed())
	require.ErrorIs(t, db.View(func(*memrel.Txn) error { return nil }), memrel.ErrClosed)
}

func TestLoad_AFailingRowIsNamedAndNothingLoads(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s)
	f := (&fakeT{}).run(func(ft testing.TB) {
		memreltest.Load(ft, db, memreltest.Rows(b.users, user{Name: "ann"}, user{Name: "ann"}))
	})
	require.True(t, f.Failed())
	require.Contains(t, f.output(), "memreltest: fixture User[1] {ID:0 Name:ann Posts:[]}")
	require.Contains(t, f.output(), "unique")
	memreltest.AssertCount(t, db, b.users, query.Cond{}, 0)

	f = (&fakeT{}).run(func(ft testing.TB) {
		memreltest.Load(ft, db, memreltest.JSON([]byte(`{"User": [{"name": "x"}], "Post": [{"title": "t", "userId": 7}]}`)))
	})
	require.Contains(t, f.output(), `fixture Post[0] {"title": "t", "userId": 7}`)
	memreltest.AssertCount(t, db, b.users, query.Cond{}, 0)
}

func TestJSON_ConvertsValuesByColumn(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s, memreltest.JSON([]byte(`{
		"Post": [],
		"User": [{"id": 5, "name": "ann"}],
		"Post": [{"title": "a", "userId": 5, "at": "2026-01-02T03:04:05.5Z", "blob": "AAE=", "votes": 18446744073709551615},
		         {"Title": "b", "UserID": 5, "at": null}]
	}`)))
	at := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	memreltest.AssertRows(t, db, b.posts, nil, []post{
		{ID: 1, Title: "a", UserID: 5, At: &at, Blob: []byte{0, 1}, Votes: 1<<64 - 1},
		{ID: 2, Title: "b", UserID: 5},
	})
	memreltest.AssertRows(t, db, b.users, nil, []user{{ID: 5, Name: "ann"}})
}

func TestJSON_BadShapeAndValues(t *testing.T) {
	b := newBlog()
	for _, tc := range []struct{ doc, want string }{
		{`[]`, "not an object"},
		{`{"Nope": []}`, `no model "Nope"`},
		{`{"User": {}}`, "model User"},
		{`{"User": [1]}`, "User[0] is not an object"},
		{`{"User": [{"id": 1.5}]}`, "User[0]"},
		{`{"Post": [{"at": "yesterday"}]}`, "column at"},
		{`{"User": [{"nope": 1}]}`, "unknown field"},
	} {
		db := memreltest.New(t, b.s)
		f := (&fakeT{}).run(func(ft testing.TB) { memreltest.Load(ft, db, memreltest.JSON([]byte(tc.doc))) })
		require.True(t, f.Failed(), tc.doc)
		require.Contains(t, f.output(), tc.want, tc.doc)
	}
}

func TestJSONFile_ErrorsNameTheFile(t *testing.T) {
	b := newBlog()
	path := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"User": [{"name": "a"}, {"name": "a"}]}`), 0o644))
	db := memreltest.New(t, b.s)
	f := (&fakeT{}).run(func(ft testing.TB) { memreltest.Load(ft, db, memreltest.JSONFile(path)) })
	require.Contains(t, f.output(), path+": memreltest: fixture User[1]")
	f = (&fakeT{}).run(func(ft testing.TB) { memreltest.Load(ft, db, memreltest.JSONFile(path+".missing")) })
	require.Contains(t, f.output(), "no such file")
}

func TestError_UnwrapsToMemrelsError(t *testing.T) {
	e := &memreltest.Error{Model: "User", Index: 2, Row: "{}", Err: memrel.ErrNotFound}
	require.ErrorIs(t, e, memrel.ErrNotFound)
	var target *memreltest.Error
	require.True(t, errors.As(error(e), &target))
	require.Equal(t, "memreltest: fixture User[2] {}: "+memrel.ErrNotFound.Error(), e.Error())
}

func TestSeed_BuildsOnceAndForksPerTest(t *testing.T) {
	b := newBlog()
	seed := memreltest.NewSeed(b.s, memreltest.Rows(b.users, user{Name: "ann"}), memreltest.JSON([]byte(`{"Post": [{"title": "p", "userId": 1}]}`)))
	for i := range 8 {
		t.Run("fork", func(t *testing.T) {
			t.Parallel()
			db := seed.Fork(t)
			memreltest.AssertCount(t, db, b.users, query.Cond{}, 1)
			got := memreltest.Insert(t, db, b.users, user{Name: "u" + strings.Repeat("x", i)})
			require.Equal(t, int64(2), got[0].ID, "each fork draws the seed's next id")
			memreltest.AssertCount(t, db, b.users, query.Cond{}, 2)
		})
	}
}

func TestSeed_AFixtureThatFailsFailsEveryFork(t *testing.T) {
	b := newBlog()
	seed := memreltest.NewSeed(b.s, memreltest.Rows(b.posts, post{UserID: 9}))
	for range 2 {
		f := (&fakeT{}).run(func(ft testing.TB) { seed.Fork(ft) })
		require.True(t, f.Failed())
		require.Contains(t, f.output(), "memreltest: seed: memreltest: fixture Post[0]")
	}
}

func TestMark_UnchangedAndChanged(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s, memreltest.Rows(b.users, user{Name: "ann"}))
	mark := memreltest.MarkState(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := b.users.Create(tx, user{Name: "ann"})
		return err
	})
	require.Error(t, err)
	require.True(t, mark.AssertUnchanged(t), "a failed call changes nothing")

	memreltest.Insert(t, db, b.users, user{Name: "bob"})
	f := (&fakeT{}).run(func(ft testing.TB) { mark.AssertUnchanged(ft) })
	require.True(t, f.Failed())
	require.Contains(t, f.output(), `"bob"`, "the difference is shown")

	// Only a sequence moved: the rows are the same.
	db2 := memreltest.New(t, b.s)
	mark = memreltest.MarkState(t, db2)
	require.NoError(t, db2.Update(func(tx *memrel.Txn) error {
		u, err := b.users.Create(tx, user{Name: "x"})
		if err != nil {
			return err
		}
		return b.users.Destroy(tx, u)
	}))
	f = (&fakeT{}).run(func(ft testing.TB) { mark.AssertUnchanged(ft) })
	require.Contains(t, f.output(), "a sequence moved")
}

func TestDump_Format(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s, memreltest.JSON([]byte(`{"User": [{"name": "ann"}],
		"Post": [{"title": "a \"q\"", "userId": 1, "at": "2026-01-02T03:04:05Z", "blob": "AAE="}]}`)))
	got, err := memreltest.Dump(db)
	require.NoError(t, err)
	require.Equal(t, `User: 1 row
  id  name
  1   "ann"
Post: 1 row
  id  title      userId  at                    blob    votes
  1   "a \"q\""  1       2026-01-02T03:04:05Z  0x0001  0
`, got)
}

func TestAssertGolden_WritesThenCompares(t *testing.T) {
	b := newBlog()
	db := memreltest.New(t, b.s, memreltest.Rows(b.users, user{Name: "ann"}))
	path := filepath.Join(t.TempDir(), "golden", "blog.txt")
	f := (&fakeT{}).run(func(ft testing.TB) { memreltest.AssertGolden(ft, db, path) })
	require.Contains(t, f.output(), memreltest.UpdateEnv, "a missing file says how to write it")
	t.Setenv(memreltest.UpdateEnv, "1")
	require.True(t, memreltest.AssertGolden(t, db, path))
	t.Setenv(memreltest.UpdateEnv, "")
	require.True(t, memreltest.AssertGolden(t, db, path))
	memreltest.Insert(t, db, b.users, user{Name: "bob"})
	f = (&fakeT{}).run(func(ft testing.TB) { memreltest.AssertGolden(ft, db, path) })
	require.True(t, f.Failed())
	require.Contains(t, f.output(), `"bob"`)
}

func TestFailure_DumpsAndSavesTheStore(t *testing.T) {
	b := newBlog()
	dir := t.TempDir()
	t.Setenv(memreltest.SnapshotsEnv, dir)
	f := (&fakeT{}).run(func(ft testing.TB) {
		db := memreltest.New(ft, b.s, memreltest.Rows(b.users, user{Name: "ann"}))
		memreltest.AssertCount(ft, db, b.users, query.Cond{}, 2)
	})
	require.True(t, f.Failed())
	require.Contains(t, f.output(), "the store when TestFake/sub failed")
	require.Contains(t, f.output(), `"ann"`)
	path := filepath.Join(dir, "TestFake_sub.snap")
	require.Contains(t, f.output(), path)
	db, err := b.s.LoadFile(path)
	require.NoError(t, err)
	memreltest.AssertRows(t, db, b.users, nil, []user{{ID: 1, Name: "ann"}})

	// A passing test neither dumps nor saves.
	require.NoError(t, os.Remove(path))
	f = (&fakeT{}).run(func(ft testing.TB) { memreltest.New(ft, b.s) })
	require.False(t, f.Failed())
	require.Empty(t, f.logs)
	_, err = os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestDump_ShowsSoftDeletedRows(t *testing.T) {
	type note struct {
		ID        int64
		Text      string
		CreatedAt time.Time
		UpdatedAt time.Time
		DeletedAt *time.Time
	}
	s := memrel.NewSchema()
	notes := memrel.Define[note](s, "Note", memrel.Timestamps(), memrel.Paranoid())
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db, err := s.Open(memrel.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	memreltest.Insert(t, db, notes, note{Text: "kept"}, note{Text: "gone"})
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return notes.DestroyKey(tx, 2) }))
	memreltest.AssertCount(t, db, notes, query.Cond{}, 1)
	got, err := memreltest.Dump(db)
	require.NoError(t, err)
	require.Equal(t, `Note: 2 rows
  id  text    createdAt             updatedAt             deletedAt
  1   "kept"  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z  NULL
  2   "gone"  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z
`, got)
}

func manyUsers(b *blog, n int) memreltest.Fixture {
	us := make([]user, n)
	for i := range us {
		us[i].Name = "u" + strings.Repeat("x", i)
	}
	return memreltest.Rows(b.users, us...)
}

func userIDs(t *testing.T, db *memrel.Store, b *blog) []int64 {
	us, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]user, error) { return b.users.FindAll(tx, nil) })
	require.NoError(t, err)
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	return ids
}

func TestShuffled_ReadsWithoutOrderAreShuffledAndTheSeedReported(t *testing.T) {
	b := newBlog()
	plain := userIDs(t, memreltest.New(t, b.s, manyUsers(b, 30)), b)
	got := userIDs(t, memreltest.New(t, b.s, memreltest.Shuffled(), manyUsers(b, 30)), b)
	require.NotEqual(t, plain, got)
	require.ElementsMatch(t, plain, got)
	memreltest.AssertGolden(t, memreltest.New(t, b.s, memreltest.Shuffled(), manyUsers(b, 2)), "testdata/two-users.txt")

	f := (&fakeT{}).run(func(ft testing.TB) {
		db := memreltest.New(ft, b.s, memreltest.Shuffled(), manyUsers(b, 3))
		memreltest.AssertCount(ft, db, b.users, query.Cond{}, 4)
	})
	require.Regexp(t, `shuffled with seed (\d+) \(MEMRELTEST_SHUFFLE=\d+ reproduces it\)`, f.output())

	t.Setenv(memreltest.ShuffleEnv, "12345")
	a := userIDs(t, memreltest.New(t, b.s, manyUsers(b, 30)), b)
	seed := memreltest.NewSeed(b.s, manyUsers(b, 30))
	require.Equal(t, a, userIDs(t, seed.Fork(t), b), "the variable's seed, for every store the kit makes")
	require.NotEqual(t, plain, a)
	t.Setenv(memreltest.ShuffleEnv, "on")
	require.NotEqual(t, plain, userIDs(t, seed.Fork(t), b))
}
