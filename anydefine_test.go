package memrel_test

import (
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

func anyTags(s *memrel.Schema, opts ...memrel.ModelOption) *memrel.AnyModel {
	return memrel.DefineAny(s, "Tag", []memrel.Column{
		{Name: "id", Type: memrel.TypeInt},
		{Name: "name", Type: memrel.TypeString, Unique: true},
		{Name: "color", Type: memrel.TypeString, Nullable: true, Default: "grey"},
		{Name: "blob", Type: memrel.TypeBytes, Nullable: true},
		{Name: "rank", Type: memrel.TypeUint, Indexed: true},
		{Name: "createdAt", Type: memrel.TypeTime},
		{Name: "updatedAt", Type: memrel.TypeTime},
	}, opts...)
}

func TestDefineAny_ColumnsAndTheTypedRules(t *testing.T) {
	s := memrel.NewSchema()
	tags := anyTags(s, memrel.Timestamps())
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	db, err := s.Open(memrel.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	require.Equal(t, memrel.Column{Name: "id", GoName: "F0", Type: memrel.TypeInt, PK: true, AutoInc: true}, tags.Columns()[0],
		"an integer id is the auto-increment key, as in a typed model")
	require.Equal(t, memrel.Column{Name: "color", GoName: "F2", Type: memrel.TypeString, Nullable: true, Default: "grey"}, tags.Columns()[2])
	require.Equal(t, memrel.Column{Name: "rank", GoName: "F4", Type: memrel.TypeUint, Indexed: true}, tags.Columns()[4])
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := tags.Create(tx, memrel.Row{"name": "go", "blob": []byte{1}})
		require.NoError(t, err)
		require.Equal(t, memrel.Row{"id": int64(1), "name": "go", "color": "grey", "blob": []byte{1}, "rank": uint64(0),
			"createdAt": at, "updatedAt": at}, got, "the default, the timestamps")
		_, err = tags.Create(tx, memrel.Row{"name": "go"})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue)
		_, err = tags.Create(tx, memrel.Row{"name": "db", "rank": 3})
		require.NoError(t, err)

		row, ok, err := tags.FindByPK(tx, 2)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "db", row["name"])
		_, ok, err = tags.FindByPK(tx, 9)
		require.NoError(t, err)
		require.False(t, ok)
		_, _, err = tags.FindByPK(tx, "x")
		require.ErrorIs(t, err, memrel.ErrBadKey)

		row, err = tags.Patch(tx, 2, memrel.Row{"color": nil})
		require.NoError(t, err)
		require.Nil(t, row["color"])
		require.Equal(t, "db", row["name"], "a patch writes only what it names")
		_, err = tags.Patch(tx, 9, memrel.Row{"color": "red"})
		require.ErrorIs(t, err, memrel.ErrNotFound)

		n, err := tags.UpdateAll(tx, query.Gt("rank", 1), memrel.Row{"rank": 5})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		rows, err := tags.FindAll(tx, &memrel.Options{Where: query.Eq("rank", 5)})
		require.NoError(t, err)
		require.Len(t, rows, 1)

		require.NoError(t, tags.DestroyKey(tx, 1))
		require.ErrorIs(t, tags.DestroyKey(tx, 1), memrel.ErrNotFound)
		n, err = tags.DestroyAll(tx, query.Cond{})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		return nil
	}))
}

func TestDefineAny_NotNull_RefusesNullOnWrite(t *testing.T) {
	s := memrel.NewSchema()
	m := memrel.DefineAny(s, "Room", []memrel.Column{
		{Name: "floor", Type: memrel.TypeInt, PK: true, NotNull: true},
		{Name: "number", Type: memrel.TypeInt, PK: true, NotNull: true},
		{Name: "name", Type: memrel.TypeString, NotNull: true},
		{Name: "seats", Type: memrel.TypeInt, NotNull: true, Default: int64(4)},
		{Name: "photo", Type: memrel.TypeBytes, NotNull: true},
	})
	db, err := s.Open()
	require.NoError(t, err)
	require.Equal(t, memrel.Column{Name: "name", GoName: "F2", Type: memrel.TypeString, NotNull: true}, m.Columns()[2])
	require.Equal(t, memrel.Column{Name: "floor", GoName: "F0", Type: memrel.TypeInt, NotNull: true, PK: true}, m.Columns()[0],
		"a key column given, never drawn")
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, memrel.Row{"number": 7, "seats": nil})
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve)
		var fields []string
		for _, it := range ve.Items {
			fields = append(fields, it.Field)
		}
		require.ElementsMatch(t, []string{"floor", "name", "photo"}, fields,
			"every NULL listed, left out or given as nil; seats takes its default")
		n, err := m.Count(tx, nil)
		require.NoError(t, err)
		require.Zero(t, n, "nothing stored")

		got, err := m.Create(tx, memrel.Row{"floor": 1, "number": 7, "name": "", "photo": []byte{}, "seats": nil})
		require.NoError(t, err, "the zero value is a value, not NULL")
		require.Equal(t, memrel.Row{"floor": int64(1), "number": int64(7), "name": "", "seats": int64(4), "photo": []byte{}}, got)
		_, err = m.Patch(tx, []any{1, 7}, memrel.Row{"name": nil})
		require.ErrorAs(t, err, &ve)
		return nil
	}))
}

func TestAnyModel_Columns_NotNullOfATypedModel(t *testing.T) {
	type Note struct {
		ID    int64
		Title *string `memrel:"title,notnull"`
		Body  *string
		Rank  int64 `memrel:"rank,notnull"`
	}
	s := memrel.NewSchema()
	memrel.Define[Note](s, "Note")
	m, ok := s.Model("Note")
	require.True(t, ok)
	cols := m.Columns()
	require.True(t, cols[1].NotNull, "a pointer tagged notnull can hold the NULL it refuses")
	require.False(t, cols[1].Nullable)
	require.True(t, cols[2].Nullable)
	require.False(t, cols[2].NotNull)
	require.False(t, cols[3].NotNull, "a plain value never holds NULL: the flag would say nothing")
}

func TestDefineAny_ProblemsAreReportedByOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		cols []memrel.Column
		want string
	}{
		{"no columns", nil, "no columns"},
		{"empty name", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Type: memrel.TypeString}}, "non-empty"},
		{"comma", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "a,b", Type: memrel.TypeString}}, "no comma"},
		{"twice", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "id", Type: memrel.TypeInt}}, "defined twice"},
		{"type", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "x", Type: 99}}, "unknown column type"},
		{"default", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "x", Type: memrel.TypeInt, Default: "seven"}}, "default"},
		{"no key", []memrel.Column{{Name: "x", Type: memrel.TypeString}}, "no primary key"},
		{"nullable and not null", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "x", Type: memrel.TypeInt, Nullable: true, NotNull: true}}, "not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memrel.NewSchema()
			memrel.DefineAny(s, "M", tc.cols)
			_, err := s.Open()
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	require.Nil(t, memrel.DefineAny(nil, "M", nil).Columns())
}
