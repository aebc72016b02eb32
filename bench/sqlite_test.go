package bench

import (
	"errors"
	"slices"
	"testing"
)

// sqliteImpls are the raw SQL contenders of Impls.
func sqliteImpls(t *testing.T) []Impl {
	t.Helper()
	var out []Impl
	for _, impl := range Impls() {
		if impl.Name == "sqlitec" || impl.Name == "sqlitego" {
			out = append(out, impl)
		}
	}
	if len(out) != 2 {
		t.Fatalf("want sqlitec and sqlitego in Impls, got %d", len(out))
	}
	return out
}

func TestOpenSQLite_NewDatabaseEachOpen(t *testing.T) {
	for _, impl := range sqliteImpls(t) {
		t.Run(impl.Name, func(t *testing.T) {
			a := openLoaded(t, impl, 3)
			b, err := impl.Open()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = b.Close() })
			if ids, err := b.Children(1); err != nil || len(ids) != 0 {
				t.Fatalf("second store sees the first's rows: %v, %v", ids, err)
			}
			if _, err := b.Count(1); !errors.Is(err, errSQLNotFound) {
				t.Fatalf("Count on the second store: %v, want not found", err)
			}
			if err := b.Load(1, 1); err != nil {
				t.Fatal(err)
			}
			if err := b.Destroy(1); err != nil {
				t.Fatal(err)
			}
			if n, err := a.Count(1); err != nil || n != K {
				t.Fatalf("first store after writes to the second: Count(1) = %d, %v", n, err)
			}
		})
	}
}

func TestOpenSQLite_ForeignKeysEnforcedAndCascading(t *testing.T) {
	for _, impl := range sqliteImpls(t) {
		t.Run(impl.Name, func(t *testing.T) {
			s := openLoaded(t, impl, 3)
			db := s.(*sqliteStore).db
			var fk int
			var journal string
			if err := db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
				t.Fatalf("foreign_keys = %d, %v", fk, err)
			}
			if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&journal); err != nil || journal != "memory" {
				t.Fatalf("journal_mode = %q, %v", journal, err)
			}
			if _, err := db.Exec(`INSERT INTO comments (body, post_id) VALUES ('x', 99)`); err == nil {
				t.Fatal("a comment of a missing post was inserted")
			}
			if err := s.Destroy(2); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM comments WHERE post_id = 2`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d comments of the destroyed post left, %v", n, err)
			}
			if s.OffHeapBytes() <= 0 {
				t.Fatal("OffHeapBytes counts no pages")
			}
		})
	}
}

func TestSQLite_MissingPostOrComment_FailsAndChangesNothing(t *testing.T) {
	const p, missing = 3, 99
	cases := []struct {
		name string
		run  func(s Store) error
	}{
		{"Get", func(s Store) error { _, err := s.Get(missing); return err }},
		{"Count", func(s Store) error { _, err := s.Count(missing); return err }},
		{"Has", func(s Store) error { _, err := s.Has(missing, 1); return err }},
		{"Add", func(s Store) error { return s.Add(missing, 1) }},
		{"Add missing comment", func(s Store) error { return s.Add(1, 999) }},
		{"Create", func(s Store) error { _, err := s.Create(missing); return err }},
		{"Set", func(s Store) error { return s.Set(missing, []int64{1}) }},
		{"Set missing comment", func(s Store) error { return s.Set(1, []int64{11, 999}) }},
		{"Remove", func(s Store) error { return s.Remove(missing, 1) }},
		{"Destroy", func(s Store) error { return s.Destroy(missing) }},
		{"AddN", func(s Store) error { return s.AddN(missing, []int64{1}) }},
		{"AddN missing comment", func(s Store) error { return s.AddN(1, []int64{11, 999}) }},
		{"CreateN", func(s Store) error { _, err := s.CreateN(missing, 1); return err }},
		{"DeleteComment", func(s Store) error { return s.DeleteComment(999) }},
	}
	for _, impl := range sqliteImpls(t) {
		s := openLoaded(t, impl, p)
		want := snapshot(t, s, p)
		for _, tc := range cases {
			t.Run(impl.Name+"/"+tc.name, func(t *testing.T) {
				if err := tc.run(s); err == nil {
					t.Fatal("no error")
				}
				if got := snapshot(t, s, p); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("changed the data set:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}
