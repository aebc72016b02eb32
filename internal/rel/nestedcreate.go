package rel

import (
	"slices"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// CreateNested creates v, a caller's row of t (not owned: it is copied),
// with the rows its association fields hold for the includes of plan, to
// plan's depth (SPEC N12), all or nothing: a failing row anywhere in the
// graph reverts every row, id and stamp the call took. The graph is
// created one plan level at a time: the belongsTo parents a level's rows
// point at first, then the rows, then their hasMany and hasOne children
// and their belongsToMany targets with one join row each (the join
// model's defaults). The store writes every foreign key (and the scope of
// a hasMany or hasOne), whatever the rows hold. It returns a copy of the
// stored row whose included fields hold copies of the stored rows, to
// every depth.
//
// It recurses once per include of plan, never per row, so its depth is
// the caller's include depth however many rows a level holds.
func (tx *Txn) CreateNested(t *meta.Table, v any, plan IncPlan) (any, error) {
	var outs []any
	err := tx.Atomic(func() error {
		var err error
		outs, err = tx.createLevel(t, []any{v}, plan, link{})
		return err
	})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// link is what points a level's rows at the rows just created above them:
// row i is a target of a (hasMany or hasOne) whose source key is skv[i].
// The zero link points them nowhere.
type link struct {
	a   *meta.Relation
	skv []any
}

// level is the rows one include of a level created: kids[bounds[i]:
// bounds[i+1]] are those of the level's row i (output copies).
type level struct {
	kids   []any
	bounds []int
}

// of returns the rows created for the level's row i.
func (l *level) of(i int) []any { return l.kids[l.bounds[i]:l.bounds[i+1]] }

// createLevel creates vs, caller's rows of t, with what plan includes of
// them, each pointed at its source by up, and returns their output copies
// in order. See CreateNested.
func (tx *Txn) createLevel(t *meta.Table, vs []any, plan IncPlan, up link) ([]any, error) {
	// The fields the plan reads; rows in any other association field
	// would be dropped, so they fail the call.
	fields := make([]*meta.AssocField, len(plan))
	rest := make([]*meta.AssocField, 0, len(t.Assocs))
	for i, n := range plan {
		fields[i] = t.AssocField(n.into)
	}
	for _, f := range t.Assocs {
		if !slices.Contains(fields, f) {
			rest = append(rest, f)
		}
	}
	rows := make([]any, len(vs))
	for i, v := range vs {
		if err := t.Unstored(t.Ptr(v), rest); err != nil {
			return nil, err
		}
		rows[i] = t.In(v)
		if up.a != nil {
			up.a.Attach(t.Ptr(rows[i]), up.skv[i])
		}
	}
	done := make([]level, len(plan))
	// The parents first: the rows point at them.
	for k, n := range plan {
		if !n.inverse {
			continue
		}
		var err error
		if done[k], err = tx.createIncluded(n, fields[k], vs, link{}); err != nil {
			return nil, err
		}
		for i, row := range rows {
			for _, parent := range done[k].of(i) {
				skv := n.a.SK.Get(n.to.Ptr(parent))
				if skv == nil {
					return nil, &errs.AssociationError{Association: n.name(), Reason: "parent has a NULL " + n.a.SK.Name}
				}
				// Only the foreign key, as belongsTo's Set writes it.
				n.a.FK.Set(t.Ptr(row), skv)
			}
		}
	}
	for _, row := range rows {
		if err := tx.Create(t, row, up.a); err != nil {
			return nil, err
		}
	}
	for k, n := range plan {
		var err error
		switch {
		case n.inverse:
		case n.th != nil:
			if done[k], err = tx.createIncluded(n, fields[k], vs, link{}); err != nil {
				return nil, err
			}
			if err := tx.joinLevel(n.th, rows, &done[k]); err != nil {
				return nil, err
			}
		default:
			skv := make([]any, len(rows))
			for i, row := range rows {
				skv[i] = n.a.SK.Get(t.Ptr(row))
			}
			if done[k], err = tx.createIncluded(n, fields[k], vs, link{a: n.a, skv: skv}); err != nil {
				return nil, err
			}
		}
	}
	outs := make([]any, len(rows))
	for i, row := range rows {
		outs[i] = t.Clone(row)
		p := t.Ptr(outs[i])
		for k, n := range plan {
			kids := done[k].of(i)
			switch {
			case n.th != nil:
				n.th.Fill(p, kids, true)
			case n.inverse:
				if len(kids) > 0 {
					n.a.FillOne(p, kids[0], true)
				}
			case n.a.Arity == meta.One:
				var kid any
				if len(kids) > 0 {
					kid = kids[0]
				}
				n.a.FillTarget(p, kid, true)
			default:
				n.a.FillMany(p, kids, true)
			}
		}
	}
	return outs, nil
}

// createIncluded creates the rows field holds in each of vs, the caller's
// rows of n's source side, with n's own includes, pointed up at their
// sources as up says.
func (tx *Txn) createIncluded(n *IncNode, field *meta.AssocField, vs []any, up link) (level, error) {
	from := n.from()
	l := level{bounds: make([]int, len(vs)+1)}
	var skv []any
	for i, v := range vs {
		start := len(l.kids)
		l.kids = field.Rows(from.Ptr(v), l.kids)
		for _, kid := range l.kids[start:] {
			if kid == nil {
				return level{}, &errs.AssociationError{Association: n.name(), Reason: "a nil row to create"}
			}
			if up.a != nil {
				if up.skv[i] == nil {
					return level{}, up.a.NullSourceKey()
				}
				skv = append(skv, up.skv[i])
			}
		}
		l.bounds[i+1] = len(l.kids)
	}
	if len(l.kids) == 0 {
		return l, nil
	}
	up.skv = skv
	var err error
	l.kids, err = tx.createLevel(n.to, l.kids, n.Sub, up)
	return l, err
}

// joinLevel gives each of rows, sources of th just created, one join row
// (the join model's defaults) with each target l created for it.
func (tx *Txn) joinLevel(th *Through, rows []any, l *level) error {
	var kb [32]byte
	for i, row := range rows {
		targets := l.of(i)
		if len(targets) == 0 {
			continue
		}
		sk, err := th.Src.SourceKeyOf(row, kb[:0])
		if err != nil {
			return err
		}
		if err := tx.ThroughAdd(th, sk, th.Src.SK.Get(th.Src.Source.Ptr(row)), targets, nil); err != nil {
			return err
		}
	}
	return nil
}

// from is the model whose rows the include is read from (its source
// side).
func (n *IncNode) from() *meta.Table {
	switch {
	case n.th != nil:
		return n.th.Src.Source
	case n.inverse:
		return n.a.Target
	}
	return n.a.Source
}

// name is the include's association name as the caller knows it.
func (n *IncNode) name() string {
	switch {
	case n.th != nil:
		return n.th.Name
	case n.inverse:
		return n.a.Target.Name + "." + n.a.Inverse
	}
	return n.a.Name
}
