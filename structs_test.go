package memrel_test

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Structs shaped as GORM's documentation writes them: gorm.Model embedded,
// database/sql's Null types, gorm and json tags.

// gormModel is gorm.Model's shape (gorm.io/gorm is not a dependency).
type gormModel struct {
	ID        uint `gorm:"primarykey"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gormDeletedAt `gorm:"index"`
}

// gormDeletedAt is gorm.DeletedAt's shape: sql.NullTime with its own
// Scanner and Valuer.
type gormDeletedAt sql.NullTime

func (n *gormDeletedAt) Scan(v any) error { return (*sql.NullTime)(n).Scan(v) }

func (n gormDeletedAt) Value() (driver.Value, error) { return sql.NullTime(n).Value() }

type gormUser struct {
	gormModel
	Name     string         `gorm:"column:full_name;not null"`
	Email    sql.NullString `gorm:"uniqueIndex"`
	Age      sql.NullInt64  `gorm:"default:18"`
	Birthday sql.NullTime
	Score    sql.NullFloat64 `json:"points"`
	Active   sql.NullBool
	Org      string `gorm:"uniqueIndex:idx_org_code"`
	Code     string `gorm:"uniqueIndex:idx_org_code"`
	Secret   string `gorm:"-"`
}

func gormOpen(t *testing.T) (*memrel.Store, *memrel.Model[gormUser]) {
	t.Helper()
	s := memrel.NewSchema()
	users := memrel.Define[gormUser](s, "User")
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db, err := s.Open(memrel.WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, users
}

func TestStructs_GormModel_EmbeddedFieldsAreColumnsWithGormNames(t *testing.T) {
	db, _ := gormOpen(t)
	m, ok := db.Schema().Model("User")
	require.True(t, ok)
	var names []string
	for _, c := range m.Columns() {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"id", "createdAt", "updatedAt", "deletedAt", "full_name", "email", "age",
		"birthday", "points", "active", "org", "code"}, names)
}

func TestStructs_GormModel_KeepsTimestampsAndSoftDeletes(t *testing.T) {
	db, users := gormOpen(t)
	var u gormUser
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		u, err = users.Create(tx, gormUser{Name: "Ann", Org: "a", Code: "1"})
		return err
	}))
	require.Equal(t, uint(1), u.ID, "ID is the auto-increment key")
	require.Equal(t, time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC), u.CreatedAt)
	require.Equal(t, u.CreatedAt, u.UpdatedAt)
	require.Equal(t, sql.NullInt64{Int64: 18, Valid: true}, u.Age, "gorm default")
	require.False(t, u.Email.Valid)

	require.NoError(t, db.Update(func(tx *memrel.Txn) error { return users.Destroy(tx, u) }))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		_, found, err := users.FindByPK(tx, u.ID)
		require.NoError(t, err)
		require.False(t, found, "a destroyed gorm.Model row is soft-deleted")
		all, err := users.FindAll(tx, &memrel.Options{WithDeleted: true})
		require.NoError(t, err)
		require.Len(t, all, 1)
		require.True(t, all[0].DeletedAt.Valid)
		return nil
	}))
}

func TestStructs_NullTypes_RoundTripAndFilter(t *testing.T) {
	db, users := gormOpen(t)
	when := time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)
	in := gormUser{Name: "Bo", Email: sql.NullString{String: "bo@x", Valid: true}, Age: sql.NullInt64{Int64: 40, Valid: true},
		Birthday: sql.NullTime{Time: when, Valid: true}, Score: sql.NullFloat64{Float64: 2.5, Valid: true},
		Active: sql.NullBool{Bool: false, Valid: true}, Org: "a", Code: "2", Secret: "never stored"}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := users.Create(tx, in)
		return err
	}))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := users.FindAll(tx, &memrel.Options{Where: query.Eq("email", "bo@x")})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, in.Birthday, got[0].Birthday)
		require.Equal(t, in.Score, got[0].Score)
		require.Equal(t, in.Active, got[0].Active, "a valid false is not NULL")
		require.Empty(t, got[0].Secret, `gorm:"-" is no column`)
		n, err := users.Count(tx, &memrel.Options{Where: query.IsNull("birthday")})
		require.NoError(t, err)
		require.Zero(t, n)
		return nil
	}))
}

func TestStructs_GormUniqueIndexes_SingleAndComposite(t *testing.T) {
	db, users := gormOpen(t)
	create := func(u gormUser) error {
		return db.Update(func(tx *memrel.Txn) error { _, err := users.Create(tx, u); return err })
	}
	require.NoError(t, create(gormUser{Name: "a", Email: sql.NullString{String: "e", Valid: true}, Org: "o", Code: "1"}))
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, create(gormUser{Name: "b", Email: sql.NullString{String: "e", Valid: true}, Org: "o", Code: "2"}), &ue)
	require.NoError(t, create(gormUser{Name: "c", Org: "o", Code: "3"}), "NULL emails never collide")
	require.NoError(t, create(gormUser{Name: "d", Org: "p", Code: "1"}), "the org/code pair is unique, not each")
	require.ErrorAs(t, create(gormUser{Name: "e", Org: "o", Code: "1"}), &ue)
}

// A struct embedded twice deep, with a field shadowed by a shallower one.
type auditStamp struct {
	By   string
	Note string
}

type auditBase struct {
	auditStamp
	Note string `memrel:"baseNote"`
}

type auditDoc struct {
	ID int64
	auditBase
	Title string
}

func TestStructs_Embedded_FlattensNestedAndShadowed(t *testing.T) {
	db, docs := openOne[auditDoc](t, "Doc")
	m, _ := db.Schema().Model("Doc")
	var names []string
	for _, c := range m.Columns() {
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"id", "by", "baseNote", "title"}, names)
	d := auditDoc{Title: "t"}
	d.By, d.Note, d.auditStamp.Note = "me", "base", "shadowed"
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := docs.Create(tx, d); return err }))
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, err := docs.FindAll(tx, &memrel.Options{Where: query.Eq("baseNote", "base")})
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "me", got[0].By)
		require.Empty(t, got[0].auditStamp.Note, "a shadowed field is no column")
		return nil
	}))
}

type embeddedPtr struct {
	ID int64
	*auditStamp
}

func TestStructs_EmbeddedPointer_IsASchemaProblem(t *testing.T) {
	s := memrel.NewSchema()
	memrel.Define[embeddedPtr](s, "E")
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, err.Error(), "embed the struct by value")
}

// uuid is a UUID as a fixed-size byte array, as google/uuid's is.
type uuid [16]byte

type uuidAccount struct {
	ID    uuid `memrel:"id,pk"`
	Name  string
	Owner sql.Null[uuid]
}

func TestStructs_ByteArrayKey_SeeksCopiesAndChecksLength(t *testing.T) {
	db, accounts := openOne[uuidAccount](t, "Account")
	a := uuid{1, 2, 3, 15: 9}
	b := uuid{1, 2, 4}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := accounts.Create(tx, uuidAccount{ID: a, Name: "a", Owner: sql.Null[uuid]{V: b, Valid: true}}); err != nil {
			return err
		}
		_, err := accounts.Create(tx, uuidAccount{ID: b, Name: "b"})
		return err
	}))
	err := db.Update(func(tx *memrel.Txn) error { _, err := accounts.Create(tx, uuidAccount{ID: a}); return err })
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue)
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		got, ok, err := accounts.FindByPK(tx, a)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "a", got.Name)
		require.Equal(t, b, got.Owner.V)
		got, ok, err = accounts.FindByPK(tx, b[:])
		require.NoError(t, err)
		require.True(t, ok, "a key as []byte")
		require.False(t, got.Owner.Valid)
		all, err := accounts.FindAll(tx, &memrel.Options{Where: query.Eq("owner", b)})
		require.NoError(t, err)
		require.Len(t, all, 1)
		_, _, err = accounts.FindByPK(tx, []byte{1, 2})
		require.ErrorIs(t, err, memrel.ErrBadKey, "a key of the wrong length")
		return nil
	}))
	m, _ := db.Schema().Model("Account")
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	db2, err := db.Schema().Load(&buf)
	require.NoError(t, err)
	defer db2.Close()
	require.NoError(t, db2.View(func(tx *memrel.Txn) error {
		rows, err := m.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, rows, 2)
		require.Equal(t, a[:], rows[0]["id"], "keys sort by their bytes; a Row holds []byte")
		return nil
	}))
}

type gormCode struct {
	Code int64 `gorm:"primaryKey;autoIncrement:false"`
	Name string
}

func TestStructs_GormAutoIncrementFalse_KeepsTheGivenKey(t *testing.T) {
	db, codes := openOne[gormCode](t, "Code")
	require.NoError(t, db.Update(func(tx *memrel.Txn) error { _, err := codes.Create(tx, gormCode{Code: 0, Name: "zero"}); return err }))
	err := db.Update(func(tx *memrel.Txn) error { _, err := codes.Create(tx, gormCode{Name: "again"}); return err })
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue, "a zero key is a key, not a request for the next one")
}

type gormLabel struct {
	ID    uint           `gorm:"primarykey"`
	Tags  string         `gorm:"default:'a,b'"`
	Pairs sql.NullString `gorm:"default:'x=1,y=2';not null"`
}

func TestStructs_GormDefault_WithACommaIsOneValue(t *testing.T) {
	db, labels := openOne[gormLabel](t, "Label")
	var l gormLabel
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		var err error
		l, err = labels.Create(tx, gormLabel{})
		return err
	}))
	require.Equal(t, "a,b", l.Tags)
	require.Equal(t, sql.NullString{String: "x=1,y=2", Valid: true}, l.Pairs)
	m, _ := db.Schema().Model("Label")
	require.Equal(t, "pairs", m.Columns()[2].Name)
	require.False(t, m.Columns()[2].Nullable, "the option after the default is kept")
}

// openOne opens a store of one model, closed when the test ends.
func openOne[T any](t *testing.T, name string) (*memrel.Store, *memrel.Model[T]) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.Define[T](s, name)
	db, err := s.Open()
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, m
}
