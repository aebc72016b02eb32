package memrel

import (
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// The writes and counts of an AnyAssociation: each is one call, atomic,
// with the typed forms' rules (HasMany's AddKeys, SetKeys, RemoveKeys,
// Create, Count and HasKeys; HasOne's SetKey; BelongsTo's SetKey and Set). Targets
// are given by primary key (a Key or []any for a composite one).

// source is the association's source side, or an error for a nil, zero
// or inverse AnyAssociation, which has no targets to write.
func (x *AnyAssociation) source(op string) (*meta.Relation, error) {
	if x == nil || x.a == nil {
		return nil, errWrongAssoc
	}
	if x.inverse {
		return nil, &errs.AssociationError{Association: x.a.Target.Name + "." + x.a.Inverse,
			Reason: op + " is for the hasMany or hasOne side; the belongsTo side has Get and Set"}
	}
	return x.a, nil
}

// keysOf encodes target keys of a.
func keysOf(a *meta.Relation, keys []any) ([][]byte, error) {
	return encodeKeys(a.Target, a.Name, keys)
}

// encodeKeys encodes keys of t, targets of the association named assoc.
func encodeKeys(t *meta.Table, assoc string, keys []any) ([][]byte, error) {
	out := make([][]byte, 0, len(keys))
	for _, k := range keys {
		b, err := t.KeyOf(k, nil)
		if err != nil {
			return nil, &errs.TargetError{Err: err, Assoc: assoc}
		}
		out = append(out, b)
	}
	return out, nil
}

// operands decodes a call's source row and encodes its target keys.
func operands(a *meta.Relation, src Row, keys []any) (unsafe.Pointer, [][]byte, error) {
	ks, err := keysOf(a, keys)
	if err != nil {
		return nil, nil, err
	}
	p, err := rowFrom(a.Source, src)
	return p, ks, err
}

// Count returns how many targets src has that match o, as
// [HasMany.Count] does.
func (x *AnyAssociation) Count(tx *Txn, src Row, o *Options) (_ int, err error) {
	a, err := x.source("Count")
	if err != nil {
		return 0, err
	}
	if err := tx.use(a.Target, false); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	p, err := rowFrom(a.Source, src)
	if err != nil {
		return 0, err
	}
	return tx.r.SourceCount(a, p, o.read(a.Target, new(rel.Read)))
}

// Has reports whether every target listed is src's, as
// [HasMany.HasKeys] does.
func (x *AnyAssociation) Has(tx *Txn, src Row, keys []any) (_ bool, err error) {
	a, err := x.source("Has")
	if err != nil {
		return false, err
	}
	if err := tx.use(a.Target, false); err != nil {
		return false, err
	}
	defer tx.exit(&err)
	p, ks, err := operands(a, src, keys)
	if err != nil {
		return false, err
	}
	return tx.r.SourceHas(a, p, ks)
}

// write runs fn as one atomic write call for src, given its stored source
// key and the encoded target keys.
func (x *AnyAssociation) write(tx *Txn, op string, src Row, keys []any, fn func(a *meta.Relation, p unsafe.Pointer, sk []byte, skv any, keys [][]byte) error) (err error) {
	a, err := x.source(op)
	if err != nil {
		return err
	}
	if err := tx.use(a.Target, true); err != nil {
		return err
	}
	defer tx.exit(&err)
	p, ks, err := operands(a, src, keys)
	if err != nil {
		return err
	}
	return tx.r.Atomic(func() error {
		sk, skv, err := tx.r.Source(a, p, nil)
		if err != nil {
			return err
		}
		return fn(a, p, sk, skv, ks)
	})
}

// Add associates the listed targets with src, as [HasMany.AddKeys] does.
func (x *AnyAssociation) Add(tx *Txn, src Row, keys []any) error {
	return x.write(tx, "Add", src, keys, func(a *meta.Relation, _ unsafe.Pointer, sk []byte, skv any, ks [][]byte) error {
		rows, err := tx.r.Targets(a, ks, true)
		if err != nil {
			return err
		}
		return tx.r.AssocAdd(a, sk, skv, rows)
	})
}

// Set makes the listed targets exactly src's, as [HasMany.SetKeys] does;
// on a hasOne, keys holds the one target (none: un-associate), as
// [HasOne.SetKey]. On the belongsTo side it points src at the parent with
// the one key listed (none: NULL), as [BelongsTo.SetKey] does.
func (x *AnyAssociation) Set(tx *Txn, src Row, keys []any, o *SetOptions) (err error) {
	if x != nil && x.a != nil && x.inverse {
		return x.setParent(tx, src, keys)
	}
	destroy := o != nil && o.DestroyPrevious
	if x != nil && x.a != nil && x.a.Arity == meta.One {
		if len(keys) > 1 {
			return &errs.AssociationError{Association: x.a.Name, Reason: "a hasOne Set takes one key at most"}
		}
		a := x.a
		if err := tx.use(a.Target, true); err != nil {
			return err
		}
		defer tx.exit(&err)
		ks, err := keysOf(a, keys)
		if err != nil {
			return err
		}
		p, err := rowFrom(a.Source, src)
		if err != nil {
			return err
		}
		var key []byte
		if len(ks) > 0 {
			key = ks[0]
		}
		return oneSet(tx, a, p, key, destroy)
	}
	return x.write(tx, "Set", src, keys, func(a *meta.Relation, _ unsafe.Pointer, sk []byte, skv any, ks [][]byte) error {
		rows, err := tx.r.Targets(a, ks, true)
		if err != nil {
			return err
		}
		return tx.r.AssocSet(a, sk, skv, rows, destroy)
	})
}

// setParent is Set on the belongsTo side.
func (x *AnyAssociation) setParent(tx *Txn, child Row, keys []any) error {
	if len(keys) > 1 {
		return &errs.AssociationError{Association: x.a.Target.Name + "." + x.a.Inverse, Reason: "a belongsTo Set takes one key at most"}
	}
	var key any
	if len(keys) > 0 {
		key = keys[0]
	}
	return x.pointAt(tx, child, func() (any, error) { return key, nil })
}

// SetParent points child at parent on the belongsTo side, as
// [BelongsTo.Set] does: parent is identified by its key columns and the
// stored row's source key is written (a parent that is not stored fails
// with *ForeignKeyConstraintError, unless the association has no
// constraints, when the source key parent holds is used as it is); a nil
// parent clears the foreign key. [AnyAssociation.Set] takes the source key
// itself, as [BelongsTo.SetKey] does.
func (x *AnyAssociation) SetParent(tx *Txn, child, parent Row) error {
	if x == nil || x.a == nil {
		return errWrongAssoc
	}
	if !x.inverse {
		return &errs.AssociationError{Association: x.a.Name,
			Reason: "SetParent is for the belongsTo side; the hasMany or hasOne side has Set"}
	}
	return x.pointAt(tx, child, func() (any, error) {
		if parent == nil {
			return nil, nil
		}
		p, err := rowFrom(x.a.Source, parent)
		if err != nil {
			return nil, err
		}
		return tx.r.ParentKey(x.a, p)
	})
}

// pointAt points the stored child at the parent whose source key key
// returns (nil: none), as one write call.
func (x *AnyAssociation) pointAt(tx *Txn, child Row, key func() (any, error)) (err error) {
	a := x.a
	if err := tx.use(a.Target, true); err != nil {
		return err
	}
	defer tx.exit(&err)
	p, err := rowFrom(a.Target, child)
	if err != nil {
		return err
	}
	k, err := key()
	if err != nil {
		return err
	}
	_, err = tx.r.SetParent(a, p, k)
	return err
}

// Remove un-associates the listed targets of src, as [HasMany.RemoveKeys]
// does.
func (x *AnyAssociation) Remove(tx *Txn, src Row, keys []any, o *RemoveOptions) error {
	destroy := o != nil && o.Destroy
	return x.write(tx, "Remove", src, keys, func(a *meta.Relation, _ unsafe.Pointer, sk []byte, _ any, ks [][]byte) error {
		rows, err := tx.r.Targets(a, ks, false)
		if err != nil {
			return err
		}
		return tx.r.Unassociate(a, sk, rows, destroy)
	})
}

// Create inserts v as a new target of src (its foreign key and scope
// written) and returns it as stored, as [HasMany.Create] does.
func (x *AnyAssociation) Create(tx *Txn, src, v Row) (Row, error) {
	var row any
	err := x.write(tx, "Create", src, nil, func(a *meta.Relation, _ unsafe.Pointer, _ []byte, skv any, _ [][]byte) error {
		var err error
		if row, err = rel.RowOf(a.Target, v); err != nil {
			return err
		}
		a.Attach(a.Target.Ptr(row), skv)
		return tx.r.Create(a.Target, row, a)
	})
	if err != nil {
		return nil, err
	}
	return rowOf(x.a.Target, row), nil
}
