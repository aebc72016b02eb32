package anydriver

import (
	"fmt"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
	"github.com/memrel/memrel/query"
)

// The conversions between the scenario format's values, keys, options and
// trees and memrel's Rows, Options and Includes.

// values converts scenario values into a Row of m, refusing a field m
// lacks and a value of another type than its field's.
func (m *model) values(values conformance.Values) (memrel.Row, error) {
	r := make(memrel.Row, len(values))
	for name, v := range values {
		f, ok := m.spec.Field(name)
		if !ok {
			return nil, fmt.Errorf("anydriver: %s has no field %q", m.spec.Name, name)
		}
		if v != nil && !typed(f.Type, v) {
			return nil, fmt.Errorf("anydriver: %s.%s: a %T for a %s field", m.spec.Name, name, v, f.Type)
		}
		r[name] = v
	}
	return r, nil
}

// typed reports whether v is a value of a field of type typ.
func typed(typ string, v any) bool {
	switch v.(type) {
	case int64:
		return typ == conformance.Int
	case string:
		return typ == conformance.String
	case time.Time:
		return typ == conformance.Date
	}
	return false
}

// row converts a Row a read returned into a scenario row: m's fields
// only, without the rows includes loaded into it.
func (m *model) row(r memrel.Row) conformance.Row {
	out := make(conformance.Row, len(m.spec.Fields))
	for _, f := range m.spec.Fields {
		out[f.Name] = r[f.Name]
	}
	return out
}

// rows converts Rows a read returned.
func (m *model) rows(rs []memrel.Row) []conformance.Row {
	out := make([]conformance.Row, len(rs))
	for i, r := range rs {
		out[i] = m.row(r)
	}
	return out
}

// key returns the primary key of a Row of m: the field's value, or a []any
// of the key fields' values for a composite key.
func (m *model) key(r memrel.Row) conformance.Key {
	pk := m.spec.PK()
	if len(pk) == 1 {
		return r[pk[0].Name]
	}
	out := make([]any, len(pk))
	for i, f := range pk {
		out[i] = r[f.Name]
	}
	return out
}

// keyRow returns the Row of m holding only key, as a caller identifies a
// row to the association calls.
func (m *model) keyRow(key conformance.Key) (memrel.Row, error) {
	pk := m.spec.PK()
	if len(pk) == 1 {
		return memrel.Row{pk[0].Name: key}, nil
	}
	parts, ok := key.([]any)
	if !ok || len(parts) != len(pk) {
		return nil, fmt.Errorf("anydriver: key %v of %s is not one value per key field", key, m.spec.Name)
	}
	r := make(memrel.Row, len(pk))
	for i, f := range pk {
		r[f.Name] = parts[i]
	}
	return r, nil
}

// nodes converts found rows, and the rows their includes loaded under
// each include's alias, into scenario nodes (one call per include level).
func (st *store) nodes(m *model, rows []memrel.Row, incs []*conformance.Include) []*conformance.Node {
	out := make([]*conformance.Node, len(rows))
	for i, r := range rows {
		n := &conformance.Node{Row: m.row(r)}
		for _, in := range incs {
			if n.Included == nil {
				n.Included = map[string][]*conformance.Node{}
			}
			to := st.reach[in.Assoc]
			var kids []memrel.Row
			switch v := r[to.alias].(type) {
			case []memrel.Row:
				kids = v
			case memrel.Row:
				kids = []memrel.Row{v}
			}
			n.Included[in.Assoc] = st.nodes(to.to, kids, in.Include)
		}
		out[i] = n
	}
	return out
}

// options converts scenario options, refusing those no read takes.
func (st *store) options(o *conformance.Options) (*memrel.Options, error) {
	if o == nil {
		return nil, nil
	}
	switch {
	case len(o.Group) > 0, o.Force, o.Defaults != nil, o.Through != nil:
		return nil, fmt.Errorf("anydriver: options group, force, defaults and through are not supported here")
	}
	out := &memrel.Options{Where: where(o.Where), Order: order(o.Order), Limit: o.Limit, Offset: o.Offset,
		Fields: o.Attributes, WithDeleted: withDeleted(o.Paranoid)}
	var err error
	out.Include, err = st.includes(o.Include)
	return out, err
}

// includes converts a scenario's includes, to their depth (one call per
// level).
func (st *store) includes(incs []*conformance.Include) ([]memrel.Include, error) {
	var out []memrel.Include
	for _, in := range incs {
		to, ok := st.reach[in.Assoc]
		if !ok {
			return nil, fmt.Errorf("anydriver: unknown association %q", in.Assoc)
		}
		if in.Through != nil && !to.btm {
			return nil, fmt.Errorf("anydriver: include %s: through on an association that is no belongsToMany", in.Assoc)
		}
		// memrel's Order, Limit and Offset always apply per parent, which
		// is what separate asks for; a separate include ignores required
		// (its where filters without dropping parents), so it maps to
		// Optional.
		inc := memrel.Include{Assoc: to.assoc, Where: where(in.Where), Required: required(in.Required),
			Order: order(in.Order), Limit: in.Limit, Fields: in.Attributes, WithDeleted: withDeleted(in.Paranoid)}
		if in.Separate {
			inc.Required = memrel.Optional
		}
		if in.Through != nil {
			inc.ThroughWhere = where(in.Through.Where)
		}
		var err error
		if inc.Include, err = st.includes(in.Include); err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, nil
}

// required is an include's required option.
func required(r *bool) memrel.Requirement {
	switch {
	case r == nil:
		return memrel.RequiredIfWhere
	case *r:
		return memrel.Required
	}
	return memrel.Optional
}

// withDeleted maps Sequelize's paranoid option (false: include
// soft-deleted rows) to WithDeleted.
func withDeleted(paranoid *bool) bool { return paranoid != nil && !*paranoid }

// order converts a scenario order.
func order(terms []conformance.Order) []query.Order {
	var out []query.Order
	for _, t := range terms {
		out = append(out, query.Order{Field: t.Field, Desc: t.Desc})
	}
	return out
}

// where converts a scenario where clause (nil: the zero Cond, every row).
// The parser admits only the operators below.
func where(w *conformance.Where) query.Cond {
	if w == nil {
		return query.Cond{}
	}
	switch w.Op {
	case "and", "or":
		args := make([]query.Cond, len(w.Args))
		for i, a := range w.Args {
			args[i] = where(a)
		}
		if w.Op == "or" {
			return query.Or(args...)
		}
		return query.And(args...)
	case "eq":
		return query.Eq(w.Field, w.Value)
	case "ne":
		return query.Ne(w.Field, w.Value)
	case "gt":
		return query.Gt(w.Field, w.Value)
	case "gte":
		return query.Gte(w.Field, w.Value)
	case "lt":
		return query.Lt(w.Field, w.Value)
	case "lte":
		return query.Lte(w.Field, w.Value)
	case "in":
		return query.In(w.Field, w.Value.([]any)...)
	case "notIn":
		return query.NotIn(w.Field, w.Value.([]any)...)
	case "like":
		return query.Like(w.Field, w.Value.(string))
	case "startsWith":
		return query.StartsWith(w.Field, w.Value.(string))
	case "isNull":
		return query.IsNull(w.Field)
	case "notNull":
		return query.NotNull(w.Field)
	}
	panic("anydriver: unknown where operator " + w.Op)
}
