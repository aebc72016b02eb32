package anydriver_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
	"github.com/memrel/memrel/internal/conformance/anydriver"
	"github.com/stretchr/testify/require"
)

// root is the module's root, where the scenario sets are found.
const root = "../../.."

func TestDriver_OpenStore_OpensEveryScenarioStore(t *testing.T) {
	opened := 0
	d := anydriver.Driver{OpenStore: func(s *memrel.Schema, opts ...memrel.StoreOption) (*memrel.Store, error) {
		opened++
		require.Len(t, opts, 1, "the scenario clock")
		return s.Open(opts...)
	}}
	sum := conformance.Run(t, conformance.DefaultDir(root), d)
	require.Equal(t, sum.Scenarios, sum.Passed)
	require.Equal(t, sum.Scenarios, opened, "one store per scenario, each through OpenStore")
}

func TestDriver_OpenStore_ErrorFailsEveryScenario(t *testing.T) {
	d := anydriver.Driver{OpenStore: func(*memrel.Schema, ...memrel.StoreOption) (*memrel.Store, error) {
		return nil, errors.New("no engine today")
	}}
	sum, err := conformance.Check(conformance.DefaultDir(root), d)
	require.NoError(t, err)
	require.NotZero(t, sum.Scenarios)
	require.Zero(t, sum.Passed)
	require.Contains(t, sum.Results[0].Failure, "no engine today")
}

func TestDriver_Is_NamesMemrelErrors(t *testing.T) {
	errs := map[string]error{
		"ForeignKeyConstraintError": &memrel.ForeignKeyConstraintError{},
		"ValidationError":           &memrel.ValidationError{},
		"UniqueConstraintError":     &memrel.UniqueConstraintError{},
		"NotFound":                  memrel.ErrNotFound,
		"AssociationError":          &memrel.AssociationError{},
		"EagerLoadingError":         &memrel.EagerLoadingError{},
	}
	var d anydriver.Driver
	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			require.True(t, d.Is(fmt.Errorf("context: %w", err), name), "found through wrapping")
			for other, e := range errs {
				if other != name {
					require.False(t, d.Is(e, name), "%s is no %s", other, name)
				}
			}
			require.False(t, d.Is(nil, name))
		})
	}
	require.False(t, d.Is(memrel.ErrNotFound, "SomeOtherError"))
}
