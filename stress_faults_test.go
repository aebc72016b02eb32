package memrel

import "github.com/memrel/memrel/internal/engine/memdb"

// Faults only tests can inject. The reader/writer stress test
// (stress_test.go, package memrel_test) injects them to prove that its
// checks still catch what they exist to catch: this file is compiled into
// the package only when its tests are, so no program can reach them.

// RLStaleView opens a read view of the store as it is now and returns
// publish, which makes every reader that begins before the next commit
// share that view, whatever committed since: the late publication that
// the engine's DB.Read guards against (memdb's TestDB_Read_AfterSlowReader).
// Readers then see a state that was committed once but is no longer
// current.
func RLStaleView(db *Store) (publish func()) { return memdb.StaleView(db.db.Load().E) }

// RLRawDelete deletes from model's go-memdb table the first stored row
// (a *T boxed in any) that match accepts, past every constraint, cascade
// and write-set record memrel keeps: rows that referenced it dangle. It
// reports whether a row was deleted. tx must be a write transaction, and
// nothing but its commit may follow.
func RLRawDelete(tx *Txn, model string, match func(row any) bool) (bool, error) {
	return memdb.RawDelete(tx.r.Writer(), model, match)
}
