package memrel_test

import (
	"math"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The aggregates' schema (SPEC N10): a Guest hasMany Stay.
type aggGuest struct {
	ID    int64
	Name  string
	Stays []aggStay
}

type aggStay struct {
	ID      int64
	Room    string
	Status  *string
	Nights  int32
	Price   *float64
	Day     time.Time
	Big     int64
	GuestID *int64
}

type roomName string

type aggDB struct {
	db     *memrel.Store
	guests *memrel.Model[aggGuest]
	stays  *memrel.Model[aggStay]
	of     *memrel.HasMany[aggGuest, aggStay]
}

func aggStr(s string) *string   { return &s }
func aggF64(f float64) *float64 { return &f }
func aggI64(i int64) *int64     { return &i }
func aggDay(d int) time.Time    { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }

// newAggDB holds guests 1 and 2 and five stays; stay 5 has no guest,
// stays 3 and 5 no status, stay 4 no price.
func newAggDB(t *testing.T) *aggDB {
	t.Helper()
	s := memrel.NewSchema()
	a := &aggDB{guests: memrel.Define[aggGuest](s, "Guest"), stays: memrel.Define[aggStay](s, "Stay")}
	a.of = memrel.NewHasMany(a.guests, a.stays, memrel.HasManyOptions{})
	db, err := s.Open()
	require.NoError(t, err)
	a.db = db
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := a.guests.BulkCreate(tx, []aggGuest{{Name: "ann"}, {Name: "bob"}}); err != nil {
			return err
		}
		_, err := a.stays.BulkCreate(tx, []aggStay{
			{Room: "b", Status: aggStr("paid"), Nights: 3, Price: aggF64(100.5), Day: aggDay(3), Big: math.MaxInt64, GuestID: aggI64(1)},
			{Room: "a", Status: aggStr("open"), Nights: 7, Price: aggF64(20), Day: aggDay(1), Big: 1, GuestID: aggI64(1)},
			{Room: "B", Nights: 9, Price: aggF64(0.25), Day: aggDay(9), Big: 1, GuestID: aggI64(2)},
			{Room: "a", Status: aggStr("paid"), Nights: 0, Day: aggDay(2), Big: 0, GuestID: aggI64(2)},
			{Room: "c", Nights: 0, Price: aggF64(1), Day: aggDay(5), Big: 0},
		})
		return err
	}))
	return a
}

func (a *aggDB) view(t *testing.T, fn func(tx *memrel.Txn)) {
	t.Helper()
	require.NoError(t, a.db.View(func(tx *memrel.Txn) error { fn(tx); return nil }))
}

func TestCountGroups_NullIsAGroup_SortedNullLast(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		gs, err := a.stays.CountGroups(tx, nil, "status")
		require.NoError(t, err)
		require.Equal(t, []memrel.Group[aggStay]{
			{Row: aggStay{Status: aggStr("open")}, Count: 1},
			{Row: aggStay{Status: aggStr("paid")}, Count: 2},
			{Row: aggStay{}, Count: 2},
		}, gs)
	})
}

func TestCountGroups_SeveralFields_WhereAndGoNames(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		gs, err := a.stays.CountGroups(tx, &memrel.Options{Where: query.Gt("nights", 0),
			Order: []query.Order{query.Desc("room")}}, "GuestID", "room")
		require.NoError(t, err)
		// Byte order: "B" < "a" < "b"; the Order is ignored, as Sequelize does.
		require.Equal(t, []memrel.Group[aggStay]{
			{Row: aggStay{GuestID: aggI64(1), Room: "a"}, Count: 1},
			{Row: aggStay{GuestID: aggI64(1), Room: "b"}, Count: 1},
			{Row: aggStay{GuestID: aggI64(2), Room: "B"}, Count: 1},
		}, gs)
		gs, err = a.stays.CountGroups(tx, &memrel.Options{Where: query.Eq("room", "zzz")}, "room")
		require.NoError(t, err)
		require.Empty(t, gs)
	})
}

func TestCountGroups_RowsAreCopies(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		gs, err := a.stays.CountGroups(tx, nil, "status")
		require.NoError(t, err)
		*gs[0].Row.Status = "mutated"
		again, err := a.stays.CountGroups(tx, nil, "status")
		require.NoError(t, err)
		require.Equal(t, "open", *again[0].Row.Status)
	})
}

func TestCountGroups_BadFields(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		_, err := a.stays.CountGroups(tx, nil, "nope")
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe)
		require.ErrorIs(t, err, memrel.ErrUnknownField)
		require.Equal(t, "nope", fe.Field)
		_, err = a.stays.CountGroups(tx, nil)
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "group", fe.Field)
		_, err = a.stays.CountGroups(tx, &memrel.Options{Where: query.Eq("nope", 1)}, "room")
		require.ErrorIs(t, err, memrel.ErrUnknownField)
	})
}

func TestSum_SkipsNulls_TypedResult(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		n, ok, err := memrel.Sum[int64](tx, a.stays, "nights", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(19), n)
		small, ok, err := memrel.Sum[int8](tx, a.stays, "Nights", &memrel.Options{Where: query.Eq("room", "a")})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int8(7), small)
		f, ok, err := memrel.Sum[float64](tx, a.stays, "price", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 121.75, f)
		asFloat, _, err := memrel.Sum[float64](tx, a.stays, "nights", nil)
		require.NoError(t, err)
		require.Equal(t, 19.0, asFloat)
	})
}

func TestSum_NoRowsOrOnlyNulls_IsNone(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		n, ok, err := memrel.Sum[int64](tx, a.stays, "nights", &memrel.Options{Where: query.Eq("room", "zzz")})
		require.NoError(t, err)
		require.False(t, ok)
		require.Zero(t, n)
		_, ok, err = memrel.Sum[float64](tx, a.stays, "price", &memrel.Options{Where: query.Eq("id", 4)})
		require.NoError(t, err)
		require.False(t, ok, "the only row's price is NULL")
	})
}

func TestSum_Errors(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		_, _, err := memrel.Sum[int64](tx, a.stays, "big", nil)
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe, "MaxInt64 + 1 + 1 is beyond 64 bits")
		require.ErrorIs(t, err, memrel.ErrBadValue)
		require.Equal(t, "big", fe.Field)
		_, _, err = memrel.Sum[int8](tx, a.stays, "nights", &memrel.Options{Where: query.Gt("nights", 0)})
		require.NoError(t, err, "19 fits an int8")
		_, _, err = memrel.Sum[int8](tx, a.stays, "big", &memrel.Options{Where: query.Lt("big", 2)})
		require.NoError(t, err)
		_, _, err = memrel.Sum[uint8](tx, a.stays, "nights", &memrel.Options{Where: query.Eq("id", 1)})
		require.NoError(t, err)
		_, _, err = memrel.Sum[int64](tx, a.stays, "price", nil)
		require.ErrorIs(t, err, memrel.ErrBadValue, "a float sum into an integer")
		_, _, err = memrel.Sum[int64](tx, a.stays, "room", nil)
		require.ErrorIs(t, err, memrel.ErrNotNumeric)
		_, _, err = memrel.Avg(tx, a.stays, "day", nil)
		require.ErrorIs(t, err, memrel.ErrNotNumeric)
		_, _, err = memrel.Sum[int64](tx, a.stays, "nope", nil)
		require.ErrorIs(t, err, memrel.ErrUnknownField)
	})
}

func TestSum_BeyondTheTargetType_IsBadValue(t *testing.T) {
	a := newAggDB(t)
	require.NoError(t, a.db.Update(func(tx *memrel.Txn) error {
		_, err := a.stays.Create(tx, aggStay{Room: "x", Nights: 200, Day: aggDay(1)})
		return err
	}))
	a.view(t, func(tx *memrel.Txn) {
		_, _, err := memrel.Sum[int8](tx, a.stays, "nights", nil)
		require.ErrorIs(t, err, memrel.ErrBadValue, "219 does not fit an int8")
		_, _, err = memrel.Sum[uint8](tx, a.stays, "nights", nil)
		require.NoError(t, err, "219 fits a uint8")
		_, _, err = memrel.Sum[float32](tx, a.stays, "big", &memrel.Options{Where: query.Eq("id", 1)})
		require.ErrorIs(t, err, memrel.ErrBadValue, "MaxInt64 is not exact in a float32")
	})
}

func TestAvg_IsExact(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		// 3 + 7 + 9 over three rows: Sequelize's parseInt would give 6.
		m, ok, err := memrel.Avg(tx, a.stays, "nights", &memrel.Options{Where: query.Gt("nights", 0)})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, 19.0/3, m)
		// MaxInt64 + 1 overflows 64 bits, yet the mean is exact.
		m, _, err = memrel.Avg(tx, a.stays, "big", &memrel.Options{Where: query.Lt("id", 3)})
		require.NoError(t, err)
		require.Equal(t, 4611686018427387904.0, m)
		m, _, err = memrel.Avg(tx, a.stays, "price", nil)
		require.NoError(t, err)
		require.Equal(t, 121.75/4, m, "NULL prices are not counted")
		_, ok, err = memrel.Avg(tx, a.stays, "nights", &memrel.Options{Where: query.Eq("room", "zzz")})
		require.NoError(t, err)
		require.False(t, ok)
	})
}

func TestMinMax_StringsTimesAndNulls(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		lo, ok, err := memrel.Min[string](tx, a.stays, "room", nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "B", lo, "bytewise: upper case first")
		hi, _, err := memrel.Max[roomName](tx, a.stays, "room", nil)
		require.NoError(t, err)
		require.Equal(t, roomName("c"), hi)
		first, _, err := memrel.Min[time.Time](tx, a.stays, "day", nil)
		require.NoError(t, err)
		require.Equal(t, aggDay(1), first)
		last, _, err := memrel.Max[time.Time](tx, a.stays, "day", &memrel.Options{Where: query.Lt("nights", 9)})
		require.NoError(t, err)
		require.Equal(t, aggDay(5), last)
		st, _, err := memrel.Max[string](tx, a.stays, "status", nil)
		require.NoError(t, err)
		require.Equal(t, "paid", st, "NULL is no maximum")
		n, _, err := memrel.Min[int](tx, a.stays, "nights", &memrel.Options{Where: query.Gt("nights", 0)})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		_, ok, err = memrel.Max[string](tx, a.stays, "status", &memrel.Options{Where: query.IsNull("status")})
		require.NoError(t, err)
		require.False(t, ok, "only NULLs")
		_, _, err = memrel.Max[int64](tx, a.stays, "room", nil)
		require.ErrorIs(t, err, memrel.ErrBadValue, "a string into an int64")
		_, _, err = memrel.Max[bool](tx, a.stays, "day", nil)
		require.ErrorIs(t, err, memrel.ErrBadValue)
	})
}

func TestAggregates_HonourRequiredIncludes(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		// Guests that have a stay of 9 nights: only bob.
		o := &memrel.Options{Include: []memrel.Include{{Assoc: a.of, Where: query.Eq("nights", 9)}}}
		n, _, err := memrel.Sum[int64](tx, a.guests, "id", o)
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
		gs, err := a.guests.CountGroups(tx, o, "name")
		require.NoError(t, err)
		require.Equal(t, []memrel.Group[aggGuest]{{Row: aggGuest{Name: "bob"}, Count: 1}}, gs)
	})
}

func TestHasMany_CountMany(t *testing.T) {
	a := newAggDB(t)
	a.view(t, func(tx *memrel.Txn) {
		srcs := []aggGuest{{ID: 2}, {ID: 99}, {ID: 1}, {ID: 2}}
		ns, err := a.of.CountMany(tx, srcs, nil)
		require.NoError(t, err)
		require.Equal(t, []int{2, 0, 2, 2}, ns, "an unknown guest counts 0")
		ns, err = a.of.CountMany(tx, srcs, &memrel.Options{Where: query.Gt("nights", 5)})
		require.NoError(t, err)
		require.Equal(t, []int{1, 0, 1, 1}, ns)
		_, err = a.of.CountMany(tx, []aggGuest{{ID: 99}}, &memrel.Options{Where: query.Eq("nope", 1)})
		require.ErrorIs(t, err, memrel.ErrUnknownField, "a bad where fails even when no source is stored")
		ns, err = a.of.CountMany(tx, nil, nil)
		require.NoError(t, err)
		require.Empty(t, ns)
	})
}
