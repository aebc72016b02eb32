package memrel_test

import (
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

type exIssue struct {
	ID       int64
	Key      string `memrel:"key,unique"`
	Title    string
	Status   string `memrel:"status,default=open"`
	Priority int64
	Comments []exIssueComment
}

type exIssueComment struct {
	ID      int64
	Body    string
	IssueID *int64
}

// exTracker is a small tracker: Issue hasMany Comment.
func exTracker() (*memrel.Store, *memrel.Model[exIssue], *memrel.HasMany[exIssue, exIssueComment]) {
	s := memrel.NewSchema()
	issues := memrel.Define[exIssue](s, "Issue")
	comments := memrel.Define[exIssueComment](s, "Comment")
	of := memrel.NewHasMany(issues, comments, memrel.HasManyOptions{})
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	return db, issues, of
}

// ExampleModel_Upsert inserts rows in bulk, then upserts on the unique
// key: an update of the row holding it, which takes no new id.
func ExampleModel_Upsert() {
	db, issues, _ := exTracker()
	err := db.Update(func(tx *memrel.Txn) error {
		made, err := issues.BulkCreate(tx, []exIssue{{Key: "A-1", Title: "crash"}, {Key: "A-2", Title: "typo"}})
		if err != nil {
			return err
		}
		fmt.Println(made[0].ID, made[1].ID, made[1].Status)
		got, created, err := issues.Upsert(tx, exIssue{Key: "A-2", Title: "typo in README", Status: "open"},
			&memrel.UpsertOptions{Fields: []string{"title"}})
		fmt.Println(got.ID, got.Title, created, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 2 open
	// 2 typo in README false <nil>
}

// ExampleModel_Increment bumps a counter without reading the row first,
// and finds a row or creates it in one atomic call.
func ExampleModel_Increment() {
	db, issues, _ := exTracker()
	err := db.Update(func(tx *memrel.Txn) error {
		if _, err := issues.Create(tx, exIssue{Key: "A-1", Title: "crash"}); err != nil {
			return err
		}
		n, err := issues.Increment(tx, query.Eq("status", "open"), map[string]any{"priority": 2})
		fmt.Println(n, err)
		got, created, err := issues.FindOrCreate(tx, query.Eq("key", "A-9"), exIssue{Title: "new"})
		fmt.Println(got.ID, got.Key, created, err)
		got, created, err = issues.FindOrCreate(tx, query.Eq("key", "A-1"), exIssue{Title: "ignored"})
		fmt.Println(got.Title, got.Priority, created, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 <nil>
	// 2 A-9 true <nil>
	// crash 2 false <nil>
}

// ExampleModel_Patch changes one field of a row, where Update would write
// every field of the value it is given.
func ExampleModel_Patch() {
	db, issues, _ := exTracker()
	err := db.Update(func(tx *memrel.Txn) error {
		if _, err := issues.Create(tx, exIssue{Key: "A-1", Title: "crash", Priority: 3}); err != nil {
			return err
		}
		got, err := issues.Patch(tx, 1, map[string]any{"status": "closed"})
		fmt.Println(got.Title, got.Status, got.Priority, err)
		_, err = issues.Patch(tx, 99, map[string]any{"status": "closed"})
		fmt.Println(errors.Is(err, memrel.ErrNotFound))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// crash closed 3 <nil>
	// true
}

// ExampleModel_CountGroups counts issues per status, sums priorities and
// counts the comments of several issues at once.
func ExampleModel_CountGroups() {
	db, issues, comments := exTracker()
	err := db.Update(func(tx *memrel.Txn) error {
		made, err := issues.BulkCreate(tx, []exIssue{{Key: "A-1", Priority: 1}, {Key: "A-2", Status: "closed", Priority: 5},
			{Key: "A-3", Priority: 2}})
		if err != nil {
			return err
		}
		for _, body := range []string{"first", "second"} {
			if _, err := comments.Create(tx, made[0], exIssueComment{Body: body}); err != nil {
				return err
			}
		}
		groups, err := issues.CountGroups(tx, nil, "status")
		for _, g := range groups {
			fmt.Println(g.Row.Status, g.Count)
		}
		sum, ok, err := memrel.Sum[int64](tx, issues, "priority", &memrel.Options{Where: query.Eq("status", "open")})
		fmt.Println(sum, ok, err)
		avg, _, err := memrel.Avg(tx, issues, "priority", nil)
		fmt.Printf("%.4f %v\n", avg, err)
		counts, err := comments.CountMany(tx, made, nil)
		fmt.Println(counts, err)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// closed 1
	// open 2
	// 3 true <nil>
	// 2.6667 <nil>
	// [2 0 0] <nil>
}

type exDoc struct {
	ID        int64
	Title     string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

// ExampleParanoid soft-deletes a row, reads around it, and restores it.
func ExampleParanoid() {
	s := memrel.NewSchema()
	docs := memrel.Define[exDoc](s, "Doc", memrel.Timestamps(), memrel.Paranoid())
	db, err := s.Open(memrel.WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }))
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		if _, err := docs.Create(tx, exDoc{Title: "draft"}); err != nil {
			return err
		}
		if err := docs.DestroyKey(tx, 1); err != nil {
			return err
		}
		_, found, _ := docs.FindByPK(tx, 1)
		d, _, _ := docs.FindByPK(tx, 1, memrel.WithDeleted())
		fmt.Println(found, d.DeletedAt.Format(time.DateOnly))
		n, err := docs.Restore(tx, query.Cond{})
		fmt.Println(n, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// false 2026-01-01
	// 1 <nil>
}

type exAccount struct {
	ID    int64
	Email string
}

// ExampleWithHooks normalises a field before it is checked and stored,
// and validates it.
func ExampleWithHooks() {
	s := memrel.NewSchema()
	accounts := memrel.Define[exAccount](s, "Account",
		memrel.WithHooks(memrel.Hooks[exAccount]{
			BeforeCreate: func(tx *memrel.Txn, a *exAccount) error {
				a.Email = strings.ToLower(strings.TrimSpace(a.Email))
				return nil
			},
		}),
		memrel.Check("email", func(e string) error {
			if !strings.Contains(e, "@") {
				return errors.New("is not an address")
			}
			return nil
		}))
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		a, err := accounts.Create(tx, exAccount{Email: "  Ann@Example.COM "})
		fmt.Println(a.Email, err)
		_, err = accounts.Create(tx, exAccount{Email: "nobody"})
		fmt.Println(err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// ann@example.com <nil>
	// memrel: validation failed: Account.email is not an address
}
