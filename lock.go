package memrel

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// writeLock serialises a store's write transactions in front of go-memdb's
// writer mutex, which a waiter cannot abandon: a writer waiting here gives
// up when its context ends or the store closes. Only a holder of this lock
// takes go-memdb's, which is therefore always free when asked for.
//
// Taking a free lock allocates nothing; a writer that must wait allocates
// its place in the queue. The lock is handed to waiters in arrival order.
// Its zero value is a free, open lock, so a Store needs no allocation for
// it.
type writeLock struct {
	mu     sync.Mutex
	held   bool
	closed bool
	queue  []*lockWaiter
}

// lockWaiter is a writer waiting for the lock. ready is closed when the
// lock is handed to it (granted) or the store closes (not granted).
type lockWaiter struct {
	ready   chan struct{}
	granted bool
}

// lockWrite takes the write lock, waiting until ctx ends:
// then it returns an error wrapping ErrTxWait and ctx's error. On a closed
// store it returns ErrClosed.
func (s *Store) lockWrite(ctx context.Context) error {
	l := &s.lock
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	if !l.held {
		l.held = true
		l.mu.Unlock()
		return nil
	}
	w := &lockWaiter{ready: make(chan struct{})}
	l.queue = append(l.queue, w)
	l.mu.Unlock()
	select {
	case <-w.ready:
		if !w.granted {
			return ErrClosed
		}
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	select {
	case <-w.ready: // handed over, or closed, as ctx ended
		l.mu.Unlock()
		if w.granted {
			s.unlock()
		}
	default:
		l.queue = slices.DeleteFunc(l.queue, func(q *lockWaiter) bool { return q == w })
		l.mu.Unlock()
	}
	return waitErr(ctx)
}

// handOn hands the held lock to the longest waiter, or frees it; l.mu is
// held.
func (l *writeLock) handOn() {
	if len(l.queue) == 0 {
		l.held = false
		return
	}
	w := l.queue[0]
	l.queue[0] = nil
	l.queue = l.queue[1:]
	w.granted = true
	close(w.ready)
}

// unlock ends a write transaction's hold of the write lock, handing it
// to the next writer. On a closed store it drops the store's rows instead
// (see Close). The write state the transaction leaves for the next one
// was handed on while it held the lock (see rel.Txn.End).
func (s *Store) unlock() {
	l := &s.lock
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		l.held = false
		s.free()
		return
	}
	l.handOn()
}

// waitErr is the error of a transaction that could not begin because ctx
// ended.
func waitErr(ctx context.Context) error {
	return fmt.Errorf("%w: %w", ErrTxWait, ctx.Err())
}
