package anydriver

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// The belongsToMany ops, on AnyBelongsToMany: a step's through holds a
// where on the join rows (reads) or join values (writes).

// throughOptions converts a read step's options: the target options and
// the join where.
func (x *tx) throughOptions(o *conformance.Options) (*memrel.ThroughOptions, error) {
	if o == nil {
		return nil, nil
	}
	var jw *conformance.Where
	if o.Through != nil {
		jw = o.Through.Where
		c := *o
		c.Through = nil
		o = &c
	}
	opts, err := x.st.options(o)
	if err != nil || opts == nil && jw == nil {
		return nil, err
	}
	out := &memrel.ThroughOptions{ThroughWhere: where(jw)}
	if opts != nil {
		out.Options = *opts
	}
	return out, nil
}

// joinValues converts a write step's join values (nil: the join model's
// defaults).
func (b *btm) joinValues(o *conformance.Options) (memrel.Row, error) {
	if o == nil || o.Through == nil || o.Through.Values == nil {
		return nil, nil
	}
	return b.join.values(o.Through.Values)
}

func (x *tx) btmGet(b *btm, source conformance.Key, o *conformance.Options) ([]conformance.Row, error) {
	src, err := b.src.keyRow(source)
	if err != nil {
		return nil, err
	}
	opts, err := x.throughOptions(o)
	if err != nil {
		return nil, err
	}
	rows, err := b.b.Get(x.tx, src, opts)
	return b.dst.rows(rows), err
}

func (x *tx) btmCount(b *btm, source conformance.Key, o *conformance.Options) (int, error) {
	src, err := b.src.keyRow(source)
	if err != nil {
		return 0, err
	}
	opts, err := x.throughOptions(o)
	if err != nil {
		return 0, err
	}
	return b.b.Count(x.tx, src, opts)
}

func (x *tx) btmHas(b *btm, source conformance.Key, targets []conformance.Key) (bool, error) {
	src, err := b.src.keyRow(source)
	if err != nil {
		return false, err
	}
	return b.b.Has(x.tx, src, targets)
}

// btmWrite runs the add, set and remove steps.
func (x *tx) btmWrite(op string, b *btm, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	src, err := b.src.keyRow(source)
	if err != nil {
		return err
	}
	through, err := b.joinValues(o)
	if err != nil {
		return err
	}
	switch op {
	case conformance.OpAssocAdd:
		return b.b.Add(x.tx, src, targets, through)
	case conformance.OpAssocSet:
		return b.b.Set(x.tx, src, targets, through)
	}
	return b.b.Remove(x.tx, src, targets)
}

func (x *tx) btmCreate(b *btm, source conformance.Key, values conformance.Values, o *conformance.Options) (conformance.Key, error) {
	src, err := b.src.keyRow(source)
	if err != nil {
		return nil, err
	}
	r, err := b.dst.values(values)
	if err != nil {
		return nil, err
	}
	through, err := b.joinValues(o)
	if err != nil {
		return nil, err
	}
	got, err := b.b.Create(x.tx, src, r, through)
	if err != nil {
		return nil, err
	}
	return b.dst.key(got), nil
}
