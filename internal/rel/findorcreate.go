package rel

import (
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// FindOrCreate returns the first row of t matching where (ascending
// primary key) and false; when there is none, it creates defaults (a row
// the store owns) with the fields where sets by equality, and returns it
// and true. A where that is not a conjunction of equalities cannot say
// what to create: when it finds nothing, that is a ValidationError, as in
// Sequelize. All atomically.
func (tx *Txn) FindOrCreate(t *meta.Table, where query.Cond, defaults any) (row any, created bool, err error) {
	err = tx.Atomic(func() error {
		f, err := tx.FindRows(t, &Read{Where: where, Limit: 1})
		if err != nil {
			return err
		}
		if len(f.Rows) > 0 {
			row = f.Rows[0]
			if !f.Owned {
				row = t.Clone(row)
			}
			return nil
		}
		eqs, ok := equalities(where, nil)
		if !ok {
			return &errs.ValidationError{Model: t.Name, Items: []errs.ValidationErrorItem{{Field: where.Field(),
				Message: "findOrCreate: a where with operators cannot say what to create"}}}
		}
		p := t.Ptr(defaults)
		for _, c := range eqs {
			fd := t.ByName[c.Field()] // FindRows checked the names
			v, err := fd.Conv(c.Value(0))
			if err != nil {
				return &errs.FieldError{Model: t.Name, Field: c.Field(), Op: query.OpEq, Value: clone.Value(c.Value(0)), Err: errs.ErrBadValue}
			}
			fd.Set(p, v)
		}
		t.Own(p)
		created, row = true, defaults
		return tx.Create(t, defaults, nil)
	})
	if err != nil {
		return nil, false, err
	}
	return row, created, nil
}

// equalities appends the Eq conditions of where, a conjunction of them;
// false when where holds anything else.
func equalities(where query.Cond, out []query.Cond) ([]query.Cond, bool) {
	switch where.Op() {
	case query.OpAll:
		return out, true
	case query.OpEq:
		return append(out, where), true
	case query.OpAnd:
		for i := range where.NumConds() {
			var ok bool
			if out, ok = equalities(where.Sub(i), out); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}
