package rel

import "github.com/memrel/memrel/internal/engine"

// Savepoint is where a nested transaction began (see OpenUnit), for a
// caller above the seam that keeps one.
type Savepoint = engine.Mark

// Share makes h a second handle on tx's transaction: calls through h read
// and write through the same engine transaction and write state as tx,
// with scratch space of their own. The typed layer uses it for a nested
// transaction begun as a handle of its own. The caller keeps tx and h from
// being used at the same time, and calls h.Unshare before tx ends.
func (tx *Txn) Share(h *Txn) {
	h.db, h.r, h.wk = tx.db, tx.r, tx.wk
}

// Unshare drops h's reach into the transaction it shared (see Share), so a
// done handle cannot touch state that is soon the next writer's.
func (h *Txn) Unshare() {
	h.db, h.r, h.wk = nil, nil, nil
}
