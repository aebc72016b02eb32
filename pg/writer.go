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
	unordered
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
}

func newWriter(db *DB, s *session) *writer {
	n := len(db.schema.Tables)
	w := &writer{reads: reads{db: db, s: s}, drawn: make([]int64, n), seen: make([]int64, n)}
	w.reads.run = w.run
	return w
}

// run sends one statement, after the savepoint a mark wants; it raises
// the failure of a statement, remembering that PostgreSQL aborted the
// transaction.
func (w *writer) run(sql string, args []any, each func(pgx.Rows) error) {
	if err := w.try(sql, args, each); err != nil {
		engine.Fail(statementError(err))
	}
}

// try is run returning the error instead.
func (w *writer) try(sql string, args []any, each func(pgx.Rows) error) error {
	if w.aborted != nil {
		return fmt.Errorf("memrel: pg: the transaction was aborted by an earlier failure: %w", w.aborted)
	}
	if w.mark {
		w.mark = false
		w.saves = append(w.saves, w.pos)
		w.s.pending = append(w.s.pending, "SAVEPOINT "+saveName(len(w.saves)-1))
	}
	err := w.s.query(sql, args, each)
	if err != nil {
		w.aborted, w.s.aborted = err, true
	}
	return err
}

// write runs a row write of t (before, after as Put has them) and counts
// it in the log; a constraint the database enforced comes back as
// memrel's error for it.
func (w *writer) write(t *meta.Table, op byte, before, after any, sql string, args []any) {
	w.writeRows(t, op, before, after, sql, args, nil)
}

// writeStored is write of a statement on the one stored row before keys,
// which answers a row per row written (RETURNING). Under READ COMMITTED
// it finds none when another client deleted or re-keyed the row since
// the rules read it: the call then fails with the *memrel.NotFoundError
// it would have met a moment later, instead of going on with a row that
// is not there.
func (w *writer) writeStored(t *meta.Table, op byte, before, after any, sql string, args []any) {
	n := 0
	w.writeRows(t, op, before, after, sql, args, &n)
	if n == 0 {
		engine.Fail(&errs.NotFoundError{Model: t.Name, Key: clone.Value(t.KeyValue(t.Ptr(before)))})
	}
}

// writeRows is write, counting in *n (unless n is nil) the rows the
// statement returns.
func (w *writer) writeRows(t *meta.Table, op byte, before, after any, sql string, args []any, n *int) {
	var each func(pgx.Rows) error
	if n != nil {
		each = func(pgx.Rows) error { *n++; return nil }
	}
	if err := w.try(sql, args, each); err != nil {
		var kid any
		if a := w.db.restricting(err, t, op); a != nil {
			kid = w.firstKid(a, before)
		}
		engine.Fail(w.db.translate(err, t, op, before, after, kid))
	}
	w.pos++
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
	w.s.pending = append(w.s.pending, "ROLLBACK TO SAVEPOINT "+saveName(n-1))
	w.pos, w.mark, w.aborted = w.saves[n-1], false, nil
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

// Get implements engine.Reader.
func (w *writer) Get(t *meta.Table, k *keys.Arg) any { return w.first(t.Indexes[0], k.Key) }

// First implements engine.Reader.
func (w *writer) First(ix *meta.Index, k *keys.Arg) any { return w.first(ix, k.Key) }

// Prefix implements engine.Reader.
func (w *writer) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	var key []byte
	if k != nil {
		key = k.Key
	}
	return &iter{w.lookup(ix, key)}
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
	if before == nil {
		w.write(t, opInsert, nil, after, ts.insert, rowArgs(t, after))
		return
	}
	w.writeStored(t, opUpdate, before, after, ts.update, append(rowArgs(t, after), pkArgs(t, before)...))
}

// Delete implements engine.Writer.
func (w *writer) Delete(t *meta.Table, before any) {
	w.writeStored(t, opDelete, before, nil, w.db.sql.tables[t.Pos].delete, pkArgs(t, before))
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
	var lim any // NULL: no limit
	if limit > 0 {
		lim = int64(limit)
	}
	return w.rows(ix.Table, w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].children, append(args, lim), dst)
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
	w.write(ix.Table, opDelete, before, nil, w.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].deleteBy, args)
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
		engine.Fail(statementError(err))
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
// which also ends an abort. Without one no statement ran since the mark,
// and there is nothing to undo.
func (w *writer) Rollback(m engine.Mark) {
	for i := len(w.saves) - 1; i >= 0; i-- {
		if w.saves[i] == m.Rows {
			w.s.pending = append(w.s.pending, "ROLLBACK TO SAVEPOINT "+saveName(i))
			w.saves = w.saves[:i+1]
			w.pos, w.mark, w.aborted = m.Rows, false, nil
			return
		}
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
		w.s.pending = append(w.s.pending, "RELEASE SAVEPOINT "+saveName(0))
	}
	w.saves, w.pos, w.mark = w.saves[:0], 0, false
}

// Commit implements engine.Writer; it fails when a statement left the
// transaction aborted with no rollback since.
func (w *writer) Commit() error {
	if w.aborted != nil {
		_ = w.s.end("ROLLBACK")
		return fmt.Errorf("memrel: pg: commit of a transaction a failure aborted: %w", w.aborted)
	}
	return w.s.end("COMMIT")
}

// Abort implements engine.Writer.
func (w *writer) Abort() { _ = w.s.end("ROLLBACK") }

var (
	_ engine.DB     = (*DB)(nil)
	_ engine.Reader = (*reader)(nil)
	_ engine.Writer = (*writer)(nil)
)
