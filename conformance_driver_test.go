package memrel

// The conformance driver: it builds every schema of a catalogue at run
// time, from the spec alone, and runs the scenario ops on it. Model structs
// come from reflect.StructOf; every call into memrel's internals goes
// through the shim in dynamic_test.go.

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/memrel/memrel/internal/conformance"
	"github.com/memrel/memrel/query"
)

// dynDriver is the conformance.Driver of memrel.
type dynDriver struct{}

var _ conformance.Driver = dynDriver{}

// dynStore is a store opened for one schema spec.
type dynStore struct {
	spec   *conformance.Schema
	db     *Store
	models map[string]*dynSpecModel
	assocs map[string]*dynSpecAssoc
	btms   map[string]*dynBTM // both sides of each belongsToMany, by name
}

// dynSpecModel ties a spec model to its struct type and memrel model.
type dynSpecModel struct {
	spec *conformance.Model
	typ  reflect.Type
	m    *dynModel
}

// dynSpecAssoc ties a spec association to its memrel association and the
// struct fields eager loading fills.
type dynSpecAssoc struct {
	spec      *conformance.Association
	a         *dynAssoc
	src, dst  *dynSpecModel
	many, one string // struct fields: []any on the source, any on the target
}

// unsupported says what of a schema memrel cannot do yet, or nil.
func (dynDriver) unsupported(s *conformance.Schema) error {
	for _, a := range s.Associations {
		if a.Type != conformance.HasMany && a.Type != conformance.HasOne && a.Type != conformance.BelongsToMany {
			return fmt.Errorf("memrel: association %s: %s is not supported yet", a.Name, a.Type)
		}
	}
	return nil
}

// Open implements conformance.Driver: one struct type per model, built
// from the spec; column i is the field Col<i>, the association i fills
// Many<i> on its source and One<i> on its target.
func (d dynDriver) Open(s *conformance.Schema, now func() time.Time) (conformance.Store, error) {
	if err := d.unsupported(s); err != nil {
		return nil, err
	}
	st := &dynStore{spec: s, models: map[string]*dynSpecModel{}, assocs: map[string]*dynSpecAssoc{}, btms: map[string]*dynBTM{}}
	extra := map[string][]reflect.StructField{}
	for i, a := range s.Associations {
		if a.Type == conformance.BelongsToMany {
			// Includes fill Many<i> on the source and Back<i> on the target.
			extra[a.Source] = append(extra[a.Source], reflect.StructField{Name: fmt.Sprintf("Many%d", i), Type: reflect.TypeFor[[]any]()})
			extra[a.Target] = append(extra[a.Target], reflect.StructField{Name: fmt.Sprintf("Back%d", i), Type: reflect.TypeFor[[]any]()})
			continue
		}
		extra[a.Source] = append(extra[a.Source], reflect.StructField{Name: fmt.Sprintf("Many%d", i), Type: reflect.TypeFor[[]any]()})
		extra[a.Target] = append(extra[a.Target], reflect.StructField{Name: fmt.Sprintf("One%d", i), Type: reflect.TypeFor[any]()})
	}
	schema := NewSchema()
	for _, m := range s.Models {
		sm := &dynSpecModel{spec: m}
		var fields []reflect.StructField
		for i, f := range m.Fields {
			var typ reflect.Type
			switch f.Type {
			case conformance.Int:
				typ = reflect.TypeFor[int64]()
			case conformance.String:
				typ = reflect.TypeFor[string]()
			case conformance.Date:
				typ = reflect.TypeFor[time.Time]()
			}
			tag := f.Name
			if f.PK {
				tag += ",pk"
			}
			if !f.PK || len(m.PK()) > 1 {
				// NULL can be written, and NOT NULL refuses it; a
				// composite key's fields are always given, never drawn.
				typ = reflect.PointerTo(typ)
			}
			if f.AutoIncrement {
				tag += ",autoinc"
			}
			if f.NotNull {
				tag += ",notnull"
			}
			if f.Unique {
				tag += ",unique"
			}
			if f.HasDefault {
				tag += ",default=" + f.Default
			}
			fields = append(fields, reflect.StructField{Name: fmt.Sprintf("Col%d", i), Type: typ,
				Tag: reflect.StructTag(fmt.Sprintf("memrel:%q", tag))})
		}
		sm.typ = reflect.StructOf(append(fields, extra[m.Name]...))
		sm.m = dynDefine(schema, m.Name, sm.typ)
		for _, g := range m.Unique {
			sm.m.t.AddUnique(g)
		}
		if m.Timestamps {
			sm.m.t.AddTimestamps()
		}
		if m.Paranoid {
			sm.m.t.AddParanoid()
		}
		st.models[m.Name] = sm
	}
	for i, a := range s.Associations {
		if a.Type == conformance.BelongsToMany {
			if err := st.dynThrough(schema, a, fmt.Sprintf("Many%d", i), fmt.Sprintf("Back%d", i)); err != nil {
				return nil, err
			}
			continue
		}
		sa := &dynSpecAssoc{spec: a, src: st.models[a.Source], dst: st.models[a.Target],
			many: fmt.Sprintf("Many%d", i), one: fmt.Sprintf("One%d", i)}
		o := HasManyOptions{As: a.As, Singular: a.Singular, ForeignKey: a.ForeignKey, SourceKey: a.SourceKey,
			Inverse: a.Inverse, Scope: a.Scope, Field: sa.many, InverseField: sa.one,
			NoConstraints: a.Constraints != nil && !*a.Constraints}
		var err error
		if o.OnDelete, err = dynAction(a.OnDelete); err != nil {
			return nil, err
		}
		if o.OnUpdate, err = dynAction(a.OnUpdate); err != nil {
			return nil, err
		}
		if a.Type == conformance.HasOne {
			sa.a = dynHasOne(schema, sa.src.m, sa.dst.m, o)
		} else {
			sa.a = dynHasMany(schema, sa.src.m, sa.dst.m, o)
		}
		st.assocs[a.Name] = sa
	}
	db, err := schema.Open(WithClock(now))
	if err != nil {
		return nil, err
	}
	st.db = db
	return st, nil
}

func dynAction(s string) (Action, error) {
	switch s {
	case "":
		return DefaultAction, nil
	case "CASCADE":
		return Cascade, nil
	case "SET NULL":
		return SetNull, nil
	case "RESTRICT":
		return Restrict, nil
	case "NO ACTION":
		return NoAction, nil
	case "SET DEFAULT":
		return SetDefault, nil
	}
	return 0, fmt.Errorf("memrel: unknown referential action %q", s)
}

// Is implements conformance.Driver.
func (dynDriver) Is(err error, name string) bool {
	switch name {
	case "ForeignKeyConstraintError":
		var e *ForeignKeyConstraintError
		return errors.As(err, &e)
	case "ValidationError":
		var e *ValidationError
		return errors.As(err, &e)
	case "UniqueConstraintError":
		var e *UniqueConstraintError
		return errors.As(err, &e)
	case "NotFound":
		return errors.Is(err, ErrNotFound)
	case "AssociationError":
		var e *AssociationError
		return errors.As(err, &e)
	case "EagerLoadingError":
		var e *EagerLoadingError
		return errors.As(err, &e)
	}
	return false
}

// Update implements conformance.Store.
func (st *dynStore) Update(fn func(conformance.Tx) error) error {
	return st.db.Update(func(tx *Txn) error { return fn(&dynTx{st, tx}) })
}

// View implements conformance.Store.
func (st *dynStore) View(fn func(conformance.Tx) error) error {
	return st.db.View(func(tx *Txn) error { return fn(&dynTx{st, tx}) })
}

// dynTx is a conformance.Tx on one memrel transaction.
type dynTx struct {
	st *dynStore
	tx *Txn
}

var (
	_ conformance.Tx       = (*dynTx)(nil)
	_ conformance.BulkTx   = (*dynTx)(nil)
	_ conformance.NestedTx = (*dynTx)(nil)
)

func (x *dynTx) model(name string) (*dynSpecModel, error) {
	m, ok := x.st.models[name]
	if !ok {
		return nil, fmt.Errorf("conformance driver: unknown model %q", name)
	}
	return m, nil
}

func (x *dynTx) assoc(name string) (*dynSpecAssoc, error) {
	a, ok := x.st.assocs[name]
	if !ok {
		return nil, fmt.Errorf("conformance driver: unknown association %q", name)
	}
	return a, nil
}

// row converts a stored struct to a scenario row.
func (m *dynSpecModel) row(v any) conformance.Row {
	rv := reflect.ValueOf(v).Elem()
	row := conformance.Row{}
	for i, f := range m.spec.Fields {
		fv := rv.Field(i)
		switch {
		case fv.Kind() != reflect.Pointer:
			row[f.Name] = fv.Interface()
		case fv.IsNil():
			row[f.Name] = nil
		default:
			row[f.Name] = fv.Elem().Interface()
		}
	}
	return row
}

// set writes scenario values into the struct at rv.
func (m *dynSpecModel) set(rv reflect.Value, values conformance.Values) error {
	for name, v := range values {
		i := -1
		for j, f := range m.spec.Fields {
			if f.Name == name {
				i = j
			}
		}
		if i < 0 {
			return fmt.Errorf("conformance driver: %s has no field %q", m.spec.Name, name)
		}
		fv := rv.Field(i)
		if v == nil {
			fv.SetZero()
			continue
		}
		base := fv.Type()
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		val := reflect.ValueOf(v)
		if val.Type() != base {
			return fmt.Errorf("conformance driver: %s.%s: a %T for a %s field", m.spec.Name, name, v, base)
		}
		if fv.Kind() == reflect.Pointer {
			p := reflect.New(base)
			p.Elem().Set(val)
			fv.Set(p)
		} else {
			fv.Set(val)
		}
	}
	return nil
}

// build returns a new struct holding values.
func (m *dynSpecModel) build(values conformance.Values) (any, error) {
	p := reflect.New(m.typ)
	if err := m.set(p.Elem(), values); err != nil {
		return nil, err
	}
	return p.Interface(), nil
}

// instance returns a struct with only the primary key set, as a caller
// identifies a row.
func (m *dynSpecModel) instance(key any) (any, error) {
	pk := m.spec.PK()
	if len(pk) == 1 {
		return m.build(conformance.Values{pk[0].Name: key})
	}
	parts, ok := key.([]any)
	if !ok || len(parts) != len(pk) {
		return nil, fmt.Errorf("memrel: key %v of %s is not one value per key field", key, m.spec.Name)
	}
	values := conformance.Values{}
	for i, f := range pk {
		values[f.Name] = parts[i]
	}
	return m.build(values)
}

// targets passes every other target as an instance, the rest as keys:
// both forms must work.
func (a *dynSpecAssoc) targets(keys []any) ([]any, error) {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
		if i%2 == 1 {
			v, err := a.dst.instance(k)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
	}
	return out, nil
}

func (x *dynTx) Create(model string, values conformance.Values) (conformance.Key, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	v, err := m.build(values)
	if err != nil {
		return nil, err
	}
	got, err := m.m.create(x.tx, v, nil)
	if err != nil {
		return nil, err
	}
	return m.m.key(got), nil
}

// CreateNested implements conformance.NestedTx: the rows to create are
// built into the association fields of the new row, which Create reads
// through incs.
func (x *dynTx) CreateNested(model string, values conformance.Values, incs []*conformance.Include) (*conformance.Node, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	v, err := x.buildNested(m, values, incs)
	if err != nil {
		return nil, err
	}
	opts, err := x.includes(incs)
	if err != nil {
		return nil, err
	}
	got, err := m.m.create(x.tx, v, opts)
	if err != nil {
		return nil, err
	}
	return x.nodes(m, []any{got}, incs)[0], nil
}

// buildNested returns a new struct of m holding values, with the rows
// they hold under the aliases of incs, built likewise, in the fields
// those includes fill.
func (x *dynTx) buildNested(m *dynSpecModel, values conformance.Values, incs []*conformance.Include) (any, error) {
	own := conformance.Values{}
	for k, v := range values {
		own[k] = v
	}
	var kids [][]any
	for _, in := range incs {
		alias, _, _, _ := x.st.spec.Reach(in.Assoc)
		_, to := x.reach(in.Assoc)
		var list []any
		rows, _ := own[alias].([]conformance.Values)
		if one, ok := own[alias].(conformance.Values); ok {
			rows = []conformance.Values{one}
		}
		for _, r := range rows {
			kid, err := x.buildNested(to, r, in.Include)
			if err != nil {
				return nil, err
			}
			list = append(list, kid)
		}
		delete(own, alias)
		kids = append(kids, list)
	}
	row, err := m.build(own)
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(row).Elem()
	for i, in := range incs {
		field, _ := x.reach(in.Assoc)
		switch fv := rv.FieldByName(field); {
		case fv.Kind() == reflect.Slice:
			fv.Set(reflect.ValueOf(kids[i]))
		case len(kids[i]) > 0:
			fv.Set(reflect.ValueOf(kids[i][0]))
		}
	}
	return row, nil
}

func (x *dynTx) Update(model string, pk conformance.Key, values conformance.Values) error {
	m, err := x.model(model)
	if err != nil {
		return err
	}
	// Sequelize's update by key writes the values given: Model.Patch.
	return m.m.patch(x.tx, pk, values)
}

func (x *dynTx) UpdateWhere(model string, where *conformance.Where, values conformance.Values) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	return m.m.updateAll(x.tx, dynWhere(where), values)
}

func (x *dynTx) DestroyWhere(model string, where *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	return m.m.destroyAll(x.tx, dynWhere(where), false)
}

func (x *dynTx) Destroy(model string, pk conformance.Key) error {
	m, err := x.model(model)
	if err != nil {
		return err
	}
	return m.m.destroyKey(x.tx, pk, false)
}

func (x *dynTx) FindByPk(model string, pk conformance.Key) (conformance.Row, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	v, ok, err := m.m.findByPK(x.tx, pk, false)
	if !ok || err != nil {
		return nil, err
	}
	return m.row(v), nil
}

func (x *dynTx) FindAll(model string, o *conformance.Options) ([]*conformance.Node, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	opts, err := x.options(o)
	if err != nil {
		return nil, err
	}
	rows, err := m.m.findAll(x.tx, opts)
	if err != nil {
		return nil, err
	}
	return x.nodes(m, rows, o.Include), nil
}

// nodes converts found rows and the associations their includes loaded.
func (x *dynTx) nodes(m *dynSpecModel, rows []any, incs []*conformance.Include) []*conformance.Node {
	out := make([]*conformance.Node, len(rows))
	for i, r := range rows {
		n := &conformance.Node{Row: m.row(r)}
		rv := reflect.ValueOf(r).Elem()
		for _, in := range incs {
			if n.Included == nil {
				n.Included = map[string][]*conformance.Node{}
			}
			field, to := x.reach(in.Assoc)
			var kids []any
			if fv := rv.FieldByName(field); fv.Kind() == reflect.Slice {
				kids = fv.Interface().([]any)
			} else if p := fv.Interface(); p != nil {
				kids = []any{p}
			}
			n.Included[in.Assoc] = x.nodes(to, kids, in.Include)
		}
		out[i] = n
	}
	return out
}

// reach resolves an include's association name to the struct field its
// rows fill ([]any, or any for a belongsTo) and the model of those rows.
func (x *dynTx) reach(name string) (field string, to *dynSpecModel) {
	if b, ok := x.st.btms[name]; ok {
		return b.th.Field, b.dst
	}
	a, inverse := x.include(name)
	if inverse {
		return a.one, a.src
	}
	return a.many, a.dst
}

// include resolves an include's association name: an entry, or the
// inverse belongsTo of one (Target.inverse).
func (x *dynTx) include(name string) (*dynSpecAssoc, bool) {
	a, inverse, _ := x.st.spec.Association(name)
	if a == nil {
		return nil, false
	}
	return x.st.assocs[a.Name], inverse
}

func (x *dynTx) Count(model string, o *conformance.Options) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	opts, err := x.options(o)
	if err != nil {
		return 0, err
	}
	return m.m.count(x.tx, opts)
}

// source returns the association and an instance of the source row key.
func (x *dynTx) source(name string, key any) (*dynSpecAssoc, any, error) {
	a, err := x.assoc(name)
	if err != nil {
		return nil, nil, err
	}
	src, err := a.src.instance(key)
	return a, src, err
}

func (x *dynTx) AssocGet(assoc string, source conformance.Key, o *conformance.Options) ([]conformance.Row, error) {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmGet(b, source, o)
	}
	a, src, err := x.source(assoc, source)
	if err != nil {
		return nil, err
	}
	opts, err := x.options(o)
	if err != nil {
		return nil, err
	}
	rows, err := a.a.get(x.tx, src, opts)
	out := make([]conformance.Row, len(rows))
	for i, r := range rows {
		out[i] = a.dst.row(r)
	}
	return out, err
}

func (x *dynTx) AssocCount(assoc string, source conformance.Key, o *conformance.Options) (int, error) {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmCount(b, source, o)
	}
	a, src, err := x.source(assoc, source)
	if err != nil {
		return 0, err
	}
	opts, err := x.options(o)
	if err != nil {
		return 0, err
	}
	return a.a.count(x.tx, src, opts)
}

// targets returns the association, an instance of the source row and
// the targets as the association ops take them.
func (x *dynTx) targets(name string, source conformance.Key, keys []conformance.Key) (*dynSpecAssoc, any, []any, error) {
	a, src, err := x.source(name, source)
	if err != nil {
		return nil, nil, nil, err
	}
	ts, err := a.targets(keys)
	return a, src, ts, err
}

func (x *dynTx) AssocHas(assoc string, source conformance.Key, targets []conformance.Key) (bool, error) {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmHas(b, source, targets)
	}
	a, src, ts, err := x.targets(assoc, source, targets)
	if err != nil {
		return false, err
	}
	return a.a.has(x.tx, src, ts)
}

func (x *dynTx) AssocAdd(assoc string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmDo(conformance.OpAssocAdd, b, source, targets, o)
	}
	a, src, ts, err := x.targets(assoc, source, targets)
	if err != nil {
		return err
	}
	return a.a.add(x.tx, src, ts)
}

func (x *dynTx) AssocSet(assoc string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmDo(conformance.OpAssocSet, b, source, targets, o)
	}
	a, src, ts, err := x.targets(assoc, source, targets)
	if err != nil {
		return err
	}
	return a.a.set(x.tx, src, ts, &SetOptions{DestroyPrevious: o.DestroyPrevious})
}

func (x *dynTx) AssocRemove(assoc string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmDo(conformance.OpAssocRemove, b, source, targets, o)
	}
	a, src, ts, err := x.targets(assoc, source, targets)
	if err != nil {
		return err
	}
	return a.a.remove(x.tx, src, ts, &RemoveOptions{Destroy: o.Destroy})
}

func (x *dynTx) AssocCreate(assoc string, source conformance.Key, values conformance.Values, o *conformance.Options) (conformance.Key, error) {
	if b, ok := x.st.btms[assoc]; ok {
		return x.btmCreate(b, source, values, o)
	}
	a, src, err := x.source(assoc, source)
	if err != nil {
		return nil, err
	}
	v, err := a.dst.build(values)
	if err != nil {
		return nil, err
	}
	got, err := a.a.create(x.tx, src, v)
	if err != nil {
		return nil, err
	}
	return a.dst.m.key(got), nil
}

func (x *dynTx) InverseGet(assoc string, target conformance.Key) (conformance.Row, error) {
	a, err := x.assoc(assoc)
	if err != nil {
		return nil, err
	}
	child, err := a.dst.instance(target)
	if err != nil {
		return nil, err
	}
	p, ok, err := a.a.parent(x.tx, child)
	if !ok || err != nil {
		return nil, err
	}
	return a.src.row(p), nil
}

func (x *dynTx) InverseSet(assoc string, target, source conformance.Key) error {
	a, err := x.assoc(assoc)
	if err != nil {
		return err
	}
	child, err := a.dst.instance(target)
	if err != nil {
		return err
	}
	var parent any
	if source != nil {
		if parent, err = a.src.instance(source); err != nil {
			return err
		}
	}
	return a.a.setParent(x.tx, child, parent)
}

func (x *dynTx) Dump() (map[string][]conformance.Row, error) {
	out := map[string][]conformance.Row{}
	for _, spec := range x.st.spec.Models {
		m := x.st.models[spec.Name]
		rows, err := m.m.findAll(x.tx, &Options{WithDeleted: true})
		if err != nil {
			return nil, err
		}
		list := make([]conformance.Row, len(rows))
		for i, r := range rows {
			list[i] = m.row(r)
		}
		out[spec.Name] = list
	}
	return out, nil
}

// options converts scenario options, refusing what memrel cannot do yet.
func (x *dynTx) options(o *conformance.Options) (*Options, error) {
	if o == nil {
		return nil, nil
	}
	switch {
	case len(o.Group) > 0, o.Force, o.Defaults != nil, o.Through != nil:
		return nil, fmt.Errorf("memrel: options group, force, defaults and through are not supported yet")
	}
	out := &Options{Where: dynWhere(o.Where), Order: dynOrder(o.Order), Limit: o.Limit, Offset: o.Offset, Fields: o.Attributes,
		WithDeleted: dynWithDeleted(o.Paranoid)}
	var err error
	out.Include, err = x.includes(o.Include)
	return out, err
}

func (x *dynTx) includes(incs []*conformance.Include) ([]Include, error) {
	var out []Include
	for _, in := range incs {
		b, isBTM := x.st.btms[in.Assoc]
		if in.Through != nil && !isBTM {
			return nil, fmt.Errorf("memrel: include %s: through on an association that is no belongsToMany", in.Assoc)
		}
		if isBTM {
			inc := dynInclude(b, in)
			if in.Through != nil {
				inc.ThroughWhere = dynWhere(in.Through.Where)
			}
			var err error
			if inc.Include, err = x.includes(in.Include); err != nil {
				return nil, err
			}
			out = append(out, inc)
			continue
		}
		a, inverse := x.include(in.Assoc)
		if a == nil {
			return nil, fmt.Errorf("conformance driver: unknown association %q", in.Assoc)
		}
		assoc := a.a
		if inverse {
			assoc = assoc.inverseOf()
		}
		inc := dynInclude(assoc, in)
		var err error
		if inc.Include, err = x.includes(in.Include); err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, nil
}

// dynInclude converts an include's own options. memrel's Order, Limit and
// Offset always apply per parent, which is what separate asks for; a
// separate include ignores required (its where filters without dropping
// parents), so it maps to Optional.
func dynInclude(a Association, in *conformance.Include) Include {
	inc := Include{Assoc: a, Where: dynWhere(in.Where), Required: dynRequired(in.Required),
		Order: dynOrder(in.Order), Limit: in.Limit, Fields: in.Attributes, WithDeleted: dynWithDeleted(in.Paranoid)}
	if in.Separate {
		inc.Required = Optional
	}
	return inc
}

// dynOrder converts a scenario order.
func dynOrder(order []conformance.Order) []query.Order {
	var out []query.Order
	for _, ord := range order {
		out = append(out, query.Order{Field: ord.Field, Desc: ord.Desc})
	}
	return out
}

// dynWhere converts a scenario where clause.
func dynWhere(w *conformance.Where) query.Cond {
	if w == nil {
		return query.Cond{}
	}
	switch w.Op {
	case "and", "or":
		args := make([]query.Cond, len(w.Args))
		for i, a := range w.Args {
			args[i] = dynWhere(a)
		}
		if w.Op == "or" {
			return query.Or(args...)
		}
		return query.And(args...)
	case "eq":
		return query.Eq(w.Field, w.Value)
	case "ne":
		return query.Ne(w.Field, w.Value)
	case "gt":
		return query.Gt(w.Field, w.Value)
	case "gte":
		return query.Gte(w.Field, w.Value)
	case "lt":
		return query.Lt(w.Field, w.Value)
	case "lte":
		return query.Lte(w.Field, w.Value)
	case "in":
		return query.In(w.Field, w.Value.([]any)...)
	case "notIn":
		return query.NotIn(w.Field, w.Value.([]any)...)
	case "like":
		return query.Like(w.Field, w.Value.(string))
	case "startsWith":
		return query.StartsWith(w.Field, w.Value.(string))
	case "isNull":
		return query.IsNull(w.Field)
	case "notNull":
		return query.NotNull(w.Field)
	}
	panic("conformance driver: unknown where operator " + w.Op)
}

// dynRequired is an include's required option.
func dynRequired(r *bool) Requirement {
	switch {
	case r == nil:
		return RequiredIfWhere
	case *r:
		return Required
	}
	return Optional
}
