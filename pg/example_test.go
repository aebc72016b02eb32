package pg_test

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/pg"
)

type Post struct {
	ID    int64
	Title string
}

type Comment struct {
	ID     int64
	Body   string
	PostID *int64
}

// ExampleOpen opens a store of a schema in PostgreSQL and uses it through
// memrel's API, as it would a memory store. It needs a server
// (MEMREL_PG_URL), so it is compiled, not run.
func ExampleOpen() {
	ctx := context.Background()
	s := memrel.NewSchema()
	posts := memrel.Define[Post](s, "Post")
	comments := memrel.Define[Comment](s, "Comment")
	pc := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{OnDelete: memrel.Cascade})

	pool, err := pgxpool.New(ctx, os.Getenv("MEMREL_PG_URL"))
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	if err := pg.Ensure(ctx, pool, s); err != nil { // create the tables, or verify them
		panic(err)
	}
	db, err := pg.Open(ctx, pool, s)
	if err != nil {
		panic(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		p, err := posts.Create(tx, Post{Title: "hello"})
		if err != nil {
			return err
		}
		if _, err := pc.Create(tx, p, Comment{Body: "first"}); err != nil {
			return err
		}
		n, err := pc.Count(tx, p, nil)
		fmt.Println("comments:", n)
		return err
	})
	if err != nil {
		panic(err)
	}
}
