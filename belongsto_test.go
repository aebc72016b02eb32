package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// SPEC §6: belongsTo, the inverse on the child.

func TestBelongsTo_Get(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		cases := []struct {
			name  string
			child hmComment
			want  hmPost
			ok    bool
		}{
			{"parent", hmC3, hmP2, true},
			{"stale instance: the stored foreign key counts", hmComment{ID: 1, PostID: hmI(3)}, hmP1, true},
			{"null foreign key is none, not an error", hmC4, hmPost{}, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, ok, err := b.pc.Inverse().Get(tx, tc.child)
				require.NoError(t, err)
				require.Equal(t, tc.ok, ok)
				require.Equal(t, tc.want, got)
			})
		}
		_, _, err := b.pc.Inverse().Get(tx, hmComment{ID: 42})
		require.ErrorIs(t, err, memrel.ErrNotFound)
		r, ok, err := b.cr.Inverse().Get(tx, hmReply{ID: 4})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, hmC5, r)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}

func TestBelongsTo_SetSetKeyCreate(t *testing.T) {
	cases := []struct {
		name string
		op   func(tx *memrel.Txn, b *hmBlog) (any, error)
		ret  any   // the returned value on success
		err  error // errors.Is target
		errT any   // errors.As target
		want hmRows
	}{
		{
			name: "set points the child at the parent",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().Set(tx, hmC4, hmP3) },
			ret:  hmComment{ID: 4, Body: "c4", PostID: hmI(3)},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, hmC3,
				{ID: 4, Body: "c4", PostID: hmI(3)}, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set saves the stored child, not the instance's other fields",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.pc.Inverse().Set(tx, hmComment{ID: 1, Body: "changed"}, hmPost{ID: 2, Title: "ignored"})
			},
			ret: hmComment{ID: 1, Body: "c1", PostID: hmI(2)},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{{ID: 1, Body: "c1", PostID: hmI(2)},
				hmC2, hmC3, hmC4, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set to a parent that is not stored",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().Set(tx, hmC4, hmPost{ID: 42}) },
			errT: new(*memrel.ForeignKeyConstraintError),
			want: hmSeed(),
		},
		{
			name: "set of a child that is not stored",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().Set(tx, hmComment{ID: 42}, hmP1) },
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "set key",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().SetKey(tx, hmC1, 3) },
			ret:  hmComment{ID: 1, Body: "c1", PostID: hmI(3)},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{{ID: 1, Body: "c1", PostID: hmI(3)},
				hmC2, hmC3, hmC4, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set key nil clears",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().SetKey(tx, hmC3, nil) },
			ret:  hmComment{ID: 3, Body: "c3"},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, {ID: 3, Body: "c3"}, hmC4, hmC5},
				"Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "set key nil on a NOT NULL foreign key",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.cr.Inverse().SetKey(tx, hmReply{ID: 1}, nil) },
			errT: new(*memrel.ValidationError),
			want: hmSeed(),
		},
		{
			name: "set key of the wrong type",
			op:   func(tx *memrel.Txn, b *hmBlog) (any, error) { return b.pc.Inverse().SetKey(tx, hmC1, "two") },
			err:  memrel.ErrBadKey,
			want: hmSeed(),
		},
		{
			name: "set key on a NOT NULL foreign key moves the child",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.cr.Inverse().SetKey(tx, hmReply{ID: 1}, int64(4))
			},
			ret: hmReply{ID: 1, Text: "r1", CommentID: 4},
			want: hmRows{"Post": hmSeedPosts(), "Comment": hmSeed()["Comment"], "Reply": []hmReply{
				{ID: 1, Text: "r1", CommentID: 4}, {ID: 2, Text: "r2", CommentID: 1},
				{ID: 3, Text: "r3", CommentID: 3}, {ID: 4, Text: "r4", CommentID: 5}}, "Like": hmSeedLikes()},
		},
		{
			name: "create makes the parent and points the child at it",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.pc.Inverse().Create(tx, hmC1, hmPost{Title: "p4"})
			},
			ret: hmPost{ID: 4, Title: "p4"},
			want: hmRows{"Post": append(hmSeedPosts(), hmPost{ID: 4, Title: "p4"}), "Comment": []hmComment{
				{ID: 1, Body: "c1", PostID: hmI(4)}, hmC2, hmC3, hmC4, hmC5}, "Reply": hmSeedReplies(), "Like": hmSeedLikes()},
		},
		{
			name: "create a parent that itself has a foreign key",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.cr.Inverse().Create(tx, hmReply{ID: 3}, hmComment{Body: "c6", PostID: hmI(3)})
			},
			ret: hmComment{ID: 6, Body: "c6", PostID: hmI(3)},
			want: hmRows{"Post": hmSeedPosts(), "Comment": []hmComment{hmC1, hmC2, hmC3, hmC4, hmC5,
				{ID: 6, Body: "c6", PostID: hmI(3)}}, "Reply": []hmReply{
				{ID: 1, Text: "r1", CommentID: 1}, {ID: 2, Text: "r2", CommentID: 1},
				{ID: 3, Text: "r3", CommentID: 6}, {ID: 4, Text: "r4", CommentID: 5}}, "Like": hmSeedLikes()},
		},
		{
			name: "create for a child that is not stored creates nothing",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.pc.Inverse().Create(tx, hmComment{ID: 42}, hmPost{Title: "p4"})
			},
			err:  memrel.ErrNotFound,
			want: hmSeed(),
		},
		{
			name: "create of an invalid parent changes nothing",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.cr.Inverse().Create(tx, hmReply{ID: 3}, hmComment{Body: "c6", PostID: hmI(99)})
			},
			errT: new(*memrel.ForeignKeyConstraintError),
			want: hmSeed(),
		},
		{
			name: "create with an explicit key taken",
			op: func(tx *memrel.Txn, b *hmBlog) (any, error) {
				return b.pc.Inverse().Create(tx, hmC4, hmPost{ID: 2, Title: "dup"})
			},
			errT: new(*memrel.UniqueConstraintError),
			want: hmSeed(),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := hmNewBlog(t, hmBlogOpts{})
			b.seed(t)
			var ret any
			err := b.db.Update(func(tx *memrel.Txn) error {
				var err error
				ret, err = tc.op(tx, b)
				return err
			})
			switch {
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
			case tc.errT != nil:
				require.ErrorAs(t, err, tc.errT)
			default:
				require.NoError(t, err)
				require.Equal(t, tc.ret, ret)
			}
			require.Equal(t, tc.want, b.dump(t))
		})
	}
}

// TestBelongsTo_Set_WritesScope: the inverse of a scoped association writes the
// scope when it points a child at a parent, and clearing leaves it.
func TestBelongsTo_Set_WritesScope(t *testing.T) {
	p := hmNewPoly(t)
	require.NoError(t, p.db.Update(func(tx *memrel.Txn) error {
		n, err := p.ic.Inverse().Set(tx, hmN2, hmImage{ID: 2})
		require.NoError(t, err)
		require.Equal(t, hmNote{ID: 2, Body: "on v1", CommentableID: hmI(2), CommentableType: hmS("image")}, n)
		_, err = p.vc.Inverse().SetKey(tx, hmN4, nil)
		return err
	}))
	require.Equal(t, hmRows{
		"Image": []hmImage{{ID: 1, URL: "i1"}, {ID: 2, URL: "i2"}},
		"Video": []hmVideo{{ID: 1, Title: "v1"}},
		"Comment": []hmNote{hmN1, {ID: 2, Body: "on v1", CommentableID: hmI(2), CommentableType: hmS("image")}, hmN3,
			{ID: 4, Body: "on i2", CommentableType: hmS("image")}},
	}, p.dump(t))
}

func TestBelongsTo_Writes_ReadOnlyInView(t *testing.T) {
	b := hmNewBlog(t, hmBlogOpts{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		_, err := b.pc.Inverse().Set(tx, hmC4, hmP1)
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		_, err = b.pc.Inverse().SetKey(tx, hmC1, nil)
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		_, err = b.pc.Inverse().Create(tx, hmC1, hmPost{Title: "x"})
		require.ErrorIs(t, err, memrel.ErrReadOnly)
		return nil
	}))
	require.Equal(t, hmSeed(), b.dump(t))
}
