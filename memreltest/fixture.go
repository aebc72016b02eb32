package memreltest

import (
	"fmt"
	"os"
	"testing"

	"github.com/memrel/memrel"
)

// A Fixture is rows to store before a test runs: [Rows] of a typed
// model, or [JSON] / [JSONFile] in the conformance scenarios' "final"
// format. Fixtures load in the order given, each in its own order, so
// parents go before the children that point at them.
type Fixture interface {
	Option
	load(s *memrel.Schema, tx *memrel.Txn) error
}

// Error is a fixture row that failed to load; Err is memrel's error
// (errors.Is and errors.As see through it).
type Error struct {
	Model string
	Index int    // the row's position in its fixture's list for the model
	Row   string // the row as given, printed
	Err   error
}

// Error names the row and what failed.
func (e *Error) Error() string {
	return fmt.Sprintf("memreltest: fixture %s[%d] %s: %v", e.Model, e.Index, e.Row, e.Err)
}

// Unwrap returns memrel's error.
func (e *Error) Unwrap() error { return e.Err }

// Load stores fixtures into db in one write transaction: all of them or,
// when one row fails, none, and t fails naming that row.
func Load(t testing.TB, db *memrel.Store, fixtures ...Fixture) {
	t.Helper()
	if len(fixtures) == 0 {
		return
	}
	if err := db.Update(func(tx *memrel.Txn) error { return loadAll(db.Schema(), tx, fixtures) }); err != nil {
		t.Fatal(err)
	}
}

// loadAll loads fixtures in tx.
func loadAll(s *memrel.Schema, tx *memrel.Txn, fixtures []Fixture) error {
	for _, f := range fixtures {
		if err := f.load(s, tx); err != nil {
			return err
		}
	}
	return nil
}

// Rows is a fixture of m's rows, created in order with [memrel.Model.Create]
// (a zero key draws the next id; an explicit one is kept).
func Rows[T any](m *memrel.Model[T], rows ...T) Fixture {
	return typed[T]{m: m, rows: rows}
}

type typed[T any] struct {
	m    *memrel.Model[T]
	rows []T
}

func (f typed[T]) apply(c *config) { c.fixtures = append(c.fixtures, f) }

func (f typed[T]) load(_ *memrel.Schema, tx *memrel.Txn) error {
	for i, r := range f.rows {
		if _, err := f.m.Create(tx, r); err != nil {
			return &Error{Model: f.m.Name(), Index: i, Row: fmt.Sprintf("%+v", r), Err: err}
		}
	}
	return nil
}

// Insert creates rows of m in db in one transaction and returns them as
// stored (ids drawn, defaults and timestamps filled in); a row that fails
// fails t, naming it, and stores none.
func Insert[T any](t testing.TB, db *memrel.Store, m *memrel.Model[T], rows ...T) []T {
	t.Helper()
	out, err := memrel.UpdateValue(db, func(tx *memrel.Txn) ([]T, error) {
		out := make([]T, 0, len(rows))
		for i, r := range rows {
			v, err := m.Create(tx, r)
			if err != nil {
				return nil, &Error{Model: m.Name(), Index: i, Row: fmt.Sprintf("%+v", r), Err: err}
			}
			out = append(out, v)
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// JSONFile is the [JSON] fixture read from path when it loads.
func JSONFile(path string) Fixture { return jsonFile(path) }

type jsonFile string

func (f jsonFile) apply(c *config) { c.fixtures = append(c.fixtures, f) }

func (f jsonFile) load(s *memrel.Schema, tx *memrel.Txn) error {
	data, err := os.ReadFile(string(f))
	if err != nil {
		return fmt.Errorf("memreltest: fixture: %w", err)
	}
	if err := jsonRows(data).load(s, tx); err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	return nil
}
