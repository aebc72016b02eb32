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
	one      bool // a to-one include (belongsTo, hasOne)
	// Sub are the includes of the included rows, compiled against To.
	Sub IncPlan
	// Each source row's list: in ord's order (Order, then the primary
	// key), offset rows skipped, at most limit kept (a to-one include
	// keeps one unless its read repeats rows: see joined); sel is the
	// Fields selection (nil: all).
	ord           rowOrder
	seq           sequence // ord against the primary key order of a hasMany's children
	limit, offset int
	sel           []bool
	free          bool // no Order: any order is right (see Shuffler)
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

// anyNode reports whether pred holds for a node of p, at any depth (the
// depth of the caller's include tree, not of its data).
func (p incPlan) anyNode(pred func(*IncNode) bool) bool {
	for _, n := range p {
		if pred(n) || n.Sub.anyNode(pred) {
			return true
		}
	}
	return false
}

// many reports whether n loads a list (hasMany, belongsToMany).
func (n *IncNode) many() bool { return !n.one }

// hasOne reports whether n is a hasOne include, the one whose rows can
// repeat their source.
func (n *IncNode) hasOne() bool { return n.one && !n.inverse }

// joined reports whether a read with the includes p repeats a source row
// once per target of each of its hasOne includes, as Sequelize's JOIN
// does when no include of the tree loads a list; with one that does, it
// keeps one row per source and a hasOne include its first target.
func (p incPlan) joined() bool { return !p.anyNode((*IncNode).many) }

// resizes reports whether loading p can change how many rows there are
// (x: the read is joined), so that a window waits for the loads.
func (p incPlan) resizes(x bool) bool { return p.anyRequired() || x && p.anyNode((*IncNode).hasOne) }

// cap is the most rows n keeps per source (0: no cap).
func (n *IncNode) cap(x bool) int {
	if n.one && !x {
		return 1
	}
	return n.limit
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
	n := &IncNode{a: a, inverse: inverse, into: into, to: to, required: in.Required,
		one: inverse || a.Arity == meta.One}
	if err := n.shape(in); err != nil {
		return nil, err
	}
	return n, nil
}

// shape compiles what in asks of the included rows, in the order a read
// checks its options: Where, Order, Limit and Offset, Fields.
func (n *IncNode) shape(in Include) error {
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
	n.free = len(in.Order) == 0
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
	if err := n.shape(in); err != nil {
		return nil, err
	}
	var err error
	if n.join, err = filter.Compile(cols(th.Join()), visible(th.Join(), in.ThroughWhere, false)); err != nil {
		return nil, err
	}
	return n, nil
}

// loadIncludes returns copies of rows with every included association
// loaded, dropping the rows a required include finds nothing for and, in
// a joined read (x, see joined), repeating a row once per combination of
// its to-one includes' rows. Each row costs one index seek per include:
// no scans, no N+1 round trips; an include with a Limit and no Order
// stops each row's walk after its Offset+Limit matches, one with an Order
// keeps them in a bounded top-k. With need > 0 it stops once it has need
// rows. When it drops and repeats none, the copies are the elements of
// block, a []T.
func (tx *Txn) loadIncludes(t *meta.Table, rows []any, plan incPlan, x bool, need int) (out []any, block any, err error) {
	// The includes are filled into copies of the rows, made in one batch
	// (of the first need: more are copied one by one if some drop).
	first := rows
	if need > 0 && need < len(rows) {
		first = rows[:need]
	}
	copies, block := t.CloneAll(first)
	out = copies[:0] // kept rows move down over dropped ones
	grown := false   // out has its own array: a repeated row overtook it
	// scratch collects each row's children; the fill copies them out, so
	// one buffer serves every row.
	var scratch []any
	for ri, r := range rows {
		if need > 0 && len(out) >= need {
			break
		}
		var row any
		if ri < len(copies) {
			row = copies[ri]
		} else {
			row, block = t.Clone(r), nil
		}
		keep, wide := true, false
		for _, n := range plan {
			var kids []any
			var owned, hit bool
			if kids, scratch, owned, hit, err = tx.loadNode(n, t, r, scratch[:0], x); err != nil {
				return nil, nil, err
			}
			if n.required && !hit {
				keep = false
				break
			}
			if n.one && len(kids) > 1 { // only in a joined read
				wide = true
				break
			}
			n.fill(t, row, kids, owned)
		}
		switch {
		case !keep:
		case wide:
			if !grown {
				out, grown = append(make([]any, 0, len(rows)+1), out...), true
			}
			if out, err = tx.repeat(t, r, row, plan, x, out); err != nil {
				return nil, nil, err
			}
		default:
			out = append(out, row)
		}
	}
	if len(out) != len(copies) || grown {
		block = nil
	}
	return out, block, nil
}

// loadNode returns the rows n includes for the row r of t, windowed, with
// n's own includes loaded and its Fields applied; owned says they are
// copies already. It collects them in buf, whose array it returns for
// reuse, and reports whether any matched before the window.
func (tx *Txn) loadNode(n *IncNode, t *meta.Table, r any, buf []any, x bool) (kids, scratch []any, owned, hit bool, err error) {
	kids = tx.included(n, t, r, buf, x)
	scratch = kids[:0]
	if kids, hit, _, _, err = tx.loadWindow(n.to, kids, n.Sub, n.offset, n.cap(x), x); err != nil {
		return nil, scratch, false, false, err
	}
	owned = len(n.Sub) > 0
	if n.sel != nil {
		kids, owned = projectAll(n.to, kids, n.sel, owned), true
	}
	return kids, scratch, owned, hit, nil
}

// fill stores kids, what n loaded for a source row, into row's field.
func (n *IncNode) fill(t *meta.Table, row any, kids []any, owned bool) {
	if n.many() {
		if n.th != nil {
			n.th.Fill(t.Ptr(row), kids, owned)
		} else {
			n.a.FillMany(t.Ptr(row), kids, owned)
		}
		return
	}
	var kid any
	if len(kids) > 0 {
		kid = kids[0]
	}
	n.fillOne(t, row, kid, owned)
}

// fillOne stores kid (nil: none) into row's to-one field.
func (n *IncNode) fillOne(t *meta.Table, row, kid any, owned bool) {
	switch {
	case n.inverse:
		if kid != nil {
			n.a.FillOne(t.Ptr(row), kid, owned)
		}
	default:
		n.a.FillTarget(t.Ptr(row), kid, owned)
	}
}

// repeat appends to out the rows a joined read makes of the source row r
// of t (row is its first copy): one per combination of its includes'
// rows, the first include varying slowest, each in its include's order;
// none when a required include matches nothing. A loaded row (owned)
// fills one copy only: the next copy that needs it loads it again, so
// that no two results share memory. Only a source with several targets
// of a hasOne comes here.
func (tx *Txn) repeat(t *meta.Table, r, row any, plan incPlan, x bool, out []any) ([]any, error) {
	lists := make([][]any, len(plan))
	owned := make([]bool, len(plan))
	used := make([][]bool, len(plan))
	total := 1
	for i, n := range plan {
		kids, _, own, hit, err := tx.loadNode(n, t, r, nil, x)
		if err != nil {
			return out, err
		}
		if n.required && !hit {
			return out, nil
		}
		lists[i], owned[i], used[i] = kids, own, make([]bool, len(kids))
		total *= max(1, len(kids))
	}
	for v := range total {
		if v > 0 {
			row = t.Clone(r)
		}
		rem := v
		for i := len(plan) - 1; i >= 0; i-- { // the last include varies fastest
			n, m := plan[i], max(1, len(lists[i]))
			j := rem % m
			rem /= m
			var kid any
			if len(lists[i]) > 0 {
				kid = lists[i][j]
				if owned[i] && used[i][j] {
					again, _, _, _, err := tx.loadNode(n, t, r, nil, x)
					if err != nil {
						return out, err
					}
					kid = again[j]
				}
				used[i][j] = true
			}
			n.fillOne(t, row, kid, owned[i])
		}
		out = append(out, row)
	}
	return out, nil
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
// match n's filter, in n's order: all of them, or, when n has a cap and no
// include of its own could drop or repeat one, the first Offset+cap.
func (tx *Txn) included(n *IncNode, t *meta.Table, r any, kids []any, x bool) []any {
	// A list in any order is shuffled whole before its window; a to-one
	// include's one target (the first) is not.
	free := n.free && tx.db.Shuffle != nil && (!n.one || x)
	k := 0
	if c := n.cap(x); c > 0 && !n.Sub.resizes(x) && !free {
		k = n.offset + c
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
	if free {
		tx.db.Shuffle.shuffle(n.to, kids)
	}
	return kids
}

// loadWindow returns the window [offset, offset+limit) of rows (limit 0:
// no cap) with plan's includes loaded into copies, whether any row
// survived plan's required includes before the window, and the block and
// position of the copies (see loadIncludes); x: the read is joined. When
// the loads can neither drop nor repeat rows, the window is cut first,
// so only the rows kept load their includes.
func (tx *Txn) loadWindow(t *meta.Table, rows []any, plan incPlan, offset, limit int, x bool) (out []any, hit bool, block any, at int, err error) {
	if !plan.resizes(x) {
		hit = len(rows) > 0
		if rows = window(rows, offset, limit); len(plan) == 0 || len(rows) == 0 {
			return rows, hit, nil, 0, nil
		}
		rows, block, err = tx.loadIncludes(t, rows, plan, x, 0)
		return rows, hit, block, 0, err
	}
	need := 0
	if limit > 0 {
		need = offset + limit
	}
	if rows, block, err = tx.loadIncludes(t, rows, plan, x, need); err != nil {
		return nil, false, nil, 0, err
	}
	return window(rows, offset, limit), len(rows) > 0, block, min(offset, len(rows)), nil
}
