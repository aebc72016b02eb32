package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The booking schema of SPEC N4: a composite unique (room, day, slot) and
// a nullable unique ticket.
type ukBooking struct {
	ID     int64
	Room   string
	Day    int64
	Slot   *int64
	Who    *string
	Ticket *int64 `memrel:"ticket,unique"`
}

func ukOpen(t *testing.T) (*memrel.Store, *memrel.Model[ukBooking]) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.Define[ukBooking](s, "Booking", memrel.Unique("room", "day", "slot"))
	return fixture.MustOpen(t, s), m
}

func TestUnique_Group_CollidesOnlyWhenEveryFieldIsEqual(t *testing.T) {
	db, m := ukOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, b := range []ukBooking{
			{Room: "A", Day: 1, Slot: fixture.I64(1)},
			{Room: "A", Day: 1, Slot: fixture.I64(2)}, // another slot
			{Room: "A", Day: 2, Slot: fixture.I64(1)}, // another day
			{Room: "B", Day: 1, Slot: fixture.I64(1)}, // another room
			{Room: "A", Day: 1},                       // NULL slot never collides
			{Room: "A", Day: 1},
		} {
			if _, err := m.Create(tx, b); err != nil {
				return err
			}
		}
		return nil
	}))
	before := snSave(t, db)
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, ukBooking{Room: "A", Day: 1, Slot: fixture.I64(1), Who: fixture.Str("late")})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, "Booking", uc.Model)
	require.Equal(t, []string{"room", "day", "slot"}, uc.Fields)
	require.Equal(t, []any{"A", int64(1), int64(1)}, uc.Value)
	require.Equal(t, before, snSave(t, db), "the failed Create left nothing")
}

func TestUnique_Group_UpdateOntoAnotherRowsValuesFails(t *testing.T) {
	db, m := ukOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := m.Create(tx, ukBooking{Room: "A", Day: 1, Slot: fixture.I64(1)}); err != nil {
			return err
		}
		_, err := m.Create(tx, ukBooking{Room: "A", Day: 1, Slot: fixture.I64(2)})
		return err
	}))
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		// Rewriting a row with its own values is no collision.
		_, err := m.Update(tx, ukBooking{ID: 1, Room: "A", Day: 1, Slot: fixture.I64(1), Who: fixture.Str("me")})
		require.NoError(t, err)
		_, err = m.Update(tx, ukBooking{ID: 2, Room: "A", Day: 1, Slot: fixture.I64(1)})
		var uc *memrel.UniqueConstraintError
		require.ErrorAs(t, err, &uc)
		// Freed values can be taken in the same transaction.
		_, err = m.Update(tx, ukBooking{ID: 1, Room: "A", Day: 1, Slot: fixture.I64(3)})
		require.NoError(t, err)
		_, err = m.Update(tx, ukBooking{ID: 2, Room: "A", Day: 1, Slot: fixture.I64(1)})
		require.NoError(t, err)
		// Destroyed rows free theirs too.
		require.NoError(t, m.DestroyKey(tx, 2))
		_, err = m.Create(tx, ukBooking{Room: "A", Day: 1, Slot: fixture.I64(1)})
		return err
	}))
	var rows []ukBooking
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		var err error
		rows, err = m.FindAll(tx, nil)
		return err
	}))
	require.Equal(t, []ukBooking{{ID: 1, Room: "A", Day: 1, Slot: fixture.I64(3)}, // a full-row Update: Who is nil again
		{ID: 3, Room: "A", Day: 1, Slot: fixture.I64(1)}}, rows)
}

func TestUnique_Group_FindOneSeeksTheGroup(t *testing.T) {
	db, m := ukOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for i := range int64(50) {
			if _, err := m.Create(tx, ukBooking{Room: "A", Day: i % 5, Slot: fixture.I64(i / 5)}); err != nil {
				return err
			}
		}
		got, ok, err := m.FindOne(tx, &memrel.Options{Where: query.And(query.Eq("slot", 3), query.Eq("day", 2), query.Eq("room", "A"))})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(18), got.ID)
		_, ok, err = m.FindOne(tx, &memrel.Options{Where: query.And(query.Eq("slot", 3), query.Eq("day", 2), query.Eq("room", "B"))})
		require.NoError(t, err)
		require.False(t, ok)
		// The rest of the where still applies to the row the seek finds.
		_, ok, err = m.FindOne(tx, &memrel.Options{Where: query.And(query.Eq("slot", 3), query.Eq("day", 2),
			query.Eq("room", "A"), query.NotNull("who"))})
		require.NoError(t, err)
		require.False(t, ok)
		return nil
	}))
}

func TestUnique_Group_SingleNullableUniqueNeverCollidesOnNull(t *testing.T) {
	db, m := ukOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for range 2 {
			if _, err := m.Create(tx, ukBooking{Room: "A", Day: 1}); err != nil {
				return err
			}
		}
		_, err := m.Create(tx, ukBooking{Room: "B", Day: 1, Ticket: fixture.I64(7)})
		return err
	}))
	err := db.Update(func(tx *memrel.Txn) error {
		_, err := m.Create(tx, ukBooking{Room: "C", Day: 1, Ticket: fixture.I64(7)})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, []string{"ticket"}, uc.Fields)
	require.Equal(t, int64(7), uc.Value)
}

func TestUnique_Define_ProblemsAreReportedAtOpen(t *testing.T) {
	s := memrel.NewSchema()
	memrel.Define[ukBooking](s, "Booking", memrel.Unique("room", "nope"), memrel.Unique(), memrel.Unique("day", "Day"))
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), `Unique: unknown field "nope"`)
	require.Contains(t, se.Error(), `Unique names no field`)
	require.Contains(t, se.Error(), `Unique names day twice`)
}

func TestUnique_Single_IsTheUniqueTag(t *testing.T) {
	type plain struct {
		ID   int64
		Code string
	}
	s := memrel.NewSchema()
	m := memrel.Define[plain](s, "Plain", memrel.Unique("code"))
	db := fixture.MustOpen(t, s)
	err := db.Update(func(tx *memrel.Txn) error {
		if _, err := m.Create(tx, plain{Code: "x"}); err != nil {
			return err
		}
		_, err := m.Create(tx, plain{Code: "x"})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, "x", uc.Value)
}
