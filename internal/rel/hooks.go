package rel

import (
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// The order of a write through the model (create, update), which the
// package overview documents: defaults (create), timestamps, the before
// hooks (which may change the row), the field checks, then the store's
// checks (NOT NULL, keys, unique, foreign keys) and the write, then the
// after hooks. A destroy runs its before hooks, the delete (soft, or with
// its referential actions) and its after hooks. Any error ends the call,
// and the call's atomicity undoes what the hooks' own calls wrote.

// before runs t's before hooks of ev on the new row, then its field
// checks (not for a destroy).
func (tx *Txn) before(t *meta.Table, ev meta.Event, row any) error {
	if err := tx.hooks(t.Hooks.Before[ev], row); err != nil {
		return err
	}
	if ev == meta.OnDestroy || len(t.Hooks.Checks) == 0 {
		return nil
	}
	return validate(t, t.Ptr(row))
}

// after runs t's after hooks of ev on the stored row.
func (tx *Txn) after(t *meta.Table, ev meta.Event, row any) error {
	return tx.hooks(t.Hooks.After[ev], row)
}

// hooks calls fns in order. The calls a hook makes are calls of their own
// (with their own clock reading), so the running call's instant is kept
// around them.
func (tx *Txn) hooks(fns []meta.Hook, row any) error {
	if len(fns) == 0 {
		return nil
	}
	w := tx.wk
	now, set := w.now, w.nowSet
	defer func() { w.now, w.nowSet = now, set }()
	for _, fn := range fns {
		if err := fn(tx.Owner, row); err != nil {
			return err
		}
	}
	return nil
}

// validate runs t's field checks on the row at p and fails with one
// ValidationError listing every failing field, NOT NULL violations
// included.
func validate(t *meta.Table, p unsafe.Pointer) error {
	var items []errs.ValidationErrorItem
	for _, c := range t.Hooks.Checks {
		if err := c.Run(p); err != nil {
			items = append(items, errs.ValidationErrorItem{Field: c.Field.Name, Message: err.Error(),
				Value: clone.Value(c.Field.Get(p)), Err: err})
		}
	}
	if items == nil {
		return nil
	}
	if err := checkNotNull(t, p); err != nil {
		items = append(items, err.(*errs.ValidationError).Items...)
	}
	return &errs.ValidationError{Model: t.Name, Items: items}
}
