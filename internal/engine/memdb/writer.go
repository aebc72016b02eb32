package memdb

import (
	"bytes"

	gomemdb "github.com/hashicorp/go-memdb"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// writer is the write transaction. It reads through go-memdb's write
// transaction (the embedded reader) only where that is cheap: reading an
// index through a go-memdb write transaction after writing to it makes
// go-memdb drop its cache of copied radix nodes, and every later write
// would copy its whole path again. So primary-key lookups are answered
// from written (see writeSet) and, for keys the transaction has not
// touched, from the tree itself until the table's first write, then from
// snap, a read view of the state it began with.
type writer struct {
	reader
	db *DB
	// undo records every row change since the outermost call began, so a
	// failing call can be reverted inside a transaction that goes on.
	undo []change
	// seqUndo records the sequence moves of the current call: a failed
	// call moves no sequence. Rolling back a whole transaction keeps
	// them, as a PostgreSQL sequence does.
	seqUndo []seqMove
	written []writeSet
	snap    *gomemdb.Txn
	// arg carries the writer's own lookups (a unique holder's primary key).
	arg    keys.Arg
	argBuf [32]byte
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
	// uniq maps, per unique constraint of the table (t.UniqueKeys order), each
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
	t             *meta.Table
	before, after any
}

type seqMove struct {
	pos int
	old int64
}

// keepRoom bounds what recycle keeps: bookkeeping grown by a big
// transaction, a bulk load say, would otherwise stay pinned, rows and all.
const keepRoom = 256

// Commit implements engine.Writer.
func (w *writer) Commit() error {
	db, mt := w.db, w.mt
	w.release()
	mt.Commit()
	// Readers that begin from now on need a view of the new root; dropping
	// the old one also lets the old tree go.
	db.gen.Add(1)
	db.view.Store(nil)
	return nil
}

// Abort implements engine.Writer.
func (w *writer) Abort() {
	mt := w.mt
	w.release()
	mt.Abort()
}

// release hands the bookkeeping to the next writer; it runs while this
// one still holds the writer lock.
func (w *writer) release() {
	db := w.db
	if w.recycle() {
		db.spare = w
	}
}

// recycle empties w for the next write transaction and reports whether it
// is small enough to keep.
func (w *writer) recycle() bool {
	w.db, w.mt, w.reader = nil, nil, reader{}
	w.snap = nil
	if cap(w.undo) > keepRoom || cap(w.seqUndo) > keepRoom {
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
	// Every call leaves the logs empty (Settle), but their backing arrays
	// still point at rows of this transaction.
	clear(w.undo[:cap(w.undo)])
	w.undo = w.undo[:0]
	w.seqUndo = w.seqUndo[:0]
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
	return true
}

// Mark implements engine.Writer.
func (w *writer) Mark() engine.Mark { return engine.Mark{Rows: len(w.undo), Seqs: len(w.seqUndo)} }

// Rollback implements engine.Writer: it undoes the changes recorded after
// m, newest first, and the sequence moves.
func (w *writer) Rollback(m engine.Mark) {
	for i := len(w.undo) - 1; i >= m.Rows; i-- {
		c := w.undo[i]
		if c.after != nil {
			mustMemdb(w.mt.Delete(c.t.Name, c.after))
			w.wrote(c.t, c.after, nil) // its key held no row before
		}
		if c.before != nil {
			mustMemdb(w.mt.Insert(c.t.Name, c.before))
			w.wrote(c.t, c.before, c.before)
		}
	}
	clear(w.undo[m.Rows:])
	w.undo = w.undo[:m.Rows]
	m.Seqs = min(m.Seqs, len(w.seqUndo))
	for i := len(w.seqUndo) - 1; i >= m.Seqs; i-- {
		w.db.seqs[w.seqUndo[i].pos].Store(w.seqUndo[i].old)
	}
	w.seqUndo = w.seqUndo[:m.Seqs]
}

// Flush implements engine.Writer: the memory engine holds nothing back.
func (w *writer) Flush() error { return nil }

// Settle implements engine.Writer.
func (w *writer) Settle(keepRows bool) {
	if !keepRows {
		clear(w.undo)
		w.undo = w.undo[:0]
	}
	w.seqUndo = w.seqUndo[:0]
}

// Draw implements engine.Writer: the next value, which Advance takes
// once the row is in.
func (w *writer) Draw(t *meta.Table, max int64) (int64, bool) {
	seq := w.db.seqs[t.Pos].Load()
	if seq >= max {
		return 0, false
	}
	return seq + 1, true
}

// SetSequence implements engine.Writer.
func (w *writer) SetSequence(t *meta.Table, v int64) { w.db.seqs[t.Pos].Store(v) }

// Fresh implements engine.Writer.
func (w *writer) Fresh(t *meta.Table, id int64) bool {
	seq := &w.db.seqs[t.Pos]
	return id > max(seq.Load(), seq.high)
}

// Advance implements engine.Writer.
func (w *writer) Advance(t *meta.Table, id int64) {
	if seq := &w.db.seqs[t.Pos]; id > seq.Load() {
		w.seqUndo = append(w.seqUndo, seqMove{t.Pos, seq.Load()})
		seq.Store(id)
	}
}

// wrote records that the primary key of keyRow now holds row (nil: none).
func (w *writer) wrote(t *meta.Table, keyRow, row any) {
	if w.written == nil {
		w.written = make([]writeSet, len(w.s.meta.Tables))
	}
	ws := &w.written[t.Pos]
	ws.dirty = true
	if ws.state == wsUntouched {
		ws.state = wsUntracked
		if t.Referenced || len(t.UniqueKeys) > 0 {
			ws.state = wsTracked
		}
	}
	if ws.state == wsTracked {
		var kb [32]byte
		ws.set(t.PKKey(keyRow, kb[:0]), row)
		if row != nil && len(t.UniqueKeys) > 0 {
			if ws.uniq == nil {
				ws.uniq = make([]writeSet, len(t.UniqueKeys))
			}
			p := t.Ptr(row)
			for i, ix := range t.UniqueKeys {
				if k, ok := ix.Key(p, kb[:0]); ok {
					ws.uniq[i].set(k, row)
				}
			}
		}
	}
}

// Put implements engine.Writer. When the primary key changes the old row
// is deleted first, since go-memdb identifies rows by primary key. Every
// row a table stores passes here, so here its sequence's high mark is
// raised.
func (w *writer) Put(t *meta.Table, before, after any) {
	var kb, ka [32]byte
	rekeyed := before != nil && string(t.PKKey(before, kb[:0])) != string(t.PKKey(after, ka[:0]))
	if rekeyed {
		mustMemdb(w.mt.Delete(t.Name, before))
		w.wrote(t, before, nil)
	}
	mustMemdb(w.mt.Insert(t.Name, after))
	if t.PK.AutoInc {
		if id, seq := t.PK.SeqValue(t.Ptr(after)), &w.db.seqs[t.Pos]; id > seq.high {
			seq.high = id
		}
	}
	w.wrote(t, after, after)
	if t.Referenced {
		w.noteGain(t, before, after, rekeyed)
	}
	w.logChange(change{t, before, after})
}

// noteGain records when the write of after in place of before (nil: an
// insert) gives a row of t a foreign key value it did not hold: a new row,
// a re-keyed row (a new primary key for the snapshot) or a changed
// reference. Reverting a write needs no note: it puts back a state that
// was current before.
func (w *writer) noteGain(t *meta.Table, before, after any, rekeyed bool) {
	ws := &w.written[t.Pos]
	if ws.gained {
		return
	}
	for _, a := range t.Parents {
		if !a.Constrained {
			continue
		}
		var nb, ob [32]byte
		k, ok := a.FK.Key(t.Ptr(after), nb[:0])
		if !ok {
			continue
		}
		if before != nil && !rekeyed {
			if o, ok := a.FK.Key(t.Ptr(before), ob[:0]); ok && bytes.Equal(o, k) {
				continue
			}
		}
		ws.gained = true
		return
	}
}

// Delete implements engine.Writer.
func (w *writer) Delete(t *meta.Table, before any) {
	mustMemdb(w.mt.Delete(t.Name, before))
	w.wrote(t, before, nil)
	w.logChange(change{t, before, nil})
}

// DeleteMatching implements engine.Writer: the rows' foreign key index
// entries go as one subtree instead of one radix path each. The rules use
// it only for a table no constraint references, whose rows are then the
// ones just listed.
func (w *writer) DeleteMatching(ix *meta.Index, k *keys.Arg, rows []any) {
	t := ix.Table
	found, err := w.mt.DeletePrefix(t.Name, w.s.prefix[t.Pos][ix.Pos], string(k.Key))
	mustMemdb(err)
	if !found {
		panic("memrel: internal error: cascaded children vanished before their delete")
	}
	for _, row := range rows {
		w.wrote(t, row, nil)
		w.logChange(change{t, row, nil})
	}
}

// logChange appends to the undo log, which starts with room for a few
// writes instead of growing through 1, 2, 4.
func (w *writer) logChange(c change) {
	if w.undo == nil {
		w.undo = make([]change, 0, 4)
	}
	w.undo = append(w.undo, c)
}

// lostOnly returns the snapshot the children of rows of t can be listed
// from, with every row checked against the write set: t is referenced,
// so every write to it is recorded, it was written, so reading its
// indexes through the write transaction would cost (see writer), and no
// row gained a foreign key value. It returns nil otherwise.
func (w *writer) lostOnly(t *meta.Table) *gomemdb.Txn {
	if !t.Referenced || w.written == nil {
		return nil
	}
	if ws := &w.written[t.Pos]; !ws.dirty || ws.gained || ws.state != wsTracked {
		return nil
	}
	return w.snapshot()
}

// live returns the version of row, read from the snapshot of a tracked
// table, that the transaction sees: the one its write set holds, or row
// itself, remembered, when the transaction has not written it.
func (w *writer) live(t *meta.Table, row any) any {
	var kb [32]byte
	key := t.PKKey(row, kb[:0])
	ws := &w.written[t.Pos]
	if cur, ok := ws.get(key); ok {
		return cur
	}
	ws.set(key, row)
	return row
}

// snapshot is a read view of the state the write transaction began with.
func (w *writer) snapshot() *gomemdb.Txn {
	if w.snap == nil {
		w.snap = w.db.db.Txn(false)
	}
	return w.snap
}

// Children implements engine.Writer.
func (w *writer) Children(ix *meta.Index, k *keys.Arg, kids []any, limit int) []any {
	t := ix.Table
	start := len(kids)
	fk := ix.Cols[len(ix.Cols)-1]
	if snap := w.lostOnly(t); snap != nil {
		// Every row that holds key now held it when the transaction began:
		// list those from the snapshot and keep the ones that still do.
		// Reading the index through the write transaction instead would
		// make every later write to it copy its whole path (see writer):
		// per level of a deep cascade, a cost far above the delete's.
		it, err := snap.Get(t.Name, w.name(ix), k)
		mustMemdb(err)
		for row := it.Next(); row != nil && (limit == 0 || len(kids)-start < limit); row = it.Next() {
			cur := w.live(t, row)
			if cur == nil {
				continue
			}
			var kb [32]byte
			if ck, ok := fk.Key(t.Ptr(cur), kb[:0]); ok && bytes.Equal(ck, k.Key) {
				kids = append(kids, cur)
			}
		}
		return kids
	}
	it, err := w.mt.Get(t.Name, w.name(ix), k)
	mustMemdb(err)
	for row := it.Next(); row != nil && (limit == 0 || len(kids)-start < limit); row = it.Next() {
		kids = append(kids, row)
	}
	return kids
}

// Get implements engine.Reader for the write transaction.
func (w *writer) Get(t *meta.Table, k *keys.Arg) any {
	if w.written == nil {
		w.written = make([]writeSet, len(w.s.meta.Tables))
	}
	ws := &w.written[t.Pos]
	if ws.state == wsUntouched {
		ws.state = wsTracked // read before written: track from now on
	}
	if ws.state != wsTracked {
		return w.reader.Get(t, k)
	}
	if row, ok := ws.get(k.Key); ok {
		return row
	}
	// Untouched by this transaction: as it was when it began. Until the
	// table's first write, go-memdb reads it from the unmodified tree, so
	// no snapshot is needed. Every write to a tracked table is recorded,
	// so a row found can be remembered too; that pays for a referenced
	// table, whose rows are looked up again (a parent checked for each
	// child, rows re-read during a cascade).
	src := w.mt
	if ws.dirty {
		src = w.snapshot()
	}
	row, err := src.First(t.Name, "id", k)
	mustMemdb(err)
	if row != nil && t.Referenced {
		ws.set(k.Key, row)
	}
	return row
}

// First implements engine.Reader for the write transaction.
func (w *writer) First(ix *meta.Index, k *keys.Arg) any {
	if ix.IsPK() {
		return w.Get(ix.Table, k)
	}
	if row, ok := w.uniqueHolder(ix, k); ok {
		return row
	}
	return w.reader.First(ix, k)
}

// uniqueHolder answers a lookup in the unique index ix of a table the
// write transaction has written, without reading that index back through
// the write transaction, which would make every later write to it copy
// its whole path (see writer): a bulk create of rows with a unique field
// allocated six times what one without does. The row holding key now is
// either one the transaction wrote, the last one written with key, or one
// that held it when the transaction began; either is checked against what
// the table holds now. ok is false when the lookup must go to go-memdb.
func (w *writer) uniqueHolder(ix *meta.Index, k *keys.Arg) (row any, ok bool) {
	t := ix.Table
	if w.written == nil {
		return nil, false
	}
	ws := &w.written[t.Pos]
	if !ws.dirty || ws.state != wsTracked {
		return nil, false
	}
	for i, u := range t.UniqueKeys {
		if u != ix {
			continue
		}
		holds := func(r any) any {
			var kb [64]byte
			if r == nil {
				return nil
			}
			if rk, ok := ix.Key(t.Ptr(r), kb[:0]); ok && bytes.Equal(rk, k.Key) {
				return r
			}
			return nil
		}
		if ws.uniq != nil {
			if cand, ok := ws.uniq[i].get(k.Key); ok {
				if w.arg.Key == nil {
					w.arg.Key = w.argBuf[:0]
				}
				var kb [32]byte
				w.arg.Key = append(w.arg.Key[:0], t.PKKey(cand, kb[:0])...)
				if cur := holds(w.Get(t, &w.arg)); cur != nil {
					return cur, true
				}
			}
		}
		snap, err := w.snapshot().First(t.Name, w.name(ix), k)
		mustMemdb(err)
		if snap == nil {
			return nil, true
		}
		return holds(w.live(t, snap)), true
	}
	return nil, false
}

var (
	_ engine.DB     = (*DB)(nil)
	_ engine.Reader = (*reader)(nil)
	_ engine.Writer = (*writer)(nil)
)
