// Package badinput is the bad-input catalogue: every public entry point
// of memrel, each kind of bad input (wrong values, unknown fields, broken
// constraints, nil and zero handles, transactions that are done, read-only
// or of another store). Every case must fail with the documented typed
// error, with a message naming the problem, without panicking, and leave
// every store involved as it was. The catalogue's schema is
// fixture.Strict.
//
// It runs on any engine: Run takes the Opener of the engine's stores and
// the Check that proves a store unchanged. The memory engine's tests (the
// root's badinput_test.go) check whole snapshots, sequences included,
// and add the cases of its snapshot format; the pg module's check the
// tables.
package badinput
