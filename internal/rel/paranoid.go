package rel

import (
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// Soft delete (SPEC N13). A paranoid table's destroy sets the row's
// deletedAt instead of deleting it; every read skips such rows unless it
// asks for them, and every write that finds its rows by a read (update or
// increment by where or key, association writes) skips them too. The row
// still exists for the constraints: it keeps its unique values, children
// may point at it, and no referential action runs until it is destroyed
// for real (Force).

// visible returns where restricted to the rows a read sees: for a
// paranoid table, unless all is set, those whose deletedAt is NULL. The
// planner still sees where's own terms at the top level.
func visible(t *meta.Table, where query.Cond, all bool) query.Cond {
	d := t.Stamps.Deleted
	if d == nil || all {
		return where
	}
	live := query.IsNull(d.Name)
	if where.IsZero() {
		return live
	}
	return query.And(where, live)
}

// live returns row when a read that skips soft-deleted rows sees it, else
// nil.
func live(t *meta.Table, row any) any {
	if row == nil || !t.Live(t.Ptr(row)) {
		return nil
	}
	return row
}

// softDelete sets deletedAt on the stored live row cur of a paranoid
// table. It is no update through the model (updatedAt stays, as in
// Sequelize) and no delete (no referential action runs: the row is still
// there for its children).
func (tx *Txn) softDelete(t *meta.Table, cur any) error {
	row := t.Clone(cur)
	t.Stamps.Deleted.Set(t.Ptr(row), tx.Now())
	return tx.cascade(step{kind: stepUpdate, t: t, old: cur, row: row})
}

// Destroy removes the stored row cur of t as a destroy through the model
// does: soft-deletes it when t is paranoid and force is not set, else
// deletes it with its onDelete rules.
func (tx *Txn) Destroy(t *meta.Table, cur any, force bool) error {
	if err := tx.before(t, meta.OnDestroy, cur); err != nil {
		return err
	}
	if len(t.Hooks.Before[meta.OnDestroy]) > 0 {
		// The hooks' own calls may have changed or deleted the row.
		var kb [32]byte
		if cur = tx.ByKey(t, t.PKKey(cur, kb[:0])); cur == nil {
			return nil
		}
	}
	var err error
	if t.Paranoid() && !force {
		err = tx.softDelete(t, cur)
	} else {
		err = tx.DeleteRow(t, cur)
	}
	if err != nil {
		return err
	}
	return tx.after(t, meta.OnDestroy, cur)
}

// Restore clears deletedAt on the soft-deleted rows of the paranoid table
// t that match where and returns how many it restored (not how many
// matched: see SPEC N13's deviation). Like a soft delete, it leaves
// updatedAt alone. All or none.
func (tx *Txn) Restore(t *meta.Table, where query.Cond) (int, error) {
	if !t.Paranoid() {
		return 0, &errs.FieldError{Model: t.Name, Field: "deletedAt", Err: errs.ErrNotParanoid}
	}
	n := 0
	_, _, err := tx.eachMatch(t, query.And(where, query.NotNull(t.Stamps.Deleted.Name)), true, func(cur any) error {
		n++
		return tx.undelete(t, cur)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RestoreKey restores the row of t with primary key k (key is the caller's
// form, for the NotFoundError when there is none): true when it was
// soft-deleted, false when it was live.
func (tx *Txn) RestoreKey(t *meta.Table, k []byte, key any) (bool, error) {
	if !t.Paranoid() {
		return false, &errs.FieldError{Model: t.Name, Field: "deletedAt", Err: errs.ErrNotParanoid}
	}
	cur := tx.ByKey(t, k)
	if cur == nil {
		return false, &errs.NotFoundError{Model: t.Name, Key: clone.Value(key)}
	}
	if t.Live(t.Ptr(cur)) {
		return false, nil
	}
	return true, tx.Atomic(func() error { return tx.undelete(t, cur) })
}

// undelete clears the deletedAt of the soft-deleted row cur.
func (tx *Txn) undelete(t *meta.Table, cur any) error {
	row := t.Clone(cur)
	t.Stamps.Deleted.Set(t.Ptr(row), nil)
	return tx.cascade(step{kind: stepUpdate, t: t, old: cur, row: row})
}
