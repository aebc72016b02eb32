package memrel_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// The schema evolution tests save a store of one schema and load the
// snapshot into a later one: model "Person" in every version, its columns
// changing from test to test.

type evPerson struct {
	ID   int64
	Name string
	Nick *string
	Age  int32
}

// evSaved is a snapshot of two evPerson rows (one with a NULL nick) and
// one evPet, both people named ann and aged 30, saved from the starting schema.
func evSaved(t *testing.T) []byte {
	t.Helper()
	s := memrel.NewSchema()
	people := memrel.Define[evPerson](s, "Person")
	pets := memrel.Define[evPet](s, "Pet")
	db, err := s.Open()
	require.NoError(t, err)
	defer db.Close()
	nick := "al"
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := people.Create(tx, evPerson{Name: "ann", Nick: &nick, Age: 30}); err != nil {
			return err
		}
		if _, err := people.Create(tx, evPerson{Name: "ann", Age: 30}); err != nil {
			return err
		}
		_, err := pets.Create(tx, evPet{Name: "rex"})
		return err
	}))
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}

type evPet struct {
	ID   int64
	Name string
}

// evLoad loads data into a schema of model T as "Person" (and evPet as
// "Pet" when pet is set) and returns its rows.
func evLoad[T any](t *testing.T, data []byte, pet bool, opts ...memrel.StoreOption) ([]T, *memrel.Store, error) {
	t.Helper()
	s := memrel.NewSchema()
	m := memrel.Define[T](s, "Person")
	if pet {
		memrel.Define[evPet](s, "Pet")
	}
	db, err := s.Load(bytes.NewReader(data), opts...)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { db.Close() })
	var rows []T
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		rows, err = m.FindAll(tx, nil)
		return err
	}))
	return rows, db, nil
}

// evLoadsAs checks evSaved loads as want into a schema of T.
func evLoadsAs[T any](t *testing.T, want []T) {
	t.Helper()
	rows, _, err := evLoad[T](t, evSaved(t), true)
	require.NoError(t, err)
	require.Equal(t, want, rows)
}

// requireDiffs checks err is the refusal listing exactly want.
func requireDiffs(t *testing.T, err error, want ...memrel.SchemaDifference) {
	t.Helper()
	require.ErrorIs(t, err, memrel.ErrSchemaChanged)
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	var me *memrel.SchemaMismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, want, me.Differences)
	for _, d := range want {
		require.Contains(t, err.Error(), d.Model)
		require.Contains(t, err.Error(), d.Column)
	}
}

func strp(s string) *string { return &s }

func TestSnapshot_Evolve_AddNullableColumn_LoadsNull(t *testing.T) {
	type person struct {
		ID    int64
		Name  string
		Nick  *string
		Age   int32
		Email *string
	}
	evLoadsAs(t, []person{{ID: 1, Name: "ann", Nick: strp("al"), Age: 30}, {ID: 2, Name: "ann", Age: 30}})
}

func TestSnapshot_Evolve_AddColumnWithDefault_LoadsDefault(t *testing.T) {
	type person struct {
		ID    int64
		Name  string
		Nick  *string
		Age   int32
		Level int64   `memrel:"level,default=3"`
		Tier  *string `memrel:"tier,notnull,default=gold"`
	}
	rows, _, err := evLoad[person](t, evSaved(t), true)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	for _, r := range rows {
		require.Equal(t, int64(3), r.Level)
		require.Equal(t, strp("gold"), r.Tier)
	}
}

func TestSnapshot_Evolve_AddNotNullColumnWithoutDefault_Refused(t *testing.T) {
	type person struct {
		ID    int64
		Name  string
		Nick  *string
		Age   int32
		Email *string `memrel:"email,notnull"`
	}
	_, _, err := evLoad[person](t, evSaved(t), true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.ColumnAdded, Model: "Person", Column: "email", New: "string"})
}

func TestSnapshot_Evolve_AddModel_LoadsEmptyWithFreshSequence(t *testing.T) {
	type tag struct {
		ID    int64
		Label string
	}
	s := memrel.NewSchema()
	people := memrel.Define[evPerson](s, "Person")
	memrel.Define[evPet](s, "Pet")
	tags := memrel.Define[tag](s, "Tag")
	db, err := s.Load(bytes.NewReader(evSaved(t)))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		n, err := people.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = tags.Count(tx, nil)
		require.NoError(t, err)
		require.Zero(t, n)
		got, err := tags.Create(tx, tag{Label: "x"})
		require.NoError(t, err)
		require.Equal(t, int64(1), got.ID)
		p, err := people.Create(tx, evPerson{Name: "bo"})
		require.NoError(t, err)
		require.Equal(t, int64(3), p.ID, "the stored sequence is kept")
		return nil
	}))
}

func TestSnapshot_Evolve_ReorderedFieldsAndRenamedGoField_MapByColumnName(t *testing.T) {
	type person struct {
		Years    int32   `memrel:"age"`
		Nickname *string `memrel:"nick"`
		FullName string  `memrel:"name"`
		ID       int64
	}
	evLoadsAs(t, []person{{ID: 1, FullName: "ann", Nickname: strp("al"), Years: 30}, {ID: 2, FullName: "ann", Years: 30}})
}

func TestSnapshot_Evolve_DropColumn_RefusedUnlessDropMissing(t *testing.T) {
	type person struct {
		ID   int64
		Name string
		Age  int32
	}
	data := evSaved(t)
	_, _, err := evLoad[person](t, data, true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.ColumnDropped, Model: "Person", Column: "nick", Old: "string NULL"})
	rows, _, err := evLoad[person](t, data, true, memrel.DropMissing())
	require.NoError(t, err)
	require.Equal(t, []person{{ID: 1, Name: "ann", Age: 30}, {ID: 2, Name: "ann", Age: 30}}, rows)
}

func TestSnapshot_Evolve_DropModel_RefusedUnlessDropMissing(t *testing.T) {
	data := evSaved(t)
	_, _, err := evLoad[evPerson](t, data, false)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.ModelDropped, Model: "Pet", Old: "model"})
	rows, _, err := evLoad[evPerson](t, data, false, memrel.DropMissing())
	require.NoError(t, err)
	require.Len(t, rows, 2)
}

func TestSnapshot_Evolve_ChangeType_RefusedEvenWithDropMissing(t *testing.T) {
	type person struct {
		ID   int64
		Name int64 `memrel:"name"`
		Nick *string
		Age  int32
	}
	_, _, err := evLoad[person](t, evSaved(t), true, memrel.DropMissing())
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.TypeChanged, Model: "Person", Column: "name", Old: "string", New: "int64"})
}

func TestSnapshot_Evolve_WidenInteger_Loads(t *testing.T) {
	type person struct {
		ID   int64
		Name string
		Nick *string
		Age  int64
	}
	rows, _, err := evLoad[person](t, evSaved(t), true)
	require.NoError(t, err)
	require.Equal(t, []int64{30, 30}, []int64{rows[0].Age, rows[1].Age})
	type narrow struct {
		ID   int64
		Name string
		Nick *string
		Age  int16
	}
	_, _, err = evLoad[narrow](t, evSaved(t), true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.TypeChanged, Model: "Person", Column: "age", Old: "int32", New: "int16"})
}

func TestSnapshot_Evolve_NullInNewlyNotNullColumn_Refused(t *testing.T) {
	type person struct {
		ID   int64
		Name string
		Nick *string `memrel:"nick,notnull"`
		Age  int32
	}
	_, _, err := evLoad[person](t, evSaved(t), true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.NullInNotNull, Model: "Person", Column: "nick", Old: "NULL", New: "NOT NULL"})
}

func TestSnapshot_Evolve_NewlyUniqueColumnColliding_Refused(t *testing.T) {
	type person struct {
		ID   int64
		Name string `memrel:"name,unique"`
		Nick *string
		Age  int32
	}
	_, _, err := evLoad[person](t, evSaved(t), true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.UniqueCollision, Model: "Person", Column: "name", Old: "not unique", New: "unique"})
	type unique struct { // no collision: it loads
		ID   int64
		Name string
		Nick *string `memrel:"nick,unique"`
		Age  int32
	}
	_, _, err = evLoad[unique](t, evSaved(t), true)
	require.NoError(t, err)
}

func TestSnapshot_Evolve_NewCompositeUniqueColliding_Refused(t *testing.T) {
	s := memrel.NewSchema()
	memrel.Define[evPerson](s, "Person", memrel.Unique("name", "nick"))
	memrel.Define[evPet](s, "Pet")
	_, err := s.Load(bytes.NewReader(evSaved(t)))
	require.NoError(t, err, "NULL never collides")
	s = memrel.NewSchema()
	memrel.Define[evPerson](s, "Person", memrel.Unique("age", "name"))
	memrel.Define[evPet](s, "Pet")
	_, err = s.Load(bytes.NewReader(evSaved(t)))
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.UniqueCollision, Model: "Person", Column: "age,name", Old: "not unique", New: "unique"})
}

func TestSnapshot_Evolve_SeveralDifferences_AllListed(t *testing.T) {
	type person struct {
		ID    int64
		Name  []byte `memrel:"name"`
		Age   int32
		Email *string `memrel:"email,notnull"`
	}
	_, _, err := evLoad[person](t, evSaved(t), false)
	requireDiffs(t, err,
		memrel.SchemaDifference{Kind: memrel.TypeChanged, Model: "Person", Column: "name", Old: "string", New: "bytes"},
		memrel.SchemaDifference{Kind: memrel.ColumnDropped, Model: "Person", Column: "nick", Old: "string NULL"},
		memrel.SchemaDifference{Kind: memrel.ColumnAdded, Model: "Person", Column: "email", New: "string"},
		memrel.SchemaDifference{Kind: memrel.ModelDropped, Model: "Pet", Old: "model"},
	)
	require.Contains(t, err.Error(), "Person.name: type changed (string → bytes)")
}

func TestSnapshot_Evolve_ChangedKey_Refused(t *testing.T) {
	type person struct {
		ID   int64
		Name string `memrel:"name,pk"`
		Nick *string
		Age  int32
	}
	_, _, err := evLoad[person](t, evSaved(t), true)
	requireDiffs(t, err, memrel.SchemaDifference{Kind: memrel.KeyChanged, Model: "Person", Old: "id", New: "name"})
}

type evEvent struct {
	ID int64
	At time.Time
}

func TestSnapshot_Save_TimeZoneNames_RoundTrip(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	base := time.Date(2026, 7, 1, 12, 0, 0, 5, time.UTC)
	want := []evEvent{
		{ID: 1, At: base.In(ny)},
		{ID: 2, At: base.AddDate(0, 6, 0).In(ny)}, // winter: another offset of the zone
		{ID: 3, At: base.In(paris)},
		{ID: 4, At: base},
		{ID: 5, At: base.In(time.FixedZone("CUSTOM", 3600+1800))},
		// A zone name whose database offset differs: kept as the fixed zone it was.
		{ID: 6, At: base.In(time.FixedZone("Europe/Paris", 7*3600))},
	}
	s := memrel.NewSchema()
	events := memrel.Define[evEvent](s, "Event")
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, e := range want {
			if _, err := events.Create(tx, e); err != nil {
				return err
			}
		}
		return nil
	}))
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	back, err := s.Load(&buf)
	require.NoError(t, err)
	require.NoError(t, back.View(func(tx *memrel.Txn) error {
		got, err := events.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i := range want {
			require.True(t, reflect.DeepEqual(want[i], got[i]), "row %d: %v, want %v", i, got[i].At, want[i].At)
		}
		require.Same(t, time.UTC, got[3].At.Location(), "UTC stays UTC")
		require.Equal(t, "America/New_York", got[0].At.Location().String())
		return nil
	}))
}
