package rel

import (
	"bytes"
	"math/big"
	"slices"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// Agg is an aggregate function over one field (SPEC N10).
type Agg uint8

// The aggregate functions.
const (
	Sum Agg = iota + 1
	Min
	Max
	Avg
)

// Aggregate computes fn over field (a column or Go name) of the rows
// matching o's Where and required includes, skipping NULLs as SQL does.
// Over no rows, or only NULLs, it returns nil. Sum gives an int64 for a
// signed integer field, a uint64 for an unsigned one and a float64 for a
// float one (an integer sum beyond 64 bits is ErrBadValue); Avg gives the
// exact mean as a float64; Min and Max give the field's canonical value of
// any kind, in the order indexes use (strings by bytes, times as
// instants).
func (tx *Txn) Aggregate(t *meta.Table, fn Agg, field string, o *Read) (any, error) {
	f, err := fieldNamed(t, field)
	if err != nil {
		return nil, err
	}
	if (fn == Sum || fn == Avg) && f.Kind != meta.Int && f.Kind != meta.Uint && f.Kind != meta.Float {
		return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Err: errs.ErrNotNumeric}
	}
	choose := func(flt *filter.Filter, order []query.Order) plan { return tx.plan(t, flt, order) }
	switch fn {
	case Min, Max:
		return tx.extreme(t, f, fn == Max, o, choose)
	}
	var acc total
	if err := tx.each(t, o, choose, func(row any) { acc.add(f.Get(t.Ptr(row))) }); err != nil {
		return nil, err
	}
	if acc.n == 0 {
		return nil, nil
	}
	if fn == Avg {
		return acc.mean(), nil
	}
	v, ok := acc.sum()
	if !ok {
		return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Err: errs.ErrBadValue}
	}
	return v, nil
}

// extreme is Min (max false) or Max: the value whose index encoding sorts
// first or last, NULLs skipped.
func (tx *Txn) extreme(t *meta.Table, f *meta.Field, max bool, o *Read, choose func(*filter.Filter, []query.Order) plan) (any, error) {
	var best, k []byte
	var found any
	err := tx.each(t, o, choose, func(row any) {
		p := t.Ptr(row)
		if f.IsNull(p) {
			return
		}
		k, _ = f.Key(p, k[:0])
		if c := bytes.Compare(k, best); found == nil || max && c > 0 || !max && c < 0 {
			best, k = k, best
			found = row
		}
	})
	if err != nil || found == nil {
		return nil, err
	}
	return f.Get(t.Ptr(found)), nil
}

// total accumulates a sum of canonical numbers (int64, uint64 or float64,
// one kind per total) exactly: integers in 64 bits until they overflow,
// then in a big.Int, so that Avg stays exact and Sum can report the
// overflow.
type total struct {
	n    int
	i    int64
	u    uint64
	f    float64
	big  *big.Int // the integer sum, once it left 64 bits
	kind meta.Kind
}

// add adds v (nil: a NULL, skipped).
func (s *total) add(v any) {
	switch x := v.(type) {
	case int64:
		s.kind = meta.Int
		if s.big == nil {
			if r := s.i + x; (r > s.i) == (x > 0) || x == 0 {
				s.i = r
				break
			}
			s.big = big.NewInt(s.i)
		}
		s.big.Add(s.big, big.NewInt(x))
	case uint64:
		s.kind = meta.Uint
		if s.big == nil {
			if r := s.u + x; r >= s.u {
				s.u = r
				break
			}
			s.big = new(big.Int).SetUint64(s.u)
		}
		s.big.Add(s.big, new(big.Int).SetUint64(x))
	case float64:
		s.kind = meta.Float
		s.f += x
	default:
		return
	}
	s.n++
}

// sum returns the sum in its field's kind; false when it is beyond 64 bits.
func (s *total) sum() (any, bool) {
	switch {
	case s.kind == meta.Float:
		return s.f, true
	case s.big != nil:
		return nil, false
	case s.kind == meta.Uint:
		return s.u, true
	}
	return s.i, true
}

// mean returns the mean as a float64, the integer sum divided exactly.
func (s *total) mean() float64 {
	switch {
	case s.kind == meta.Float:
		return s.f / float64(s.n)
	case s.big != nil:
		q, _ := new(big.Rat).SetFrac(s.big, big.NewInt(int64(s.n))).Float64()
		return q
	case s.kind == meta.Uint:
		q, _ := new(big.Rat).SetFrac(new(big.Int).SetUint64(s.u), big.NewInt(int64(s.n))).Float64()
		return q
	}
	if s.i > -1<<53 && s.i < 1<<53 {
		return float64(s.i) / float64(s.n) // both exact: one correctly rounded division
	}
	q, _ := new(big.Rat).SetFrac(big.NewInt(s.i), big.NewInt(int64(s.n))).Float64()
	return q
}

// Group is one group of CountGroups: a new row holding only the group's
// values (its pointers and byte slices still the stored row's: the caller
// copies it out) and how many rows the group has.
type Group struct {
	Row   any
	Count int
}

// CountGroups counts the rows matching o's Where and required includes per
// distinct value of fields (column or Go names; NULL is a value of its
// own), as SQL's GROUP BY with count(*). Groups come sorted by the group
// fields ascending, NULL last, whatever o's Order says (Sequelize's count
// ignores it too).
func (tx *Txn) CountGroups(t *meta.Table, fields []string, o *Read) ([]Group, error) {
	fs, err := FieldsNamed(t, fields)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, &errs.FieldError{Model: t.Name, Field: "group", Err: errs.ErrUnknownField}
	}
	choose := func(flt *filter.Filter, order []query.Order) plan { return tx.plan(t, flt, order) }
	type group struct {
		key []byte
		Group
	}
	at := map[string]int{}
	var groups []group
	var k []byte
	err = tx.each(t, o, choose, func(row any) {
		k = groupKey(t, fs, row, k[:0])
		if i, ok := at[string(k)]; ok {
			groups[i].Count++
			return
		}
		at[string(k)] = len(groups)
		groups = append(groups, group{bytes.Clone(k), Group{row, 1}})
	})
	if err != nil {
		return nil, err
	}
	// Each field's encoding is self-delimiting and NULL's tag sorts after
	// every value, so the concatenated keys sort as the groups must.
	slices.SortFunc(groups, func(a, b group) int { return bytes.Compare(a.key, b.key) })
	out := make([]Group, len(groups))
	for i, g := range groups {
		row := t.NewRow()
		for _, f := range fs {
			f.Copy(t.Ptr(row), t.Ptr(g.Row))
		}
		out[i] = Group{row, g.Count}
	}
	return out, nil
}

// groupKey appends row's values of fs, each encoded as an index key.
func groupKey(t *meta.Table, fs []*meta.Field, row any, k []byte) []byte {
	p := t.Ptr(row)
	for _, f := range fs {
		var ok bool
		if k, ok = f.Key(p, k); !ok {
			k = keys.AppendNull(k)
		}
	}
	return k
}
