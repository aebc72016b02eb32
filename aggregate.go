package memrel

import (
	"reflect"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// Group is one group of [Model.CountGroups]: Row holds the group's values
// in the group fields (every other field is zero, or nil for a pointer)
// and Count how many rows have them.
type Group[T any] struct {
	Row   T
	Count int
}

// CountGroups counts the rows matching o's Where (and required includes)
// per distinct value of fields (column or Go names), as SQL's
// SELECT fields, count(*) … GROUP BY fields: NULL is a group of its own.
// Groups come sorted by the group fields ascending, NULL last; o's Order,
// Limit, Offset and Fields do not apply (Sequelize's grouped count ignores
// them too). No fields is an error naming "group".
func (m *Model[T]) CountGroups(tx *Txn, o *Options, fields ...string) ([]Group[T], error) {
	gs, err := countGroups(tx, m.table(), o, fields)
	if err != nil {
		return nil, err
	}
	out := make([]Group[T], len(gs))
	for i, g := range gs {
		out[i] = Group[T]{m.out(g.Row), g.Count}
	}
	return out, nil
}

// Sum returns the sum of field (a column or Go name, of a numeric type)
// over the rows matching o's Where and required includes, NULLs skipped,
// converted to V; false over no rows or only NULLs, as SQL's sum is NULL
// then. An integer sum is exact: beyond 64 bits, or beyond what V holds
// exactly, it is ErrBadValue, as is a float field's sum into an integer V. A field that is not numeric is ErrNotNumeric.
func Sum[V Number, T any](tx *Txn, m *Model[T], field string, o *Options) (V, bool, error) {
	return aggregate[V](tx, m, rel.Sum, field, o)
}

// Avg returns the mean of field (numeric) over the rows matching o's
// Where and required includes, NULLs skipped; false over no rows. It is
// the exact mean, correctly rounded to a float64, for integer fields too
// (Sequelize truncates an INTEGER field's mean: see the README's
// deviations).
func Avg[T any](tx *Txn, m *Model[T], field string, o *Options) (float64, bool, error) {
	return aggregate[float64](tx, m, rel.Avg, field, o)
}

// Min returns the least value of field over the rows matching o's Where
// and required includes, NULLs skipped, as a V: the field's type, or one
// it converts to exactly (int64 for any integer field, string for a named
// string type); false over no rows or only NULLs. Strings compare by
// bytes, times as instants. A V that cannot hold the value is ErrBadValue.
func Min[V any, T any](tx *Txn, m *Model[T], field string, o *Options) (V, bool, error) {
	return aggregate[V](tx, m, rel.Min, field, o)
}

// Max is [Min] for the greatest value.
func Max[V any, T any](tx *Txn, m *Model[T], field string, o *Options) (V, bool, error) {
	return aggregate[V](tx, m, rel.Max, field, o)
}

// Number is the type of a sum: any integer or float type.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64
}

// countGroups is CountGroups as one read call on t.
func countGroups(tx *Txn, t *meta.Table, o *Options, fields []string) (_ []rel.Group, err error) {
	if err := tx.use(t, false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	return tx.r.CountGroups(t, fields, o.read(t, new(rel.Read)))
}

// aggregate runs fn and converts its result to V.
func aggregate[V, T any](tx *Txn, m *Model[T], fn rel.Agg, field string, o *Options) (V, bool, error) {
	var zero V
	v, err := aggregateValue(tx, m.table(), fn, field, o)
	if err != nil || v == nil {
		return zero, false, err
	}
	out, ok := convertExact[V](v)
	if !ok {
		return zero, false, &errs.FieldError{Model: m.t.Name, Field: field, Value: clone.Value(v), Err: errs.ErrBadValue}
	}
	return out, true, nil
}

// aggregateValue is an aggregate as one read call on t: its canonical
// value, nil over no rows.
func aggregateValue(tx *Txn, t *meta.Table, fn rel.Agg, field string, o *Options) (_ any, err error) {
	if err := tx.use(t, false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	return tx.r.Aggregate(t, fn, field, o.read(t, new(rel.Read)))
}

// convertExact converts v, a canonical value, to V when V holds it
// exactly: v's own type, a type of the same kind family (integers,
// floats, strings, byte slices) that round-trips it, or a float V for an
// integer within its precision. Reflection runs once per call, not per
// row.
func convertExact[V any](v any) (V, bool) {
	if b, ok := v.([]byte); ok {
		v = clone.Value(b) // the stored row's bytes
	}
	if out, ok := v.(V); ok {
		return out, true
	}
	var zero V
	to := reflect.TypeFor[V]()
	rv := reflect.ValueOf(v)
	if to.Kind() == reflect.Interface || !rv.CanConvert(to) || family(rv.Kind()) != family(to.Kind()) &&
		!(family(rv.Kind()) == 'i' && family(to.Kind()) == 'f') {
		return zero, false
	}
	cv := rv.Convert(to)
	if family(rv.Kind()) == 'b' {
		return cv.Interface().(V), true
	}
	if back := cv.Convert(rv.Type()); !back.Equal(rv) {
		return zero, false // out of V's range, or a fraction V drops
	}
	if family(rv.Kind()) == 'i' && family(to.Kind()) == 'i' && (rv.Kind() >= reflect.Uint) != (to.Kind() >= reflect.Uint) &&
		(rv.CanInt() && rv.Int() < 0 || cv.CanInt() && cv.Int() < 0) {
		return zero, false // a sign flipped on the way
	}
	return cv.Interface().(V), true
}

// family groups reflect kinds whose values convert into each other
// without changing meaning: 'i' integers, 'f' floats, 's' strings, 'b'
// byte slices; 0 for the rest, which convert only to their own type.
func family(k reflect.Kind) byte {
	switch {
	case k >= reflect.Int && k <= reflect.Uintptr:
		return 'i'
	case k == reflect.Float32 || k == reflect.Float64:
		return 'f'
	case k == reflect.String:
		return 's'
	case k == reflect.Slice:
		return 'b'
	}
	return 0
}
