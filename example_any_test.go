package memrel_test

import (
	"fmt"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// A schema learnt at run time (a tool reading someone else's data):
// models from column lists, a hasMany and a belongsToMany between them,
// rows written in bulk, by upsert and through the associations, read back
// with includes, counted per group.
func ExampleDefineAny() {
	s := memrel.NewSchema()
	posts := memrel.DefineAny(s, "Post", []memrel.Column{
		{Name: "id", Type: memrel.TypeInt}, {Name: "title", Type: memrel.TypeString, Unique: true}})
	comments := memrel.DefineAny(s, "Comment", []memrel.Column{
		{Name: "id", Type: memrel.TypeInt}, {Name: "body", Type: memrel.TypeString},
		{Name: "likes", Type: memrel.TypeInt}, {Name: "postId", Type: memrel.TypeInt, Nullable: true}})
	tags := memrel.DefineAny(s, "Tag", []memrel.Column{{Name: "id", Type: memrel.TypeInt}, {Name: "name", Type: memrel.TypeString}})
	postTags := memrel.DefineAny(s, "PostTag", []memrel.Column{
		{Name: "postId", Type: memrel.TypeInt, PK: true}, {Name: "tagId", Type: memrel.TypeInt, PK: true}})
	postComments := memrel.NewAnyHasMany(posts, comments, memrel.HasManyOptions{})
	tagged := memrel.NewAnyBelongsToMany(posts, tags, postTags, memrel.BelongsToManyOptions{Inverse: "posts"})
	db, err := s.Open()
	if err != nil {
		panic(err)
	}
	defer db.Close()

	err = db.Update(func(tx *memrel.Txn) error {
		if _, err := posts.BulkCreate(tx, []memrel.Row{{"title": "hello"}, {"title": "again"}}); err != nil {
			return err
		}
		// The title is unique and given: the upsert finds the row.
		if _, _, err := posts.Upsert(tx, memrel.Row{"title": "hello"}, nil); err != nil {
			return err
		}
		for _, body := range []string{"first", "second"} {
			if _, err := postComments.Create(tx, memrel.Row{"id": 1}, memrel.Row{"body": body}); err != nil {
				return err
			}
		}
		if _, err := tagged.Create(tx, memrel.Row{"id": 2}, memrel.Row{"name": "news"}, nil); err != nil {
			return err
		}
		_, err := comments.IncrementKey(tx, 2, map[string]any{"likes": 3})
		return err
	})
	if err != nil {
		panic(err)
	}

	_ = db.View(func(tx *memrel.Txn) error {
		rows, err := posts.FindAll(tx, &memrel.Options{
			Order:   []query.Order{{Field: "id"}},
			Include: []memrel.Include{{Assoc: postComments, Order: []query.Order{{Field: "id"}}}, {Assoc: tagged}}})
		if err != nil {
			return err
		}
		for _, p := range rows {
			fmt.Print(p["title"], ":")
			for _, c := range p["comments"].([]memrel.Row) {
				fmt.Print(" ", c["body"], "(", c["likes"], ")")
			}
			for _, g := range p["tags"].([]memrel.Row) {
				fmt.Print(" #", g["name"])
			}
			fmt.Println()
		}
		groups, err := comments.CountGroups(tx, nil, "postId")
		if err != nil {
			return err
		}
		for _, g := range groups {
			fmt.Println("post", g.Row["postId"], "has", g.Count, "comments")
		}
		return nil
	})
	// Output:
	// hello: first(0) second(3)
	// again: #news
	// post 1 has 2 comments
}
