package memreltest

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/assert"
)

// UpdateEnv names the environment variable that, set to any value,
// makes [AssertGolden] write the golden files instead of comparing.
const UpdateEnv = "MEMRELTEST_UPDATE"

// Dump returns db's tables as text: each model in definition order, its
// rows in primary key order (soft-deleted ones too), one line per row,
// columns aligned. Strings are quoted, bytes are hex, times RFC 3339 in
// their own zone, NULL is NULL: the same contents give the same text.
func Dump(db *memrel.Store) (string, error) { return dump(db, 0) }

// dump is Dump showing at most max rows per model (0: all).
func dump(db *memrel.Store, max int) (string, error) {
	var b strings.Builder
	err := db.View(func(tx *memrel.Txn) error {
		for _, m := range db.Schema().Models() {
			rows, err := m.FindAll(tx, &memrel.Options{WithDeleted: true, Order: keyOrder(m)})
			if err != nil {
				return err
			}
			writeModel(&b, m, rows, max)
		}
		return nil
	})
	return b.String(), err
}

// writeModel writes one model's section of a dump.
func writeModel(b *strings.Builder, m *memrel.AnyModel, rows []memrel.Row, max int) {
	unit := "rows"
	if len(rows) == 1 {
		unit = "row"
	}
	fmt.Fprintf(b, "%s: %d %s\n", m.Name(), len(rows), unit)
	if len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	cols := m.Columns()
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.Name
	}
	fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
	for n, r := range rows {
		if max > 0 && n == max {
			fmt.Fprintf(tw, "  … %d more\n", len(rows)-max)
			break
		}
		for i, c := range cols {
			cells[i] = text(r[c.Name])
		}
		fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
	}
	_ = tw.Flush() // a strings.Builder does not fail
}

// text prints one value of a dump.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(x)
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// AssertGolden checks that db's [Dump] equals the file at path, or, with
// the UpdateEnv variable set, writes it there (creating its directory).
func AssertGolden(t testing.TB, db *memrel.Store, path string) bool {
	t.Helper()
	got, err := Dump(db)
	if err != nil {
		t.Errorf("memreltest: dump: %v", err)
		return false
	}
	if os.Getenv(UpdateEnv) != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Errorf("memreltest: %v", err)
			return false
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Errorf("memreltest: %v", err)
			return false
		}
		return true
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("memreltest: %v (set %s=1 to write it)", err, UpdateEnv)
		return false
	}
	return assert.Equal(t, string(want), got, "the tables differ from %s (set %s=1 to update it)", path, UpdateEnv)
}

// same reports whether two stores hold the same rows and sequences: their
// snapshots are the same bytes.
func same(a, b *memrel.Store) (bool, error) {
	var x, y bytes.Buffer
	if err := a.Save(&x); err != nil {
		return false, err
	}
	if err := b.Save(&y); err != nil {
		return false, err
	}
	return bytes.Equal(x.Bytes(), y.Bytes()), nil
}

// keyOrder orders m's rows by its primary key, as a dump lists them
// whether or not the store shuffles.
func keyOrder(m *memrel.AnyModel) []query.Order {
	var o []query.Order
	for _, c := range m.Columns() {
		if c.PK {
			o = append(o, query.Asc(c.Name))
		}
	}
	return o
}
