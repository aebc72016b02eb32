package memdb

import (
	"fmt"

	"github.com/memrel/memrel/internal/keys"
)

// Func appends the key of obj to buf. It reports false when obj has no key
// in this index (for example a NULL in a unique index, which PostgreSQL
// never treats as a duplicate).
type Func func(obj any, buf []byte) ([]byte, bool)

// Indexer adapts a Func to go-memdb's SingleIndexer and PrefixIndexer
// interfaces. Lookups pass one argument: a key already encoded by this
// package, so go-memdb never reflects over a value.
type Indexer struct {
	Key Func
	// Size is the capacity a key starts with: its length plus that of the
	// primary key go-memdb appends in non-unique indexes, when both are
	// fixed; 0 for 32. go-memdb keeps the slice in its tree, so an exact
	// size is memory saved on every stored row.
	Size int
}

// FromObject implements go-memdb's SingleIndexer.
func (ix Indexer) FromObject(obj any) (bool, []byte, error) {
	size := ix.Size
	if size == 0 {
		size = 32
	}
	key, ok := ix.Key(obj, make([]byte, 0, size))
	return ok, key, nil
}

// FromArgs implements go-memdb's Indexer: the single argument is the
// encoded key.
func (ix Indexer) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("memrel: index lookup wants one encoded key, got %d arguments", len(args))
	}
	var key []byte
	var ok bool
	switch a := args[0].(type) {
	case *keys.Arg:
		if a != nil {
			key, ok = a.Key, true
		}
	case []byte:
		key, ok = a, true
	}
	if !ok {
		return nil, fmt.Errorf("memrel: index lookup wants an encoded key, got %T", args[0])
	}
	return key, nil
}

// PrefixFromArgs implements go-memdb's PrefixIndexer; encoded keys are
// prefix-free, so an exact key is also the prefix of its composite entries.
// It also takes the encoded key as a string: go-memdb's DeletePrefix passes
// its prefix that way, and deletes the entries under those very bytes.
func (ix Indexer) PrefixFromArgs(args ...any) ([]byte, error) {
	if len(args) == 1 {
		if s, ok := args[0].(string); ok {
			return []byte(s), nil
		}
	}
	return ix.FromArgs(args...)
}
