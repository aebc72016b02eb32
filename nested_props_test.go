package memrel_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// nestProp is the model of TestTxn_Update_Property: the tags a write
// transaction sees, by name, with their color ("" for none).
type nestProp struct {
	db    *stDB
	tags  map[string]string
	steps int
}

var errNestProp = errors.New("nested transaction fails on purpose")

// body draws and runs steps on tx until it draws the end of its unit,
// checking the store against the model after each. Units open further
// units through Txn.Update or UpdateContext, which end in success, an
// error or a panic; a unit that fails must leave the model as it found it.
func (m *nestProp) body(t *rapid.T, tx *memrel.Txn, depth int) error {
	for {
		if m.steps++; m.steps > 60 {
			return nil
		}
		name := rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(t, "name")
		switch rapid.SampledFrom([]string{"create", "color", "destroy", "nest", "end"}).Draw(t, "op") {
		case "create":
			_, err := m.db.tags.Create(tx, fixture.ColumnTag{Name: name})
			_, had := m.tags[name]
			if had {
				var uerr *memrel.UniqueConstraintError
				require.ErrorAs(t, err, &uerr)
			} else {
				require.NoError(t, err)
				m.tags[name] = ""
			}
		case "color":
			color := rapid.SampledFrom([]string{"red", "blue"}).Draw(t, "color")
			_, err := m.db.tags.Update(tx, fixture.ColumnTag{Name: name, Color: &color})
			if _, had := m.tags[name]; had {
				require.NoError(t, err)
				m.tags[name] = color
			} else {
				require.ErrorIs(t, err, memrel.ErrNotFound)
			}
		case "destroy":
			err := m.db.tags.DestroyKey(tx, name)
			if _, had := m.tags[name]; had {
				require.NoError(t, err)
				delete(m.tags, name)
			} else {
				require.ErrorIs(t, err, memrel.ErrNotFound)
			}
		case "nest":
			if depth >= 6 {
				continue
			}
			before := maps.Clone(m.tags)
			ending := rapid.SampledFrom([]string{"ok", "error", "panic"}).Draw(t, "ending")
			viaCtx := rapid.Bool().Draw(t, "viaContext")
			unit := func(tx *memrel.Txn) error {
				if err := m.body(t, tx, depth+1); err != nil {
					return err
				}
				switch ending {
				case "error":
					return errNestProp
				case "panic":
					panic(errNestProp)
				}
				return nil
			}
			run := func() error {
				if viaCtx {
					return m.db.UpdateContext(tx.Context(), unit)
				}
				return tx.Update(unit)
			}
			if ending == "panic" {
				func() {
					defer func() {
						if p := recover(); p != errNestProp {
							panic(p) // rapid's own, or a failure: not the unit's
						}
					}()
					_ = run()
				}()
			} else {
				err := run()
				if ending == "error" {
					require.ErrorIs(t, err, errNestProp)
				} else {
					require.NoError(t, err)
				}
			}
			if ending != "ok" {
				m.tags = before
			}
		case "end":
			return nil
		}
		m.check(t, tx)
	}
}

// check requires tx to see exactly the model's tags.
func (m *nestProp) check(t *rapid.T, tx *memrel.Txn) {
	tags, err := m.db.tags.FindAll(tx, nil)
	require.NoError(t, err)
	got := map[string]string{}
	for _, tg := range tags {
		got[tg.Name] = ""
		if tg.Color != nil {
			got[tg.Name] = *tg.Color
		}
	}
	require.Equal(t, m.tags, got, "names %v", slices.Sorted(maps.Keys(got)))
}

// Nested transactions of any depth, ending in success, an error or a
// panic, through Txn.Update or UpdateContext, against a plain map: each
// failed unit undoes exactly its own work, and the outer transaction
// commits what is left.
func TestTxn_Update_Property(tt *testing.T) {
	rapid.Check(tt, func(t *rapid.T) {
		m := &nestProp{db: stSetup(tt), tags: map[string]string{}}
		require.NoError(t, m.db.Update(func(tx *memrel.Txn) error { return m.body(t, tx, 0) }))
		require.NoError(t, m.db.View(func(tx *memrel.Txn) error { m.check(t, tx); return nil }))
	})
}
