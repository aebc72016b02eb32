package memrel

import (
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// AnyAssociation is a hasMany or hasOne between two models of
// [DefineAny], or its inverse belongsTo, with rows as [Row] values: the
// same rules, cascades and errors as [HasMany], [HasOne] and
// [BelongsTo]. It is an [Association], so reads of an AnyModel include
// it: the included rows come in the Row under the association's name
// (its alias: "comments" holds a []Row, "post" a Row or nil).
type AnyAssociation struct {
	a       *meta.Relation
	inverse bool
}

// NewAnyHasMany declares that each row of source has many rows of target,
// as [NewHasMany] does for typed models.
func NewAnyHasMany(source, target *AnyModel, o HasManyOptions) *AnyAssociation {
	if err := anyPair(source, target, "NewAnyHasMany"); err != nil {
		return &AnyAssociation{}
	}
	return anyAssoc(meta.NewRelation(source.t.Schema, source.t, target.t, meta.RelationOptions(o)))
}

// NewAnyHasOne declares that each row of source has one row of target, as
// [NewHasOne] does for typed models.
func NewAnyHasOne(source, target *AnyModel, o HasOneOptions) *AnyAssociation {
	if err := anyPair(source, target, "NewAnyHasOne"); err != nil {
		return &AnyAssociation{}
	}
	return anyAssoc(meta.NewOneRelation(source.t.Schema, source.t, target.t, meta.RelationOptions{
		ForeignKey: o.ForeignKey, SourceKey: o.SourceKey, As: o.As, Inverse: o.Inverse,
		Field: o.Field, InverseField: o.InverseField, Scope: o.Scope,
		OnDelete: o.OnDelete, OnUpdate: o.OnUpdate, NoConstraints: o.NoConstraints,
	}, o.Unique))
}

// anyPair checks an association's two models: both of DefineAny, on one
// schema. A problem is the schema's, reported by Open.
func anyPair(source, target *AnyModel, fn string) error {
	for _, m := range []*AnyModel{source, target} {
		if m.table() == nil || loadedField(m.t) == nil {
			for _, o := range []*AnyModel{source, target} {
				if o.table() != nil {
					o.t.Schema.CheckOpen()
					o.t.Schema.Problem(o.t.Name, "", "%s with a model not defined by DefineAny", fn)
				}
			}
			return errs.ErrWrongStore
		}
	}
	if source.t.Schema != target.t.Schema {
		panic("memrel: " + fn + " with models of two schemas")
	}
	return nil
}

// anyAssoc gives a its fills: included rows go into the loaded map of the
// row's struct (see DefineAny), under the association's name.
func anyAssoc(a *meta.Relation) *AnyAssociation {
	many := a.Arity != meta.One
	a.FillMany = func(parent unsafe.Pointer, kids []any, owned bool) {
		if !owned {
			kids, _ = a.Target.CloneAll(kids)
		}
		loadedOf(a.Source, parent)[a.As] = included{t: a.Target, rows: kids}
	}
	a.FillTarget = func(parent unsafe.Pointer, kid any, owned bool) {
		var rows []any
		if kid != nil {
			if !owned {
				kid = a.Target.Clone(kid)
			}
			rows = []any{kid}
		}
		loadedOf(a.Source, parent)[a.As] = included{t: a.Target, rows: rows, one: true}
	}
	claimLoaded(a.Source, a.ManyField, a.As)
	claimLoaded(a.Target, a.OneField, a.Inverse)
	if !many {
		a.FillMany = nil
	} else {
		a.FillTarget = nil
	}
	a.FillOne = func(child unsafe.Pointer, parent any, owned bool) {
		if !owned {
			parent = a.Source.Clone(parent)
		}
		loadedOf(a.Target, child)[a.Inverse] = included{t: a.Source, rows: []any{parent}, one: true}
	}
	return &AnyAssociation{a: a}
}

// loadedOf is the includes map of the row of t at p, made on first use.
func loadedOf(t *meta.Table, p unsafe.Pointer) map[string]included {
	lp := (*map[string]included)(unsafe.Add(p, loadedField(t).Offset))
	if *lp == nil {
		*lp = map[string]included{}
	}
	return *lp
}

// Info describes the association.
func (x *AnyAssociation) Info() AssociationInfo {
	if x == nil || x.a == nil {
		return AssociationInfo{}
	}
	return assocInfo(x.a, x.inverse)
}

func (x *AnyAssociation) side() (*meta.Relation, bool) {
	if x == nil {
		return nil, false
	}
	return x.a, x.inverse
}

// Inverse returns the belongsTo side: target to source.
func (x *AnyAssociation) Inverse() *AnyAssociation {
	if x == nil || x.a == nil {
		return &AnyAssociation{}
	}
	return &AnyAssociation{a: x.a, inverse: !x.inverse}
}

// from is the model the association reads from; to the one it reads.
func (x *AnyAssociation) from() *meta.Table {
	if x == nil || x.a == nil {
		return nil
	}
	if x.inverse {
		return x.a.Target
	}
	return x.a.Source
}

// Get returns src's associated rows: the targets (hasMany: as o asks;
// hasOne: none or one), or on the belongsTo side the parent (none or
// one). src needs its key columns (and a non-key source key, if the
// association has one); other names in it are ignored.
func (x *AnyAssociation) Get(tx *Txn, src Row, o *Options) (_ []Row, err error) {
	t := x.from()
	if t == nil {
		return nil, errWrongAssoc
	}
	p, err := rowFrom(t, src)
	if err != nil {
		return nil, err
	}
	a := x.a
	if x.inverse {
		parent, err := parentOf(tx, a, p)
		if parent == nil {
			return nil, err
		}
		return []Row{rowOf(a.Source, parent)}, nil
	}
	if err := tx.use(t, false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	if a.Arity == meta.One {
		row, _, err := oneGet(tx, a, p, o)
		if err != nil || row == nil {
			return nil, err
		}
		return []Row{rowOf(a.Target, row)}, nil
	}
	f, err := tx.r.SourceRows(a, p, o.read(a.Target, new(rel.Read)))
	if err != nil {
		return nil, err
	}
	return rowsOf(a.Target, f.Rows), nil
}

// rowFrom is a new row of t holding src's values for t's columns (names
// that are no column of t, such as included associations, are skipped).
func rowFrom(t *meta.Table, src Row) (unsafe.Pointer, error) {
	set := make(map[string]any, len(t.Fields))
	for _, f := range t.Fields {
		if v, ok := src[f.Name]; ok {
			set[f.Name] = v
		}
	}
	row, err := rel.RowOf(t, set)
	if err != nil {
		return nil, err
	}
	return t.Ptr(row), nil
}
