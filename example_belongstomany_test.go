package memrel_test

import (
	"fmt"
	"log"

	"github.com/memrel/memrel"
)

type exArticle struct {
	ID     int64
	Title  string
	Labels []exLabel // filled by an include of the belongsToMany
}

type exLabel struct {
	ID   int64
	Name string `memrel:"name,unique"`
}

// exArticleLabel is the join model: its key is the pair.
type exArticleLabel struct {
	ArticleID int64  `memrel:"articleId,pk"`
	LabelID   int64  `memrel:"labelId,pk"`
	Role      string `memrel:"role,default=tag"`
}

// ExampleNewBelongsToMany relates articles and labels through a join model
// with a value of its own, and reads the pairs from both sides.
func ExampleNewBelongsToMany() {
	s := memrel.NewSchema()
	articles := memrel.Define[exArticle](s, "Article")
	labels := memrel.Define[exLabel](s, "Label")
	joins := memrel.Define[exArticleLabel](s, "ArticleLabel")
	al := memrel.NewBelongsToMany(articles, labels, joins, memrel.BelongsToManyOptions{}) // as "labels", inverse "articles"
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		a, err := articles.Create(tx, exArticle{Title: "intro"})
		if err != nil {
			return err
		}
		for _, n := range []string{"go", "db"} {
			if _, err := labels.Create(tx, exLabel{Name: n}); err != nil {
				return err
			}
		}
		if err := al.AddKeys(tx, a, []any{1}, nil); err != nil {
			return err
		}
		if err := al.AddKeys(tx, a, []any{2}, func(j *exArticleLabel) { j.Role = "primary" }); err != nil {
			return err
		}
		got, err := al.Get(tx, a, nil)
		fmt.Println(len(got), got[0].Name, got[1].Name, err)
		back, err := al.Inverse().Get(tx, exLabel{ID: 2}, nil)
		fmt.Println(back[0].Title, err)
		rows, err := joins.FindAll(tx, nil)
		fmt.Println(rows[0].Role, rows[1].Role, err)
		withLabels, err := articles.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: al}}})
		fmt.Println(len(withLabels[0].Labels), err)
		// Deleting a label deletes its join rows.
		if err := labels.DestroyKey(tx, 1); err != nil {
			return err
		}
		n, err := joins.Count(tx, nil)
		fmt.Println(n, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 go db <nil>
	// intro <nil>
	// tag primary <nil>
	// 2 <nil>
	// 1 <nil>
}
