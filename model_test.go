package memrel_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

func TestModel_Define_ColumnNames(t *testing.T) {
	db := stSetup(t)
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.users.Create(tx, fixture.ColumnUser{PostID: 7, URLPath: "/a", Login: "ann"})
		require.NoError(t, err)
		_, err = db.users.Create(tx, fixture.ColumnUser{PostID: 8, URLPath: "/b", Login: "bob"})
		require.NoError(t, err)
	})
	cases := []struct {
		name string
		cond query.Cond
		want string
	}{
		{"ID as id", query.Eq("id", 2), "bob"},
		{"ID by Go name", query.Eq("ID", 2), "bob"},
		{"PostID as postId", query.Eq("postId", 7), "ann"},
		{"PostID by Go name", query.Eq("PostID", 7), "ann"},
		{"URLPath as urlPath", query.Eq("urlPath", "/b"), "bob"},
		{"explicit column name", query.Eq("user_login", "ann"), "ann"},
		{"explicit column by Go name", query.Eq("Login", "bob"), "bob"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				got, err := db.users.FindAll(tx, &memrel.Options{Where: tc.cond})
				require.NoError(t, err)
				require.Len(t, got, 1)
				require.Equal(t, tc.want, got[0].Login)
			})
		})
	}
	// Names that are not columns: the default spelling of a renamed field,
	// and Go-style spellings that are neither.
	for _, name := range []string{"login", "post_id", "postID", "urlpath"} {
		t.Run("unknown "+name, func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				_, err := db.users.FindAll(tx, &memrel.Options{Where: query.Eq(name, 1)})
				require.ErrorIs(t, err, memrel.ErrUnknownField)
			})
		})
	}
}

func TestModel_Create_FieldTypesRoundTrip(t *testing.T) {
	db := stSetup(t)
	at := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
	when := time.Date(1960, 1, 1, 0, 0, 0, 5, time.UTC)
	in := fixture.ColumnPost{
		Title: "all", Slug: stStr("s"), Body: stStr("b"), Summary: stStr("sum"),
		Views: 11, Kind: "k", Flag: true,
		Score: sql.Null[int64]{V: -4, Valid: true}, Level: sql.Null[int64]{V: 0, Valid: true},
		Note: stStr(""), Data: []byte{0, 1, 0, 255}, Blob: []byte{}, At: at, When: &when,
		Rating: -2.5, Ratio: 0.25, Small: -128, Mid: -32768, Big: -2147483648,
		U: 4294967295, UB: 18446744073709551615, Rank: stInt(-3),
	}
	got := stCreatePost(t, db, in)
	want := in
	want.ID = 1
	require.Equal(t, want, got)
	stView(t, db, func(tx *memrel.Txn) {
		found, ok, err := db.posts.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, want, found)
	})

	// Every column can be found by its value.
	conds := []query.Cond{
		query.Eq("score", -4), query.Eq("level", 0), query.Eq("note", ""),
		query.Eq("data", []byte{0, 1, 0, 255}), query.NotNull("blob"),
		query.Eq("at", at.In(time.FixedZone("x", 3600))), query.Lt("when", at),
		query.Eq("rating", -2.5), query.Eq("ratio", 0.25), query.Eq("small", -128),
		query.Lt("small", -127), query.Eq("mid", -32768), query.Eq("big", int32(-2147483648)),
		query.Eq("u", uint32(4294967295)), query.Gt("u", 1), query.Eq("ub", uint64(18446744073709551615)),
		query.Eq("flag", true), query.Lt("rank", 0),
	}
	for _, c := range conds {
		t.Run(c.Field(), func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				n, err := db.posts.Count(tx, &memrel.Options{Where: c})
				require.NoError(t, err)
				require.Equal(t, 1, n)
			})
		})
	}
}

func TestModel_Create_NullableFields(t *testing.T) {
	db := stSetup(t)
	p := stNewPost("nulls")
	p.Level = sql.Null[int64]{V: 5, Valid: true}
	stCreatePost(t, db, p) // Score, Slug, When, Rank, Blob NULL; Data empty but not NULL
	cases := []struct {
		field string
		null  bool
	}{
		{"score", true}, {"slug", true}, {"when", true}, {"rank", true}, {"blob", true},
		{"level", false}, {"data", false}, {"title", false}, {"views", false},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			stView(t, db, func(tx *memrel.Txn) {
				n, err := db.posts.Count(tx, &memrel.Options{Where: query.IsNull(tc.field)})
				require.NoError(t, err)
				m, err := db.posts.Count(tx, &memrel.Options{Where: query.NotNull(tc.field)})
				require.NoError(t, err)
				if tc.null {
					require.Equal(t, []int{1, 0}, []int{n, m})
				} else {
					require.Equal(t, []int{0, 1}, []int{n, m})
				}
			})
		})
	}
}

func TestModel_Create_Defaults(t *testing.T) {
	db := stSetup(t)
	got := stCreatePost(t, db, stNewPost("defaults"))
	require.Equal(t, int64(7), got.Views)
	require.Equal(t, "plain", got.Kind)
	require.True(t, got.Flag)
	require.Equal(t, sql.Null[int64]{V: 3, Valid: true}, got.Level)
	require.NotNil(t, got.Note)
	require.Equal(t, "hello", *got.Note)
	require.False(t, got.Score.Valid, "a column without default stays NULL")

	// Explicit values are kept; a non-NULL zero in a nullable field too.
	p := stNewPost("explicit")
	p.Views, p.Kind = 5, "k"
	p.Level = sql.Null[int64]{V: 0, Valid: true}
	p.Note = stStr("")
	got = stCreatePost(t, db, p)
	require.Equal(t, int64(5), got.Views)
	require.Equal(t, "k", got.Kind)
	require.Equal(t, sql.Null[int64]{V: 0, Valid: true}, got.Level)
	require.Equal(t, "", *got.Note)

	// What Create returns is what is stored.
	snap := stDump(t, db)
	require.Equal(t, got, snap.Posts[1])
	require.Equal(t, int64(7), snap.Posts[0].Views)
	require.Equal(t, "hello", *snap.Posts[0].Note)
}

func TestModel_Define_PrimaryKeyVariants(t *testing.T) {
	type stSeq struct {
		Num  int64 `memrel:",pk,autoinc"`
		Name string
	}
	type stCode struct {
		Code int32 `memrel:",pk"`
		Name string
	}
	type stUnsigned struct {
		ID   uint16
		Name string
	}
	s := memrel.NewSchema()
	seqs := memrel.Define[stSeq](s, "")
	codes := memrel.Define[stCode](s, "")
	uns := memrel.Define[stUnsigned](s, "")
	require.Equal(t, "stSeq", seqs.Name())
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for i := int64(1); i <= 3; i++ {
			v, err := seqs.Create(tx, stSeq{Name: "x"})
			require.NoError(t, err)
			require.Equal(t, i, v.Num)
			require.Equal(t, i, seqs.Key(v))
			u, err := uns.Create(tx, stUnsigned{Name: "x"})
			require.NoError(t, err)
			require.Equal(t, uint16(i), u.ID)
			require.Equal(t, uint64(i), uns.Key(u))
		}
		// A pk without autoinc keeps the zero value as a key.
		c, err := codes.Create(tx, stCode{Name: "zero"})
		require.NoError(t, err)
		require.Equal(t, int32(0), c.Code)
		_, err = codes.Create(tx, stCode{Name: "zero again"})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue)
		_, err = codes.Create(tx, stCode{Code: -5, Name: "neg"})
		require.NoError(t, err)
		got, ok, err := codes.FindByPK(tx, -5)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "neg", got.Name)
		require.Equal(t, int64(-5), codes.Key(got))
		return nil
	}))
}

func TestModel_FindByPK(t *testing.T) {
	db := stSetup(t)
	stCreatePost(t, db, stNewPost("one"))
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "go"})
		require.NoError(t, err)
	})
	stView(t, db, func(tx *memrel.Txn) {
		for _, key := range []any{int64(1), 1, int32(1), uint8(1)} {
			p, ok, err := db.posts.FindByPK(tx, key)
			require.NoError(t, err, "key %T", key)
			require.True(t, ok, "key %T", key)
			require.Equal(t, "one", p.Title)
		}
		p, ok, err := db.posts.FindByPK(tx, 2)
		require.NoError(t, err)
		require.False(t, ok)
		require.Zero(t, p)

		for _, key := range []any{"1", nil, 1.5, []byte{1}, true} {
			_, ok, err = db.posts.FindByPK(tx, key)
			require.ErrorIs(t, err, memrel.ErrBadKey, "key %#v", key)
			require.False(t, ok)
		}

		tag, ok, err := db.tags.FindByPK(tx, "go")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "go", tag.Name)
		_, ok, err = db.tags.FindByPK(tx, "Go")
		require.NoError(t, err)
		require.False(t, ok)
		_, _, err = db.tags.FindByPK(tx, 1)
		require.ErrorIs(t, err, memrel.ErrBadKey)
	})
}

func TestModel_FindOneFindAllCount(t *testing.T) {
	db := stSetup(t)
	for _, title := range []string{"c", "a", "b", "a"} {
		stCreatePost(t, db, stNewPost(title))
	}
	stView(t, db, func(tx *memrel.Txn) {
		all, err := db.posts.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []int64{1, 2, 3, 4}, stPostIDs(all))
		all, err = db.posts.FindAll(tx, &memrel.Options{})
		require.NoError(t, err)
		require.Equal(t, []int64{1, 2, 3, 4}, stPostIDs(all))

		p, ok, err := db.posts.FindOne(tx, &memrel.Options{Where: query.Eq("title", "a")})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(2), p.ID)
		p, ok, err = db.posts.FindOne(tx, &memrel.Options{Where: query.Eq("title", "a"), Order: []query.Order{query.Desc("id")}})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(4), p.ID)
		p, ok, err = db.posts.FindOne(tx, &memrel.Options{Order: []query.Order{query.Asc("title")}, Offset: 1})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(4), p.ID)
		p, ok, err = db.posts.FindOne(tx, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(1), p.ID)
		p, ok, err = db.posts.FindOne(tx, &memrel.Options{Where: query.Eq("title", "zz")})
		require.NoError(t, err)
		require.False(t, ok)
		require.Zero(t, p)

		none, err := db.posts.FindAll(tx, &memrel.Options{Where: query.Eq("title", "zz")})
		require.NoError(t, err)
		require.Empty(t, none)

		n, err := db.posts.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 4, n)
		n, err = db.posts.Count(tx, &memrel.Options{Where: query.Eq("title", "a")})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = db.posts.Count(tx, &memrel.Options{Where: query.Eq("title", "zz")})
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = db.posts.Count(tx, &memrel.Options{Where: query.Eq("nope", 1)})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		_, _, err = db.posts.FindOne(tx, &memrel.Options{Where: query.Eq("nope", 1)})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
	})
}

// Count counts the rows matching Where, as its documentation says and as
// Sequelize's count does (it drops limit, offset and order).
func TestModel_Count_IgnoresLimitOffsetOrder(t *testing.T) {
	db := stSetup(t)
	for range 5 {
		stCreatePost(t, db, stNewPost("p"))
	}
	stView(t, db, func(tx *memrel.Txn) {
		for _, o := range []*memrel.Options{{Limit: 2}, {Offset: 3}, {Offset: 1, Limit: 1}, {Offset: 9}} {
			n, err := db.posts.Count(tx, o)
			require.NoError(t, err)
			require.Equal(t, 5, n, "Count with limit %d offset %d", o.Limit, o.Offset)
		}
	})
}

func TestModel_Update(t *testing.T) {
	db := stSetup(t)
	p := stCreatePost(t, db, stNewPost("old"))
	q := stNewPost("other")
	q.Slug = stStr("taken")
	stCreatePost(t, db, q)

	p.Title = "new"
	p.Views = 0 // defaults apply on Create only
	stUpdate(t, db, func(tx *memrel.Txn) {
		got, err := db.posts.Update(tx, p)
		require.NoError(t, err)
		require.Equal(t, p, got)
	})
	snap := stDump(t, db)
	require.Equal(t, p, snap.Posts[0])

	t.Run("missing", func(t *testing.T) {
		m := stNewPost("missing")
		m.ID = 42
		err := stFailWrite(t, db, func(tx *memrel.Txn) error {
			_, err := db.posts.Update(tx, m)
			return err
		})
		require.ErrorIs(t, err, memrel.ErrNotFound)
		var nf *memrel.NotFoundError
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "Post", nf.Model)
		require.EqualValues(t, 42, nf.Key)
	})
	t.Run("not null", func(t *testing.T) {
		bad := p
		bad.Body, bad.Summary = nil, nil
		err := stFailWrite(t, db, func(tx *memrel.Txn) error {
			_, err := db.posts.Update(tx, bad)
			return err
		})
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Items, 2)
	})
	t.Run("unique", func(t *testing.T) {
		bad := p
		bad.Slug = stStr("taken")
		err := stFailWrite(t, db, func(tx *memrel.Txn) error {
			_, err := db.posts.Update(tx, bad)
			return err
		})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue)
		require.Equal(t, []string{"slug"}, ue.Fields)
	})
	t.Run("keeping its own unique value", func(t *testing.T) {
		q2 := stDump(t, db).Posts[1]
		q2.Title = "still taken"
		stUpdate(t, db, func(tx *memrel.Txn) {
			_, err := db.posts.Update(tx, q2)
			require.NoError(t, err)
		})
		require.Equal(t, "still taken", stDump(t, db).Posts[1].Title)
	})
}

func TestModel_UpdateKey(t *testing.T) {
	db := stSetup(t)
	p := stCreatePost(t, db, stNewPost("one"))
	stCreatePost(t, db, stNewPost("two"))

	p.ID = 200
	p.Title = "moved"
	stUpdate(t, db, func(tx *memrel.Txn) {
		got, err := db.posts.UpdateKey(tx, int64(1), p)
		require.NoError(t, err)
		require.Equal(t, int64(200), got.ID)
		_, ok, err := db.posts.FindByPK(tx, 1)
		require.NoError(t, err)
		require.False(t, ok, "the old key is still present")
		got, ok, err = db.posts.FindByPK(tx, 200)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "moved", got.Title)
	})
	require.Equal(t, []int64{2, 200}, stPostIDs(stDump(t, db).Posts))

	cases := []struct {
		name  string
		key   any
		newID int64
		check func(t *testing.T, err error)
	}{
		{"collision", int64(200), 2, func(t *testing.T, err error) {
			var ue *memrel.UniqueConstraintError
			require.ErrorAs(t, err, &ue)
			require.Equal(t, []string{"id"}, ue.Fields)
			require.Equal(t, int64(2), ue.Value)
		}},
		{"missing", int64(1), 300, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrNotFound)
			var nf *memrel.NotFoundError
			require.ErrorAs(t, err, &nf)
		}},
		{"bad key", "200", 300, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrBadKey)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := p
			v.ID = tc.newID
			err := stFailWrite(t, db, func(tx *memrel.Txn) error {
				_, err := db.posts.UpdateKey(tx, tc.key, v)
				return err
			})
			tc.check(t, err)
		})
	}

	// A string key moves too.
	stUpdate(t, db, func(tx *memrel.Txn) {
		_, err := db.tags.Create(tx, fixture.ColumnTag{Name: "a"})
		require.NoError(t, err)
		_, err = db.tags.Create(tx, fixture.ColumnTag{Name: "b"})
		require.NoError(t, err)
		_, err = db.tags.UpdateKey(tx, "a", fixture.ColumnTag{Name: "c"})
		require.NoError(t, err)
	})
	require.Equal(t, []fixture.ColumnTag{{Name: "b"}, {Name: "c"}}, stDump(t, db).Tags)
	err := stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.tags.UpdateKey(tx, "b", fixture.ColumnTag{Name: "c"})
		return err
	})
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
}

func TestModel_Destroy(t *testing.T) {
	db := stSetup(t)
	for _, title := range []string{"a", "b", "c"} {
		stCreatePost(t, db, stNewPost(title))
	}
	stUpdate(t, db, func(tx *memrel.Txn) {
		p, _, err := db.posts.FindByPK(tx, 2)
		require.NoError(t, err)
		require.NoError(t, db.posts.Destroy(tx, p))
		require.NoError(t, db.posts.DestroyKey(tx, 3))
	})
	require.Equal(t, []int64{1}, stPostIDs(stDump(t, db).Posts))

	cases := []struct {
		name string
		fn   func(tx *memrel.Txn) error
		is   error
	}{
		{"Destroy missing", func(tx *memrel.Txn) error { return db.posts.Destroy(tx, fixture.ColumnPost{ID: 2}) }, memrel.ErrNotFound},
		{"DestroyKey missing", func(tx *memrel.Txn) error { return db.posts.DestroyKey(tx, 3) }, memrel.ErrNotFound},
		{"DestroyKey bad key", func(tx *memrel.Txn) error { return db.posts.DestroyKey(tx, "1") }, memrel.ErrBadKey},
		{"DestroyKey nil key", func(tx *memrel.Txn) error { return db.posts.DestroyKey(tx, nil) }, memrel.ErrBadKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := stFailWrite(t, db, tc.fn)
			require.ErrorIs(t, err, tc.is)
		})
	}
	err := stFailWrite(t, db, func(tx *memrel.Txn) error { return db.posts.DestroyKey(tx, 9) })
	var nf *memrel.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Equal(t, "Post", nf.Model)
	require.Contains(t, err.Error(), "9")
}

func TestModel_UpdateAll(t *testing.T) {
	db := stSetup(t)
	for i, title := range []string{"a", "b", "c", "d"} {
		p := stNewPost(title)
		p.Views = int64(10 * (i + 1))
		p.Slug = stStr("slug-" + title)
		stCreatePost(t, db, p)
	}
	stUpdate(t, db, func(tx *memrel.Txn) {
		n, err := db.posts.UpdateAll(tx, query.Gt("views", 15), map[string]any{"title": "big", "Rank": 5, "score": int64(1)})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		n, err = db.posts.UpdateAll(tx, query.Eq("title", "zz"), map[string]any{"title": "none"})
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = db.posts.UpdateAll(tx, query.Eq("id", 4), map[string]any{"rank": nil})
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
	snap := stDump(t, db)
	var titles []string
	var ranks []*int64
	for _, p := range snap.Posts {
		titles = append(titles, p.Title)
		ranks = append(ranks, p.Rank)
	}
	require.Equal(t, []string{"a", "big", "big", "big"}, titles)
	require.Equal(t, []*int64{nil, stInt(5), stInt(5), nil}, ranks)
	require.Equal(t, sql.Null[int64]{V: 1, Valid: true}, snap.Posts[1].Score)

	cases := []struct {
		name  string
		where query.Cond
		set   map[string]any
		check func(t *testing.T, err error)
	}{
		{"unknown set field", query.Cond{}, map[string]any{"nope": 1}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrUnknownField)
			var fe *memrel.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "Post", fe.Model)
			require.Equal(t, "nope", fe.Field)
		}},
		{"unknown where field", query.Eq("nope", 1), map[string]any{"title": "x"}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrUnknownField)
		}},
		{"bad value", query.Cond{}, map[string]any{"views": "many"}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrBadValue)
		}},
		{"out of range", query.Cond{}, map[string]any{"small": 300}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, memrel.ErrBadValue)
		}},
		{"NULL into plain field", query.Cond{}, map[string]any{"title": nil}, func(t *testing.T, err error) {
			var ve *memrel.ValidationError
			require.ErrorAs(t, err, &ve)
		}},
		{"NULL into notnull pointer", query.Gt("id", 1), map[string]any{"body": nil, "summary": nil}, func(t *testing.T, err error) {
			var ve *memrel.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, it := range ve.Items {
				fields = append(fields, it.Field)
			}
			require.ElementsMatch(t, []string{"body", "summary"}, fields)
		}},
		// The first rows change fine; the collision comes later and all
		// of it must be undone.
		{"unique collision on a later row", query.Cond{}, map[string]any{"slug": "same"}, func(t *testing.T, err error) {
			var ue *memrel.UniqueConstraintError
			require.ErrorAs(t, err, &ue)
		}},
		{"primary key collision", query.Gt("id", 2), map[string]any{"id": 1}, func(t *testing.T, err error) {
			var ue *memrel.UniqueConstraintError
			require.ErrorAs(t, err, &ue)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := stFailWrite(t, db, func(tx *memrel.Txn) error {
				_, err := db.posts.UpdateAll(tx, tc.where, tc.set)
				return err
			})
			tc.check(t, err)
		})
	}
}

func TestModel_DestroyAll(t *testing.T) {
	db := stSetup(t)
	for i := range 5 {
		p := stNewPost("p")
		p.Views = int64(i + 1)
		stCreatePost(t, db, p)
	}
	stUpdate(t, db, func(tx *memrel.Txn) {
		n, err := db.posts.DestroyAll(tx, query.Between("views", 2, 3))
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = db.posts.DestroyAll(tx, query.Eq("views", 99))
		require.NoError(t, err)
		require.Zero(t, n)
	})
	require.Equal(t, []int64{1, 4, 5}, stPostIDs(stDump(t, db).Posts))
	err := stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.DestroyAll(tx, query.Eq("nope", 1))
		return err
	})
	require.ErrorIs(t, err, memrel.ErrUnknownField)
	err = stFailWrite(t, db, func(tx *memrel.Txn) error {
		_, err := db.posts.DestroyAll(tx, query.Eq("views", "x"))
		return err
	})
	require.ErrorIs(t, err, memrel.ErrBadValue)
	stUpdate(t, db, func(tx *memrel.Txn) {
		n, err := db.posts.DestroyAll(tx, query.Cond{})
		require.NoError(t, err)
		require.Equal(t, 3, n)
	})
	require.Empty(t, stDump(t, db).Posts)
}
