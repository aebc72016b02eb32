package memrel

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"

	"github.com/memrel/memrel/internal/errs"
)

// HasMany is a one-to-many association from source model P to target model
// C, declared with [NewHasMany]; its inverse is [HasMany.Inverse]. All
// methods are safe for concurrent use on different transactions.
//
// The source is given as an instance; only its primary key is read, and
// the row stored under that key is what counts (a missing one is
// ErrNotFound). Targets are given as instances (Add, Set, Remove, Has) or,
// in the ...Keys forms, as primary keys, instances or pointers to
// instances, mixed freely. A target listed twice counts once.
type HasMany[P, C any] struct {
	a   *meta.Relation
	src *Model[P]
	dst *Model[C]
}

// SetOptions are the options of [HasMany.Set].
type SetOptions struct {
	// DestroyPrevious deletes the previously associated rows that are not
	// listed, instead of nulling their foreign key.
	DestroyPrevious bool
}

// RemoveOptions are the options of [HasMany.Remove].
type RemoveOptions struct {
	// Destroy deletes the removed rows instead of nulling their foreign key.
	Destroy bool
}

// NewHasMany declares that source has many target (Sequelize's hasMany),
// with its inverse belongsTo. Mistakes in o are reported by [Schema.Open].
//
// Given a nil or zero model it returns a zero HasMany, whose methods fail
// with ErrWrongStore, and the schema of the other model, if any, reports
// the mistake at Open.
func NewHasMany[P, C any](source *Model[P], target *Model[C], o HasManyOptions) *HasMany[P, C] {
	if source.table() == nil || target.table() == nil {
		for _, t := range []*meta.Table{source.table(), target.table()} {
			if t != nil {
				t.Schema.CheckOpen()
				t.Schema.Problem(t.Name, "", "NewHasMany with a nil or zero model (one not returned by Define)")
			}
		}
		return &HasMany[P, C]{}
	}
	s := source.t.Schema
	if target.t.Schema != s {
		panic("memrel: NewHasMany with models of two schemas")
	}
	a := meta.NewRelation(s, source.t, target.t, meta.RelationOptions(o))
	h := &HasMany[P, C]{a: a, src: source, dst: target}
	claimMany[P, C](s, a, source.t)
	claimOne[C, P](s, a, target.t)
	return h
}

// claimMany finds the source struct field eager loading fills ([]C or
// []*C) and gives the source a typed setter and zeroer for it.
func claimMany[P, C any](s *meta.Schema, a *meta.Relation, t *meta.Table) {
	sf, ok := t.Type.FieldByName(a.ManyField)
	if !ok || len(sf.Index) != 1 {
		return
	}
	off := sf.Offset
	switch sf.Type {
	case reflect.TypeFor[[]C]():
		a.FillMany = func(parent unsafe.Pointer, kids []any, owned bool) {
			cs := make([]C, len(kids))
			for i, k := range kids {
				cs[i] = *k.(*C)
				if !owned {
					a.Target.Own(unsafe.Pointer(&cs[i]))
				}
			}
			*(*[]C)(unsafe.Add(parent, off)) = cs
		}
		claimField[C](t, sf)
	case reflect.TypeFor[[]*C]():
		a.FillMany = func(parent unsafe.Pointer, kids []any, owned bool) {
			cs := make([]*C, len(kids))
			for i, k := range kids {
				if !owned {
					k = a.Target.Clone(k)
				}
				cs[i] = k.(*C)
			}
			*(*[]*C)(unsafe.Add(parent, off)) = cs
		}
		claimField[C](t, sf)
	default:
		wrongField(s, t, sf, a, true, fmt.Sprintf("[]%s or []*%s", reflect.TypeFor[C](), reflect.TypeFor[C]()))
	}
}

// claimOne finds the target struct field including the inverse fills (*P).
func claimOne[C, P any](s *meta.Schema, a *meta.Relation, t *meta.Table) {
	sf, ok := t.Type.FieldByName(a.OneField)
	if !ok || len(sf.Index) != 1 {
		return
	}
	off := sf.Offset
	if sf.Type != reflect.TypeFor[*P]() {
		wrongField(s, t, sf, a, false, "*"+reflect.TypeFor[P]().String())
		return
	}
	a.FillOne = func(child unsafe.Pointer, parent any, owned bool) {
		if !owned {
			parent = a.Source.Clone(parent)
		}
		*(**P)(unsafe.Add(child, off)) = parent.(*P)
	}
	claimField[P](t, sf)
}

// Info describes the association.
func (h *HasMany[P, C]) Info() AssociationInfo {
	if h == nil || h.a == nil {
		return AssociationInfo{}
	}
	return assocInfo(h.a, false)
}

func (h *HasMany[P, C]) side() (*meta.Relation, bool) {
	if h == nil {
		return nil, false
	}
	return h.a, false
}

// table is the target table, or nil for a HasMany not made by NewHasMany,
// which Txn.use then refuses.
func (h *HasMany[P, C]) table() *meta.Table {
	if h == nil || h.a == nil {
		return nil
	}
	return h.a.Target
}

// Inverse returns the belongsTo side of the association; nil for a nil or
// zero HasMany (one not returned by NewHasMany).
func (h *HasMany[P, C]) Inverse() *BelongsTo[C, P] {
	if h.table() == nil {
		return nil
	}
	return &BelongsTo[C, P]{a: h.a, child: h.dst, parent: h.src}
}

// Get returns the targets associated with src: those whose foreign key
// holds src's source key and that match the scope and o.Where, in o.Order
// (default: ascending primary key), windowed by o.Offset and o.Limit, with
// o.Include loaded. It reads the foreign key index: O(K log N) for K
// targets among N rows.
func (h *HasMany[P, C]) Get(tx *Txn, src P, o *Options) (_ []C, err error) {
	if err := tx.use(h.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	return h.get(tx, &src, o)
}

// get is Get for one source, which it looks up only when it finds no
// targets (see sourceKey).
func (h *HasMany[P, C]) get(tx *Txn, src *P, o *Options) ([]C, error) {
	var kb [32]byte
	sk, looked, err := tx.r.SourceKey(h.a, unsafe.Pointer(src), kb[:0])
	if err != nil {
		return nil, err
	}
	var out []C
	if o.plain() && !tx.r.Shuffles() {
		out = h.children(tx, sk)
	} else {
		f, err := tx.r.AssocRows(h.a, sk, o.read(h.a.Target, new(rel.Read)))
		if err != nil {
			return nil, err
		}
		out = h.dst.outAll(f)
	}
	if len(out) == 0 {
		if err := tx.r.ConfirmSource(h.a, unsafe.Pointer(src), looked); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// children copies all targets of the source with key sk, in primary key
// order: Get's path when there are no options, with no intermediate slice.
func (h *HasMany[P, C]) children(tx *Txn, sk []byte) []C {
	// Collect on the stack first, so the result is allocated once, at its
	// exact size.
	var buf [16]any
	rows := buf[:0]
	t := h.a.Target
	all := !t.Paranoid()
	it := tx.r.Prefix(h.a.Lookup, h.a.ChildKey(sk))
	for row := it.Next(); row != nil; row = it.Next() {
		if all || t.Live(t.Ptr(row)) {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return h.dst.outAll(rel.Found{Rows: rows})
}

// GetMany returns the targets of each source in srcs, in the order of
// srcs: the batch form of Get behind eager loading.
func (h *HasMany[P, C]) GetMany(tx *Txn, srcs []P, o *Options) (_ [][]C, err error) {
	if err := tx.use(h.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	res := make([][]C, len(srcs))
	for i := range srcs {
		var err error
		if res[i], err = h.get(tx, &srcs[i], o); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Count returns how many targets match the scope, o.Where and o's required
// includes, without copying them. As in Sequelize, o's Order, Limit, Offset
// and Fields do not apply.
func (h *HasMany[P, C]) Count(tx *Txn, src P, o *Options) (_ int, err error) {
	if err := tx.use(h.table(), false); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	return tx.r.SourceCount(h.a, unsafe.Pointer(&src), o.read(h.a.Target, new(rel.Read)))
}

// CountMany returns, for each source in srcs and in their order, what
// Count would: the per-parent count ("comments per post") for many parents
// in one call, one index range per source and no row copies. Unlike Count,
// a source that is not stored is no error and counts 0, as a grouped SQL
// count has no row for it.
func (h *HasMany[P, C]) CountMany(tx *Txn, srcs []P, o *Options) (_ []int, err error) {
	if err := tx.use(h.table(), false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	r := o.read(h.a.Target, new(rel.Read))
	if err := rel.CheckRead(h.a.Target, r); err != nil {
		return nil, err
	}
	out := make([]int, len(srcs))
	var kb [32]byte
	if tx.r.Prefetches() {
		// One statement for every source: a count where the engine can
		// (no filter), else their children read before the loop counts.
		sks, at := make([][]byte, 0, len(srcs)), make([]int, 0, len(srcs))
		for i := range srcs {
			if sk, _, err := tx.r.SourceKey(h.a, unsafe.Pointer(&srcs[i]), nil); err == nil {
				sks, at = append(sks, sk), append(at, i)
			}
		}
		if r == nil || r.Where.IsZero() && len(r.Include) == 0 && r.IncludeErr == nil {
			if ns, ok := tx.r.CountChildren(h.a, sks, r != nil && r.WithDeleted); ok {
				for j, i := range at {
					out[i] = ns[j]
				}
				return out, nil
			}
		}
		tx.r.PrefetchChildren(h.a, sks)
	}
	for i := range srcs {
		sk, _, err := tx.r.SourceKey(h.a, unsafe.Pointer(&srcs[i]), kb[:0])
		if err == nil {
			out[i], err = tx.r.AssocCount(h.a, sk, r)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// Has reports whether every listed target is associated with src. An empty
// list is true; an unknown target makes it false.
func (h *HasMany[P, C]) Has(tx *Txn, src P, targets ...C) (_ bool, err error) {
	if len(targets) != 1 {
		return h.HasKeys(tx, src, instances(targets)...)
	}
	if err := tx.use(h.table(), false); err != nil {
		return false, err
	}
	defer tx.exit(&err)
	// One target, the common question: keys on the stack, one lookup.
	var tb [32]byte
	return h.has(tx, &src, [][]byte{h.a.Target.PKKey(&targets[0], tb[:0])})
}

// HasKeys is Has with targets given as keys or instances.
func (h *HasMany[P, C]) HasKeys(tx *Txn, src P, targets ...any) (_ bool, err error) {
	if err := tx.use(h.table(), false); err != nil {
		return false, err
	}
	defer tx.exit(&err)
	var keys [][]byte
	if len(targets) == 1 {
		var tb [32]byte
		switch x := targets[0].(type) {
		case C:
			keys = [][]byte{h.a.Target.PKKey(&x, tb[:0])}
		case *C: // below, with the nil check
		default: // a key: encode it on the stack
			if clone.IsList(x) {
				break // a typed slice of keys: below
			}
			k, err := h.a.Target.KeyOf(x, tb[:0])
			if err != nil {
				return false, &errs.TargetError{Err: err, Assoc: h.a.Name}
			}
			keys = [][]byte{k}
		}
	}
	if keys == nil {
		var err error
		if keys, err = h.targetKeys(targets); err != nil {
			return false, err
		}
	}
	return h.has(tx, &src, keys)
}

// has reports whether every target key is associated with src.
func (h *HasMany[P, C]) has(tx *Txn, src *P, keys [][]byte) (bool, error) {
	return tx.r.SourceHas(h.a, unsafe.Pointer(src), keys)
}

// Add associates the targets with src: it sets their foreign key to src's
// source key and writes the scope values. Targets of another source move;
// targets already associated stay. A target that is not stored fails with
// ErrNotFound and nothing changes.
func (h *HasMany[P, C]) Add(tx *Txn, src P, targets ...C) error {
	return h.AddKeys(tx, src, instances(targets)...)
}

// AddKeys is Add with targets given as keys or instances.
func (h *HasMany[P, C]) AddKeys(tx *Txn, src P, targets ...any) error {
	return h.write(tx, src, targets, func(sk []byte, skv any, keys [][]byte) error {
		rows, err := tx.r.Targets(h.a, keys, true)
		if err != nil {
			return err
		}
		return tx.r.AssocAdd(h.a, sk, skv, rows)
	})
}

// Set makes the listed targets exactly the ones associated with src: new
// ones are added as by Add; previously associated ones that are not listed
// lose their foreign key (NULL), or are deleted when the foreign key is NOT
// NULL or o.DestroyPrevious is set. An empty list un-associates all. Like
// Add and Remove, it writes each target that changes once, as hand-written
// go-memdb code would: a million targets take seconds to tens of seconds
// and about 2 GiB of garbage (see Big writes in the package overview).
func (h *HasMany[P, C]) Set(tx *Txn, src P, targets []C, o *SetOptions) error {
	return h.SetKeys(tx, src, instances(targets), o)
}

// SetKeys is Set with targets given as keys or instances.
func (h *HasMany[P, C]) SetKeys(tx *Txn, src P, targets []any, o *SetOptions) error {
	destroy := o != nil && o.DestroyPrevious
	return h.write(tx, src, targets, func(sk []byte, skv any, keys [][]byte) error {
		rows, err := tx.r.Targets(h.a, keys, true)
		if err != nil {
			return err
		}
		return tx.r.AssocSet(h.a, sk, skv, rows, destroy)
	})
}

// Remove un-associates the listed targets that are associated with src
// (others are ignored): their foreign key becomes NULL, or they are deleted
// when the foreign key is NOT NULL or o.Destroy is set.
func (h *HasMany[P, C]) Remove(tx *Txn, src P, targets []C, o *RemoveOptions) error {
	return h.RemoveKeys(tx, src, instances(targets), o)
}

// RemoveKeys is Remove with targets given as keys or instances.
func (h *HasMany[P, C]) RemoveKeys(tx *Txn, src P, targets []any, o *RemoveOptions) error {
	destroy := o != nil && o.Destroy
	return h.write(tx, src, targets, func(sk []byte, _ any, keys [][]byte) error {
		rows, err := tx.r.Targets(h.a, keys, false)
		if err != nil {
			return err
		}
		return tx.r.Unassociate(h.a, sk, rows, destroy)
	})
}

// Create inserts v as a new target of src: its foreign key and scope
// fields are set by the association, whatever v holds. It returns the
// stored row with its new primary key.
func (h *HasMany[P, C]) Create(tx *Txn, src P, v C) (C, error) {
	if h.table() == nil {
		return *new(C), tx.use(nil, true)
	}
	return createTarget(tx, h.a, h.dst, &src, v)
}

// createTarget is Create of a hasMany or hasOne target.
func createTarget[P, C any](tx *Txn, a *meta.Relation, dst *Model[C], src *P, v C) (_ C, err error) {
	var zero C
	if err := tx.use(a.Target, true); err != nil {
		return zero, err
	}
	defer tx.exit(&err)
	row, err := dst.in(&v)
	if err != nil {
		return zero, err
	}
	err = tx.r.Atomic(func() error {
		// Only the source key's value is needed, not its encoding, and the
		// reference it makes is known good: the lookup just found it.
		skv, err := tx.r.SourceValue(a, unsafe.Pointer(src))
		if err != nil {
			return err
		}
		a.Attach(a.Target.Ptr(row), skv)
		return tx.r.Create(a.Target, row, a)
	})
	if err != nil {
		return zero, err
	}
	return dst.out(row), nil
}

// write runs one atomic association write for src.
func (h *HasMany[P, C]) write(tx *Txn, src P, targets []any, fn func(sk []byte, skv any, keys [][]byte) error) (err error) {
	if err := tx.use(h.table(), true); err != nil {
		return err
	}
	defer tx.exit(&err)
	keys, err := h.targetKeys(targets)
	if err != nil {
		return err
	}
	return tx.r.Atomic(func() error {
		// The targets' lookup goes with the source's, on an engine where
		// a lookup is a round trip.
		tx.r.PrefetchLater(h.a.Target, keys)
		sk, skv, err := tx.r.Source(h.a, unsafe.Pointer(&src), nil)
		if err != nil {
			return err
		}
		return fn(sk, skv, keys)
	})
}

// targetKeys encodes the primary keys of targets given as C, *C or keys,
// dropping duplicates. The keys share one buffer.
func (h *HasMany[P, C]) targetKeys(targets []any) ([][]byte, error) {
	return targetKeys[C](h.a.Target, h.a.Name, targets)
}

// targetKeys encodes the primary keys of targets of t given as C, *C or
// keys, dropping duplicates, for the association named assoc. The keys
// share one buffer.
func targetKeys[C any](t *meta.Table, assoc string, targets []any) ([][]byte, error) {
	targets = clone.Spread(targets)
	keys := make([][]byte, 0, len(targets))
	// Room for every key at once, so the buffer never grows (a key of
	// variable width gets 16 bytes to start with).
	w := meta.KeyWidth(t.Key...)
	if w == 0 {
		w = 16
	}
	buf := make([]byte, 0, w*len(targets))
	// Few keys are deduplicated by comparing them; many through a set.
	var seen map[string]bool
	if len(targets) > 16 {
		seen = make(map[string]bool, len(targets))
	}
	for _, x := range targets {
		start := len(buf)
		switch v := x.(type) {
		case C:
			buf = t.PKKey(&v, buf)
		case *C:
			if v == nil {
				return nil, &AssociationError{Association: assoc, Reason: "nil target"}
			}
			buf = t.PKKey(v, buf)
		default:
			var err error
			if buf, err = t.KeyOf(x, buf); err != nil {
				return nil, &errs.TargetError{Err: err, Assoc: assoc}
			}
		}
		// Capped, so a later append to buf never writes into k.
		k := buf[start:len(buf):len(buf)]
		if seen != nil {
			if seen[string(k)] {
				continue
			}
			seen[string(k)] = true
		} else if slices.ContainsFunc(keys, func(o []byte) bool { return bytes.Equal(o, k) }) {
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func instances[C any](cs []C) []any {
	xs := make([]any, len(cs))
	for i := range cs {
		xs[i] = &cs[i]
	}
	return xs
}

// wrongField reports struct field sf of t, which a fills (with its
// targets when many, else with its source), as being of the wrong type,
// want being the right one. A field that is a column is no problem of its
// own (the alias clash is reported), nor is one an association declared
// before a fills with the same type (its problem says so already) or
// under the same alias (the alias collision names it); one filled with
// another type by an earlier association names it.
func wrongField(s *meta.Schema, t *meta.Table, sf reflect.StructField, a *meta.Relation, many bool, want string) {
	if _, isCol := t.ByName[sf.Name]; isCol {
		return
	}
	other, otherMany := s.FilledBy(t, sf.Name, a)
	switch {
	case other == nil:
		s.Problem(t.Name, sf.Name, "association %s fills this field, which must be %s, not %s", a.Name, want, sf.Type)
	case otherMany == many && many && (other.Target == a.Target || other.As == a.As):
	case otherMany == many && !many && (other.Source == a.Source || other.Inverse == a.Inverse):
	default:
		self, them := a.Describe(), other.Describe()
		if !many {
			self = a.DescribeInverse()
		}
		if !otherMany {
			them = other.DescribeInverse()
		}
		s.Problem(t.Name, sf.Name, "association %s fills this field, also filled by %s; it must be %s, not %s",
			self, them, want, sf.Type)
	}
}
