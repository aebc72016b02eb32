package memrel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/memrel/memrel"
)

// A service method that opens its own transaction can be called from
// inside another one: given the outer transaction's context, UpdateContext
// runs it as a nested transaction, whose failure undoes only its own work.
func ExampleStore_UpdateContext() {
	b := exOpen()
	addComment := func(ctx context.Context, body string) error {
		return b.db.UpdateContext(ctx, func(tx *memrel.Txn) error {
			if _, err := b.comments.Create(tx, exComment{PostID: exPtr(1), Body: body}); err != nil {
				return err
			}
			if body == "spam" {
				return errors.New("rejected")
			}
			return nil
		})
	}
	err := b.db.UpdateContext(context.Background(), func(tx *memrel.Txn) error {
		if _, err := b.posts.Create(tx, exPost{Title: "c"}); err != nil {
			return err
		}
		fmt.Println(addComment(tx.Context(), "spam"))
		return addComment(tx.Context(), "fine")
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = b.db.View(func(tx *memrel.Txn) error {
		posts, _ := b.posts.Count(tx, nil)
		comments, _ := b.pc.Get(tx, exPost{ID: 1}, nil)
		fmt.Println(posts, "posts;", len(comments), "comments on post 1, the last:", comments[len(comments)-1].Body)
		return nil
	})
	// Output:
	// rejected
	// 3 posts; 3 comments on post 1, the last: fine
}

// Txn.Update is the nested transaction without a context.
func ExampleTxn_Update() {
	b := exOpen()
	_ = b.db.Update(func(tx *memrel.Txn) error {
		err := tx.Update(func(tx *memrel.Txn) error {
			_, _ = b.posts.Create(tx, exPost{Title: "undone"})
			return errors.New("changed my mind")
		})
		fmt.Println(err)
		_, err = b.posts.Create(tx, exPost{Title: "kept"})
		return err
	})
	_ = b.db.View(func(tx *memrel.Txn) error {
		posts, _ := b.posts.FindAll(tx, nil)
		for _, p := range posts {
			fmt.Println(p.ID, p.Title)
		}
		return nil
	})
	// Output:
	// changed my mind
	// 1 a
	// 2 b
	// 4 kept
}

// A writer that cannot get the write lock before its deadline gives up.
func ExampleStore_BeginContext() {
	b := exOpen()
	holder := b.db.Begin(true)
	defer holder.Abort()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := b.db.BeginContext(ctx, true)
	fmt.Println(errors.Is(err, memrel.ErrTxWait), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

// After Close, nothing begins.
func ExampleStore_Close() {
	b := exOpen()
	if err := b.db.Close(); err != nil {
		log.Fatal(err)
	}
	err := b.db.View(func(tx *memrel.Txn) error { return nil })
	fmt.Println(errors.Is(err, memrel.ErrClosed))
	// Output: true
}
