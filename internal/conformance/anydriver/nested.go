package anydriver

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// CreateNested implements conformance.NestedTx on AnyModel.Create with
// includes: the rows to create go into the Row under each include's
// alias, and the created tree comes back the same way.
func (x *tx) CreateNested(model string, values conformance.Values, incs []*conformance.Include) (*conformance.Node, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	r, err := x.nested(m, values, incs)
	if err != nil {
		return nil, err
	}
	opts, err := x.st.includes(incs)
	if err != nil {
		return nil, err
	}
	got, err := m.m.Create(x.tx, r, opts...)
	if err != nil {
		return nil, err
	}
	return x.st.nodes(m, []memrel.Row{got}, incs)[0], nil
}

// nested converts the values of a row of m to create with the rows they
// hold under the scenario aliases of incs (a []Values for a to-many
// include, a Values or nil for a to-one), converted likewise, into a Row
// holding them under memrel's aliases: a []Row, or a Row or nil. It
// recurses once per include level, as the values nest.
func (x *tx) nested(m *model, values conformance.Values, incs []*conformance.Include) (memrel.Row, error) {
	own := conformance.Values{}
	for k, v := range values {
		own[k] = v
	}
	kids := make(map[string]any, len(incs))
	for _, in := range incs {
		alias, _, _, _ := x.st.spec.Reach(in.Assoc)
		v, given := own[alias]
		delete(own, alias)
		if !given {
			continue
		}
		to := x.st.reach[in.Assoc]
		switch v := v.(type) {
		case []conformance.Values:
			rows := make([]memrel.Row, len(v))
			for i, kid := range v {
				var err error
				if rows[i], err = x.nested(to.to, kid, in.Include); err != nil {
					return nil, err
				}
			}
			kids[to.alias] = rows
		case conformance.Values:
			row, err := x.nested(to.to, v, in.Include)
			if err != nil {
				return nil, err
			}
			kids[to.alias] = row
		default:
			kids[to.alias] = nil
		}
	}
	r, err := m.values(own)
	if err != nil {
		return nil, err
	}
	for k, v := range kids {
		r[k] = v
	}
	return r, nil
}
