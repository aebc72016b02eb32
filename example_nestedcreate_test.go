package memrel_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/memrel/memrel"
)

type ncPost struct {
	ID       int64
	Title    string
	Comments []ncComment // rows to create, with an include of the hasMany
}

type ncComment struct {
	ID      int64
	Body    string
	PostID  *int64
	Post    *ncPost
	Replies []ncReply
}

type ncReply struct {
	ID        int64
	Text      string
	CommentID int64
}

// ExampleModel_Create_nested creates a post with its comments and their
// replies in one call: the store writes every foreign key and returns the
// rows as stored. A graph that fails anywhere creates nothing, and rows in
// an association field Create was not told to include are an error, not
// dropped.
func ExampleModel_Create_nested() {
	s := memrel.NewSchema()
	posts := memrel.Define[ncPost](s, "Post")
	comments := memrel.Define[ncComment](s, "Comment")
	replies := memrel.Define[ncReply](s, "Reply")
	postComments := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	commentReplies := memrel.NewHasMany(comments, replies, memrel.HasManyOptions{})
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		p, err := posts.Create(tx, ncPost{Title: "hello", Comments: []ncComment{
			{Body: "first", Replies: []ncReply{{Text: "agreed"}}},
			{Body: "second"},
		}}, memrel.Include{Assoc: postComments, Include: []memrel.Include{{Assoc: commentReplies}}})
		if err != nil {
			return err
		}
		for _, c := range p.Comments {
			fmt.Println(p.ID, c.ID, *c.PostID, c.Body, len(c.Replies))
		}
		fmt.Println(p.Comments[0].Replies[0].CommentID, p.Comments[0].Replies[0].Text)

		// A comment with its post (belongsTo): the post is created first.
		c, err := comments.Create(tx, ncComment{Body: "mine", Post: &ncPost{Title: "new"}},
			memrel.Include{Assoc: postComments.Inverse()})
		fmt.Println(c.ID, *c.PostID, c.Post.Title, err)

		// Comment 1 exists: the whole graph fails, the post too.
		_, err = posts.Create(tx, ncPost{Title: "clash", Comments: []ncComment{{ID: 1, Body: "dup"}}},
			memrel.Include{Assoc: postComments})
		var ue *memrel.UniqueConstraintError
		fmt.Println(errors.As(err, &ue))
		_, err = posts.Create(tx, ncPost{Title: "no include", Comments: []ncComment{{Body: "dropped?"}}})
		fmt.Println(errors.Is(err, memrel.ErrAssociationField))
		n, err := posts.Count(tx, nil)
		fmt.Println(n, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 1 1 first 1
	// 1 2 1 second 0
	// 1 agreed
	// 3 2 new <nil>
	// true
	// true
	// 2 <nil>
}
