package memrel_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The layers of ARCHITECTURE.md, bottom up, and what each may import from
// this module and from go-memdb: a package imports only layers below it.
// TestLayers_ImportRules reads every package's imports (test files too,
// for go-memdb) so the layers cannot blur again.
var layers = map[string][]string{
	"internal/clone":        {},
	"query":                 {"internal/clone"},
	"internal/errs":         {"query"},
	"internal/keys":         {},
	"internal/filter":       {"internal/clone", "internal/errs", "internal/keys", "query"},
	"internal/meta":         {"internal/clone", "internal/errs", "internal/keys"},
	"internal/engine":       {"internal/keys", "internal/meta"},
	"internal/engine/memdb": {"internal/engine", "internal/keys", "internal/meta", "go-memdb"},
	"internal/rel":          {"internal/clone", "internal/engine", "internal/errs", "internal/filter", "internal/keys", "internal/meta", "query"},
	".":                     {"internal/clone", "internal/engine", "internal/engine/memdb", "internal/errs", "internal/meta", "internal/rel", "query"},
	"internal/fixture":      {".", "memreltest", "query"},
	"internal/conformance":  {},
	// The conformance driver on the public Any API, for any engine's store.
	"internal/conformance/anydriver": {".", "internal/conformance", "query"},
	"internal/props":                 {".", "internal/fixture", "query"},
	// The bad-input catalogue, for any engine's stores.
	"internal/badinput": {".", "internal/fixture", "memreltest", "query"},
	"examples/blog":     {".", "query"},
	"memreltest":        {".", "query"},
	// The PostgreSQL engine, a module of its own beside the library's
	// public API, reading the schema's metadata through EngineSchema and
	// implementing the seam (it returns the typed errors, never the rules).
	"pg": {".", "internal/clone", "internal/engine", "internal/errs", "internal/keys", "internal/meta"},
}

const (
	module = "github.com/memrel/memrel"
	memdb  = "github.com/hashicorp/go-memdb"
)

func TestLayers_ImportRules(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		allowed, known := layers[dir]
		require.True(t, known, "package %s is in no layer: add it to layers and ARCHITECTURE.md", dir)
		seen[dir] = true
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		test := strings.HasSuffix(path, "_test.go")
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			var rel string
			switch {
			case p == memdb:
				rel = "go-memdb"
			case p == module:
				rel = "."
			case strings.HasPrefix(p, module+"/"):
				rel = strings.TrimPrefix(p, module+"/")
			default:
				continue // the standard library and other dependencies
			}
			if test && rel != "go-memdb" {
				continue // tests may use any layer; go-memdb stays in its engine
			}
			if rel == dir {
				continue
			}
			require.Contains(t, allowed, rel, "%s imports %s, which its layer may not", path, p)
		}
		return nil
	})
	require.NoError(t, err)
	for dir := range layers {
		if dir != "internal/fixture" && dir != "internal/conformance" {
			require.True(t, seen[dir], "layer %s has no package", dir)
		}
	}
}
