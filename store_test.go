package memrel_test

import (
	"database/sql"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// stDB is a store opened from the st schema with its models.
type stDB struct {
	*memrel.Store
	posts *memrel.Model[fixture.ColumnPost]
	tags  *memrel.Model[fixture.ColumnTag]
	users *memrel.Model[fixture.ColumnUser]
	rows  *memrel.Model[fixture.ColumnRow]
}

// stSnap is every row of every model of an stDB.
type stSnap struct {
	Posts []fixture.ColumnPost
	Tags  []fixture.ColumnTag
	Users []fixture.ColumnUser
	Rows  []fixture.ColumnRow
}

// stSchema declares fixture.Columns, the st models, on a fresh schema.
func stSchema(t *testing.T) (*memrel.Schema, *stDB) {
	t.Helper()
	m := fixture.Columns(t)
	return m.Schema, &stDB{posts: m.Post, tags: m.Tag, users: m.User, rows: m.Row}
}

// stSetup opens an empty store of the st schema.
func stSetup(t *testing.T) *stDB {
	t.Helper()
	s, db := stSchema(t)
	store, err := s.Open()
	require.NoError(t, err)
	db.Store = store
	return db
}

// stDump returns every row of every model, read in a View.
func stDump(t *testing.T, db *stDB) stSnap {
	t.Helper()
	var snap stSnap
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		var err error
		if snap.Posts, err = db.posts.FindAll(tx, nil); err != nil {
			return err
		}
		if snap.Tags, err = db.tags.FindAll(tx, nil); err != nil {
			return err
		}
		if snap.Users, err = db.users.FindAll(tx, nil); err != nil {
			return err
		}
		snap.Rows, err = db.rows.FindAll(tx, nil)
		return err
	}))
	return stDeepCopy(snap)
}

// stDeepCopy copies v down to its pointers and byte slices, so a snapshot
// stays a valid "before" even if the store under test aliased its results.
func stDeepCopy[T any](v T) T {
	return stDeep(reflect.ValueOf(v)).Interface().(T)
}

func stDeep(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(stDeep(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(stDeep(v.Index(i)))
		}
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if n.Field(i).CanSet() {
				n.Field(i).Set(stDeep(v.Field(i)))
			}
		}
		return n
	}
	return v
}

func stStr(s string) *string { return &s }

func stInt(i int64) *int64 { return &i }

// stNewPost is a post that passes every NOT NULL check.
func stNewPost(title string) fixture.ColumnPost {
	return fixture.ColumnPost{Title: title, Body: stStr("body " + title), Summary: stStr("sum " + title)}
}

// stUpdate runs fn in a write transaction and requires it to succeed.
func stUpdate(t *testing.T, db *stDB, fn func(tx *memrel.Txn)) {
	t.Helper()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { fn(tx); return nil }))
}

// stView runs fn in a read transaction.
func stView(t *testing.T, db *stDB, fn func(tx *memrel.Txn)) {
	t.Helper()
	require.NoError(t, db.View(func(tx *memrel.Txn) error { fn(tx); return nil }))
}

// stCreatePost creates a post in its own transaction and returns it.
func stCreatePost(t *testing.T, db *stDB, p fixture.ColumnPost) fixture.ColumnPost {
	t.Helper()
	var got fixture.ColumnPost
	stUpdate(t, db, func(tx *memrel.Txn) {
		var err error
		got, err = db.posts.Create(tx, p)
		require.NoError(t, err)
	})
	return got
}

// stFailWrite runs fn in a write transaction that commits whatever fn
// returns, requires fn's error, and requires the store to be unchanged.
func stFailWrite(t *testing.T, db *stDB, fn func(tx *memrel.Txn) error) error {
	t.Helper()
	before := stDump(t, db)
	var err error
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		err = fn(tx)
		return nil // commit: a failed call must have changed nothing
	}))
	require.Error(t, err)
	require.Equal(t, before, stDump(t, db), "a failed write changed the store")
	return err
}

func stPostIDs(ps []fixture.ColumnPost) []int64 {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func TestSchema_Open_IndependentStores(t *testing.T) {
	s, m := stSchema(t)
	db1, err := s.Open()
	require.NoError(t, err)
	db2, err := s.Open()
	require.NoError(t, err)
	a := &stDB{Store: db1, posts: m.posts, tags: m.tags, users: m.users, rows: m.rows}
	b := &stDB{Store: db2, posts: m.posts, tags: m.tags, users: m.users, rows: m.rows}

	p := stCreatePost(t, a, stNewPost("in a"))
	require.Equal(t, int64(1), p.ID)
	require.Len(t, stDump(t, a).Posts, 1)
	require.Empty(t, stDump(t, b).Posts, "a write in one store is visible in another")

	// Sequences are per store too.
	q := stCreatePost(t, b, stNewPost("in b"))
	require.Equal(t, int64(1), q.ID)
	r := stCreatePost(t, a, stNewPost("in a again"))
	require.Equal(t, int64(2), r.ID)
	require.Equal(t, []string{"in b"}, []string{stDump(t, b).Posts[0].Title})
}

func TestSchema_Open_Concurrent(t *testing.T) {
	s, m := stSchema(t)
	const n = 4
	stores := make(chan *memrel.Store, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			db, err := s.Open()
			errs <- err
			stores <- db
		}()
	}
	for range n {
		require.NoError(t, <-errs)
		db := &stDB{Store: <-stores, posts: m.posts, tags: m.tags, users: m.users, rows: m.rows}
		require.Equal(t, int64(1), stCreatePost(t, db, stNewPost("x")).ID)
	}
}

func TestModel_Create_AutoIncrement(t *testing.T) {
	db := stSetup(t)
	for i := int64(1); i <= 3; i++ {
		require.Equal(t, i, stCreatePost(t, db, stNewPost("p")).ID)
	}

	// Ids are never reused, not even the highest one after it is deleted.
	stUpdate(t, db, func(tx *memrel.Txn) {
		require.NoError(t, db.posts.DestroyKey(tx, int64(3)))
	})
	require.Equal(t, int64(4), stCreatePost(t, db, stNewPost("p")).ID)
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.posts.DestroyAll(tx, query.Cond{})
		require.NoError(t, err)
	})
	require.Equal(t, int64(5), stCreatePost(t, db, stNewPost("p")).ID)

	// An id taken in a rolled-back transaction stays consumed.
	boom := errors.New("boom")
	err := db.Update(func(tx *memrel.Txn) error {
		p, err := db.posts.Create(tx, stNewPost("rolled back"))
		require.NoError(t, err)
		require.Equal(t, int64(6), p.ID)
		return boom
	})
	require.ErrorIs(t, err, boom)
	tx := db.Begin(true)
	p, err := db.posts.Create(tx, stNewPost("aborted"))
	require.NoError(t, err)
	require.Equal(t, int64(7), p.ID)
	tx.Abort()
	require.Equal(t, []int64{5}, stPostIDs(stDump(t, db).Posts))
	require.Equal(t, int64(8), stCreatePost(t, db, stNewPost("p")).ID)

	// A create that fails its own checks takes no id.
	stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, fixture.ColumnPost{Title: "no body"})
		return err
	})
	stCreatePost(t, db, fixture.ColumnPost{Title: "slug", Body: stStr("b"), Summary: stStr("s"), Slug: stStr("taken")})
	stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, fixture.ColumnPost{Title: "dup", Body: stStr("b"), Summary: stStr("s"), Slug: stStr("taken")})
		return err
	})
	require.Equal(t, int64(10), stCreatePost(t, db, stNewPost("p")).ID)
}

func TestModel_Create_ExplicitKey(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("1"))

	p := stNewPost("explicit")
	p.ID = 100
	require.Equal(t, int64(100), stCreatePost(t, db, p).ID)
	// The sequence moves past an explicit key.
	require.Equal(t, int64(101), stCreatePost(t, db, stNewPost("next")).ID)
	// An explicit key below the sequence is kept and does not move it back.
	p.ID = 50
	require.Equal(t, int64(50), stCreatePost(t, db, p).ID)
	require.Equal(t, int64(102), stCreatePost(t, db, stNewPost("next")).ID)

	// Collision with an existing key.
	p.ID = 100
	err := stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, p)
		return err
	})
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "Post", ue.Model)
	require.Equal(t, []string{"id"}, ue.Fields)
	require.Equal(t, int64(100), ue.Value)
	require.Equal(t, int64(103), stCreatePost(t, db, stNewPost("next")).ID)

	// A string primary key.
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "go"})
		require.NoError(t, err)
	})
	err = stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "go", Color: stStr("red")})
		return err
	})
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "Tag", ue.Model)
	require.Equal(t, []string{"name"}, ue.Fields)
	require.Equal(t, "go", ue.Value)
}

func TestModel_Create_Unique(t *testing.T) {
	db := stSetup(t)
	p := stNewPost("a")
	p.Slug = stStr("hello")
	stCreatePost(t, db, p)
	// NULLs never collide.
	stCreatePost(t, db, stNewPost("null slug 1"))
	stCreatePost(t, db, stNewPost("null slug 2"))

	err := stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.Create(tx, p)
		return err
	})
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "Post", ue.Model)
	require.Equal(t, []string{"slug"}, ue.Fields)
	require.Equal(t, "hello", ue.Value)

	// Unique with an explicit column name, on a plain string.
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.users.Create(tx, fixture.ColumnUser{Login: "ann"})
		require.NoError(t, err)
	})
	err = stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.users.Create(tx, fixture.ColumnUser{Login: "ann"})
		return err
	})
	require.ErrorAs(t, err, &ue)
	require.Equal(t, []string{"user_login"}, ue.Fields)
}

func TestModel_Create_Validation(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("existing"))
	cases := []struct {
		name   string
		post   fixture.ColumnPost
		fields []string
	}{
		{"both NULL", fixture.ColumnPost{Title: "x"}, []string{"body", "summary"}},
		{"body NULL", fixture.ColumnPost{Title: "x", Summary: stStr("s")}, []string{"body"}},
		{"summary NULL", fixture.ColumnPost{Title: "x", Body: stStr("b")}, []string{"summary"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := stFailWrite(t, db, func(tx *memrel.Txn) error {
				_, err := db.posts.Create(tx, tc.post)
				return err
			})
			var ve *memrel.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "Post", ve.Model)
			var fields []string
			for _, it := range ve.Items {
				fields = append(fields, it.Field)
				require.NotEmpty(t, it.Message)
				require.Nil(t, it.Value)
			}
			require.ElementsMatch(t, tc.fields, fields)
			for _, f := range tc.fields {
				require.Contains(t, err.Error(), f)
			}
		})
	}
	// The failures took no id.
	require.Equal(t, int64(2), stCreatePost(t, db, stNewPost("next")).ID)

	// notnull on every nullable representation.
	type stReq struct {
		ID int64
		A  sql.Null[string] `memrel:",notnull"`
		B  *int64           `memrel:",notnull"`
		C  []byte           `memrel:",null,notnull"`
		D  *time.Time
	}
	s := memrel.NewSchema()
	reqs := memrel.Define[stReq](s, "Req")
	rdb, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, rdb.Update(func(tx *memrel.Txn) error {
		_, err := reqs.Create(tx, stReq{})
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve)
		var fields []string
		for _, it := range ve.Items {
			fields = append(fields, it.Field)
		}
		require.ElementsMatch(t, []string{"a", "b", "c"}, fields)
		v, err := reqs.Create(tx, stReq{A: sql.Null[string]{Valid: true}, B: stInt(0), C: []byte{}})
		require.NoError(t, err)
		require.Equal(t, int64(1), v.ID, "the failed create took an id")
		all, err := reqs.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, all, 1)
		return nil
	}))
}

// An auto-increment key must not wrap around when the sequence passes the
// maximum of its type: the create fails instead (PostgreSQL: "nextval:
// reached maximum value of sequence").
func TestModel_Create_AutoIncrementOverflowFails(t *testing.T) {
	type stTiny struct {
		ID   int8
		Name string
	}
	type stByte struct {
		ID   uint8
		Name string
	}
	type stWide struct {
		ID   int64
		Name string
	}
	s := memrel.NewSchema()
	tiny := memrel.Define[stTiny](s, "Tiny")
	u8 := memrel.Define[stByte](s, "Byte")
	wide := memrel.Define[stWide](s, "Wide")
	db, err := s.Open()
	require.NoError(t, err)
	cases := []struct {
		name string
		max  func(tx *memrel.Txn) error
		next func(tx *memrel.Txn) (any, error)
	}{
		{"int8", func(tx *memrel.Txn) error { _, err := tiny.Create(tx, stTiny{ID: math.MaxInt8}); return err },
			func(tx *memrel.Txn) (any, error) { v, err := tiny.Create(tx, stTiny{Name: "next"}); return v.ID, err }},
		{"uint8", func(tx *memrel.Txn) error { _, err := u8.Create(tx, stByte{ID: math.MaxUint8}); return err },
			func(tx *memrel.Txn) (any, error) { v, err := u8.Create(tx, stByte{Name: "next"}); return v.ID, err }},
		{"int64", func(tx *memrel.Txn) error { _, err := wide.Create(tx, stWide{ID: math.MaxInt64}); return err },
			func(tx *memrel.Txn) (any, error) { v, err := wide.Create(tx, stWide{Name: "next"}); return v.ID, err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				require.NoError(t, tc.max(tx))
				id, err := tc.next(tx)
				require.ErrorIs(t, err, memrel.ErrSequenceExhausted, "the sequence wrapped around: the next id is %v", id)
				return nil
			}))
		})
	}
}

func TestModel_NoAliasing(t *testing.T) {
	db := stSetup(t)
	at := time.Date(2024, 5, 6, 7, 8, 9, 10, time.UTC)
	in := stNewPost("orig")
	in.Slug = stStr("slug")
	in.Data = []byte("data")
	in.Blob = []byte("blob")
	in.When = &at
	in.Rank = stInt(5)
	in.Score = sql.Null[int64]{V: 9, Valid: true}

	var created fixture.ColumnPost
	stUpdate(t, db, func(tx *memrel.Txn) {
		var err error
		created, err = db.posts.Create(tx, in)
		require.NoError(t, err)
	})
	want := stDump(t, db)

	// Mutating the value passed to Create, after the call.
	*in.Slug = "changed"
	*in.Body = "changed"
	in.Data[0] = 'X'
	in.Blob[0] = 'X'
	*in.When = at.Add(time.Hour)
	*in.Rank = 99
	require.Equal(t, want, stDump(t, db), "the value passed to Create is shared with the store")

	// Mutating the value Create returned.
	*created.Slug = "changed"
	*created.Note = "changed"
	created.Data[0] = 'Y'
	created.Blob[0] = 'Y'
	*created.When = at.Add(2 * time.Hour)
	*created.Rank = 98
	require.Equal(t, want, stDump(t, db), "the value Create returned is shared with the store")

	mutate := func(p *fixture.ColumnPost) {
		*p.Slug = "mut"
		*p.Body = "mut"
		*p.Summary = "mut"
		*p.Note = "mut"
		p.Data[0] = 'Z'
		p.Blob[0] = 'Z'
		*p.When = at.Add(3 * time.Hour)
		*p.Rank = 97
		p.Title = "mut"
	}
	stView(t, db, func(tx *memrel.Txn) {
		p, ok, err := db.posts.FindByPK(tx, created.ID)
		require.NoError(t, err)
		require.True(t, ok)
		mutate(&p)
		one, ok, err := db.posts.FindOne(tx, &memrel.Options{Where: query.Eq("slug", "slug")})
		require.NoError(t, err)
		require.True(t, ok)
		mutate(&one)
		all, err := db.posts.FindAll(tx, nil)
		require.NoError(t, err)
		mutate(&all[0])
		// The copies of one transaction do not alias each other either.
		again, _, err := db.posts.FindByPK(tx, created.ID)
		require.NoError(t, err)
		require.Equal(t, want.Posts[0], again)
	})
	require.Equal(t, want, stDump(t, db), "a returned value is shared with the store")

	// Update: neither its input nor its result aliases the store.
	upd := want.Posts[0]
	upd.Data = []byte("new data")
	upd.Slug = stStr("new")
	var updated fixture.ColumnPost
	stUpdate(t, db, func(tx *memrel.Txn) {
		var err error
		updated, err = db.posts.Update(tx, upd)
		require.NoError(t, err)
	})
	want = stDump(t, db)
	require.Equal(t, "new", *want.Posts[0].Slug)
	upd.Data[0] = 'Q'
	*upd.Slug = "q"
	mutate(&updated)
	require.Equal(t, want, stDump(t, db), "Update's input or result is shared with the store")

	// UpdateAll with a byte slice keeps its own copy.
	b := []byte("bulk")
	stUpdate(t, db, func(tx *memrel.Txn) {
		n, err := db.posts.UpdateAll(tx, query.Cond{}, map[string]any{"data": b})
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
	want = stDump(t, db)
	b[0] = 'X'
	require.Equal(t, want, stDump(t, db), "UpdateAll's value is shared with the store")
	require.Equal(t, []byte("bulk"), want.Posts[0].Data)
}

func TestModel_Create_NonColumnFieldsNotStored(t *testing.T) {
	type stMixed struct {
		ID    int64
		Name  *string
		Extra []string `memrel:"-"`
		note  *string
	}
	s := memrel.NewSchema()
	m := memrel.Define[stMixed](s, "Mixed")
	db, err := s.Open()
	require.NoError(t, err)
	name, note := "n", "secret"
	in := stMixed{Name: &name, Extra: []string{"x"}, note: &note}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := m.Create(tx, in)
		require.NoError(t, err)
		require.Nil(t, got.Extra, "a field tagged - is not stored")
		require.Nil(t, got.note, "an unexported field is not stored")
		require.NotSame(t, &name, got.Name, "pointer columns are copied")
		return nil
	}))
	name = "changed"
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, ok, err := m.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "n", *got.Name)
		require.Nil(t, got.Extra)
		return nil
	}))
}

// Keys of 32 bytes or more take the write-set's other map: the same
// reads-after-writes must hold for them inside one transaction.
func TestTxn_LongStringKeys_ReadsAfterWrites(t *testing.T) {
	type stDoc struct {
		Key   string `memrel:"key,pk"`
		Title string
	}
	s := memrel.NewSchema()
	docs := memrel.Define[stDoc](s, "Doc")
	db, err := s.Open()
	require.NoError(t, err)
	long := func(c string) string { return strings.Repeat(c, 40) }
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := docs.Create(tx, stDoc{Key: long("a"), Title: "a"})
		require.NoError(t, err)
		_, err = docs.Create(tx, stDoc{Key: long("a"), Title: "again"})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue, "the collision is seen inside the transaction")
		_, err = docs.UpdateKey(tx, long("a"), stDoc{Key: long("b"), Title: "b"})
		require.NoError(t, err)
		_, ok, err := docs.FindByPK(tx, long("a"))
		require.NoError(t, err)
		require.False(t, ok, "the old key is gone")
		got, ok, err := docs.FindByPK(tx, long("b"))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "b", got.Title)
		require.ErrorIs(t, docs.DestroyKey(tx, long("a")), memrel.ErrNotFound)
		require.NoError(t, docs.DestroyKey(tx, long("b")))
		_, err = docs.Create(tx, stDoc{Key: long("b"), Title: "b2"})
		require.NoError(t, err, "a deleted key can be used again")
		return nil
	}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		all, err := docs.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []stDoc{{Key: long("b"), Title: "b2"}}, all)
		return nil
	}))
}
