package memrel_test

import (
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The paranoid blog of SPEC N13: Post hasMany Comment (nullable FK, SET
// NULL), Post hasMany Note (NOT NULL FK, RESTRICT), every model
// soft-deleting; Post belongsToMany Label through PostLabel.
type parPost struct {
	ID        int64
	Title     string
	Slug      string `memrel:"slug,unique"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
	Comments  []parComment
	Notes     []parNote
	Labels    []parLabel
}

type parComment struct {
	ID        int64
	Body      string
	PostID    *int64
	Likes     int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
	Post      *parPost
}

type parNote struct {
	ID        int64
	Text      string
	PostID    int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

type parLabel struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

type parPostLabel struct {
	PostID  int64 `memrel:"postId,pk"`
	LabelID int64 `memrel:"labelId,pk"`
}

type parDB struct {
	db       *memrel.Store
	clock    *tsClock
	posts    *memrel.Model[parPost]
	comments *memrel.Model[parComment]
	notes    *memrel.Model[parNote]
	labels   *memrel.Model[parLabel]
	pc       *memrel.HasMany[parPost, parComment]
	pn       *memrel.HasMany[parPost, parNote]
	pl       *memrel.BelongsToMany[parPost, parLabel, parPostLabel]
}

// newParDB holds posts 1 ("a") and 2 ("b"), comments 1 and 2 on post 1
// and 3 on post 2, note 1 on post 1, labels 1 and 2 on post 1; all made at
// the clock's first reading.
func newParDB(t *testing.T) *parDB {
	t.Helper()
	s := memrel.NewSchema()
	p := &parDB{clock: &tsClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		posts:    memrel.Define[parPost](s, "Post", memrel.Timestamps(), memrel.Paranoid()),
		comments: memrel.Define[parComment](s, "Comment", memrel.Paranoid(), memrel.Timestamps()),
		notes:    memrel.Define[parNote](s, "Note", memrel.Timestamps(), memrel.Paranoid()),
		labels:   memrel.Define[parLabel](s, "Label", memrel.Timestamps(), memrel.Paranoid()),
	}
	join := memrel.Define[parPostLabel](s, "PostLabel")
	p.pc = memrel.NewHasMany(p.posts, p.comments, memrel.HasManyOptions{Inverse: "post"})
	p.pn = memrel.NewHasMany(p.posts, p.notes, memrel.HasManyOptions{OnDelete: memrel.Restrict})
	p.pl = memrel.NewBelongsToMany(p.posts, p.labels, join, memrel.BelongsToManyOptions{})
	db, err := s.Open(memrel.WithClock(p.clock.now))
	require.NoError(t, err)
	p.db = db
	p.update(t, func(tx *memrel.Txn) error {
		if _, err := p.posts.BulkCreate(tx, []parPost{{Title: "p1", Slug: "a"}, {Title: "p2", Slug: "b"}}); err != nil {
			return err
		}
		if _, err := p.comments.BulkCreate(tx, []parComment{{Body: "c1", PostID: aggI64(1)},
			{Body: "c2", PostID: aggI64(1)}, {Body: "c3", PostID: aggI64(2)}}); err != nil {
			return err
		}
		if _, err := p.notes.Create(tx, parNote{Text: "n1", PostID: 1}); err != nil {
			return err
		}
		if _, err := p.labels.BulkCreate(tx, []parLabel{{Name: "go"}, {Name: "db"}}); err != nil {
			return err
		}
		return p.pl.AddKeys(tx, parPost{ID: 1}, []any{1, 2}, nil)
	})
	return p
}

func (p *parDB) update(t *testing.T, fn func(tx *memrel.Txn) error) {
	t.Helper()
	require.NoError(t, p.db.Update(fn))
}

func (p *parDB) view(t *testing.T, fn func(tx *memrel.Txn)) {
	t.Helper()
	require.NoError(t, p.db.View(func(tx *memrel.Txn) error { fn(tx); return nil }))
}

// allComments returns every comment, soft-deleted ones included.
func (p *parDB) allComments(t *testing.T) []parComment {
	t.Helper()
	var out []parComment
	p.view(t, func(tx *memrel.Txn) {
		var err error
		out, err = p.comments.FindAll(tx, &memrel.Options{WithDeleted: true})
		require.NoError(t, err)
	})
	return out
}

func parIDs[T any](rows []T, key func(T) int64) []int64 {
	out := []int64{}
	for _, r := range rows {
		out = append(out, key(r))
	}
	return out
}

func commentID(c parComment) int64 { return c.ID }

func TestParanoid_DestroySetsDeletedAt_KeepsUpdatedAt_RunsNoAction(t *testing.T) {
	p := newParDB(t)
	before := p.allComments(t)
	p.update(t, func(tx *memrel.Txn) error { return p.posts.DestroyKey(tx, 1) })
	at := p.clock.t // the destroy's one reading
	p.view(t, func(tx *memrel.Txn) {
		_, ok, err := p.posts.FindByPK(tx, 1)
		require.NoError(t, err)
		require.False(t, ok, "a soft-deleted row is not found")
		got, ok, err := p.posts.FindByPK(tx, 1, memrel.WithDeleted())
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, at, *got.DeletedAt)
		require.Equal(t, got.CreatedAt, got.UpdatedAt, "a soft delete leaves updatedAt alone")
		notes, err := p.notes.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, notes, 1, "RESTRICT does not fire: the post is still there")
	})
	require.Equal(t, before, p.allComments(t), "SET NULL does not fire either")
}

func TestParanoid_DestroyTwice_IsNotFound(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error { return p.comments.DestroyKey(tx, 1) })
	err := p.db.Update(func(tx *memrel.Txn) error { return p.comments.DestroyKey(tx, 1) })
	require.ErrorIs(t, err, memrel.ErrNotFound)
	var n int
	p.update(t, func(tx *memrel.Txn) (err error) {
		n, err = p.comments.DestroyAll(tx, query.Eq("postId", 1))
		return err
	})
	require.Equal(t, 1, n, "only the live comment is matched")
}

func TestParanoid_Force_DeletesForReal_WithActions(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error { return p.comments.DestroyKey(tx, 3) })
	err := p.db.Update(func(tx *memrel.Txn) error { return p.posts.DestroyKey(tx, 1, memrel.Force()) })
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk, "RESTRICT fires on a real delete")
	p.update(t, func(tx *memrel.Txn) error {
		if err := p.notes.DestroyKey(tx, 1, memrel.Force()); err != nil {
			return err
		}
		return p.posts.DestroyKey(tx, 1, memrel.Force())
	})
	var n int
	p.update(t, func(tx *memrel.Txn) (err error) {
		n, err = p.comments.DestroyAll(tx, query.Eq("postId", 2), memrel.Force())
		return err
	})
	require.Equal(t, 1, n, "force matches the soft-deleted comment 3")
	p.view(t, func(tx *memrel.Txn) {
		_, ok, err := p.posts.FindByPK(tx, 1, memrel.WithDeleted())
		require.NoError(t, err)
		require.False(t, ok, "gone for real")
	})
	all := p.allComments(t)
	require.Equal(t, []int64{1, 2}, parIDs(all, commentID))
	require.Nil(t, all[0].PostID, "SET NULL fired")
	require.Nil(t, all[1].PostID)
}

func TestParanoid_ReadsSkipSoftDeletedRows(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error {
		if err := p.comments.DestroyKey(tx, 2); err != nil {
			return err
		}
		return p.labels.DestroyKey(tx, 2)
	})
	p.view(t, func(tx *memrel.Txn) {
		all, err := p.comments.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, []int64{1, 3}, parIDs(all, commentID))
		n, err := p.comments.Count(tx, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = p.comments.Count(tx, &memrel.Options{WithDeleted: true})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		gs, err := p.comments.CountGroups(tx, nil, "postId")
		require.NoError(t, err)
		require.Equal(t, []int{1, 1}, []int{gs[0].Count, gs[1].Count})
		top, _, err := memrel.Max[int64](tx, p.comments, "id", &memrel.Options{Where: query.Eq("postId", 1)})
		require.NoError(t, err)
		require.Equal(t, int64(1), top)

		kids, err := p.pc.Get(tx, parPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, []int64{1}, parIDs(kids, commentID))
		kids, err = p.pc.Get(tx, parPost{ID: 1}, &memrel.Options{WithDeleted: true})
		require.NoError(t, err)
		require.Equal(t, []int64{1, 2}, parIDs(kids, commentID))
		n, err = p.pc.Count(tx, parPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		ns, err := p.pc.CountMany(tx, []parPost{{ID: 1}, {ID: 2}}, nil)
		require.NoError(t, err)
		require.Equal(t, []int{1, 1}, ns)
		ok, err := p.pc.HasKeys(tx, parPost{ID: 1}, 2)
		require.NoError(t, err)
		require.False(t, ok)

		labels, err := p.pl.Get(tx, parPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, []string{"go"}, []string{labels[0].Name})
		require.Len(t, labels, 1)
		n, err = p.pl.Count(tx, parPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		ok, err = p.pl.HasKeys(tx, parPost{ID: 1}, 2)
		require.NoError(t, err)
		require.False(t, ok)
	})
}

func TestParanoid_IncludesDecidePerLevel(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error {
		if err := p.comments.DestroyKey(tx, 2); err != nil {
			return err
		}
		return p.posts.DestroyKey(tx, 2)
	})
	p.view(t, func(tx *memrel.Txn) {
		posts, err := p.posts.FindAll(tx, &memrel.Options{WithDeleted: true,
			Include: []memrel.Include{{Assoc: p.pc}}})
		require.NoError(t, err)
		require.Len(t, posts, 2, "the top level asked for deleted posts")
		require.Equal(t, []int64{1}, parIDs(posts[0].Comments, commentID), "the include did not")
		posts, err = p.posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: p.pc, WithDeleted: true}}})
		require.NoError(t, err)
		require.Len(t, posts, 1)
		require.Equal(t, []int64{1, 2}, parIDs(posts[0].Comments, commentID))

		cs, err := p.comments.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3),
			Include: []memrel.Include{{Assoc: p.pc.Inverse()}}})
		require.NoError(t, err)
		require.Nil(t, cs[0].Post, "a soft-deleted parent is not included")
		cs, err = p.comments.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3),
			Include: []memrel.Include{{Assoc: p.pc.Inverse(), WithDeleted: true}}})
		require.NoError(t, err)
		require.Equal(t, int64(2), cs[0].Post.ID)
		_, ok, err := p.pc.Inverse().Get(tx, parComment{ID: 3})
		require.NoError(t, err)
		require.False(t, ok, "belongsTo Get of a soft-deleted parent is none")
	})
}

func TestParanoid_ConstraintsStillSeeTheRow(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error { return p.posts.DestroyKey(tx, 2) })
	err := p.db.Update(func(tx *memrel.Txn) error {
		_, err := p.posts.Create(tx, parPost{Title: "again", Slug: "b"})
		return err
	})
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue, "unique counts soft-deleted rows")
	err = p.db.Update(func(tx *memrel.Txn) error {
		_, _, err := p.posts.FindOrCreate(tx, query.Eq("slug", "b"), parPost{Title: "again"})
		return err
	})
	require.ErrorAs(t, err, &ue, "findOrCreate does not find the soft-deleted row, and cannot create")
	p.update(t, func(tx *memrel.Txn) error {
		_, err := p.comments.Create(tx, parComment{Body: "late", PostID: aggI64(2)})
		return err
	})
}

func TestParanoid_WritesSkipSoftDeletedRows(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error { return p.comments.DestroyKey(tx, 2) })
	p.update(t, func(tx *memrel.Txn) error {
		n, err := p.comments.UpdateAll(tx, query.Eq("postId", 1), map[string]any{"body": "x"})
		require.Equal(t, 1, n)
		if err != nil {
			return err
		}
		n, err = p.comments.Increment(tx, query.Eq("postId", 1), map[string]any{"likes": 1})
		require.Equal(t, 1, n, "increment skips soft-deleted rows (a deviation)")
		if err != nil {
			return err
		}
		n, err = p.comments.IncrementKey(tx, 2, map[string]any{"likes": 1})
		require.Equal(t, 0, n)
		return err
	})
	err := p.db.Update(func(tx *memrel.Txn) error {
		_, err := p.comments.Update(tx, parComment{ID: 2, Body: "y"})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotFound)
	all := p.allComments(t)
	require.Equal(t, "c2", all[1].Body)
	require.Zero(t, all[1].Likes)
	require.Equal(t, int64(1), all[0].Likes)
}

func TestParanoid_AssociationWrites(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error {
		if err := p.comments.DestroyKey(tx, 3); err != nil {
			return err
		}
		return p.labels.DestroyKey(tx, 2)
	})
	for name, fn := range map[string]func(tx *memrel.Txn) error{
		"Add":    func(tx *memrel.Txn) error { return p.pc.AddKeys(tx, parPost{ID: 1}, 3) },
		"Set":    func(tx *memrel.Txn) error { return p.pc.SetKeys(tx, parPost{ID: 1}, []any{1, 3}, nil) },
		"BTMAdd": func(tx *memrel.Txn) error { return p.pl.AddKeys(tx, parPost{ID: 2}, []any{2}, nil) },
	} {
		err := p.db.Update(fn)
		require.ErrorIs(t, err, memrel.ErrNotFound, name)
	}
	// Set's previous rows are the visible ones: the soft-deleted comment 3
	// keeps its foreign key.
	p.update(t, func(tx *memrel.Txn) error { return p.pc.SetKeys(tx, parPost{ID: 2}, []any{1}, nil) })
	all := p.allComments(t)
	require.Equal(t, int64(2), *all[0].PostID)
	require.Equal(t, int64(2), *all[2].PostID, "invisible to Set")
	// Un-associating a NOT NULL child destroys it: softly.
	p.update(t, func(tx *memrel.Txn) error { return p.pn.SetKeys(tx, parPost{ID: 1}, nil, nil) })
	p.view(t, func(tx *memrel.Txn) {
		n, ok, err := p.notes.FindByPK(tx, 1, memrel.WithDeleted())
		require.NoError(t, err)
		require.True(t, ok, "soft-deleted, not deleted")
		require.NotNil(t, n.DeletedAt)
		require.Equal(t, int64(1), n.PostID, "its foreign key stays")
	})
}

func TestParanoid_Restore_CountsWhatItRestored(t *testing.T) {
	p := newParDB(t)
	p.update(t, func(tx *memrel.Txn) error {
		_, err := p.comments.DestroyAll(tx, query.In("id", 1, 2))
		return err
	})
	var n int
	p.update(t, func(tx *memrel.Txn) (err error) {
		n, err = p.comments.Restore(tx, query.In("id", 2, 3))
		return err
	})
	require.Equal(t, 1, n, "comment 3 was live: not counted (a deviation)")
	p.update(t, func(tx *memrel.Txn) error {
		ok, err := p.comments.RestoreKey(tx, 1)
		require.True(t, ok)
		if err != nil {
			return err
		}
		ok, err = p.comments.RestoreKey(tx, 1)
		require.False(t, ok, "restored already")
		return err
	})
	for _, c := range p.allComments(t) {
		require.Nil(t, c.DeletedAt)
		require.Equal(t, c.CreatedAt, c.UpdatedAt, "restore leaves updatedAt alone")
	}
	err := p.db.Update(func(tx *memrel.Txn) error {
		_, err := p.comments.RestoreKey(tx, 99)
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotFound)
	err = p.db.Update(func(tx *memrel.Txn) error {
		_, err := memrel.Define[aggStay](memrel.NewSchema(), "x").Restore(tx, query.Cond{})
		return err
	})
	require.Error(t, err)
}

func TestParanoid_Restore_OnAModelThatIsNot_IsErrNotParanoid(t *testing.T) {
	s := memrel.NewSchema()
	plain := memrel.Define[parLabel](s, "Label", memrel.Timestamps())
	db, err := s.Open()
	require.NoError(t, err)
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := plain.Restore(tx, query.Cond{})
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotParanoid)
	err = db.Update(func(tx *memrel.Txn) error {
		_, err := plain.RestoreKey(tx, 1)
		return err
	})
	require.ErrorIs(t, err, memrel.ErrNotParanoid)
}

func TestParanoid_NeedsTimestampsAndDeletedAt(t *testing.T) {
	s := memrel.NewSchema()
	memrel.Define[parLabel](s, "Label", memrel.Paranoid())
	_, err := s.Open()
	require.ErrorContains(t, err, "Paranoid needs Timestamps")
	s = memrel.NewSchema()
	memrel.Define[tsPost](s, "Post", memrel.Timestamps(), memrel.Paranoid())
	_, err = s.Open()
	require.ErrorContains(t, err, "DeletedAt")
}

func TestParanoid_RolledBackSoftDelete_LeavesTheRowLive(t *testing.T) {
	p := newParDB(t)
	err := p.db.Update(func(tx *memrel.Txn) error {
		if err := p.posts.DestroyKey(tx, 1); err != nil {
			return err
		}
		return memrel.ErrNotFound
	})
	require.ErrorIs(t, err, memrel.ErrNotFound)
	p.view(t, func(tx *memrel.Txn) {
		_, ok, err := p.posts.FindByPK(tx, 1)
		require.NoError(t, err)
		require.True(t, ok)
	})
}
