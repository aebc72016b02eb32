package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Renaming gives every name of a scenario set a prefix, so that a copy of
// the set shares no name with the original: schemas, models, tables,
// fields, association aliases (as, singular, inverse and their names
// Source.as). Values are not renamed. The timestamp fields createdAt,
// updatedAt and deletedAt keep their names, which the store fills.
type Renaming struct {
	Schema, Model, Table, Field, Alias string
}

// DefaultRenaming is the prefixes TestConformance's renamed copy uses.
var DefaultRenaming = Renaming{Schema: "s0x", Model: "M0x", Table: "t0x_", Field: "f0x", Alias: "a0x"}

func (r Renaming) field(f string) string {
	switch f {
	case "createdAt", "updatedAt", "deletedAt":
		return f
	}
	return r.Field + f
}

// assoc renames an association name, Model.alias.
func (r Renaming) assoc(name string) string {
	m, alias, ok := strings.Cut(name, ".")
	if !ok {
		return name
	}
	return r.Model + m + "." + r.Alias + alias
}

// RenameSet writes a renamed copy of the scenario set in dir (with its
// catalogue, found as [CatalogueFor] does) to out: out/schemas.json and
// out/scenarios/*.json. It returns the new scenario directory.
func RenameSet(dir, out string, r Renaming, fallback ...string) (string, error) {
	catPath, err := CatalogueFor(dir, fallback...)
	if err != nil {
		return "", err
	}
	raw, err := os.ReadFile(catPath)
	if err != nil {
		return "", err
	}
	cat, err := r.catalogue(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", catPath, err)
	}
	scDir := filepath.Join(out, "scenarios")
	if err := os.MkdirAll(scDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "schemas.json"), cat, 0o644); err != nil {
		return "", err
	}
	files, err := scenarioFiles(dir)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		sc, err := r.scenario(raw)
		if err != nil {
			return "", fmt.Errorf("%s: %w", f, err)
		}
		if err := os.WriteFile(filepath.Join(scDir, filepath.Base(f)), sc, 0o644); err != nil {
			return "", err
		}
	}
	return scDir, nil
}

// catalogue renames a schemas.json, keeping the order of every object
// (the order of fields is the order of composite keys).
func (r Renaming) catalogue(raw []byte) ([]byte, error) {
	names, schemas, err := orderedObject(raw)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, name := range names {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(schemas[i], &doc); err != nil {
			return nil, err
		}
		mnames, models, err := orderedObject(doc["models"])
		if err != nil {
			return nil, err
		}
		var mb strings.Builder
		mb.WriteString("{")
		for j, mn := range mnames {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(models[j], &m); err != nil {
				return nil, err
			}
			fnames, specs, err := orderedObject(m["fields"])
			if err != nil {
				return nil, err
			}
			var fb strings.Builder
			fb.WriteString("{")
			for k, fn := range fnames {
				if k > 0 {
					fb.WriteString(", ")
				}
				fb.WriteString(quote(r.field(fn)) + ": " + string(specs[k]))
			}
			fb.WriteString("}")
			m["fields"] = json.RawMessage(fb.String())
			var table string
			if err := json.Unmarshal(m["table"], &table); err != nil {
				return nil, err
			}
			m["table"] = json.RawMessage(quote(r.Table + table))
			if u, ok := m["unique"]; ok {
				var groups [][]string
				if err := json.Unmarshal(u, &groups); err != nil {
					return nil, err
				}
				for _, g := range groups {
					for k := range g {
						g[k] = r.field(g[k])
					}
				}
				m["unique"] = mustJSON(groups)
			}
			if j > 0 {
				mb.WriteString(",")
			}
			mb.WriteString("\n    " + quote(r.Model+mn) + ": " + string(mustJSON(m)))
		}
		mb.WriteString("\n  }")
		doc["models"] = json.RawMessage(mb.String())
		var assocs []map[string]any
		if err := json.Unmarshal(doc["associations"], &assocs); err != nil {
			return nil, err
		}
		for _, a := range assocs {
			for k, v := range a {
				s, _ := v.(string)
				switch k {
				case "name":
					a[k] = r.assoc(s)
				case "source", "target", "through":
					a[k] = r.Model + s
				case "as", "singular", "inverse", "inverseSingular":
					a[k] = r.Alias + s
				case "foreignKey", "sourceKey", "otherKey":
					a[k] = r.field(s)
				case "scope":
					a[k] = r.values(v)
				}
			}
		}
		doc["associations"] = mustJSON(assocs)
		if i > 0 {
			b.WriteString(",\n")
		}
		// models first, so the renamed file reads like the original
		b.WriteString("  " + quote(r.Schema+name) + ": {\"models\": " + string(doc["models"]))
		for _, k := range sortedKeys(doc) {
			if k != "models" {
				b.WriteString(",\n  " + quote(k) + ": " + string(doc[k]))
			}
		}
		b.WriteString("}")
	}
	b.WriteString("\n}\n")
	return []byte(b.String()), nil
}

// scenario renames one scenario file.
func (r Renaming) scenario(raw []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if s, ok := doc["schema"].(string); ok {
		doc["schema"] = r.Schema + s
	}
	if steps, ok := doc["steps"].([]any); ok {
		for _, st := range steps {
			r.step(st)
		}
	}
	if final, ok := doc["final"].(map[string]any); ok {
		out := map[string]any{}
		for m, rows := range final {
			out[r.Model+m] = r.list(rows, r.values)
		}
		doc["final"] = out
	}
	return json.MarshalIndent(doc, "", " ")
}

func (r Renaming) step(v any) {
	st, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, x := range st {
		switch k {
		case "model":
			st[k] = r.Model + x.(string)
		case "assoc":
			st[k] = r.assoc(x.(string))
		case "field":
			st[k] = r.field(x.(string))
		case "values", "by":
			st[k] = r.values(x)
		case "rows":
			st[k] = r.list(x, r.values)
		case "pk", "source", "target":
			st[k] = r.key(x)
		case "targets":
			st[k] = r.list(x, r.key)
		case "options":
			st[k] = r.options(x)
		case "steps":
			for _, sub := range x.([]any) {
				r.step(sub)
			}
		case "expect":
			st[k] = r.expect(x)
		}
	}
}

// values renames the keys of a values object; a key holding an object or
// a list is an association alias of a nested create, its values renamed
// in turn.
func (r Renaming) values(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		switch x.(type) {
		case map[string]any:
			out[r.Alias+k] = r.values(x)
		case []any:
			out[r.Alias+k] = r.list(x, r.values)
		default:
			out[r.field(k)] = x
		}
	}
	return out
}

// key renames a composite key's fields; a plain key is a value.
func (r Renaming) key(v any) any {
	if obj, ok := v.(map[string]any); ok {
		return r.values(obj)
	}
	return v
}

func (r Renaming) list(v any, each func(any) any) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(l))
	for i, x := range l {
		out[i] = each(x)
	}
	return out
}

func (r Renaming) fieldList(v any) any {
	return r.list(v, func(x any) any {
		if s, ok := x.(string); ok {
			return r.field(s)
		}
		return x
	})
}

func (r Renaming) options(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		switch k {
		case "where":
			x = r.where(x)
		case "order":
			x = r.list(x, func(p any) any {
				pair, ok := p.([]any)
				if ok && len(pair) == 2 {
					if s, ok := pair[0].(string); ok {
						return []any{r.field(s), pair[1]}
					}
				}
				return p
			})
		case "attributes", "group":
			x = r.fieldList(x)
		case "defaults":
			x = r.values(x)
		case "through":
			x = r.through(x)
		case "include":
			x = r.list(x, r.include)
		}
		out[k] = x
	}
	return out
}

func (r Renaming) include(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := r.options(obj).(map[string]any)
	if s, ok := obj["assoc"].(string); ok {
		out["assoc"] = r.assoc(s)
	}
	return out
}

func (r Renaming) through(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range obj {
		if k == "where" {
			out[k] = r.where(x)
		} else {
			out[r.field(k)] = x
		}
	}
	return out
}

func (r Renaming) where(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		if k == "or" {
			out[k] = r.list(x, r.where)
			continue
		}
		out[r.field(k)] = x // an operator object's keys are operators
	}
	return out
}

func (r Renaming) expect(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		switch k {
		case "pk":
			x = r.key(x)
		case "pks":
			x = r.list(x, r.key)
		case "row":
			x = r.values(x)
		case "rows":
			x = r.list(x, r.values)
		case "tree":
			x = r.list(x, r.node)
		case "groups":
			x = r.list(x, func(g any) any {
				obj, ok := g.(map[string]any)
				if !ok {
					return g
				}
				out := map[string]any{}
				for k, v := range obj {
					if k == "count" {
						out[k] = v
					} else {
						out[r.field(k)] = v
					}
				}
				return out
			})
		}
		out[k] = x
	}
	return out
}

// node renames a tree node: "pk" and "row" are the node's own, every other
// key an association alias.
func (r Renaming) node(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		switch k {
		case "pk":
			out[k] = r.key(x)
		case "row":
			out[k] = r.values(x)
		default:
			if l, ok := x.([]any); ok {
				out[r.Alias+k] = r.list(l, r.node)
			} else {
				out[r.Alias+k] = r.node(x)
			}
		}
	}
	return out
}

func quote(s string) string { return string(mustJSON(s)) }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
