package memrel

// The shim between the conformance driver (conformance_driver_test.go) and
// memrel's internals: every unexported name the driver needs is used here
// and nowhere else in it. It defines models from a reflect.Type (memrel's
// typed API needs a Go type per model: Define[T]) and runs the type-erased
// operations behind the typed methods, calling the same internal functions
// those methods call, so the scenarios exercise the real paths. Rows are
// pointers to the model's struct type, boxed in any.

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// dynModel is a model defined from a reflect.Type.
type dynModel struct{ t *meta.Table }

// dynDefine is Define for a struct type known at run time.
func dynDefine(s *Schema, name string, typ reflect.Type) *dynModel {
	return &dynModel{t: defineType(s, name, typ)}
}

// in is Model.in: a copy the store may own, association fields cleared;
// rows in one fail it.
func (m *dynModel) in(row any) (any, error) {
	if err := m.t.Unstored(m.t.Ptr(row), m.t.Assocs); err != nil {
		return nil, err
	}
	return m.t.In(row), nil
}

// out copies rows a read found for the caller.
func (m *dynModel) out(f rel.Found) []any {
	if f.Owned {
		return f.Rows
	}
	res := make([]any, len(f.Rows))
	for i, r := range f.Rows {
		res[i] = m.t.Clone(r)
	}
	return res
}

// create is Model.Create, nested with incs.
func (m *dynModel) create(tx *Txn, v any, incs []Include) (any, error) {
	if err := tx.use(m.t, true); err != nil {
		return nil, err
	}
	defer tx.leave()
	if len(incs) > 0 {
		return createNested(tx, m.t, v, incs)
	}
	row, err := m.in(v)
	if err != nil {
		return nil, err
	}
	if err := tx.r.Atomic(func() error { return tx.r.Create(m.t, row, nil) }); err != nil {
		return nil, err
	}
	return m.t.Clone(row), nil
}

// key is Model.Key.
// key is Model.Key, a composite key as the runner's []any.
func (m *dynModel) key(row any) any {
	k := m.t.KeyValue(m.t.Ptr(row))
	if ck, ok := k.(Key); ok {
		return append([]any(nil), ck[:ck.Len()]...)
	}
	return k
}

// findByPK is Model.FindByPK.
func (m *dynModel) findByPK(tx *Txn, key any, withDeleted bool) (any, bool, error) {
	row, err := findByKey(tx, m.t, key, withDeleted)
	if row == nil {
		return nil, false, err
	}
	return m.t.Clone(row), true, nil
}

// findAll is Model.FindAll.
func (m *dynModel) findAll(tx *Txn, o *Options) ([]any, error) {
	f, err := findRows(tx, m.t, o)
	if err != nil {
		return nil, err
	}
	return m.out(f), nil
}

// count is Model.Count.
func (m *dynModel) count(tx *Txn, o *Options) (int, error) { return countRows(tx, m.t, o) }

// destroyKey is Model.DestroyKey.
func (m *dynModel) destroyKey(tx *Txn, key any, force bool) error {
	return destroyKey(tx, m.t, key, force)
}

// updateAll is Model.UpdateAll.
func (m *dynModel) updateAll(tx *Txn, where query.Cond, set map[string]any) (int, error) {
	return updateAll(tx, m.t, where, set)
}

// destroyAll is Model.DestroyAll.
func (m *dynModel) destroyAll(tx *Txn, where query.Cond, force bool) (int, error) {
	return destroyAll(tx, m.t, where, force)
}

// restore is Model.Restore, and Model.RestoreKey (0 or 1) when hasKey.
func (m *dynModel) restore(tx *Txn, key any, hasKey bool, where query.Cond) (int, error) {
	if !hasKey {
		return restore(tx, m.t, where)
	}
	ok, err := restoreKey(tx, m.t, key)
	if ok {
		return 1, err
	}
	return 0, err
}

// dynAssoc is a hasMany between two dynModels, or its inverse belongsTo:
// an Association for includes, and the receiver of the association ops.
type dynAssoc struct {
	a       *meta.Relation
	inverse bool
}

// Info implements Association.
func (d *dynAssoc) Info() AssociationInfo { return assocInfo(d.a, d.inverse) }

func (d *dynAssoc) side() (*meta.Relation, bool) { return d.a, d.inverse }

// dynHasMany is NewHasMany for dynModels. Eager loading fills the source
// field o.Field, of type []any, with pointers to target rows, and the
// target field o.InverseField, of type any, with a pointer to the parent
// row: reflect.StructOf cannot build the recursive types a self-association
// would need ([]Category in Category).
func dynHasMany(s *Schema, src, dst *dynModel, o HasManyOptions) *dynAssoc {
	return dynAssocOf(meta.NewRelation(&s.m, src.t, dst.t, meta.RelationOptions(o)), src, dst, o)
}

// dynHasOne is NewHasOne for dynModels; eager loading fills the source
// field as for dynHasMany, with at most one row.
func dynHasOne(s *Schema, src, dst *dynModel, o HasManyOptions) *dynAssoc {
	d := dynAssocOf(meta.NewOneRelation(&s.m, src.t, dst.t, meta.RelationOptions(o), false), src, dst, o)
	fill := d.a.FillMany
	d.a.FillTarget = func(parent unsafe.Pointer, kid any, owned bool) {
		var kids []any
		if kid != nil {
			kids = []any{kid}
		}
		fill(parent, kids, owned)
	}
	d.a.FillMany = nil
	return d
}

// dynAssocOf gives a its typed fills and zeroers for the dynModels.
func dynAssocOf(a *meta.Relation, src, dst *dynModel, o HasManyOptions) *dynAssoc {
	many, _ := src.t.Type.FieldByName(o.Field)
	one, _ := dst.t.Type.FieldByName(o.InverseField)
	mo, oo := many.Offset, one.Offset
	a.FillMany = func(parent unsafe.Pointer, kids []any, owned bool) {
		cs := make([]any, len(kids))
		for i, k := range kids {
			if !owned {
				k = a.Target.Clone(k)
			}
			cs[i] = k
		}
		*(*[]any)(unsafe.Add(parent, mo)) = cs
	}
	dynClaim(src.t, o.Field)
	a.FillOne = func(child unsafe.Pointer, parent any, owned bool) {
		if !owned {
			parent = a.Source.Clone(parent)
		}
		*(*any)(unsafe.Add(child, oo)) = parent
	}
	dynClaim(dst.t, o.InverseField)
	return &dynAssoc{a: a}
}

// dynClaim makes the []any or any field name of t an association field,
// as claimField does for the typed forms: a nested create reads the rows
// to create from it, and every other write refuses rows in it.
func dynClaim(t *meta.Table, name string) {
	sf, _ := t.Type.FieldByName(name)
	off := sf.Offset
	if sf.Type.Kind() == reflect.Slice {
		t.Claim(sf, func(p unsafe.Pointer) { *(*[]any)(unsafe.Add(p, off)) = nil },
			func(p unsafe.Pointer, dst []any) []any { return append(dst, *(*[]any)(unsafe.Add(p, off))...) })
		return
	}
	t.Claim(sf, func(p unsafe.Pointer) { *(*any)(unsafe.Add(p, off)) = nil },
		func(p unsafe.Pointer, dst []any) []any {
			if v := *(*any)(unsafe.Add(p, off)); v != nil {
				dst = append(dst, v)
			}
			return dst
		})
}

// inverseOf returns the belongsTo side, as HasMany.Inverse does.
func (d *dynAssoc) inverseOf() *dynAssoc { return &dynAssoc{a: d.a, inverse: true} }

// targetKeys encodes targets given as keys or as rows (pointers to the
// target struct), as HasMany.targetKeys does; a duplicate is left in,
// which every operation treats as listed once.
func (d *dynAssoc) targetKeys(targets []any) ([][]byte, error) {
	t := d.a.Target
	rowType := reflect.PointerTo(t.Type)
	keys := make([][]byte, 0, len(targets))
	for _, x := range targets {
		if reflect.TypeOf(x) == rowType {
			keys = append(keys, t.PKKey(x, nil))
			continue
		}
		k, err := t.KeyOf(x, nil)
		if err != nil {
			return nil, &errs.TargetError{Err: err, Assoc: d.a.Name}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// get is HasMany.Get, or HasOne.Get (none or one row).
func (d *dynAssoc) get(tx *Txn, src any, o *Options) ([]any, error) {
	a := d.a
	if err := tx.use(a.Target, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	p := a.Source.Ptr(src)
	if a.Arity == meta.One {
		row, owned, err := oneGet(tx, a, p, o)
		if err != nil || row == nil {
			return nil, err
		}
		if !owned {
			row = a.Target.Clone(row)
		}
		return []any{row}, nil
	}
	f, err := tx.r.SourceRows(a, p, o.read(a.Target, new(rel.Read)))
	if err != nil {
		return nil, err
	}
	return (&dynModel{t: a.Target}).out(f), nil
}

// count is HasMany.Count.
func (d *dynAssoc) count(tx *Txn, src any, o *Options) (int, error) {
	a := d.a
	if err := tx.use(a.Target, false); err != nil {
		return 0, err
	}
	defer tx.leave()
	p := a.Source.Ptr(src)
	return tx.r.SourceCount(a, p, o.read(a.Target, new(rel.Read)))
}

// has is HasMany.HasKeys.
func (d *dynAssoc) has(tx *Txn, src any, targets []any) (bool, error) {
	a := d.a
	if err := tx.use(a.Target, false); err != nil {
		return false, err
	}
	defer tx.leave()
	keys, err := d.targetKeys(targets)
	if err != nil {
		return false, err
	}
	return tx.r.SourceHas(a, a.Source.Ptr(src), keys)
}

// write is HasMany.write: one atomic association write for src.
func (d *dynAssoc) write(tx *Txn, src any, targets []any, fn func(sk []byte, skv any, keys [][]byte) error) error {
	a := d.a
	if err := tx.use(a.Target, true); err != nil {
		return err
	}
	defer tx.leave()
	keys, err := d.targetKeys(targets)
	if err != nil {
		return err
	}
	return tx.r.Atomic(func() error {
		sk, skv, err := tx.r.Source(a, a.Source.Ptr(src), nil)
		if err != nil {
			return err
		}
		return fn(sk, skv, keys)
	})
}

// add is HasMany.AddKeys.
func (d *dynAssoc) add(tx *Txn, src any, targets []any) error {
	return d.write(tx, src, targets, func(sk []byte, skv any, keys [][]byte) error {
		rows, err := tx.r.Targets(d.a, keys, true)
		if err != nil {
			return err
		}
		return tx.r.AssocAdd(d.a, sk, skv, rows)
	})
}

// set is HasMany.SetKeys, or HasOne.SetKey of the one target listed (none:
// nil).
func (d *dynAssoc) set(tx *Txn, src any, targets []any, o *SetOptions) error {
	destroy := o != nil && o.DestroyPrevious
	if d.a.Arity == meta.One {
		if err := tx.use(d.a.Target, true); err != nil {
			return err
		}
		defer tx.leave()
		keys, err := d.targetKeys(targets)
		if err != nil {
			return err
		}
		var key []byte
		if len(keys) > 0 {
			key = keys[0]
		}
		return oneSet(tx, d.a, d.a.Source.Ptr(src), key, destroy)
	}
	return d.write(tx, src, targets, func(sk []byte, skv any, keys [][]byte) error {
		rows, err := tx.r.Targets(d.a, keys, true)
		if err != nil {
			return err
		}
		return tx.r.AssocSet(d.a, sk, skv, rows, destroy)
	})
}

// remove is HasMany.RemoveKeys.
func (d *dynAssoc) remove(tx *Txn, src any, targets []any, o *RemoveOptions) error {
	destroy := o != nil && o.Destroy
	return d.write(tx, src, targets, func(sk []byte, _ any, keys [][]byte) error {
		rows, err := tx.r.Targets(d.a, keys, false)
		if err != nil {
			return err
		}
		return tx.r.Unassociate(d.a, sk, rows, destroy)
	})
}

// create is HasMany.Create.
func (d *dynAssoc) create(tx *Txn, src, v any) (any, error) {
	var row any
	dst := &dynModel{t: d.a.Target}
	err := d.write(tx, src, nil, func(_ []byte, skv any, _ [][]byte) error {
		var err error
		if row, err = dst.in(v); err != nil {
			return err
		}
		d.a.Attach(d.a.Target.Ptr(row), skv)
		return tx.r.Create(d.a.Target, row, d.a)
	})
	if err != nil {
		return nil, err
	}
	return d.a.Target.Clone(row), nil
}

// parent is BelongsTo.Get.
func (d *dynAssoc) parent(tx *Txn, child any) (any, bool, error) {
	a := d.a
	parent, err := parentOf(tx, a, a.Target.Ptr(child))
	if parent == nil {
		return nil, false, err
	}
	return a.Source.Clone(parent), true, nil
}

// setParent is BelongsTo.Set (parent given) or BelongsTo.SetKey (nil).
func (d *dynAssoc) setParent(tx *Txn, child, parent any) error {
	a := d.a
	if err := tx.use(a.Target, true); err != nil {
		return err
	}
	defer tx.leave()
	var key any
	if parent != nil {
		var err error
		if key, err = tx.r.ParentKey(a, a.Source.Ptr(parent)); err != nil {
			return err
		}
	}
	_, err := tx.r.SetParent(a, a.Target.Ptr(child), key)
	return err
}

// bulkCreate is Model.BulkCreate.
func (m *dynModel) bulkCreate(tx *Txn, vs []any) ([]any, error) {
	if err := tx.use(m.t, true); err != nil {
		return nil, err
	}
	defer tx.leave()
	rows := make([]any, len(vs))
	for i, v := range vs {
		var err error
		if rows[i], err = m.in(v); err != nil {
			return nil, err
		}
	}
	if err := tx.r.BulkCreate(m.t, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// upsert is Model.Upsert with UpsertOptions.Fields the fields given.
func (m *dynModel) upsert(tx *Txn, v any, given []string) (any, bool, error) {
	if err := tx.use(m.t, true); err != nil {
		return nil, false, err
	}
	defer tx.leave()
	row, err := m.in(v)
	if err != nil {
		return nil, false, err
	}
	// Sequelize's upsert writes, and picks its conflict key among, the
	// fields its values name.
	row, created, err := upsert(tx, m.t, row, given, given, nil)
	if err != nil {
		return nil, false, err
	}
	return m.t.Clone(row), created, nil
}

// findOrCreate is Model.FindOrCreate.
func (m *dynModel) findOrCreate(tx *Txn, where query.Cond, defaults any) (any, bool, error) {
	if err := tx.use(m.t, true); err != nil {
		return nil, false, err
	}
	defer tx.leave()
	row, err := m.in(defaults)
	if err != nil {
		return nil, false, err
	}
	row, created, err := tx.r.FindOrCreate(m.t, where, row)
	if err != nil {
		return nil, false, err
	}
	return m.t.Clone(row), created, nil
}

// increment is Model.Increment (key nil) and Model.IncrementKey.
func (m *dynModel) increment(tx *Txn, where query.Cond, key any, by map[string]any, sign int64) (int, error) {
	return increment(tx, m.t, where, key, by, sign)
}

// countGroups is Model.CountGroups on a dynamic model: rows hold the group
// fields.
func (m *dynModel) countGroups(tx *Txn, o *Options, fields []string) ([]rel.Group, error) {
	return countGroups(tx, m.t, o, fields)
}

// aggregate is Sum, Min, Max or Avg (by Sequelize's name) on a dynamic
// model, before the typed conversion.
func (m *dynModel) aggregate(tx *Txn, fn, field string, o *Options) (any, error) {
	agg, ok := map[string]rel.Agg{"sum": rel.Sum, "min": rel.Min, "max": rel.Max, "avg": rel.Avg}[fn]
	if !ok {
		return nil, &errs.FieldError{Model: m.t.Name, Field: field, Value: fn, Err: errs.ErrBadOperator}
	}
	return aggregateValue(tx, m.t, agg, field, o)
}

// patch is Model.Patch.
func (m *dynModel) patch(tx *Txn, key any, set map[string]any) error {
	_, err := patch(tx, m.t, key, set)
	return err
}
