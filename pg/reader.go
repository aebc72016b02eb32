package pg

import (
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
)

// reads are the Reader calls as SQL, on a session; reader and writer
// wrap them, each with its own failure handling (see run).
type reads struct {
	db *DB
	s  *session
	// run runs one statement: it raises the engine's Failure when the
	// statement fails.
	run func(sql string, args []any, each func(pgx.Rows) error)
	// pre are the rows Prefetch read, which answer lookups of their keys.
	pre prefetched
}

// rows runs sql and returns the rows of t it selects.
func (r *reads) rows(t *meta.Table, sql string, args []any, dst []any) []any {
	r.run(sql, args, func(rows pgx.Rows) error {
		row, err := scanRow(t, rows)
		if err != nil {
			return err
		}
		dst = append(dst, row)
		return nil
	})
	return dst
}

// lookup returns the rows of ix whose leading columns hold key (nil:
// every row of ix), in key then primary key order.
func (r *reads) lookup(ix *meta.Index, key []byte) []any {
	if rows, ok := r.pre.get(r.db.slot(ix), key); ok {
		return rows
	}
	args, n, nulls, err := keyArgs(ix, key)
	if err != nil {
		engine.Fail(err)
	}
	sql := r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].prefix[n]
	if nulls != 0 {
		sql = lookupSQL(ix, n, nulls)
	}
	return r.rows(ix.Table, sql, args, nil)
}

// first is the one row of the unique index ix holding key, or nil.
func (r *reads) first(ix *meta.Index, key []byte) any {
	if rows := r.lookup(ix, key); len(rows) > 0 {
		return rows[0]
	}
	return nil
}

func (r *reads) all(t *meta.Table) []any {
	return r.rows(t, r.db.sql.tables[t.Pos].all, nil, nil)
}

// sequence is the last value t's sequence gave (0: none yet, or no
// sequence).
func (r *reads) sequence(t *meta.Table) int64 {
	sql := r.db.sql.tables[t.Pos].lastval
	if sql == "" {
		return 0
	}
	var v int64
	r.run(sql, nil, func(rows pgx.Rows) error { return rows.Scan(&v) })
	return v
}

// iter iterates over rows read already.
type iter struct {
	rows []any
}

func (it *iter) Next() any {
	if len(it.rows) == 0 {
		return nil
	}
	row := it.rows[0]
	it.rows = it.rows[1:]
	return row
}

// reader is a read transaction: REPEATABLE READ READ ONLY, so every read
// sees the snapshot of its first statement. Its calls may come from
// several goroutines at once: they take turns on its connection.
type reader struct {
	mu sync.Mutex
	reads
}

// newReader begins a read transaction on a connection of db's pool.
func newReader(db *DB, s *session) *reader {
	r := &reader{reads: reads{db: db, s: s}}
	r.reads.run = func(sql string, args []any, each func(pgx.Rows) error) {
		if err := s.query(sql, args, each); err != nil {
			// The transaction is aborted now: no later read can run.
			if s.broken == nil {
				s.broken = fmt.Errorf("memrel: pg: the read transaction failed earlier: %w", err)
			}
			engine.Fail(statementError(err))
		}
	}
	return r
}

// Get implements engine.Reader.
func (r *reader) Get(t *meta.Table, k *keys.Arg) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first(t.Indexes[0], k.Key)
}

// First implements engine.Reader.
func (r *reader) First(ix *meta.Index, k *keys.Arg) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first(ix, k.Key)
}

// Prefix implements engine.Reader: the rows of a whole key of a
// non-unique index, or all of an index that can page (see orderedSQL), a
// page at a time (see pager); any other's at once.
func (r *reader) Prefix(ix *meta.Index, k *keys.Arg) engine.Iterator {
	r.mu.Lock()
	defer r.mu.Unlock()
	var key []byte
	if k != nil {
		key = k.Key
	}
	if key == nil {
		if o := &r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].ordered; o.fromPages != nil {
			return r.pages(ix.Table, &o.fromPages[0], nil)
		}
	}
	if !ix.Unique && key != nil {
		if _, ok := r.pre.get(r.db.slot(ix), key); !ok {
			args, n, nulls, err := keyArgs(ix, key)
			if err != nil {
				engine.Fail(err)
			}
			if n == len(ix.Cols) && nulls == 0 {
				return r.pages(ix.Table, &r.db.sql.tables[ix.Table.Pos].indexes[ix.Pos].pages, args)
			}
		}
	}
	return &iter{r.lookup(ix, key)}
}

// pages starts a paged read of t by sql with args.
func (r *reader) pages(t *meta.Table, sql *pageSQL, args []any) *pager {
	return &pager{r: r, t: t, sql: sql, args: args, size: firstPage}
}

// All implements engine.Reader: every row a page at a time (see pager).
func (r *reader) All(t *meta.Table) engine.Iterator {
	return r.pages(t, &r.db.sql.tables[t.Pos].pages, nil)
}

// Sequence implements engine.Reader.
func (r *reader) Sequence(t *meta.Table) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sequence(t)
}

// Prefetch implements engine.Prefetcher: one SELECT … = ANY($1) for every
// key, whose rows answer the lookups of those keys until the transaction
// ends (a read transaction sees one snapshot), or until it has read
// maxCached keys' worth, when it starts again.
func (r *reader) Prefetch(ix *meta.Index, keys [][]byte) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pre.n+len(keys) > maxCached {
		r.pre.clear()
	}
	return r.prefetch(ix, keys, &r.pre)
}

// PrefetchLater implements engine.Prefetcher: Prefetch, held back to go
// with the transaction's next statement.
func (r *reader) PrefetchLater(ix *meta.Index, keys [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.s.broken != nil {
		return
	}
	sql, params, want, ok := r.prefetchQuery(ix, keys, &r.pre)
	if !ok {
		return
	}
	t := ix.Table
	var rows []any
	r.s.pending = append(r.s.pending, entry{sql: sql, args: params,
		read: func(rs pgx.Rows) error {
			row, err := scanRow(t, rs)
			rows = append(rows, row)
			return err
		},
		done: func() { r.keep(ix, want, rows, &r.pre) }})
}

// Done implements engine.Reader: it ends the transaction and hands the
// connection back; later calls fail. It may run while reads do, and more
// than once.
func (r *reader) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	_ = r.s.end("COMMIT")
}

var (
	_ engine.Prefetcher = (*reader)(nil)
	_ engine.Prefetcher = (*writer)(nil)
)
