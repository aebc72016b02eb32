package conformance

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const shared = "../../../shared/conformance"

// TestLoad_SharedSetsParse parses every scenario of the contract and of
// the next set: a scenario the runner cannot parse is a runner bug.
func TestLoad_SharedSetsParse(t *testing.T) {
	for _, dir := range []string{filepath.Join(shared, "scenarios"), filepath.Join(shared, "next", "scenarios")} {
		scs, err := Load(dir)
		if err != nil && !exists(dir) {
			t.Skipf("no %s beside this checkout", dir)
		}
		require.NoError(t, err)
		n := 0
		for _, sc := range scs {
			n += countSteps(sc.Steps)
		}
		t.Logf("%s: %d scenarios, %d steps", dir, len(scs), n)
	}
}
