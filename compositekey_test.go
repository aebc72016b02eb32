package memrel_test

import (
	"bytes"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Room has a composite primary key (building, number), as in the booking
// schema of SPEC N4.
type ckRoom struct {
	Building string `memrel:"building,pk"`
	Number   int64  `memrel:"number,pk"`
	Capacity int64
	Label    *string
}

func ckOpen(t *testing.T) (*memrel.Store, *memrel.Model[ckRoom]) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.Define[ckRoom](s, "Room")
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, r := range []ckRoom{{Building: "B", Number: 1}, {Building: "A", Number: 2}, {Building: "A", Number: 10, Capacity: 4}} {
			if _, err := m.Create(tx, r); err != nil {
				return err
			}
		}
		return nil
	}))
	return db, m
}

func ckAll(t *testing.T, db *memrel.Store, m *memrel.Model[ckRoom]) []ckRoom {
	t.Helper()
	return hoAll(t, db, m)
}

func TestCompositeKey_FindAll_OrdersByTheKeyFields(t *testing.T) {
	db, m := ckOpen(t)
	require.Equal(t, []ckRoom{{Building: "A", Number: 2}, {Building: "A", Number: 10, Capacity: 4}, {Building: "B", Number: 1}},
		ckAll(t, db, m), "building, then number as a number")
}

func TestCompositeKey_CRUD_ByKey(t *testing.T) {
	db, m := ckOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		require.Equal(t, memrel.Key{"A", int64(10)}, m.Key(ckRoom{Building: "A", Number: 10}))
		got, ok, err := m.FindByPK(tx, memrel.Key{"A", 10})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(4), got.Capacity)
		_, ok, err = m.FindByPK(tx, []any{"A", int64(10)})
		require.NoError(t, err)
		require.True(t, ok, "a []any of the values")
		_, ok, err = m.FindByPK(tx, memrel.Key{"A", 3})
		require.NoError(t, err)
		require.False(t, ok)

		_, err = m.UpdateKey(tx, memrel.Key{"A", 2}, ckRoom{Building: "A", Number: 2, Label: fixture.Str("x")})
		require.NoError(t, err)
		require.NoError(t, m.DestroyKey(tx, memrel.Key{"B", 1}))
		err = m.DestroyKey(tx, memrel.Key{"B", 1})
		var nf *memrel.NotFoundError
		require.ErrorAs(t, err, &nf)
		require.Equal(t, memrel.Key{"B", 1}, nf.Key, "the key as the caller gave it")
		require.Contains(t, err.Error(), "(B, 1)")

		// Finding by the whole key in a where is one seek, and finds the same.
		rows, err := m.FindAll(tx, &memrel.Options{Where: query.And(query.Eq("number", 10), query.Eq("building", "A"))})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		rows, err = m.FindAll(tx, &memrel.Options{Where: query.Eq("building", "A")})
		require.NoError(t, err)
		require.Len(t, rows, 2, "one key field alone scans")
		return nil
	}))
	require.Equal(t, []ckRoom{{Building: "A", Number: 2, Label: fixture.Str("x")}, {Building: "A", Number: 10, Capacity: 4}}, ckAll(t, db, m))
}

func TestCompositeKey_Create_DuplicateKeyFails(t *testing.T) {
	db, m := ckOpen(t)
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, ckRoom{Building: "A", Number: 10})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, []string{"building", "number"}, uc.Fields)
	require.Equal(t, memrel.Key{"A", int64(10)}, uc.Value)
	require.Equal(t, before, snSave(t, db))
}

func TestCompositeKey_UpdateKey_MovesTheRowOrCollides(t *testing.T) {
	db, m := ckOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.UpdateKey(tx, memrel.Key{"B", 1}, ckRoom{Building: "C", Number: 1})
		return err
	}))
	require.Equal(t, []ckRoom{{Building: "A", Number: 2}, {Building: "A", Number: 10, Capacity: 4}, {Building: "C", Number: 1}}, ckAll(t, db, m))
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.UpdateKey(tx, memrel.Key{"C", 1}, ckRoom{Building: "A", Number: 2})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, before, snSave(t, db))
}

func TestCompositeKey_BadKeysAreTypedErrors(t *testing.T) {
	db, m := ckOpen(t)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		for _, k := range []any{"A", memrel.Key{"A"}, []any{"A", 1, 2}, memrel.Key{"A", "ten"}, 7} {
			_, _, err := m.FindByPK(tx, k)
			require.ErrorIs(t, err, memrel.ErrBadKey, "%#v", k)
		}
		return nil
	}))
}

func TestCompositeKey_Snapshot_RoundTrips(t *testing.T) {
	db, m := ckOpen(t)
	raw := snSave(t, db)
	s := memrel.NewSchema()
	m2 := memrel.Define[ckRoom](s, "Room")
	db2, err := s.Load(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Equal(t, ckAll(t, db, m), ckAll(t, db2, m2))
}

func TestCompositeKey_AsSource_NeedsASourceKey(t *testing.T) {
	type desk struct {
		ID        int64
		RoomLabel *string
	}
	s := memrel.NewSchema()
	rooms := memrel.Define[ckRoom](s, "Room")
	desks := memrel.Define[desk](s, "Desk")
	memrel.NewHasMany(rooms, desks, memrel.HasManyOptions{ForeignKey: "roomLabel"})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), "composite primary key: give a SourceKey")
}

func TestCompositeKey_NullKeyFieldIsAValidationError(t *testing.T) {
	type seat struct {
		Row  *string `memrel:"row,pk"`
		Seat int64   `memrel:"seat,pk"`
	}
	s := memrel.NewSchema()
	m := memrel.Define[seat](s, "Seat")
	db := fixture.MustOpen(t, s)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, seat{Seat: 1})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "row", ve.Items[0].Field)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		got, err := m.Create(tx, seat{Row: fixture.Str("A"), Seat: 1})
		require.Equal(t, memrel.Key{"A", int64(1)}, m.Key(got))
		return err
	}))
}

func TestCompositeKey_OrderByOneKeyField(t *testing.T) {
	db, m := ckOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, ckRoom{Building: "B", Number: 0})
		return err
	}))
	keys := func(o []query.Order) []memrel.Key {
		var out []memrel.Key
		require.NoError(t, db.View(func(tx *memrel.Txn) error {
			rows, err := m.FindAll(tx, &memrel.Options{Order: o})
			for _, r := range rows {
				out = append(out, m.Key(r).(memrel.Key))
			}
			return err
		}))
		return out
	}
	a2, a10, b0, b1 := memrel.Key{"A", int64(2)}, memrel.Key{"A", int64(10)}, memrel.Key{"B", int64(0)}, memrel.Key{"B", int64(1)}
	require.Equal(t, []memrel.Key{a2, a10, b0, b1}, keys([]query.Order{{Field: "building"}}))
	require.Equal(t, []memrel.Key{b0, b1, a2, a10}, keys([]query.Order{{Field: "building", Desc: true}}), "ties by the key, ascending")
	require.Equal(t, []memrel.Key{b0, b1, a2, a10}, keys([]query.Order{{Field: "number"}}))
	require.Equal(t, []memrel.Key{a10, a2, b1, b0}, keys([]query.Order{{Field: "number", Desc: true}}))
}

// A model with a composite key as the target of a hasMany: targets are
// given by Key, and errors name it.
func TestCompositeKey_AsTarget_OfAHasMany(t *testing.T) {
	type building struct {
		ID    int64
		Rooms []ckRoomIn
	}
	s := memrel.NewSchema()
	buildings := memrel.Define[building](s, "Building")
	rooms := memrel.Define[ckRoomIn](s, "Room")
	br := memrel.NewHasMany(buildings, rooms, memrel.HasManyOptions{As: "rooms"})
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		b1, err := buildings.Create(tx, building{})
		require.NoError(t, err)
		b2, err := buildings.Create(tx, building{})
		require.NoError(t, err)
		for _, r := range []ckRoomIn{{Wing: "A", Number: 1}, {Wing: "A", Number: 2}, {Wing: "B", Number: 1}} {
			_, err := br.Create(tx, b1, r)
			require.NoError(t, err)
		}
		require.NoError(t, br.AddKeys(tx, b2, memrel.Key{"A", 2}, []any{"B", 1}))
		ok, err := br.HasKeys(tx, b2, memrel.Key{"A", 2}, memrel.Key{"B", 1})
		require.NoError(t, err)
		require.True(t, ok)
		err = br.AddKeys(tx, b2, memrel.Key{"C", 9})
		var nf *memrel.NotFoundError
		require.ErrorAs(t, err, &nf)
		require.Equal(t, memrel.Key{"C", int64(9)}, nf.Key, "decoded from the encoded key")

		got, err := buildings.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: br}}})
		require.NoError(t, err)
		require.Equal(t, []ckRoomIn{{Wing: "A", Number: 1, BuildingID: &b1.ID}}, got[0].Rooms)
		require.Equal(t, []ckRoomIn{{Wing: "A", Number: 2, BuildingID: &b2.ID}, {Wing: "B", Number: 1, BuildingID: &b2.ID}}, got[1].Rooms)

		// Deleting the building nulls its rooms' foreign key.
		require.NoError(t, buildings.DestroyKey(tx, b2.ID))
		left, err := rooms.FindAll(tx, &memrel.Options{Where: query.IsNull("buildingId")})
		require.NoError(t, err)
		require.Len(t, left, 2)
		return nil
	}))
}

type ckRoomIn struct {
	Wing       string `memrel:"wing,pk"`
	Number     int64  `memrel:"number,pk"`
	BuildingID *int64
}
