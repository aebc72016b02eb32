package memrel_test

import (
	"math"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The write ops of SPEC N5–N8 beyond what the recorded scenarios pin:
// their typed errors, each leaving the store as it was.
type wrItem struct {
	ID    int64
	Slug  string `memrel:"slug,unique"`
	Code  *int64 `memrel:"code,unique"`
	Qty   int64
	Small int8
	Score *float64
	Name  string
}

func wrOpen(t *testing.T) (*memrel.Store, *memrel.Model[wrItem]) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.Define[wrItem](s, "Item")
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.BulkCreate(tx, []wrItem{{Slug: "a", Qty: 1, Small: 120}, {Slug: "b", Qty: math.MaxInt64}})
		return err
	}))
	return db, m
}

// wrFails runs fn, which must fail with target (errors.Is), and checks
// that the store is unchanged.
func wrFails(t *testing.T, db *memrel.Store, target error, fn func(tx *memrel.Txn) error) {
	t.Helper()
	before := snSave(t, db)
	err := db.Update(fn)
	require.ErrorIs(t, err, target)
	require.Equal(t, before, snSave(t, db), "the failed call changed the store")
}

func TestIncrement_TypedErrorsChangeNothing(t *testing.T) {
	db, m := wrOpen(t)
	all := query.Cond{}
	wrFails(t, db, memrel.ErrNotNumeric, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, all, map[string]any{"name": 1})
		return err
	})
	wrFails(t, db, memrel.ErrUnknownField, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, all, map[string]any{"nope": 1})
		return err
	})
	wrFails(t, db, memrel.ErrDuplicateField, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, all, map[string]any{"qty": 1, "Qty": 1})
		return err
	})
	wrFails(t, db, memrel.ErrBadValue, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, all, map[string]any{"qty": 1.5}) // an integer field takes whole amounts
		return err
	})
	wrFails(t, db, memrel.ErrBadValue, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, all, map[string]any{"qty": 1}) // row b overflows int64
		return err
	})
	wrFails(t, db, memrel.ErrBadValue, func(tx *memrel.Txn) error {
		_, err := m.Increment(tx, query.Eq("slug", "a"), map[string]any{"small": 8}) // 128 does not fit int8
		return err
	})
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		n, err := m.Decrement(tx, all, map[string]any{"qty": 1, "score": 2})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = m.IncrementKey(tx, int64(99), map[string]any{"qty": 1})
		require.NoError(t, err)
		require.Equal(t, 0, n, "a missing key changes no row and is no error")
		a, _, err := m.FindByPK(tx, int64(1))
		require.Equal(t, int64(0), a.Qty)
		require.Nil(t, a.Score, "NULL stays NULL")
		return err
	}))
}

func TestUpsert_ConflictKey(t *testing.T) {
	db, m := wrOpen(t)
	// slug and code both unique and both given: which row is meant?
	wrFails(t, db, memrel.ErrConflictKey, func(tx *memrel.Txn) error {
		_, _, err := m.Upsert(tx, wrItem{Slug: "a", Code: fixture.I64(7)}, nil)
		return err
	})
	wrFails(t, db, memrel.ErrConflictKey, func(tx *memrel.Txn) error {
		_, _, err := m.Upsert(tx, wrItem{Slug: "a"}, &memrel.UpsertOptions{OnConflict: []string{"qty"}})
		return err
	})
	wrFails(t, db, memrel.ErrUnknownField, func(tx *memrel.Txn) error {
		_, _, err := m.Upsert(tx, wrItem{Slug: "a"}, &memrel.UpsertOptions{Fields: []string{"nope"}})
		return err
	})
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, created, err := m.Upsert(tx, wrItem{Slug: "a", Code: fixture.I64(7), Qty: 5, Name: "x"},
			&memrel.UpsertOptions{OnConflict: []string{"slug"}, Fields: []string{"qty"}})
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, wrItem{ID: 1, Slug: "a", Qty: 5, Small: 120}, got, "only the named fields are written")
		got, created, err = m.Upsert(tx, wrItem{Slug: "c"}, nil)
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, int64(3), got.ID, "the update took no id")
		return nil
	}))
}

func TestFindOrCreate_OperatorsCannotSayWhatToCreate(t *testing.T) {
	db, m := wrOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, created, err := m.FindOrCreate(tx, query.Gt("qty", 0), wrItem{Slug: "z"})
		require.NoError(t, err)
		require.False(t, created, "an operator where still finds")
		require.Equal(t, int64(1), got.ID, "the first by primary key")
		got, created, err = m.FindOrCreate(tx, query.And(query.Eq("slug", "n"), query.Eq("qty", 4)), wrItem{Name: "d"})
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, wrItem{ID: 3, Slug: "n", Qty: 4, Name: "d"}, got, "defaults plus the where's equalities")
		return nil
	}))
	var ve *memrel.ValidationError
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, _, err := m.FindOrCreate(tx, query.Lt("qty", -5), wrItem{Slug: "z"})
		return err
	})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, before, snSave(t, db))
}

func TestBulkCreate_AllOrNothing(t *testing.T) {
	db, m := wrOpen(t)
	var ue *memrel.UniqueConstraintError
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.BulkCreate(tx, []wrItem{{Slug: "c"}, {Slug: "d"}, {Slug: "c"}}) // collides within the batch
		return err
	})
	require.ErrorAs(t, err, &ue)
	require.Equal(t, before, snSave(t, db))
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := m.BulkCreate(tx, []wrItem{{Slug: "c"}, {Slug: "d"}})
		require.Equal(t, []int64{3, 4}, []int64{got[0].ID, got[1].ID}, "the failed batch took no id")
		return err
	}))
}

// TestUpsert_FieldsDoNotNarrowTheConflictKey: the conflict key comes from
// the fields the value holds (its primary key here), Fields only limit
// what the update writes (found by the writes machine).
func TestUpsert_FieldsDoNotNarrowTheConflictKey(t *testing.T) {
	s := memrel.NewSchema()
	type row struct {
		ID    int64
		Slug  string `memrel:"slug,unique"`
		Views int64
		Note  string
	}
	rows := memrel.Define[row](s, "Row")
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := rows.Create(tx, row{Slug: "a", Views: 1, Note: "kept"}); err != nil {
			return err
		}
		got, created, err := rows.Upsert(tx, row{ID: 1, Slug: "a", Views: 5, Note: "new"}, &memrel.UpsertOptions{Fields: []string{"views"}})
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, row{ID: 1, Slug: "a", Views: 5, Note: "kept"}, got)
		return nil
	}))
}
