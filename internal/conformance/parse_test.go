package conformance

import (
	"os"
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

// TestParse_NestedCreateValues: the rows a nested create holds under an
// include's alias are converted by their own model, to the includes'
// depth: a list for a hasMany, one object for a belongsTo.
func TestParse_NestedCreateValues(t *testing.T) {
	scs, err := Load(filepath.Join(shared, "next", "scenarios"))
	if err != nil && !exists(shared) {
		t.Skipf("no %s beside this checkout", shared)
	}
	require.NoError(t, err)
	steps := map[string]*Step{}
	for _, sc := range scs {
		steps[sc.File] = sc.Steps[0]
	}
	require.Equal(t, Values{"title": "p", "comments": []Values{{"body": "a"}, {"body": "b", "likes": int64(2)}}},
		steps["n-nested-create-hasmany"].Values)
	require.Equal(t, Values{"body": "c", "post": Values{"title": "parent"}}, steps["n-nested-create-belongsto"].Values)
}

// TestEnvDirs_SetDirectory_StandsForItsScenarios: naming a set laid out as
// the shared ones (schemas.json beside scenarios/) runs its scenarios; a
// directory with scenarios of its own is taken as it is.
func TestEnvDirs_SetDirectory_StandsForItsScenarios(t *testing.T) {
	set := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(set, "schemas.json"), []byte("{}"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(set, "scenarios"), 0o755))
	flat := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(flat, "a.json"), []byte("{}"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(flat, "scenarios"), 0o755))
	t.Setenv(EnvDir, set+string(os.PathListSeparator)+flat)
	require.Equal(t, []string{filepath.Join(set, "scenarios"), flat}, EnvDirs())
}
