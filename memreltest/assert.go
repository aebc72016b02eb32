package memreltest

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/assert"
)

// AssertRows checks that reading m with o (nil: every row, in primary key
// order) gives want, reporting the difference when it does not.
func AssertRows[T any](t testing.TB, db *memrel.Store, m *memrel.Model[T], o *memrel.Options, want []T) bool {
	t.Helper()
	got, err := memrel.ViewValue(db, func(tx *memrel.Txn) ([]T, error) { return m.FindAll(tx, o) })
	if err != nil {
		t.Errorf("memreltest: %s: %v", m.Name(), err)
		return false
	}
	if len(got) == 0 && len(want) == 0 {
		return true // nil and empty alike
	}
	return assert.Equal(t, want, got, "the rows of %s", m.Name())
}

// AssertCount checks that where (the zero Cond: every row) matches n
// rows of m.
func AssertCount[T any](t testing.TB, db *memrel.Store, m *memrel.Model[T], where query.Cond, n int) bool {
	t.Helper()
	got, err := memrel.ViewValue(db, func(tx *memrel.Txn) (int, error) {
		return m.Count(tx, &memrel.Options{Where: where})
	})
	if err != nil {
		t.Errorf("memreltest: %s: %v", m.Name(), err)
		return false
	}
	return assert.Equal(t, n, got, "rows of %s matching %v", m.Name(), where)
}

// A Mark is a store's committed state at one moment, kept as a fork (so
// it costs the same whatever the store holds), for [Mark.AssertUnchanged].
type Mark struct {
	db, then *memrel.Store
}

// MarkState marks db's committed state now. The mark's fork is closed
// when t ends.
func MarkState(t testing.TB, db *memrel.Store) Mark {
	t.Helper()
	then, err := db.Fork()
	if err != nil {
		t.Fatalf("memreltest: mark: %v", err)
	}
	t.Cleanup(func() { _ = then.Close() })
	return Mark{db: db, then: then}
}

// AssertUnchanged checks that the store holds exactly what it held at the
// mark: every row and every sequence (an insert rolled back by hand still
// moves a sequence), as the snapshots of both compare. When it does not,
// it reports both dumps' difference.
func (mk Mark) AssertUnchanged(t testing.TB) bool {
	t.Helper()
	ok, err := same(mk.then, mk.db)
	if err != nil {
		t.Errorf("memreltest: %v", err)
		return false
	}
	if ok {
		return true
	}
	was, err1 := Dump(mk.then)
	now, err2 := Dump(mk.db)
	if err1 != nil || err2 != nil {
		t.Errorf("memreltest: the store changed since the mark (and cannot be dumped: %v %v)", err1, err2)
		return false
	}
	if was == now {
		t.Errorf("memreltest: the store changed since the mark: the rows are the same, a sequence moved")
		return false
	}
	return assert.Equal(t, was, now, "the store changed since the mark")
}
