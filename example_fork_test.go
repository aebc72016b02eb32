package memrel_test

import (
	"fmt"
	"log"

	"github.com/memrel/memrel"
)

// Load fixtures once, then fork a store per test: each fork starts from
// the loaded rows, costs the same whatever they are, and changes nothing
// the others see.
func ExampleStore_Fork() {
	b := exOpen() // the fixtures, loaded once
	for _, test := range []string{"destroys post 1", "adds a comment"} {
		db, err := b.db.Fork()
		if err != nil {
			log.Fatal(err)
		}
		err = db.Update(func(tx *memrel.Txn) error {
			if test == "destroys post 1" {
				return b.posts.DestroyKey(tx, int64(1))
			}
			_, err := b.pc.Create(tx, exPost{ID: 2}, exComment{Body: "v"})
			return err
		})
		if err != nil {
			log.Fatal(err)
		}
		_ = db.View(func(tx *memrel.Txn) error {
			cs, err := b.comments.FindAll(tx, nil)
			fmt.Printf("%s: %s\n", test, exShow(cs))
			return err
		})
	}
	_ = b.db.View(func(tx *memrel.Txn) error {
		cs, err := b.comments.FindAll(tx, nil)
		fmt.Printf("fixtures: %s\n", exShow(cs))
		return err
	})
	// Output:
	// destroys post 1: [1 x postId=NULL] [2 y postId=NULL] [3 z postId=2] [4 w postId=NULL]
	// adds a comment: [1 x postId=1] [2 y postId=1] [3 z postId=2] [4 w postId=NULL] [5 v postId=2]
	// fixtures: [1 x postId=1] [2 y postId=1] [3 z postId=2] [4 w postId=NULL]
}
