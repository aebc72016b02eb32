package memrel_test

import (
	"bytes"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Column codecs: types stored by their driver.Valuer value, and JSON
// columns, on a struct shaped as GORM's documentation writes them.

// codecUUID is a UUID as uuid packages write it: an array whose Value is
// its text.
type codecUUID [16]byte

func (u codecUUID) Value() (driver.Value, error) { return hex.EncodeToString(u[:]), nil }

func (u *codecUUID) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("uuid: cannot scan %T", v)
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return fmt.Errorf("uuid: bad text %q", s)
	}
	copy(u[:], b)
	return nil
}

// codecDecimal is a decimal with unexported fields: cents, written as text.
type codecDecimal struct{ cents int64 }

func (d codecDecimal) Value() (driver.Value, error) {
	return fmt.Sprintf("%d.%02d", d.cents/100, d.cents%100), nil
}

func (d *codecDecimal) Scan(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("decimal: cannot scan %T", v)
	}
	var whole, frac int64
	if _, err := fmt.Sscanf(s, "%d.%d", &whole, &frac); err != nil {
		return fmt.Errorf("decimal: %w", err)
	}
	d.cents = whole*100 + frac
	return nil
}

// codecStatus is an enum stored by name; "broken" fails Value, so a write
// of it must fail.
type codecStatus int

const (
	statusActive codecStatus = iota
	statusBanned
	statusBroken
	statusPanics
)

var statusNames = []string{"active", "banned"}

func (s codecStatus) Value() (driver.Value, error) {
	switch s {
	case statusBroken:
		return nil, errors.New("status: no name")
	case statusPanics:
		panic("status: panics")
	}
	return statusNames[s], nil
}

func (s *codecStatus) Scan(v any) error {
	for i, n := range statusNames {
		if n == v {
			*s = codecStatus(i)
			return nil
		}
	}
	return fmt.Errorf("status: unknown %v", v)
}

type codecProfile struct {
	Bio   string
	Links []string
}

type codecUser struct {
	ID      codecUUID         `memrel:"id,pk"`
	Name    string            `gorm:"not null"`
	Balance codecDecimal      `memrel:"balance,type=string"`
	Status  codecStatus       `memrel:"status"`
	Email   *codecUUID        `memrel:"email,unique"`
	Tags    []string          `memrel:"tags,json"`
	Labels  map[string]string `gorm:"serializer:json"`
	Profile codecProfile      `memrel:"profile,json"`
}

type codecOrder struct {
	ID     int64 `memrel:"id,pk,autoinc"`
	UserID codecUUID
	Total  codecDecimal
}

func codecOpen(t *testing.T) (*memrel.Store, *memrel.Model[codecUser], *memrel.Model[codecOrder]) {
	t.Helper()
	s := memrel.NewSchema()
	users := memrel.Define[codecUser](s, "User")
	orders := memrel.Define[codecOrder](s, "Order")
	memrel.NewHasMany(users, orders, memrel.HasManyOptions{ForeignKey: "userId"})
	db, err := s.Open()
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, users, orders
}

func ann() codecUser {
	email := codecUUID{9}
	return codecUser{ID: codecUUID{1, 2}, Name: "Ann", Balance: codecDecimal{1234}, Status: statusBanned,
		Email: &email, Tags: []string{"a", "b"}, Labels: map[string]string{"k": "v"},
		Profile: codecProfile{Bio: "hi", Links: []string{"x"}}}
}

func TestCodec_Create_RoundTripsValuerAndJSONColumns(t *testing.T) {
	db, users, _ := codecOpen(t)
	in := ann()
	var created codecUser
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		created, err = users.Create(tx, in)
		return err
	}))
	require.True(t, reflect.DeepEqual(ann(), created), "created %+v", created)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := users.Get(tx, in.ID)
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(ann(), got), "read %+v", got)
		return nil
	}))
}

func TestCodec_Rows_AreNotAliased(t *testing.T) {
	db, users, _ := codecOpen(t)
	in := ann()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		out, err := users.Create(tx, in)
		out.Tags[0], out.Labels["k"], out.Profile.Links[0], *out.Email = "X", "X", "X", codecUUID{7}
		return err
	}))
	in.Tags[1], in.Labels["k"], in.Profile.Links[0], *in.Email = "Y", "Y", "Y", codecUUID{8}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := users.Get(tx, codecUUID{1, 2})
		require.NoError(t, err)
		got.Tags[0] = "Z"
		again, err := users.Get(tx, codecUUID{1, 2})
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(ann(), again), "stored row changed: %+v", again)
		return nil
	}))
}

func TestCodec_Where_TakesTheGoValueOrTheCanonicalValue(t *testing.T) {
	db, users, _ := codecOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, ann()); return err }))
	cases := []struct {
		name string
		cond query.Cond
	}{
		{"enum Go value", query.Eq("status", statusBanned)},
		{"enum canonical", query.Eq("status", "banned")},
		{"decimal Go value", query.Eq("balance", codecDecimal{1234})},
		{"decimal canonical", query.Eq("balance", "12.34")},
		{"uuid pointer column, Go value", query.Eq("email", codecUUID{9})},
		{"json Go value", query.Eq("tags", []string{"a", "b"})},
		{"json text", query.Eq("tags", `["a","b"]`)},
		{"json struct", query.Eq("profile", codecProfile{Bio: "hi", Links: []string{"x"}})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				n, err := users.Count(tx, &memrel.Options{Where: tc.cond})
				require.NoError(t, err)
				require.Equal(t, 1, n)
				return nil
			}))
		})
	}
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		_, ok, err := users.FindByPK(tx, hex.EncodeToString(codecUUID{1, 2}.bytes()))
		require.NoError(t, err)
		require.True(t, ok, "FindByPK by the canonical key")
		n, err := users.Count(tx, &memrel.Options{Where: query.Eq("status", statusActive)})
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	}))
}

func (u codecUUID) bytes() []byte { return u[:] }

func TestCodec_UniqueValuerColumn_RefusesADuplicate(t *testing.T) {
	db, users, _ := codecOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, ann()); return err }))
	dup := ann()
	dup.ID = codecUUID{3}
	err := db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, dup); return err })
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
}

func TestCodec_ForeignKeyOnAUUIDValuerKey_IsChecked(t *testing.T) {
	db, users, orders := codecOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, ann()); return err }))
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := orders.Create(tx, codecOrder{UserID: codecUUID{1, 2}, Total: codecDecimal{500}})
		return err
	}))
	err := db.Update(func(tx *memrel.Txn) error { _, err := orders.Create(tx, codecOrder{UserID: codecUUID{5}}); return err })
	var fe *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fe)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := orders.Count(tx, &memrel.Options{Where: query.Eq("userId", codecUUID{1, 2})})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		return nil
	}))
}

func TestCodec_ValueError_IsBadValueAndChangesNothing(t *testing.T) {
	db, users, _ := codecOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, ann()); return err }))
	bad := ann()
	bad.ID, bad.Email, bad.Status = codecUUID{4}, nil, statusBroken
	err := db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, bad); return err })
	require.ErrorIs(t, err, memrel.ErrBadValue)
	require.ErrorContains(t, err, "User.status")
	bad.Status = statusActive
	bad.Profile.Links = nil
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := users.Patch(tx, codecUUID{1, 2}, map[string]any{"status": "unknown"})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrBadValue, "Scan refuses the canonical value")
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := users.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		got, err := users.Get(tx, codecUUID{1, 2})
		require.NoError(t, err)
		require.Equal(t, statusBanned, got.Status)
		return nil
	}))
}

func TestCodec_JSONMarshalError_IsBadValue(t *testing.T) {
	type withChan struct {
		ID int64 `memrel:"id,pk,autoinc"`
		C  any   `memrel:"c,json"`
	}
	db, m := openOne[withChan](t, "Chan")
	err := db.Update(func(tx *memrel.Txn) error { _, err := m.Create(tx, withChan{C: make(chan int)}); return err })
	require.ErrorIs(t, err, memrel.ErrBadValue)
}

func TestCodec_PanicInValue_RollsBack(t *testing.T) {
	db, users, _ := codecOpen(t)
	require.Panics(t, func() {
		_ = db.Update(func(tx *memrel.Txn) error {
			if _, err := users.Create(tx, ann()); err != nil {
				return err
			}
			bad := ann()
			bad.ID, bad.Email, bad.Status = codecUUID{4}, nil, statusPanics
			_, err := users.Create(tx, bad)
			return err
		})
	})
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := users.Count(tx, nil)
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	}))
}

func TestCodec_NilJSONAndNilPointer_AreNULLWhereNullable(t *testing.T) {
	db, users, _ := codecOpen(t)
	u := ann()
	u.Email, u.Tags, u.Labels = nil, nil, nil
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, u); return err }))
	m, _ := db.Schema().Model("User")
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		rows, err := m.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Nil(t, rows[0]["email"], "nil pointer")
		require.Nil(t, rows[0]["labels"], "gorm serializer:json: nil is NULL")
		require.Equal(t, "null", rows[0]["tags"], "memrel json without null: JSON null text")
		require.Equal(t, "12.34", rows[0]["balance"], "a Row holds the canonical value")
		require.Equal(t, "banned", rows[0]["status"])
		require.Equal(t, hex.EncodeToString(u.ID[:]), rows[0]["id"])
		return nil
	}))
}

func TestCodec_Snapshot_SaveLoadRoundTrips(t *testing.T) {
	db, users, _ := codecOpen(t)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, ann()); return err }))
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	s := memrel.NewSchema()
	users2 := memrel.Define[codecUser](s, "User")
	orders2 := memrel.Define[codecOrder](s, "Order")
	memrel.NewHasMany(users2, orders2, memrel.HasManyOptions{ForeignKey: "userId"})
	db2, err := s.Load(&buf)
	require.NoError(t, err)
	defer func() { _ = db2.Close() }()
	require.NoError(t, db2.View(func(tx *memrel.Txn) error {
		got, err := users2.Get(tx, codecUUID{1, 2})
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(ann(), got), "loaded %+v", got)
		return nil
	}))
}

type codecNoKind struct {
	ID    int64 `memrel:"id,pk,autoinc"`
	Price nilValuer
}

// nilValuer's zero value is NULL, so it tells no kind.
type nilValuer struct{ s *string }

func (n nilValuer) Value() (driver.Value, error) {
	if n.s == nil {
		return nil, nil
	}
	return *n.s, nil
}

func (n *nilValuer) Scan(v any) error { s := v.(string); n.s = &s; return nil }

type codecTyped struct {
	ID    int64     `memrel:"id,pk,autoinc"`
	Price nilValuer `memrel:"price,type=string,null"`
}

type codecBadType struct {
	ID    int64     `memrel:"id,pk,autoinc"`
	Price nilValuer `memrel:"price,type=decimal"`
}

type codecNoJSON struct {
	ID   int64    `memrel:"id,pk,autoinc"`
	Tags []string `memrel:"tags"`
}

func TestCodec_Registration_ProblemsAreSchemaErrors(t *testing.T) {
	cases := []struct {
		name   string
		define func(*memrel.Schema)
		want   string
	}{
		{"probe returns nil", func(s *memrel.Schema) { memrel.Define[codecNoKind](s, "M") }, "type=string"},
		{"unknown type option", func(s *memrel.Schema) { memrel.Define[codecBadType](s, "M") }, "unknown type=decimal"},
		{"slice without json", func(s *memrel.Schema) { memrel.Define[codecNoJSON](s, "M") }, `memrel:",json"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := schemaError(t, tc.define).Error()
			require.True(t, strings.Contains(msg, tc.want), "%s", msg)
		})
	}
}

// schemaError is the SchemaError Open returns for a schema define builds.
func schemaError(t *testing.T, define func(*memrel.Schema)) *memrel.SchemaError {
	t.Helper()
	s := memrel.NewSchema()
	define(s)
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	return se
}

func TestCodec_TypeOption_GivesTheKindAndValueNilIsNULL(t *testing.T) {
	db, m := openOne[codecTyped](t, "Typed")
	p := "1.50"
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := m.Create(tx, codecTyped{}); err != nil {
			return err
		}
		_, err := m.Create(tx, codecTyped{Price: nilValuer{&p}})
		return err
	}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		n, err := m.Count(tx, &memrel.Options{Where: query.Eq("price", nil)})
		require.NoError(t, err)
		require.Equal(t, 1, n, "Value nil is NULL in a null column")
		got, err := m.Get(tx, int64(2))
		require.NoError(t, err)
		require.Equal(t, "1.50", *got.Price.s)
		require.NotSame(t, &p, got.Price.s)
		return nil
	}))
}
