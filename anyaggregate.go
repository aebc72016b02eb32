package memrel

import (
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/rel"
)

// AnyGroup is one group of [AnyModel.CountGroups]: Row holds the group's
// values, under the group fields' column names only, and Count how many
// rows have them.
type AnyGroup struct {
	Row   Row
	Count int
}

// CountGroups counts the rows matching o per distinct value of fields, as
// [Model.CountGroups] does.
func (m *AnyModel) CountGroups(tx *Txn, o *Options, fields ...string) ([]AnyGroup, error) {
	gs, err := countGroups(tx, m.table(), o, fields)
	if err != nil {
		return nil, err
	}
	// countGroups checked every name, column or Go name.
	fs, _ := rel.FieldsNamed(m.t, fields)
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	out := make([]AnyGroup, len(gs))
	for i, g := range gs {
		full := m.rowOf(g.Row)
		row := make(Row, len(names))
		for _, n := range names {
			row[n] = full[n]
		}
		out[i] = AnyGroup{Row: row, Count: g.Count}
	}
	return out, nil
}

// Sum returns the sum of field over the rows matching o, as [Sum] does,
// as a canonical value (int64, uint64 or float64); false over no rows or
// only NULLs.
func (m *AnyModel) Sum(tx *Txn, field string, o *Options) (any, bool, error) {
	return m.aggregate(tx, rel.Sum, field, o)
}

// Avg returns the mean of field over the rows matching o, as [Avg] does;
// false over no rows.
func (m *AnyModel) Avg(tx *Txn, field string, o *Options) (float64, bool, error) {
	v, ok, err := m.aggregate(tx, rel.Avg, field, o)
	f, _ := v.(float64)
	return f, ok, err
}

// Min returns the least value of field over the rows matching o, as [Min]
// does, as a canonical value; false over no rows or only NULLs.
func (m *AnyModel) Min(tx *Txn, field string, o *Options) (any, bool, error) {
	return m.aggregate(tx, rel.Min, field, o)
}

// Max is [AnyModel.Min] for the greatest value.
func (m *AnyModel) Max(tx *Txn, field string, o *Options) (any, bool, error) {
	return m.aggregate(tx, rel.Max, field, o)
}

// aggregate runs fn through the typed aggregates' path and copies the
// value out.
func (m *AnyModel) aggregate(tx *Txn, fn rel.Agg, field string, o *Options) (any, bool, error) {
	v, err := aggregateValue(tx, m.table(), fn, field, o)
	if err != nil || v == nil {
		return nil, false, err
	}
	return clone.Value(v), true, nil
}
