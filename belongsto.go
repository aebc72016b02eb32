package memrel

import (
	"fmt"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
)

// BelongsTo is the inverse side of a [HasMany]: each C points at one P
// through its foreign key. Get it with [HasMany.Inverse]. The child is
// given as an instance; only its primary key is read, and the stored row
// under that key is what counts.
type BelongsTo[C, P any] struct {
	a      *assoc
	child  *Model[C]
	parent *Model[P]
}

// Info describes the association.
func (b *BelongsTo[C, P]) Info() AssociationInfo {
	if b == nil || b.a == nil {
		return AssociationInfo{}
	}
	return b.a.info(true)
}

func (b *BelongsTo[C, P]) side() (*assoc, bool) {
	if b == nil {
		return nil, true
	}
	return b.a, true
}

// table is the parent (or child) table, or nil for a BelongsTo not made by
// HasMany.Inverse, which Txn.use then refuses.
func (b *BelongsTo[C, P]) table(parent bool) *table {
	switch {
	case b == nil || b.a == nil:
		return nil
	case parent:
		return b.a.source
	}
	return b.a.target
}

// Get returns child's parent; false when the foreign key is NULL (or, with
// constraints off, points at no row).
func (b *BelongsTo[C, P]) Get(tx *Txn, child C) (P, bool, error) {
	var zero P
	if err := tx.use(b.table(true), false); err != nil {
		return zero, false, err
	}
	defer tx.leave()
	cur, err := tx.stored(b.a.target, unsafe.Pointer(&child))
	if err != nil {
		return zero, false, err
	}
	parent := tx.parentOf(b.a, cur)
	if parent == nil {
		return zero, false, nil
	}
	return b.parent.out(parent), true, nil
}

// Set points child at parent and returns the updated child. The parent is
// identified by its primary key and the stored row's source key is used;
// a parent that is not stored fails with *ForeignKeyConstraintError, unless
// the association has no constraints, when the source key parent holds is
// used as it is.
func (b *BelongsTo[C, P]) Set(tx *Txn, child C, parent P) (C, error) {
	if err := tx.use(b.table(false), true); err != nil {
		return *new(C), err
	}
	defer tx.leave()
	skv, err := tx.parentKey(b.a, unsafe.Pointer(&parent))
	if err != nil {
		return *new(C), err
	}
	return b.setKey(tx, child, skv)
}

// parentKey returns the source key a child of a must hold to point at the
// parent instance at p: the stored parent's, found by p's primary key.
func (tx *Txn) parentKey(a *assoc, p unsafe.Pointer) (any, error) {
	skv := a.sk.get(p)
	if pk, ok := a.source.pk.key(p, nil); ok {
		if row := tx.byKey(a.source, pk); row != nil {
			skv = a.sk.get(a.source.ptr(row))
		} else if a.constrained {
			return nil, &ForeignKeyConstraintError{Model: a.target.name, ForeignKey: a.fk.name,
				Value: clone.Value(skv), Referenced: a.source.name, Association: a.name,
				Reason: fmt.Sprintf("references %s %v, which is not stored", a.source.name, a.source.pk.get(p))}
		}
	}
	if skv == nil {
		return nil, &AssociationError{Association: a.name, Reason: "parent has a NULL " + a.sk.name}
	}
	return skv, nil
}

// SetKey points child at the parent whose source key is key; nil clears
// the foreign key (a ValidationError when it is NOT NULL). A key that
// matches no parent fails with *ForeignKeyConstraintError unless the
// association has no constraints.
func (b *BelongsTo[C, P]) SetKey(tx *Txn, child C, key any) (C, error) {
	if err := tx.use(b.table(false), true); err != nil {
		return *new(C), err
	}
	defer tx.leave()
	return b.setKey(tx, child, key)
}

// setKey is SetKey inside a call.
func (b *BelongsTo[C, P]) setKey(tx *Txn, child C, key any) (C, error) {
	out, err := tx.setParent(b.a, unsafe.Pointer(&child), key)
	if err != nil {
		return *new(C), err
	}
	return b.child.out(out), nil
}

// setParent points the stored child of a identified by the instance at p
// at the parent whose source key is key (nil: none), atomically, and
// returns the new stored row.
func (tx *Txn) setParent(a *assoc, p unsafe.Pointer, key any) (any, error) {
	skv, err := a.sk.conv(key)
	if err != nil {
		return nil, &FieldError{Model: a.source.name, Field: a.sk.name, Value: clone.Value(key), Err: ErrBadKey}
	}
	var out any
	err = tx.atomic(func() error {
		out, err = tx.pointAt(a, p, skv)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Create inserts v as a new parent and points child at it, atomically. It
// returns the new parent.
func (b *BelongsTo[C, P]) Create(tx *Txn, child C, v P) (P, error) {
	var zero P
	if err := tx.use(b.table(false), true); err != nil {
		return zero, err
	}
	defer tx.leave()
	row := b.parent.in(&v)
	err := tx.atomic(func() error {
		if _, err := tx.stored(b.a.target, unsafe.Pointer(&child)); err != nil {
			return err
		}
		if err := tx.create(b.a.source, row); err != nil {
			return err
		}
		_, err := tx.pointAt(b.a, unsafe.Pointer(&child), b.a.sk.get(b.a.source.ptr(row)))
		return err
	})
	if err != nil {
		return zero, err
	}
	return b.parent.out(row), nil
}

// stored returns the stored row with the primary key of the instance at p.
func (tx *Txn) stored(t *table, p unsafe.Pointer) (any, error) {
	var kb [32]byte
	pk, ok := t.pk.key(p, kb[:0])
	if !ok {
		return nil, &NotFoundError{Model: t.name, Key: nil}
	}
	row := tx.byKey(t, pk)
	if row == nil {
		return nil, &NotFoundError{Model: t.name, Key: clone.Value(t.pk.get(p))}
	}
	return row, nil
}

// parentOf returns the stored parent a child row points at, or nil.
func (tx *Txn) parentOf(a *assoc, child any) any {
	var kb [32]byte
	k, ok := a.fk.key(a.target.ptr(child), kb[:0])
	if !ok {
		return nil
	}
	return tx.first(a.source, a.skIx, k)
}

// pointAt sets the foreign key of the stored child identified by the
// instance at p to skv (nil: NULL) and returns the new stored row. A
// non-NULL key also writes the association's scope.
func (tx *Txn) pointAt(a *assoc, p unsafe.Pointer, skv any) (any, error) {
	cur, err := tx.stored(a.target, p)
	if err != nil {
		return nil, err
	}
	if skv == nil {
		if err := tx.setFK(a, cur, nil); err != nil {
			return nil, err
		}
	} else {
		row := a.target.clone(cur)
		a.attach(a.target.ptr(row), skv)
		if err := tx.updateRow(a.target, cur, row); err != nil {
			return nil, err
		}
	}
	return tx.byKey(a.target, a.target.pkKey(cur, nil)), nil
}
