package memrel_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/memrel/memrel"
)

// A snapshot saved before a deploy loads after it: the new nullable
// column loads as NULL and fields map by column name. A dropped column is
// refused, naming it, until DropMissing says to let it go.
func ExampleDropMissing() {
	type userV1 struct {
		ID     int64
		Name   string
		Legacy string
	}
	s1 := memrel.NewSchema()
	users := memrel.Define[userV1](s1, "User")
	db, _ := s1.Open()
	_ = db.Update(func(tx *memrel.Txn) error {
		_, err := users.Create(tx, userV1{Name: "ann", Legacy: "x"})
		return err
	})
	var snap bytes.Buffer
	_ = db.Save(&snap)

	type userV2 struct {
		Email *string // added: nullable
		Name  string  // moved
		ID    int64
	} // Legacy is gone
	s2 := memrel.NewSchema()
	users2 := memrel.Define[userV2](s2, "User")
	_, err := s2.Load(bytes.NewReader(snap.Bytes()))
	var me *memrel.SchemaMismatchError
	if errors.As(err, &me) {
		fmt.Println(errors.Is(err, memrel.ErrSchemaChanged), me.Differences[0])
	}
	db2, err := s2.Load(bytes.NewReader(snap.Bytes()), memrel.DropMissing())
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = db2.View(func(tx *memrel.Txn) error {
		u, _, _ := users2.FindByPK(tx, int64(1))
		fmt.Println(u.ID, u.Name, u.Email == nil)
		return nil
	})
	// Output:
	// true User.legacy: column dropped (string → none)
	// 1 ann true
}
