package memrel_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// evModel is a DefineAny model of the property test: an "id" key and its
// columns, with rows as a plain map from id.
type evModel struct {
	name string
	cols []memrel.Column // without the key
	rows map[int64]memrel.Row
}

var evTypes = []memrel.ColumnType{memrel.TypeInt, memrel.TypeString, memrel.TypeBool, memrel.TypeFloat}

// evTypeName is the type a SchemaDifference spells for a DefineAny
// column.
func evTypeName(c memrel.Column) string {
	s := map[memrel.ColumnType]string{memrel.TypeInt: "int64", memrel.TypeString: "string",
		memrel.TypeBool: "bool", memrel.TypeFloat: "float64"}[c.Type]
	if c.Nullable {
		s += " NULL"
	}
	return s
}

func evValue(t *rapid.T, c memrel.Column, label string) any {
	if c.Nullable && rapid.Bool().Draw(t, label+" null") {
		return nil
	}
	switch c.Type {
	case memrel.TypeInt:
		return rapid.Int64().Draw(t, label)
	case memrel.TypeString:
		return rapid.StringN(0, 6, -1).Draw(t, label)
	case memrel.TypeBool:
		return rapid.Bool().Draw(t, label)
	}
	return rapid.Float64Range(-1e6, 1e6).Draw(t, label)
}

func evDefine(models []evModel) (*memrel.Schema, []*memrel.AnyModel) {
	s := memrel.NewSchema()
	out := make([]*memrel.AnyModel, len(models))
	for i, m := range models {
		cols := append([]memrel.Column{{Name: "id", Type: memrel.TypeInt, PK: true, AutoInc: true}}, m.cols...)
		out[i] = memrel.DefineAny(s, m.name, cols)
	}
	return s, out
}

func evColumn(t *rapid.T, name string) memrel.Column {
	return memrel.Column{Name: name, Type: rapid.SampledFrom(evTypes).Draw(t, name+" type"),
		Nullable: rapid.Bool().Draw(t, name+" nullable")}
}

// TestProps_Snapshot_SchemaEvolution: a snapshot of a random schema with
// random rows, loaded into a random evolution of it (added nullable
// columns and models, reordered, dropped and retyped columns, dropped
// models, with and without DropMissing), either loads every row mapped
// by name (kept columns equal, added ones NULL, dropped ones gone) or is
// refused with exactly the differences the evolution made.
func TestProps_Snapshot_SchemaEvolution(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var old []evModel
		for i := range rapid.IntRange(1, 3).Draw(t, "models") {
			m := evModel{name: fmt.Sprintf("M%d", i), rows: map[int64]memrel.Row{}}
			for j := range rapid.IntRange(1, 4).Draw(t, "columns") {
				m.cols = append(m.cols, evColumn(t, fmt.Sprintf("c%d", j)))
			}
			old = append(old, m)
		}
		s, models := evDefine(old)
		db, err := s.Open()
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *memrel.Txn) error {
			for i, m := range old {
				for range rapid.IntRange(0, 4).Draw(t, "rows") {
					r := memrel.Row{}
					for _, c := range m.cols {
						r[c.Name] = evValue(t, c, m.name+"."+c.Name)
					}
					got, err := models[i].Create(tx, r)
					require.NoError(t, err)
					m.rows[got["id"].(int64)] = got
				}
			}
			return nil
		}))
		var buf bytes.Buffer
		require.NoError(t, db.Save(&buf))
		require.NoError(t, db.Close())

		// Evolve a deep copy, noting what Load must report.
		next := make([]evModel, len(old))
		for i, m := range old {
			next[i] = evModel{name: m.name, cols: slices.Clone(m.cols)}
		}
		drop := rapid.Bool().Draw(t, "DropMissing")
		var want []memrel.SchemaDifference
		retyped := map[[2]string]memrel.SchemaDifference{}
		var droppedModels []string
		for k := range rapid.IntRange(0, 4).Draw(t, "evolutions") {
			if len(next) == 0 {
				break
			}
			i := rapid.IntRange(0, len(next)-1).Draw(t, "model")
			m := &next[i]
			switch rapid.IntRange(0, 5).Draw(t, "evolution") {
			case 0: // add a nullable column
				c := evColumn(t, fmt.Sprintf("n%d", k))
				c.Nullable = true
				m.cols = append(m.cols, c)
			case 1: // add a model
				next = append(next, evModel{name: fmt.Sprintf("A%d", k), cols: []memrel.Column{evColumn(t, "a")}})
			case 2: // reorder the columns
				m.cols = rapid.Permutation(m.cols).Draw(t, "order")
			case 3: // drop a column (a model keeps one)
				if len(m.cols) < 2 {
					continue
				}
				j := rapid.IntRange(0, len(m.cols)-1).Draw(t, "column")
				c := m.cols[j]
				m.cols = slices.Delete(m.cols, j, j+1)
				delete(retyped, [2]string{m.name, c.Name}) // a dropped column's type is no difference
				if oc, ok := evOldColumn(old, m.name, c.Name); ok && !drop {
					want = append(want, memrel.SchemaDifference{Kind: memrel.ColumnDropped, Model: m.name, Column: c.Name, Old: evTypeName(oc)})
				}
			case 4: // change a column's type
				j := rapid.IntRange(0, len(m.cols)-1).Draw(t, "column")
				c := &m.cols[j]
				c.Type = evTypes[(slices.Index(evTypes, c.Type)+rapid.IntRange(1, len(evTypes)-1).Draw(t, "to"))%len(evTypes)]
				if oc, ok := evOldColumn(old, m.name, c.Name); ok {
					key := [2]string{m.name, c.Name}
					if oc.Type == c.Type {
						delete(retyped, key)
					} else {
						retyped[key] = memrel.SchemaDifference{Kind: memrel.TypeChanged, Model: m.name, Column: c.Name,
							Old: evTypeName(oc), New: evTypeName(*c)}
					}
				}
			case 5: // drop a model
				if len(next) < 2 {
					continue
				}
				if _, ok := evOldModel(old, m.name); ok {
					droppedModels = append(droppedModels, m.name)
					for _, c := range m.cols {
						delete(retyped, [2]string{m.name, c.Name})
					}
					// Only the model is reported, not its dropped columns.
					want = slices.DeleteFunc(want, func(d memrel.SchemaDifference) bool { return d.Model == m.name })
				}
				next = slices.Delete(next, i, i+1)
			}
		}
		for _, d := range retyped {
			want = append(want, d)
		}
		if !drop {
			for _, n := range droppedModels {
				want = append(want, memrel.SchemaDifference{Kind: memrel.ModelDropped, Model: n, Old: "model"})
			}
		}

		s2, models2 := evDefine(next)
		got, err := s2.Load(&buf, evOptions(drop)...)
		if len(want) > 0 {
			var me *memrel.SchemaMismatchError
			require.ErrorAs(t, err, &me)
			require.ElementsMatch(t, want, me.Differences)
			return
		}
		require.NoError(t, err)
		defer got.Close()
		require.NoError(t, got.View(func(tx *memrel.Txn) error {
			for i, m := range next {
				rows, err := models2[i].FindAll(tx, nil)
				require.NoError(t, err)
				om, ok := evOldModel(old, m.name)
				if !ok {
					require.Empty(t, rows, "an added model loads empty")
					continue
				}
				require.Len(t, rows, len(om.rows))
				for _, r := range rows {
					o := om.rows[r["id"].(int64)]
					require.NotNil(t, o, "row %v of %s", r["id"], m.name)
					want := memrel.Row{"id": r["id"]}
					for _, c := range m.cols {
						want[c.Name] = o[c.Name] // kept: equal; added: NULL (absent is nil)
					}
					require.Equal(t, want, r)
				}
			}
			return nil
		}))
	})
}

func evOptions(drop bool) []memrel.StoreOption {
	if drop {
		return []memrel.StoreOption{memrel.DropMissing()}
	}
	return nil
}

func evOldModel(old []evModel, name string) (evModel, bool) {
	for _, m := range old {
		if m.name == name {
			return m, true
		}
	}
	return evModel{}, false
}

func evOldColumn(old []evModel, model, col string) (memrel.Column, bool) {
	m, ok := evOldModel(old, model)
	if !ok {
		return memrel.Column{}, false
	}
	for _, c := range m.cols {
		if c.Name == col {
			return c, true
		}
	}
	return memrel.Column{}, false
}
