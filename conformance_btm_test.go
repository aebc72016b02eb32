package memrel

// The conformance driver's belongsToMany: the scenarios' Post.tags and
// Tag.posts run on rel.Through, as BelongsToMany's methods do, with the
// join values of a step set through reflection.

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/conformance"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// dynBTM is one side of a belongsToMany.
type dynBTM struct {
	th             *rel.Through
	src, dst, join *dynSpecModel
}

// dynThrough declares a belongsToMany and registers both sides by name.
func (st *dynStore) dynThrough(s *Schema, a *conformance.Association, field, back string) error {
	src, dst, join := st.models[a.Source], st.models[a.Target], st.models[a.Through]
	sr, dr, _, _ := meta.NewThrough(&s.m, src.m.t, dst.m.t, join.m.t, meta.ThroughOptions{
		ForeignKey: a.ForeignKey, OtherKey: a.OtherKey, As: a.As, Inverse: a.Inverse})
	if sr == nil {
		return nil // Open reports the problem
	}
	th := &rel.Through{Src: sr, Dst: dr, Name: a.Name, Field: field, Fill: dynFill(src.m.t, dst.m.t, field)}
	st.btms[a.Name] = &dynBTM{th: th, src: src, dst: dst, join: join}
	if a.Inverse != "" {
		name := a.Target + "." + a.Inverse
		inv := &rel.Through{Src: dr, Dst: sr, Name: name, Field: back, Fill: dynFill(dst.m.t, src.m.t, back)}
		st.btms[name] = &dynBTM{th: inv, src: dst, dst: src, join: join}
	}
	return nil
}

// dynFill fills the []any field of t with copies of target rows, and
// makes it a non-column.
func dynFill(t, target *meta.Table, field string) func(unsafe.Pointer, []any, bool) {
	sf, _ := t.Type.FieldByName(field)
	off := sf.Offset
	dynClaim(t, field)
	return func(parent unsafe.Pointer, kids []any, owned bool) {
		cs := make([]any, len(kids))
		for i, k := range kids {
			if !owned {
				k = target.Clone(k)
			}
			cs[i] = k
		}
		*(*[]any)(unsafe.Add(parent, off)) = cs
	}
}

// Info, side and throughSide make a dynBTM an Association for includes.
func (b *dynBTM) Info() AssociationInfo        { return AssociationInfo{Type: "BelongsToMany"} }
func (b *dynBTM) side() (*meta.Relation, bool) { return nil, false }
func (b *dynBTM) throughSide() *rel.Through    { return b.th }

// through returns the join-row setter of a step's through values, which
// are checked against the join model first.
func (b *dynBTM) through(o *conformance.Options) (func(unsafe.Pointer), error) {
	if o == nil || o.Through == nil || o.Through.Values == nil {
		return nil, nil
	}
	values := o.Through.Values
	if _, err := b.join.build(values); err != nil {
		return nil, err
	}
	return func(p unsafe.Pointer) { _ = b.join.set(reflect.NewAt(b.join.typ, p).Elem(), values) }, nil
}

// keys encodes target keys.
func (b *dynBTM) keys(targets []conformance.Key) ([][]byte, error) {
	out := make([][]byte, 0, len(targets))
	for _, k := range targets {
		e, err := b.dst.m.t.KeyOf(k, nil)
		if err != nil {
			return nil, &errs.TargetError{Err: err, Assoc: b.th.Src.Name}
		}
		out = append(out, e)
	}
	return out, nil
}

// read runs fn on the source of key src in a read of the join table.
func (x *dynTx) btmRead(b *dynBTM, source conformance.Key, fn func(sk []byte) error) error {
	if err := x.tx.use(b.th.Join(), false); err != nil {
		return err
	}
	defer x.tx.leave()
	src, err := b.src.instance(source)
	if err != nil {
		return err
	}
	sk, _, err := x.tx.r.Source(b.th.Src, b.src.m.t.Ptr(src), nil)
	if err != nil {
		return err
	}
	return fn(sk)
}

// btmWrite runs fn atomically on the source and the stored targets (must:
// an unknown one fails, else it is left out).
func (x *dynTx) btmWrite(b *dynBTM, source conformance.Key, targets []conformance.Key, must bool,
	fn func(sk []byte, skv any, rows []any) error) error {
	if err := x.tx.use(b.th.Join(), true); err != nil {
		return err
	}
	defer x.tx.leave()
	src, err := b.src.instance(source)
	if err != nil {
		return err
	}
	keys, err := b.keys(targets)
	if err != nil {
		return err
	}
	return x.tx.r.Atomic(func() error {
		sk, skv, err := x.tx.r.Source(b.th.Src, b.src.m.t.Ptr(src), nil)
		if err != nil {
			return err
		}
		rows, err := x.tx.r.ThroughTargets(b.th, keys, must)
		if err != nil {
			return err
		}
		return fn(sk, skv, rows)
	})
}

func (x *dynTx) btmGet(b *dynBTM, source conformance.Key, o *conformance.Options) ([]conformance.Row, error) {
	opts, jw, err := x.btmSplit(o)
	if err != nil {
		return nil, err
	}
	var out []conformance.Row
	err = x.btmRead(b, source, func(sk []byte) error {
		f, err := x.tx.r.ThroughRows(b.th, sk, opts.read(b.dst.m.t, new(rel.Read)), dynWhere(jw))
		if err != nil {
			return err
		}
		for _, r := range b.dst.m.out(f) {
			out = append(out, b.dst.row(r))
		}
		return nil
	})
	return out, err
}

func (x *dynTx) btmCount(b *dynBTM, source conformance.Key, o *conformance.Options) (int, error) {
	opts, jw, err := x.btmSplit(o)
	if err != nil {
		return 0, err
	}
	var n int
	err = x.btmRead(b, source, func(sk []byte) error {
		n, err = x.tx.r.ThroughCount(b.th, sk, opts.read(b.dst.m.t, new(rel.Read)), dynWhere(jw))
		return err
	})
	return n, err
}

// btmSplit is the target options and the join where of a step.
func (x *dynTx) btmSplit(o *conformance.Options) (*Options, *conformance.Where, error) {
	if o == nil {
		return nil, nil, nil
	}
	var jw *conformance.Where
	if o.Through != nil {
		jw = o.Through.Where
		c := *o
		c.Through = nil
		o = &c
	}
	opts, err := x.options(o)
	return opts, jw, err
}

func (x *dynTx) btmHas(b *dynBTM, source conformance.Key, targets []conformance.Key) (bool, error) {
	keys, err := b.keys(targets)
	if err != nil {
		return false, err
	}
	var ok bool
	err = x.btmRead(b, source, func(sk []byte) error {
		ok, err = x.tx.r.ThroughHas(b.th, sk, keys)
		return err
	})
	return ok, err
}

func (x *dynTx) btmCreate(b *dynBTM, source conformance.Key, values conformance.Values, o *conformance.Options) (conformance.Key, error) {
	v, err := b.dst.build(values)
	if err != nil {
		return nil, err
	}
	through, err := b.through(o)
	if err != nil {
		return nil, err
	}
	row, err := (&dynModel{t: b.dst.m.t}).in(v)
	if err != nil {
		return nil, err
	}
	err = x.btmWrite(b, source, nil, true, func(sk []byte, skv any, _ []any) error {
		if err := x.tx.r.Create(b.dst.m.t, row, nil); err != nil {
			return err
		}
		return x.tx.r.ThroughAdd(b.th, sk, skv, []any{row}, through)
	})
	if err != nil {
		return nil, err
	}
	return b.dst.m.key(row), nil
}

// btmDo runs the add, set and remove steps.
func (x *dynTx) btmDo(op string, b *dynBTM, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	through, err := b.through(o)
	if err != nil {
		return err
	}
	return x.btmWrite(b, source, targets, op != conformance.OpAssocRemove, func(sk []byte, skv any, rows []any) error {
		switch op {
		case conformance.OpAssocAdd:
			return x.tx.r.ThroughAdd(b.th, sk, skv, rows, through)
		case conformance.OpAssocSet:
			return x.tx.r.ThroughSet(b.th, sk, skv, rows, through)
		}
		return x.tx.r.ThroughUnpair(b.th, sk, rows)
	})
}
