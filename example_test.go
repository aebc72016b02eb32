package memrel_test

import (
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// Local shapes: an Example shows users the whole program, so its models
// are declared beside it rather than imported from an internal package.
// exPost is a source model: ID is the auto-increment primary key, and
// Comments is filled only when a read includes the association.
type exPost struct {
	ID       int64
	Title    string `memrel:"title,notnull"`
	Comments []exComment
}

// exComment is a target model with a nullable foreign key (column postId).
type exComment struct {
	ID     int64
	PostID *int64
	Body   string
	Post   *exPost
}

// exBlog is what the examples share: a store with Post hasMany Comment.
type exBlog struct {
	db       *memrel.Store
	posts    *memrel.Model[exPost]
	comments *memrel.Model[exComment]
	pc       *memrel.HasMany[exPost, exComment]
}

// exOpen opens a store holding post 1 "a" with comments 1 "x" and 2 "y",
// post 2 "b" with comment 3 "z", and comment 4 "w" on no post.
func exOpen() *exBlog {
	s := memrel.NewSchema()
	b := &exBlog{
		posts:    memrel.Define[exPost](s, "Post"),
		comments: memrel.Define[exComment](s, "Comment"),
	}
	b.pc = memrel.NewHasMany(b.posts, b.comments, memrel.HasManyOptions{})
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	b.db = db
	err = db.Update(func(tx *memrel.Txn) error {
		for _, title := range []string{"a", "b"} {
			if _, err := b.posts.Create(tx, exPost{Title: title}); err != nil {
				return err
			}
		}
		for _, c := range []exComment{{PostID: exPtr(1), Body: "x"}, {PostID: exPtr(1), Body: "y"}, {PostID: exPtr(2), Body: "z"}, {Body: "w"}} {
			if _, err := b.comments.Create(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func exPtr(v int64) *int64 { return &v }

func exShow(cs []exComment) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		fk := "NULL"
		if c.PostID != nil {
			fk = fmt.Sprint(*c.PostID)
		}
		parts[i] = fmt.Sprintf("[%d %s postId=%s]", c.ID, c.Body, fk)
	}
	return strings.Join(parts, " ")
}

// exNoKey has no primary key, which Open reports.
type exNoKey struct {
	Name string
}

// Define models, associate them, then open: every mistake in the
// definitions comes back at once, and one schema opens any number of
// independent stores.
func ExampleSchema_Open() {
	s := memrel.NewSchema()
	posts := memrel.Define[exPost](s, "Post")
	comments := memrel.Define[exComment](s, "Comment")
	pc := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	fmt.Printf("%+v\n", pc.Info())

	db, err := s.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	other, _ := s.Open() // a second, independent store
	fmt.Println(db, other != db)

	bad := memrel.NewSchema()
	memrel.Define[exNoKey](bad, "Tag")
	_, err = bad.Open()
	var se *memrel.SchemaError
	fmt.Println(errors.As(err, &se), err)
	// Output:
	// {Type:HasMany Source:Post Target:Comment ForeignKey:postId SourceKey:id As:comments Singular:comment IsAliased:false IsSelfAssociation:false OnDelete:SET NULL OnUpdate:CASCADE Constraints:true Scope:map[]}
	// memrel.Store(2 models) true
	// true memrel: invalid schema: Tag: no primary key: tag a field with pk or name it ID
}

// Update commits when its function returns nil and rolls everything back
// when it returns an error (or panics).
func ExampleStore_Update() {
	b := exOpen()
	err := b.db.Update(func(tx *memrel.Txn) error {
		p, err := b.posts.Create(tx, exPost{Title: "draft"})
		if err != nil {
			return err
		}
		fmt.Println("created post", p.ID)
		return errors.New("discard it")
	})
	fmt.Println("Update:", err)

	_ = b.db.View(func(tx *memrel.Txn) error {
		n, err := b.posts.Count(tx, nil)
		fmt.Println("posts:", n, err)
		_, err = b.posts.Create(tx, exPost{Title: "no"})
		fmt.Println("write in View:", errors.Is(err, memrel.ErrReadOnly))
		return nil
	})

	// A failed call inside Update is undone on its own; the transaction
	// goes on and commits the rest.
	err = b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.comments.Create(tx, exComment{PostID: exPtr(9), Body: "lost"})
		var fk *memrel.ForeignKeyConstraintError
		fmt.Println("dangling FK refused:", errors.As(err, &fk))
		_, err = b.comments.Create(tx, exComment{Body: "kept"})
		return err
	})
	fmt.Println("Update:", err)
	// Output:
	// created post 3
	// Update: discard it
	// posts: 2 <nil>
	// write in View: true
	// dangling FK refused: true
	// Update: <nil>
}

// Where and Order take column names (or Go field names); NULLs never match
// a comparison and sort last ascending.
func ExampleModel_FindAll() {
	b := exOpen()
	_ = b.db.View(func(tx *memrel.Txn) error {
		cs, err := b.comments.FindAll(tx, &memrel.Options{
			Where: query.Or(query.Eq("postId", 1), query.IsNull("postId")),
			Order: []query.Order{query.Desc("body")},
		})
		fmt.Println(exShow(cs), err)

		cs, err = b.comments.FindAll(tx, &memrel.Options{Where: query.Ne("PostID", 2), Limit: 2, Offset: 1})
		fmt.Println(exShow(cs), err)
		return nil
	})
	// Output:
	// [2 y postId=1] [1 x postId=1] [4 w postId=NULL] <nil>
	// [2 y postId=1] <nil>
}

// Set makes the listed comments exactly the post's comments. The foreign
// key is nullable, so the comment that is no longer listed keeps existing
// with postId NULL; with DestroyPrevious (or a NOT NULL key) it would be
// deleted.
func ExampleHasMany_Set() {
	b := exOpen()
	_ = b.db.Update(func(tx *memrel.Txn) error {
		post1, _, _ := b.posts.FindByPK(tx, 1)
		// Comment 3 moves from post 2; comment 1 is dropped.
		err := b.pc.SetKeys(tx, post1, []any{int64(2), int64(3)}, nil)
		fmt.Println("Set:", err)
		all, _ := b.comments.FindAll(tx, nil)
		fmt.Println(exShow(all))

		err = b.pc.SetKeys(tx, post1, []any{int64(99)}, nil)
		fmt.Println("unknown key:", errors.Is(err, memrel.ErrNotFound))
		return nil
	})
	// Output:
	// Set: <nil>
	// [1 x postId=NULL] [2 y postId=1] [3 z postId=1] [4 w postId=NULL]
	// unknown key: true
}

// Remove un-associates only the listed comments that belong to the post;
// Destroy deletes them instead of nulling the foreign key.
func ExampleHasMany_Remove() {
	b := exOpen()
	_ = b.db.Update(func(tx *memrel.Txn) error {
		post1, _, _ := b.posts.FindByPK(tx, 1)
		c1, _, _ := b.comments.FindByPK(tx, 1)
		c3, _, _ := b.comments.FindByPK(tx, 3) // post 2's: ignored
		fmt.Println(b.pc.Remove(tx, post1, []exComment{c1, c3}, nil))
		fmt.Println(b.pc.RemoveKeys(tx, post1, []any{int64(2)}, &memrel.RemoveOptions{Destroy: true}))
		all, _ := b.comments.FindAll(tx, nil)
		fmt.Println(exShow(all))
		return nil
	})
	// Output:
	// <nil>
	// <nil>
	// [1 x postId=NULL] [3 z postId=2] [4 w postId=NULL]
}

// NewHasMany declares Post hasMany Comment and its inverse; an Include
// loads each post's comments into Post.Comments in the same read.
func ExampleNewHasMany() {
	s := memrel.NewSchema()
	posts := memrel.Define[exPost](s, "Post")
	comments := memrel.Define[exComment](s, "Comment")
	pc := memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "comments", Inverse: "post"})
	db, err := s.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = db.Update(func(tx *memrel.Txn) error {
		p, _ := posts.Create(tx, exPost{Title: "hello"})
		_, _ = pc.Create(tx, p, exComment{Body: "first"})
		_, _ = pc.Create(tx, p, exComment{Body: "second"})
		_, _ = posts.Create(tx, exPost{Title: "quiet"})
		return nil
	})
	_ = db.View(func(tx *memrel.Txn) error {
		ps, err := posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pc}}})
		for _, p := range ps {
			fmt.Println(strings.TrimSpace(fmt.Sprintf("%s: %d %s", p.Title, len(p.Comments), exShow(p.Comments))))
		}
		// A where on the include makes it required: "quiet" drops out.
		ps, err = posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pc, Where: query.StartsWith("body", "s")}}})
		fmt.Println(len(ps), ps[0].Title, exShow(ps[0].Comments), err)
		return err
	})
	// Output:
	// hello: 2 [1 first postId=1] [2 second postId=1]
	// quiet: 0
	// 1 hello [2 second postId=1] <nil>
}

// The inverse belongsTo answers "which post?"; a NULL foreign key is no
// post, not an error.
func ExampleBelongsTo_Get() {
	b := exOpen()
	post := b.pc.Inverse()
	_ = b.db.View(func(tx *memrel.Txn) error {
		for _, id := range []int64{3, 4} {
			c, _, _ := b.comments.FindByPK(tx, id)
			p, ok, err := post.Get(tx, c)
			fmt.Println(id, p.Title, ok, err)
		}
		return nil
	})
	// Output:
	// 3 b true <nil>
	// 4  false <nil>
}

// A read transaction may be shared: goroutines that View waits for read
// the same snapshot through it, at once.
func ExampleStore_View_shared() {
	b := exOpen()
	err := b.db.View(func(tx *memrel.Txn) error {
		var wg sync.WaitGroup
		counts := make([]int, 2)
		errs := make([]error, 2)
		for i := range counts {
			wg.Go(func() {
				counts[i], errs[i] = b.pc.Count(tx, exPost{ID: int64(i + 1)}, nil)
			})
		}
		wg.Wait()
		fmt.Println("comments of posts 1 and 2:", counts)
		return errors.Join(errs...)
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: comments of posts 1 and 2: [2 1]
}
