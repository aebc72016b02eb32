package memrel

// The conformance driver's AggregateTx: grouped counts and aggregates.

import (
	"github.com/memrel/memrel/internal/conformance"
)

var _ conformance.AggregateTx = (*dynTx)(nil)

// CountGroups implements conformance.AggregateTx.
func (x *dynTx) CountGroups(model string, o *conformance.Options) ([]conformance.Row, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	rest := *o
	rest.Group = nil
	opts, err := x.options(&rest)
	if err != nil {
		return nil, err
	}
	gs, err := m.m.countGroups(x.tx, opts, o.Group)
	if err != nil {
		return nil, err
	}
	out := make([]conformance.Row, len(gs))
	for i, g := range gs {
		full := m.row(g.Row)
		row := conformance.Row{"count": g.Count}
		for _, f := range o.Group {
			row[f] = full[f]
		}
		out[i] = row
	}
	return out, nil
}

// Aggregate implements conformance.AggregateTx.
func (x *dynTx) Aggregate(model, fn, field string, o *conformance.Options) (any, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	opts, err := x.options(o)
	if err != nil {
		return nil, err
	}
	return m.m.aggregate(x.tx, fn, field, opts)
}
