package memrel_test

import (
	"database/sql/driver"
	"fmt"
	"log"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

// exLevel is an enum a team's code already stores by name through
// database/sql: memrel stores what Value returns and reads rows back
// through Scan.
type exLevel int

func (l exLevel) Value() (driver.Value, error) { return [...]string{"low", "high"}[l], nil }

func (l *exLevel) Scan(v any) error {
	switch v {
	case "low":
		*l = 0
	case "high":
		*l = 1
	default:
		return fmt.Errorf("level: %v", v)
	}
	return nil
}

type exTicket struct {
	ID     int64
	Title  string
	Level  exLevel           // a driver.Valuer: stored as "low" or "high"
	Tags   []string          `memrel:"tags,json"` // stored as its JSON text
	Labels map[string]string `gorm:"serializer:json"`
}

// ExampleDefine_codecColumns stores a Valuer enum by its value and slices
// and maps as JSON text, and queries by the Go value.
func ExampleDefine_codecColumns() {
	s := memrel.NewSchema()
	tickets := memrel.Define[exTicket](s, "Ticket")
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		for _, t := range []exTicket{
			{Title: "crash", Level: 1, Tags: []string{"bug", "p0"}, Labels: map[string]string{"team": "core"}},
			{Title: "typo", Tags: []string{"docs"}},
		} {
			if _, err := tickets.Create(tx, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = db.View(func(tx *memrel.Txn) error {
		high, err := tickets.FindAll(tx, &memrel.Options{Where: query.Eq("level", exLevel(1))})
		if err != nil {
			return err
		}
		fmt.Println(high[0].Title, high[0].Tags, high[0].Labels["team"])
		rows, err := s.Models()[0].FindAll(tx, &memrel.Options{Order: []query.Order{query.Asc("id")}})
		if err != nil {
			return err
		}
		for _, r := range rows {
			fmt.Println(r["level"], r["tags"], r["labels"])
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// crash [bug p0] core
	// high ["bug","p0"] {"team":"core"}
	// low ["docs"] <nil>
}
