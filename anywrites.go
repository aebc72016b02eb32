package memrel

import (
	"slices"

	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// The bulk and conditional writes of an AnyModel: each calls the path of
// the typed method it names, with a Row decoded into a new row of the
// model first (an unknown column or a value of the wrong type is a
// *FieldError, and the store is left unchanged).

// BulkCreate inserts rs in order and returns them as stored, as
// [Model.BulkCreate] does: all or nothing, one timestamp.
func (m *AnyModel) BulkCreate(tx *Txn, rs []Row) ([]Row, error) {
	rows, err := bulkCreate(tx, m.table(), len(rs), func(i int) (any, error) { return rel.RowOf(m.t, rs[i]) })
	if err != nil {
		return nil, err
	}
	return rowsOf(m.t, rows), nil
}

// Upsert inserts r, or updates the stored row it conflicts with, as
// [Model.Upsert] does, and returns the stored row and whether it was
// inserted. A Row names the columns it holds, so, as Sequelize's upsert,
// the conflict key is chosen among those columns only (o.OnConflict
// overrides), and an update writes them (o.Fields overrides).
func (m *AnyModel) Upsert(tx *Txn, r Row, o *UpsertOptions) (Row, bool, error) {
	if o == nil {
		o = &UpsertOptions{}
	}
	given := make([]string, 0, len(r))
	for k := range r {
		given = append(given, k)
	}
	slices.Sort(given)
	fields := o.Fields
	if fields == nil {
		fields = given
	}
	stored, created, err := upsertCall(tx, m.table(), func() (any, error) { return rel.RowOf(m.t, r) }, fields, given, o.OnConflict)
	if err != nil {
		return nil, false, err
	}
	return m.rowOf(stored), created, nil
}

// FindOrCreate returns the first row matching where and false, or creates
// defaults (with where's equalities) and returns it and true, as
// [Model.FindOrCreate] does.
func (m *AnyModel) FindOrCreate(tx *Txn, where query.Cond, defaults Row) (Row, bool, error) {
	stored, created, err := findOrCreate(tx, m.table(), where, func() (any, error) { return rel.RowOf(m.t, defaults) })
	if err != nil {
		return nil, false, err
	}
	return m.rowOf(stored), created, nil
}

// Increment is [Model.Increment].
func (m *AnyModel) Increment(tx *Txn, where query.Cond, by map[string]any) (int, error) {
	return increment(tx, m.table(), where, nil, by, 1)
}

// Decrement is [Model.Decrement].
func (m *AnyModel) Decrement(tx *Txn, where query.Cond, by map[string]any) (int, error) {
	return increment(tx, m.table(), where, nil, by, -1)
}

// IncrementKey is [Model.IncrementKey].
func (m *AnyModel) IncrementKey(tx *Txn, key any, by map[string]any) (int, error) {
	return increment(tx, m.table(), query.Cond{}, key, by, 1)
}

// DecrementKey is [Model.DecrementKey].
func (m *AnyModel) DecrementKey(tx *Txn, key any, by map[string]any) (int, error) {
	return increment(tx, m.table(), query.Cond{}, key, by, -1)
}

// Restore is [Model.Restore].
func (m *AnyModel) Restore(tx *Txn, where query.Cond) (int, error) {
	return restore(tx, m.table(), where)
}

// RestoreKey is [Model.RestoreKey].
func (m *AnyModel) RestoreKey(tx *Txn, key any) (bool, error) {
	return restoreKey(tx, m.table(), key)
}
