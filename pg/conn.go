package pg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/memrel/memrel/internal/meta"
)

// session is one engine transaction's PostgreSQL connection and the
// statements not sent yet: control statements (BEGIN, SAVEPOINT, RELEASE,
// ROLLBACK TO) and a writer's row writes, which go with the next
// statement that returns rows, in one round trip (a pgx batch), so that a
// savepoint or a BEGIN costs no round trip of its own and a call's writes
// cost one between them.
type session struct {
	ctx  context.Context
	conn *pgxpool.Conn
	// pending are the statements the next statement sends first; begun
	// says BEGIN went, so the connection holds a transaction.
	pending []entry
	begun   bool
	// aborted says a statement failed: until the pending ROLLBACK TO has
	// run, PostgreSQL refuses to prepare a statement, so the pending
	// control statements go first, on their own (see flush).
	aborted bool
	// group, when set, sends runs of row writes as one statement each
	// (see writer.coalesce).
	group func([]entry) []stmt
	// broken is why the transaction cannot go on (a control statement
	// failed, the connection was lost): every later statement fails with
	// it.
	broken error
}

// open acquires a connection of pool for a transaction begun by begin.
func open(ctx context.Context, pool *pgxpool.Pool, begin string) (*session, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("memrel: pg: acquire a connection: %w", err)
	}
	return &session{ctx: ctx, conn: conn, pending: []entry{{sql: begin}}}, nil
}

// entry is a statement held back for the next round trip: a control
// statement, or a row write, which names its table and rows so that its
// failure can be reported as memrel's error for it (see writer.failed).
type entry struct {
	sql  string
	args []any
	// save is i+1 for the SAVEPOINT of the writer's save i, else 0.
	save int
	// t is the table of a row write (nil: a control statement), op its
	// kind and before, after the rows as Put and Delete have them.
	t             *meta.Table
	op            byte
	before, after any
	// rows is how many rows the write must change, or -1: an UPDATE or
	// DELETE under writer's unchanged condition changes fewer when
	// another client changed its rows since the rules read them.
	rows int64
	// seq is a row write's place in its writer's log (see writer.log).
	seq int
	// read, for a read held back (see writer.PrefetchLater), takes the
	// rows it returns when it is sent; such a read has no t.
	read func(pgx.Rows) error
	done func() // after read took every row
}

// pendingError is the failure of the pending entry at, which was sent
// with a later statement: the entries before it ran, the later ones did
// not.
type pendingError struct {
	at  int
	e   entry
	err error
	// lost is the first writer save whose SAVEPOINT came after the
	// failed entry, and so never ran (-1: none).
	lost int
	// changed says the entry ran but changed fewer rows than it must:
	// the PostgreSQL transaction is not aborted, and every later entry
	// ran.
	changed bool
	// group are the entries sent as one statement with e, e first, when
	// there were several (see coalesce): which of them failed is not
	// known.
	group []entry
}

func (e *pendingError) Error() string { return e.err.Error() }
func (e *pendingError) Unwrap() error { return e.err }

// query runs sql with args, sending the pending statements first, and
// calls each for every row it returns (nil: none expected); sql "" sends
// the pending statements alone. A failed pending statement is a
// *pendingError, whose entries are gone from pending, as are the ones
// after it (they did not run); a failed control statement also breaks
// the session.
func (s *session) query(sql string, args []any, each func(pgx.Rows) error) error {
	if s.broken != nil {
		return s.broken
	}
	if s.conn == nil {
		return errEnded
	}
	if s.aborted {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if len(s.pending) == 0 {
		if sql == "" {
			return nil
		}
		rows, err := s.conn.Query(s.ctx, sql, args...)
		if err != nil {
			return err
		}
		return readRows(rows, each)
	}
	stmts := s.statements()
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.sql, st.args...)
	}
	if sql != "" {
		b.Queue(sql, args...)
	}
	br := s.conn.SendBatch(s.ctx, b)
	for _, st := range stmts {
		e := &s.pending[st.from]
		if e.read != nil {
			rows, err := br.Query()
			if err == nil {
				if err = readRows(rows, e.read); err == nil {
					e.done()
				}
			}
			if err != nil {
				_ = br.Close()
				failed := &pendingError{at: st.from, e: *e, err: err, lost: -1}
				for _, later := range s.pending[st.to:] {
					if later.save > 0 {
						failed.lost = later.save - 1
						break
					}
				}
				s.drop()
				return failed
			}
			continue
		}
		tag, err := br.Exec()
		if err == nil && st.rows >= 0 && tag.RowsAffected() != st.rows {
			_ = br.Close()
			failed := &pendingError{at: st.from, e: *e, err: errChanged, lost: -1, changed: true}
			if st.to-st.from > 1 {
				failed.group = slices.Clone(s.pending[st.from:st.to])
			}
			s.drop()
			return failed
		}
		if err != nil {
			_ = br.Close()
			failed := &pendingError{at: st.from, e: *e, err: err, lost: -1}
			if st.to-st.from > 1 {
				failed.group = slices.Clone(s.pending[st.from:st.to])
			}
			for _, later := range s.pending[st.to:] {
				if later.save > 0 {
					failed.lost = later.save - 1
					break
				}
			}
			if e.t == nil {
				s.broken = fmt.Errorf("memrel: pg: %s: %w", e.sql, err)
				failed.err = s.broken
			}
			s.drop()
			return failed
		}
		if e.sql[0] == 'B' { // BEGIN
			s.begun = true
		}
	}
	s.drop()
	var err error
	if sql != "" {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			err = readRows(rows, each)
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// stmt is one statement of a round trip: the pending entries from:to,
// sent as sql with args, which must change rows rows (-1: any).
type stmt struct {
	from, to int
	sql      string
	args     []any
	rows     int64
}

// statements are the pending entries as the statements to send: one
// each, or runs of them as one where group makes them so.
func (s *session) statements() []stmt {
	if s.group != nil {
		return s.group(s.pending)
	}
	out := make([]stmt, len(s.pending))
	for i, e := range s.pending {
		out[i] = single(i, e)
	}
	return out
}

// single is entry e, pending entry i, as a statement of its own.
func single(i int, e entry) stmt {
	rows := e.rows
	if e.t == nil {
		rows = -1
	}
	return stmt{from: i, to: i + 1, sql: e.sql, args: e.args, rows: rows}
}

// drop empties pending, letting go of the rows it held.
func (s *session) drop() {
	clear(s.pending)
	s.pending = s.pending[:0]
}

// flush sends the control statements leading pending (a ROLLBACK TO,
// which ends an abort) in one simple query: a round trip of their own, on
// the path that recovers from a failure only. PostgreSQL refuses to
// prepare a statement in an aborted transaction, as a batch would.
func (s *session) flush() error {
	n := 0
	for n < len(s.pending) && s.pending[n].t == nil && s.pending[n].read == nil {
		n++
	}
	if n == 0 {
		return nil
	}
	texts := make([]string, n)
	for i := range texts {
		texts[i] = s.pending[i].sql
	}
	all := strings.Join(texts, "; ")
	if _, err := s.conn.Exec(s.ctx, all); err != nil {
		s.broken = fmt.Errorf("memrel: pg: %s: %w", all, err)
		return s.broken
	}
	if texts[0][0] == 'B' {
		s.begun = true
	}
	s.pending = append(s.pending[:0], s.pending[n:]...)
	s.aborted = false
	return nil
}

// readRows calls each for every row of rows and closes them.
func readRows(rows pgx.Rows, each func(pgx.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if each == nil {
			continue
		}
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// end sends the pending control statements and last (COMMIT or ROLLBACK),
// when a transaction was begun or is to be, and releases the connection.
// A COMMIT that PostgreSQL answers by rolling back (the transaction was
// aborted) is an error. The statements run under ctx's values even when
// it is done, bounded then by a short timeout, so that the connection
// goes back to the pool clean; one that still holds a transaction is
// closed by the pool instead.
func (s *session) end(last string) error {
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	defer conn.Release()
	if !s.begun && (len(s.pending) == 0 || len(s.pending) == 1 && s.pending[0].sql[0] == 'B') {
		return nil // nothing was sent: no transaction to end
	}
	ctx := s.ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	if last != "COMMIT" || s.broken != nil {
		_, err := conn.Exec(ctx, "ROLLBACK")
		if s.broken != nil && last == "COMMIT" {
			return s.broken
		}
		return err
	}
	if s.aborted {
		s.ctx = ctx
		s.conn = conn
		err := s.flush()
		s.conn = nil
		if err != nil {
			_, _ = conn.Exec(ctx, "ROLLBACK")
			return err
		}
	}
	b := &pgx.Batch{}
	s.pending = slices.DeleteFunc(s.pending, func(c entry) bool { return c.read != nil }) // unanswered: no one waits for them
	for _, c := range s.pending {
		if c.t != nil {
			panic("memrel: pg: a transaction ended with row writes not sent") // the writer flushes first
		}
		b.Queue(c.sql)
	}
	b.Queue(last)
	br := conn.SendBatch(ctx, b)
	var err error
	for _, c := range s.pending {
		if _, err = br.Exec(); err != nil {
			err = fmt.Errorf("memrel: pg: %s: %w", c.sql, err)
			break
		}
	}
	if err == nil {
		var tag pgconn.CommandTag
		if tag, err = br.Exec(); err == nil && tag.String() != "COMMIT" {
			err = errRolledBack
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil && conn.Conn().PgConn().TxStatus() != 'I' {
		_, _ = conn.Exec(ctx, "ROLLBACK")
	}
	return err
}

var (
	// errChanged is the failure of a write whose row another client
	// changed or deleted since the rules read it.
	errChanged    = errors.New("changed by another client since this call read it")
	errEnded      = errors.New("memrel: pg: the transaction has ended")
	errRolledBack = errors.New("memrel: pg: the transaction was aborted by a failed statement, and rolled back instead of committed")
)
