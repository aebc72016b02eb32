package memrel_test

import (
	"fmt"
	"log"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

type exUser struct {
	ID      int64
	Name    string
	Profile *exProfile // filled by an include of the hasOne
}

type exProfile struct {
	ID     int64
	Bio    string
	UserID *int64 // nullable: replacing a profile nulls the old one's key
}

// ExampleNewHasOne declares User hasOne Profile, replaces a user's profile
// and reads it back through an include.
func ExampleNewHasOne() {
	s := memrel.NewSchema()
	users := memrel.Define[exUser](s, "User")
	profiles := memrel.Define[exProfile](s, "Profile")
	profile := memrel.NewHasOne(users, profiles, memrel.HasOneOptions{}) // as "profile", FK userId
	db, err := s.Open()
	if err != nil {
		log.Fatal(err)
	}
	err = db.Update(func(tx *memrel.Txn) error {
		u, err := users.Create(tx, exUser{Name: "ann"})
		if err != nil {
			return err
		}
		if _, err := profile.Create(tx, u, exProfile{Bio: "first"}); err != nil {
			return err
		}
		second, err := profiles.Create(tx, exProfile{Bio: "second"})
		if err != nil {
			return err
		}
		// The first profile keeps its row; its foreign key is nulled.
		if err := profile.Set(tx, u, &second, nil); err != nil {
			return err
		}
		got, ok, err := profile.Get(tx, u, nil)
		fmt.Println(got.Bio, ok, err)
		all, err := users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: profile}}})
		fmt.Println(all[0].Name, all[0].Profile.Bio, err)
		orphans, err := profiles.Count(tx, &memrel.Options{Where: query.IsNull("userId")})
		fmt.Println(orphans, err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// second true <nil>
	// ann second <nil>
	// 1 <nil>
}
