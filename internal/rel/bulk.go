package rel

import (
	"slices"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// UpdateAll sets the given fields (column or Go names) of every row of t
// matching where and returns how many rows matched (see memrels
// Model.UpdateAll): all change or, on error, none.
func (tx *Txn) UpdateAll(t *meta.Table, where query.Cond, set map[string]any) (int, error) {
	type assign struct {
		f *meta.Field
		v any
	}
	sets := make([]assign, 0, len(set))
	for name, v := range set {
		// "slug" and "Slug": which value would win?
		f, err := assigned(t, name, func(f *meta.Field) bool {
			return slices.ContainsFunc(sets, func(s assign) bool { return s.f == f })
		})
		if err != nil {
			return 0, err
		}
		cv, err := f.Conv(v)
		if err != nil {
			return 0, &errs.FieldError{Model: t.Name, Field: name, Value: clone.Value(v), Err: errs.ErrBadValue}
		}
		if cv == nil && f.Null == meta.NullNone {
			return 0, &errs.ValidationError{Model: t.Name, Items: []errs.ValidationErrorItem{{Field: f.Name, Message: "cannot be null"}}}
		}
		sets = append(sets, assign{f, cv})
	}
	_, n, err := tx.eachMatch(t, where, false, func(cur any) error {
		row := t.Clone(cur)
		for _, s := range sets {
			s.f.Set(t.Ptr(row), s.v)
		}
		return tx.UpdateRow(t, cur, row)
	})
	return n, err
}

// DestroyAll destroys every row of t matching where, as Destroy does (a
// soft delete of the live rows of a paranoid table unless force), and
// returns how many rows matched (including those a cascade from an earlier
// one removed): all go or, on error, none.
func (tx *Txn) DestroyAll(t *meta.Table, where query.Cond, force bool) (int, error) {
	// Every matching row is gone, by this statement or its cascades, and
	// PostgreSQL's DELETE reports them all.
	matched, _, err := tx.eachMatch(t, where, force, func(cur any) error { return tx.Destroy(t, cur, force) })
	return matched, err
}

// eachMatch runs fn, atomically, on the current version of every row of t
// that matches where (soft-deleted ones only when all is set), skipping
// the rows a cascade from an earlier one deleted. It returns how many rows
// matched and how many fn ran on; on error, nothing fn did remains.
func (tx *Txn) eachMatch(t *meta.Table, where query.Cond, all bool, fn func(cur any) error) (matched, visited int, err error) {
	err = tx.Atomic(func() error {
		f, err := tx.FindRows(t, &Read{Where: where, WithDeleted: all})
		if err != nil {
			return err
		}
		for _, old := range f.Rows {
			// A cascade from an earlier row may have changed this one.
			cur := tx.Current(t, old)
			if cur == nil {
				continue
			}
			if err := fn(cur); err != nil {
				return err
			}
			visited++
		}
		matched = len(f.Rows)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return matched, visited, nil
}
