package memrel

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// HasOne is a one-to-one association from source model P to target model
// C (Sequelize's hasOne), declared with [NewHasOne]; its inverse is
// [HasOne.Inverse]. The foreign key lives on the target, as for
// [HasMany], and nothing stops several targets from holding one source's
// key unless [HasOneOptions.Unique] is set: Get and Set then see the one
// with the lowest primary key, as Sequelize does.
//
// The source is given as an instance; only its primary key is read, and
// the row stored under that key is what counts (a missing one is
// ErrNotFound). All methods are safe for concurrent use on different
// transactions.
type HasOne[P, C any] struct {
	a   *meta.Relation
	src *Model[P]
	dst *Model[C]
}

// HasOneOptions are Sequelize's hasOne options, with hasMany's meaning and
// defaults (see [HasManyOptions]) but for As, which defaults to the
// target's name in camelCase, singular (profile), and Field, the source
// struct field an include fills: a *C, nil when there is no target.
type HasOneOptions struct {
	ForeignKey, SourceKey string
	As                    string
	Inverse               string
	Field, InverseField   string
	Scope                 map[string]any
	OnDelete, OnUpdate    Action
	NoConstraints         bool
	// Unique makes the foreign key unique: a strict one-to-one, where a
	// second target of one source fails with *UniqueConstraintError
	// (NULL never collides). Sequelize declares no such index; memrel
	// offers it as an opt-in. A foreign key tagged unique has it anyway.
	Unique bool
}

// NewHasOne declares that source has one target (Sequelize's hasOne), with
// its inverse belongsTo. Mistakes in o are reported by [Schema.Open].
//
// Given a nil or zero model it returns a zero HasOne, whose methods fail
// with ErrWrongStore, and the schema of the other model, if any, reports
// the mistake at Open.
func NewHasOne[P, C any](source *Model[P], target *Model[C], o HasOneOptions) *HasOne[P, C] {
	if source.table() == nil || target.table() == nil {
		for _, t := range []*meta.Table{source.table(), target.table()} {
			if t != nil {
				t.Schema.CheckOpen()
				t.Schema.Problem(t.Name, "", "NewHasOne with a nil or zero model (one not returned by Define)")
			}
		}
		return &HasOne[P, C]{}
	}
	s := source.t.Schema
	if target.t.Schema != s {
		panic("memrel: NewHasOne with models of two schemas")
	}
	a := meta.NewOneRelation(s, source.t, target.t, meta.RelationOptions{
		ForeignKey: o.ForeignKey, SourceKey: o.SourceKey, As: o.As, Inverse: o.Inverse,
		Field: o.Field, InverseField: o.InverseField, Scope: o.Scope,
		OnDelete: o.OnDelete, OnUpdate: o.OnUpdate, NoConstraints: o.NoConstraints,
	}, o.Unique)
	claimTarget[P, C](s, a, source.t)
	claimOne[C, P](s, a, target.t)
	return &HasOne[P, C]{a: a, src: source, dst: target}
}

// claimTarget finds the source struct field an include of a hasOne fills
// (*C) and gives the source a typed setter and zeroer for it.
func claimTarget[P, C any](s *meta.Schema, a *meta.Relation, t *meta.Table) {
	sf, ok := t.Type.FieldByName(a.ManyField)
	if !ok || len(sf.Index) != 1 {
		return
	}
	off := sf.Offset
	if sf.Type != reflect.TypeFor[*C]() {
		wrongField(s, t, sf, a, true, fmt.Sprintf("*%s", reflect.TypeFor[C]()))
		return
	}
	a.FillTarget = func(parent unsafe.Pointer, kid any, owned bool) {
		var c *C
		if kid != nil {
			if !owned {
				kid = a.Target.Clone(kid)
			}
			c = kid.(*C)
		}
		*(**C)(unsafe.Add(parent, off)) = c
	}
	claimField[C](t, sf)
}

// Info describes the association.
func (h *HasOne[P, C]) Info() AssociationInfo {
	if h == nil || h.a == nil {
		return AssociationInfo{}
	}
	return assocInfo(h.a, false)
}

func (h *HasOne[P, C]) side() (*meta.Relation, bool) {
	if h == nil {
		return nil, false
	}
	return h.a, false
}

// table is the target table, or nil for a HasOne not made by NewHasOne,
// which Txn.use then refuses.
func (h *HasOne[P, C]) table() *meta.Table {
	if h == nil || h.a == nil {
		return nil
	}
	return h.a.Target
}

// Inverse returns the belongsTo side of the association; nil for a nil or
// zero HasOne (one not returned by NewHasOne).
func (h *HasOne[P, C]) Inverse() *BelongsTo[C, P] {
	if h.table() == nil {
		return nil
	}
	return &BelongsTo[C, P]{a: h.a, child: h.dst, parent: h.src}
}

// Get returns src's target: of the targets whose foreign key holds src's
// source key and that match the scope and o.Where, the first in o.Order
// (default: the lowest primary key), with o.Include loaded; false when
// there is none. o.Limit does not apply; o.Offset skips targets.
func (h *HasOne[P, C]) Get(tx *Txn, src P, o *Options) (_ C, _ bool, err error) {
	var zero C
	if err := tx.use(h.table(), false); err != nil {
		return zero, false, err
	}
	defer tx.exit(&err)
	row, owned, err := oneGet(tx, h.a, unsafe.Pointer(&src), o)
	switch {
	case err != nil || row == nil:
		return zero, false, err
	case owned:
		return *row.(*C), true, nil
	}
	return h.dst.out(row), true, nil
}

// oneGet is Get of the hasOne a for the source instance at src: the
// target row, owned when it is a copy the caller may keep.
func oneGet(tx *Txn, a *meta.Relation, src unsafe.Pointer, o *Options) (row any, owned bool, err error) {
	var kb [32]byte
	sk, looked, err := tx.r.SourceKey(a, src, kb[:0])
	if err != nil {
		return nil, false, err
	}
	if o.plain() {
		row = tx.r.OneTarget(a, sk)
	} else {
		r := o.read(a.Target, new(rel.Read))
		r.Limit = 1
		f, err := tx.r.AssocRows(a, sk, r)
		if err != nil {
			return nil, false, err
		}
		if len(f.Rows) > 0 {
			row, owned = f.Rows[0], true // copied by the read
		}
	}
	if row == nil {
		return nil, false, tx.r.ConfirmSource(a, src, looked)
	}
	return row, owned, nil
}

// Set makes target src's target: the previous one (the one Get returns)
// has its foreign key nulled, or is deleted when the foreign key is NOT
// NULL or o.DestroyPrevious is set, and target's foreign key and scope
// values are written. A target that belongs to another source moves. If
// target is the current one, nothing changes. A nil target only
// un-associates the previous one. A target that is not stored fails with
// ErrNotFound and nothing changes (Sequelize would un-associate, or
// delete, the previous target all the same: see the README's deviations).
func (h *HasOne[P, C]) Set(tx *Txn, src P, target *C, o *SetOptions) error {
	if target == nil {
		return h.SetKey(tx, src, nil, o)
	}
	return h.SetKey(tx, src, *target, o)
}

// SetKey is Set with the target given as a primary key, an instance or a
// pointer to one; nil un-associates the previous target.
func (h *HasOne[P, C]) SetKey(tx *Txn, src P, target any, o *SetOptions) (err error) {
	destroy := o != nil && o.DestroyPrevious
	if err := tx.use(h.table(), true); err != nil {
		return err
	}
	defer tx.exit(&err)
	var key []byte
	if target != nil {
		keys, err := targetKeys[C](h.a.Target, h.a.Name, []any{target})
		if err != nil {
			return err
		}
		key = keys[0]
	}
	return oneSet(tx, h.a, unsafe.Pointer(&src), key, destroy)
}

// oneSet is SetKey of the hasOne a inside a call, for the source instance
// at src and the target key (nil: none).
func oneSet(tx *Txn, a *meta.Relation, src unsafe.Pointer, key []byte, destroy bool) error {
	return tx.r.Atomic(func() error {
		sk, skv, err := tx.r.Source(a, src, nil)
		if err != nil {
			return err
		}
		var row any
		if key != nil {
			rows, err := tx.r.Targets(a, [][]byte{key}, true)
			if err != nil {
				return err
			}
			row = rows[0]
		}
		return tx.r.SetOne(a, sk, skv, row, destroy)
	})
}

// Create inserts v as a new target of src: its foreign key and scope
// fields are set by the association, whatever v holds. The previous
// target keeps its foreign key, as in Sequelize, so src then has two
// (unless the foreign key is unique: then Create fails with
// *UniqueConstraintError). It returns the stored row with its new primary
// key.
func (h *HasOne[P, C]) Create(tx *Txn, src P, v C) (C, error) {
	if h.table() == nil {
		return *new(C), tx.use(nil, true)
	}
	return createTarget(tx, h.a, h.dst, &src, v)
}
