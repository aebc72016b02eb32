package props

import (
	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Option changes how a machine runs on an engine: what it may tolerate
// of an engine's documented differences from the memory engine, never
// what it checks of the rows.
type Option func(*options)

// SequenceFunc returns the last value the auto-increment sequence of
// db's model gave (0: none yet), and false when the model has none.
type SequenceFunc func(db *memrel.Store, model string) (int64, bool)

// SequenceGaps says the engine's sequences may run ahead of the model's:
// a create that fails after drawing its key keeps the draw, as
// PostgreSQL's nextval does, where the memory engine takes it back. Before
// each write step the machine reads every sequence with seq, requires it
// to be at least the model's (so an explicit key must still have moved
// it, and a sequence going back still fails) and takes it over, so the
// model predicts the key the engine will draw next.
func SequenceGaps(seq SequenceFunc) Option {
	return func(o *options) { o.seq = seq }
}

// options are the Options a machine was given.
type options struct {
	seq SequenceFunc // nil: the store's sequences are the model's
}

func newOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// syncSequences takes db's sequences of tables over into the model's seq,
// with SequenceGaps; without, it does nothing.
func (o options) syncSequences(t *rapid.T, db *memrel.Store, tables []string, seq map[string]int64) {
	t.Helper()
	if o.seq == nil {
		return
	}
	for _, name := range tables {
		v, ok := o.seq(db, name)
		if !ok {
			continue
		}
		require.GreaterOrEqual(t, v, seq[name], "%s: the store's sequence is behind the model's", name)
		seq[name] = v
	}
}
