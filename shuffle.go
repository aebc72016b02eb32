package memrel

import "github.com/memrel/memrel/internal/rel"

// WithShuffle makes every read that gives no Order return its rows in a
// random order drawn from seed, instead of primary key order: FindAll
// and FindOne (which then finds any matching row), association Get of
// hasMany and belongsToMany, and the lists of includes (a hasOne or
// belongsTo include keeps its one row). PostgreSQL promises no order
// without ORDER BY, and with LIMIT no particular rows, so code that
// forgets Order works on memrel and fails in production; a test store
// with WithShuffle fails it in tests. The order depends only on the seed
// and the rows' keys, so a failure reproduces with the same seed; a Limit
// then picks the first rows of that order, and the read walks every
// match. Reads with an Order are untouched (ties still go by ascending
// primary key), as are counts and aggregates. A fork keeps its origin's
// seed unless given its own. Meant for tests: it costs a hash per row
// and a sort per read.
func WithShuffle(seed uint64) StoreOption {
	return StoreOption{apply: func(d *rel.DB) { d.Shuffle = &rel.Shuffler{Seed: seed} }}
}
