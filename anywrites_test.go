package memrel_test

import (
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// awAt is the time of every stamp.
var awAt = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// awOpen opens a store of one paranoid DefineAny model of scores.
func awOpen(t *testing.T) (*memrel.Store, *memrel.AnyModel) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.DefineAny(s, "Score", []memrel.Column{
		{Name: "id", Type: memrel.TypeInt},
		{Name: "name", Type: memrel.TypeString, Unique: true},
		{Name: "team", Type: memrel.TypeString, Nullable: true},
		{Name: "points", Type: memrel.TypeInt},
		{Name: "createdAt", Type: memrel.TypeTime},
		{Name: "updatedAt", Type: memrel.TypeTime},
		{Name: "deletedAt", Type: memrel.TypeTime, Nullable: true},
	}, memrel.Timestamps(), memrel.Paranoid())
	db, err := s.Open(memrel.WithClock(func() time.Time { return awAt }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, m
}

// awSeeded is awOpen's store holding a (red, 1), b (red, 2), c (blue, 4)
// and d (NULL, 8).
func awSeeded(t *testing.T) (*memrel.Store, *memrel.AnyModel) {
	t.Helper()
	db, m := awOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.BulkCreate(tx, []memrel.Row{
			{"name": "a", "team": "red", "points": 1}, {"name": "b", "team": "red", "points": 2},
			{"name": "c", "team": "blue", "points": 4}, {"name": "d", "points": 8}})
		return err
	}))
	return db, m
}

func TestAnyModel_BulkCreate_AllOrNothing(t *testing.T) {
	db, m := awOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := m.BulkCreate(tx, []memrel.Row{{"name": "a", "points": 1}, {"name": "b"}})
		require.NoError(t, err)
		require.Equal(t, []memrel.Row{
			{"id": int64(1), "name": "a", "team": nil, "points": int64(1), "createdAt": awAt, "updatedAt": awAt, "deletedAt": nil},
			{"id": int64(2), "name": "b", "team": nil, "points": int64(0), "createdAt": awAt, "updatedAt": awAt, "deletedAt": nil}}, got)
		return nil
	}))
	mark := memreltest.MarkState(t, db)
	for _, tc := range []struct {
		name string
		rows []memrel.Row
		as   any
	}{
		{"a unique clash between two new rows", []memrel.Row{{"name": "x"}, {"name": "x"}}, new(*memrel.UniqueConstraintError)},
		{"an unknown column", []memrel.Row{{"name": "y"}, {"nope": 1}}, new(*memrel.FieldError)},
		{"a value of the wrong type", []memrel.Row{{"name": "z", "points": "many"}}, new(*memrel.FieldError)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(func(tx *memrel.Txn) error { _, err := m.BulkCreate(tx, tc.rows); return err })
			require.ErrorAs(t, err, tc.as)
			mark.AssertUnchanged(t)
		})
	}
}

func TestAnyModel_Upsert_ConflictAmongTheColumnsGiven(t *testing.T) {
	db, m := awSeeded(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, created, err := m.Upsert(tx, memrel.Row{"name": "a", "points": 10}, nil)
		require.NoError(t, err)
		require.False(t, created, "name is unique and given: it conflicts")
		require.Equal(t, memrel.Row{"id": int64(1), "name": "a", "team": "red", "points": int64(10), "createdAt": awAt, "updatedAt": awAt, "deletedAt": nil}, got,
			"only the columns given are written")
		got, created, err = m.Upsert(tx, memrel.Row{"name": "e", "points": 3}, nil)
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, int64(5), got["id"])
		got, created, err = m.Upsert(tx, memrel.Row{"id": 2, "name": "b2", "points": 7},
			&memrel.UpsertOptions{OnConflict: []string{"id"}, Fields: []string{"points"}})
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, "b", got["name"], "Fields narrows what the update writes")
		require.Equal(t, int64(7), got["points"])
		return nil
	}))
	mark := memreltest.MarkState(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, _, err := m.Upsert(tx, memrel.Row{"name": "a", "points": 1}, &memrel.UpsertOptions{OnConflict: []string{"team"}})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrConflictKey)
	err = db.Update(func(tx *memrel.Txn) error {
		_, _, err := m.Upsert(tx, memrel.Row{"name": "a", "bogus": 1}, nil)
		return err
	})
	var fe *memrel.FieldError
	require.ErrorAs(t, err, &fe)
	mark.AssertUnchanged(t)
}

func TestAnyModel_FindOrCreate_FindsOrCreatesWithTheEqualities(t *testing.T) {
	db, m := awSeeded(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, created, err := m.FindOrCreate(tx, query.Eq("name", "c"), memrel.Row{"points": 99})
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, int64(4), got["points"])
		got, created, err = m.FindOrCreate(tx, query.Eq("name", "new"), memrel.Row{"points": 99})
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, memrel.Row{"id": int64(5), "name": "new", "team": nil, "points": int64(99), "createdAt": awAt, "updatedAt": awAt, "deletedAt": nil}, got)
		return nil
	}))
	mark := memreltest.MarkState(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, _, err := m.FindOrCreate(tx, query.Gt("points", 1000), memrel.Row{"name": "z"})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve, "a where without equalities cannot say what to create")
	mark.AssertUnchanged(t)
}

func TestAnyModel_Increment_ByWhereAndByKey(t *testing.T) {
	db, m := awSeeded(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		n, err := m.Increment(tx, query.Eq("team", "red"), map[string]any{"points": 10})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = m.Decrement(tx, query.Cond{}, map[string]any{"points": 1})
		require.NoError(t, err)
		require.Equal(t, 4, n)
		n, err = m.IncrementKey(tx, 3, map[string]any{"points": 5})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = m.DecrementKey(tx, 4, map[string]any{"points": 2})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = m.IncrementKey(tx, 99, map[string]any{"points": 2})
		require.NoError(t, err)
		require.Zero(t, n, "no such row")
		rows, err := m.FindAll(tx, &memrel.Options{Order: []query.Order{{Field: "id"}}})
		require.NoError(t, err)
		var pts []any
		for _, r := range rows {
			pts = append(pts, r["points"])
		}
		require.Equal(t, []any{int64(10), int64(11), int64(8), int64(5)}, pts)
		return nil
	}))
	mark := memreltest.MarkState(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, query.Cond{}, map[string]any{"name": 1})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotNumeric)
	mark.AssertUnchanged(t)
}

func TestAnyModel_Restore_BringsBackSoftDeletedRows(t *testing.T) {
	db, m := awSeeded(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		n, err := m.DestroyAll(tx, query.Eq("team", "red"))
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.NoError(t, m.DestroyKey(tx, 3))
		n, err = m.Restore(tx, query.Eq("team", "red"))
		require.NoError(t, err)
		require.Equal(t, 2, n)
		ok, err := m.RestoreKey(tx, 3)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = m.RestoreKey(tx, 3)
		require.NoError(t, err)
		require.False(t, ok, "not deleted any more")
		_, err = m.RestoreKey(tx, 42)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		c, err := m.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 4, c)
		return nil
	}))
}

func TestAnyModel_Restore_RefusesAModelThatIsNotParanoid(t *testing.T) {
	s := memrel.NewSchema()
	m := memrel.DefineAny(s, "Plain", []memrel.Column{{Name: "id", Type: memrel.TypeInt}})
	db, err := s.Open()
	require.NoError(t, err)
	err = db.Update(func(tx *memrel.Txn) error { _, err := m.Restore(tx, query.Cond{}); return err })
	require.ErrorIs(t, err, memrel.ErrNotParanoid)
}

func TestAnyModel_CountGroupsAndAggregates(t *testing.T) {
	db, m := awSeeded(t)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		gs, err := m.CountGroups(tx, nil, "team")
		require.NoError(t, err)
		require.Equal(t, []memrel.AnyGroup{
			{Row: memrel.Row{"team": "blue"}, Count: 1},
			{Row: memrel.Row{"team": "red"}, Count: 2},
			{Row: memrel.Row{"team": nil}, Count: 1}}, gs, "sorted, NULL last, only the group columns")
		sum, ok, err := m.Sum(tx, "points", &memrel.Options{Where: query.NotNull("team")})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(7), sum)
		avg, ok, err := m.Avg(tx, "points", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.InDelta(t, 3.75, avg, 1e-9)
		lo, ok, err := m.Min(tx, "name", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "a", lo)
		hi, ok, err := m.Max(tx, "points", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(8), hi)
		_, ok, err = m.Max(tx, "points", &memrel.Options{Where: query.Eq("name", "none")})
		require.NoError(t, err)
		require.False(t, ok, "no rows: no value")
		_, _, err = m.Sum(tx, "name", nil)
		require.ErrorIs(t, err, memrel.ErrNotNumeric)
		_, err = m.CountGroups(tx, nil, "nope")
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe)
		return nil
	}))
}
