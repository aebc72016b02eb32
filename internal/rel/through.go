package rel

import (
	"bytes"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// Through is one side of a belongsToMany: the source reaches its targets
// through rows of the join model. Src relates the source to the join rows
// (its foreign key is the join's foreignKey), Dst the target (otherKey);
// both are ordinary hasMany relations to the join table, which carry the
// NOT NULL foreign keys, their checks and their CASCADE rules.
type Through struct {
	Src, Dst *meta.Relation
	// Name is the association's name on the source (Post.tags); Field
	// the source struct field an include fills, by Fill (nil: none).
	Name, Field string
	Fill        func(parent unsafe.Pointer, kids []any, owned bool)
}

// Join is the join model's table.
func (th *Through) Join() *meta.Table { return th.Src.Target }

// joinRows yields the join rows of the source whose key encodes to sk.
func (tx *Txn) joinRows(th *Through, sk []byte) rowSource { return tx.children(th.Src, sk, true) }

// targetOf returns the stored target a join row points at, or nil.
func (tx *Txn) targetOf(th *Through, join any) any {
	var kb [32]byte
	k, ok := th.Dst.FK.Key(th.Join().Ptr(join), kb[:0])
	if !ok {
		return nil
	}
	return tx.First(th.Dst.SKIndex, k)
}

// targets yields the targets of the source with key sk whose join row
// matches join; each target once, since a pair has one join row.
func (tx *Txn) targets(th *Through, sk []byte, join *filter.Filter) rowSource {
	return func(yield func(any) bool) {
		for j := range tx.joinRows(th, sk) {
			if !join.Match(j) {
				continue
			}
			if t := tx.targetOf(th, j); t != nil && !yield(t) {
				return
			}
		}
	}
}

// throughPlan is the read plan of targets: in no particular order.
func (tx *Txn) throughPlan(th *Through, sk []byte, join *filter.Filter) func(*filter.Filter, []query.Order) plan {
	return func(*filter.Filter, []query.Order) plan { return plan{src: tx.targets(th, sk, join)} }
}

// ThroughRows reads the targets of the source with key sk as o asks
// (default: ascending target primary key), keeping those whose join row
// matches joinWhere.
func (tx *Txn) ThroughRows(th *Through, sk []byte, o *Read, joinWhere query.Cond) (Found, error) {
	f, err := filter.Compile(cols(th.Join()), joinWhere)
	if err != nil {
		return Found{}, err
	}
	return tx.read(th.Dst.Source, o, tx.throughPlan(th, bytes.Clone(sk), f))
}

// ThroughCount counts what ThroughRows would return.
func (tx *Txn) ThroughCount(th *Through, sk []byte, o *Read, joinWhere query.Cond) (int, error) {
	if joinWhere.IsZero() && !th.Dst.Source.Paranoid() && (o == nil || o.Where.IsZero() && len(o.Include) == 0 && o.IncludeErr == nil) {
		// Every join row has its target (its NOT NULL, CASCADE foreign
		// key), so counting the join rows counts the targets.
		return tx.AssocCount(th.Src, sk, nil)
	}
	f, err := filter.Compile(cols(th.Join()), joinWhere)
	if err != nil {
		return 0, err
	}
	return tx.count(th.Dst.Source, o, tx.throughPlan(th, bytes.Clone(sk), f))
}

// JoinsOf returns, for each of targets (stored rows of the target table),
// its join row with the source of key sk, or nil: one pass over the
// source's join rows.
func (tx *Txn) JoinsOf(th *Through, sk []byte, targets []any) ([]any, error) {
	by := map[string]any{}
	var kb [32]byte
	for j := range tx.joinRows(th, sk) {
		if k, ok := th.Dst.FK.Key(th.Join().Ptr(j), kb[:0]); ok {
			by[string(k)] = j
		}
	}
	out := make([]any, len(targets))
	for i, t := range targets {
		tk, err := th.Dst.SourceKeyOf(t, kb[:0])
		if err != nil {
			return nil, err
		}
		out[i] = by[string(tk)]
	}
	return out, nil
}

// Pair returns the join row of the source with key sk and the target with
// key tk, or nil: one seek when the join model has a primary key or
// unique constraint over the pair (its natural key), else a walk over the
// source's join rows.
func (tx *Txn) Pair(th *Through, sk, tk []byte) any {
	if ix, srcFirst := th.pairIndex(); ix != nil {
		var kb [64]byte
		k := kb[:0]
		if srcFirst {
			k = append(append(k, sk...), tk...)
		} else {
			k = append(append(k, tk...), sk...)
		}
		if ix.IsPK() {
			return tx.ByKey(th.Join(), k)
		}
		return tx.First(ix, k)
	}
	var kb [32]byte
	for j := range tx.joinRows(th, sk) {
		if k, ok := th.Dst.FK.Key(th.Join().Ptr(j), kb[:0]); ok && bytes.Equal(k, tk) {
			return j
		}
	}
	return nil
}

// ThroughHas reports whether every target key in keys has a join row
// with the source of key sk; an unknown target is false.
func (tx *Txn) ThroughHas(th *Through, sk []byte, keys [][]byte) (bool, error) {
	for _, k := range keys {
		t := live(th.Dst.Source, tx.ByKey(th.Dst.Source, k))
		if t == nil {
			return false, nil
		}
		tk, err := th.Dst.SourceKeyOf(t, nil)
		if err != nil || tx.Pair(th, sk, tk) == nil {
			return false, err
		}
	}
	return true, nil
}

// ThroughTargets returns the stored targets for keys. With must, a key
// that matches no target is the ForeignKeyConstraintError PostgreSQL
// would raise for its join row; otherwise it is skipped.
func (tx *Txn) ThroughTargets(th *Through, keys [][]byte, must bool) ([]any, error) {
	t := th.Dst.Source
	tx.prefetchKeys(t, keys)
	rows := make([]any, 0, len(keys))
	for _, k := range keys {
		row := tx.ByKey(t, k)
		if row != nil && live(t, row) == nil {
			// A soft-deleted target is invisible, as for hasMany (SPEC
			// N13): not found, where a missing one is the join row's
			// foreign key violation.
			if !must {
				continue
			}
			return nil, &errs.NotFoundError{Model: t.Name, Key: clone.Value(t.DecodeKey(k))}
		}
		if row == nil && !must {
			continue
		}
		if row == nil {
			return nil, &errs.ForeignKeyConstraintError{Model: th.Join().Name, ForeignKey: th.Dst.FK.Name,
				Value: clone.Value(t.DecodeKey(k)), Referenced: t.Name, Association: th.Src.Name,
				Reason: "references no " + t.Name + "." + th.Dst.SK.Name}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ThroughAdd gives the source (key sk, source key value skv) a join row
// for each target that has none, built by through (nil: defaults) with
// both foreign keys set; a target that has one keeps it, rewritten by
// through when that changes it.
func (tx *Txn) ThroughAdd(th *Through, sk []byte, skv any, targets []any, through func(unsafe.Pointer)) error {
	j := th.Join()
	var kb [32]byte
	for _, t := range targets {
		tk, err := th.Dst.SourceKeyOf(t, kb[:0])
		if err != nil {
			return err
		}
		if cur := tx.Pair(th, sk, tk); cur != nil {
			if through == nil {
				continue
			}
			row := j.Clone(cur)
			through(j.Ptr(row))
			j.Own(j.Ptr(row))               // what through set may be the caller's
			th.pairKeys(j.Ptr(row), skv, t) // the pair stays the pair
			if !j.SameRow(cur, row) {
				if err := tx.UpdateRow(j, cur, row); err != nil {
					return err
				}
			}
			continue
		}
		// through starts from the defaults, so a NULL it leaves in a NOT
		// NULL field is its own: a ValidationError, as in Sequelize.
		row := j.NewRow()
		p := j.Ptr(row)
		Defaults(j, p)
		if through != nil {
			through(p)
			j.Own(p)
		}
		th.pairKeys(p, skv, t)
		if err := tx.CreateFilled(j, row, th.Src); err != nil {
			return err
		}
	}
	return nil
}

// pairIndex is the join table's primary key or unique constraint over
// exactly the two foreign keys, and whether the source's comes first; nil
// when there is none.
func (th *Through) pairIndex() (ix *meta.Index, srcFirst bool) {
	j := th.Join()
	for _, ix := range append(j.Indexes[:1:1], j.UniqueKeys...) {
		if len(ix.Cols) != 2 {
			continue
		}
		a, b := ix.Cols[0], ix.Cols[1]
		switch {
		case a == th.Src.FK && b == th.Dst.FK:
			return ix, true
		case a == th.Dst.FK && b == th.Src.FK:
			return ix, false
		}
	}
	return nil, false
}

// pairKeys points the join row at p at the source of key value skv and
// the stored target t.
func (th *Through) pairKeys(p unsafe.Pointer, skv, t any) {
	th.Src.FK.Set(p, skv)
	th.Dst.FK.Set(p, th.Dst.SK.Get(th.Dst.Source.Ptr(t)))
}

// targetKeys encodes the key the join rows hold for each stored target.
func (th *Through) targetKeys(targets []any) ([][]byte, error) {
	tks := make([][]byte, len(targets))
	for i, t := range targets {
		var err error
		if tks[i], err = th.Dst.SourceKeyOf(t, nil); err != nil {
			return nil, err
		}
	}
	return tks, nil
}

// deleteJoins deletes the join rows of the source with key sk whose
// target key is in keys, or with keep, those whose key is not.
func (tx *Txn) deleteJoins(th *Through, sk []byte, keys [][]byte, keep bool) error {
	var doomed []any
	if ix, _ := th.pairIndex(); ix != nil && !keep {
		for _, k := range keys { // a seek per pair, not a walk of them all
			if j := tx.Pair(th, sk, k); j != nil {
				doomed = append(doomed, j)
			}
		}
	} else {
		var kb [32]byte
		for j := range tx.joinRows(th, sk) {
			k, ok := th.Dst.FK.Key(th.Join().Ptr(j), kb[:0])
			if (ok && containsKey(keys, k)) != keep {
				doomed = append(doomed, j)
			}
		}
	}
	for _, j := range doomed {
		if cur := tx.Current(th.Join(), j); cur != nil {
			if err := tx.DeleteRow(th.Join(), cur); err != nil {
				return err
			}
		}
	}
	return nil
}

// ThroughUnpair deletes the join rows of the source with key sk and the
// stored targets; pairs that do not exist are ignored.
func (tx *Txn) ThroughUnpair(th *Through, sk []byte, targets []any) error {
	tks, err := th.targetKeys(targets)
	if err != nil {
		return err
	}
	return tx.deleteJoins(th, sk, tks, false)
}

// ThroughSet leaves the source with key sk exactly the join rows of
// targets: the others are deleted, then ThroughAdd runs.
func (tx *Txn) ThroughSet(th *Through, sk []byte, skv any, targets []any, through func(unsafe.Pointer)) error {
	keep, err := th.targetKeys(targets)
	if err != nil {
		return err
	}
	if err := tx.deleteJoins(th, sk, keep, true); err != nil {
		return err
	}
	return tx.ThroughAdd(th, sk, skv, targets, through)
}

func containsKey(keys [][]byte, k []byte) bool {
	for _, x := range keys {
		if bytes.Equal(x, k) {
			return true
		}
	}
	return false
}
