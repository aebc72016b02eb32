package memdb

import "github.com/memrel/memrel/internal/engine"

// Faults for tests. The stress tests inject them to prove that their
// checks still catch what they exist to catch; the package is internal,
// so no program outside memrel reaches them.

// StaleView opens a read view of db as it is now and returns publish,
// which makes every reader that begins before the next commit share that
// view, whatever committed since: the late publication that DB.Read guards
// against. Readers then see a state that was committed once but is no
// longer current.
func StaleView(db engine.DB) (publish func()) {
	d := db.(*DB)
	mt := d.db.Txn(false)
	return func() { d.view.Store(&reader{db: d, s: d.s, gen: d.gen.Load(), mt: mt}) }
}

// RawDelete deletes from table the first stored row match accepts, past
// every constraint, cascade and write-set record: rows that referenced it
// dangle. It reports whether a row was deleted. w must be this engine's
// writer, and nothing but its commit may follow.
func RawDelete(w engine.Writer, table string, match func(row any) bool) (bool, error) {
	mt := w.(*writer).mt
	it, err := mt.Get(table, "id")
	if err != nil {
		return false, err
	}
	for row := it.Next(); row != nil; row = it.Next() {
		if match(row) {
			return true, mt.Delete(table, row)
		}
	}
	return false, nil
}
