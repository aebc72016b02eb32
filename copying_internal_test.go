package memrel

// Internal test of the rules on an engine whose reads are copies (as a
// SQL engine's are): without engine.SharedRows, rows are compared by
// primary key, never by identity.

import (
	"context"
	"testing"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
	"github.com/stretchr/testify/require"
)

// copying wraps an engine: every row a write transaction reads is a
// fresh copy.
type copying struct{ engine.DB }

func (c copying) Features() engine.Features { return c.DB.Features() &^ engine.SharedRows }

func (c copying) Write(ctx context.Context) (engine.Writer, error) {
	w, err := c.DB.Write(ctx)
	return copyingWriter{w}, err
}

type copyingWriter struct{ engine.Writer }

func fresh(t *meta.Table, row any) any {
	if row == nil {
		return nil
	}
	return t.Clone(row)
}

func (w copyingWriter) Get(t *meta.Table, k *keys.Arg) any { return fresh(t, w.Writer.Get(t, k)) }

func (w copyingWriter) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	return copyingIter{w.Writer.Prefix(ix, k), ix.Table}
}

func (w copyingWriter) Children(ix *meta.Index, k *keys.Arg, dst []any, limit int) []any {
	start := len(dst)
	dst = w.Writer.Children(ix, k, dst, limit)
	for i := start; i < len(dst); i++ {
		dst[i] = fresh(ix.Table, dst[i])
	}
	return dst
}

type copyingIter struct {
	engine.Iterator
	t *meta.Table
}

func (it copyingIter) Next() any { return fresh(it.t, it.Iterator.Next()) }

func TestHasMany_Set_OnAnEngineOfCopies(t *testing.T) {
	ip := openIP(t, 3) // post i has comment i
	d := ip.db.db.Load()
	d.E = copying{d.E}
	require.NoError(t, ip.db.Update(func(tx *Txn) error {
		one := int64(1)
		_, err := ip.comments.Create(tx, ipComment{ID: 4, PostID: &one})
		require.NoError(t, err)
		// Post 1 has 1 and 4: keep 4, take 2, drop 1.
		require.NoError(t, ip.pc.Set(tx, ipPost{ID: 1}, []ipComment{{ID: 4}, {ID: 2}}, nil))
		kids, err := ip.pc.Get(tx, ipPost{ID: 1}, nil)
		require.NoError(t, err)
		ids := []int64{}
		for _, k := range kids {
			ids = append(ids, k.ID)
		}
		require.Equal(t, []int64{2, 4}, ids)
		c1, _, err := ip.comments.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.Nil(t, c1.PostID)
		return nil
	}))
}

type ohPost struct{ ID int64 }

type ohComment struct {
	ID     int64
	PostID int64 // NOT NULL: un-associating deletes
}

// HasOne.Set to the target already associated changes nothing: on an
// engine of copies the target read and the current one are two values of
// one row, which must not be taken for a previous target (deleted, as the
// foreign key is NOT NULL).
func TestHasOne_Set_SameTarget_OnAnEngineOfCopies(t *testing.T) {
	s := NewSchema()
	posts, comments := Define[ohPost](s, "Post"), Define[ohComment](s, "Comment")
	first := NewHasOne(posts, comments, HasOneOptions{As: "firstComment", NoConstraints: true})
	db, err := s.Open()
	require.NoError(t, err)
	d := db.db.Load()
	d.E = copying{d.E}
	require.NoError(t, db.Update(func(tx *Txn) error {
		_, err := posts.Create(tx, ohPost{ID: 1})
		require.NoError(t, err)
		_, err = comments.Create(tx, ohComment{ID: 1, PostID: 1})
		require.NoError(t, err)
		require.NoError(t, first.SetKey(tx, ohPost{ID: 1}, int64(1), nil))
		c, ok, err := comments.FindByPK(tx, int64(1))
		require.NoError(t, err)
		require.True(t, ok, "the target was deleted")
		require.Equal(t, int64(1), c.PostID)
		return nil
	}))
}
