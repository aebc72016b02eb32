package pg

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// writer is a write transaction (READ COMMITTED). Its undo log is
// PostgreSQL's: a Mark is a savepoint, Rollback a ROLLBACK TO SAVEPOINT
// and Settle a RELEASE SAVEPOINT, each sent with the next statement.
//
// A Mark's Rows counts the row writes since the log was last settled, as
// the memory engine's undo log does: marks at the same count share one
// savepoint, since nothing between them needs undoing. A savepoint is
// only created when a statement follows its mark (reads too: a failed
// read aborts a PostgreSQL transaction until a rollback to a savepoint).
type writer struct {
	reads
	// saves are the savepoints open, oldest first: save i is named
	// memrel_<i> and taken when pos was saves[i].
	saves []int
	pos   int  // row writes since the log was settled
	mark  bool // a Mark at pos wants a savepoint before the next statement
	// aborted is the error of the statement that left the PostgreSQL
	// transaction aborted, until a rollback to a savepoint clears it.
	aborted error
	// drawn is, per table, the last value this transaction drew from its
	// sequence (see Fresh), and seen the highest value the sequence is
	// known to have reached (see Advance).
	drawn, seen []int64
	cache       cache
	// log are the row writes since the log was settled, as sent (or to
	// be), and logAt the log's length when each save was taken: what a
	// failed set-based statement is replayed from, row by row, to name
	// the row the database refused. Past maxLog entries the log stops
	// (logFull) and so do set-based statements, until it is settled.
	log     []entry
	logAt   []int
	logFull bool
	// gens counts, per table, the writes queued: a read held back keeps
	// its rows only if none came between (see PrefetchLater).
	gens []int
}

// maxLog bounds the row writes a writer logs for replay.
const maxLog = 1 << 16

func newWriter(db *DB, s *session) *writer {
	n := len(db.schema.Tables)
	w := &writer{reads: reads{db: db, s: s}, drawn: make([]int64, n), seen: make([]int64, n),
		cache: cache{below: db.below}, gens: make([]int, n)}
	w.reads.run = w.run
	s.group = w.coalesce
	return w
}

// run sends one statement, after the savepoint a mark wants and the
// row writes held back; it raises the failure of any of them.
func (w *writer) run(sql string, args []any, each func(pgx.Rows) error) {
	if err := w.try(sql, args, each); err != nil {
		engine.Fail(err)
	}
}

// try is run returning the error instead: memrel's error for a row write
// the database refused, or the statement's.
func (w *writer) try(sql string, args []any, each func(pgx.Rows) error) error {
	if w.aborted != nil {
		return w.abortedError()
	}
	if sql != "" {
		w.save()
	}
	if err := w.s.query(sql, args, each); err != nil {
		return w.failed(err)
	}
	return nil
}

func (w *writer) abortedError() error {
	return fmt.Errorf("memrel: pg: the transaction was aborted by an earlier failure: %w", w.aborted)
}

// save queues the savepoint a mark wants, before the statement about to
// be queued or sent.
func (w *writer) save() {
	if w.mark {
		w.mark = false
		w.saves = append(w.saves, w.pos)
		w.logAt = append(w.logAt, len(w.log))
		w.s.pending = append(w.s.pending, entry{sql: "SAVEPOINT " + saveName(len(w.saves)-1), save: len(w.saves)})
	}
}

// failed records that a statement failed, leaving the PostgreSQL
// transaction aborted, and returns the call's error for it: for a row
// write, memrel's error for the constraint the database enforced.
func (w *writer) failed(err error) error {
	var pe *pendingError
	if errors.As(err, &pe) && pe.group != nil {
		return w.replay(pe)
	}
	if pe != nil && pe.changed {
		// Nothing aborted: the call's rollback undoes what ran.
		err = w.changed(pe.e)
		w.aborted = err
		return err
	}
	w.aborted, w.s.aborted = err, true
	if pe == nil {
		return statementError(err)
	}
	if pe.lost >= 0 {
		w.lose(pe.lost)
	}
	e := pe.e
	if e.t == nil {
		return statementError(pe.err)
	}
	var kid any
	if a := w.db.restricting(pe.err, e.t, e.op); a != nil {
		kid = w.firstKid(a, e.before)
	}
	return w.db.translate(pe.err, e.t, e.op, e.before, e.after, kid)
}

// lose forgets the saves from i on, whose SAVEPOINTs never ran.
func (w *writer) lose(i int) {
	w.saves, w.logAt = w.saves[:i], w.logAt[:i]
}

// replay names the row of a set-based statement that failed (pe.group):
// back to the last save that ran, the log's writes since are sent again
// one statement each, up to the group's last, and the first refused is
// the call's error. Should none be refused now (the conflict is gone),
// the writes after the group did not run: the call fails with ErrRetry.
func (w *writer) replay(pe *pendingError) error {
	if pe.lost >= 0 {
		w.lose(pe.lost)
	}
	i := len(w.saves) - 1
	last := pe.group[len(pe.group)-1].seq
	w.aborted = pe.err
	if i < 0 || w.logFull || last >= len(w.log) || w.logAt[i] > last {
		// Nothing to replay from (cannot be: a call saves before its
		// first write): the group's first row stands for it.
		w.s.aborted = !pe.changed
		e := pe.group[0]
		return w.db.translate(pe.err, e.t, e.op, e.before, e.after, nil)
	}
	w.s.aborted = true // the ROLLBACK TO goes on its own first (see flush)
	w.s.pending = append(w.s.pending[:0], entry{sql: "ROLLBACK TO SAVEPOINT " + saveName(i)})
	w.s.pending = append(w.s.pending, w.log[w.logAt[i]:last+1]...)
	w.log = w.log[:w.logAt[i]]
	w.pos, w.mark, w.aborted = w.saves[i], false, nil
	w.forget()
	group := w.s.group
	w.s.group = nil
	err := w.s.query("", nil, nil)
	w.s.group = group
	if err != nil {
		return w.failed(err)
	}
	err = &retryError{pe.err}
	w.aborted = err
	return err
}

// changed is the error of e, a write that changed fewer rows than it
// must: the NotFoundError the rules would have met a moment later when
// another client deleted (or re-keyed) its one row since the rules read
// it, else ErrRetry (the row is there, but not as read).
func (w *writer) changed(e entry) error {
	if e.rows == 1 && e.before != nil {
		var kb [32]byte
		t := e.t
		k := t.PKKey(e.before, kb[:0])
		gone := true
		err := w.s.query(w.db.sql.tables[t.Pos].indexes[0].prefix[len(t.Key)], appendValues(nil, t.Key, t.Ptr(e.before)), func(pgx.Rows) error {
			gone = false
			return nil
		})
		if err == nil && gone {
			w.cache.put(t, k, nil)
			return &errs.NotFoundError{Model: t.Name, Key: clone.Value(t.KeyValue(t.Ptr(e.before)))}
		}
	}
	return changedError(e)
}

// maxHeld bounds the row writes held back for one round trip, and so the
// memory a cascade over many rows holds.
const maxHeld = 1024

// write holds back a row write of t (before, after as Put has them) for
// the next round trip, and counts it in the log. A constraint the
// database enforces comes back, when it is sent, as memrel's error for
// it (see failed).
func (w *writer) write(t *meta.Table, op byte, before, after any, sql string, args []any, rows int64) {
	if w.aborted != nil {
		engine.Fail(w.abortedError())
	}
	w.save()
	e := entry{sql: sql, args: args, t: t, op: op, before: before, after: after, rows: rows, seq: len(w.log)}
	if !w.logFull && len(w.saves) > 0 { // without a save there is nothing to replay from (Load)
		if len(w.log) < maxLog {
			w.log = append(w.log, e)
		} else {
			w.logFull = true
		}
	}
	w.s.pending = append(w.s.pending, e)
	w.pos++
	w.stale(t, w.cache.wrote(t, before, after))
	if len(w.s.pending) >= maxHeld {
		w.run("", nil, nil)
	}
}

// Flush implements engine.Writer: the row writes held back go now, in
// one round trip, and the first the database refuses is the error.
func (w *writer) Flush() error {
	for i := range w.s.pending {
		if w.s.pending[i].t != nil {
			return w.try("", nil, nil)
		}
	}
	return nil
}

// firstKid returns the first child, in primary key order, that references
// before through a, for the error of a delete or key change the database
// refused (RESTRICT, or NO ACTION at the statement's end): the rules name
// it, and PostgreSQL does not. To read it the transaction is rolled back
// to its last savepoint first, which the failing call's own rollback
// would do anyway (its mark is at or below it). nil when there is none
// to roll back to, or the read fails.
func (w *writer) firstKid(a *meta.Relation, before any) any {
	n := len(w.saves)
	if n == 0 || before == nil {
		return nil
	}
	w.s.pending = append(w.s.pending, entry{sql: "ROLLBACK TO SAVEPOINT " + saveName(n-1)})
	w.pos, w.mark, w.aborted = w.saves[n-1], false, nil
	w.log = w.log[:w.logAt[n-1]]
	w.forget()
	kt := a.Target
	sql := fmt.Sprintf("SELECT %s FROM %s WHERE %s = $1 ORDER BY %s LIMIT 1",
		columns(kt), quote(kt.Name), quote(a.FK.Name), columnList(kt.Key))
	var kid any
	err := w.try(sql, []any{a.SK.Get(a.Source.Ptr(before))}, func(rows pgx.Rows) error {
		var err error
		kid, err = scanRow(kt, rows)
		return err
	})
	if err != nil {
		return nil
	}
	return kid
}

func saveName(i int) string { return "memrel_" + strconv.Itoa(i) }

// Get implements engine.Reader, from the cache when it knows the row.
func (w *writer) Get(t *meta.Table, k *keys.Arg) any { return w.First(t.Indexes[0], k) }

// First implements engine.Reader.
func (w *writer) First(ix *meta.Index, k *keys.Arg) any {
	t := ix.Table
	byPK := ix == t.Indexes[0]
	if byPK {
		if row, ok := w.cache.get(t, k.Key); ok {
			return row
		}
	}
	row := w.first(ix, k.Key)
	if row != nil {
		var kb [32]byte
		w.cache.put(t, t.PKKey(row, kb[:0]), row)
	}
	return row
}

// Prefix implements engine.Reader.
func (w *writer) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	var key []byte
	if k != nil {
		key = k.Key
	}
	if ix == ix.Table.Indexes[0] && key != nil {
		if row, ok := w.cache.get(ix.Table, key); ok { // a whole key: Indexes[0] is unique
			if row == nil {
				return &iter{}
			}
			return &iter{[]any{row}}
		}
	}
	rows := w.lookup(ix, key)
	w.cache.read(ix.Table, rows)
	return &iter{rows}
}

// All implements engine.Reader.
func (w *writer) All(t *meta.Table) engine.Iterator { return &iter{w.all(t)} }

// Sequence implements engine.Reader.
func (w *writer) Sequence(t *meta.Table) int64 { return w.sequence(t) }

// Done implements engine.Reader: a write transaction ends with Commit or
// Abort.
func (w *writer) Done() {}

// Write operations, for translate.
const (
	opInsert = 'i'
	opUpdate = 'u'
	opDelete = 'd'
)

// Put implements engine.Writer: an INSERT, or an UPDATE of the row keyed
// as before (which may change the key).
func (w *writer) Put(t *meta.Table, before, after any) {
	ts := &w.db.sql.tables[t.Pos]
	args := rowArgs(t, after)
	if err := checkText(t, args); err != nil {
		engine.Fail(err)
	}
	if before == nil {
		w.write(t, opInsert, nil, after, ts.insert, args, -1)
		return
	}
	w.write(t, opUpdate, before, after, ts.update, append(args, rowArgs(t, w.latest(t, before))...), 1)
}

// latest is the row of t keyed as before as this call last read or wrote
// it, which the unchanged condition compares the stored row with: the
// rules may hand Put a version this call has since rewritten (a target
// listed twice), which the database holds since.
func (w *writer) latest(t *meta.Table, before any) any {
	var kb [32]byte
	if cur, ok := w.cache.get(t, t.PKKey(before, kb[:0])); ok && cur != nil {
		return cur
	}
	return before
}

// Delete implements engine.Writer.
func (w *writer) Delete(t *meta.Table, before any) {
	w.write(t, opDelete, before, nil, w.db.sql.tables[t.Pos].delete, rowArgs(t, w.latest(t, before)), 1)
}

// Children implements engine.Writer.
func (w *writer) Children(ix *meta.Index, k *keys.Arg, dst []any, limit int) []any {
	args, n, nulls, err := keyArgs(ix, k.Key)
	if err != nil {
		engine.Fail(err)
	}
	if n < len(ix.Cols) || nulls != 0 {
		engine.Fail(fmt.Errorf("memrel: pg: children of %s wanted by a partial or NULL key", ix.Table.Name))
	}
	is := &w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos]
	sql := is.children
	if limit > 0 {
		sql, args = is.childrenUpTo, append(args, int64(limit))
	}
	n0 := len(dst)
	dst = w.rows(ix.Table, sql, args, dst)
	w.cache.read(ix.Table, dst[n0:])
	return dst
}

// DeleteMatching implements engine.Writer: one DELETE of every row of
// the index holding the key.
func (w *writer) DeleteMatching(ix *meta.Index, k *keys.Arg, rows []any) {
	args, n, nulls, err := keyArgs(ix, k.Key)
	if err != nil {
		engine.Fail(err)
	}
	if n < len(ix.Cols) || nulls != 0 {
		engine.Fail(fmt.Errorf("memrel: pg: children of %s deleted by a partial or NULL key", ix.Table.Name))
	}
	var before any
	if len(rows) > 0 {
		before = rows[0]
	}
	w.write(ix.Table, opDelete, before, nil, w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].deleteBy, args, int64(len(rows)))
	var kb [32]byte
	for _, row := range rows[min(1, len(rows)):] {
		w.cache.put(ix.Table, ix.Table.PKKey(row, kb[:0]), nil)
	}
}

// Draw implements engine.Writer: nextval, which stays drawn whatever
// becomes of the transaction, as in PostgreSQL.
func (w *writer) Draw(t *meta.Table, limit int64) (int64, bool) {
	sql := w.db.sql.tables[t.Pos].nextval
	if sql == "" {
		engine.Fail(fmt.Errorf("memrel: pg: %s has no sequence", t.Name))
	}
	var id int64
	err := w.try(sql, nil, func(rows pgx.Rows) error { return rows.Scan(&id) })
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "2200H" { // sequence_generator_limit_exceeded
		return 0, false // the call fails, and its rollback clears aborted
	}
	if err != nil {
		engine.Fail(err)
	}
	if id > limit {
		return 0, false
	}
	w.drawn[t.Pos], w.seen[t.Pos] = id, max(w.seen[t.Pos], id)
	return id, true
}

// Fresh implements engine.Writer: a value this transaction just drew is
// fresh, as no memrel writer stores a key beyond the sequence without
// moving it (Advance); should another client have, the primary key
// constraint refuses the row, and the error is the same duplicate key.
// Any other key is checked by the rules.
func (w *writer) Fresh(t *meta.Table, id int64) bool {
	fresh := id != 0 && id == w.drawn[t.Pos]
	w.drawn[t.Pos] = 0 // a value is fresh once
	return fresh
}

// Advance implements engine.Writer: setval when id is beyond the
// sequence. Like nextval, it is not undone by a rollback.
func (w *writer) Advance(t *meta.Table, id int64) {
	if id <= w.seen[t.Pos] {
		return
	}
	if sql := w.db.sql.tables[t.Pos].advance; sql != "" {
		w.run(sql, []any{id}, nil)
		w.seen[t.Pos] = id
	}
}

// SetSequence implements engine.Writer.
func (w *writer) SetSequence(t *meta.Table, v int64) {
	if sql := w.db.sql.tables[t.Pos].setval; sql != "" {
		w.run(sql, []any{v}, nil)
		w.seen[t.Pos], w.drawn[t.Pos] = v, 0
	}
}

// Mark implements engine.Writer.
func (w *writer) Mark() engine.Mark {
	if n := len(w.saves); n == 0 || w.saves[n-1] != w.pos {
		w.mark = true
	}
	return engine.Mark{Rows: w.pos}
}

// Rollback implements engine.Writer: a ROLLBACK TO the mark's savepoint,
// which also ends an abort, or, when the savepoint has not been sent yet,
// dropping what was held back after it. Without one no statement ran
// since the mark, and there is nothing to undo.
func (w *writer) Rollback(m engine.Mark) {
	for i := len(w.saves) - 1; i >= 0; i-- {
		if w.saves[i] != m.Rows {
			continue
		}
		w.saves = w.saves[:i+1]
		w.logAt, w.log = w.logAt[:i+1], w.log[:w.logAt[i]]
		w.pos, w.mark, w.aborted = m.Rows, false, nil
		w.forget()
		p := w.s.pending
		for j := range p {
			if p[j].save == i+1 { // not sent: nothing after it ran either
				clear(p[j+1:])
				w.s.pending = p[:j+1]
				return
			}
		}
		// Sent: everything held back came after it.
		clear(p)
		w.s.pending = append(p[:0], entry{sql: "ROLLBACK TO SAVEPOINT " + saveName(i)})
		return
	}
}

// Settle implements engine.Writer: unless keepRows, every savepoint is
// released, and marks count from 0 again. With keepRows (a nested
// transaction is open) every savepoint stays until the outermost nested
// one ends: the engine cannot tell which of them the open units' marks
// still need. A long nested transaction thus holds a savepoint per call,
// which PostgreSQL keeps as a subtransaction (past 64 each costs more).
func (w *writer) Settle(keepRows bool) {
	if keepRows {
		return
	}
	if len(w.saves) > 0 {
		w.s.pending = append(w.s.pending, entry{sql: "RELEASE SAVEPOINT " + saveName(0)})
	}
	w.saves, w.pos, w.mark = w.saves[:0], 0, false
	clear(w.log)
	w.log, w.logAt, w.logFull = w.log[:0], w.logAt[:0], false
	w.forget()
}

// stale drops the prefetched lists a write of t may have changed: t's
// own and, when below (a delete or a key change), those of the tables
// the database's foreign key actions reach.
func (w *writer) stale(t *meta.Table, below bool) {
	w.dropLists(t)
	w.gens[t.Pos]++
	if below {
		for _, p := range w.db.below[t.Pos] {
			w.dropLists(w.db.schema.Tables[p])
			w.gens[p]++
		}
	}
}

// dropLists drops the prefetched lists of t's indexes.
func (w *writer) dropLists(t *meta.Table) {
	for _, ix := range t.Indexes {
		w.pre.drop(w.db.slot(ix))
	}
}

// forget drops the rows the call read or wrote, once it is over or
// undone.
func (w *writer) forget() {
	w.cache.clear()
	w.pre.clear()
}

// PrefetchLater implements engine.Prefetcher: Prefetch, held back to go
// with the call's next statement (the lookup of the call's source, say),
// so that it costs no round trip of its own. Should a write to the
// table be queued before it is sent, its rows are not kept: they would
// be older than the write.
func (w *writer) PrefetchLater(ix *meta.Index, keys [][]byte) {
	if w.aborted != nil {
		return
	}
	sql, params, want, ok := w.prefetchQuery(ix, keys, &w.pre)
	if !ok {
		return
	}
	t, gen := ix.Table, w.gens[ix.Table.Pos]
	var rows []any
	w.save()
	w.s.pending = append(w.s.pending, entry{sql: sql, args: params,
		read: func(r pgx.Rows) error {
			row, err := scanRow(t, r)
			rows = append(rows, row)
			return err
		},
		done: func() {
			if w.gens[t.Pos] == gen { // no write to t came between
				w.keep(ix, want, rows, &w.pre)
				w.cache.read(t, rows)
			}
		}})
}

// Prefetch implements engine.Prefetcher: one SELECT … = ANY($1) for every
// key, whose rows answer the lookups of those keys until the transaction
// writes or the call ends (see cache).
func (w *writer) Prefetch(ix *meta.Index, keys [][]byte) []any {
	if w.pre.n+len(keys) > maxCached {
		w.pre.clear()
	}
	rows := w.prefetch(ix, keys, &w.pre)
	w.cache.read(ix.Table, rows)
	return rows
}

// Commit implements engine.Writer; it fails when a statement left the
// transaction aborted with no rollback since.
func (w *writer) Commit() error {
	if w.aborted == nil {
		if err := w.Flush(); err != nil { // writes made outside a call (Load)
			_ = w.s.end("ROLLBACK")
			return err
		}
	}
	if w.aborted != nil {
		_ = w.s.end("ROLLBACK")
		return fmt.Errorf("memrel: pg: commit of a transaction a failure aborted: %w", w.aborted)
	}
	return w.s.end("COMMIT")
}

// Abort implements engine.Writer.
func (w *writer) Abort() {
	w.s.drop()
	_ = w.s.end("ROLLBACK")
}

var (
	_ engine.DB     = (*DB)(nil)
	_ engine.Reader = (*reader)(nil)
	_ engine.Writer = (*writer)(nil)
)
