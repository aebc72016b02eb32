package memrel

// The small schema internal tests share.

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type ipPost struct {
	ID       int64
	Title    string
	Comments []ipComment
}

type ipComment struct {
	ID     int64
	PostID *int64
}

type ipSchema struct {
	db       *Store
	posts    *Model[ipPost]
	comments *Model[ipComment]
	pc       *HasMany[ipPost, ipComment]
}

// openIP opens a store of posts with their comments (nullable foreign key,
// no onDelete action) and creates n posts with one comment each, ids 1..n.
func openIP(t *testing.T, n int) ipSchema {
	t.Helper()
	s := NewSchema()
	ip := ipSchema{posts: Define[ipPost](s, "Post"), comments: Define[ipComment](s, "Comment")}
	ip.pc = NewHasMany(ip.posts, ip.comments, HasManyOptions{})
	var err error
	ip.db, err = s.Open()
	require.NoError(t, err)
	require.NoError(t, ip.db.Update(func(tx *Txn) error {
		for i := range int64(n) {
			p, err := ip.posts.Create(tx, ipPost{ID: i + 1})
			if err != nil {
				return err
			}
			if _, err := ip.comments.Create(tx, ipComment{ID: i + 1, PostID: &p.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
	return ip
}
