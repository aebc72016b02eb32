// Command blog walks through memrel's main job on a tiny blog: users write
// posts, posts collect comments. It prints each step as it goes.
//
//	go run ./examples/blog
//
// The schema is the one Sequelize's documentation uses:
//
//	User hasMany Post    as posts,    FK Post.authorId (NOT NULL), onDelete CASCADE
//	Post hasMany Comment as comments, FK Comment.postId (nullable), onDelete SET NULL (the default)
package main

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// User writes posts. Posts is filled only when a read includes the
// association; it is never stored.
type User struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Posts []Post
}

// Post belongs to its author through a NOT NULL foreign key, so it cannot
// outlive the author.
type Post struct {
	ID       int64
	AuthorID int64 // column authorId
	Title    string
	Comments []Comment
	Author   *User
}

// Comment may exist without a post: its foreign key is a pointer, hence
// nullable, and un-associating it only clears the key.
type Comment struct {
	ID     int64
	PostID *int64 // column postId
	Body   string
	Post   *Post
}

type blog struct {
	db       *memrel.Store
	users    *memrel.Model[User]
	posts    *memrel.Model[Post]
	comments *memrel.Model[Comment]
	userPost *memrel.HasMany[User, Post]
	postComm *memrel.HasMany[Post, Comment]
}

func main() {
	log.SetFlags(0)
	b, err := open()
	if err != nil {
		log.Fatal(err)
	}
	steps := []struct {
		title string
		run   func(tx *memrel.Txn) error
	}{
		{"seed two users, two posts and three loose comments", b.seed},
		{"Create a comment through the association", b.create},
		{"Add loose comments to a post", b.add},
		{"Get and Count a post's comments", b.getCount},
		{"Has: which comments belong to post 1?", b.has},
		{"Set: post 1 keeps only comments 1 and 3", b.set},
		{"Remove comment 3 from post 1", b.remove},
		{"Get the inverse belongsTo: a comment's post", b.inverse},
		{"Include: users with their posts and the posts' comments, in one read", b.include},
		{"a foreign key that points nowhere is refused", b.badFK},
	}
	for i, s := range steps {
		fmt.Printf("\n%d. %s\n", i+1, s.title)
		if err := b.db.Update(s.run); err != nil {
			log.Fatalf("step %d: %v", i+1, err)
		}
	}
	fmt.Printf("\n%d. a transaction that fails is rolled back\n", len(steps)+1)
	b.rollback()
	fmt.Printf("\n%d. deleting a user cascades to her posts; their comments are orphaned\n", len(steps)+2)
	if err := b.db.Update(b.cascade); err != nil {
		log.Fatal(err)
	}
}

// open defines the schema and opens a store. Definitions are checked once,
// here: a typo in an option comes back as a *memrel.SchemaError.
func open() (*blog, error) {
	s := memrel.NewSchema()
	b := &blog{
		users:    memrel.Define[User](s, "User"),
		posts:    memrel.Define[Post](s, "Post"),
		comments: memrel.Define[Comment](s, "Comment"),
	}
	b.userPost = memrel.NewHasMany(b.users, b.posts, memrel.HasManyOptions{
		ForeignKey: "authorId", As: "posts", Inverse: "author", OnDelete: memrel.Cascade,
	})
	// All defaults: FK postId, alias comments, inverse post, onDelete SET NULL.
	b.postComm = memrel.NewHasMany(b.posts, b.comments, memrel.HasManyOptions{})
	db, err := s.Open()
	if err != nil {
		return nil, err
	}
	b.db = db
	return b, nil
}

func (b *blog) seed(tx *memrel.Txn) error {
	for _, name := range []string{"alice", "bob"} {
		u, err := b.users.Create(tx, User{Name: name})
		if err != nil {
			return err
		}
		fmt.Printf("   created user %d %s\n", u.ID, u.Name)
	}
	for _, p := range []Post{{AuthorID: 1, Title: "Hello"}, {AuthorID: 2, Title: "Bob's news"}} {
		p, err := b.posts.Create(tx, p)
		if err != nil {
			return err
		}
		fmt.Printf("   created post %d %q by user %d\n", p.ID, p.Title, p.AuthorID)
	}
	for _, body := range []string{"nice", "+1", "typo in line 2"} {
		c, err := b.comments.Create(tx, Comment{Body: body})
		if err != nil {
			return err
		}
		fmt.Printf("   created %s\n", showComment(c))
	}
	return nil
}

func (b *blog) create(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	// The association sets the foreign key; whatever c held there is ignored.
	c, err := b.postComm.Create(tx, post1, Comment{Body: "first!", PostID: ptr(int64(2))})
	if err != nil {
		return err
	}
	fmt.Printf("   post 1 got %s\n", showComment(c))
	return nil
}

func (b *blog) add(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	// Targets can be keys or instances; AddKeys takes both.
	c2, _, err := b.comments.FindByPK(tx, 2)
	if err != nil {
		return err
	}
	if err := b.postComm.AddKeys(tx, post1, int64(1), c2); err != nil {
		return err
	}
	fmt.Println("   added comments 1 and 2 to post 1")
	// A comment of another post would move; an unknown key is an error.
	err = b.postComm.AddKeys(tx, post1, int64(99))
	fmt.Printf("   adding comment 99: %v (errors.Is ErrNotFound: %t)\n", err, errors.Is(err, memrel.ErrNotFound))
	return nil
}

func (b *blog) getCount(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	cs, err := b.postComm.Get(tx, post1, nil)
	if err != nil {
		return err
	}
	fmt.Printf("   post 1 comments: %s\n", showComments(cs))
	cs, err = b.postComm.Get(tx, post1, &memrel.Options{
		Where: query.Ne("body", "first!"),
		Order: []query.Order{query.Desc("id")},
	})
	if err != nil {
		return err
	}
	fmt.Printf("   without \"first!\", newest first: %s\n", showComments(cs))
	n, err := b.postComm.Count(tx, post1, nil)
	if err != nil {
		return err
	}
	fmt.Printf("   Count: %d\n", n)
	return nil
}

func (b *blog) has(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	for _, keys := range [][]any{{int64(1), int64(2)}, {int64(1), int64(3)}, {}} {
		ok, err := b.postComm.HasKeys(tx, post1, keys...)
		if err != nil {
			return err
		}
		fmt.Printf("   has %v: %t\n", keys, ok)
	}
	return nil
}

func (b *blog) set(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	if err := b.postComm.SetKeys(tx, post1, []any{int64(1), int64(3)}, nil); err != nil {
		return err
	}
	// Comments 2 and 4 were associated and are not listed: the FK is
	// nullable, so they lose it instead of being deleted.
	return b.printComments(tx)
}

func (b *blog) remove(tx *memrel.Txn) error {
	post1, err := b.post(tx, 1)
	if err != nil {
		return err
	}
	c3, _, err := b.comments.FindByPK(tx, 3)
	if err != nil {
		return err
	}
	if err := b.postComm.Remove(tx, post1, []Comment{c3}, nil); err != nil {
		return err
	}
	fmt.Println("   removed comment 3 (its postId is now NULL; it still exists)")
	post2, err := b.post(tx, 2)
	if err != nil {
		return err
	}
	// Removing what is not associated is a no-op, not an error.
	if err := b.postComm.Remove(tx, post2, []Comment{c3}, nil); err != nil {
		return err
	}
	fmt.Println("   removing comment 3 from post 2, which never had it: no-op")
	return b.printComments(tx)
}

func (b *blog) inverse(tx *memrel.Txn) error {
	post := b.postComm.Inverse()
	for _, id := range []int64{1, 2} {
		c, _, err := b.comments.FindByPK(tx, id)
		if err != nil {
			return err
		}
		p, ok, err := post.Get(tx, c)
		if err != nil {
			return err
		}
		if ok {
			fmt.Printf("   comment %d belongs to post %d %q\n", id, p.ID, p.Title)
		} else {
			fmt.Printf("   comment %d belongs to no post\n", id)
		}
	}
	return nil
}

func (b *blog) include(tx *memrel.Txn) error {
	// Put comment 2 on Bob's post so both posts have something.
	if _, err := b.postComm.Inverse().SetKey(tx, Comment{ID: 2}, int64(2)); err != nil {
		return err
	}
	users, err := b.users.FindAll(tx, &memrel.Options{
		Order: []query.Order{query.Asc("name")},
		Include: []memrel.Include{{
			Assoc:   b.userPost,
			Include: []memrel.Include{{Assoc: b.postComm}},
		}},
	})
	if err != nil {
		return err
	}
	for _, u := range users {
		fmt.Printf("   %s\n", u.Name)
		for _, p := range u.Posts {
			fmt.Printf("     post %d %q: %s\n", p.ID, p.Title, showComments(p.Comments))
		}
	}
	// A where on an include makes it required: users without a match drop out.
	users, err = b.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{
		Assoc: b.userPost, Where: query.Like("title", "%news%"),
	}}})
	if err != nil {
		return err
	}
	fmt.Printf("   users with a post titled like %%news%%: %d (%s)\n", len(users), users[0].Name)
	return nil
}

func (b *blog) badFK(tx *memrel.Txn) error {
	_, err := b.comments.Create(tx, Comment{Body: "lost", PostID: ptr(int64(42))})
	fmt.Printf("   create a comment on post 42: %v\n", err)
	var fk *memrel.ForeignKeyConstraintError
	if errors.As(err, &fk) {
		fmt.Printf("   as *ForeignKeyConstraintError: model %s, key %s = %v\n", fk.Model, fk.ForeignKey, fk.Value)
	}
	// The failed call changed nothing and the transaction goes on.
	n, err := b.comments.Count(tx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("   still %d comments; the transaction goes on\n", n)
	return nil
}

func (b *blog) rollback() {
	errOops := errors.New("changed my mind")
	err := b.db.Update(func(tx *memrel.Txn) error {
		p, err := b.posts.Create(tx, Post{AuthorID: 1, Title: "Draft"})
		if err != nil {
			return err
		}
		fmt.Printf("   inside the transaction: created post %d %q\n", p.ID, p.Title)
		return errOops
	})
	fmt.Printf("   Update returned: %v\n", err)
	err = b.db.View(func(tx *memrel.Txn) error {
		n, err := b.posts.Count(tx, nil)
		fmt.Printf("   posts afterwards: %d\n", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
}

func (b *blog) cascade(tx *memrel.Txn) error {
	alice, ok, err := b.users.FindOne(tx, &memrel.Options{Where: query.Eq("name", "alice")})
	if err != nil || !ok {
		return fmt.Errorf("alice: found %t, %w", ok, err)
	}
	if err := b.users.Destroy(tx, alice); err != nil {
		return err
	}
	fmt.Println("   destroyed user alice")
	ps, err := b.posts.FindAll(tx, nil)
	if err != nil {
		return err
	}
	for _, p := range ps {
		fmt.Printf("   post left: %d %q by user %d\n", p.ID, p.Title, p.AuthorID)
	}
	return b.printComments(tx)
}

// post fetches a post that the demo knows exists.
func (b *blog) post(tx *memrel.Txn, id int64) (Post, error) {
	p, ok, err := b.posts.FindByPK(tx, id)
	if err == nil && !ok {
		err = fmt.Errorf("post %d: %w", id, memrel.ErrNotFound)
	}
	return p, err
}

func (b *blog) printComments(tx *memrel.Txn) error {
	cs, err := b.comments.FindAll(tx, nil)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Printf("   %s\n", showComment(c))
	}
	return nil
}

func showComment(c Comment) string {
	post := "NULL"
	if c.PostID != nil {
		post = fmt.Sprint(*c.PostID)
	}
	return fmt.Sprintf("comment %d %q (postId %s)", c.ID, c.Body, post)
}

func showComments(cs []Comment) string {
	if len(cs) == 0 {
		return "none"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%d %q", c.ID, c.Body)
	}
	return strings.Join(parts, ", ")
}

func ptr[T any](v T) *T { return &v }
