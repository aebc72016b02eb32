package memrel

import (
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// BulkCreate inserts vs in order and returns them as stored (keys,
// defaults and timestamps filled in), in input order. It is all or
// nothing: one row that fails (a NOT NULL, unique or foreign key
// violation, also between two rows of vs) fails the call with that row's
// error, and nothing is inserted and no id is taken. The rows share one
// timestamp.
func (m *Model[T]) BulkCreate(tx *Txn, vs []T) ([]T, error) {
	rows, err := bulkCreate(tx, m.table(), len(vs), func(i int) (any, error) { return m.in(&vs[i]) })
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = m.out(r)
	}
	return out, nil
}

// bulkCreate is BulkCreate of n rows of t as one write call: in(i) is the
// i-th row, a copy the store may own. It returns the stored rows.
func bulkCreate(tx *Txn, t *meta.Table, n int, in func(i int) (any, error)) (_ []any, err error) {
	if err := tx.use(t, true); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	rows := make([]any, n)
	for i := range rows {
		var err error
		if rows[i], err = in(i); err != nil {
			return nil, err
		}
	}
	if err := tx.r.BulkCreate(t, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// UpsertOptions are the options of [Model.Upsert].
type UpsertOptions struct {
	// OnConflict names the unique constraint (or the primary key) whose
	// collision makes the upsert an update, by its fields in any order.
	// Without it the conflict key is the primary key when v holds it (a
	// zero auto-increment key does not), else the one unique constraint
	// whose fields v holds non-NULL; several such constraints are an
	// ambiguity Upsert refuses (ErrConflictKey) rather than guess.
	OnConflict []string
	// Fields are the fields an update writes (column or Go names); nil
	// writes every field but the primary key, CreatedAt and DeletedAt.
	// UpdatedAt is stamped either way.
	Fields []string
}

// Upsert inserts v, or updates the stored row it conflicts with (see
// UpsertOptions), and returns the stored row and whether it was inserted
// (Sequelize on PostgreSQL cannot say; see the README's deviations). v is
// checked as a whole new row first, even when it updates, as PostgreSQL
// checks the candidate row before resolving the conflict: a NULL in a NOT
// NULL field is a ValidationError either way. A soft-deleted row still
// conflicts, and stays soft-deleted. An update takes no auto-increment id.
// On error nothing changes.
func (m *Model[T]) Upsert(tx *Txn, v T, o *UpsertOptions) (T, bool, error) {
	var zero T
	if o == nil {
		o = &UpsertOptions{}
	}
	stored, created, err := upsertCall(tx, m.table(), func() (any, error) { return m.in(&v) }, o.Fields, nil, o.OnConflict)
	if err != nil {
		return zero, false, err
	}
	return m.out(stored), created, nil
}

// upsertCall is Upsert as one write call on t: in is the row, a copy the
// store may own; the rest is upsert's.
func upsertCall(tx *Txn, t *meta.Table, in func() (any, error), fields, held, onConflict []string) (_ any, _ bool, err error) {
	if err := tx.use(t, true); err != nil {
		return nil, false, err
	}
	defer tx.exit(&err)
	row, err := in()
	if err != nil {
		return nil, false, err
	}
	return upsert(tx, t, row, fields, held, onConflict)
}

// upsert is Upsert of row, a row the store owns, on an entered call:
// fields are those an update writes, held those the conflict key is
// chosen among (nil: every field), onConflict the key to use instead.
func upsert(tx *Txn, t *meta.Table, row any, fields, held, onConflict []string) (any, bool, error) {
	given, err := rel.FieldsNamed(t, fields)
	if err != nil {
		return nil, false, err
	}
	in, err := rel.FieldsNamed(t, held)
	if err != nil {
		return nil, false, err
	}
	var conflict *meta.Index
	if onConflict != nil {
		if conflict, err = rel.UniqueOver(t, onConflict); err != nil {
			return nil, false, err
		}
	}
	return tx.r.Upsert(t, row, given, in, conflict)
}

// FindOrCreate returns the first row matching where (in ascending primary
// key order) and false, or, when none matches, creates defaults with the
// fields where sets by equality (query.Eq, joined by query.And) and returns
// it and true. A where with other operators finds as usual but cannot say
// what to create: when nothing matches it fails with *ValidationError, as
// Sequelize does. It runs atomically.
func (m *Model[T]) FindOrCreate(tx *Txn, where query.Cond, defaults T) (T, bool, error) {
	var zero T
	stored, created, err := findOrCreate(tx, m.table(), where, func() (any, error) { return m.in(&defaults) })
	if err != nil {
		return zero, false, err
	}
	return m.out(stored), created, nil
}

// findOrCreate is FindOrCreate as one write call on t: in is the
// defaults row, a copy the store may own.
func findOrCreate(tx *Txn, t *meta.Table, where query.Cond, in func() (any, error)) (_ any, _ bool, err error) {
	if err := tx.use(t, true); err != nil {
		return nil, false, err
	}
	defer tx.exit(&err)
	row, err := in()
	if err != nil {
		return nil, false, err
	}
	return tx.r.FindOrCreate(t, where, row)
}

// Increment adds by's amounts (field, column or Go name, to a number) to
// those fields of every row matching where (the zero Cond: every row) in
// one statement, and returns how many rows it changed. Amounts may be
// negative; an integer field takes whole amounts. NULL stays NULL; a
// result beyond the field's range is ErrBadValue; a field that is not a
// number is ErrNotNumeric (both in a *FieldError). Each row is updated
// through the model: constraints are checked (a unique field pushed onto
// another row's value is a *UniqueConstraintError) and UpdatedAt is
// stamped. All rows change or, on error, none.
func (m *Model[T]) Increment(tx *Txn, where query.Cond, by map[string]any) (int, error) {
	return m.increment(tx, where, nil, by, 1)
}

// Decrement is Increment subtracting the amounts.
func (m *Model[T]) Decrement(tx *Txn, where query.Cond, by map[string]any) (int, error) {
	return m.increment(tx, where, nil, by, -1)
}

// IncrementKey is Increment of the row with primary key key: it returns 1,
// or 0 (and no error) when there is no such row.
func (m *Model[T]) IncrementKey(tx *Txn, key any, by map[string]any) (int, error) {
	return m.increment(tx, query.Cond{}, key, by, 1)
}

// DecrementKey is IncrementKey subtracting the amounts.
func (m *Model[T]) DecrementKey(tx *Txn, key any, by map[string]any) (int, error) {
	return m.increment(tx, query.Cond{}, key, by, -1)
}

// increment runs Increment (key nil) or IncrementKey.
func (m *Model[T]) increment(tx *Txn, where query.Cond, key any, by map[string]any, sign int64) (int, error) {
	return increment(tx, m.table(), where, key, by, sign)
}

// increment is Increment (key nil) or IncrementKey of t.
func increment(tx *Txn, t *meta.Table, where query.Cond, key any, by map[string]any, sign int64) (_ int, err error) {
	if err := tx.use(t, true); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	if key == nil {
		return tx.r.Increment(t, where, by, sign)
	}
	k, err := t.KeyOf(key, nil)
	if err != nil {
		return 0, err
	}
	return tx.r.IncrementKey(t, k, by, sign)
}
