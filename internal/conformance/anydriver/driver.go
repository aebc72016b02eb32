// Package anydriver is the [conformance.Driver] of memrel: it builds each
// scenario schema at run time with memrel's public dynamic-model API
// ([memrel.DefineAny], [memrel.NewAnyHasMany], [memrel.NewAnyHasOne],
// [memrel.NewAnyBelongsToMany]) and runs every scenario op through the
// [memrel.AnyModel] and association methods a tool without Go types would
// call, so the scenarios exercise that API and, through it, the typed
// API's paths. It reaches into no internals: a store of another engine,
// opened through [Driver.OpenStore], runs the same scenarios unchanged.
package anydriver

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// Driver runs the scenarios on stores opened by OpenStore. The zero
// Driver opens memrel's own stores. A Driver holds no state of its own,
// so one value may run scenarios from several goroutines when OpenStore
// may.
type Driver struct {
	// OpenStore opens a store of s, a schema the driver built, with opts
	// (the scenario clock); nil is memrel's own [memrel.Schema.Open].
	OpenStore func(s *memrel.Schema, opts ...memrel.StoreOption) (*memrel.Store, error)
}

var _ conformance.Driver = Driver{}

// store is a store opened for one schema spec, with the models and
// associations built for it, by the spec's names.
type store struct {
	spec   *conformance.Schema
	db     *memrel.Store
	models map[string]*model
	assocs map[string]*assoc // hasMany and hasOne, by entry name
	btms   map[string]*btm   // both sides of each belongsToMany
	// reach is where an include's association name leads: every entry
	// name and every Target.inverse.
	reach map[string]reach
}

// model ties a spec model to its AnyModel.
type model struct {
	spec *conformance.Model
	m    *memrel.AnyModel
}

// assoc ties a hasMany or hasOne entry to its AnyAssociation.
type assoc struct {
	a        *memrel.AnyAssociation
	src, dst *model
}

// btm is one side of a belongsToMany.
type btm struct {
	b              *memrel.AnyBelongsToMany
	src, dst, join *model
}

// reach is an include's association: what to include, the name its rows
// come under in a Row, and their model.
type reach struct {
	assoc memrel.Association
	alias string
	to    *model
	btm   bool
}

// unsupported says what of a schema the driver cannot build, or nil.
func unsupported(s *conformance.Schema) error {
	for _, a := range s.Associations {
		if a.Type != conformance.HasMany && a.Type != conformance.HasOne && a.Type != conformance.BelongsToMany {
			return fmt.Errorf("anydriver: association %s: %s is not supported yet", a.Name, a.Type)
		}
	}
	return nil
}

// Open implements conformance.Driver: one DefineAny model per spec model,
// its columns in the spec's order, then the associations.
func (d Driver) Open(s *conformance.Schema, now func() time.Time) (conformance.Store, error) {
	if err := unsupported(s); err != nil {
		return nil, err
	}
	st := &store{spec: s, models: map[string]*model{}, assocs: map[string]*assoc{}, btms: map[string]*btm{},
		reach: map[string]reach{}}
	schema := memrel.NewSchema()
	for _, m := range s.Models {
		cols, err := columns(m)
		if err != nil {
			return nil, err
		}
		var opts []memrel.ModelOption
		for _, g := range m.Unique {
			opts = append(opts, memrel.Unique(g...))
		}
		if m.Timestamps {
			opts = append(opts, memrel.Timestamps())
		}
		if m.Paranoid {
			opts = append(opts, memrel.Paranoid())
		}
		st.models[m.Name] = &model{spec: m, m: memrel.DefineAny(schema, m.Name, cols, opts...)}
	}
	for _, a := range s.Associations {
		if err := st.associate(a); err != nil {
			return nil, err
		}
	}
	open := d.OpenStore
	if open == nil {
		open = (*memrel.Schema).Open
	}
	db, err := open(schema, memrel.WithClock(now))
	if err != nil {
		return nil, err
	}
	st.db = db
	return st, nil
}

// columns converts a spec model's fields. A single key field is a plain
// column (an autoincrement one drawn from the sequence); every other field
// can be NULL in a Row, so that a NOT NULL one (a composite key's field
// among them: always given, never drawn) is refused with a
// ValidationError rather than stored as zero.
func columns(m *conformance.Model) ([]memrel.Column, error) {
	single := len(m.PK()) == 1
	cols := make([]memrel.Column, len(m.Fields))
	for i, f := range m.Fields {
		c := memrel.Column{Name: f.Name, PK: f.PK, AutoInc: f.AutoIncrement, Unique: f.Unique}
		switch f.Type {
		case conformance.Int:
			c.Type = memrel.TypeInt
		case conformance.String:
			c.Type = memrel.TypeString
		case conformance.Date:
			c.Type = memrel.TypeTime
		}
		switch {
		case f.PK && single:
		case f.PK || f.NotNull:
			c.NotNull = true
		default:
			c.Nullable = true
		}
		if f.HasDefault {
			v, err := defaultOf(f)
			if err != nil {
				return nil, fmt.Errorf("anydriver: %s.%s: %w", m.Name, f.Name, err)
			}
			c.Default = v
		}
		cols[i] = c
	}
	return cols, nil
}

// defaultOf is a field's default as a value of its type.
func defaultOf(f *conformance.Field) (any, error) {
	switch f.Type {
	case conformance.Int:
		return strconv.ParseInt(f.Default, 10, 64)
	case conformance.Date:
		return time.Parse(time.RFC3339Nano, f.Default)
	}
	return f.Default, nil
}

// associate declares one association entry and registers the names that
// reach it.
func (st *store) associate(a *conformance.Association) error {
	src, dst := st.models[a.Source], st.models[a.Target]
	if a.Type == conformance.BelongsToMany {
		join := st.models[a.Through]
		b := memrel.NewAnyBelongsToMany(src.m, dst.m, join.m, memrel.BelongsToManyOptions{
			ForeignKey: a.ForeignKey, OtherKey: a.OtherKey, As: a.As, Inverse: a.Inverse})
		st.btms[a.Name] = &btm{b: b, src: src, dst: dst, join: join}
		st.reach[a.Name] = reach{assoc: b, alias: b.Info().As, to: dst, btm: true}
		if a.Inverse != "" {
			inv := b.Inverse()
			name := a.Target + "." + a.Inverse
			st.btms[name] = &btm{b: inv, src: dst, dst: src, join: join}
			st.reach[name] = reach{assoc: inv, alias: inv.Info().As, to: src, btm: true}
		}
		return nil
	}
	onDelete, err := action(a.OnDelete)
	if err != nil {
		return err
	}
	onUpdate, err := action(a.OnUpdate)
	if err != nil {
		return err
	}
	noConstraints := a.Constraints != nil && !*a.Constraints
	var x *memrel.AnyAssociation
	if a.Type == conformance.HasOne {
		x = memrel.NewAnyHasOne(src.m, dst.m, memrel.HasOneOptions{ForeignKey: a.ForeignKey, SourceKey: a.SourceKey,
			As: a.As, Inverse: a.Inverse, Scope: a.Scope, OnDelete: onDelete, OnUpdate: onUpdate, NoConstraints: noConstraints})
	} else {
		x = memrel.NewAnyHasMany(src.m, dst.m, memrel.HasManyOptions{ForeignKey: a.ForeignKey, SourceKey: a.SourceKey,
			As: a.As, Singular: a.Singular, Inverse: a.Inverse, Scope: a.Scope, OnDelete: onDelete, OnUpdate: onUpdate,
			NoConstraints: noConstraints})
	}
	st.assocs[a.Name] = &assoc{a: x, src: src, dst: dst}
	st.reach[a.Name] = reach{assoc: x, alias: x.Info().As, to: dst}
	if a.Inverse != "" {
		inv := x.Inverse()
		st.reach[a.Target+"."+a.Inverse] = reach{assoc: inv, alias: inv.Info().As, to: src}
	}
	return nil
}

// action converts a referential action as the spec spells it.
func action(s string) (memrel.Action, error) {
	switch s {
	case "":
		return memrel.DefaultAction, nil
	case "CASCADE":
		return memrel.Cascade, nil
	case "SET NULL":
		return memrel.SetNull, nil
	case "RESTRICT":
		return memrel.Restrict, nil
	case "NO ACTION":
		return memrel.NoAction, nil
	case "SET DEFAULT":
		return memrel.SetDefault, nil
	}
	return 0, fmt.Errorf("anydriver: unknown referential action %q", s)
}

// Is implements conformance.Driver: the scenario's error names are
// memrel's error types and sentinels.
func (Driver) Is(err error, name string) bool {
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
	return false
}

// Update implements conformance.Store.
func (st *store) Update(fn func(conformance.Tx) error) error {
	return st.db.Update(func(t *memrel.Txn) error { return fn(&tx{st, t}) })
}

// View implements conformance.Store.
func (st *store) View(fn func(conformance.Tx) error) error {
	return st.db.View(func(t *memrel.Txn) error { return fn(&tx{st, t}) })
}
