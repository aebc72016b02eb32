package rel

import (
	"math"
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// delta is one field an increment adds to, and by how much: an int64 for
// an integer field, a float64 for a float one.
type delta struct {
	f *meta.Field
	n any
}

// deltas checks and converts an increment's amounts (column or Go names),
// negated when sign is -1 (Decrement), in field order.
func deltas(t *meta.Table, by map[string]any, sign int64) ([]delta, error) {
	ds := make([]delta, 0, len(by))
	for name, v := range by {
		f, err := assigned(t, name, func(f *meta.Field) bool {
			return slices.ContainsFunc(ds, func(d delta) bool { return d.f == f })
		})
		if err != nil {
			return nil, err
		}
		var n any
		var conv bool
		switch f.Kind {
		case meta.Int, meta.Uint:
			if n, conv = meta.Convert(meta.Int, 8, v); conv && sign < 0 {
				conv = n.(int64) != math.MinInt64
				n = -n.(int64)
			}
		case meta.Float:
			if n, conv = meta.Convert(meta.Float, 8, v); conv {
				n = float64(sign) * n.(float64)
			}
		default:
			return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Err: errs.ErrNotNumeric}
		}
		if !conv {
			return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Value: clone.Value(v), Err: errs.ErrBadValue}
		}
		ds = append(ds, delta{f, n})
	}
	slices.SortFunc(ds, func(a, b delta) int { return int(a.f.Off) - int(b.f.Off) })
	return ds, nil
}

// add adds d to the row at p; NULL stays NULL, as NULL + n is NULL in SQL.
// A result beyond the field's range is ErrBadValue (PostgreSQL's "out of
// range").
func (d delta) add(t *meta.Table, p unsafe.Pointer) error {
	if d.f.IsNull(p) {
		return nil
	}
	var sum any
	ok := true
	switch cur := d.f.Get(p).(type) {
	case int64:
		n := d.n.(int64)
		s := cur + n
		ok = (s > cur) == (n > 0) || n == 0
		sum = s
	case uint64:
		n := d.n.(int64)
		switch {
		case n >= 0:
			sum, ok = cur+uint64(n), cur+uint64(n) >= cur
		default:
			sum, ok = cur-uint64(-n), uint64(-n) <= cur
		}
	case float64:
		sum = cur + d.n.(float64)
	}
	if ok {
		sum, ok = meta.Convert(d.f.Kind, d.f.Size, sum)
	}
	if !ok {
		return &errs.FieldError{Model: t.Name, Field: d.f.Name, Value: clone.Value(d.n), Err: errs.ErrBadValue}
	}
	d.f.Set(p, sum)
	return nil
}

// Increment adds by's amounts (sign -1: subtracts them) to the fields of
// every row of t matching where, and returns how many rows it changed:
// all, or on error none. Each row is an update through the model: its
// updatedAt is stamped and its constraints checked.
func (tx *Txn) Increment(t *meta.Table, where query.Cond, by map[string]any, sign int64) (int, error) {
	ds, err := deltas(t, by, sign)
	if err != nil {
		return 0, err
	}
	_, n, err := tx.eachMatch(t, where, false, func(cur any) error { return tx.increment(t, cur, ds) })
	return n, err
}

// IncrementKey is Increment of the row whose primary key encodes to k: 1,
// or 0 when there is none (or it is soft-deleted).
func (tx *Txn) IncrementKey(t *meta.Table, k []byte, by map[string]any, sign int64) (int, error) {
	ds, err := deltas(t, by, sign)
	if err != nil {
		return 0, err
	}
	n := 0
	err = tx.Atomic(func() error {
		cur := live(t, tx.ByKey(t, k))
		if cur == nil {
			return nil
		}
		n = 1
		return tx.increment(t, cur, ds)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (tx *Txn) increment(t *meta.Table, cur any, ds []delta) error {
	row := t.Clone(cur)
	for _, d := range ds {
		if err := d.add(t, t.Ptr(row)); err != nil {
			return err
		}
	}
	return tx.UpdateRow(t, cur, row)
}
