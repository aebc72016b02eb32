package memrel

import (
	"bytes"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/index"
)

// Txn is a transaction on a [Store], from [Store.Begin], [Store.Update] or
// [Store.View]. It is done after Commit or Abort (or when its Update/View
// callback returns); every operation on a done Txn fails with ErrTxDone,
// Commit too, and Abort does nothing.
//
// A read transaction may be shared by any number of goroutines: its reads
// run concurrently and each sees the same snapshot. A write transaction
// must be used by one goroutine at a time; a call on it while another
// goroutine's call is under way panics with a memrel message, before
// either changes anything (inside Update the panic rolls back as usual).
//
// Each memrel call on a Txn is atomic on its own: when it fails, the
// transaction is exactly as it was before the call, so the caller may go on
// or roll back. [Txn.Update] makes a group of calls a nested transaction,
// undone together when it fails.
//
// A Txn carries a context ([Txn.Context]): the one given to BeginContext,
// UpdateContext or ViewContext, else context.Background(). When that
// context ends, the next call rolls the transaction back and fails.
//
// The zero Txn, and a nil *Txn, are done transactions.
type Txn struct {
	store   *Store
	mt      *memdb.Txn
	write   bool
	managed bool
	// done is read by every call, and may be set by a goroutine ending a
	// read transaction others still read through.
	done atomic.Bool
	// busy is set for the duration of each public call on a write
	// transaction (see enter), so a second goroutine is caught before it
	// touches state that only one may change.
	busy atomic.Bool
	// arg carries keys into go-memdb lookups without an allocation each;
	// argBuf holds them while they are short. argLent marks them lent to a
	// lookup, so concurrent reads of a shared read transaction never share
	// them (see lend).
	argLent atomic.Bool
	arg     index.Arg
	argBuf  [40]byte
	// w is the state only a write transaction needs, handed on from one
	// write transaction to the next (Store.spare); a read transaction,
	// which may be a single Get, has none and stays small.
	w *txWrite
	// cx is the context of a transaction begun with one (BeginContext,
	// UpdateContext, ViewContext), nil for Begin, Update and View, so a
	// call checks a context that can never end with one comparison.
	cx *txCtx
}

// txWrite is a write transaction's bookkeeping.
type txWrite struct {
	// undo records every row change of the current call, so a failing call
	// can be reverted inside a transaction that goes on.
	undo  []change
	depth int
	// units counts the nested transactions open (see Txn.Update): while
	// one is, the undo log keeps every change since it began. ro counts
	// the read-only views open on the transaction (see ViewContext), which
	// refuse writes.
	units, ro int
	// deferred holds NO ACTION checks, run when the outermost call ends,
	// as PostgreSQL runs them at the end of the statement.
	deferred []deferredCheck
	// seqUndo records sequence moves of the current call: a failed call
	// moves no sequence. Rolling back a whole transaction keeps them, as
	// a PostgreSQL sequence does.
	seqUndo []seqMove
	// steps is the work list of the running cascade (see cascade), keys
	// and kids the parent keys and listed children of its steps.
	steps []step
	keys  []byte
	kids  []any

	// A write transaction answers primary-key lookups from written (see
	// writeSet) and, for keys it has not touched, from the tree itself
	// until the table's first write, then from snap, a read view of the
	// state it began with. Reading an index through the write transaction itself after
	// writing to it would make go-memdb drop its cache of copied radix
	// nodes, and every later write would copy its whole path again.
	written []writeSet
	snap    *memdb.Txn
}

// writeSet maps primary keys of one table to their rows as the transaction
// sees them: every row it wrote (nil once deleted) and, in a referenced
// table, every row it looked up. Short keys, all integer keys among them,
// are fixed-size map keys, so recording and finding them allocates nothing.
type writeSet struct {
	state wsState
	dirty bool // written by this transaction
	// gained says a write may have given a row of this (referenced) table
	// a foreign key value it did not hold when the transaction began; until
	// then its rows' foreign keys only ever lost values, and children can
	// be listed from the snapshot (see lostOnly).
	gained bool
	short  map[wkey]any
	long   map[string]any
	// uniq maps, per unique field of the table (t.uniques order), each
	// value to the row last written with it (see uniqueHolder).
	uniq []writeSet
}

// wsState says how a table's primary-key lookups are answered in a write
// transaction. Recording every written row costs a map entry per write, so
// a table is only tracked when lookups are expected: it is referenced by
// foreign keys (each child write checks its parent), it has a unique field
// (each write checks it, see uniqueHolder), or it was read before its
// first write. A table written first and read later is answered by the
// write transaction itself: correct, only slower.
type wsState uint8

const (
	wsUntouched wsState = iota // neither read nor written yet
	wsTracked                  // every write recorded: map, then snapshot
	wsUntracked                // written without recording: ask go-memdb
)

// wkey holds a key shorter than itself: its length, then its bytes. 16
// bytes fit any integer or time key and short strings, and keep a map
// slot at 32 bytes.
type wkey [16]byte

// big reports whether w grew past what a recycled transaction keeps.
func (w *writeSet) big() bool { return len(w.short) > keepRoom || len(w.long) > keepRoom }

func (w *writeSet) get(k []byte) (any, bool) {
	if len(k) < len(wkey{}) {
		var wk wkey
		wk[0] = byte(len(k))
		copy(wk[1:], k)
		row, ok := w.short[wk]
		return row, ok
	}
	row, ok := w.long[string(k)]
	return row, ok
}

func (w *writeSet) set(k []byte, row any) {
	if len(k) < len(wkey{}) {
		var wk wkey
		wk[0] = byte(len(k))
		copy(wk[1:], k)
		if w.short == nil {
			w.short = map[wkey]any{}
		}
		w.short[wk] = row
		return
	}
	if w.long == nil {
		w.long = map[string]any{}
	}
	w.long[string(k)] = row
}

// change is one row write: before is nil for an insert, after nil for a
// delete. Rows are immutable, so putting before back restores the state.
type change struct {
	t             *table
	before, after any
}

type seqMove struct {
	pos int
	old int64
}

type deferredCheck struct {
	a      *assoc
	key    []byte // source key value of the deleted or re-keyed row
	update bool   // raised by a key change (onUpdate), not a delete
}

// Commit makes the transaction's writes visible to transactions that begin
// afterwards. On a done transaction it returns ErrTxDone, whether or not
// it came from Update or View (one kept after its callback returned, say).
// It panics inside the callback of Update or View, which commit
// themselves, and when another goroutine's call on the same write
// transaction is under way.
func (tx *Txn) Commit() error {
	if tx == nil || tx.store == nil {
		return fmt.Errorf("%w: nil or zero transaction", ErrTxDone)
	}
	if tx.done.Load() {
		return tx.doneErr("")
	}
	if tx.managed {
		panic("memrel: Commit inside Store.Update or Store.View")
	}
	tx.checkNotNested("Commit")
	if !tx.write {
		tx.rollback()
		return nil
	}
	tx.enter()
	defer tx.leave()
	if tx.done.Load() { // ended by another goroutine meanwhile
		return tx.doneErr("")
	}
	return tx.finish()
}

// Abort discards the transaction's writes. It does nothing on a done
// transaction, whether or not it came from Update or View, so defer
// tx.Abort() is always safe. It panics inside the callback of Update or
// View. On a write transaction it first waits for a call another goroutine
// has under way (which is misuse, but must not corrupt the rollback).
func (tx *Txn) Abort() {
	if tx == nil || tx.store == nil || tx.done.Load() {
		return
	}
	if tx.managed {
		panic("memrel: Abort inside Store.Update or Store.View")
	}
	tx.checkNotNested("Abort")
	tx.end(tx.rollback)
}

// Writable reports whether the transaction may write; false for a nil or
// zero Txn.
// Inside a read-only view of a write transaction (ViewContext) it is false.
func (tx *Txn) Writable() bool { return tx != nil && tx.write && (tx.w == nil || tx.w.ro == 0) }

// errBusy is the panic of a call on a write transaction while another is
// under way.
const errBusy = "memrel: write transaction used by two goroutines at once, or from inside one of its own calls (a write Txn must be used by one goroutine at a time)"

// enter marks the start of a public call on a write transaction, and
// panics if one is already under way: another goroutine's, or one that
// ran user code calling back in (a key's String method formatted into an
// error, say). The flag costs two atomic operations per call;
// it turns what would be a corrupted transaction or a fatal concurrent map
// write into a panic that changed nothing.
func (tx *Txn) enter() {
	if tx.write && !tx.busy.CompareAndSwap(false, true) {
		panic(errBusy)
	}
}

// leave marks the end of a public call entered by enter (or by use).
func (tx *Txn) leave() {
	if tx.write {
		tx.busy.Store(false)
	}
}

// end runs fin (commit or rollback) once no call is under way on a write
// transaction, waiting for one another goroutine has started: a call runs
// no user code that could block it (at most a key's String method), so it
// finishes. Only misuse ever waits here.
func (tx *Txn) end(fin func()) {
	if tx.write {
		for !tx.busy.CompareAndSwap(false, true) {
			runtime.Gosched()
		}
		defer tx.leave()
	}
	if !tx.done.Load() {
		fin()
	}
}

func (tx *Txn) commit() {
	tx.done.Store(true)
	w := tx.release()
	tx.mt.Commit()
	// Readers that begin from now on need a view of the new root; dropping
	// the old one also lets the old tree go.
	tx.store.gen.Add(1)
	tx.store.view.Store(nil)
	tx.store.unlock(w)
}

func (tx *Txn) rollback() {
	tx.done.Store(true)
	w := tx.release()
	tx.mt.Abort() // a no-op on a read transaction, shared by other readers
	if tx.write {
		tx.store.unlock(w)
	}
}

// release takes a write transaction's bookkeeping from it, emptied for
// the next writer, to whom Store.unlock hands it; nil when there is none
// or it grew too big to keep.
func (tx *Txn) release() *txWrite {
	w := tx.w
	if w == nil {
		return nil // a read transaction, whose goroutines may end it at once
	}
	tx.w = nil // a done Txn must not reach state that is now the next writer's
	if !w.recycle() {
		return nil
	}
	return w
}

// keepRoom bounds what recycle keeps: bookkeeping grown by a big
// transaction, a bulk load say, would otherwise stay pinned, rows and all.
const keepRoom = 256

// recycle empties w for the next write transaction and reports whether it
// is small enough to keep.
func (w *txWrite) recycle() bool {
	if cap(w.undo) > keepRoom || cap(w.deferred) > keepRoom || cap(w.seqUndo) > keepRoom ||
		cap(w.steps) > keepRoom || cap(w.keys) > keepRoom*32 || cap(w.kids) > keepRoom {
		return false
	}
	for i := range w.written {
		if w.written[i].big() {
			return false
		}
		for j := range w.written[i].uniq {
			if w.written[i].uniq[j].big() {
				return false
			}
		}
	}
	// Every call leaves the logs empty (atomic), but their backing arrays
	// still point at rows of this transaction.
	clear(w.undo[:cap(w.undo)])
	clear(w.deferred[:cap(w.deferred)])
	for i := range w.written {
		ws := &w.written[i]
		clear(ws.short)
		clear(ws.long)
		for j := range ws.uniq {
			clear(ws.uniq[j].short)
			clear(ws.uniq[j].long)
		}
		ws.state, ws.dirty, ws.gained = wsUntouched, false, false
	}
	w.depth, w.units, w.ro = 0, 0, 0
	w.snap = nil
	return true
}

// use checks that the transaction is live, may write when asked to, and
// belongs to the store the table was opened in. Every public call on a
// transaction starts with it; on a write transaction it also enters the
// call, so a nil error must be followed by defer tx.leave().
func (tx *Txn) use(t *table, write bool) error {
	if tx == nil || tx.store == nil {
		return fmt.Errorf("%w: nil or zero transaction", ErrTxDone)
	}
	if t == nil {
		return fmt.Errorf("%w: the model or association is nil or was not declared on a schema", ErrWrongStore)
	}
	if tx.write && !tx.busy.CompareAndSwap(false, true) {
		if tx.done.Load() { // being ended
			return fmt.Errorf("%w (using %s)", ErrTxDone, t.name)
		}
		panic(errBusy)
	}
	if err := tx.usable(t, write); err != nil {
		tx.leave()
		return err
	}
	return nil
}

// usable is use's checks, once the call has entered.
func (tx *Txn) usable(t *table, write bool) error {
	if tx.done.Load() {
		return tx.doneErr(t.name)
	}
	if tx.cx != nil {
		if err := tx.cx.check(tx, t.name); err != nil {
			return err
		}
	}
	tables := tx.store.schema.tables
	if t.pos >= len(tables) || tables[t.pos] != t {
		return fmt.Errorf("%w: %s was defined on another schema", ErrWrongStore, t.name)
	}
	if write && (!tx.write || tx.w.ro > 0) {
		return fmt.Errorf("%w (writing %s)", ErrReadOnly, t.name)
	}
	return nil
}

// atomic runs one public call: if fn fails (or panics), every row change it
// made is reverted and the transaction is as before the call. Nested calls
// join the outermost one; the outermost also runs the deferred NO ACTION
// checks before it declares success.
func (tx *Txn) atomic(fn func() error) (err error) {
	mark, dmark, smark := len(tx.w.undo), len(tx.w.deferred), len(tx.w.seqUndo)
	tx.w.depth++
	defer func() {
		tx.w.depth--
		p := recover()
		if p == nil && err == nil && tx.w.depth == 0 {
			err = tx.runDeferred()
		}
		if p != nil || err != nil {
			tx.revert(mark)
			tx.w.deferred = tx.w.deferred[:dmark]
			for i := len(tx.w.seqUndo) - 1; i >= smark; i-- {
				tx.store.seqs[tx.w.seqUndo[i].pos].Store(tx.w.seqUndo[i].old)
			}
			tx.w.seqUndo = tx.w.seqUndo[:smark]
		}
		if tx.w.depth == 0 {
			if tx.w.units == 0 { // a nested transaction may yet roll back
				tx.w.undo = tx.w.undo[:0]
			}
			tx.w.deferred = tx.w.deferred[:0]
			tx.w.seqUndo = tx.w.seqUndo[:0]
			if len(tx.w.steps) > 0 { // a cascade that panicked
				clear(tx.w.steps)
				clear(tx.w.kids)
				tx.w.steps, tx.w.keys, tx.w.kids = tx.w.steps[:0], tx.w.keys[:0], tx.w.kids[:0]
			}
		}
		if p != nil {
			panic(p)
		}
	}()
	return fn()
}

// revert undoes the changes recorded after mark, newest first.
func (tx *Txn) revert(mark int) {
	for i := len(tx.w.undo) - 1; i >= mark; i-- {
		c := tx.w.undo[i]
		if c.after != nil {
			mustMemdb(tx.mt.Delete(c.t.name, c.after))
			tx.wrote(c.t, c.after, nil) // its key held no row before
		}
		if c.before != nil {
			mustMemdb(tx.mt.Insert(c.t.name, c.before))
			tx.wrote(c.t, c.before, c.before)
		}
	}
	tx.w.undo = tx.w.undo[:mark]
}

// wrote records that the primary key of keyRow now holds row (nil: none).
func (tx *Txn) wrote(t *table, keyRow, row any) {
	if tx.w.written == nil {
		tx.w.written = make([]writeSet, len(tx.store.schema.tables))
	}
	ws := &tx.w.written[t.pos]
	ws.dirty = true
	if ws.state == wsUntouched {
		ws.state = wsUntracked
		if t.referenced || len(t.uniques) > 0 {
			ws.state = wsTracked
		}
	}
	if ws.state == wsTracked {
		var kb [32]byte
		ws.set(t.pkKey(keyRow, kb[:0]), row)
		if row != nil && len(t.uniques) > 0 {
			if ws.uniq == nil {
				ws.uniq = make([]writeSet, len(t.uniques))
			}
			p := t.ptr(row)
			for i, f := range t.uniques {
				if k, ok := f.key(p, kb[:0]); ok {
					ws.uniq[i].set(k, row)
				}
			}
		}
	}
}

// mustMemdb turns an impossible go-memdb failure into a panic: memrel
// checks everything go-memdb could reject before calling it.
func mustMemdb(err error) {
	if err != nil {
		panic("memrel: internal error: " + err.Error())
	}
}

// put stores after in place of before (nil for an insert). When the primary
// key changes the old row is deleted first, since go-memdb identifies rows
// by primary key. Every row a table stores passes here, so here its
// sequence's high mark is raised.
func (tx *Txn) put(t *table, before, after any) {
	var kb, ka [32]byte
	rekeyed := before != nil && string(t.pkKey(before, kb[:0])) != string(t.pkKey(after, ka[:0]))
	if rekeyed {
		mustMemdb(tx.mt.Delete(t.name, before))
		tx.wrote(t, before, nil)
	}
	mustMemdb(tx.mt.Insert(t.name, after))
	if t.pk.autoInc {
		if id, seq := t.pk.seqValue(t.ptr(after)), &tx.store.seqs[t.pos]; id > seq.high {
			seq.high = id
		}
	}
	tx.wrote(t, after, after)
	if t.referenced {
		tx.noteGain(t, before, after, rekeyed)
	}
	tx.logChange(change{t, before, after})
}

// noteGain records when the write of after in place of before (nil: an
// insert) gives a row of t a foreign key value it did not hold: a new row,
// a re-keyed row (a new primary key for the snapshot) or a changed
// reference. Reverting a write needs no note: it puts back a state that
// was current before.
func (tx *Txn) noteGain(t *table, before, after any, rekeyed bool) {
	ws := &tx.w.written[t.pos]
	if ws.gained {
		return
	}
	for _, a := range t.parents {
		if !a.constrained {
			continue
		}
		var nb, ob [32]byte
		k, ok := a.fk.key(t.ptr(after), nb[:0])
		if !ok {
			continue
		}
		if before != nil && !rekeyed {
			if o, ok := a.fk.key(t.ptr(before), ob[:0]); ok && bytes.Equal(o, k) {
				continue
			}
		}
		ws.gained = true
		return
	}
}

// lostOnly returns the snapshot the children of rows of t can be listed
// from, with every row checked against the write set: t is referenced,
// so every write to it is recorded, it was written, so reading its
// indexes through the write transaction would cost (see txWrite), and no
// row gained a foreign key value. It returns nil otherwise.
func (tx *Txn) lostOnly(t *table) *memdb.Txn {
	if !tx.write || !t.referenced || tx.w.written == nil {
		return nil
	}
	if ws := &tx.w.written[t.pos]; !ws.dirty || ws.gained || ws.state != wsTracked {
		return nil
	}
	return tx.snapshot()
}

// live returns the version of row, read from the snapshot of a tracked
// table, that the transaction sees: the one its write set holds, or row
// itself, remembered, when the transaction has not written it.
func (tx *Txn) live(t *table, row any) any {
	var kb [32]byte
	key := t.pkKey(row, kb[:0])
	ws := &tx.w.written[t.pos]
	if cur, ok := ws.get(key); ok {
		return cur
	}
	ws.set(key, row)
	return row
}

// snapshot is a read view of the state the write transaction began with.
func (tx *Txn) snapshot() *memdb.Txn {
	if tx.w.snap == nil {
		tx.w.snap = tx.store.db.Txn(false)
	}
	return tx.w.snap
}

// del removes a stored row.
func (tx *Txn) del(t *table, before any) {
	mustMemdb(tx.mt.Delete(t.name, before))
	tx.wrote(t, before, nil)
	tx.logChange(change{t, before, nil})
}

// logChange appends to the undo log, which starts with room for a few
// writes instead of growing through 1, 2, 4.
func (tx *Txn) logChange(c change) {
	if tx.w.undo == nil {
		tx.w.undo = make([]change, 0, 4)
	}
	tx.w.undo = append(tx.w.undo, c)
}

// lend lends key to one go-memdb call, which must not keep it, through
// the Txn's scratch Arg; give it back with giveBack right after the call.
// A write transaction has one call at a time (enter). Reads of a read
// transaction may run on several goroutines: the first takes the scratch
// Arg, one that finds it lent gets a copy of its own, which allocates only
// while goroutines share the transaction.
func (tx *Txn) lend(key []byte) *index.Arg {
	if !tx.write && !tx.argLent.CompareAndSwap(false, true) {
		return &index.Arg{Key: append(make([]byte, 0, len(key)), key...)}
	}
	if tx.arg.Key == nil {
		tx.arg.Key = tx.argBuf[:0]
	}
	tx.arg.Key = append(tx.arg.Key[:0], key...)
	return &tx.arg
}

// giveBack ends the loan of a lent Arg.
func (tx *Txn) giveBack(a *index.Arg) {
	if a == &tx.arg && !tx.write {
		tx.argLent.Store(false)
	}
}

// find is go-memdb's First through a lent key.
func (tx *Txn) find(mt *memdb.Txn, t *table, ix string, key []byte) any {
	a := tx.lend(key)
	row, err := mt.First(t.name, ix, a)
	tx.giveBack(a)
	mustMemdb(err)
	return row
}

// first returns the row found under an exact key of a unique index, or nil.
func (tx *Txn) first(t *table, ix string, key []byte) any {
	if ix == "id" {
		return tx.byKey(t, key)
	}
	if tx.write {
		if row, ok := tx.uniqueHolder(t, ix, key); ok {
			return row
		}
	}
	return tx.find(tx.mt, t, ix, key)
}

// uniqueHolder answers a lookup in the unique index ix of a table the
// write transaction has written, without reading that index back through
// the write transaction, which would make every later write to it copy
// its whole path (see txWrite): a bulk create of rows with a unique field
// allocated six times what one without does. The row holding key now is
// either one the transaction wrote, the last one written with key, or one
// that held it when the transaction began; either is checked against what
// the table holds now. ok is false when the lookup must go to go-memdb.
func (tx *Txn) uniqueHolder(t *table, ix string, key []byte) (row any, ok bool) {
	if tx.w.written == nil {
		return nil, false
	}
	ws := &tx.w.written[t.pos]
	if !ws.dirty || ws.state != wsTracked {
		return nil, false
	}
	for i, f := range t.uniques {
		if len(ix) != 2+len(f.name) || ix[:2] != "u:" || ix[2:] != f.name {
			continue
		}
		holds := func(r any) any {
			var kb [32]byte
			if r == nil {
				return nil
			}
			if k, ok := f.key(t.ptr(r), kb[:0]); ok && bytes.Equal(k, key) {
				return r
			}
			return nil
		}
		if ws.uniq != nil {
			if cand, ok := ws.uniq[i].get(key); ok {
				var kb [32]byte
				if cur := holds(tx.byKey(t, t.pkKey(cand, kb[:0]))); cur != nil {
					return cur, true
				}
			}
		}
		snap := tx.find(tx.snapshot(), t, ix, key)
		if snap == nil {
			return nil, true
		}
		return holds(tx.live(t, snap)), true
	}
	return nil, false
}

// prefix iterates the rows whose key in ix starts with key, in key order
// (then primary key order for non-unique indexes).
func (tx *Txn) prefix(t *table, ix string, key []byte) memdb.ResultIterator {
	return tx.prefixIn(tx.mt, t, ix, key)
}

// prefixIn is prefix read from mt: the transaction itself or its snapshot.
func (tx *Txn) prefixIn(mt *memdb.Txn, t *table, ix string, key []byte) memdb.ResultIterator {
	a := tx.lend(key)
	it, err := mt.Get(t.name, ix, a)
	tx.giveBack(a)
	mustMemdb(err)
	return it
}

// lowerBound iterates ix from key upwards.
func (tx *Txn) lowerBound(t *table, ix string, key []byte) memdb.ResultIterator {
	a := tx.lend(key)
	it, err := tx.mt.LowerBound(t.name, ix, a)
	tx.giveBack(a)
	mustMemdb(err)
	return it
}

// descending iterates every entry of ix from the largest key down.
func (tx *Txn) descending(t *table, ix string) memdb.ResultIterator {
	it, err := tx.mt.GetReverse(t.name, ix)
	mustMemdb(err)
	return it
}

// all iterates every row of t in primary key order.
func (tx *Txn) all(t *table) memdb.ResultIterator {
	it, err := tx.mt.Get(t.name, "id")
	mustMemdb(err)
	return it
}

// byKey returns the stored row with the given primary key encoding.
func (tx *Txn) byKey(t *table, key []byte) any {
	if tx.write {
		if tx.w.written == nil {
			tx.w.written = make([]writeSet, len(tx.store.schema.tables))
		}
		ws := &tx.w.written[t.pos]
		if ws.state == wsUntouched {
			ws.state = wsTracked // read before written: track from now on
		}
		if ws.state == wsTracked {
			if row, ok := ws.get(key); ok {
				return row
			}
			// Untouched by this transaction: as it was when it began.
			// Until the table's first write, go-memdb reads it from the
			// unmodified tree, so no snapshot is needed. Every write to a
			// tracked table is recorded, so a row found can be remembered
			// too; that pays for a referenced table, whose rows are looked
			// up again (a parent checked for each child, rows re-read
			// during a cascade).
			src := tx.mt
			if ws.dirty {
				src = tx.snapshot()
			}
			row := tx.find(src, t, "id", key)
			if row != nil && t.referenced {
				ws.set(key, row)
			}
			return row
		}
	}
	return tx.find(tx.mt, t, "id", key)
}
