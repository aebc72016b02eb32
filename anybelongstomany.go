package memrel

import (
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// AnyBelongsToMany is a belongsToMany between two models of [DefineAny]
// through a third, with rows as [Row] values: [BelongsToMany]'s rules
// (NOT NULL join keys, CASCADE both ways), calls and errors. Targets are
// given by primary key (a Key or []any for a composite one), join values
// as a Row of the through model's columns (nil: its defaults). It is an
// [Association]: an include puts the targets in the Row under the alias.
type AnyBelongsToMany struct {
	th, inv        *rel.Through // this side, the other side
	src, dst, join *meta.Table
}

// NewAnyBelongsToMany declares that source and target relate
// many-to-many through the join model through, as [NewBelongsToMany]
// does, and returns the source's side. Mistakes are reported by
// [Schema.Open].
func NewAnyBelongsToMany(source, target, through *AnyModel, o BelongsToManyOptions) *AnyBelongsToMany {
	if err := anyPair(source, target, "NewAnyBelongsToMany"); err != nil {
		return &AnyBelongsToMany{}
	}
	if err := anyPair(source, through, "NewAnyBelongsToMany"); err != nil {
		return &AnyBelongsToMany{}
	}
	s := source.t.Schema
	s.CheckOpen()
	srcRel, dstRel, as, back := meta.NewThrough(s, source.t, target.t, through.t, meta.ThroughOptions(o))
	if srcRel == nil {
		return &AnyBelongsToMany{}
	}
	th := &rel.Through{Src: srcRel, Dst: dstRel, Name: source.t.Name + "." + as, Field: as}
	inv := &rel.Through{Src: dstRel, Dst: srcRel, Name: target.t.Name + "." + back, Field: back}
	th.Fill = loadedFill(source.t, target.t, as)
	inv.Fill = loadedFill(target.t, source.t, back)
	claimLoaded(source.t, as, as)
	claimLoaded(target.t, back, back)
	return &AnyBelongsToMany{th: th, inv: inv, src: source.t, dst: target.t, join: through.t}
}

// loadedFill puts the targets an include loaded into the includes map of
// a row of t, under alias.
func loadedFill(t, target *meta.Table, alias string) func(unsafe.Pointer, []any, bool) {
	return func(parent unsafe.Pointer, kids []any, owned bool) {
		if !owned {
			kids, _ = target.CloneAll(kids)
		}
		loadedOf(t, parent)[alias] = included{t: target, rows: kids}
	}
}

// Inverse returns the target's side (Tag.posts for Post.tags).
func (b *AnyBelongsToMany) Inverse() *AnyBelongsToMany {
	if b.table() == nil {
		return &AnyBelongsToMany{}
	}
	return &AnyBelongsToMany{th: b.inv, inv: b.th, src: b.dst, dst: b.src, join: b.join}
}

// Info describes the association.
func (b *AnyBelongsToMany) Info() AssociationInfo {
	if b.table() == nil {
		return AssociationInfo{}
	}
	th := b.th
	return AssociationInfo{Type: "BelongsToMany", Source: th.Src.Source.Name, Target: th.Dst.Source.Name,
		ForeignKey: th.Src.FK.Name, SourceKey: th.Src.SK.Name, As: th.Field,
		IsSelfAssociation: th.Src.Source == th.Dst.Source, OnDelete: Cascade, OnUpdate: Cascade, Constraints: true}
}

func (b *AnyBelongsToMany) side() (*meta.Relation, bool) { return nil, false }

// throughSide is what an include of b loads.
func (b *AnyBelongsToMany) throughSide() *rel.Through {
	if b.table() == nil {
		return nil
	}
	return b.th
}

// table is the join table, nil for a nil or zero AnyBelongsToMany (which
// Txn.use refuses).
func (b *AnyBelongsToMany) table() *meta.Table {
	if b == nil || b.th == nil {
		return nil
	}
	return b.th.Join()
}

// read runs fn, a read call, with src's encoded key.
func (b *AnyBelongsToMany) read(tx *Txn, src Row, fn func(sk []byte) error) (err error) {
	if err := tx.use(b.table(), false); err != nil {
		return err
	}
	defer tx.exit(&err)
	p, err := rowFrom(b.src, src)
	if err != nil {
		return err
	}
	sk, _, err := tx.r.Source(b.th.Src, p, nil)
	if err != nil {
		return err
	}
	return fn(sk)
}

// Get returns src's targets as [BelongsToMany.Get] does.
func (b *AnyBelongsToMany) Get(tx *Txn, src Row, o *ThroughOptions) ([]Row, error) {
	var out []Row
	err := b.read(tx, src, func(sk []byte) error {
		opts, jw := o.split()
		f, err := tx.r.ThroughRows(b.th, sk, opts.read(b.dst, new(rel.Read)), jw)
		out = rowsOf(b.dst, f.Rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Count returns how many targets Get would return, as
// [BelongsToMany.Count] does.
func (b *AnyBelongsToMany) Count(tx *Txn, src Row, o *ThroughOptions) (int, error) {
	var n int
	err := b.read(tx, src, func(sk []byte) error {
		opts, jw := o.split()
		var err error
		n, err = tx.r.ThroughCount(b.th, sk, opts.read(b.dst, new(rel.Read)), jw)
		return err
	})
	return n, err
}

// Has reports whether every listed target has a join row with src, as
// [BelongsToMany.HasKeys] does.
func (b *AnyBelongsToMany) Has(tx *Txn, src Row, keys []any) (bool, error) {
	var ok bool
	err := b.read(tx, src, func(sk []byte) error {
		ks, err := encodeKeys(b.dst, b.th.Name, keys)
		if err != nil {
			return err
		}
		ok, err = tx.r.ThroughHas(b.th, sk, ks)
		return err
	})
	return ok, err
}

// Add gives src a join row with each listed target, set by through, as
// [BelongsToMany.AddKeys] does.
func (b *AnyBelongsToMany) Add(tx *Txn, src Row, keys []any, through Row) error {
	return b.write(tx, src, keys, through, true, func(sk []byte, skv any, rows []any, set func(unsafe.Pointer)) error {
		return tx.r.ThroughAdd(b.th, sk, skv, rows, set)
	})
}

// Set leaves src with exactly the listed targets, as
// [BelongsToMany.SetKeys] does.
func (b *AnyBelongsToMany) Set(tx *Txn, src Row, keys []any, through Row) error {
	return b.write(tx, src, keys, through, true, func(sk []byte, skv any, rows []any, set func(unsafe.Pointer)) error {
		return tx.r.ThroughSet(b.th, sk, skv, rows, set)
	})
}

// Remove deletes the join rows of src and the listed targets, as
// [BelongsToMany.RemoveKeys] does.
func (b *AnyBelongsToMany) Remove(tx *Txn, src Row, keys []any) error {
	return b.write(tx, src, keys, nil, false, func(sk []byte, _ any, rows []any, _ func(unsafe.Pointer)) error {
		return tx.r.ThroughUnpair(b.th, sk, rows)
	})
}

// Create inserts v as a new target and its join row with src, set by
// through, as [BelongsToMany.Create] does, and returns the target as
// stored.
func (b *AnyBelongsToMany) Create(tx *Txn, src, v, through Row) (Row, error) {
	var row any
	err := b.write(tx, src, nil, through, true, func(sk []byte, skv any, _ []any, set func(unsafe.Pointer)) error {
		var err error
		if row, err = rel.RowOf(b.dst, v); err != nil {
			return err
		}
		if err := tx.r.Create(b.dst, row, nil); err != nil {
			return err
		}
		return tx.r.ThroughAdd(b.th, sk, skv, []any{row}, set)
	})
	if err != nil {
		return nil, err
	}
	return rowOf(b.dst, row), nil
}

// write runs one atomic write of src's pairs with the stored targets
// (must: one not stored fails it, else it is left out), with the join
// row setter of through, checked against the join model first.
func (b *AnyBelongsToMany) write(tx *Txn, src Row, keys []any, through Row, must bool,
	fn func(sk []byte, skv any, rows []any, set func(unsafe.Pointer)) error) (err error) {
	if err := tx.use(b.table(), true); err != nil {
		return err
	}
	defer tx.exit(&err)
	set, err := joinSetter(b.join, through)
	if err != nil {
		return err
	}
	ks, err := encodeKeys(b.dst, b.th.Name, keys)
	if err != nil {
		return err
	}
	p, err := rowFrom(b.src, src)
	if err != nil {
		return err
	}
	return tx.r.Atomic(func() error {
		sk, skv, err := tx.r.Source(b.th.Src, p, nil)
		if err != nil {
			return err
		}
		rows, err := tx.r.ThroughTargets(b.th, ks, must)
		if err != nil {
			return err
		}
		return fn(sk, skv, rows, set)
	})
}

// joinSetter decodes through into the join row setter that copies the
// columns it names; nil for none.
func joinSetter(join *meta.Table, through Row) (func(unsafe.Pointer), error) {
	if through == nil {
		return nil, nil
	}
	row, err := rel.RowOf(join, through)
	if err != nil {
		return nil, err
	}
	from := join.Ptr(row)
	var fs []*meta.Field
	for _, f := range join.Fields {
		if _, ok := through[f.Name]; ok {
			fs = append(fs, f)
		}
	}
	return func(p unsafe.Pointer) {
		for _, f := range fs {
			f.Copy(p, from)
		}
	}, nil
}
