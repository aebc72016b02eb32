package memrel_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

type amTag struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Color *string
	Blob  []byte `memrel:"blob,null"`
	Seen  time.Time
	Rank  uint16 `memrel:"rank,default=7"`
	Posts []amPost
}

type amPost struct {
	ID    int64
	TagID int64
}

func amOpen(t *testing.T) (*memrel.Schema, *memrel.Store, *memrel.HasMany[amTag, amPost]) {
	s := memrel.NewSchema()
	tags := memrel.Define[amTag](s, "Tag")
	posts := memrel.Define[amPost](s, "Post")
	hm := memrel.NewHasMany(tags, posts, memrel.HasManyOptions{})
	return s, fixture.MustOpen(t, s), hm
}

func TestAnyModel_ModelsAndColumns(t *testing.T) {
	s, db, _ := amOpen(t)
	require.Same(t, s, db.Schema())
	var names []string
	for _, m := range s.Models() {
		names = append(names, m.Name())
	}
	require.Equal(t, []string{"Tag", "Post"}, names)
	_, ok := s.Model("Nope")
	require.False(t, ok)
	tag, ok := s.Model("Tag")
	require.True(t, ok)
	require.Equal(t, []memrel.Column{
		{Name: "id", GoName: "ID", Type: memrel.TypeInt, PK: true, AutoInc: true},
		{Name: "name", GoName: "Name", Type: memrel.TypeString, Unique: true},
		{Name: "color", GoName: "Color", Type: memrel.TypeString, Nullable: true},
		{Name: "blob", GoName: "Blob", Type: memrel.TypeBytes, Nullable: true},
		{Name: "seen", GoName: "Seen", Type: memrel.TypeTime},
		{Name: "rank", GoName: "Rank", Type: memrel.TypeUint, Default: uint64(7)},
	}, tag.Columns())
	require.Equal(t, "time", memrel.TypeTime.String())
	var zero *memrel.AnyModel
	require.Empty(t, zero.Name())
	require.Nil(t, zero.Columns())
	require.Nil(t, (*memrel.Schema)(nil).Models())
}

func TestAnyModel_CreateFindCount(t *testing.T) {
	s, db, _ := amOpen(t)
	tag, _ := s.Model("Tag")
	post, _ := s.Model("Post")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := tag.Create(tx, memrel.Row{"name": "go", "Blob": []byte("x"), "seen": at})
		require.NoError(t, err)
		require.Equal(t, memrel.Row{"id": int64(1), "name": "go", "color": nil, "blob": []byte("x"),
			"seen": at, "rank": uint64(7)}, got, "Go names work too; the default fills rank")
		_, err = tag.Create(tx, memrel.Row{"name": "db", "color": "red", "rank": 2})
		require.NoError(t, err)
		_, err = post.Create(tx, memrel.Row{"tagId": int64(2)})
		require.NoError(t, err)
		return nil
	}))
	before := amSaved(t, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := tag.Create(tx, memrel.Row{"nope": 1})
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		_, err = tag.Create(tx, memrel.Row{"name": 5})
		require.ErrorIs(t, err, memrel.ErrBadValue)
		_, err = tag.Create(tx, memrel.Row{"name": "go"})
		var ue *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &ue)
		_, err = post.Create(tx, memrel.Row{"tagId": int64(9)})
		var fe *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, err, &fe)
		return nil
	}))
	require.Equal(t, before, amSaved(t, db), "failed creates change nothing")
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		rows, err := tag.FindAll(tx, &memrel.Options{Where: query.NotNull("color"), Order: []query.Order{query.Desc("name")}})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, "db", rows[0]["name"])
		require.Equal(t, uint64(2), rows[0]["rank"])
		all, err := tag.FindAll(tx, nil)
		require.NoError(t, err)
		all[0]["blob"].([]byte)[0] = 'y'
		again, err := tag.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []byte("x"), again[0]["blob"], "a Row does not share the stored bytes")
		n, err := tag.Count(tx, &memrel.Options{Where: query.Eq("name", "go")})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, err = tag.FindAll(tx, &memrel.Options{Include: []memrel.Include{{}}})
		var ae *memrel.AssociationError
		require.ErrorAs(t, err, &ae)
		var zero *memrel.AnyModel
		_, err = zero.FindAll(tx, nil)
		require.True(t, errors.Is(err, memrel.ErrWrongStore))
		return nil
	}))
}

// amSaved is db's snapshot: equal bytes, equal contents and sequences.
func amSaved(t *testing.T, db *memrel.Store) []byte {
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}
