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

// NextDir returns the "next" scenario set for a checkout at root:
// ../shared/conformance/next/scenarios beside it, or, in a clone alone,
// the verbatim copy under testdata/conformance/next/scenarios; "" when
// there is neither.
func NextDir(root string) string {
	for _, dir := range []string{filepath.Join(root, "..", "shared", "conformance", "next", "scenarios"),
		filepath.Join(root, "testdata", "conformance", "next", "scenarios")} {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	return ""
}

// EnvDirs returns the directories named by MEMREL_CONFORMANCE_DIR. A
// directory laid out as the shared sets are (schemas.json beside a
// scenarios folder, no scenario of its own) stands for its scenarios
// folder, so either may be named.
func EnvDirs() []string {
	var out []string
	for _, d := range filepath.SplitList(os.Getenv(EnvDir)) {
		if d != "" {
			out = append(out, scenarioDir(d))
		}
	}
	return out
}

// scenarioDir is d, or d/scenarios when d holds no scenario file (no .json
// but schemas.json) and has that folder.
func scenarioDir(d string) string {
	sub := filepath.Join(d, "scenarios")
	if st, err := os.Stat(sub); err != nil || !st.IsDir() {
		return d
	}
	files, _ := filepath.Glob(filepath.Join(d, "*.json"))
	for _, f := range files {
		if filepath.Base(f) != "schemas.json" {
			return d
		}
	}
	return sub
}

// CatalogueFor returns the schemas.json of the scenario directory dir:
// the one in dir, else the one in its parent, else the first of fallback
// that exists (a set in the contract's format may lean on the contract's
// catalogue).
func CatalogueFor(dir string, fallback ...string) (string, error) {
	for _, c := range append([]string{filepath.Join(dir, "schemas.json"), filepath.Join(dir, "..", "schemas.json")}, fallback...) {
		if exists(c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("conformance: no schemas.json in %s or its parent", dir)
}

// Catalogues returns the catalogues beside a checkout at root that a
// scenario directory without its own falls back on: the next set's (a
// superset), then the contract's.
func Catalogues(root string) []string {
	var out []string
	for _, c := range []string{filepath.Join(root, "..", "shared", "conformance", "next", "schemas.json"),
		filepath.Join(filepath.Dir(DefaultDir(root)), "schemas.json")} {
		if exists(c) {
			out = append(out, c)
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
