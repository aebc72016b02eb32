package memrel_test

// The property tests of internal/props, run on the in-memory engine. See
// that package for what they check, and for the rapid flags
// (-rapid.checks=N and others) that lengthen or replay a run:
//
//	go test -race -run TestProps -rapid.checks=10000 .

import (
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/internal/props"
	"github.com/stretchr/testify/require"
)

func TestProps_StateMachine(t *testing.T) {
	props.StateMachine(t, fixture.MustOpen)
}

func TestProps_ConcurrentReaders(t *testing.T) {
	props.ConcurrentReaders(t, fixture.MustOpen)
}

func TestProps_Regression_RekeyOntoOwnOldKey(t *testing.T) {
	props.RekeyOntoOwnOldKey(t, fixture.MustOpen)
}

func TestProps_WritesMachine(t *testing.T) {
	props.WritesMachine(t, func(t testing.TB, s *memrel.Schema, now func() time.Time) *memrel.Store {
		db, err := s.Open(memrel.WithClock(now))
		require.NoError(t, err)
		return db
	})
}
