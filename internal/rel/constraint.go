package rel

import (
	"bytes"
	"fmt"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"

	"github.com/memrel/memrel/internal/meta"

	"github.com/memrel/memrel/internal/clone"
)

// This file is the single write path: every insert, update and delete of a
// row, whether from a model call, an association operation or a cascade,
// goes through InsertRow, UpdateRow or DeleteRow (a snapshot's rows
// through InsertUnchecked, their references checked by CheckParents once
// all are in), which enforce what a PostgreSQL table with these
// constraints would. Callers run inside
// tx.Atomic, which reverts everything when one of them fails.

// InsertRow stores a new row that the caller owns exclusively. fresh says
// its key was just drawn from the sequence, which is past every key the
// table holds (explicit keys move it), so it needs no collision check.
// known is a reference the caller confirmed (see Create), or nil.
func (tx *Txn) InsertRow(t *meta.Table, row any, fresh bool, known *meta.Relation) error {
	if err := tx.InsertUnchecked(t, row, fresh); err != nil {
		return err
	}
	// References are checked against the state after the write, so a row
	// may reference itself, as PostgreSQL allows.
	return tx.CheckParents(t, nil, row, known)
}

// InsertUnchecked stores a new row with every check but its references,
// which Load runs once all rows are in.
func (tx *Txn) InsertUnchecked(t *meta.Table, row any, fresh bool) error {
	p := t.Ptr(row)
	if err := checkNotNull(t, p); err != nil {
		return err
	}
	var kb [32]byte
	if !fresh && tx.ByKey(t, t.PKKey(row, kb[:0])) != nil {
		return pkViolation(t, p)
	}
	if err := tx.checkUnique(t, nil, row); err != nil {
		return err
	}
	tx.wk.w.Put(t, nil, row)
	return nil
}

// UpdateRow replaces the stored row old by row (which may change the
// primary key) and applies the onUpdate rules of every association whose
// source key changed.
//
// It is an update through the model, which sets the row's updatedAt (the
// cascade's own rewrites of children do not pass here).
func (tx *Txn) UpdateRow(t *meta.Table, old, row any) error {
	tx.stampChange(t, old, row)
	if err := tx.before(t, meta.OnUpdate, row); err != nil {
		return err
	}
	if err := tx.cascade(step{kind: stepUpdate, t: t, old: old, row: row}); err != nil {
		return err
	}
	if len(t.Hooks.After[meta.OnUpdate]) == 0 {
		return nil
	}
	var kb [32]byte
	return tx.after(t, meta.OnUpdate, tx.ByKey(t, t.PKKey(row, kb[:0])))
}

// DeleteRow removes a stored row and applies the onDelete rule of every
// association whose source it is. Cascades terminate because each step
// deletes a row that is then gone.
func (tx *Txn) DeleteRow(t *meta.Table, old any) error {
	return tx.cascade(step{kind: stepDelete, t: t, old: old})
}

// SetFK rewrites one child's foreign key (nil nulls it).
func (tx *Txn) SetFK(a *meta.Relation, cur any, v any) error {
	row, err := a.WithFK(cur, v)
	if err != nil {
		return err
	}
	return tx.UpdateRow(a.Target, cur, row)
}

// A write and the referential actions it sets off run as an explicit work
// list, not as recursion: a chain of a million rows, each the parent of the
// next, would otherwise nest a million calls and overflow the goroutine
// stack, a fatal error no recover catches. Each step is one call of what
// was the recursion (DeleteRow, UpdateRow, onParentGone), and the steps run
// in the order the calls did, so every effect and every error (which row a
// RESTRICT names, which error wins) is the one the recursion gave. A step
// whose only work left is its last child is removed before that child is
// pushed, so a chain needs a constant number of steps, not one per level.

type stepKind uint8

const (
	stepDelete stepKind = iota // delete old, then t's onDelete rules
	stepUpdate                 // replace old by row, then t's onUpdate rules, then row's references
	stepGone                   // a's rule for the children whose foreign key holds the step's key
)

// step is one pending call of the cascade. The key and the children of a
// stepGone live in the write state's keys and kids (see work), which grow
// and shrink with the steps: keysMark and kidsMark are their lengths when
// the step was pushed, restored when it is removed.
type step struct {
	kind               stepKind
	begun              bool
	update             bool // stepGone: a source key changed (onUpdate), not a delete
	action             meta.Action
	t                  *meta.Table
	old, row           any
	a                  *meta.Relation
	newKey             any // stepGone on update: the new source key value (nil: NULL)
	next               int // the next association (stepDelete, stepUpdate) or child (stepGone) to visit
	keyLo, keyHi       int // stepGone: its key is keys[keyLo:keyHi]
	kidsLo, kidsHi     int // stepGone: its children are kids[kidsLo:kidsHi]
	keysMark, kidsMark int
}

// cascade runs first and every step it sets off, depth first, and returns
// the first error, which ends the whole cascade as it ended the recursion.
func (tx *Txn) cascade(first step) error {
	w := tx.wk
	base := len(w.steps)
	tx.push(first)
	for len(w.steps) > base {
		if err := tx.runStep(); err != nil {
			for len(w.steps) > base {
				tx.pop()
			}
			return err
		}
	}
	return nil
}

func (tx *Txn) push(s step) {
	w := tx.wk
	s.keysMark, s.kidsMark = len(w.keys), len(w.kids)
	w.steps = append(w.steps, s)
}

// pushGone pushes the step applying a's rule to the children whose foreign
// key holds key.
func (tx *Txn) pushGone(a *meta.Relation, key []byte, update bool, newKey any) {
	w := tx.wk
	lo := len(w.keys)
	w.keys = append(w.keys, key...)
	w.steps = append(w.steps, step{kind: stepGone, a: a, update: update, newKey: newKey,
		keyLo: lo, keyHi: len(w.keys), keysMark: lo, kidsMark: len(w.kids)})
}

// pop removes the top step with the key and children it holds.
func (tx *Txn) pop() {
	w := tx.wk
	s := &w.steps[len(w.steps)-1]
	w.keys = w.keys[:s.keysMark]
	clear(w.kids[s.kidsMark:])
	w.kids = w.kids[:s.kidsMark]
	*s = step{}
	w.steps = w.steps[:len(w.steps)-1]
}

// runStep does the top step's next piece of work: up to pushing one more
// step, or to its end.
func (tx *Txn) runStep() error {
	s := &tx.wk.steps[len(tx.wk.steps)-1]
	switch s.kind {
	case stepDelete:
		return tx.stepDelete(s)
	case stepUpdate:
		return tx.stepUpdate(s)
	default:
		return tx.onParentGone(s)
	}
}

// stepDelete removes s.old, then visits each association whose source it
// is and pushes the step applying its onDelete rule.
func (tx *Txn) stepDelete(s *step) error {
	t, old := s.t, s.old
	if !s.begun {
		s.begun = true
		tx.wk.w.Delete(t, old)
	}
	for s.next < len(t.Children) {
		a := t.Children[s.next]
		s.next++
		if !a.Constrained {
			continue
		}
		var kb [32]byte
		key, ok := a.SK.Key(t.Ptr(old), kb[:0])
		if !ok {
			continue
		}
		if s.next == len(t.Children) {
			tx.pop() // nothing left to do after this association
		}
		tx.pushGone(a, key, false, nil)
		return nil
	}
	tx.pop()
	return nil
}

// stepUpdate stores s.row in place of s.old, then visits each association
// whose source key changed and pushes the step applying its onUpdate rule,
// then checks the row's own references.
func (tx *Txn) stepUpdate(s *step) error {
	t, old, row := s.t, s.old, s.row
	p := t.Ptr(row)
	if !s.begun {
		if err := checkNotNull(t, p); err != nil {
			return err
		}
		var ob, nb [32]byte
		oldPK, newPK := t.PKKey(old, ob[:0]), t.PKKey(row, nb[:0])
		if !bytes.Equal(oldPK, newPK) && tx.ByKey(t, newPK) != nil {
			return pkViolation(t, p)
		}
		if err := tx.checkUnique(t, old, row); err != nil {
			return err
		}
		s.begun = true
		tx.wk.w.Put(t, old, row)
		if t.PK.AutoInc && !bytes.Equal(oldPK, newPK) {
			tx.advance(t, p) // an explicit key moves the sequence, as on Create
		}
	}
	for s.next < len(t.Children) {
		a := t.Children[s.next]
		s.next++
		if !a.Constrained {
			continue
		}
		var ob, nb [32]byte
		oldKey, oldOK := a.SK.Key(t.Ptr(old), ob[:0])
		newKey, _ := a.SK.Key(p, nb[:0])
		if !oldOK || bytes.Equal(oldKey, newKey) {
			continue
		}
		tx.pushGone(a, oldKey, true, a.SK.Get(p))
		return nil
	}
	// The onUpdate actions may have rewritten this very row (a reference to
	// its own old key): check what is stored now, as PostgreSQL checks the
	// live row version. Only a referenced table has onUpdate actions, and
	// the engine answers its lookups without reading back through the
	// write transaction an index it has written (the memdb engine's
	// writer explains how).
	if t.Referenced {
		var nb [32]byte
		row = tx.ByKey(t, t.PKKey(row, nb[:0]))
	}
	tx.pop()
	return tx.CheckParents(t, old, row, nil)
}

// onParentGone applies s.a's onDelete rule (s.update false) or onUpdate
// rule (s.update true) to the children whose foreign key holds the step's
// key, after the source row with that key was deleted or its source key
// changed to s.newKey (which may be NULL). It pushes one step per child it
// deletes or rewrites, in primary key order.
func (tx *Txn) onParentGone(s *step) error {
	w, a := tx.wk, s.a
	if !s.begun {
		s.begun = true
		key := w.keys[s.keyLo:s.keyHi]
		s.kidsLo = len(w.kids)
		w.kids = tx.childrenByFK(a, key, w.kids, 0)
		s.kidsHi = len(w.kids)
		kids := w.kids[s.kidsLo:s.kidsHi]
		if len(kids) == 0 {
			tx.pop()
			return nil
		}
		s.action = a.OnDelete
		if s.update {
			s.action = a.OnUpdate
		}
		switch s.action {
		case meta.Restrict:
			return restricted(a, tx, kids[0], s.update)
		case meta.NoAction:
			w.deferred = append(w.deferred, deferredCheck{a: a, key: bytes.Clone(key), update: s.update})
			tx.pop()
			return nil
		case meta.Cascade:
			if !s.update && !a.Target.Referenced && len(kids) > 1 {
				tx.deleteChildren(a, key, kids)
				tx.pop()
				return nil
			}
		}
	}
	for s.kidsLo+s.next < s.kidsHi {
		kid := w.kids[s.kidsLo+s.next]
		s.next++
		cur := tx.Current(a.Target, kid)
		if cur == nil {
			continue
		}
		var kb [32]byte
		if k, ok := a.FK.Key(a.Target.Ptr(cur), kb[:0]); !ok || !bytes.Equal(k, w.keys[s.keyLo:s.keyHi]) {
			continue
		}
		last := s.kidsLo+s.next == s.kidsHi
		if s.action == meta.Cascade && !s.update {
			if last {
				tx.pop() // nothing left to do after this child
			}
			tx.push(step{kind: stepDelete, t: a.Target, old: cur})
			return nil
		}
		var v any // SET NULL, or CASCADE to a NULL new key: the children are nulled
		switch s.action {
		case meta.Cascade:
			v = s.newKey
		case meta.SetDefault:
			v = a.FK.Default
		}
		row, err := a.WithFK(cur, v)
		if err != nil {
			return err
		}
		if last {
			tx.pop()
		}
		tx.push(step{kind: stepUpdate, t: a.Target, old: cur, row: row})
		return nil
	}
	tx.pop()
	return nil
}

// deleteChildren deletes kids, every row of a's target whose foreign key
// holds key, as a cascade does: their foreign key index entries go as one
// subtree instead of one radix path each. It serves only a target that no
// constraint references: deleting one of its rows sets off nothing, so the
// rows are the ones just listed and the order of the deletes cannot matter.
func (tx *Txn) deleteChildren(a *meta.Relation, key []byte, kids []any) {
	k := tx.lend(key)
	tx.wk.w.DeleteMatching(a.FKIndex, k, kids)
	tx.giveBack(k)
}

// Current returns the stored version of row, listed earlier in this call,
// or nil once it is deleted. Only a table that is the source of a
// constrained association can see its rows changed by a write to another
// of its rows (through a cascade); any other table's listed rows are still
// the stored ones, and no lookup is needed.
func (tx *Txn) Current(t *meta.Table, row any) any {
	if !t.Referenced {
		return row
	}
	var kb [32]byte
	return tx.ByKey(t, t.PKKey(row, kb[:0]))
}

// childrenByFK appends to kids the rows of a's target whose foreign key
// holds key, in primary key order, whatever the association's scope: a
// database constraint knows no scope. It stops after limit rows (0: all).
func (tx *Txn) childrenByFK(a *meta.Relation, key []byte, kids []any, limit int) []any {
	return tx.fkRows(a.FKIndex, key, kids, limit)
}

// runDeferred runs the NO ACTION checks at the end of a statement: a
// reference is only an error if its parent is still missing then.
func (tx *Txn) runDeferred() error {
	for _, d := range tx.wk.deferred {
		if tx.First(d.a.SKIndex, d.key) != nil {
			continue
		}
		var kb [1]any
		if kids := tx.childrenByFK(d.a, d.key, kb[:0], 1); len(kids) > 0 {
			return restricted(d.a, tx, kids[0], d.update)
		}
	}
	return nil
}

// checkNotNull lists every NOT NULL column that holds NULL.
func checkNotNull(t *meta.Table, p unsafe.Pointer) error {
	var items []errs.ValidationErrorItem
	for _, f := range t.Fields {
		if f.NotNull && f.Null != meta.NullNone && f.IsNull(p) {
			items = append(items, errs.ValidationErrorItem{Field: f.Name, Message: "cannot be null"})
		}
	}
	if items != nil {
		return &errs.ValidationError{Model: t.Name, Items: items}
	}
	return nil
}

// checkUnique fails when row's key in one of t's unique constraints (a
// unique column's value, or a composite group's values) is already held
// by another row than old.
func (tx *Txn) checkUnique(t *meta.Table, old, row any) error {
	p := t.Ptr(row)
	var nb, ob [64]byte
	for _, ix := range t.UniqueKeys {
		k, ok := ix.Key(p, nb[:0])
		if !ok {
			continue
		}
		if old != nil {
			if ok, same := ix.Key(t.Ptr(old), ob[:0]); same && bytes.Equal(ok, k) {
				continue
			}
		}
		if other := tx.First(ix, k); other != nil && other != old {
			return ix.Violation(p)
		}
	}
	return nil
}

// pkViolation is the error for row p colliding on the primary key.
func pkViolation(t *meta.Table, p unsafe.Pointer) error { return t.Indexes[0].Violation(p) }

// CheckParents fails when a foreign key of row that changed since old (or
// any, for an insert) references no source row. The reference of known,
// which the caller confirmed, is not looked up again.
func (tx *Txn) CheckParents(t *meta.Table, old, row any, known *meta.Relation) error {
	p := t.Ptr(row)
	var nb, ob [32]byte
	for _, a := range t.Parents {
		if !a.Constrained || a == known {
			continue
		}
		k, ok := a.FK.Key(p, nb[:0])
		if !ok {
			continue
		}
		if old != nil {
			if ok2, same := a.FK.Key(t.Ptr(old), ob[:0]); same && bytes.Equal(ok2, k) {
				continue
			}
		}
		if tx.First(a.SKIndex, k) == nil {
			return &errs.ForeignKeyConstraintError{Model: t.Name, ForeignKey: a.FK.Name, Value: clone.Value(a.FK.Get(p)),
				Referenced: a.Source.Name, Association: a.Name,
				Reason: "references no " + a.Source.Name + "." + a.SK.Name}
		}
	}
	return nil
}

// restricted is the error for a delete or key change blocked by kid.
func restricted(a *meta.Relation, tx *Txn, kid any, update bool) error {
	rule, act := "onDelete", a.OnDelete
	if update {
		rule, act = "onUpdate", a.OnUpdate
	}
	p := a.Target.Ptr(kid)
	return &errs.ForeignKeyConstraintError{Model: a.Target.Name, ForeignKey: a.FK.Name, Value: clone.Value(a.FK.Get(p)),
		Referenced: a.Source.Name, Association: a.Name,
		Reason: fmt.Sprintf("is still referenced by %s %v (%s %s)", a.Target.Name, a.Target.KeyValue(p), rule, act)}
}

// UpdateByKey replaces, atomically, the row of t whose primary key encodes
// to k by row (which may re-key it); key is the caller's form of k, for
// the NotFoundError when there is no such row (or it is soft-deleted).
func (tx *Txn) UpdateByKey(t *meta.Table, k []byte, key, row any) error {
	return tx.Atomic(func() error {
		old := live(t, tx.ByKey(t, k))
		if old == nil {
			return &errs.NotFoundError{Model: t.Name, Key: clone.Value(key)}
		}
		return tx.UpdateRow(t, old, row)
	})
}

// DestroyByKey destroys, atomically, the row of t whose primary key
// encodes to k, as Destroy does; key is the caller's form of k, for the
// NotFoundError when there is no such row (or, without force, it is
// soft-deleted already).
func (tx *Txn) DestroyByKey(t *meta.Table, k []byte, key any, force bool) error {
	return tx.Atomic(func() error {
		old := tx.ByKey(t, k)
		if !force {
			old = live(t, old)
		}
		if old == nil {
			return &errs.NotFoundError{Model: t.Name, Key: clone.Value(key)}
		}
		return tx.Destroy(t, old, force)
	})
}
