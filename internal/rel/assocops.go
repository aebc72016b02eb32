package rel

import (
	"bytes"
	"fmt"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// The type-erased association operations behind HasMany and BelongsTo.
// Writers run inside tx.Atomic and go through the single write path of
// constraint.go.

// Source finds the stored Source row identified by the instance at p and
// returns its encoded Source key (appended to buf) and canonical value.
func (tx *Txn) Source(a *meta.Relation, p unsafe.Pointer, buf []byte) ([]byte, any, error) {
	row, err := tx.sourceRow(a, p)
	if err != nil {
		return nil, nil, err
	}
	sk, err := a.SourceKeyOf(row, buf)
	if err != nil {
		return nil, nil, err
	}
	return sk, a.SK.Get(a.Source.Ptr(row)), nil
}

// SourceValue is Source for a caller that needs only the canonical value
// (a Create, which gives it to the new target): no key is encoded.
func (tx *Txn) SourceValue(a *meta.Relation, p unsafe.Pointer) (any, error) {
	row, err := tx.sourceRow(a, p)
	if err != nil {
		return nil, err
	}
	v := a.SK.Get(a.Source.Ptr(row))
	if v == nil {
		return nil, a.NullSourceKey()
	}
	return v, nil
}

// sourceRow finds the stored Source row identified by the instance at p.
func (tx *Txn) sourceRow(a *meta.Relation, p unsafe.Pointer) (any, error) {
	var kb [32]byte
	pk, ok := a.Source.KeyAt(p, kb[:0])
	if !ok {
		return nil, &errs.AssociationError{Association: a.Name, Reason: "source instance has a NULL primary key"}
	}
	row := tx.ByKey(a.Source, pk)
	if row == nil {
		return nil, &errs.NotFoundError{Model: a.Source.Name, Key: clone.Value(a.Source.KeyValue(p))}
	}
	return row, nil
}

// SourceKey is source for the reads that can prove the source exists by
// what they find. When the source key is the primary key and the foreign
// key is constrained, a target holding the key implies a stored source
// row, so the key is encoded from the instance and the lookup is left to
// ConfirmSource, which a read calls only when it found nothing. That makes
// Get, Count and Has one index access instead of two. looked reports that
// the source row was looked up already.
func (tx *Txn) SourceKey(a *meta.Relation, p unsafe.Pointer, buf []byte) (sk []byte, looked bool, err error) {
	if a.SK == a.Source.PK && a.Constrained {
		if sk, ok := a.SK.Key(p, buf); ok {
			return sk, false, nil
		}
	}
	sk, _, err = tx.Source(a, p, buf)
	return sk, true, err
}

// ConfirmSource fails with ErrNotFound when a read that found nothing was
// asked about a source that is not stored.
func (tx *Txn) ConfirmSource(a *meta.Relation, p unsafe.Pointer, looked bool) error {
	if looked {
		return nil
	}
	_, _, err := tx.Source(a, p, nil)
	return err
}

// SourceRows is Get for the source row at p: its targets as AssocRows
// reads them, and ErrNotFound when there are none and the source is not
// stored.
func (tx *Txn) SourceRows(a *meta.Relation, p unsafe.Pointer, o *Read) (Found, error) {
	var kb [32]byte
	sk, looked, err := tx.SourceKey(a, p, kb[:0])
	if err != nil {
		return Found{}, err
	}
	f, err := tx.AssocRows(a, sk, o)
	if err == nil && len(f.Rows) == 0 {
		err = tx.ConfirmSource(a, p, looked)
	}
	if err != nil {
		return Found{}, err
	}
	return f, nil
}

// SourceCount is Count for the source row at p, as SourceRows is Get.
func (tx *Txn) SourceCount(a *meta.Relation, p unsafe.Pointer, o *Read) (int, error) {
	var kb [32]byte
	sk, looked, err := tx.SourceKey(a, p, kb[:0])
	if err != nil {
		return 0, err
	}
	n, err := tx.AssocCount(a, sk, o)
	if err == nil && n == 0 {
		err = tx.ConfirmSource(a, p, looked)
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// SourceHas is Has for the source row at p, as SourceRows is Get: the
// source is confirmed when the answer does not prove it stored.
func (tx *Txn) SourceHas(a *meta.Relation, p unsafe.Pointer, keys [][]byte) (bool, error) {
	var kb [32]byte
	sk, looked, err := tx.SourceKey(a, p, kb[:0])
	if err != nil {
		return false, err
	}
	ok := tx.AssocHas(a, sk, keys)
	if !ok || len(keys) == 0 {
		if err := tx.ConfirmSource(a, p, looked); err != nil {
			return false, err
		}
	}
	return ok, nil
}

// Targets returns the stored target rows for keys. With must set, a
// missing key is ErrNotFound (where Sequelize would skip it silently);
// otherwise it is skipped.
func (tx *Txn) Targets(a *meta.Relation, keys [][]byte, must bool) ([]any, error) {
	tx.prefetchKeys(a.Target, keys)
	rows := make([]any, 0, len(keys))
	for _, k := range keys {
		row := live(a.Target, tx.ByKey(a.Target, k))
		if row == nil {
			if must {
				return nil, &errs.NotFoundError{Model: a.Target.Name, Key: clone.Value(a.Target.DecodeKey(k))}
			}
			continue
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// children yields a's targets of the source whose key encodes to sk, in
// primary key order, scope applied by the index; soft-deleted ones only
// when all is set.
func (tx *Txn) children(a *meta.Relation, sk []byte, all bool) rowSource {
	all = all || !a.Target.Paranoid()
	return func(yield func(any) bool) {
		it := tx.Prefix(a.Lookup, a.ChildKey(sk))
		for row := it.Next(); row != nil; row = it.Next() {
			if (all || a.Target.Live(a.Target.Ptr(row))) && !yield(row) {
				return
			}
		}
	}
}

// AssocRows is Get: the source's targets, read through the association's
// index in primary key order, then filtered, ordered and windowed.
func (tx *Txn) AssocRows(a *meta.Relation, sk []byte, o *Read) (Found, error) {
	// The plan outlives this call's stack frame; a copy keeps the caller's
	// key buffer on its stack.
	return tx.read(a.Target, o, tx.childPlan(a, bytes.Clone(sk)))
}

// AssocCount is Count: it counts index entries that pass the filter and
// copies nothing. As in Sequelize, Order, Limit, Offset and Fields do not
// apply.
func (tx *Txn) AssocCount(a *meta.Relation, sk []byte, o *Read) (int, error) {
	if o == nil || (o.Where.IsZero() && len(o.Include) == 0 && o.IncludeErr == nil) {
		if ns, ok := tx.CountChildren(a, [][]byte{sk}, o != nil && o.WithDeleted); ok {
			return ns[0], nil
		}
		n := 0
		for range tx.children(a, sk, o != nil && o.WithDeleted) {
			n++
		}
		return n, nil
	}
	return tx.count(a.Target, o, tx.childPlan(a, bytes.Clone(sk)))
}

// AssocHas answers Has with one primary key lookup per target.
func (tx *Txn) AssocHas(a *meta.Relation, sk []byte, keys [][]byte) bool {
	tx.prefetchKeys(a.Target, keys)
	for _, k := range keys {
		row := live(a.Target, tx.ByKey(a.Target, k))
		if row == nil || !a.Holds(a.Target.Ptr(row), sk) {
			return false
		}
	}
	return true
}

// AssocAdd re-parents rows onto the source; rows already associated keep
// their values, and get a new updatedAt when the target keeps timestamps
// (Sequelize's add updates every listed row).
func (tx *Txn) AssocAdd(a *meta.Relation, sk []byte, skv any, rows []any) error {
	return tx.attach(a, sk, skv, rows, a.Target.Stamps.Updated != nil)
}

// attach points rows at the source; restamp rewrites the rows already
// associated too, for their updatedAt.
func (tx *Txn) attach(a *meta.Relation, sk []byte, skv any, rows []any, restamp bool) error {
	for _, r := range rows {
		cur := tx.Current(a.Target, r)
		if cur == nil || !restamp && a.Holds(a.Target.Ptr(cur), sk) {
			continue
		}
		row := a.Target.Clone(cur)
		a.Attach(a.Target.Ptr(row), skv)
		if err := tx.UpdateRow(a.Target, cur, row); err != nil {
			return err
		}
	}
	return nil
}

// AssocSet un-associates the current targets that are not listed, then
// adds the listed ones.
func (tx *Txn) AssocSet(a *meta.Relation, sk []byte, skv any, rows []any, destroy bool) error {
	var previous []any
	if tx.db.E.Features().Has(engine.SharedRows) {
		// Stored rows are immutable and shared, so within one transaction
		// a row is its own identity: the set holds the pointers.
		listed := make(map[any]bool, len(rows))
		for _, r := range rows {
			listed[r] = true
		}
		tx.children(a, sk, false)(func(row any) bool {
			if !listed[row] {
				previous = append(previous, row)
			}
			return true
		})
	} else {
		// Each read is a row of its own: the set holds primary keys.
		t := a.Target
		var kb [32]byte
		listed := make(map[string]bool, len(rows))
		for _, r := range rows {
			listed[string(t.PKKey(r, kb[:0]))] = true
		}
		tx.children(a, sk, false)(func(row any) bool {
			if !listed[string(t.PKKey(row, kb[:0]))] {
				previous = append(previous, row)
			}
			return true
		})
	}
	if err := tx.Unassociate(a, sk, previous, destroy); err != nil {
		return err
	}
	// Only the rows not associated yet are written: Sequelize's set
	// updates the new associations alone, so the others keep their
	// updatedAt (where its add rewrites every listed row).
	return tx.attach(a, sk, skv, rows, false)
}

// OneTarget returns the target a hasOne reads for the source whose key
// encodes to sk: the scoped target with the lowest primary key, as
// Sequelize's findOne ordered by primary key; nil when there is none.
func (tx *Txn) OneTarget(a *meta.Relation, sk []byte) any {
	var first any
	tx.children(a, sk, false)(func(row any) bool {
		first = row
		return false
	})
	return first
}

// SetOne makes target (a stored row, or nil for none) the hasOne target
// of the source with key sk. The previous target, the one OneTarget
// returns, is un-associated as Unassociate does (deleted when destroy is
// set or the foreign key is NOT NULL), unless it is target itself; other
// targets of the source are left alone, as in Sequelize.
func (tx *Txn) SetOne(a *meta.Relation, sk []byte, skv any, target any, destroy bool) error {
	prev := tx.OneTarget(a, sk)
	if target != nil && prev != nil && tx.sameRow(a.Target, tx.Current(a.Target, target), prev) {
		return nil
	}
	if prev != nil {
		if err := tx.Unassociate(a, sk, []any{prev}, destroy); err != nil {
			return err
		}
	}
	if target == nil {
		return nil
	}
	if tx.Current(a.Target, target) == nil {
		// Deleting the previous target took this one with it (a cascade
		// through another association): there is nothing left to point.
		p := a.Target.Ptr(target)
		return &errs.NotFoundError{Model: a.Target.Name, Key: clone.Value(a.Target.KeyValue(p))}
	}
	return tx.AssocAdd(a, sk, skv, []any{target})
}

// sameRow reports whether x and y, rows of t read in this transaction,
// are one stored row: one pointer on an engine of SharedRows, else (each
// read a copy) the same primary key.
func (tx *Txn) sameRow(t *meta.Table, x, y any) bool {
	if x == nil || y == nil || tx.db.E.Features().Has(engine.SharedRows) {
		return x == y
	}
	var kx, ky [32]byte
	return bytes.Equal(t.PKKey(x, kx[:0]), t.PKKey(y, ky[:0]))
}

// Unassociate nulls the foreign key of each row still associated with the
// source, or deletes it (with its own onDelete rules) when destroy is set
// or the foreign key is NOT NULL. The scope fields stay as they are.
func (tx *Txn) Unassociate(a *meta.Relation, sk []byte, rows []any, destroy bool) error {
	del := destroy || !a.FK.Nullable()
	for _, r := range rows {
		cur := tx.Current(a.Target, r)
		if cur == nil || !a.Holds(a.Target.Ptr(cur), sk) {
			continue
		}
		var err error
		if del {
			err = tx.Destroy(a.Target, cur, false)
		} else {
			err = tx.SetFK(a, cur, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// childPlan is the access path of a source's targets: the association's
// index, in primary key order.
func (tx *Txn) childPlan(a *meta.Relation, sk []byte) func(*filter.Filter, []query.Order) plan {
	return func(_ *filter.Filter, order []query.Order) plan {
		return plan{src: tx.children(a, sk, true), inOrder: len(order) == 0}
	}
}

// Stored returns the Stored row with the primary key of the instance at p.
func (tx *Txn) Stored(t *meta.Table, p unsafe.Pointer) (any, error) {
	var kb [32]byte
	pk, ok := t.KeyAt(p, kb[:0])
	if !ok {
		return nil, &errs.NotFoundError{Model: t.Name, Key: nil}
	}
	row := tx.ByKey(t, pk)
	if row == nil {
		return nil, &errs.NotFoundError{Model: t.Name, Key: clone.Value(t.KeyValue(p))}
	}
	return row, nil
}

// ParentOf returns the stored parent a child row points at, or nil.
func (tx *Txn) ParentOf(a *meta.Relation, child any) any {
	var kb [32]byte
	k, ok := a.FK.Key(a.Target.Ptr(child), kb[:0])
	if !ok {
		return nil
	}
	return tx.First(a.SKIndex, k)
}

// PointAt sets the foreign key of the stored child identified by the
// instance at p to skv (nil: NULL) and returns the new stored row.
func (tx *Txn) PointAt(a *meta.Relation, p unsafe.Pointer, skv any) (any, error) {
	cur, err := tx.Stored(a.Target, p)
	if err != nil {
		return nil, err
	}
	// Only the foreign key: a belongsTo writes no scope (Sequelize's
	// set assigns the key and saves), so a scoped hasOne's inverse can
	// point a row outside the scope at a parent.
	if err := tx.SetFK(a, cur, skv); err != nil {
		return nil, err
	}
	return tx.ByKey(a.Target, a.Target.PKKey(cur, nil)), nil
}

// ParentKey returns the source key a child of a must hold to point at the
// parent instance at p: the stored parent's, found by p's primary key. A
// parent that is not stored is a ForeignKeyConstraintError unless a has
// no constraints, when the instance's own source key is used.
func (tx *Txn) ParentKey(a *meta.Relation, p unsafe.Pointer) (any, error) {
	skv := a.SK.Get(p)
	if pk, ok := a.Source.KeyAt(p, nil); ok {
		if row := tx.ByKey(a.Source, pk); row != nil {
			skv = a.SK.Get(a.Source.Ptr(row))
		} else if a.Constrained {
			return nil, &errs.ForeignKeyConstraintError{Model: a.Target.Name, ForeignKey: a.FK.Name,
				Value: clone.Value(skv), Referenced: a.Source.Name, Association: a.Name,
				Reason: fmt.Sprintf("references %s %v, which is not stored", a.Source.Name, a.Source.KeyValue(p))}
		}
	}
	if skv == nil {
		return nil, &errs.AssociationError{Association: a.Name, Reason: "parent has a NULL " + a.SK.Name}
	}
	return skv, nil
}

// SetParent points the stored child of a identified by the instance at p
// at the parent whose source key is key (nil: none), atomically, and
// returns the new stored row.
func (tx *Txn) SetParent(a *meta.Relation, p unsafe.Pointer, key any) (any, error) {
	skv, err := a.SK.Conv(key)
	if err != nil {
		return nil, &errs.FieldError{Model: a.Source.Name, Field: a.SK.Name, Value: clone.Value(key), Err: errs.ErrBadKey}
	}
	var out any
	err = tx.Atomic(func() error {
		out, err = tx.PointAt(a, p, skv)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
