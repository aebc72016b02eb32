package memrel

import (
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// Row is a row seen without its model's Go type: column name to value.
// Values are canonical: int64, uint64, float64, string, bool, time.Time
// or []byte, and nil for NULL; writes accept what [Model.Patch] accepts.
type Row map[string]any

// AnyModel is a model seen without its Go type, as tools see it: a
// fixture loader, a dump, a snapshot inspector. Its rows are [Row] values;
// the checks, defaults, timestamps, hooks and errors are the typed
// model's. It copies every row it hands out or takes in, so it costs more
// per row than [Model]; code that knows the type should use that.
type AnyModel struct{ t *meta.Table }

// Models returns every model of s in definition order, as AnyModels; nil
// for a nil Schema.
func (s *Schema) Models() []*AnyModel {
	if s == nil {
		return nil
	}
	out := make([]*AnyModel, len(s.m.Tables))
	for i, t := range s.m.Tables {
		out[i] = &AnyModel{t: t}
	}
	return out
}

// Model returns the model named name as an AnyModel; false when s has
// none.
func (s *Schema) Model(name string) (*AnyModel, bool) {
	if s == nil {
		return nil, false
	}
	t, ok := s.m.ByName[name]
	if !ok {
		return nil, false
	}
	return &AnyModel{t: t}, true
}

// Schema returns the schema s was opened from; nil for a nil Store.
func (s *Store) Schema() *Schema {
	if s == nil {
		return nil
	}
	return s.schema
}

// table is the model's table, nil for a nil or zero AnyModel (which
// Txn.use refuses with ErrWrongStore).
func (m *AnyModel) table() *meta.Table {
	if m == nil {
		return nil
	}
	return m.t
}

// Name returns the model's name; "" for a nil or zero AnyModel.
func (m *AnyModel) Name() string {
	if m.table() == nil {
		return ""
	}
	return m.t.Name
}

// Columns describes the model's columns in struct order.
func (m *AnyModel) Columns() []Column {
	if m.table() == nil {
		return nil
	}
	out := make([]Column, len(m.t.Fields))
	for i, f := range m.t.Fields {
		out[i] = columnOf(f)
	}
	return out
}

// Create inserts a row holding r's values (a column r leaves out is zero,
// or NULL when it is nullable; defaults apply as for [Model.Create]) and
// returns it as stored. An unknown column or a value of the wrong type
// fails with *FieldError, as [Model.Patch] does.
//
// With incs, it is a nested create (SPEC N12), as [Model.Create] with
// includes: r holds, under each include's name (the association's alias;
// a belongsTo's inverse name), the rows to create with it: a []Row for a
// hasMany or belongsToMany, a Row or nil for a hasOne or belongsTo, each
// holding its own includes' rows likewise. Everything is created or, on
// any error, nothing; the Row returned holds the created rows under the
// same names, as a read with those includes returns them.
func (m *AnyModel) Create(tx *Txn, r Row, incs ...Include) (_ Row, err error) {
	if err := tx.use(m.table(), true); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	if len(incs) > 0 {
		if loadedField(m.t) == nil {
			return nil, &errs.AssociationError{Association: m.Name() + " include",
				Reason: "a Row of a typed model holds columns only"}
		}
		row, err := anyNested(m.t, r, incs)
		if err != nil {
			return nil, err
		}
		out, err := createNested(tx, m.t, row, incs)
		if err != nil {
			return nil, err
		}
		return m.rowOf(out), nil
	}
	row, err := rel.RowOf(m.t, r)
	if err != nil {
		return nil, err
	}
	if err := tx.r.Atomic(func() error { return tx.r.Create(m.t, row, nil) }); err != nil {
		return nil, err
	}
	return m.rowOf(row), nil
}

// FindAll returns the rows matching o, as [Model.FindAll] does, but for
// includes: a Row holds columns only, so o.Include fails with
// *AssociationError.
func (m *AnyModel) FindAll(tx *Txn, o *Options) ([]Row, error) {
	if o != nil && len(o.Include) > 0 && m.table() != nil && loadedField(m.t) == nil {
		return nil, &errs.AssociationError{Association: m.Name() + " include",
			Reason: "a Row of a typed model holds columns only"}
	}
	f, err := findRows(tx, m.table(), o)
	if err != nil {
		return nil, err
	}
	return rowsOf(m.t, f.Rows), nil
}

// Count returns the number of rows matching o, as [Model.Count] does.
func (m *AnyModel) Count(tx *Txn, o *Options) (int, error) { return countRows(tx, m.table(), o) }

// FindByPK returns the row with the given primary key, as
// [Model.FindByPK] does; false when there is none.
func (m *AnyModel) FindByPK(tx *Txn, key any, opts ...FindOption) (Row, bool, error) {
	row, err := findByKey(tx, m.table(), key, withDeleted(opts))
	if row == nil {
		return nil, false, err
	}
	return m.rowOf(row), true, nil
}

// Patch writes the values of set into the row with primary key key and
// returns the row as stored, as [Model.Patch] does (a Row, unlike a Go
// value, names the columns it changes).
func (m *AnyModel) Patch(tx *Txn, key any, set Row) (Row, error) {
	row, err := patch(tx, m.table(), key, set)
	if err != nil {
		return nil, err
	}
	return m.rowOf(row), nil
}

// DestroyKey deletes the row with primary key key, as [Model.DestroyKey]
// does.
func (m *AnyModel) DestroyKey(tx *Txn, key any, opts ...DestroyOption) error {
	return destroyKey(tx, m.table(), key, forced(opts))
}

// UpdateAll is [Model.UpdateAll].
func (m *AnyModel) UpdateAll(tx *Txn, where query.Cond, set Row) (int, error) {
	return updateAll(tx, m.table(), where, set)
}

// DestroyAll is [Model.DestroyAll].
func (m *AnyModel) DestroyAll(tx *Txn, where query.Cond, opts ...DestroyOption) (int, error) {
	return destroyAll(tx, m.table(), where, forced(opts))
}

// rowOf copies a stored row for the caller.
func (m *AnyModel) rowOf(row any) Row { return rowOf(m.t, row) }
