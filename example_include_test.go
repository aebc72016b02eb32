package memrel_test

import (
	"fmt"
	"log"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// An include's Order, Limit and Offset apply to each row's list on its
// own (Sequelize's separate: true): here every post gets its latest three
// comments, newest first, with only their ids and bodies (Fields leaves
// postId out, so it reads NULL). Without an Order, a
// post's walk of the comments stops after Limit matches; with one, a
// bounded top-k keeps them, with no sort of all a post's comments.
func ExampleInclude_latestPerParent() {
	b := exOpen()
	err := b.db.Update(func(tx *memrel.Txn) error {
		for i := range 5 { // post 1 "a" now has comments 1, 2 and 5..9
			if _, err := b.comments.Create(tx, exComment{PostID: exPtr(1), Body: fmt.Sprint("a", i)}); err != nil {
				return err
			}
		}
		posts, err := b.posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{
			Assoc:  b.pc,
			Order:  []query.Order{query.Desc("id")},
			Limit:  3,
			Fields: []string{"id", "body"},
		}}})
		for _, p := range posts {
			fmt.Println(p.Title, exShow(p.Comments))
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// a [9 a4 postId=NULL] [8 a3 postId=NULL] [7 a2 postId=NULL]
	// b [3 z postId=NULL]
}
