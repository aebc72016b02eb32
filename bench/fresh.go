package bench

import "testing"

// The fresh-store cases: what a test suite pays for a store of its own
// per test, measured while the loaded stores of the size are live, so a
// large heap is part of the cost as it is in a suite with fixtures.
const (
	// OpenOp is a new empty store with the schema ready (Impl.Open), then
	// closed: memrel's Schema.Open, go-memdb's NewMemDB, SQLite's
	// :memory: with its CREATE TABLEs, GORM's Open and AutoMigrate.
	OpenOp = "Open"
	// ForkOp is a fork of the loaded store, then closed, for the
	// contenders that can fork ([Forker]).
	ForkOp = "Fork"
)

// Forker is a [Store] that can fork: a new, independent store starting
// from its committed rows. Writes to either are never seen by the other.
type Forker interface {
	Fork() (Store, error)
}

// benchFresh measures one new store from open and its Close: Impl.Open
// for an empty store, Forker.Fork for a copy of a loaded one.
func benchFresh(open func() (Store, error)) func(b *testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			s, err := open()
			must(b, err)
			must(b, s.Close())
		}
	}
}
