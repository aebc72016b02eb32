package anydriver

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// Grouped counts and aggregates (conformance.AggregateTx).

// CountGroups implements conformance.AggregateTx.
func (x *tx) CountGroups(model string, o *conformance.Options) ([]conformance.Row, error) {
	rest := *o
	rest.Group = nil
	m, opts, err := x.read(model, &rest)
	if err != nil {
		return nil, err
	}
	gs, err := m.m.CountGroups(x.tx, opts, o.Group...)
	if err != nil {
		return nil, err
	}
	out := make([]conformance.Row, len(gs))
	for i, g := range gs {
		row := conformance.Row{"count": g.Count}
		for _, f := range o.Group {
			row[f] = g.Row[f]
		}
		out[i] = row
	}
	return out, nil
}

// Aggregate implements conformance.AggregateTx: nil over no rows.
func (x *tx) Aggregate(model, fn, field string, o *conformance.Options) (any, error) {
	m, opts, err := x.read(model, o)
	if err != nil {
		return nil, err
	}
	var v any
	var ok bool
	switch fn {
	case "sum":
		v, ok, err = m.m.Sum(x.tx, field, opts)
	case "min":
		v, ok, err = m.m.Min(x.tx, field, opts)
	case "max":
		v, ok, err = m.m.Max(x.tx, field, opts)
	case "avg":
		v, ok, err = avg(m.m.Avg(x.tx, field, opts))
	default:
		return nil, &memrel.FieldError{Model: model, Field: field, Value: fn, Err: memrel.ErrBadOperator}
	}
	if !ok || err != nil {
		return nil, err
	}
	return v, nil
}

// avg widens Avg's result to the other aggregates' form.
func avg(v float64, ok bool, err error) (any, bool, error) { return v, ok, err }
