package memrel

import (
	"time"

	"github.com/memrel/memrel/internal/rel"
)

// StoreOption is an option of [Schema.Open], [Schema.Load] and
// [Store.Fork]: [WithClock], [WithShuffle], and Load's [DropMissing].
type StoreOption struct {
	apply func(*rel.DB) // nil for an option only Load reads
	// dropMissing is DropMissing: Load skips what the schema dropped.
	dropMissing bool
}

// WithClock makes the store read the time from now instead of the wall
// clock (time.Now().UTC()): the instant every timestamp a write call sets
// (see [Timestamps]). It is read once per write call that stamps a row, on
// the writer's goroutine. A fork keeps its origin's clock. Tests pass a
// fake clock to get deterministic timestamps.
func WithClock(now func() time.Time) StoreOption {
	return StoreOption{apply: func(d *rel.DB) { d.Clock = now }}
}
