package memrel

import (
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
)

// BelongsTo is the inverse side of a [HasMany]: each C points at one P
// through its foreign key. Get it with [HasMany.Inverse]. The child is
// given as an instance; only its primary key is read, and the stored row
// under that key is what counts.
type BelongsTo[C, P any] struct {
	a      *meta.Relation
	child  *Model[C]
	parent *Model[P]
}

// Info describes the association.
func (b *BelongsTo[C, P]) Info() AssociationInfo {
	if b == nil || b.a == nil {
		return AssociationInfo{}
	}
	return assocInfo(b.a, true)
}

func (b *BelongsTo[C, P]) side() (*meta.Relation, bool) {
	if b == nil {
		return nil, true
	}
	return b.a, true
}

// table is the parent (or child) table, or nil for a BelongsTo not made by
// HasMany.Inverse, which Txn.use then refuses.
func (b *BelongsTo[C, P]) table(parent bool) *meta.Table {
	switch {
	case b == nil || b.a == nil:
		return nil
	case parent:
		return b.a.Source
	}
	return b.a.Target
}

// Get returns child's parent; false when the foreign key is NULL (or, with
// constraints off, points at no row), or when the parent is soft-deleted
// (SPEC N13: the child still points at it).
func (b *BelongsTo[C, P]) Get(tx *Txn, child C) (P, bool, error) {
	var zero P
	if b.table(true) == nil {
		return zero, false, tx.use(nil, false)
	}
	parent, err := parentOf(tx, b.a, unsafe.Pointer(&child))
	if parent == nil {
		return zero, false, err
	}
	return b.parent.out(parent), true, nil // stored rows never change
}

// parentOf is Get as one read call: the stored parent of the child
// instance at child, or nil.
func parentOf(tx *Txn, a *meta.Relation, child unsafe.Pointer) (_ any, err error) {
	if err := tx.use(a.Source, false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	cur, err := tx.r.Stored(a.Target, child)
	if err != nil {
		return nil, err
	}
	parent := tx.r.ParentOf(a, cur)
	if parent == nil || !a.Source.Live(a.Source.Ptr(parent)) {
		return nil, nil
	}
	return parent, nil
}

// Set points child at parent and returns the updated child. The parent is
// identified by its primary key and the stored row's source key is used;
// a parent that is not stored fails with *ForeignKeyConstraintError, unless
// the association has no constraints, when the source key parent holds is
// used as it is.
func (b *BelongsTo[C, P]) Set(tx *Txn, child C, parent P) (_ C, err error) {
	if err := tx.use(b.table(false), true); err != nil {
		return *new(C), err
	}
	defer tx.exit(&err)
	skv, err := tx.r.ParentKey(b.a, unsafe.Pointer(&parent))
	if err != nil {
		return *new(C), err
	}
	return b.setKey(tx, child, skv)
}

// SetKey points child at the parent whose source key is key; nil clears
// the foreign key (a ValidationError when it is NOT NULL). A key that
// matches no parent fails with *ForeignKeyConstraintError unless the
// association has no constraints.
func (b *BelongsTo[C, P]) SetKey(tx *Txn, child C, key any) (_ C, err error) {
	if err := tx.use(b.table(false), true); err != nil {
		return *new(C), err
	}
	defer tx.exit(&err)
	return b.setKey(tx, child, key)
}

// setKey is SetKey inside a call.
func (b *BelongsTo[C, P]) setKey(tx *Txn, child C, key any) (C, error) {
	out, err := tx.r.SetParent(b.a, unsafe.Pointer(&child), key)
	if err != nil {
		return *new(C), err
	}
	return b.child.out(out), nil
}

// Create inserts v as a new parent and points child at it, atomically. It
// returns the new parent.
func (b *BelongsTo[C, P]) Create(tx *Txn, child C, v P) (_ P, err error) {
	var zero P
	if err := tx.use(b.table(false), true); err != nil {
		return zero, err
	}
	defer tx.exit(&err)
	row, err := b.parent.in(&v)
	if err != nil {
		return zero, err
	}
	err = tx.r.Atomic(func() error {
		if _, err := tx.r.Stored(b.a.Target, unsafe.Pointer(&child)); err != nil {
			return err
		}
		if err := tx.r.Create(b.a.Source, row, nil); err != nil {
			return err
		}
		_, err := tx.r.PointAt(b.a, unsafe.Pointer(&child), b.a.SK.Get(b.a.Source.Ptr(row)))
		return err
	})
	if err != nil {
		return zero, err
	}
	return b.parent.out(row), nil
}
