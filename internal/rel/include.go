package rel

import (
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
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
	// Each source row's list: in ord's order (Order, then the primary
	// key), offset rows skipped, at most limit kept (a to-one include
	// keeps one); sel is the Fields selection (nil: all).
	ord           rowOrder
	seq           sequence // ord against the primary key order of a hasMany's children
	limit, offset int
	sel           []bool
	top           topK // reused by every source row
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
	n := &IncNode{a: a, inverse: inverse, into: into, to: to, required: in.Required}
	if err := n.shape(in, inverse || a.Arity == meta.One); err != nil {
		return nil, err
	}
	return n, nil
}

// shape compiles what in asks of the included rows, in the order a read
// checks its options: Where, Order, Limit and Offset, Fields. A to-one
// include (one keeps its first row) keeps one row whatever its Limit.
func (n *IncNode) shape(in Include, one bool) error {
	var err error
	if n.filter, err = filter.Compile(cols(n.to), visible(n.to, in.Where, in.WithDeleted)); err != nil {
		return err
	}
	n.ord.t = n.to
	if n.ord.s, err = filter.CompileOrder(cols(n.to), in.Order); err != nil {
		return err
	}
	if err = checkWindow(n.to, in.Limit, in.Offset); err != nil {
		return err
	}
	if n.sel, err = selection(n.to, in.Fields); err != nil {
		return err
	}
	n.limit, n.offset = in.Limit, in.Offset
	n.seq = pkSequence(n.to, in.Order)
	if one {
		n.limit = 1
	}
	return nil
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
	n := &IncNode{th: th, into: th.Field, to: th.Dst.Source, required: in.Required}
	if err := n.shape(in, false); err != nil {
		return nil, err
	}
	var err error
	if n.join, err = filter.Compile(cols(th.Join()), visible(th.Join(), in.ThroughWhere, false)); err != nil {
		return nil, err
	}
	return n, nil
}

// loadIncludes returns copies of rows with every included association
// loaded, dropping the rows a required include finds nothing for. Each
// row costs one index seek per include: no scans, no N+1 round trips; an
// include with a Limit and no Order stops each row's walk after its
// Offset+Limit matches, one with an Order keeps them in a bounded top-k.
// When it drops none, the copies are the elements of block, a []T.
func (tx *Txn) loadIncludes(t *meta.Table, rows []any, plan incPlan) (out []any, block any, err error) {
	// The includes are filled into copies of the rows, made in one batch.
	copies, block := t.CloneAll(rows)
	out = copies[:0] // kept rows move down over dropped ones
	// scratch collects each row's children; the fill copies them out, so
	// one buffer serves every row.
	var scratch []any
	for ri, r := range rows {
		row := copies[ri]
		keep := true
		for _, n := range plan {
			kids := tx.included(n, t, r, scratch[:0])
			scratch = kids[:0]
			to := n.to
			var hit bool
			if kids, hit, _, _, err = tx.loadWindow(to, kids, n.Sub, n.offset, n.limit); err != nil {
				return nil, nil, err
			}
			owned := len(n.Sub) > 0
			if n.sel != nil {
				kids, owned = projectAll(to, kids, n.sel, owned), true
			}
			if n.required && !hit {
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

// pkSequence relates order, an order of rows of t, to t's primary key
// order: none or the key ascending is that order, the key descending its
// reverse (the latest rows first).
func pkSequence(t *meta.Table, order []query.Order) sequence {
	switch {
	case len(order) == 0:
		return ordered
	case len(order) > 1 || t.Composite() || t.ByName[order[0].Field] != t.PK:
		return unordered
	case order[0].Desc:
		return reversed
	}
	return ordered
}

// included appends to kids the rows n includes for the row r of t that
// match n's filter, in n's order: all of them, or, when n has a Limit and
// no required include of its own could drop one, the first Offset+Limit.
func (tx *Txn) included(n *IncNode, t *meta.Table, r any, kids []any) []any {
	k := 0
	if n.limit > 0 && !n.Sub.anyRequired() {
		k = n.offset + n.limit
	}
	var kb [32]byte
	switch {
	case n.inverse:
		if parent := tx.ParentOf(n.a, r); parent != nil && n.filter.Match(parent) {
			kids = append(kids, parent)
		}
	case n.th != nil:
		// Targets come in join row order: sorted, or kept in a top-k.
		if sk, ok := n.th.Src.SK.Key(t.Ptr(r), kb[:0]); ok {
			kids = gather(tx.targets(n.th, sk, n.join), unordered, n.filter, &n.ord, k, &n.top, kids)
		}
	default:
		// The association's index yields the children in primary key order.
		if sk, ok := n.a.SK.Key(t.Ptr(r), kb[:0]); ok {
			kids = gather(tx.children(n.a, sk, true), n.seq, n.filter, &n.ord, k, &n.top, kids)
		}
	}
	return kids
}

// loadWindow returns the window [offset, offset+limit) of rows (limit 0:
// no cap) with plan's includes loaded into copies, whether any row
// survived plan's required includes before the window, and the block and
// position of the copies (see loadIncludes). Without a required include
// the window is cut first, so only the rows kept load their includes.
func (tx *Txn) loadWindow(t *meta.Table, rows []any, plan incPlan, offset, limit int) (out []any, hit bool, block any, at int, err error) {
	if !plan.anyRequired() {
		hit = len(rows) > 0
		if rows = window(rows, offset, limit); len(plan) == 0 || len(rows) == 0 {
			return rows, hit, nil, 0, nil
		}
		rows, block, err = tx.loadIncludes(t, rows, plan)
		return rows, hit, block, 0, err
	}
	if rows, block, err = tx.loadIncludes(t, rows, plan); err != nil {
		return nil, false, nil, 0, err
	}
	return window(rows, offset, limit), len(rows) > 0, block, min(offset, len(rows)), nil
}
