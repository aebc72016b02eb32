package memrel_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/memrel/memrel"
)

// BenchmarkSnapshot measures Save (to io.Discard) and Load (from memory)
// of a store of 10 000 books of every column type.
func BenchmarkSnapshot(b *testing.B) {
	e := snSchema(false)
	db, err := e.s.Open()
	if err != nil {
		b.Fatal(err)
	}
	title := "a title of some length"
	if err := db.Update(func(tx *memrel.Txn) error {
		for i := range 10_000 {
			if _, err := e.books.Create(tx, snBook{Title: &title, Score: float64(i), Cover: []byte("cover"), Pages: uint16(i)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		b.Fatal(err)
	}
	b.Run("Save", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if err := db.Save(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if _, err := e.s.Load(bytes.NewReader(buf.Bytes())); err != nil {
				b.Fatal(err)
			}
		}
	})
}
