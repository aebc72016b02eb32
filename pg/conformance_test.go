package pg

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
	"github.com/memrel/memrel/internal/conformance/anydriver"
	"github.com/stretchr/testify/require"
)

// conformanceDriver is the scenario driver on PostgreSQL: each store it
// opens is a schema of its own in one database for t (Create makes its
// tables), on a pool whose connections use that schema. The runner runs
// one scenario at a time, so opening one closes the last one's pool.
func conformanceDriver(t *testing.T) anydriver.Driver {
	conn := database(t)
	ctx := context.Background()
	n := 0
	var last *pgxpool.Pool
	t.Cleanup(func() {
		if last != nil {
			last.Close()
		}
	})
	open := func(s *memrel.Schema, opts ...memrel.StoreOption) (*memrel.Store, error) {
		if last != nil {
			last.Close()
			last = nil
		}
		n++
		var err error
		if last, err = schemaPool(ctx, conn, fmt.Sprintf("scenario%d", n), 4); err != nil {
			return nil, err
		}
		if err := Create(ctx, last, s); err != nil {
			return nil, err
		}
		return Open(ctx, last, s, opts...)
	}
	return anydriver.Driver{OpenStore: open}
}

// TestConformance runs the recorded scenario sets on the PostgreSQL
// engine through the driver the memory engine's TestConformance uses (on
// memrel's public Any API): the hasMany core, next/, and every directory
// MEMREL_CONFORMANCE_DIR names. A scenario that fails or cannot run
// fails the test.
func TestConformance(t *testing.T) {
	drv := conformanceDriver(t)
	for _, dir := range append([]string{conformance.DefaultDir(".."), conformance.NextDir("..")}, conformance.EnvDirs()...) {
		require.NotEmpty(t, dir, "a scenario set")
		t.Run(filepath.Base(filepath.Dir(dir)), func(t *testing.T) {
			t.Log(conformance.Run(t, dir, drv, conformance.Catalogues("..")...))
		})
	}
}
