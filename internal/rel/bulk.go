package rel

import (
	"slices"
	"strings"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// UpdateAll sets the given fields (column or Go names) of every row of t
// matching where and returns how many rows matched (see memrels
// Model.UpdateAll): all change or, on error, none.
func (tx *Txn) UpdateAll(t *meta.Table, where query.Cond, set map[string]any) (int, error) {
	sets, err := assignments(t, set)
	if err != nil {
		return 0, err
	}
	_, n, err := tx.eachMatch(t, where, false, func(cur any) error {
		_, err := tx.assign(t, cur, sets)
		return err
	})
	return n, err
}

// Patch sets the given fields of the row of t whose primary key encodes
// to k and returns the stored row; key is the caller's form of k, for the
// NotFoundError when there is none (or it is soft-deleted). The values are
// checked first, as Sequelize validates before it queries: a NULL for a
// NOT NULL field is a ValidationError even when the row is missing.
func (tx *Txn) Patch(t *meta.Table, k []byte, key any, set map[string]any) (any, error) {
	sets, err := assignments(t, set)
	if err != nil {
		return nil, err
	}
	var out any
	err = tx.Atomic(func() error {
		cur := live(t, tx.ByKey(t, k))
		if cur == nil {
			return &errs.NotFoundError{Model: t.Name, Key: clone.Value(key)}
		}
		row, err := tx.assign(t, cur, sets)
		if err != nil {
			return err
		}
		// The stored row, under its new key when the patch re-keyed it, as
		// onUpdate actions and hooks left it.
		var kb [32]byte
		out = tx.ByKey(t, t.PKKey(row, kb[:0]))
		return nil
	})
	return out, err
}

// assignment is one field an update sets, and its converted value.
type assignment struct {
	f *meta.Field
	v any
}

// assignments checks and converts an update's values (column or Go
// names): an unknown field, a field named twice, a value of the wrong type
// or a NULL for a NOT NULL field fails.
func assignments(t *meta.Table, set map[string]any) ([]assignment, error) {
	return convertSets(t, set, (*meta.Field).Nullable)
}

// convertSets is assignments with a NULL refused in the fields for which
// nullOK is false.
func convertSets(t *meta.Table, set map[string]any, nullOK func(*meta.Field) bool) ([]assignment, error) {
	sets := make([]assignment, 0, len(set))
	var nulls []errs.ValidationErrorItem
	for name, v := range set {
		// "slug" and "Slug": which value would win?
		f, err := assigned(t, name, func(f *meta.Field) bool {
			return slices.ContainsFunc(sets, func(s assignment) bool { return s.f == f })
		})
		if err != nil {
			return nil, err
		}
		cv, err := f.Conv(v)
		if err != nil {
			return nil, &errs.FieldError{Model: t.Name, Field: name, Value: clone.Value(v), Err: errs.ErrBadValue}
		}
		if cv == nil && !nullOK(f) {
			nulls = append(nulls, errs.ValidationErrorItem{Field: f.Name, Message: "cannot be null"})
		}
		sets = append(sets, assignment{f, cv})
	}
	if nulls != nil {
		slices.SortFunc(nulls, func(a, b errs.ValidationErrorItem) int { return strings.Compare(a.Field, b.Field) })
		return nil, &errs.ValidationError{Model: t.Name, Items: nulls}
	}
	// Field order, so that which error a write meets does not depend on
	// the map's order.
	slices.SortFunc(sets, func(a, b assignment) int { return int(a.f.Off) - int(b.f.Off) })
	return sets, nil
}

// RowOf returns a new row of t holding the values of set (column or Go
// names, converted as an update's values are; a field set leaves out
// stays zero, or NULL), or the error assignments gives. A NULL in a NOT
// NULL field that can hold one (a pointer tagged notnull) is left to the
// write's NOT NULL check, as a typed row's nil pointer is: on create a
// default fills it first (SPEC: NULL takes the default), and the check
// lists every such field.
func RowOf(t *meta.Table, set map[string]any) (any, error) {
	sets, err := convertSets(t, set, func(f *meta.Field) bool { return f.Null != meta.NullNone })
	if err != nil {
		return nil, err
	}
	row := t.NewRow()
	for _, s := range sets {
		s.f.Set(t.Ptr(row), s.v)
	}
	return row, nil
}

// assign writes sets onto a copy of the stored row cur, as an update
// through the model, and returns the copy.
func (tx *Txn) assign(t *meta.Table, cur any, sets []assignment) (any, error) {
	row := t.Clone(cur)
	for _, s := range sets {
		s.f.Set(t.Ptr(row), s.v)
	}
	return row, tx.UpdateRow(t, cur, row)
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
