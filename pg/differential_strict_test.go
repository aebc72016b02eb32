package pg

import (
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"pgregory.net/rapid"
)

// The differential machine's calls on the strict schema (fixture.Strict),
// seeded as the bad-input catalogue seeds it: unique columns, NOT NULL
// pointers and foreign keys, RESTRICT on delete and on update, a string
// primary key, a []byte source key, scopes on a string, a float32 and a
// []byte column, and SET NULL into a NOT NULL foreign key.

// strictHasMany is each of the strict schema's associations, by name.
func strictHasMany(m *fixture.StrictModels, name string) diffAssoc {
	switch name {
	case "Comments":
		return diffAssocOf(m.Comments, func(k any) fixture.StrictPost { return fixture.StrictPost{ID: k.(int64)} })
	case "Books":
		return diffAssocOf(m.Books, func(k any) fixture.StrictAuthor { return fixture.StrictAuthor{ID: k.(int64)} })
	case "Reviews":
		return diffAssocOf(m.Reviews, func(k any) fixture.StrictBook { return fixture.StrictBook{ID: k.(int64)} })
	case "Notes":
		return diffAssocOf(m.Notes, func(k any) fixture.StrictTag { return fixture.StrictTag{Code: k.(string)} })
	}
	return diffAssocOf(m.Parts, func(k any) fixture.StrictDoc { return fixture.StrictDoc{ID: k.(int64)} })
}

// diffDrawStrict draws one call on the strict schema.
func diffDrawStrict(t *rapid.T) diffCall[*fixture.StrictModels] {
	key := func(label string) int64 { return rapid.Int64Range(1, diffKeys).Draw(t, label) }
	pick := func(label string, vs ...any) any { return rapid.SampledFrom(vs).Draw(t, label) }
	opt := func(label string, v any) any {
		if rapid.IntRange(0, 3).Draw(t, label+"Null") == 0 {
			return nil
		}
		return v
	}
	tags := []any{"go", "db", "x"}
	docs := []any{[]byte("d1"), []byte("d2"), []byte("d3")}
	// rows draws a row of each model, key included (a Tag's is its code).
	rows := map[string]func() memrel.Row{
		"Post": func() memrel.Row {
			return memrel.Row{"id": key("id"), "slug": pick("slug", "a", "b", "c", "d"), "title": pick("title", "A", "B"),
				"rank": opt("rank", pick("rankValue", int64(1), int64(5)))}
		},
		"Comment": func() memrel.Row {
			return memrel.Row{"id": key("id"), "postId": pick("postId", int64(0), key("post")), "body": opt("body", "text")}
		},
		"Author": func() memrel.Row { return memrel.Row{"id": key("id"), "name": pick("name", "ann", "bob", "cy")} },
		"Book": func() memrel.Row {
			return memrel.Row{"id": key("id"), "authorId": opt("authorId", key("author")), "title": pick("title", "t", "u")}
		},
		"Review": func() memrel.Row {
			return memrel.Row{"id": key("id"), "bookId": key("book"), "stars": pick("stars", int8(1), int8(5))}
		},
		"Tag": func() memrel.Row { return memrel.Row{"code": pick("code", tags...), "label": pick("label", "L", "M")} },
		"Note": func() memrel.Row {
			return memrel.Row{"id": key("id"), "tagCode": opt("tagCode", pick("tag", tags...)), "kind": pick("kind", "tag", "other"), "text": "n"}
		},
		"Doc": func() memrel.Row { return memrel.Row{"id": key("id"), "code": pick("code", docs...)} },
		"Part": func() memrel.Row {
			return memrel.Row{"id": key("id"), "docCode": pick("docCode", docs...), "weight": pick("weight", float32(0.1), float32(2)),
				"kind": pick("kind", []byte("k"), []byte("j")), "body": opt("body", "p")}
		},
	}
	table := rapid.SampledFrom([]string{"Post", "Comment", "Author", "Book", "Review", "Tag", "Note", "Doc", "Part"}).Draw(t, "table")
	keyOf := func() any {
		if table == "Tag" {
			return pick("code", tags...)
		}
		return key("key")
	}
	model := func(m *fixture.StrictModels) *memrel.AnyModel {
		for _, am := range m.Schema.Models() {
			if am.Name() == table {
				return am
			}
		}
		panic(table)
	}
	switch op := rapid.SampledFrom([]string{"Create", "Create", "Patch", "Rekey", "DestroyKey", "Set", "Add", "Remove", "FindAll"}).Draw(t, "op"); op {
	case "Create":
		r := rows[table]()
		return diffCall[*fixture.StrictModels]{fmt.Sprintf("%s Create %v", table, r), func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
			return model(m).Create(tx, r)
		}}
	case "Patch":
		k, r := keyOf(), rows[table]()
		col := rapid.SampledFrom(strictColumns(table)).Draw(t, "column")
		set := memrel.Row{col: r[col]}
		return diffCall[*fixture.StrictModels]{fmt.Sprintf("%s Patch %v %v", table, k, set), func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
			return model(m).Patch(tx, k, set)
		}}
	case "Rekey":
		k, nw := keyOf(), keyOf()
		pk := "id"
		if table == "Tag" {
			pk = "code"
		}
		return diffCall[*fixture.StrictModels]{fmt.Sprintf("%s re-key %v -> %v", table, k, nw), func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
			return model(m).Patch(tx, k, memrel.Row{pk: nw})
		}}
	case "DestroyKey":
		k := keyOf()
		return diffCall[*fixture.StrictModels]{fmt.Sprintf("%s DestroyKey %v", table, k), func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
			return nil, model(m).DestroyKey(tx, k)
		}}
	case "Set", "Add", "Remove":
		assoc := rapid.SampledFrom([]string{"Comments", "Books", "Reviews", "Notes", "Parts"}).Draw(t, "assoc")
		var src any = key("src")
		if assoc == "Notes" {
			src = pick("src", tags...)
		}
		ks := rapid.SliceOfN(rapid.Int64Range(1, diffKeys), 0, 3).Draw(t, "targets")
		targets := make([]any, len(ks))
		for i, k := range ks {
			targets[i] = k
		}
		destroy := rapid.Bool().Draw(t, "destroy")
		return diffCall[*fixture.StrictModels]{fmt.Sprintf("%s.%s(%v, %v, destroy %v)", assoc, op, src, targets, destroy),
			func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
				a := strictHasMany(m, assoc)
				switch op {
				case "Set":
					return nil, a.set(tx, src, targets, &memrel.SetOptions{DestroyPrevious: destroy})
				case "Add":
					return nil, a.add(tx, src, targets)
				}
				return nil, a.remove(tx, src, targets, &memrel.RemoveOptions{Destroy: destroy})
			}}
	}
	// FindAll: every source with its children.
	return diffCall[*fixture.StrictModels]{"FindAll with includes", func(m *fixture.StrictModels, tx *memrel.Txn) (any, error) {
		var out []any
		for _, read := range []func() (any, error){
			func() (any, error) {
				return m.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: m.Comments}}})
			},
			func() (any, error) {
				return m.Author.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: m.Books,
					Include: []memrel.Include{{Assoc: m.Reviews}}}}})
			},
			func() (any, error) {
				return m.Tag.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: m.Notes}}})
			},
			func() (any, error) {
				return m.Doc.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: m.Parts}}})
			},
		} {
			v, err := read()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}}
}

// strictColumns are the columns a Patch of table may set, its key aside.
func strictColumns(table string) []string {
	return map[string][]string{
		"Post": {"slug", "title", "rank"}, "Comment": {"postId", "body"}, "Author": {"name"},
		"Book": {"authorId", "title"}, "Review": {"bookId", "stars"}, "Tag": {"label"},
		"Note": {"tagCode", "kind"}, "Doc": {"code"}, "Part": {"docCode", "weight", "kind", "body"},
	}[table]
}

func TestDifferential_Strict_SameResultsSameTables(t *testing.T) {
	m := fixture.Strict(t)
	diffMachine(t, m.Schema, m, func(tx *memrel.Txn) error { return m.Seed(tx, 2) }, diffDrawStrict)
}
