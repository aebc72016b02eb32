package memrel

import (
	"context"
	"fmt"

	"github.com/memrel/memrel/internal/rel"
)

// unit is a transaction's place in a chain of nested transactions begun
// by BeginContext: the outermost transaction gets one when the first is
// begun in it, each nested one (a handle) with it.
//
// A handle is a Txn of its own sharing its parent's rules transaction (see
// rel.Txn.Share), so its calls take the same path as any transaction's;
// while it is open, its parent is suspended (Txn.busy), and so the chain
// has one live end, the innermost handle, through which alone calls run.
type unit struct {
	// parent is the transaction the handle was begun in; nil for the
	// outermost one.
	parent *Txn
	// child is the open handle begun in this transaction, or nil.
	child *Txn
	// mark is the savepoint: the engine's undo log when the handle began.
	mark rel.Savepoint
	// start counts the nested transactions open (rel.Txn.Units) when the
	// handle began, floor those open once it had: its own savepoint
	// included, unless it is a read-only view.
	start, floor int
	// view marks a read-only view (BeginContext with write false), which
	// opens no savepoint and counts itself in Txn.ro.
	view bool
}

// handle is a nested transaction with its unit and context, allocated
// together.
type handle struct {
	tx Txn
	u  unit
	cx txCtx
}

// nested reports whether tx is a handle begun in another transaction.
func (tx *Txn) nested() bool { return tx.chain != nil && tx.chain.parent != nil }

// beginNested is BeginContext when ctx carries the live write transaction
// tx: it begins a handle in tx, a savepoint when write is true, a
// read-only view otherwise, and suspends tx until the handle ends.
func (tx *Txn) beginNested(ctx context.Context, write bool) (*Txn, error) {
	if ctx.Err() != nil {
		return nil, waitErr(ctx)
	}
	if err := tx.open(); err != nil {
		return nil, err
	}
	if write && tx.ro > 0 {
		tx.leave()
		return nil, fmt.Errorf("%w: a nested write transaction in a read-only view", ErrReadOnly)
	}
	hd := new(handle)
	h := &hd.tx
	h.store, h.write, h.chain = tx.store, true, &hd.u
	tx.r.Share(&h.r)
	h.r.Owner = h
	hd.u.parent, hd.u.view = tx, !write
	hd.u.start = h.r.Units()
	if write {
		hd.u.mark = h.r.OpenUnit()
	} else {
		h.ro = 1
	}
	hd.u.floor = h.r.Units()
	hd.cx = txCtx{Context: ctx, tx: h, done: ctx.Done()}
	h.cx = &hd.cx
	if tx.chain == nil {
		tx.chain = new(unit)
	}
	tx.chain.child = h
	tx.busy.Store(suspended) // in place of leave: the handle holds tx
	return h, nil
}

// release ends the handle tx by Commit, which has entered: its writes
// join its parent's, unless its context has ended.
func (tx *Txn) release() error {
	if tx.cx.Err() != nil {
		tx.endUnit(true)
		return tx.doneErr("")
	}
	tx.endUnit(false)
	return nil
}

// endUnit ends the handle tx, undoing its writes when undo is true, and
// hands its parent back. The call must have entered, and no handle may be
// open in tx.
func (tx *Txn) endUnit(undo bool) {
	u := tx.chain
	tx.done.Store(true)
	if !u.view {
		tx.r.CloseUnit(u.mark, undo)
	}
	tx.r.Unshare()
	u.parent.chain.child = nil
	u.parent.busy.Store(idle)
}

// endNested rolls back the handles open in the suspended transaction tx,
// innermost first, as a rollback to a savepoint drops the later ones.
func (tx *Txn) endNested() {
	d := tx.chain.child
	for d.chain.child != nil {
		d = d.chain.child
	}
	for d != tx {
		p := d.chain.parent
		d.end(d.rollback)
		d = p
	}
}

// frames counts the nested transactions open on tx itself (Txn.Update,
// UpdateContext), not counting handles begun in it and what they opened.
func (tx *Txn) frames() int {
	u := tx.chain
	if u == nil {
		return tx.r.Units()
	}
	if u.child != nil {
		return u.child.chain.start - u.floor
	}
	return tx.r.Units() - u.floor
}

// views counts the read-only views open on tx itself (ViewContext), not
// counting a read-only handle's view of its own.
func (tx *Txn) views() int32 {
	if tx.chain != nil && tx.chain.view {
		return tx.ro - 1
	}
	return tx.ro
}
