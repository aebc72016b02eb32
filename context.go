package memrel

import "context"

// txCtx is the context of a transaction: the context it was begun with,
// carrying the transaction itself, so that a function handed ctx can join
// it (see UpdateContext). done caches the parent's Done channel: nil for a
// context that never ends, so a call on such a transaction checks it with
// one comparison.
type txCtx struct {
	context.Context
	tx   *Txn
	done <-chan struct{}
}

// txKey is the context key under which a txCtx carries its transaction.
type txKey struct{}

// Value returns the transaction for txKey, and asks the parent otherwise.
func (c *txCtx) Value(key any) any {
	if key == (txKey{}) {
		return c.tx
	}
	return c.Context.Value(key)
}

// check fails a call (using model) on tx when its context has ended,
// rolling a write transaction back first: the call and every later one
// fail with ErrTxDone and the context's error. A call on a write
// transaction must have entered (see enter); a read transaction's calls
// may run at once on several goroutines, and it has nothing to roll back.
func (c *txCtx) check(tx *Txn, model string) error {
	if c.done == nil {
		return nil
	}
	select {
	case <-c.done:
		if tx.write {
			tx.rollback()
		} else {
			tx.done.Store(true)
		}
		return tx.doneErr(model)
	default:
		return nil
	}
}

// Context returns the transaction's context: the one it was begun with,
// for a transaction from BeginContext, UpdateContext or ViewContext, and
// context.Background() otherwise, in both cases carrying the transaction.
// Hand it to the functions the transaction calls: UpdateContext and
// ViewContext given it (or a context derived from it) run inside this
// transaction instead of beginning another. On a nil Txn it returns
// context.Background().
//
// For a transaction begun without a context, each call returns a new
// context; the transaction does not end with it.
func (tx *Txn) Context() context.Context {
	if tx == nil {
		return context.Background()
	}
	if tx.cx != nil {
		return tx.cx
	}
	return &txCtx{Context: context.Background(), tx: tx}
}

// carried returns the live transaction of s that ctx carries, or nil. A
// ctx carrying a nested transaction that has ended carries the nearest
// live one it was begun in, whose context ctx derives from.
func (s *Store) carried(ctx context.Context) *Txn {
	tx, _ := ctx.Value(txKey{}).(*Txn)
	for tx != nil && tx.done.Load() && tx.nested() {
		tx = tx.chain.parent
	}
	if tx == nil || tx.store != s || tx.done.Load() {
		return nil
	}
	return tx
}

// mustCtx refuses a nil context, as the standard library does.
func mustCtx(ctx context.Context) {
	if ctx == nil {
		panic("memrel: nil Context")
	}
}

// BeginContext is [Store.Begin] with a context, which the transaction
// carries (see [Txn.Context]). A writer that has to wait for the write
// lock gives up when ctx ends, with an error wrapping ErrTxWait and ctx's
// error; a ctx that has already ended begins nothing either. Once begun,
// the transaction is rolled back by its first call after ctx ends, which
// fails, as every later call does, Commit included, with ErrTxDone and
// ctx's error. memrel starts no goroutine to watch ctx: a transaction
// notices its end at its next call.
//
// When ctx carries a live write transaction of s (it is, or derives from,
// that transaction's Context), BeginContext waits for nothing: it begins
// a nested transaction in it, as a savepoint does in SQL, so that code
// which begins its own transaction from the context it is given can run
// inside its caller's. The nested transaction is a Txn of its own, used
// like any other (its Context carries it, so a BeginContext given that
// begins a deeper one); [Txn.Commit] releases its writes into the
// transaction it was begun in, which goes on, and [Txn.Abort] undoes
// exactly its writes; a nested transaction whose ctx ends is undone
// alone. While it is open, the transaction it was begun in is suspended:
// a call on that one panics, and nested transactions end innermost first
// (see Commit and Abort for what ending them out of order does). With
// write false, the nested transaction is a read-only view of the write
// transaction instead: it sees that transaction's writes so far,
// uncommitted ones included, its writes fail with ErrReadOnly, and
// Commit and Abort just end it. A nested write transaction in a read-only
// view fails with ErrReadOnly. A ctx carrying a read transaction, or a
// transaction of another store, is no reason to nest: BeginContext then
// begins a transaction of its own. A ctx carrying a nested transaction
// that has ended carries the one it was begun in.
//
// On error the returned Txn is nil, which is a done transaction. It
// returns an error wrapping ErrWrongStore on a nil or zero Store,
// ErrClosed on a closed one, and panics on a nil ctx.
func (s *Store) BeginContext(ctx context.Context, write bool) (*Txn, error) {
	mustCtx(ctx)
	if err := s.check(); err != nil {
		return nil, err
	}
	if outer := s.carried(ctx); outer != nil && outer.write {
		return outer.beginNested(ctx, write)
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return nil, waitErr(ctx)
		default:
		}
	}
	tx, err := s.begin(ctx, write)
	if err != nil {
		return nil, err
	}
	tx.cx = &txCtx{Context: ctx, tx: tx, done: done}
	return tx, nil
}

// UpdateContext is [Store.Update] with a context, which the transaction
// carries and fn gets from [Txn.Context]: a writer waiting for the write
// lock gives up when ctx ends (ErrTxWait, see BeginContext), and a
// transaction whose ctx ends while fn runs is rolled back by its next call
// and fails. fn's error, when it returns one, is returned as it is.
//
// When ctx carries a live write transaction of s (it is, or derives from,
// that transaction's Context), UpdateContext waits for nothing: it runs fn
// as a nested transaction of that one, as [Txn.Update] does, so that
// service code which opens a transaction can call other code which opens
// one. fn then gets the outer transaction, whose Context is the outer
// one's; ctx itself is checked when the nested transaction begins
// (ErrTxWait if it has ended) and when fn returns nil (if it has ended
// then, fn's writes are undone and its error returned). A ctx carrying a transaction of another store, or a read
// transaction, is no reason to nest: UpdateContext then begins a
// transaction of its own.
func (s *Store) UpdateContext(ctx context.Context, fn func(tx *Txn) error) error {
	mustCtx(ctx)
	if err := s.check(); err != nil {
		return err
	}
	if outer := s.carried(ctx); outer != nil && outer.write {
		return outer.nest(ctx, fn)
	}
	tx, err := s.BeginContext(ctx, true)
	if err != nil {
		return err
	}
	return tx.run(fn)
}

// ViewContext is [Store.View] with a context, which the transaction
// carries: a ctx that has already ended begins nothing (ErrTxWait), and a
// call on the transaction after ctx ends fails with ErrTxDone and ctx's
// error.
//
// When ctx carries a live transaction of s, fn runs on that transaction
// instead of a new one: through a read transaction it sees the same
// snapshot, and through a write transaction it sees that transaction's
// writes so far, uncommitted ones included, while every write fails with
// ErrReadOnly until fn returns (a write transaction is then used by one
// goroutine at a time, as always). A ctx carrying a transaction of
// another store is ignored.
func (s *Store) ViewContext(ctx context.Context, fn func(tx *Txn) error) error {
	mustCtx(ctx)
	if err := s.check(); err != nil {
		return err
	}
	if outer := s.carried(ctx); outer != nil {
		if outer.write {
			return outer.readOnly(fn)
		}
		return fn(outer)
	}
	tx, err := s.BeginContext(ctx, false)
	if err != nil {
		return err
	}
	return tx.run(fn)
}
