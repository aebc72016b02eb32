package pg

import (
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// note is a row with a text and a time column.
type note struct {
	ID   int64
	Text string
	At   time.Time
}

// Times keep microseconds on PostgreSQL, nanoseconds in memory: the
// same row read back differs below the microsecond only.
func TestOpen_Times_KeepMicroseconds(t *testing.T) {
	s := memrel.NewSchema()
	notes := memrel.Define[note](s, "Note")
	db, _ := pgStore(t, s)
	mem := memreltest.New(t, s)
	at := time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC)
	for _, st := range []*memrel.Store{db, mem} {
		require.NoError(t, st.Update(func(tx *memrel.Txn) error {
			_, err := notes.Create(tx, note{Text: "t", At: at})
			return err
		}))
	}
	read := func(st *memrel.Store) (n note) {
		require.NoError(t, st.View(func(tx *memrel.Txn) error {
			var err error
			n, _, err = notes.FindByPK(tx, int64(1))
			return err
		}))
		return n
	}
	require.True(t, read(mem).At.Equal(at), "nanoseconds in memory")
	require.True(t, read(db).At.Equal(at.Truncate(time.Microsecond)), "microseconds on PostgreSQL: %v", read(db).At)
}

// Text PostgreSQL cannot hold (a NUL byte, bytes that are not UTF-8) is
// a ValidationError naming the field, before anything is sent; the
// memory engine stores any Go string.
func TestOpen_TextPostgreSQLCannotHold_IsAValidationError(t *testing.T) {
	s := memrel.NewSchema()
	notes := memrel.Define[note](s, "Note")
	db, _ := pgStore(t, s)
	for _, text := range []string{"a\x00b", "caf\xe9"} {
		err := db.Update(func(tx *memrel.Txn) error {
			_, err := notes.Create(tx, note{Text: text})
			return err
		})
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve, "%q", text)
		require.Equal(t, "Note", ve.Model)
		require.Len(t, ve.Items, 1)
		require.Equal(t, "text", ve.Items[0].Field)
		require.ErrorIs(t, err, memrel.ErrBadValue)
	}
	memreltest.AssertCount(t, db, notes, query.Gt("id", 0), 0)
	mem := memreltest.New(t, s)
	require.NoError(t, mem.Update(func(tx *memrel.Txn) error {
		_, err := notes.Create(tx, note{Text: "a\x00b"})
		return err
	}))
}
