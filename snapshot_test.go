package memrel_test

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

type snAuthor struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Books []snBook
}

type snBook struct {
	ID       int64
	Title    *string
	AuthorID sql.Null[int64]
	Score    float64
	Cover    []byte `memrel:"cover,null"`
	Printed  time.Time
	Pages    uint16
	Done     bool
}

type snEnv struct {
	s       *memrel.Schema
	authors *memrel.Model[snAuthor]
	books   *memrel.Model[snBook]
}

func snSchema(constraints bool) snEnv {
	s := memrel.NewSchema()
	a := memrel.Define[snAuthor](s, "Author")
	b := memrel.Define[snBook](s, "Book")
	memrel.NewHasMany(a, b, memrel.HasManyOptions{NoConstraints: !constraints})
	return snEnv{s, a, b}
}

func snFill(t *testing.T, e snEnv, db *memrel.Store) {
	t.Helper()
	title := "Go\x00in memory"
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		a, err := e.authors.Create(tx, snAuthor{Name: "ann"})
		require.NoError(t, err)
		_, err = e.authors.Create(tx, snAuthor{Name: "bob"})
		require.NoError(t, err)
		for i := 0; i < 5; i++ {
			b := snBook{Title: &title, Score: -1.5 * float64(i), Cover: []byte{0, byte(i), 255},
				Printed: time.Date(1969+i, 7, 20, 20, 17, 0, 0, time.FixedZone("X", 3600*i)), Pages: uint16(100 * i), Done: i%2 == 0}
			if i%2 == 1 {
				b.AuthorID = sql.Null[int64]{V: a.ID, Valid: true}
				b.Title = nil
				b.Cover = nil
			}
			_, err := e.books.Create(tx, b)
			require.NoError(t, err)
		}
		return e.authors.DestroyKey(tx, int64(2)) // the sequence stays at 2
	}))
}

func snSave(t *testing.T, db *memrel.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}

func TestSNRoundTrip(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	data := snSave(t, db)

	db2, err := e.s.Load(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, data, snSave(t, db2), "a loaded store saves to the same bytes")

	require.NoError(t, db2.View(func(tx *memrel.Txn) error {
		books, err := e.books.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, books, 5)
		require.Equal(t, "Go\x00in memory", *books[0].Title)
		require.Equal(t, []byte{0, 0, 255}, books[0].Cover)
		require.Nil(t, books[1].Cover)
		require.True(t, books[1].AuthorID.Valid)
		require.True(t, books[3].Printed.Equal(time.Date(1972, 7, 20, 20, 17, 0, 0, time.FixedZone("X", 3*3600))))
		require.Equal(t, uint16(400), books[4].Pages)
		return nil
	}))
	// Sequences survive: id 2 was deleted and is not handed out again.
	require.NoError(t, db2.Update(func(tx *memrel.Txn) error {
		a, err := e.authors.Create(tx, snAuthor{Name: "cy"})
		require.NoError(t, err)
		require.Equal(t, int64(3), a.ID)
		return nil
	}))
}

func TestSNFileIsAtomic(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	path := filepath.Join(t.TempDir(), "store.snap")
	require.NoError(t, db.SaveFile(path))
	require.NoError(t, db.SaveFile(path)) // replaces the old file
	db2, err := e.s.LoadFile(path)
	require.NoError(t, err)
	require.Equal(t, snSave(t, db), snSave(t, db2))
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	require.NoError(t, err)
	require.Empty(t, matches, "no temporary file is left behind")
}

func TestSNRejectsDamage(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	data := snSave(t, db)
	for n := 0; n < len(data); n++ {
		_, err := e.s.Load(bytes.NewReader(data[:n]))
		require.ErrorIs(t, err, memrel.ErrBadSnapshot, "truncated at %d", n)
	}
	for i := 0; i < len(data); i++ {
		bad := bytes.Clone(data)
		bad[i] ^= 0x5a
		_, err := e.s.Load(bytes.NewReader(bad))
		require.ErrorIs(t, err, memrel.ErrBadSnapshot, "byte %d flipped", i)
	}
}

func TestSNRejectsOtherSchema(t *testing.T) {
	type other struct{ ID int64 }
	s := memrel.NewSchema()
	memrel.Define[other](s, "Other")
	db, err := s.Open()
	require.NoError(t, err)
	_, err = snSchema(true).s.Load(bytes.NewReader(snSave(t, db)))
	var se *memrel.SnapshotError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), "different schema")
}

func TestSNValidatesConstraints(t *testing.T) {
	loose := snSchema(false)
	db, err := loose.s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := loose.books.Create(tx, snBook{AuthorID: sql.Null[int64]{V: 42, Valid: true}})
		return err
	}))
	// Same tables, but with the foreign key constraint: the dangling
	// reference is refused and no store comes back.
	st, err := snSchema(true).s.Load(bytes.NewReader(snSave(t, db)))
	require.Nil(t, st)
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "authorId", fk.ForeignKey)
}

func TestSNSaveWhileWriting(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			_ = db.Update(func(tx *memrel.Txn) error {
				_, err := e.books.Create(tx, snBook{Pages: uint16(i)})
				return err
			})
		}
	}()
	for i := 0; i < 20; i++ {
		st, err := e.s.Load(bytes.NewReader(snSave(t, db)))
		require.NoError(t, err)
		require.NoError(t, st.View(func(tx *memrel.Txn) error {
			books, err := e.books.FindAll(tx, nil)
			require.NoError(t, err)
			for j, b := range books {
				require.Equal(t, int64(j+1), b.ID, "a snapshot is a prefix of the writes, without holes")
			}
			return nil
		}))
	}
	wg.Wait()
}
