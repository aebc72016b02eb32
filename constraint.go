package memrel

import (
	"bytes"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
)

// This file is the single write path: every insert, update and delete of a
// row, whether from a model call, an association operation or a cascade,
// goes through insertRow, updateRow or deleteRow, which enforce what a
// PostgreSQL table with these constraints would. Callers run inside
// tx.atomic, which reverts everything when one of them fails.

// insertRow stores a new row that the caller owns exclusively. fresh says
// its key was just drawn from the sequence, which is past every key the
// table holds (explicit keys move it), so it needs no collision check.
func (tx *Txn) insertRow(t *table, row any, fresh bool) error {
	if err := tx.insertUnchecked(t, row, fresh); err != nil {
		return err
	}
	// References are checked against the state after the write, so a row
	// may reference itself, as PostgreSQL allows.
	return tx.checkParents(t, nil, row)
}

// insertUnchecked stores a new row with every check but its references,
// which Load runs once all rows are in.
func (tx *Txn) insertUnchecked(t *table, row any, fresh bool) error {
	p := t.ptr(row)
	if err := t.checkNotNull(p); err != nil {
		return err
	}
	var kb [32]byte
	if !fresh && tx.byKey(t, t.pkKey(row, kb[:0])) != nil {
		return &UniqueConstraintError{Model: t.name, Fields: []string{t.pk.name}, Value: clone.Value(t.pk.get(p))}
	}
	if err := tx.checkUnique(t, nil, row); err != nil {
		return err
	}
	tx.put(t, nil, row)
	return nil
}

// updateRow replaces the stored row old by row (which may change the
// primary key) and applies the onUpdate rules of every association whose
// source key changed.
func (tx *Txn) updateRow(t *table, old, row any) error {
	p := t.ptr(row)
	if err := t.checkNotNull(p); err != nil {
		return err
	}
	var ob, nb [32]byte
	oldPK, newPK := t.pkKey(old, ob[:0]), t.pkKey(row, nb[:0])
	if !bytes.Equal(oldPK, newPK) && tx.byKey(t, newPK) != nil {
		return &UniqueConstraintError{Model: t.name, Fields: []string{t.pk.name}, Value: clone.Value(t.pk.get(p))}
	}
	if err := tx.checkUnique(t, old, row); err != nil {
		return err
	}
	tx.put(t, old, row)
	if t.pk.autoInc && !bytes.Equal(oldPK, newPK) {
		tx.advance(t, p) // an explicit key moves the sequence, as on Create
	}
	for _, a := range t.children {
		if !a.constrained {
			continue
		}
		var ob, nb [32]byte
		oldKey, oldOK := a.sk.key(t.ptr(old), ob[:0])
		newKey, _ := a.sk.key(p, nb[:0])
		if !oldOK || bytes.Equal(oldKey, newKey) {
			continue
		}
		if err := tx.onParentGone(a, oldKey, true, a.sk.get(p)); err != nil {
			return err
		}
	}
	// The onUpdate actions may have rewritten this very row (a reference to
	// its own old key): check what is stored now, as PostgreSQL checks the
	// live row version.
	return tx.checkParents(t, old, tx.byKey(t, newPK))
}

// deleteRow removes a stored row and applies the onDelete rule of every
// association whose source it is. Cascades recurse; they terminate because
// each step deletes a row that is then gone.
func (tx *Txn) deleteRow(t *table, old any) error {
	tx.del(t, old)
	for _, a := range t.children {
		if !a.constrained {
			continue
		}
		var kb [32]byte
		key, ok := a.sk.key(t.ptr(old), kb[:0])
		if !ok {
			continue
		}
		if err := tx.onParentGone(a, key, false, nil); err != nil {
			return err
		}
	}
	return nil
}

// onParentGone applies a's onDelete rule (update false) or onUpdate rule
// (update true) to the children whose foreign key holds key, after the
// source row with that key was deleted or its source key changed to newKey
// (which may be NULL).
func (tx *Txn) onParentGone(a *assoc, key []byte, update bool, newKey any) error {
	var kb [16]any
	kids := tx.childrenByFK(a, key, kb[:0])
	if len(kids) == 0 {
		return nil
	}
	action := a.onDelete
	if update {
		action = a.onUpdate
	}
	switch action {
	case Restrict:
		return a.restricted(tx, kids[0], update)
	case NoAction:
		tx.w.deferred = append(tx.w.deferred, deferredCheck{a: a, key: bytes.Clone(key), update: update})
		return nil
	case Cascade:
		if !update && !a.target.referenced && len(kids) > 1 {
			tx.deleteChildren(a, key, kids)
			return nil
		}
	}
	for _, kid := range kids {
		cur := tx.current(a.target, kid)
		if cur == nil {
			continue
		}
		var kb [32]byte
		if k, ok := a.fk.key(a.target.ptr(cur), kb[:0]); !ok || !bytes.Equal(k, key) {
			continue
		}
		var err error
		switch action {
		case Cascade:
			if update {
				err = tx.setFK(a, cur, newKey) // a NULL new key nulls the children
			} else {
				err = tx.deleteRow(a.target, cur)
			}
		case SetNull:
			err = tx.setFK(a, cur, nil)
		case SetDefault:
			err = tx.setFK(a, cur, a.fk.def)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// deleteChildren deletes kids, every row of a's target whose foreign key
// holds key, as a cascade does: their foreign key index entries go as one
// subtree instead of one radix path each. It serves only a target that no
// constraint references: deleting one of its rows sets off nothing, so the
// rows are the ones just listed and the order of the deletes cannot matter.
func (tx *Txn) deleteChildren(a *assoc, key []byte, kids []any) {
	found, err := tx.mt.DeletePrefix(a.target.name, a.fkPrefixIx, string(key))
	mustMemdb(err)
	if !found {
		panic("memrel: internal error: cascaded children vanished before their delete")
	}
	for _, kid := range kids {
		tx.wrote(a.target, kid, nil)
		tx.logChange(change{a.target, kid, nil})
	}
}

// current returns the stored version of row, listed earlier in this call,
// or nil once it is deleted. Only a table that is the source of a
// constrained association can see its rows changed by a write to another
// of its rows (through a cascade); any other table's listed rows are still
// the stored ones, and no lookup is needed.
func (tx *Txn) current(t *table, row any) any {
	if !t.referenced {
		return row
	}
	var kb [32]byte
	return tx.byKey(t, t.pkKey(row, kb[:0]))
}

// setFK rewrites one child's foreign key (nil nulls it).
func (tx *Txn) setFK(a *assoc, cur any, v any) error {
	if v == nil && !a.fk.nullable() {
		return &ValidationError{Model: a.target.name, Items: []ValidationErrorItem{
			{Field: a.fk.name, Message: "cannot be null", Value: clone.Value(a.fk.get(a.target.ptr(cur)))}}}
	}
	row := a.target.clone(cur)
	a.fk.set(a.target.ptr(row), v)
	return tx.updateRow(a.target, cur, row)
}

// childrenByFK lists the rows of a's target whose foreign key holds key,
// whatever the association's scope: a database constraint knows no scope.
func (tx *Txn) childrenByFK(a *assoc, key []byte, kids []any) []any {
	it := tx.prefix(a.target, a.fkIx, key)
	for row := it.Next(); row != nil; row = it.Next() {
		kids = append(kids, row)
	}
	return kids
}

// runDeferred runs the NO ACTION checks at the end of a statement: a
// reference is only an error if its parent is still missing then.
func (tx *Txn) runDeferred() error {
	for _, d := range tx.w.deferred {
		if tx.first(d.a.source, d.a.skIx, d.key) != nil {
			continue
		}
		var kb [1]any
		if kids := tx.childrenByFK(d.a, d.key, kb[:0]); len(kids) > 0 {
			return d.a.restricted(tx, kids[0], d.update)
		}
	}
	return nil
}

// checkNotNull lists every NOT NULL column that holds NULL.
func (t *table) checkNotNull(p unsafe.Pointer) error {
	var items []ValidationErrorItem
	for _, f := range t.fields {
		if f.notNull && f.null != nullNone && f.isNull(p) {
			items = append(items, ValidationErrorItem{Field: f.name, Message: "cannot be null"})
		}
	}
	if items != nil {
		return &ValidationError{Model: t.name, Items: items}
	}
	return nil
}

// checkUnique fails when row's value of a unique column is already held by
// another row than old.
func (tx *Txn) checkUnique(t *table, old, row any) error {
	p := t.ptr(row)
	var nb, ob [32]byte
	for _, f := range t.uniques {
		k, ok := f.key(p, nb[:0])
		if !ok {
			continue
		}
		if old != nil {
			if ok, same := f.key(t.ptr(old), ob[:0]); same && bytes.Equal(ok, k) {
				continue
			}
		}
		if other := tx.first(t, t.eqIndex(f), k); other != nil && other != old {
			return &UniqueConstraintError{Model: t.name, Fields: []string{f.name}, Value: clone.Value(f.get(p))}
		}
	}
	return nil
}

// checkParents fails when a foreign key of row that changed since old (or
// any, for an insert) references no source row.
func (tx *Txn) checkParents(t *table, old, row any) error {
	p := t.ptr(row)
	var nb, ob [32]byte
	for _, a := range t.parents {
		if !a.constrained {
			continue
		}
		k, ok := a.fk.key(p, nb[:0])
		if !ok {
			continue
		}
		if old != nil {
			if ok2, same := a.fk.key(t.ptr(old), ob[:0]); same && bytes.Equal(ok2, k) {
				continue
			}
		}
		if tx.first(a.source, a.skIx, k) == nil {
			return &ForeignKeyConstraintError{Model: t.name, ForeignKey: a.fk.name, Value: clone.Value(a.fk.get(p)),
				Referenced: a.source.name, Association: a.name,
				Reason: "references no " + a.source.name + "." + a.sk.name}
		}
	}
	return nil
}
