package memreltest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/memrel/memrel"
)

// SnapshotsEnv names the environment variable that, set to a directory,
// makes a failing test save its store's snapshot there (as
// <test name>.snap, loadable with Schema.LoadFile).
const SnapshotsEnv = "MEMRELTEST_SNAPSHOTS"

// dumpRows is how many rows of each model a failure's dump shows.
const dumpRows = 50

// New opens a fresh store of s for t, with the fixtures among opts
// loaded, and closes it when t ends; a schema that does not open, or a
// fixture that does not load, fails t at once. When t fails, the store's
// tables are dumped into its output (see [SnapshotsEnv] for keeping the
// store), with the seed of a [Shuffled] store.
func New(t testing.TB, s *memrel.Schema, opts ...Option) *memrel.Store {
	t.Helper()
	c := configure(opts)
	so, seed := c.storeOptions()
	db, err := s.Open(so...)
	if err != nil {
		t.Fatalf("memreltest: open: %v", err)
	}
	watch(t, db, seed)
	Load(t, db, c.fixtures...)
	return db
}

// watch closes db when t ends, reporting it first if t failed; seed is
// the one it shuffles with, if it does.
func watch(t testing.TB, db *memrel.Store, seed *uint64) {
	t.Cleanup(func() {
		if t.Failed() {
			if seed != nil {
				t.Logf("memreltest: reads without an Order were shuffled with seed %d (%s=%d reproduces it)", *seed, ShuffleEnv, *seed)
			}
			report(t, db)
		}
		_ = db.Close() // a closed store only refuses new transactions
	})
}

// report logs db's tables and, when SnapshotsEnv names a directory, saves
// its snapshot there.
func report(t testing.TB, db *memrel.Store) {
	t.Helper()
	d, err := dump(db, dumpRows)
	if err != nil {
		t.Logf("memreltest: cannot dump the store: %v", err)
	} else {
		t.Logf("memreltest: the store when %s failed:\n%s", t.Name(), d)
	}
	dir := os.Getenv(SnapshotsEnv)
	if dir == "" {
		return
	}
	path := filepath.Join(dir, fileName(t.Name())+".snap")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("memreltest: cannot save the snapshot: %v", err)
		return
	}
	if err := db.SaveFile(path); err != nil {
		t.Logf("memreltest: cannot save the snapshot: %v", err)
		return
	}
	t.Logf("memreltest: snapshot saved to %s", path)
}

// fileName makes a test's name (with subtests' slashes) a file name.
func fileName(test string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', ':', ' ', '*', '?', '"', '<', '>', '|':
			return '_'
		}
		return r
	}, test)
}
