// Package bench measures memrel against what its users would write
// instead: hand-written code on raw hashicorp/go-memdb, GORM on an
// in-memory SQLite database, and a naive mutex-and-maps store.
package bench
