package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const catalogueJSON = `{
  "booking": {
    "models": {
      "Room": {"table": "rooms", "fields": {"building": "string pk", "number": "int pk", "label": "string null"}},
      "Booking": {"table": "bookings", "fields": {"id": "int pk autoincrement", "room": "string notnull", "day": "date null"}, "unique": [["room", "day"]]}
    },
    "associations": []
  }
}`

func TestParseCatalogue_KeepsSchemaOrder(t *testing.T) {
	cat, err := ParseCatalogue([]byte(catalogueJSON))
	require.NoError(t, err)
	s, ok := cat.Schema("booking")
	require.True(t, ok)
	require.Equal(t, "Room", s.Models[0].Name)
	room := s.Models[0]
	require.Len(t, room.PK(), 2)
	require.Equal(t, []string{"building", "number"}, []string{room.PK()[0].Name, room.PK()[1].Name})
	require.Equal(t, [][]string{{"room", "day"}}, s.Models[1].Unique)
}

func TestParseCatalogue_RefusesWhatItWouldIgnore(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown schema key": `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int pk"}}}, "associations": [], "x": 1}}`,
		"unknown model key":  `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int pk"}, "x": 1}}, "associations": []}}`,
		"unknown field word": `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int pk sorted"}}}, "associations": []}}`,
		"no pk":              `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int"}}}, "associations": []}}`,
		"unknown target":     `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int pk"}}}, "associations": [{"name": "M.xs", "type": "hasMany", "source": "M", "target": "X", "as": "xs"}]}}`,
		"unknown assoc key":  `{"s": {"models": {"M": {"table": "m", "fields": {"id": "int pk"}}}, "associations": [{"name": "M.ms", "type": "hasMany", "source": "M", "target": "M", "as": "ms", "x": 1}]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCatalogue([]byte(doc))
			require.Error(t, err)
		})
	}
}

func TestParseScenario_ConvertsByFieldType(t *testing.T) {
	cat, err := ParseCatalogue([]byte(catalogueJSON))
	require.NoError(t, err)
	sc, err := ParseScenario([]byte(`{"name": "n", "schema": "booking", "doc": "",
	  "steps": [
	    {"op": "findByPk", "model": "Room", "pk": {"number": 1, "building": "A"}, "expect": {"row": null}},
	    {"op": "create", "model": "Booking", "values": {"room": "A", "day": "2026-01-01T00:00:03.000Z"}, "expect": {"pk": 1}},
	    {"op": "findAll", "model": "Booking", "options": {"where": {"day": {"gte": "2026-01-01T00:00:00.000Z"}}}, "expect": {"pks": [1]}}
	  ],
	  "final": {"Room": [], "Booking": []}}`), cat)
	require.NoError(t, err)
	require.Equal(t, []any{"A", int64(1)}, sc.Steps[0].PK, "a composite key in schema order")
	day := time.Date(2026, 1, 1, 0, 0, 3, 0, time.UTC)
	require.Equal(t, Values{"room": "A", "day": day}, sc.Steps[1].Values)
	w := sc.Steps[2].Options.Where
	require.Equal(t, "and", w.Op)
	require.Equal(t, &Where{Op: "gte", Field: "day", Value: T0}, w.Args[0])
}

func TestParseScenario_RefusesUnknownStepKey(t *testing.T) {
	cat, err := ParseCatalogue([]byte(catalogueJSON))
	require.NoError(t, err)
	_, err = ParseScenario([]byte(`{"name": "n", "schema": "booking", "doc": "",
	  "steps": [{"op": "findAll", "model": "Room", "hint": 1, "expect": {"pks": []}}],
	  "final": {"Room": [], "Booking": []}}`), cat)
	require.ErrorContains(t, err, "hint")
}

// refusing is a driver that cannot open any schema.
type refusing struct{}

func (refusing) Open(s *Schema, _ func() time.Time) (Store, error) {
	return nil, errors.New("composite keys are not supported yet")
}
func (refusing) Is(error, string) bool { return false }

// TestCheck_RefusedSchemaFails: what a driver cannot do is a failure with
// its reason, never a skip.
func TestCheck_RefusedSchemaFails(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas.json"), []byte(catalogueJSON), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"name": "a", "schema": "booking", "doc": "",
	  "steps": [{"op": "findAll", "model": "Room", "expect": {"pks": []}}], "final": {"Room": [], "Booking": []}}`), 0o644))
	sum, err := Check(dir, refusing{})
	require.NoError(t, err)
	require.Equal(t, 1, sum.Scenarios)
	require.Zero(t, sum.Passed)
	require.Contains(t, sum.Results[0].Failure, "composite keys are not supported yet")
}

// TestRenameSet_NextSetParses renames the next set (every feature of the
// format) and parses the copy: same scenarios, no name left.
func TestRenameSet_NextSetParses(t *testing.T) {
	src := filepath.Join(shared, "next", "scenarios")
	if !exists(src) {
		t.Skipf("no %s beside this checkout", src)
	}
	dir, err := RenameSet(src, t.TempDir(), DefaultRenaming)
	require.NoError(t, err)
	orig, err := Load(src)
	require.NoError(t, err)
	ren, err := Load(dir)
	require.NoError(t, err)
	require.Len(t, ren, len(orig))
	for i := range ren {
		require.Equal(t, DefaultRenaming.Schema+orig[i].Schema.Name, ren[i].Schema.Name)
		require.Equal(t, countSteps(orig[i].Steps), countSteps(ren[i].Steps))
		for j, st := range ren[i].Steps {
			if st.Model != "" {
				require.Equal(t, DefaultRenaming.Model+orig[i].Steps[j].Model, st.Model)
			}
		}
	}
}

// TestCatalogueFor_DirThenParentThenFallback: a set's own catalogue wins,
// then its parent's, then the fallbacks in order.
func TestCatalogueFor_DirThenParentThenFallback(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "scenarios")
	require.NoError(t, os.Mkdir(dir, 0o755))
	fb := filepath.Join(t.TempDir(), "schemas.json")
	_, err := CatalogueFor(dir)
	require.Error(t, err)
	require.NoError(t, os.WriteFile(fb, []byte("{}"), 0o644))
	got, err := CatalogueFor(dir, filepath.Join(root, "missing.json"), fb)
	require.NoError(t, err)
	require.Equal(t, fb, got)
	require.NoError(t, os.WriteFile(filepath.Join(root, "schemas.json"), []byte("{}"), 0o644))
	got, err = CatalogueFor(dir, fb)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "..", "schemas.json"), got)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas.json"), []byte("{}"), 0o644))
	got, err = CatalogueFor(dir, fb)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "schemas.json"), got)
}
