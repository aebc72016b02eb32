package memrel_test

import (
	"context"
	"fmt"
	"log"

	"github.com/memrel/memrel"
)

// Code that begins its own transaction from the context it is given runs
// as a nested transaction when that context carries one: its Abort undoes
// only its own writes, its Commit hands them to the outer transaction.
func ExampleStore_BeginContext_nested() {
	b := exOpen()
	addPost := func(ctx context.Context, title string) error {
		tx, err := b.db.BeginContext(ctx, true)
		if err != nil {
			return err
		}
		defer tx.Abort()
		if _, err := b.posts.Create(tx, exPost{Title: title}); err != nil {
			return err
		}
		if title == "draft" {
			return fmt.Errorf("not published: %s", title)
		}
		return tx.Commit()
	}
	err := b.db.UpdateContext(context.Background(), func(tx *memrel.Txn) error {
		fmt.Println(addPost(tx.Context(), "draft"))
		return addPost(tx.Context(), "published")
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = b.db.View(func(tx *memrel.Txn) error {
		posts, _ := b.posts.FindAll(tx, nil)
		fmt.Println(len(posts), "posts, the last:", posts[len(posts)-1].Title)
		return nil
	})
	// Output:
	// not published: draft
	// 3 posts, the last: published
}
