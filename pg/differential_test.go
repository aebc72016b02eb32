package pg

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The differential machine: one random sequence of calls, run on the
// memory engine and on PostgreSQL side by side, on the blog
// (differential_blog_test.go) and on the strict schema
// (differential_strict_test.go). After every step both gave the same
// results and the same errors (type and message), and both stores'
// tables (memreltest.Dump: every row of every model) are equal. The props machines compare each engine
// with a model; this compares the engines with each other directly, on
// calls the model does not know (UpdateAll, DestroyAll, DestroyPrevious,
// includes, several calls in one transaction rolled back or not).
//
// Every created row is given its key: PostgreSQL keeps the key a failed
// create drew (pg's doc: What differs), which would shift every later
// drawn key between the engines; the props machines cover drawn keys.
//
// Run longer with -rapid.checks=N.

const (
	// diffKeys bounds the keys drawn, so that calls meet the same rows.
	diffKeys = 6
	// diffChecks is the default number of checks: a check is two empty
	// stores and about 30 steps: some seconds for 100 on PostgreSQL.
	diffChecks = "100"
)

// diffCall is one call, run on the models m of the schema under test; it
// returns what the call returned (compared as JSON) and its error.
type diffCall[M any] struct {
	name string
	run  func(m M, tx *memrel.Txn) (any, error)
}

// diffOutcome is a call's result as compared: the JSON of its value and
// its error's type and message.
func diffOutcome(v any, err error) string {
	if err != nil {
		return fmt.Sprintf("error %T: %v", err, err)
	}
	j, jerr := json.Marshal(v)
	if jerr != nil {
		return "unmarshalable: " + jerr.Error()
	}
	return string(j)
}

// diffAssoc is a hasMany's Set, Add and Remove by the source's key.
type diffAssoc struct {
	set    func(tx *memrel.Txn, src any, keys []any, o *memrel.SetOptions) error
	add    func(tx *memrel.Txn, src any, keys []any) error
	remove func(tx *memrel.Txn, src any, keys []any, o *memrel.RemoveOptions) error
}

// diffAssocOf is h's diffAssoc, the source instance of a key made by inst.
func diffAssocOf[P, C any](h *memrel.HasMany[P, C], inst func(any) P) diffAssoc {
	return diffAssoc{
		set: func(tx *memrel.Txn, k any, ks []any, o *memrel.SetOptions) error {
			return h.SetKeys(tx, inst(k), ks, o)
		},
		add: func(tx *memrel.Txn, k any, ks []any) error { return h.AddKeys(tx, inst(k), ks...) },
		remove: func(tx *memrel.Txn, k any, ks []any, o *memrel.RemoveOptions) error {
			return h.RemoveKeys(tx, inst(k), ks, o)
		},
	}
}

// errDiffRollback rolls a step's transaction back.
var errDiffRollback = errors.New("roll back")

// diffMachine runs the differential machine on schema s, whose models
// are m: each check opens an empty store of s on each engine, seeds both
// with seed (nil: none) and runs steps of calls drawn by draw.
func diffMachine[M any](t *testing.T, s *memrel.Schema, m M, seed func(tx *memrel.Txn) error, draw func(*rapid.T) diffCall[M]) {
	boundChecks(t, diffChecks)
	o := newPGOpener(t)
	steps, calls := 0, 0 // for the log: how much ran, and how it failed
	failed := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		mem, err := s.Open()
		require.NoError(rt, err)
		defer func() { _ = mem.Close() }()
		pgs := o.open(rt, s)
		defer func() { _ = pgs.Close() }()
		stores := []*memrel.Store{mem, pgs}
		for _, db := range stores {
			if seed != nil {
				require.NoError(rt, db.Update(seed))
			}
		}
		rt.Repeat(map[string]func(*rapid.T){
			// A step is one transaction of one to three calls, committed
			// or rolled back, the same on both engines.
			"Step": func(rt *rapid.T) {
				drawn := rapid.SliceOfN(rapid.Custom(draw), 1, 3).Draw(rt, "calls")
				rollback := rapid.IntRange(0, 4).Draw(rt, "rollback") == 0
				var got [2][]string
				var ends [2]error
				steps++
				for i, db := range stores {
					ends[i] = db.Update(func(tx *memrel.Txn) error {
						for _, c := range drawn {
							v, err := c.run(m, tx)
							got[i] = append(got[i], c.name+": "+diffOutcome(v, err))
							if i == 0 {
								calls++
								if err != nil {
									failed[fmt.Sprintf("%T", err)]++
								}
							}
						}
						if rollback {
							return errDiffRollback
						}
						return nil
					})
				}
				require.Equal(rt, got[0], got[1], "the calls' results on PostgreSQL, after the memory engine's")
				require.Equal(rt, ends[0], ends[1], "the transaction's end")
			},
			// After every step, the tables are the same.
			"": func(rt *rapid.T) {
				want, err := memreltest.Dump(mem)
				require.NoError(rt, err)
				have, err := memreltest.Dump(pgs)
				require.NoError(rt, err)
				require.Equal(rt, want, have, "the tables on PostgreSQL, after the memory engine's")
			},
		})
	})
	t.Logf("%d steps, %d calls on each engine; failing the same way on both: %v", steps, calls, failed)
}

func TestDifferential_Blog_SameResultsSameTables(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	diffMachine(t, b.Schema, b, nil, diffDrawBlog)
}
