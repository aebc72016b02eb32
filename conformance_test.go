package memrel_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// TestConformance runs the scenarios recorded from Sequelize on PostgreSQL
// (format: ../shared/conformance/README.md), or those in the directory
// named by MEMREL_CONFORMANCE_DIR. A scenario it cannot execute fails.
func TestConformance(t *testing.T) {
	// The contract lives in ../shared/conformance beside the checkout;
	// testdata/conformance is a verbatim copy so a clone alone can run it.
	root := filepath.Join("..", "shared", "conformance")
	if _, err := os.Stat(root); err != nil {
		root = filepath.Join("testdata", "conformance")
	}
	dir := filepath.Join(root, "scenarios")
	schemaFile := filepath.Join(root, "schemas.json")
	if d := os.Getenv("MEMREL_CONFORMANCE_DIR"); d != "" {
		dir = d
		// A scenario directory may bring its own schemas.json, beside or
		// above it; otherwise the contract's schemas apply.
		for _, c := range []string{filepath.Join(d, "schemas.json"), filepath.Join(d, "..", "schemas.json")} {
			if _, err := os.Stat(c); err == nil {
				schemaFile = c
				break
			}
		}
	}
	schemas := cfLoadSchemas(t, schemaFile)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no scenarios in %s", dir)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var sc cfScenario
		require.NoError(t, json.Unmarshal(raw, &sc), f)
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			spec, ok := schemas[sc.Schema]
			require.True(t, ok, "unknown schema %q", sc.Schema)
			env := cfOpen(t, sc.Schema, spec)
			for i, st := range sc.Steps {
				env.step(t, fmt.Sprintf("step %d (%s)", i, st.Op), st, nil)
			}
			got := env.dump(t)
			want := map[string]any{}
			for m, rows := range sc.Final {
				want[m] = rows
			}
			require.Equal(t, cfNormalize(want), cfNormalize(got), "final tables")
		})
	}
}

type cfScenario struct {
	Name   string           `json:"name"`
	Schema string           `json:"schema"`
	Steps  []cfStep         `json:"steps"`
	Final  map[string][]any `json:"final"`
}

type cfStep struct {
	Op      string         `json:"op"`
	Model   string         `json:"model"`
	Values  map[string]any `json:"values"`
	PK      any            `json:"pk"`
	Options map[string]any `json:"options"`
	Assoc   string         `json:"assoc"`
	Source  any            `json:"source"`
	Target  any            `json:"target"`
	Targets []any          `json:"targets"`
	Steps   []cfStep       `json:"steps"`
	Expect  map[string]any `json:"expect"`
}

type cfSchemaSpec struct {
	Models map[string]struct {
		Table  string            `json:"table"`
		Fields map[string]string `json:"fields"`
	} `json:"models"`
	Associations []cfAssocSpec `json:"associations"`
}

type cfAssocSpec struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Source      string         `json:"source"`
	Target      string         `json:"target"`
	As          string         `json:"as"`
	Singular    string         `json:"singular"`
	ForeignKey  string         `json:"foreignKey"`
	SourceKey   string         `json:"sourceKey"`
	Inverse     string         `json:"inverse"`
	Scope       map[string]any `json:"scope"`
	OnDelete    string         `json:"onDelete"`
	OnUpdate    string         `json:"onUpdate"`
	Constraints *bool          `json:"constraints"`
}

func cfLoadSchemas(t *testing.T, path string) map[string]cfSchemaSpec {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var all map[string]cfSchemaSpec
	require.NoError(t, json.Unmarshal(raw, &all))
	return all
}

// cfModel runs scenario ops on one model without knowing its Go type.
type cfModel interface {
	create(tx *memrel.Txn, values map[string]any) (any, error)
	update(tx *memrel.Txn, pk any, values map[string]any) error
	destroy(tx *memrel.Txn, pk any) error
	find(tx *memrel.Txn, pk any) (map[string]any, bool, error)
	findAll(tx *memrel.Txn, o *memrel.Options) ([]any, error)
	count(tx *memrel.Txn, o *memrel.Options) (int, error)
	instance(pk any) any
	typ() reflect.Type
}

// cfAssoc runs association ops without knowing the Go types.
type cfAssoc interface {
	get(tx *memrel.Txn, src any, o *memrel.Options) ([]any, error)
	count(tx *memrel.Txn, src any, o *memrel.Options) (int, error)
	has(tx *memrel.Txn, src any, targets []any) (bool, error)
	add(tx *memrel.Txn, src any, targets []any) error
	set(tx *memrel.Txn, src any, targets []any, o *memrel.SetOptions) error
	remove(tx *memrel.Txn, src any, targets []any, o *memrel.RemoveOptions) error
	create(tx *memrel.Txn, src any, values map[string]any) (any, error)
	inverseGet(tx *memrel.Txn, target any) (map[string]any, bool, error)
	inverseSet(tx *memrel.Txn, target, src any) error
	association() memrel.Association
	spec() cfAssocSpec
}

type cfEnv struct {
	db     *memrel.Store
	spec   cfSchemaSpec
	models map[string]cfModel
	order  []string
	assocs map[string]cfAssoc
}

// cfOpen defines the Go models of a schema, declares its associations from
// schemas.json and opens a store.
func cfOpen(t *testing.T, name string, spec cfSchemaSpec) *cfEnv {
	t.Helper()
	s := memrel.NewSchema()
	env := &cfEnv{spec: spec, models: map[string]cfModel{}, assocs: map[string]cfAssoc{}}
	def := func(model string, m cfModel) { env.models[model] = m; env.order = append(env.order, model) }
	var pairs map[[2]string]func(cfAssocSpec) cfAssoc
	switch name {
	case "blog", "blog_restrict", "blog_cascade":
		p, c := memrel.Define[cfBlogPost](s, "Post"), memrel.Define[cfBlogComment](s, "Comment")
		def("Post", cfM(p))
		def("Comment", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"Post", "Comment"}: cfA(p, c)}
	case "blog_notnull":
		p, c := memrel.Define[cfBnnPost](s, "Post"), memrel.Define[cfBnnComment](s, "Comment")
		def("Post", cfM(p))
		def("Comment", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"Post", "Comment"}: cfA(p, c)}
	case "blog_sourcekey":
		p, c := memrel.Define[cfSlugPost](s, "Post"), memrel.Define[cfSlugComment](s, "Comment")
		def("Post", cfM(p))
		def("Comment", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"Post", "Comment"}: cfA(p, c)}
	case "authors":
		u, p := memrel.Define[cfAuUser](s, "User"), memrel.Define[cfAuPost](s, "Post")
		def("User", cfM(u))
		def("Post", cfM(p))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"User", "Post"}: cfA(u, p)}
	case "tree":
		c := memrel.Define[cfCategory](s, "Category")
		def("Category", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"Category", "Category"}: cfA(c, c)}
	case "polymorphic":
		i, v, c := memrel.Define[cfImage](s, "Image"), memrel.Define[cfVideo](s, "Video"), memrel.Define[cfPolyComment](s, "Comment")
		def("Image", cfM(i))
		def("Video", cfM(v))
		def("Comment", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"Image", "Comment"}: cfA(i, c), {"Video", "Comment"}: cfA(v, c)}
	case "forum":
		u, p, c := memrel.Define[cfForumUser](s, "User"), memrel.Define[cfForumPost](s, "Post"), memrel.Define[cfForumComment](s, "Comment")
		def("User", cfM(u))
		def("Post", cfM(p))
		def("Comment", cfM(c))
		pairs = map[[2]string]func(cfAssocSpec) cfAssoc{{"User", "Post"}: cfA(u, p), {"Post", "Comment"}: cfA(p, c)}
	default:
		t.Fatalf("schema %q has no Go models in conformance_models_test.go", name)
	}
	cfCheckModels(t, name, spec, env)
	for _, as := range spec.Associations {
		require.Equal(t, "hasMany", as.Type, "association %s", as.Name)
		mk, ok := pairs[[2]string{as.Source, as.Target}]
		require.True(t, ok, "no Go types for %s -> %s", as.Source, as.Target)
		env.assocs[as.Name] = mk(as)
	}
	db, err := s.Open()
	require.NoError(t, err)
	env.db = db
	return env
}

// cfCheckModels verifies that the Go structs declare exactly the fields of
// schemas.json with the same nullability, uniqueness, key and default.
func cfCheckModels(t *testing.T, name string, spec cfSchemaSpec, env *cfEnv) {
	t.Helper()
	require.Len(t, env.models, len(spec.Models), "schema %s: models", name)
	for model, ms := range spec.Models {
		m, ok := env.models[model]
		require.True(t, ok, "schema %s: model %s has no Go type", name, model)
		cols := map[string]string{}
		typ := m.typ()
		for i := 0; i < typ.NumField(); i++ {
			tag, ok := typ.Field(i).Tag.Lookup("memrel")
			if !ok {
				continue
			}
			parts := strings.Split(tag, ",")
			cols[parts[0]] = strings.Join(parts[1:], ",")
		}
		require.Len(t, cols, len(ms.Fields), "schema %s model %s: columns", name, model)
		for f, fs := range ms.Fields {
			opts, ok := cols[f]
			require.True(t, ok, "schema %s: %s.%s has no Go field", name, model, f)
			words := strings.Fields(fs)
			has := func(w string) bool {
				for _, x := range words {
					if x == w {
						return true
					}
				}
				return false
			}
			want := []string{}
			if has("pk") {
				want = append(want, "pk")
			}
			if has("autoincrement") {
				want = append(want, "autoinc")
			}
			if has("notnull") {
				want = append(want, "notnull")
			}
			if has("unique") {
				want = append(want, "unique")
			}
			for i, w := range words {
				if w == "default" && i+1 < len(words) {
					want = append(want, "default="+words[i+1])
				}
			}
			require.Equal(t, strings.Join(want, ","), opts, "schema %s: %s.%s tag vs %q", name, model, f, fs)
		}
	}
}

func cfAction(s string) memrel.Action {
	switch s {
	case "":
		return memrel.DefaultAction
	case "CASCADE":
		return memrel.Cascade
	case "SET NULL":
		return memrel.SetNull
	case "RESTRICT":
		return memrel.Restrict
	case "NO ACTION":
		return memrel.NoAction
	case "SET DEFAULT":
		return memrel.SetDefault
	}
	panic("unknown action " + s)
}

// step runs one scenario step and checks its expectation; inside a
// transaction tx is the open one. It returns the step's error.
func (env *cfEnv) step(t *testing.T, where string, st cfStep, tx *memrel.Txn) error {
	t.Helper()
	if st.Op == "transaction" {
		require.Nil(t, tx, "%s: nested transaction", where)
		var last error
		err := env.db.Update(func(tx *memrel.Txn) error {
			for i, sub := range st.Steps {
				if last = env.step(t, fmt.Sprintf("%s.%d (%s)", where, i, sub.Op), sub, tx); last != nil {
					require.Equal(t, len(st.Steps)-1, i, "%s: only the last sub-step may fail", where)
					return last
				}
			}
			return nil
		})
		env.expectResult(t, where, st.Expect, err, nil)
		return err
	}
	before := env.dump(t)
	var res any
	var err error
	run := func(tx *memrel.Txn) error {
		res, err = env.exec(t, where, st, tx)
		return err
	}
	if tx != nil {
		_ = run(tx)
	} else if cfWrites(st.Op) {
		_ = env.db.Update(run)
	} else {
		_ = env.db.View(run)
	}
	env.expectResult(t, where, st.Expect, err, res)
	if err != nil && tx == nil {
		require.Equal(t, cfNormalize(before), cfNormalize(env.dump(t)), "%s: failed step changed the store", where)
	}
	return err
}

func cfWrites(op string) bool {
	switch op {
	case "findByPk", "findAll", "count", "assoc.get", "assoc.count", "assoc.has", "inverse.get":
		return false
	}
	return true
}

func (env *cfEnv) expectResult(t *testing.T, where string, exp map[string]any, err error, res any) {
	t.Helper()
	if name, ok := exp["error"]; ok {
		require.Error(t, err, "%s: want %v", where, name)
		require.True(t, cfErrorIs(err, name.(string)), "%s: want %v, got %T: %v", where, name, err, err)
		return
	}
	require.NoError(t, err, where)
	for k, v := range exp {
		switch k {
		case "ok":
			require.Equal(t, true, v, where)
		case "pk", "pks", "count", "bool", "row", "tree":
			require.Equal(t, cfNormalize(v), cfNormalize(res), "%s: %s", where, k)
		default:
			t.Fatalf("%s: unknown expectation %q", where, k)
		}
	}
}

func cfErrorIs(err error, name string) bool {
	switch name {
	case "ForeignKeyConstraintError":
		var e *memrel.ForeignKeyConstraintError
		return errors.As(err, &e)
	case "ValidationError":
		var e *memrel.ValidationError
		return errors.As(err, &e)
	case "UniqueConstraintError":
		var e *memrel.UniqueConstraintError
		return errors.As(err, &e)
	case "NotFound":
		return errors.Is(err, memrel.ErrNotFound)
	case "AssociationError":
		var e *memrel.AssociationError
		return errors.As(err, &e)
	case "EagerLoadingError":
		var e *memrel.EagerLoadingError
		return errors.As(err, &e)
	}
	panic("unknown error name " + name)
}

// exec performs one op and returns what its expectation compares.
func (env *cfEnv) exec(t *testing.T, where string, st cfStep, tx *memrel.Txn) (any, error) {
	model := func() cfModel {
		m, ok := env.models[st.Model]
		require.True(t, ok, "%s: unknown model %q", where, st.Model)
		return m
	}
	assoc := func() cfAssoc {
		a, ok := env.assocs[st.Assoc]
		require.True(t, ok, "%s: unknown association %q", where, st.Assoc)
		return a
	}
	switch st.Op {
	case "create":
		return model().create(tx, st.Values)
	case "update":
		return nil, model().update(tx, st.PK, st.Values)
	case "destroy":
		return nil, model().destroy(tx, st.PK)
	case "findByPk":
		row, ok, err := model().find(tx, st.PK)
		if !ok {
			return nil, err
		}
		return row, err
	case "findAll":
		o, inc := env.options(t, where, st.Options)
		rows, err := model().findAll(tx, o)
		if err != nil {
			return nil, err
		}
		if _, ok := st.Expect["tree"]; ok {
			return cfTree(rows, inc), nil
		}
		return cfPKs(rows), nil
	case "count":
		o, _ := env.options(t, where, st.Options)
		return model().count(tx, o)
	case "assoc.get":
		o, _ := env.options(t, where, st.Options)
		rows, err := assoc().get(tx, st.Source, o)
		return cfPKs(rows), err
	case "assoc.count":
		o, _ := env.options(t, where, st.Options)
		return assoc().count(tx, st.Source, o)
	case "assoc.has":
		return assoc().has(tx, st.Source, st.Targets)
	case "assoc.add":
		return nil, assoc().add(tx, st.Source, st.Targets)
	case "assoc.set":
		o := &memrel.SetOptions{}
		if v, ok := st.Options["destroyPrevious"]; ok {
			o.DestroyPrevious = v.(bool)
		}
		return nil, assoc().set(tx, st.Source, st.Targets, o)
	case "assoc.remove":
		o := &memrel.RemoveOptions{}
		if v, ok := st.Options["destroy"]; ok {
			o.Destroy = v.(bool)
		}
		return nil, assoc().remove(tx, st.Source, st.Targets, o)
	case "assoc.create":
		return assoc().create(tx, st.Source, st.Values)
	case "inverse.get":
		row, ok, err := assoc().inverseGet(tx, st.Target)
		if !ok {
			return nil, err
		}
		return row, err
	case "inverse.set":
		return nil, assoc().inverseSet(tx, st.Target, st.Source)
	}
	t.Fatalf("%s: unknown op %q", where, st.Op)
	return nil, nil
}

// cfInc is an include with the alias its tree level is named by.
type cfInc struct {
	as    string
	field string
	sub   []cfInc
}

// options converts scenario options; it also returns the include tree used
// to read the loaded children back.
func (env *cfEnv) options(t *testing.T, where string, raw map[string]any) (*memrel.Options, []cfInc) {
	o := &memrel.Options{}
	var incs []cfInc
	for k, v := range raw {
		switch k {
		case "where":
			o.Where = cfWhere(t, where, v)
		case "order":
			for _, x := range v.([]any) {
				pair := x.([]any)
				o.Order = append(o.Order, query.Order{Field: pair[0].(string), Desc: strings.EqualFold(pair[1].(string), "DESC")})
			}
		case "limit":
			o.Limit = int(v.(float64))
		case "offset":
			o.Offset = int(v.(float64))
		case "include":
			o.Include, incs = env.includes(t, where, v.([]any))
		default:
			t.Fatalf("%s: unknown option %q", where, k)
		}
	}
	return o, incs
}

func (env *cfEnv) includes(t *testing.T, where string, raw []any) ([]memrel.Include, []cfInc) {
	var out []memrel.Include
	var tree []cfInc
	for _, x := range raw {
		m := x.(map[string]any)
		name := m["assoc"].(string)
		a, ok := env.assocs[name]
		require.True(t, ok, "%s: unknown association %q", where, name)
		in := memrel.Include{Assoc: a.association()}
		node := cfInc{as: a.spec().As, field: strings.ToUpper(a.spec().As[:1]) + a.spec().As[1:]}
		for k, v := range m {
			switch k {
			case "assoc":
			case "where":
				in.Where = cfWhere(t, where, v)
			case "required":
				if v.(bool) {
					in.Required = true
				} else {
					in.Optional = true
				}
			case "include":
				in.Include, node.sub = env.includes(t, where, v.([]any))
			default:
				t.Fatalf("%s: unknown include option %q", where, k)
			}
		}
		out = append(out, in)
		tree = append(tree, node)
	}
	return out, tree
}

// cfWhere converts a scenario where clause.
func cfWhere(t *testing.T, where string, raw any) query.Cond {
	m := raw.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var conds []query.Cond
	for _, field := range keys {
		v := m[field]
		if field == "or" {
			var alts []query.Cond
			for _, w := range v.([]any) {
				alts = append(alts, cfWhere(t, where, w))
			}
			conds = append(conds, query.Or(alts...))
			continue
		}
		ops, isOps := v.(map[string]any)
		if !isOps {
			conds = append(conds, query.Eq(field, v))
			continue
		}
		for op, x := range ops {
			switch op {
			case "eq":
				conds = append(conds, query.Eq(field, x))
			case "ne":
				conds = append(conds, query.Ne(field, x))
			case "gt":
				conds = append(conds, query.Gt(field, x))
			case "gte":
				conds = append(conds, query.Gte(field, x))
			case "lt":
				conds = append(conds, query.Lt(field, x))
			case "lte":
				conds = append(conds, query.Lte(field, x))
			case "in":
				conds = append(conds, query.In(field, x.([]any)...))
			case "notIn":
				conds = append(conds, query.NotIn(field, x.([]any)...))
			case "like":
				conds = append(conds, query.Like(field, x.(string)))
			case "startsWith":
				conds = append(conds, query.StartsWith(field, x.(string)))
			case "isNull":
				if x.(bool) {
					conds = append(conds, query.IsNull(field))
				} else {
					conds = append(conds, query.NotNull(field))
				}
			default:
				t.Fatalf("%s: unknown where operator %q", where, op)
			}
		}
	}
	return query.And(conds...)
}

// dump reads every row of every model, as scenario rows.
func (env *cfEnv) dump(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	require.NoError(t, env.db.View(func(tx *memrel.Txn) error {
		for _, name := range env.order {
			rows, err := env.models[name].findAll(tx, nil)
			if err != nil {
				return err
			}
			list := make([]any, len(rows))
			for i, r := range rows {
				list[i] = cfRow(r)
			}
			out[name] = list
		}
		return nil
	}))
	return out
}

// cfNormalize makes numbers comparable: everything goes through JSON.
func cfNormalize(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

// cfRow turns a model struct into a scenario row: its tagged columns.
func cfRow(v any) map[string]any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	row := map[string]any{}
	for i := 0; i < rv.NumField(); i++ {
		tag, ok := rv.Type().Field(i).Tag.Lookup("memrel")
		if !ok {
			continue
		}
		f := rv.Field(i)
		name := strings.Split(tag, ",")[0]
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				row[name] = nil
			} else {
				row[name] = f.Elem().Interface()
			}
			continue
		}
		row[name] = f.Interface()
	}
	return row
}

func cfPKs(rows []any) []any {
	pks := make([]any, len(rows))
	for i, r := range rows {
		pks[i] = cfRow(r)["id"]
	}
	return pks
}

// cfTree renders loaded rows as the scenario's include tree.
func cfTree(rows []any, incs []cfInc) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		node := map[string]any{"pk": cfRow(r)["id"]}
		rv := reflect.ValueOf(r)
		for _, in := range incs {
			kids := rv.FieldByName(in.field)
			list := make([]any, kids.Len())
			for j := range list {
				list[j] = kids.Index(j).Interface()
			}
			node[in.as] = cfTree(list, in.sub)
		}
		out[i] = node
	}
	return out
}

// cfSet writes scenario values into a model struct.
func cfSet(t reflect.Type, dst reflect.Value, values map[string]any) error {
	for name, v := range values {
		found := false
		for i := 0; i < t.NumField(); i++ {
			tag, ok := t.Field(i).Tag.Lookup("memrel")
			if !ok || strings.Split(tag, ",")[0] != name {
				continue
			}
			found = true
			f := dst.Field(i)
			if v == nil {
				f.SetZero()
				break
			}
			base := f.Type()
			if base.Kind() == reflect.Pointer {
				base = base.Elem()
			}
			var val reflect.Value
			switch x := v.(type) {
			case float64:
				if base.Kind() != reflect.Int64 {
					return fmt.Errorf("field %s: number for %s", name, base)
				}
				val = reflect.ValueOf(int64(x))
			case string:
				val = reflect.ValueOf(x)
			default:
				return fmt.Errorf("field %s: unsupported value %T", name, v)
			}
			if f.Kind() == reflect.Pointer {
				p := reflect.New(base)
				p.Elem().Set(val)
				f.Set(p)
			} else {
				f.Set(val)
			}
		}
		if !found {
			return fmt.Errorf("unknown field %q", name)
		}
	}
	return nil
}

// cfKey converts a scenario key (a JSON number or string).
func cfKey(v any) any {
	if f, ok := v.(float64); ok {
		return int64(f)
	}
	return v
}

// cfModelOf adapts a typed model.
type cfModelOf[T any] struct{ m *memrel.Model[T] }

func cfM[T any](m *memrel.Model[T]) cfModel { return cfModelOf[T]{m} }

func (c cfModelOf[T]) typ() reflect.Type { return reflect.TypeFor[T]() }

func (c cfModelOf[T]) instance(pk any) any {
	var v T
	rv := reflect.ValueOf(&v).Elem()
	rv.FieldByName("ID").Set(reflect.ValueOf(cfKey(pk)))
	return v
}

func (c cfModelOf[T]) create(tx *memrel.Txn, values map[string]any) (any, error) {
	var v T
	if err := cfSet(c.typ(), reflect.ValueOf(&v).Elem(), values); err != nil {
		panic(err)
	}
	got, err := c.m.Create(tx, v)
	if err != nil {
		return nil, err
	}
	return c.m.Key(got), nil
}

func (c cfModelOf[T]) update(tx *memrel.Txn, pk any, values map[string]any) error {
	cur, ok, err := c.m.FindByPK(tx, cfKey(pk))
	if err != nil {
		return err
	}
	if !ok {
		return memrel.ErrNotFound
	}
	if err := cfSet(c.typ(), reflect.ValueOf(&cur).Elem(), values); err != nil {
		panic(err)
	}
	_, err = c.m.UpdateKey(tx, cfKey(pk), cur)
	return err
}

func (c cfModelOf[T]) destroy(tx *memrel.Txn, pk any) error { return c.m.DestroyKey(tx, cfKey(pk)) }

func (c cfModelOf[T]) find(tx *memrel.Txn, pk any) (map[string]any, bool, error) {
	v, ok, err := c.m.FindByPK(tx, cfKey(pk))
	if !ok || err != nil {
		return nil, false, err
	}
	return cfRow(v), true, nil
}

func (c cfModelOf[T]) findAll(tx *memrel.Txn, o *memrel.Options) ([]any, error) {
	rows, err := c.m.FindAll(tx, o)
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = rows[i]
	}
	return out, err
}

func (c cfModelOf[T]) count(tx *memrel.Txn, o *memrel.Options) (int, error) { return c.m.Count(tx, o) }

// cfAssocOf adapts a typed association. Targets alternate between keys and
// instances (and pointers), since both must work.
type cfAssocOf[P, C any] struct {
	h    *memrel.HasMany[P, C]
	src  cfModelOf[P]
	dst  cfModelOf[C]
	opts cfAssocSpec
}

func cfA[P, C any](p *memrel.Model[P], c *memrel.Model[C]) func(cfAssocSpec) cfAssoc {
	return func(as cfAssocSpec) cfAssoc {
		o := memrel.HasManyOptions{As: as.As, Singular: as.Singular, ForeignKey: as.ForeignKey,
			SourceKey: as.SourceKey, Inverse: as.Inverse, Scope: as.Scope}
		o.OnDelete = cfAction(as.OnDelete)
		o.OnUpdate = cfAction(as.OnUpdate)
		if as.Constraints != nil && !*as.Constraints {
			o.NoConstraints = true
		}
		return &cfAssocOf[P, C]{h: memrel.NewHasMany(p, c, o), src: cfModelOf[P]{p}, dst: cfModelOf[C]{c}, opts: as}
	}
}

func (a *cfAssocOf[P, C]) spec() cfAssocSpec               { return a.opts }
func (a *cfAssocOf[P, C]) association() memrel.Association { return a.h }

func (a *cfAssocOf[P, C]) source(pk any) P { return a.src.instance(pk).(P) }

func (a *cfAssocOf[P, C]) targets(pks []any) []any {
	out := make([]any, len(pks))
	for i, pk := range pks {
		switch i % 3 {
		case 0:
			out[i] = cfKey(pk)
		case 1:
			out[i] = a.dst.instance(pk).(C)
		default:
			v := a.dst.instance(pk).(C)
			out[i] = &v
		}
	}
	return out
}

func (a *cfAssocOf[P, C]) get(tx *memrel.Txn, src any, o *memrel.Options) ([]any, error) {
	rows, err := a.h.Get(tx, a.source(src), o)
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = rows[i]
	}
	return out, err
}

func (a *cfAssocOf[P, C]) count(tx *memrel.Txn, src any, o *memrel.Options) (int, error) {
	return a.h.Count(tx, a.source(src), o)
}

func (a *cfAssocOf[P, C]) has(tx *memrel.Txn, src any, targets []any) (bool, error) {
	return a.h.HasKeys(tx, a.source(src), a.targets(targets)...)
}

func (a *cfAssocOf[P, C]) add(tx *memrel.Txn, src any, targets []any) error {
	return a.h.AddKeys(tx, a.source(src), a.targets(targets)...)
}

func (a *cfAssocOf[P, C]) set(tx *memrel.Txn, src any, targets []any, o *memrel.SetOptions) error {
	return a.h.SetKeys(tx, a.source(src), a.targets(targets), o)
}

func (a *cfAssocOf[P, C]) remove(tx *memrel.Txn, src any, targets []any, o *memrel.RemoveOptions) error {
	return a.h.RemoveKeys(tx, a.source(src), a.targets(targets), o)
}

func (a *cfAssocOf[P, C]) create(tx *memrel.Txn, src any, values map[string]any) (any, error) {
	var v C
	if err := cfSet(a.dst.typ(), reflect.ValueOf(&v).Elem(), values); err != nil {
		panic(err)
	}
	got, err := a.h.Create(tx, a.source(src), v)
	if err != nil {
		return nil, err
	}
	return a.dst.m.Key(got), nil
}

func (a *cfAssocOf[P, C]) inverseGet(tx *memrel.Txn, target any) (map[string]any, bool, error) {
	p, ok, err := a.h.Inverse().Get(tx, a.dst.instance(target).(C))
	if !ok || err != nil {
		return nil, false, err
	}
	return cfRow(p), true, nil
}

func (a *cfAssocOf[P, C]) inverseSet(tx *memrel.Txn, target, src any) error {
	child := a.dst.instance(target).(C)
	if src == nil {
		_, err := a.h.Inverse().SetKey(tx, child, nil)
		return err
	}
	_, err := a.h.Inverse().Set(tx, child, a.source(src))
	return err
}

// TestConformanceCopyIsVerbatim fails when testdata/conformance drifts from
// the contract beside the checkout (when that is present).
func TestConformanceCopyIsVerbatim(t *testing.T) {
	shared := filepath.Join("..", "shared", "conformance")
	if _, err := os.Stat(shared); err != nil {
		t.Skip("no ../shared/conformance beside this checkout")
	}
	want, err := filepath.Glob(filepath.Join(shared, "scenarios", "*.json"))
	require.NoError(t, err)
	got, err := filepath.Glob(filepath.Join("testdata", "conformance", "scenarios", "*.json"))
	require.NoError(t, err)
	require.Len(t, got, len(want), "scenario count")
	for _, f := range append(want, filepath.Join(shared, "schemas.json")) {
		rel, err := filepath.Rel(shared, f)
		require.NoError(t, err)
		a, err := os.ReadFile(f)
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join("testdata", "conformance", rel))
		require.NoError(t, err, "copy of %s", rel)
		require.Equal(t, string(a), string(b), "testdata copy of %s differs: copy it again", rel)
	}
}
