package memrel

import (
	"errors"
	"fmt"
)

// Fork returns a new store that starts from this store's committed state
// and is independent from then on: writes to either are never seen by the
// other. It costs the same small, constant time whatever the store holds
// (a million rows fork as fast as none), because the two share the
// store's immutable trees rather than copying them; only what either
// writes afterwards is new memory. Auto-increment sequences carry over,
// so the fork draws the ids the origin would have drawn next.
//
// Fork is safe while other goroutines use the store, writers included:
// the fork holds the last commit that finished before the call, never a
// transaction under way. A test suite can load its fixtures once and
// fork a store per test. The fork keeps the store's options; opts change
// them for the fork (a clock, or a shuffle seed, of its own). On a nil or
// zero Store it returns an error wrapping ErrWrongStore, on a closed one
// ErrClosed.
func (s *Store) Fork(opts ...StoreOption) (*Store, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	d := s.db.Load()
	if d == nil {
		return nil, ErrClosed
	}
	f, ok := d.Fork()
	if !ok {
		return nil, fmt.Errorf("memrel: the store's engine cannot fork: %w", errors.ErrUnsupported)
	}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(f)
		}
	}
	return s.schema.store(f), nil
}
