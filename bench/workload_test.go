package bench

import (
	"slices"
	"testing"
)

// TestImpls_PGContenders_OnlyWithServer checks that the PostgreSQL
// contenders are listed when MEMREL_PG_URL names a server, memrel's
// first, and not otherwise, so the suite never tries to reach one that
// is not there.
func TestImpls_PGContenders_OnlyWithServer(t *testing.T) {
	names := func() []string {
		var ns []string
		for _, im := range Impls() {
			ns = append(ns, im.Name)
		}
		return ns
	}
	pgNames := []string{"memrelpg", "pgx", "gormpg"}
	t.Setenv(PGURLEnv, "")
	for _, n := range pgNames {
		if slices.Contains(names(), n) {
			t.Errorf("%s listed without %s: %v", n, PGURLEnv, names())
		}
	}
	t.Setenv(PGURLEnv, "postgres://unused") // listed, never opened
	if got := names(); !slices.Equal(got[len(got)-len(pgNames):], pgNames) {
		t.Errorf("with %s the contenders are %v, want them to end with %v", PGURLEnv, got, pgNames)
	}
}
