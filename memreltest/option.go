package memreltest

import (
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/memrel/memrel"
)

// ShuffleEnv names the environment variable that makes every store the
// kit makes shuffle its reads without an Order ([Shuffled]): a number is
// the seed to use (the one a failure reported, to reproduce it), any
// other value a random seed per store.
const ShuffleEnv = "MEMRELTEST_SHUFFLE"

// An Option shapes a store the kit makes: a [Fixture], or [Shuffled].
type Option interface {
	apply(c *config)
}

// config is what a list of Options asks for.
type config struct {
	fixtures []Fixture
	shuffle  bool
}

// configure collects opts.
func configure(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// Shuffled makes the store return the rows of reads without an Order in
// a random order ([memrel.WithShuffle]), as PostgreSQL may, so that code
// that forgets Order fails here rather than in production. Each store
// draws its own seed, which a failing test reports with the command to
// reproduce it.
func Shuffled() Option { return shuffled{} }

type shuffled struct{}

func (shuffled) apply(c *config) { c.shuffle = true }

// shuffleSeed is the seed for a new store: whether to shuffle (asked for,
// or ShuffleEnv set) and with which seed.
func (c config) shuffleSeed() (uint64, bool) {
	env := os.Getenv(ShuffleEnv)
	if n, err := strconv.ParseUint(env, 10, 64); err == nil {
		return n, true
	}
	if c.shuffle || env != "" {
		return rand.Uint64(), true
	}
	return 0, false
}

// storeOptions are the memrel options for a new store, and the seed it
// shuffles with (nil: none).
func (c config) storeOptions() ([]memrel.StoreOption, *uint64) {
	seed, ok := c.shuffleSeed()
	if !ok {
		return nil, nil
	}
	return []memrel.StoreOption{memrel.WithShuffle(seed)}, &seed
}
