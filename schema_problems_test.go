package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// Local shapes, as in schema_test.go: these schemas must be refused.
type probPost struct {
	ID       int64
	Title    string
	Comments []probComment
}

type probComment struct {
	ID       int64
	PostID   *int64
	EditorID *int64
	Post     *probPost
}

type probNote struct {
	ID     int64
	PostID *int64
}

// probWrongPost fills an association field of the wrong type.
type probWrongPost struct {
	ID    int64
	Notes []probNote
}

// TestSchema_Open_CollisionReportedOnceNamingTheOther: each mistake in a
// declaration is one problem, and a collision names the association it
// collides with.
func TestSchema_Open_CollisionReportedOnceNamingTheOther(t *testing.T) {
	const post, comment = "Post", "Comment"
	cases := []struct {
		name   string
		define func(s *memrel.Schema)
		want   []memrel.SchemaProblem
	}{
		{"the same hasMany twice collides in alias and inverse alias at once", func(s *memrel.Schema) {
			p, c := memrel.Define[probPost](s, post), memrel.Define[probComment](s, comment)
			memrel.NewHasMany(p, c, memrel.HasManyOptions{})
			memrel.NewHasMany(p, c, memrel.HasManyOptions{ForeignKey: "editorId"})
		}, []memrel.SchemaProblem{
			{Model: post, Reason: `hasMany comments: alias "comments" and inverse alias "post" already used by Post.comments (hasMany to Comment) and its inverse`},
		}},
		{"an alias used again for another target", func(s *memrel.Schema) {
			p := memrel.Define[probPost](s, post)
			memrel.NewHasMany(p, memrel.Define[probComment](s, comment), memrel.HasManyOptions{})
			memrel.NewHasMany(p, memrel.Define[probNote](s, "Note"), memrel.HasManyOptions{As: "comments"})
		}, []memrel.SchemaProblem{
			{Model: post, Reason: `hasMany comments: alias "comments" already used by Post.comments (hasMany to Comment)`},
		}},
		{"an alias used again with another inverse", func(s *memrel.Schema) {
			p, c := memrel.Define[probPost](s, post), memrel.Define[probComment](s, comment)
			memrel.NewHasMany(p, c, memrel.HasManyOptions{})
			memrel.NewHasMany(p, c, memrel.HasManyOptions{ForeignKey: "editorId", Inverse: "editor"})
		}, []memrel.SchemaProblem{
			{Model: post, Reason: `hasMany comments: alias "comments" already used by Post.comments (hasMany to Comment)`},
		}},
		{"an inverse alias used again", func(s *memrel.Schema) {
			p, c := memrel.Define[probPost](s, post), memrel.Define[probComment](s, comment)
			memrel.NewHasMany(p, c, memrel.HasManyOptions{})
			memrel.NewHasMany(p, c, memrel.HasManyOptions{As: "edited", ForeignKey: "editorId", Field: "Comments"})
		}, []memrel.SchemaProblem{
			{Model: post, Reason: `hasMany edited: inverse alias "post" already used by Comment.post (belongsTo Post, the inverse of Post.comments)`},
		}},
		{"a third declaration of one alias repeats the second's problem, which is listed once", func(s *memrel.Schema) {
			p := memrel.Define[probPost](s, post)
			memrel.NewHasMany(p, memrel.Define[probComment](s, comment), memrel.HasManyOptions{})
			n := memrel.Define[probNote](s, "Note")
			memrel.NewHasMany(p, n, memrel.HasManyOptions{As: "comments"})
			memrel.NewHasMany(p, n, memrel.HasManyOptions{As: "comments", Inverse: "other"})
		}, []memrel.SchemaProblem{
			{Model: post, Reason: `hasMany comments: alias "comments" already used by Post.comments (hasMany to Comment)`},
		}},
		{"a wrong-typed field of a repeated alias is reported once", func(s *memrel.Schema) {
			p, c := memrel.Define[probWrongPost](s, post), memrel.Define[probComment](s, comment)
			memrel.NewHasMany(p, c, memrel.HasManyOptions{Field: "Notes"})
			memrel.NewHasMany(p, c, memrel.HasManyOptions{Field: "Notes", ForeignKey: "editorId", Inverse: "editor"})
		}, []memrel.SchemaProblem{
			{Model: post, Field: "Notes", Reason: "association Post.comments fills this field, which must be " +
				"[]memrel_test.probComment or []*memrel_test.probComment, not []memrel_test.probNote"},
			{Model: comment, Field: "Post", Reason: "association Post.comments fills this field, which must be " +
				"*memrel_test.probWrongPost, not *memrel_test.probPost"},
			{Model: post, Reason: `hasMany comments: alias "comments" already used by Post.comments (hasMany to Comment)`},
		}},
		{"a field filled by another hasMany with another type", func(s *memrel.Schema) {
			p := memrel.Define[probPost](s, post)
			memrel.NewHasMany(p, memrel.Define[probComment](s, comment), memrel.HasManyOptions{})
			memrel.NewHasMany(p, memrel.Define[probNote](s, "Note"), memrel.HasManyOptions{Field: "Comments"})
		}, []memrel.SchemaProblem{
			{Model: post, Field: "Comments", Reason: "association Post.notes (hasMany to Note) fills this field, " +
				"also filled by Post.comments (hasMany to Comment); it must be []memrel_test.probNote or " +
				"[]*memrel_test.probNote, not []memrel_test.probComment"},
		}},
		{"a field filled by another association's inverse with another type", func(s *memrel.Schema) {
			p, c := memrel.Define[probPost](s, post), memrel.Define[probComment](s, comment)
			memrel.NewHasMany(p, c, memrel.HasManyOptions{})
			memrel.NewHasMany(c, c, memrel.HasManyOptions{As: "replies", ForeignKey: "editorId", Inverse: "parent", InverseField: "Post"})
		}, []memrel.SchemaProblem{
			{Model: comment, Field: "Post", Reason: "association Comment.parent (belongsTo Comment, the inverse of " +
				"Comment.replies) fills this field, also filled by Comment.post (belongsTo Post, the inverse of " +
				"Post.comments); it must be *memrel_test.probComment, not *memrel_test.probPost"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := memrel.NewSchema()
			tc.define(s)
			_, err := s.Open()
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.want, se.Problems)
		})
	}
}
