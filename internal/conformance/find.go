package conformance

import (
	"fmt"
	"os"
	"path/filepath"
)

// EnvDir names the environment variable that lists further scenario
// directories to run (several separated as in PATH).
const EnvDir = "MEMREL_CONFORMANCE_DIR"

// DefaultDir returns the contract's scenario directory for a checkout at
// root: ../shared/conformance/scenarios beside it, or, in a clone alone,
// the verbatim copy under testdata/conformance/scenarios.
func DefaultDir(root string) string {
	dir := filepath.Join(root, "..", "shared", "conformance", "scenarios")
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	return filepath.Join(root, "testdata", "conformance", "scenarios")
}

// NextDir returns the "next" scenario set beside a checkout at root
// (../shared/conformance/next/scenarios), or "" when there is none.
func NextDir(root string) string {
	dir := filepath.Join(root, "..", "shared", "conformance", "next", "scenarios")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// EnvDirs returns the directories named by MEMREL_CONFORMANCE_DIR.
func EnvDirs() []string {
	var out []string
	for _, d := range filepath.SplitList(os.Getenv(EnvDir)) {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

// CatalogueFor returns the schemas.json of the scenario directory dir:
// the one in dir, else the one in its parent.
func CatalogueFor(dir string) (string, error) {
	for _, c := range []string{filepath.Join(dir, "schemas.json"), filepath.Join(dir, "..", "schemas.json")} {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("conformance: no schemas.json in %s or its parent", dir)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
