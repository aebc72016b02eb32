// Package bench measures memrel against what its users would write
// instead: hand-written code on raw hashicorp/go-memdb, raw SQL on an
// in-memory SQLite database through database/sql (the cgo
// mattn/go-sqlite3 driver and the pure-Go glebarez/go-sqlite one), GORM
// on in-memory SQLite, and a naive mutex-and-maps store.
package bench
