package memrel_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// The schema of testdata/snapshot-v1.bin, a snapshot written by format
// version 1: snapshots already on users' disks must keep loading whatever
// later versions change.
type v1Post struct {
	ID       int64
	Title    string `memrel:"title,unique"`
	Rank     *int32
	Score    float64
	Done     bool
	At       time.Time
	Blob     []byte `memrel:"blob,null"`
	Comments []v1Comment
}

type v1Comment struct {
	ID     int64
	Body   string
	PostID sql.Null[int64]
}

func v1Schema() (*memrel.Schema, *memrel.Model[v1Post], *memrel.Model[v1Comment]) {
	s := memrel.NewSchema()
	posts := memrel.Define[v1Post](s, "Post")
	comments := memrel.Define[v1Comment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	return s, posts, comments
}

var v1At = time.Date(2026, 12, 3, 7, 50, 0, 123, time.UTC)

func v1Rows() ([]v1Post, []v1Comment) {
	rank := int32(-7)
	return []v1Post{
			{ID: 1, Title: "first", Rank: &rank, Score: 2.5, Done: true, At: v1At, Blob: []byte{0, 1, 2}},
			{ID: 2, Title: "second", At: v1At.Add(time.Hour)},
		}, []v1Comment{
			{ID: 1, Body: "a", PostID: sql.Null[int64]{V: 1, Valid: true}},
			{ID: 2, Body: "orphan"},
		}
}

// MEMREL_WRITE_V1=1 rewrites the file; only the version-1 code may do it.
func TestSnapshot_Version1File_StillLoads(t *testing.T) {
	s, posts, comments := v1Schema()
	path := filepath.Join("testdata", "snapshot-v1.bin")
	ps, cs := v1Rows()
	if os.Getenv("MEMREL_WRITE_V1") == "1" {
		db, err := s.Open()
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			for _, p := range ps {
				if _, err := posts.Create(tx, p); err != nil {
					return err
				}
			}
			for _, c := range cs {
				if _, err := comments.Create(tx, c); err != nil {
					return err
				}
			}
			return nil
		}))
		require.NoError(t, db.SaveFile(path))
		require.NoError(t, db.Close())
	}
	db, err := s.LoadFile(path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		gotP, err := posts.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, ps, gotP)
		gotC, err := comments.FindAll(tx, nil)
		require.NoError(t, err)
		require.Equal(t, cs, gotC)
		next, err := comments.Create(tx, v1Comment{Body: "new"})
		require.NoError(t, err)
		require.Equal(t, int64(3), next.ID, "the sequence is restored")
		return nil
	}))
}
