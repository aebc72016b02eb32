package rel

import (
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/meta"
)

// IncNode is a compiled Include.
type IncNode struct {
	a        *meta.Relation
	th       *Through       // a belongsToMany include (a is nil)
	join     *filter.Filter // its join rows' filter
	inverse  bool           // a belongsTo include: load the parent
	into     string         // the struct field it fills
	to       *meta.Table
	filter   *filter.Filter
	required bool
	// Sub are the includes of the included rows, compiled against To.
	Sub IncPlan
}

// To is the model the include loads.
func (n *IncNode) To() *meta.Table { return n.to }

// IncPlan is a compiled list of includes, built by the typed layer one
// CompileInclude at a time.
type IncPlan []*IncNode

type incPlan = IncPlan

func (p incPlan) anyRequired() bool {
	for _, n := range p {
		if n.required {
			return true
		}
	}
	return false
}

// CompileInclude checks one include against the model t it loads from and
// the includes prev already compiled at its level: an association whose
// source is not t is an EagerLoadingError, as in Sequelize; two includes
// at one level filling the same struct field are ErrDuplicateField
// (Sequelize would join the same alias twice, which PostgreSQL refuses).
// The caller compiles the node's Sub against its To.
func CompileInclude(t *meta.Table, prev IncPlan, in Include) (*IncNode, error) {
	if in.Through != nil {
		return compileThrough(t, prev, in)
	}
	a, inverse := in.Rel, in.Inverse
	if a == nil {
		return nil, &errs.EagerLoadingError{Model: t.Name, Association: in.Unresolved}
	}
	from, to, filled := a.Source, a.Target, a.FillMany != nil || a.FillTarget != nil
	name := a.Name
	if inverse {
		from, to, filled = a.Target, a.Source, a.FillOne != nil
		name = a.Target.Name + "." + a.Inverse
	}
	if from != t {
		return nil, &errs.EagerLoadingError{Model: t.Name, Association: name}
	}
	if !filled {
		return nil, &errs.AssociationError{Association: name, Reason: "the model has no struct field to load it into"}
	}
	into := a.ManyField
	if inverse {
		into = a.OneField
	}
	if err := fillsOnce(t, prev, into); err != nil {
		return nil, err
	}
	filter, err := filter.Compile(cols(to), visible(to, in.Where, in.WithDeleted))
	if err != nil {
		return nil, err
	}
	return &IncNode{a: a, inverse: inverse, into: into, to: to, filter: filter, required: in.Required}, nil
}

// fillsOnce refuses a second include at one level filling the field into.
func fillsOnce(t *meta.Table, prev IncPlan, into string) error {
	for _, p := range prev {
		if p.into == into { // one field, two loads: which one is it?
			return &errs.FieldError{Model: t.Name, Field: into, Err: errs.ErrDuplicateField}
		}
	}
	return nil
}

// compileThrough is CompileInclude of a belongsToMany.
func compileThrough(t *meta.Table, prev IncPlan, in Include) (*IncNode, error) {
	th := in.Through
	if th.Src.Source != t {
		return nil, &errs.EagerLoadingError{Model: t.Name, Association: th.Name}
	}
	if th.Fill == nil {
		return nil, &errs.AssociationError{Association: th.Name, Reason: "the model has no struct field to load it into"}
	}
	if err := fillsOnce(t, prev, th.Field); err != nil {
		return nil, err
	}
	to := th.Dst.Source
	f, err := filter.Compile(cols(to), visible(to, in.Where, in.WithDeleted))
	if err != nil {
		return nil, err
	}
	jf, err := filter.Compile(cols(th.Join()), visible(th.Join(), in.ThroughWhere, false))
	if err != nil {
		return nil, err
	}
	return &IncNode{th: th, join: jf, into: th.Field, to: to, filter: f, required: in.Required}, nil
}

// loadIncludes returns copies of rows with every included association
// loaded, dropping the rows a required include finds nothing for. Each
// row costs one index seek per include: no scans, no N+1 round trips.
// When it drops none, the copies are the elements of block, a []T.
func (tx *Txn) loadIncludes(t *meta.Table, rows []any, plan incPlan) (out []any, block any, err error) {
	// The includes are filled into copies of the rows, made in one batch.
	copies, block := t.CloneAll(rows)
	out = copies[:0] // kept rows move down over dropped ones
	// scratch collects each row's children; the fill copies them out, so
	// one buffer serves every row.
	var scratch []any
	var kb [32]byte
	for ri, r := range rows {
		row := copies[ri]
		keep := true
		for _, n := range plan {
			kids := scratch[:0]
			if n.th != nil {
				kids = tx.throughKids(n, t.Ptr(r), kids)
			} else if n.inverse {
				if parent := tx.ParentOf(n.a, r); parent != nil && n.filter.Match(parent) {
					kids = append(kids, parent)
				}
			} else if sk, ok := n.a.SK.Key(t.Ptr(r), kb[:0]); ok {
				// A hasOne loads its first match, the lowest primary key.
				one := n.a.Arity == meta.One
				it := tx.Prefix(n.a.Lookup, n.a.ChildKey(sk))
				for kid := it.Next(); kid != nil; kid = it.Next() {
					if n.filter.Match(kid) {
						kids = append(kids, kid)
						if one {
							break
						}
					}
				}
			}
			scratch = kids[:0]
			to := n.to
			owned := len(n.Sub) > 0
			if owned {
				if kids, _, err = tx.loadIncludes(to, kids, n.Sub); err != nil {
					return nil, nil, err
				}
			}
			if n.required && len(kids) == 0 {
				keep = false
				break
			}
			switch {
			case n.th != nil:
				n.th.Fill(t.Ptr(row), kids, owned)
			case n.inverse:
				if len(kids) > 0 {
					n.a.FillOne(t.Ptr(row), kids[0], owned)
				}
			case n.a.Arity == meta.One:
				var kid any
				if len(kids) > 0 {
					kid = kids[0]
				}
				n.a.FillTarget(t.Ptr(row), kid, owned)
			default:
				n.a.FillMany(t.Ptr(row), kids, owned)
			}
		}
		if keep {
			out = append(out, row)
		}
	}
	if len(out) < len(copies) {
		block = nil
	}
	return out, block, nil
}

// throughKids appends to kids the targets of the row at p through n's
// join rows that match n's filters, in ascending target primary key order.
func (tx *Txn) throughKids(n *IncNode, p unsafe.Pointer, kids []any) []any {
	var kb [32]byte
	sk, ok := n.th.Src.SK.Key(p, kb[:0])
	if !ok {
		return kids
	}
	start := len(kids)
	for t := range tx.targets(n.th, sk, n.join) {
		if n.filter.Match(t) {
			kids = append(kids, t)
		}
	}
	slices.SortFunc(kids[start:], rowCompare(n.to, nil))
	return kids
}
