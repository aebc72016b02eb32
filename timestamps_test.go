package memrel_test

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The timestamped blog of SPEC N1: Post hasMany Comment (nullable FK, SET
// NULL), both keeping createdAt/updatedAt.
type tsPost struct {
	ID        int64
	Title     string
	CreatedAt time.Time
	UpdatedAt time.Time
	Comments  []tsComment
}

type tsComment struct {
	ID        int64
	Body      string
	PostID    sql.Null[int64]
	CreatedAt time.Time
	UpdatedAt time.Time
}

// tsClock is a fake clock: each reading is one second after the last, so
// two readings are never alike, and reads counts them.
type tsClock struct {
	t     time.Time
	reads int
}

func (c *tsClock) now() time.Time {
	c.reads++
	c.t = c.t.Add(time.Second)
	return c.t
}

var tsT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type tsBlog struct {
	db       *memrel.Store
	clock    *tsClock
	posts    *memrel.Model[tsPost]
	comments *memrel.Model[tsComment]
	pc       *memrel.HasMany[tsPost, tsComment]
}

func tsOpen(t *testing.T) *tsBlog {
	t.Helper()
	s := memrel.NewSchema()
	b := &tsBlog{clock: &tsClock{t: tsT0}}
	b.posts = memrel.Define[tsPost](s, "Post", memrel.Timestamps())
	b.comments = memrel.Define[tsComment](s, "Comment", memrel.Timestamps())
	b.pc = memrel.NewHasMany(b.posts, b.comments, memrel.HasManyOptions{})
	db, err := s.Open(memrel.WithClock(b.clock.now))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	b.db = db
	return b
}

// at is the instant of the clock's n-th reading.
func at(n int) time.Time { return tsT0.Add(time.Duration(n) * time.Second) }

func (b *tsBlog) update(t *testing.T, fn func(tx *memrel.Txn) error) {
	t.Helper()
	require.NoError(t, b.db.Update(fn))
}

func (b *tsBlog) comment(t *testing.T, id int64) tsComment {
	t.Helper()
	var c tsComment
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		var ok bool
		var err error
		c, ok, err = b.comments.FindByPK(tx, id)
		require.True(t, ok)
		return err
	}))
	return c
}

func TestTimestamps_Create_StampsBothAndKeepsAnExplicitCreatedAt(t *testing.T) {
	b := tsOpen(t)
	given := time.Date(2020, 5, 5, 0, 0, 0, 0, time.UTC)
	b.update(t, func(tx *memrel.Txn) error {
		p, err := b.posts.Create(tx, tsPost{Title: "a"})
		require.NoError(t, err)
		require.Equal(t, at(1), p.CreatedAt)
		require.Equal(t, at(1), p.UpdatedAt)
		p, err = b.posts.Create(tx, tsPost{Title: "b", CreatedAt: given, UpdatedAt: given})
		require.NoError(t, err)
		require.Equal(t, given, p.CreatedAt, "an explicit createdAt is kept")
		require.Equal(t, at(2), p.UpdatedAt, "an explicit updatedAt is overwritten")
		got, _, err := b.posts.FindByPK(tx, p.ID)
		require.Equal(t, p, got)
		return err
	})
}

func TestTimestamps_Update_StampsUpdatedAtEvenWhenNothingChanges(t *testing.T) {
	b := tsOpen(t)
	b.update(t, func(tx *memrel.Txn) error {
		p, err := b.posts.Create(tx, tsPost{Title: "a"})
		require.NoError(t, err)
		same, err := b.posts.Update(tx, p)
		require.NoError(t, err)
		require.Equal(t, at(1), same.CreatedAt)
		require.Equal(t, at(2), same.UpdatedAt)
		// A struct built without createdAt keeps the stored one.
		bare, err := b.posts.Update(tx, tsPost{ID: p.ID, Title: "b"})
		require.NoError(t, err)
		require.Equal(t, at(1), bare.CreatedAt)
		require.Equal(t, at(3), bare.UpdatedAt)
		// An explicit createdAt is written.
		given := time.Date(2020, 5, 5, 0, 0, 0, 0, time.UTC)
		moved, err := b.posts.Update(tx, tsPost{ID: p.ID, Title: "b", CreatedAt: given})
		require.NoError(t, err)
		require.Equal(t, given, moved.CreatedAt)
		stored, _, err := b.posts.FindByPK(tx, p.ID)
		require.Equal(t, moved, stored)
		return err
	})
}

func TestTimestamps_OneCallReadsTheClockOnce(t *testing.T) {
	b := tsOpen(t)
	b.update(t, func(tx *memrel.Txn) error {
		for range 3 {
			if _, err := b.posts.Create(tx, tsPost{Title: "p"}); err != nil {
				return err
			}
		}
		reads := b.clock.reads
		n, err := b.posts.UpdateAll(tx, query.Cond{}, map[string]any{"title": "q"})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		require.Equal(t, reads+1, b.clock.reads, "one reading for the whole UpdateAll")
		ps, err := b.posts.FindAll(tx, nil)
		for _, p := range ps {
			require.Equal(t, at(reads+1), p.UpdatedAt)
		}
		// A read, and a write that stamps nothing, read no clock.
		_, err2 := b.posts.Count(tx, nil)
		_, err3 := b.comments.DestroyAll(tx, query.Cond{})
		require.Equal(t, reads+1, b.clock.reads)
		return errors.Join(err, err2, err3)
	})
}

func TestTimestamps_AssociationWritesStampButReferentialActionsDoNot(t *testing.T) {
	b := tsOpen(t)
	var p1, p2 tsPost
	var c tsComment
	b.update(t, func(tx *memrel.Txn) (err error) {
		p1, _ = b.posts.Create(tx, tsPost{Title: "1"})     // at(1)
		p2, _ = b.posts.Create(tx, tsPost{Title: "2"})     // at(2)
		c, err = b.pc.Create(tx, p1, tsComment{Body: "c"}) // at(3)
		return err
	})
	require.Equal(t, at(3), c.UpdatedAt)
	b.update(t, func(tx *memrel.Txn) error { return b.pc.Add(tx, p2, c) }) // at(4)
	require.Equal(t, at(4), b.comment(t, c.ID).UpdatedAt, "Add rewrites the foreign key")
	b.update(t, func(tx *memrel.Txn) error { return b.pc.Add(tx, p2, c) }) // at(5)
	require.Equal(t, at(5), b.comment(t, c.ID).UpdatedAt, "Add of a held target updates it too, as Sequelize's UPDATE does")
	b.update(t, func(tx *memrel.Txn) error { return b.pc.Remove(tx, p2, []tsComment{c}, nil) }) // at(6)
	got := b.comment(t, c.ID)
	require.False(t, got.PostID.Valid)
	require.Equal(t, at(6), got.UpdatedAt, "Remove nulls the foreign key")
	b.update(t, func(tx *memrel.Txn) error { return b.pc.Add(tx, p1, c) }) // at(7)

	// SET NULL on the parent's delete and CASCADE of its key change are the
	// database's actions: the child keeps its updatedAt.
	b.update(t, func(tx *memrel.Txn) error {
		_, err := b.posts.UpdateKey(tx, p1.ID, tsPost{ID: 100, Title: "1"}) // at(8)
		return err
	})
	got = b.comment(t, c.ID)
	require.Equal(t, int64(100), got.PostID.V)
	require.Equal(t, at(7), got.UpdatedAt, "onUpdate CASCADE does not stamp")
	b.update(t, func(tx *memrel.Txn) error { return b.posts.DestroyKey(tx, int64(100)) })
	got = b.comment(t, c.ID)
	require.False(t, got.PostID.Valid)
	require.Equal(t, at(7), got.UpdatedAt, "onDelete SET NULL does not stamp")
}

// TestTimestamps_SetStampsOnlyTheNewTargets: Sequelize's set updates the
// targets it associates anew, not those it keeps (recorded:
// nrnd-blog-paranoid-20270041), where add rewrites every listed target.
func TestTimestamps_SetStampsOnlyTheNewTargets(t *testing.T) {
	b := tsOpen(t)
	var p tsPost
	var kept, added tsComment
	b.update(t, func(tx *memrel.Txn) (err error) {
		p, _ = b.posts.Create(tx, tsPost{Title: "1"})            // at(1)
		kept, _ = b.pc.Create(tx, p, tsComment{Body: "kept"})    // at(2)
		added, err = b.comments.Create(tx, tsComment{Body: "n"}) // at(3)
		return err
	})
	b.update(t, func(tx *memrel.Txn) error { return b.pc.Set(tx, p, []tsComment{kept, added}, nil) }) // at(4)
	require.Equal(t, at(2), b.comment(t, kept.ID).UpdatedAt, "kept: not rewritten")
	require.Equal(t, at(4), b.comment(t, added.ID).UpdatedAt, "added: its foreign key rewritten")
}

func TestTimestamps_RolledBackCallsLeaveNoStamp(t *testing.T) {
	b := tsOpen(t)
	var p tsPost
	b.update(t, func(tx *memrel.Txn) (err error) {
		p, err = b.posts.Create(tx, tsPost{Title: "a"})
		return err
	})
	boom := errors.New("boom")
	err := b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.posts.Update(tx, p)
		require.NoError(t, err)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		got, _, err := b.posts.FindByPK(tx, p.ID)
		require.Equal(t, p, got)
		return err
	}))
}

func TestTimestamps_ForkKeepsTheClock(t *testing.T) {
	b := tsOpen(t)
	f, err := b.db.Fork()
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.Update(func(tx *memrel.Txn) error {
		p, err := b.posts.Create(tx, tsPost{Title: "a"})
		require.Equal(t, at(1), p.CreatedAt)
		return err
	}))
}

func TestTimestamps_Schema_FieldsMustBeNotNullTimes(t *testing.T) {
	type noStamps struct {
		ID int64
	}
	type nullable struct {
		ID        int64
		CreatedAt *time.Time
		UpdatedAt string
	}
	for name, define := range map[string]func(s *memrel.Schema){
		"missing":  func(s *memrel.Schema) { memrel.Define[noStamps](s, "M", memrel.Timestamps()) },
		"mistyped": func(s *memrel.Schema) { memrel.Define[nullable](s, "M", memrel.Timestamps()) },
	} {
		t.Run(name, func(t *testing.T) {
			s := memrel.NewSchema()
			define(s)
			_, err := s.Open()
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Len(t, se.Problems, 2, "%v", err)
			require.Contains(t, err.Error(), "createdAt")
			require.Contains(t, err.Error(), "updatedAt")
		})
	}
}

// A tag names the field: memrel:"createdAt" on any time.Time field.
func TestTimestamps_TaggedFields(t *testing.T) {
	type tagged struct {
		ID      int64
		Born    time.Time `memrel:"createdAt"`
		Touched time.Time `memrel:"updatedAt"`
	}
	s := memrel.NewSchema()
	m := memrel.Define[tagged](s, "M", memrel.Timestamps())
	clock := &tsClock{t: tsT0}
	db, err := s.Open(memrel.WithClock(clock.now))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		v, err := m.Create(tx, tagged{})
		require.Equal(t, at(1), v.Born)
		require.Equal(t, at(1), v.Touched)
		return err
	}))
}
