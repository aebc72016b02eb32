package badinput

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

// Opener opens a new, empty store of schema s on the engine under test,
// failing t if it cannot; the store is closed when t ends.
type Opener func(t testing.TB, s *memrel.Schema) *memrel.Store

// Env is a store with the catalogue's fixtures, and a second store of an
// identical but separate schema, for ErrWrongStore.
type Env struct {
	*fixture.StrictModels
	DB    *memrel.Store
	Other *memrel.Store
	// NComments is the number of comments of post 3 (ids 3..NComments+2).
	NComments int
}

// NewEnv opens the stores of m and other with open and seeds both
// (fixture.StrictModels.Seed with NComments comments on post 3).
func NewEnv(t testing.TB, open Opener, m, other *fixture.StrictModels) *Env {
	t.Helper()
	e := &Env{StrictModels: m, DB: open(t, m.Schema), Other: open(t, other.Schema), NComments: 100}
	for _, st := range []struct {
		db *memrel.Store
		m  *fixture.StrictModels
	}{{e.DB, m}, {e.Other, other}} {
		require.NoError(t, st.db.Update(func(tx *memrel.Txn) error { return st.m.Seed(tx, e.NComments) }))
	}
	return e
}
