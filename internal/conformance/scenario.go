package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Values are field values of one model: int64, string, time.Time or nil,
// converted from JSON by the field types of the schema (a value for a
// field the model lacks stays as JSON decoded it, for the driver to
// refuse). In a nested create, an include's alias holds the rows to
// create with it (see [NestedTx]).
type Values map[string]any

// Row is a stored row as a driver returns it: every field, with values of
// the kinds Values holds (any Go integer type may stand for an int).
type Row map[string]any

// Scenario is one scenario file.
type Scenario struct {
	File   string // base name without .json
	Name   string
	Schema *Schema
	Doc    string
	Steps  []*Step
	// Final is every row of every model after the last step, as JSON
	// decoded it.
	Final map[string][]map[string]any
}

// Ops, as the scenarios name them.
const (
	OpCreate       = "create"
	OpUpdate       = "update"
	OpDestroy      = "destroy"
	OpFindByPk     = "findByPk"
	OpFindAll      = "findAll"
	OpCount        = "count"
	OpAssocGet     = "assoc.get"
	OpAssocCount   = "assoc.count"
	OpAssocHas     = "assoc.has"
	OpAssocAdd     = "assoc.add"
	OpAssocSet     = "assoc.set"
	OpAssocRemove  = "assoc.remove"
	OpAssocCreate  = "assoc.create"
	OpInverseGet   = "inverse.get"
	OpInverseSet   = "inverse.set"
	OpTransaction  = "transaction"
	OpBulkCreate   = "bulkCreate"
	OpUpsert       = "upsert"
	OpFindOrCreate = "findOrCreate"
	OpIncrement    = "increment"
	OpDecrement    = "decrement"
	OpRestore      = "restore"
	OpAggregate    = "aggregate"
)

// Step is one step, its arguments converted by the schema.
type Step struct {
	Op    string
	Model string // the model of model ops
	Assoc string // the association of assoc.* and inverse.* ops
	// Values of create, update, upsert and assoc.create, of the op's
	// model (assoc.create: the target's).
	Values Values
	// Rows of bulkCreate.
	Rows []Values
	// PK is a key (see [Key]); HasPK whether the step gives one.
	PK    any
	HasPK bool
	// Source is the source row's key of assoc ops and inverse.set (nil
	// there: un-associate); Target the child's key of inverse ops and the
	// one target of a hasOne set; Targets the target keys (nil or empty
	// clears a set).
	Source, Target any
	Targets        []any
	Options        *Options // never nil
	// By holds increment / decrement amounts; Fn and Field an aggregate.
	By        Values
	Fn, Field string
	Steps     []*Step // a transaction's sub-steps
	Expect    map[string]any
	// Sequelize is what Sequelize returned where it differs, Deviation the
	// SPEC rule that makes memrel differ ("" for none).
	Sequelize any
	Deviation string
}

// Key is how a key appears in steps and to drivers: the field's value for
// a one-field primary key, a []any of the key fields' values in schema
// order for a composite one.
type Key = any

// Options are a step's options.
type Options struct {
	// Where is nil when the step has none; a Where with Op "and" and no
	// Args ({}) matches every row.
	Where      *Where
	Order      []Order
	Limit      int // 0: none (memrel: limit 0 means no limit)
	Offset     int
	Include    []*Include
	Attributes []string
	Group      []string
	Paranoid   *bool
	Force      bool
	Defaults   Values
	Through    *Through
	// DestroyPrevious of assoc.set, Destroy of assoc.remove.
	DestroyPrevious bool
	Destroy         bool
}

// Order is one order term.
type Order struct {
	Field string
	Desc  bool
}

// Where is a where clause: a conjunction ("and") or disjunction ("or") of
// Args, or one operator on Field: eq ne gt gte lt lte (Value), in notIn
// (Value is a []any), like startsWith (Value is a string), isNull notNull.
// An eq with a nil Value is IS NULL, as in Sequelize.
type Where struct {
	Op    string
	Field string
	Value any
	Args  []*Where
}

// Include is one include of a findAll (or nested create).
type Include struct {
	Assoc      string
	Where      *Where
	Required   *bool
	Include    []*Include
	Separate   bool
	Order      []Order
	Limit      int
	Attributes []string
	Paranoid   *bool
	Through    *Through
}

// Through is the join-row part of a belongsToMany step: a where on the
// join rows, or join values to write.
type Through struct {
	Where  *Where
	Values Values
}

// LoadScenarios reads every *.json of dir, in name order, against the
// catalogue.
func LoadScenarios(dir string, cat *Catalogue) ([]*Scenario, error) {
	files, err := scenarioFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scenarios in %s", dir)
	}
	out := make([]*Scenario, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sc, err := ParseScenario(raw, cat)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		sc.File = strings.TrimSuffix(filepath.Base(f), ".json")
		out = append(out, sc)
	}
	return out, nil
}

// ParseScenario parses one scenario and checks every name it uses against
// its schema in cat. Unknown keys are refused: a runner that ignored one
// would check less than the scenario says.
func ParseScenario(raw []byte, cat *Catalogue) (*Scenario, error) {
	var doc struct {
		Name   string                      `json:"name"`
		Schema string                      `json:"schema"`
		Doc    string                      `json:"doc"`
		Steps  []json.RawMessage           `json:"steps"`
		Final  map[string][]map[string]any `json:"final"`
	}
	if err := strictUnmarshal(raw, &doc); err != nil {
		return nil, err
	}
	s, ok := cat.Schema(doc.Schema)
	if !ok {
		return nil, fmt.Errorf("unknown schema %q", doc.Schema)
	}
	sc := &Scenario{Name: doc.Name, Schema: s, Doc: doc.Doc, Final: doc.Final}
	p := &parser{s: s}
	for i, r := range doc.Steps {
		st, err := p.step(r, false)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		sc.Steps = append(sc.Steps, st)
	}
	for m := range doc.Final {
		if _, ok := s.Model(m); !ok {
			return nil, fmt.Errorf("final: unknown model %q", m)
		}
	}
	if len(doc.Final) != len(s.Models) {
		return nil, fmt.Errorf("final lists %d models, the schema has %d", len(doc.Final), len(s.Models))
	}
	return sc, nil
}

type parser struct{ s *Schema }

type rawStep struct {
	Op        string            `json:"op"`
	Model     string            `json:"model"`
	Assoc     string            `json:"assoc"`
	Values    map[string]any    `json:"values"`
	Rows      []map[string]any  `json:"rows"`
	PK        json.RawMessage   `json:"pk"`
	Source    json.RawMessage   `json:"source"`
	Target    json.RawMessage   `json:"target"`
	Targets   json.RawMessage   `json:"targets"`
	Options   map[string]any    `json:"options"`
	By        map[string]any    `json:"by"`
	Fn        string            `json:"fn"`
	Field     string            `json:"field"`
	Steps     []json.RawMessage `json:"steps"`
	Expect    map[string]any    `json:"expect"`
	Sequelize any               `json:"sequelize"`
	Deviation string            `json:"deviation"`
}

func (p *parser) step(raw json.RawMessage, inTx bool) (*Step, error) {
	var r rawStep
	if err := strictUnmarshal(raw, &r); err != nil {
		return nil, err
	}
	st := &Step{Op: r.Op, Model: r.Model, Assoc: r.Assoc, Fn: r.Fn, Field: r.Field,
		Expect: r.Expect, Sequelize: r.Sequelize, Deviation: r.Deviation}
	if st.Expect == nil {
		return nil, fmt.Errorf("%s: no expect", r.Op)
	}
	var err error
	switch r.Op {
	case OpTransaction:
		if inTx {
			return nil, fmt.Errorf("nested transaction")
		}
		for i, sr := range r.Steps {
			sub, err := p.step(sr, true)
			if err != nil {
				return nil, fmt.Errorf("sub-step %d: %w", i, err)
			}
			st.Steps = append(st.Steps, sub)
		}
		st.Options = &Options{}
		return st, nil
	case OpCreate, OpUpdate, OpDestroy, OpFindByPk, OpFindAll, OpCount, OpBulkCreate, OpUpsert,
		OpFindOrCreate, OpIncrement, OpDecrement, OpRestore, OpAggregate:
		m, ok := p.s.Model(r.Model)
		if !ok {
			return nil, fmt.Errorf("%s: unknown model %q", r.Op, r.Model)
		}
		st.Values = convValues(m, r.Values)
		for _, row := range r.Rows {
			st.Rows = append(st.Rows, convValues(m, row))
		}
		st.By = convValues(m, r.By)
		if r.Field != "" {
			if _, ok := m.Field(r.Field); !ok {
				return nil, fmt.Errorf("%s: unknown field %q", r.Op, r.Field)
			}
		}
		if st.HasPK = present(r.PK); st.HasPK {
			if st.PK, err = keyOf(m, r.PK); err != nil {
				return nil, fmt.Errorf("%s: pk: %w", r.Op, err)
			}
		}
		if st.Options, err = p.options(m, r.Options); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Op, err)
		}
		if r.Op == OpCreate && len(st.Options.Include) > 0 {
			if err := p.nested(st.Values, st.Options.Include); err != nil {
				return nil, fmt.Errorf("%s: %w", r.Op, err)
			}
		}
	case OpAssocGet, OpAssocCount, OpAssocHas, OpAssocAdd, OpAssocSet, OpAssocRemove, OpAssocCreate,
		OpInverseGet, OpInverseSet:
		a, inverse, ok := p.s.Association(r.Assoc)
		if !ok {
			return nil, fmt.Errorf("%s: unknown association %q", r.Op, r.Assoc)
		}
		src, dst := a.Source, a.Target
		if inverse {
			src, dst = dst, src
		}
		sm, _ := p.s.Model(src)
		tm, _ := p.s.Model(dst)
		if strings.HasPrefix(r.Op, "inverse.") {
			if inverse || a.Type == BelongsToMany {
				return nil, fmt.Errorf("%s: %s is not a hasMany or hasOne", r.Op, r.Assoc)
			}
		}
		if present(r.Source) {
			if st.Source, err = keyOf(sm, r.Source); err != nil {
				return nil, fmt.Errorf("%s: source: %w", r.Op, err)
			}
		}
		if present(r.Target) {
			if st.Target, err = keyOf(tm, r.Target); err != nil {
				return nil, fmt.Errorf("%s: target: %w", r.Op, err)
			}
		}
		if present(r.Targets) {
			var list []json.RawMessage
			if err := json.Unmarshal(r.Targets, &list); err != nil {
				return nil, fmt.Errorf("%s: targets: %w", r.Op, err)
			}
			st.Targets = make([]any, len(list))
			for i, x := range list {
				if st.Targets[i], err = keyOf(tm, x); err != nil {
					return nil, fmt.Errorf("%s: targets: %w", r.Op, err)
				}
			}
		}
		st.Values = convValues(tm, r.Values)
		var through *Model
		if a.Type == BelongsToMany {
			through, _ = p.s.Model(a.Through)
		}
		if st.Options, err = p.assocOptions(tm, through, r.Options); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Op, err)
		}
	default:
		return nil, fmt.Errorf("unknown op %q", r.Op)
	}
	return st, nil
}

// present reports whether a JSON value was given at all (null counts).
func present(raw json.RawMessage) bool { return len(raw) > 0 }

// keyOf converts a JSON key of m: a value, or for a composite key an
// object of its fields (or null).
func keyOf(m *Model, raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	pk := m.PK()
	if v == nil {
		return nil, nil
	}
	if len(pk) == 1 {
		return conv(pk[0], v), nil
	}
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != len(pk) {
		return nil, fmt.Errorf("composite key of %s: want an object of %d fields, got %v", m.Name, len(pk), v)
	}
	key := make([]any, len(pk))
	for i, f := range pk {
		x, ok := obj[f.Name]
		if !ok {
			return nil, fmt.Errorf("composite key of %s: no %s", m.Name, f.Name)
		}
		key[i] = conv(f, x)
	}
	return key, nil
}

// nested converts, in place, the rows a nested create's values hold under
// the aliases of incs (see NestedTx): a list of objects, or for a to-one
// include one object or null, each converted by its model and holding the
// aliases of the include's own includes.
func (p *parser) nested(vals Values, incs []*Include) error {
	for _, in := range incs {
		alias, to, one, _ := p.s.Reach(in.Assoc)
		x := vals[alias]
		if x == nil {
			continue
		}
		m, _ := p.s.Model(to)
		row := func(x any) (Values, error) {
			obj, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("values.%s: want an object of %s, got %v", alias, to, x)
			}
			v := convValues(m, obj)
			return v, p.nested(v, in.Include)
		}
		if one {
			v, err := row(x)
			if err != nil {
				return err
			}
			vals[alias] = v
			continue
		}
		list, ok := x.([]any)
		if !ok {
			return fmt.Errorf("values.%s: want a list of %s, got %v", alias, to, x)
		}
		rows := make([]Values, len(list))
		for i, e := range list {
			var err error
			if rows[i], err = row(e); err != nil {
				return err
			}
		}
		vals[alias] = rows
	}
	return nil
}

func convValues(m *Model, in map[string]any) Values {
	if in == nil {
		return nil
	}
	out := make(Values, len(in))
	for k, v := range in {
		if f, ok := m.Field(k); ok {
			v = conv(f, v)
		}
		out[k] = v
	}
	return out
}

// conv converts a JSON value for field f: an integral number of an int
// field becomes int64, a date string of a date field time.Time. Anything
// else stays as it is, for the driver to accept or refuse.
func conv(f *Field, v any) any {
	switch x := v.(type) {
	case float64:
		if f.Type == Int && x == float64(int64(x)) {
			return int64(x)
		}
	case string:
		if f.Type == Date {
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return t.UTC()
			}
		}
	}
	return v
}

func (p *parser) options(m *Model, raw map[string]any) (*Options, error) {
	o := &Options{}
	for k, v := range raw {
		var err error
		switch k {
		case "where":
			o.Where, err = parseWhere(m, v)
		case "order":
			o.Order, err = parseOrder(m, v)
		case "limit":
			o.Limit, err = parseInt(v)
		case "offset":
			o.Offset, err = parseInt(v)
		case "include":
			o.Include, err = p.includes(m, v)
		case "attributes":
			o.Attributes, err = fieldList(m, v)
		case "group":
			o.Group, err = fieldList(m, v)
		case "paranoid":
			o.Paranoid, err = parseBool(v)
		case "force":
			var b *bool
			b, err = parseBool(v)
			o.Force = b != nil && *b
		case "defaults":
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("defaults: want an object")
			}
			o.Defaults = convValues(m, obj)
		default:
			return nil, fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return nil, fmt.Errorf("option %s: %w", k, err)
		}
	}
	return o, nil
}

// assocOptions parses the options of an assoc op on target model m (and
// through, the join model of a belongsToMany, else nil).
func (p *parser) assocOptions(m, through *Model, raw map[string]any) (*Options, error) {
	rest := map[string]any{}
	o := &Options{}
	for k, v := range raw {
		switch k {
		case "destroyPrevious", "destroy":
			b, err := parseBool(v)
			if err != nil {
				return nil, fmt.Errorf("option %s: %w", k, err)
			}
			if k == "destroy" {
				o.Destroy = *b
			} else {
				o.DestroyPrevious = *b
			}
		case "through":
			if through == nil {
				return nil, fmt.Errorf("option through on an association that is not a belongsToMany")
			}
			var err error
			if o.Through, err = parseThrough(through, v); err != nil {
				return nil, err
			}
		default:
			rest[k] = v
		}
	}
	q, err := p.options(m, rest)
	if err != nil {
		return nil, err
	}
	q.Destroy, q.DestroyPrevious, q.Through = o.Destroy, o.DestroyPrevious, o.Through
	return q, nil
}

func parseThrough(m *Model, v any) (*Through, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("through: want an object")
	}
	t := &Through{}
	vals := map[string]any{}
	for k, x := range obj {
		if k == "where" {
			w, err := parseWhere(m, x)
			if err != nil {
				return nil, fmt.Errorf("through.where: %w", err)
			}
			t.Where = w
			continue
		}
		vals[k] = x
	}
	if len(vals) > 0 {
		t.Values = convValues(m, vals)
	}
	return t, nil
}

func (p *parser) includes(m *Model, v any) ([]*Include, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list")
	}
	var out []*Include
	for _, x := range list {
		obj, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("include: want an object")
		}
		name, _ := obj["assoc"].(string)
		a, inverse, ok := p.s.Association(name)
		if !ok {
			return nil, fmt.Errorf("include: unknown association %q", name)
		}
		tn := a.Target
		if inverse {
			tn = a.Source
		}
		tm, _ := p.s.Model(tn)
		in := &Include{Assoc: name}
		for k, v := range obj {
			var err error
			switch k {
			case "assoc":
			case "where":
				in.Where, err = parseWhere(tm, v)
			case "required":
				in.Required, err = parseBool(v)
			case "include":
				in.Include, err = p.includes(tm, v)
			case "separate":
				var b *bool
				b, err = parseBool(v)
				in.Separate = b != nil && *b
			case "order":
				in.Order, err = parseOrder(tm, v)
			case "limit":
				in.Limit, err = parseInt(v)
			case "attributes":
				in.Attributes, err = fieldList(tm, v)
			case "paranoid":
				in.Paranoid, err = parseBool(v)
			case "through":
				if a.Type != BelongsToMany {
					return nil, fmt.Errorf("include %s: through on a %s", name, a.Type)
				}
				jm, _ := p.s.Model(a.Through)
				in.Through, err = parseThrough(jm, v)
			default:
				return nil, fmt.Errorf("include %s: unknown option %q", name, k)
			}
			if err != nil {
				return nil, fmt.Errorf("include %s: %s: %w", name, k, err)
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// whereOps are the field operators of a where clause.
var whereOps = map[string]bool{"eq": true, "ne": true, "gt": true, "gte": true, "lt": true, "lte": true,
	"in": true, "notIn": true, "like": true, "startsWith": true, "isNull": true}

// parseWhere converts a where object; fields are ANDed in name order and
// the operators of one field in name order, so a clause has one form.
func parseWhere(m *Model, v any) (*Where, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("where: want an object, got %v", v)
	}
	and := &Where{Op: "and"}
	for _, k := range sortedKeys(obj) {
		x := obj[k]
		if k == "or" {
			alts, ok := x.([]any)
			if !ok {
				return nil, fmt.Errorf("or: want a list")
			}
			or := &Where{Op: "or"}
			for _, alt := range alts {
				w, err := parseWhere(m, alt)
				if err != nil {
					return nil, err
				}
				or.Args = append(or.Args, w)
			}
			and.Args = append(and.Args, or)
			continue
		}
		f, known := m.Field(k)
		cv := func(v any) any {
			if known {
				return conv(f, v)
			}
			return v
		}
		ops, isOps := x.(map[string]any)
		if !isOps {
			and.Args = append(and.Args, &Where{Op: "eq", Field: k, Value: cv(x)})
			continue
		}
		for _, op := range sortedKeys(ops) {
			arg := ops[op]
			if !whereOps[op] {
				return nil, fmt.Errorf("where %s: unknown operator %q", k, op)
			}
			w := &Where{Op: op, Field: k}
			switch op {
			case "in", "notIn":
				list, ok := arg.([]any)
				if !ok {
					return nil, fmt.Errorf("where %s: %s wants a list", k, op)
				}
				vals := make([]any, len(list))
				for i, e := range list {
					vals[i] = cv(e)
				}
				w.Value = vals
			case "like", "startsWith":
				s, ok := arg.(string)
				if !ok {
					return nil, fmt.Errorf("where %s: %s wants a string", k, op)
				}
				w.Value = s
			case "isNull":
				b, ok := arg.(bool)
				if !ok {
					return nil, fmt.Errorf("where %s: isNull wants a bool", k)
				}
				if !b {
					w.Op = "notNull"
				}
			default:
				w.Value = cv(arg)
			}
			and.Args = append(and.Args, w)
		}
	}
	return and, nil
}

func parseOrder(m *Model, v any) ([]Order, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list")
	}
	out := make([]Order, 0, len(list))
	for _, x := range list {
		pair, ok := x.([]any)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("want [field, direction], got %v", x)
		}
		f, _ := pair[0].(string)
		dir, _ := pair[1].(string)
		if _, ok := m.Field(f); !ok {
			return nil, fmt.Errorf("unknown field %q", f)
		}
		switch strings.ToUpper(dir) {
		case "ASC", "DESC":
		default:
			return nil, fmt.Errorf("unknown direction %q", dir)
		}
		out = append(out, Order{Field: f, Desc: strings.EqualFold(dir, "DESC")})
	}
	return out, nil
}

func fieldList(m *Model, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of fields")
	}
	out := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if _, known := m.Field(s); !ok || !known {
			return nil, fmt.Errorf("unknown field %v", x)
		}
		out[i] = s
	}
	return out, nil
}

func parseInt(v any) (int, error) {
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) {
		return 0, fmt.Errorf("want an integer, got %v", v)
	}
	return int(f), nil
}

func parseBool(v any) (*bool, error) {
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("want a bool, got %v", v)
	}
	return &b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scenarioFiles lists the scenario files of dir, in name order: every
// *.json but a schemas.json beside them.
func scenarioFiles(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := files[:0]
	for _, f := range files {
		if filepath.Base(f) != "schemas.json" {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}
