package pg

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// session is one engine transaction's PostgreSQL connection and the
// control statements (BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO) not sent
// yet: they go with the next statement, in one round trip (a pgx batch),
// so a savepoint or a BEGIN costs no round trip of its own.
type session struct {
	ctx  context.Context
	conn *pgxpool.Conn
	// pending are the control statements the next statement sends first;
	// begun says BEGIN went, so the connection holds a transaction.
	pending []string
	begun   bool
	// aborted says a statement failed: until the pending ROLLBACK TO has
	// run, PostgreSQL refuses to prepare a statement, so the pending
	// control statements go first, on their own (see flush).
	aborted bool
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
	return &session{ctx: ctx, conn: conn, pending: []string{begin}}, nil
}

// query runs sql with args, sending the pending control statements first,
// and calls each for every row it returns (nil: none expected). The
// error of a failed control statement breaks the session.
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
		rows, err := s.conn.Query(s.ctx, sql, args...)
		if err != nil {
			return err
		}
		return readRows(rows, each)
	}
	b := &pgx.Batch{}
	for _, c := range s.pending {
		b.Queue(c)
	}
	b.Queue(sql, args...)
	br := s.conn.SendBatch(s.ctx, b)
	for _, c := range s.pending {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			s.broken = fmt.Errorf("memrel: pg: %s: %w", c, err)
			return s.broken
		}
		if c[0] == 'B' { // BEGIN
			s.begun = true
		}
	}
	s.pending = s.pending[:0]
	rows, err := br.Query()
	if err == nil {
		err = readRows(rows, each)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// flush sends the pending control statements in one simple query: a
// round trip of their own, on the path that recovers from a failure only.
func (s *session) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	if _, err := s.conn.Exec(s.ctx, strings.Join(s.pending, "; ")); err != nil {
		s.broken = fmt.Errorf("memrel: pg: %s: %w", strings.Join(s.pending, "; "), err)
		return s.broken
	}
	if s.pending[0][0] == 'B' {
		s.begun = true
	}
	s.pending, s.aborted = s.pending[:0], false
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
	if !s.begun && (len(s.pending) == 0 || s.pending[0][0] == 'B') {
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
	for _, c := range s.pending {
		b.Queue(c)
	}
	b.Queue(last)
	br := conn.SendBatch(ctx, b)
	var err error
	for _, c := range s.pending {
		if _, err = br.Exec(); err != nil {
			err = fmt.Errorf("memrel: pg: %s: %w", c, err)
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
	errEnded      = errors.New("memrel: pg: the transaction has ended")
	errRolledBack = errors.New("memrel: pg: the transaction was aborted by a failed statement, and rolled back instead of committed")
)
