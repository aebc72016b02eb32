package memrel

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// BelongsToMany is a many-to-many association from source model S to
// target model T through the join model J (Sequelize's belongsToMany with
// an explicit through model), declared with [NewBelongsToMany]; the other
// side is [BelongsToMany.Inverse]. Each pair is one join row, whose two
// foreign keys are NOT NULL with onDelete and onUpdate CASCADE: deleting
// or re-keying a source or a target deletes or rewrites its join rows. The
// join model stays an ordinary model (create, find, update, destroy).
//
// The source is given as an instance (only its primary key is read);
// targets as instances or, in the ...Keys forms, as keys, instances or
// pointers. A target listed twice counts once.
type BelongsToMany[S, T, J any] struct {
	th, inv *rel.Through // this side, the other side
	src     *Model[S]
	dst     *Model[T]
	join    *Model[J]
}

// BelongsToManyOptions are Sequelize's belongsToMany options.
type BelongsToManyOptions struct {
	// ForeignKey is the join field holding the source's key; default: the
	// source's name in camelCase and its key (postId). OtherKey holds the
	// target's (tagId).
	ForeignKey, OtherKey string
	// As names the association on the source (default: the target's plural
	// name, tags), Inverse the paired one on the target (posts).
	As, Inverse string
}

// ThroughOptions are the options of [BelongsToMany.Get] and
// [BelongsToMany.Count]: Options on the targets (Where, Order, Limit,
// Offset, Include; default order: ascending target primary key), and
// ThroughWhere on their join rows (Sequelize's through.where).
type ThroughOptions struct {
	Options
	ThroughWhere query.Cond
}

// NewBelongsToMany declares that source and target relate many-to-many
// through the join model through, whose two foreign key fields must be
// NOT NULL (its natural key is the pair: a composite primary key or a
// composite unique constraint over them). It returns the source's side.
// Mistakes are reported by [Schema.Open].
func NewBelongsToMany[S, T, J any](source *Model[S], target *Model[T], through *Model[J], o BelongsToManyOptions) *BelongsToMany[S, T, J] {
	if source.table() == nil || target.table() == nil || through.table() == nil {
		for _, t := range []*meta.Table{source.table(), target.table(), through.table()} {
			if t != nil {
				t.Schema.CheckOpen()
				t.Schema.Problem(t.Name, "", "NewBelongsToMany with a nil or zero model (one not returned by Define)")
			}
		}
		return &BelongsToMany[S, T, J]{}
	}
	s := source.t.Schema
	if target.t.Schema != s || through.t.Schema != s {
		panic("memrel: NewBelongsToMany with models of two schemas")
	}
	s.CheckOpen()
	srcRel, dstRel, as, back := meta.NewThrough(s, source.t, target.t, through.t, meta.ThroughOptions(o))
	if srcRel == nil {
		return &BelongsToMany[S, T, J]{}
	}
	th := &rel.Through{Src: srcRel, Dst: dstRel, Name: source.t.Name + "." + as, Field: meta.UpperFirst(as)}
	inv := &rel.Through{Src: dstRel, Dst: srcRel, Name: target.t.Name + "." + back, Field: meta.UpperFirst(back)}
	th.Fill = claimThroughField[T](source.t, target.t, th.Field)
	inv.Fill = claimThroughField[S](target.t, source.t, inv.Field)
	return &BelongsToMany[S, T, J]{th: th, inv: inv, src: source, dst: target, join: through}
}

// claimThroughField finds the field an include of a belongsToMany fills
// on t (a []C or []*C named after the alias: Post.Tags), gives t its zeroer
// (it is not a column) and returns its fill; nil when there is none.
func claimThroughField[C any](t, target *meta.Table, name string) func(unsafe.Pointer, []any, bool) {
	sf, ok := t.Type.FieldByName(name)
	if !ok || len(sf.Index) != 1 {
		return nil
	}
	if _, isCol := t.ByName[sf.Name]; isCol {
		return nil
	}
	off := sf.Offset
	switch sf.Type {
	case reflect.TypeFor[[]C]():
		claimField[C](t, sf)
		return func(parent unsafe.Pointer, kids []any, owned bool) {
			cs := make([]C, len(kids))
			for i, k := range kids {
				cs[i] = *k.(*C)
				if !owned {
					target.Own(unsafe.Pointer(&cs[i]))
				}
			}
			*(*[]C)(unsafe.Add(parent, off)) = cs
		}
	case reflect.TypeFor[[]*C]():
		claimField[C](t, sf)
		return func(parent unsafe.Pointer, kids []any, owned bool) {
			cs := make([]*C, len(kids))
			for i, k := range kids {
				if !owned {
					k = target.Clone(k)
				}
				cs[i] = k.(*C)
			}
			*(*[]*C)(unsafe.Add(parent, off)) = cs
		}
	}
	return nil
}

// Inverse returns the target's side (Tag.posts for Post.tags); nil for a
// nil or zero BelongsToMany.
func (b *BelongsToMany[S, T, J]) Inverse() *BelongsToMany[T, S, J] {
	if b.table() == nil {
		return nil
	}
	return &BelongsToMany[T, S, J]{th: b.inv, inv: b.th, src: b.dst, dst: b.src, join: b.join}
}

// Name is the association's name on its source, Source.as (Post.tags).
func (b *BelongsToMany[S, T, J]) Name() string {
	if b.table() == nil {
		return ""
	}
	return b.th.Name
}

// Info describes the association.
func (b *BelongsToMany[S, T, J]) Info() AssociationInfo {
	if b.table() == nil {
		return AssociationInfo{}
	}
	th := b.th
	return AssociationInfo{Type: "BelongsToMany", Source: th.Src.Source.Name, Target: th.Dst.Source.Name,
		ForeignKey: th.Src.FK.Name, SourceKey: th.Src.SK.Name, As: th.Name[len(th.Src.Source.Name)+1:],
		IsSelfAssociation: th.Src.Source == th.Dst.Source, OnDelete: Cascade, OnUpdate: Cascade, Constraints: true}
}

func (b *BelongsToMany[S, T, J]) side() (*meta.Relation, bool) { return nil, false }

// throughSide is what an include of b loads.
func (b *BelongsToMany[S, T, J]) throughSide() *rel.Through {
	if b.table() == nil {
		return nil
	}
	return b.th
}

// table is the join table, or nil for a BelongsToMany not made by
// NewBelongsToMany, which Txn.use then refuses.
func (b *BelongsToMany[S, T, J]) table() *meta.Table {
	if b == nil || b.th == nil {
		return nil
	}
	return b.th.Join()
}

// source looks src up: its encoded key and value.
func (b *BelongsToMany[S, T, J]) source(tx *Txn, src *S) ([]byte, any, error) {
	return tx.r.Source(b.th.Src, unsafe.Pointer(src), nil)
}

// Get returns src's targets: those with a join row (src, target), matching
// o.Where on the target and o.ThroughWhere on the join row, in o.Order
// (default: ascending target primary key), windowed, with o.Include.
func (b *BelongsToMany[S, T, J]) Get(tx *Txn, src S, o *ThroughOptions) (_ []T, err error) {
	if err := tx.use(b.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	_, f, err := b.read(tx, &src, o)
	if err != nil {
		return nil, err
	}
	return b.dst.outAll(f), nil
}

// read finds src (its encoded key) and reads its targets as o asks.
func (b *BelongsToMany[S, T, J]) read(tx *Txn, src *S, o *ThroughOptions) ([]byte, rel.Found, error) {
	sk, _, err := b.source(tx, src)
	if err != nil {
		return nil, rel.Found{}, err
	}
	opts, jw := o.split()
	f, err := tx.r.ThroughRows(b.th, sk, opts.read(b.dst.t, new(rel.Read)), jw)
	return sk, f, err
}

// WithJoin is a target of a belongsToMany with its join row.
type WithJoin[T, J any] struct {
	Target T
	Join   J
}

// GetWithJoin is Get with each target's join row (Sequelize returns the
// join attributes with every target), copied like the targets.
func (b *BelongsToMany[S, T, J]) GetWithJoin(tx *Txn, src S, o *ThroughOptions) (_ []WithJoin[T, J], err error) {
	if err := tx.use(b.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	sk, f, err := b.read(tx, &src, o)
	if err != nil {
		return nil, err
	}
	// The rows found may be copies (projected, included): find their
	// stored rows by key for the join lookup.
	stored := make([]any, len(f.Rows))
	for i, r := range f.Rows {
		k, ok := b.dst.t.KeyAt(b.dst.t.Ptr(r), nil)
		if ok {
			stored[i] = tx.r.ByKey(b.dst.t, k)
		}
		if stored[i] == nil {
			return nil, &AssociationError{Association: b.th.Name, Reason: "GetWithJoin needs the target's primary key among Fields"}
		}
	}
	joins, err := tx.r.JoinsOf(b.th, sk, stored)
	if err != nil {
		return nil, err
	}
	ts := b.dst.outAll(f)
	out := make([]WithJoin[T, J], len(ts))
	for i := range ts {
		out[i] = WithJoin[T, J]{Target: ts[i], Join: b.join.out(joins[i])}
	}
	return out, nil
}

// Count returns how many targets Get would return, without copying them.
func (b *BelongsToMany[S, T, J]) Count(tx *Txn, src S, o *ThroughOptions) (_ int, err error) {
	if err := tx.use(b.table(), false); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	sk, _, err := b.source(tx, &src)
	if err != nil {
		return 0, err
	}
	opts, jw := o.split()
	return tx.r.ThroughCount(b.th, sk, opts.read(b.dst.t, new(rel.Read)), jw)
}

// CountMany returns, for each source in srcs and in their order, what
// Count would, in one call: one range of join rows per source. A source
// that is not stored is no error and counts 0, as for [HasMany.CountMany].
func (b *BelongsToMany[S, T, J]) CountMany(tx *Txn, srcs []S, o *ThroughOptions) (_ []int, err error) {
	if err := tx.use(b.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	opts, jw := o.split()
	r := opts.read(b.dst.t, new(rel.Read))
	if err := rel.CheckRead(b.dst.t, r); err != nil {
		return nil, err
	}
	if err := rel.CheckRead(b.th.Join(), &rel.Read{Where: jw}); err != nil {
		return nil, err
	}
	out := make([]int, len(srcs))
	for i := range srcs {
		sk, _, err := b.source(tx, &srcs[i])
		if err == nil {
			out[i], err = tx.r.ThroughCount(b.th, sk, r, jw)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

func (o *ThroughOptions) split() (*Options, query.Cond) {
	if o == nil {
		return nil, query.Cond{}
	}
	return &o.Options, o.ThroughWhere
}

// Has reports whether every listed target has a join row with src. An
// empty list is true; an unknown target makes it false.
func (b *BelongsToMany[S, T, J]) Has(tx *Txn, src S, targets ...T) (bool, error) {
	return b.HasKeys(tx, src, instances(targets)...)
}

// HasKeys is Has with targets given as keys or instances.
func (b *BelongsToMany[S, T, J]) HasKeys(tx *Txn, src S, targets ...any) (_ bool, err error) {
	if err := tx.use(b.table(), false); err != nil {
		return false, err
	}
	defer tx.exit(&err)
	keys, err := targetKeys[T](b.dst.t, b.Name(), targets)
	if err != nil {
		return false, err
	}
	sk, _, err := b.source(tx, &src)
	if err != nil {
		return false, err
	}
	return tx.r.ThroughHas(b.th, sk, keys)
}

// Add gives src a join row with each target that has none, set by through
// (nil: the join model's defaults; the foreign keys are the
// association's); a target that has one keeps it, rewritten by through
// when that changes it. A target that is not stored fails with
// *ForeignKeyConstraintError and nothing changes.
func (b *BelongsToMany[S, T, J]) Add(tx *Txn, src S, targets []T, through func(*J)) error {
	return b.AddKeys(tx, src, instances(targets), through)
}

// AddKeys is Add with targets given as keys or instances.
func (b *BelongsToMany[S, T, J]) AddKeys(tx *Txn, src S, targets []any, through func(*J)) error {
	return b.write(tx, src, targets, true, func(sk []byte, skv any, rows []any) error {
		return tx.r.ThroughAdd(b.th, sk, skv, rows, joinFunc(through))
	})
}

// Set leaves src with exactly the listed targets: the join rows of the
// others are deleted, the new pairs get join rows set by through, and kept
// ones are rewritten by through when that changes them. It is atomic:
// Sequelize deletes the obsolete rows even when inserting the new ones
// then fails (see the README's deviations). Empty targets delete every
// join row of src.
func (b *BelongsToMany[S, T, J]) Set(tx *Txn, src S, targets []T, through func(*J)) error {
	return b.SetKeys(tx, src, instances(targets), through)
}

// SetKeys is Set with targets given as keys or instances.
func (b *BelongsToMany[S, T, J]) SetKeys(tx *Txn, src S, targets []any, through func(*J)) error {
	return b.write(tx, src, targets, true, func(sk []byte, skv any, rows []any) error {
		return tx.r.ThroughSet(b.th, sk, skv, rows, joinFunc(through))
	})
}

// Remove deletes the join rows of src and the listed targets; unknown or
// unassociated targets are ignored.
func (b *BelongsToMany[S, T, J]) Remove(tx *Txn, src S, targets ...T) error {
	return b.RemoveKeys(tx, src, instances(targets)...)
}

// RemoveKeys is Remove with targets given as keys or instances.
func (b *BelongsToMany[S, T, J]) RemoveKeys(tx *Txn, src S, targets ...any) error {
	return b.write(tx, src, targets, false, func(sk []byte, _ any, rows []any) error {
		return tx.r.ThroughUnpair(b.th, sk, rows)
	})
}

// Create inserts v as a new target and then its join row with src, set by
// through; if either fails, neither is stored. It returns the stored
// target with its new primary key.
func (b *BelongsToMany[S, T, J]) Create(tx *Txn, src S, v T, through func(*J)) (_ T, err error) {
	var zero T
	if err := tx.use(b.table(), true); err != nil {
		return zero, err
	}
	defer tx.exit(&err)
	row, err := b.dst.in(&v)
	if err != nil {
		return zero, err
	}
	err = tx.r.Atomic(func() error {
		sk, skv, err := b.source(tx, &src)
		if err != nil {
			return err
		}
		if err := tx.r.Create(b.dst.t, row, nil); err != nil {
			return err
		}
		return tx.r.ThroughAdd(b.th, sk, skv, []any{row}, joinFunc(through))
	})
	if err != nil {
		return zero, err
	}
	return b.dst.out(row), nil
}

// write runs one atomic write of src's pairs with the stored targets;
// with must, a target that is not stored fails it (ThroughTargets),
// otherwise it is left out.
func (b *BelongsToMany[S, T, J]) write(tx *Txn, src S, targets []any, must bool, fn func(sk []byte, skv any, rows []any) error) (err error) {
	if err := tx.use(b.table(), true); err != nil {
		return err
	}
	defer tx.exit(&err)
	keys, err := targetKeys[T](b.dst.t, b.Name(), targets)
	if err != nil {
		return err
	}
	return tx.r.Atomic(func() error {
		sk, skv, err := b.source(tx, &src)
		if err != nil {
			return err
		}
		rows, err := tx.r.ThroughTargets(b.th, keys, must)
		if err != nil {
			return err
		}
		return fn(sk, skv, rows)
	})
}

// joinFunc adapts a typed join-row setter.
func joinFunc[J any](f func(*J)) func(unsafe.Pointer) {
	if f == nil {
		return nil
	}
	return func(p unsafe.Pointer) { f((*J)(p)) }
}
