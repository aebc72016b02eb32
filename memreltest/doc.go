// Package memreltest makes memrel the test double of a data layer: a
// fresh store per test, closed when the test ends; fixtures as Go values
// or as JSON, loaded in one transaction, with errors that name the
// fixture row; a seeded store built once per package and forked per test
// (a fork costs the same whatever the seed holds); assertions on a
// model's rows, on a count, and that a call changed nothing; golden dumps
// of the tables; and, when a test fails, a dump of its store in the
// failure output (and its snapshot saved, when MEMRELTEST_SNAPSHOTS
// names a directory).
//
// Everything here is safe for tests that call t.Parallel: each test gets
// its own store, and a Seed builds once however many tests fork it.
//
// A typical package sets up its schema and seed once and forks per test:
//
//	var seed = memreltest.NewSeed(schema, memreltest.JSONFile("testdata/seed.json"))
//
//	func TestRename(t *testing.T) {
//		t.Parallel()
//		db := seed.Fork(t)
//		svc := NewService(db)
//		require.NoError(t, svc.Rename(1, "new"))
//		memreltest.AssertCount(t, db, users, query.Eq("name", "new"), 1)
//	}
package memreltest
