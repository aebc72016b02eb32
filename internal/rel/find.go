package rel

import (
	"bytes"
	"slices"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/errs"

	"github.com/memrel/memrel/internal/meta"

	"github.com/memrel/memrel/internal/filter"

	"github.com/memrel/memrel/internal/keys"
	"github.com/memrel/memrel/query"
)

// This file plans and runs model reads. The planner picks, in this order:
// point lookups for equality on the primary key or a unique field, prefix
// seeks for equality on an indexed (or foreign key) field, a range walk on
// an indexed field, a walk of the index the order asks for, and only then a
// full scan in primary key order. The compiled where clause then filters
// what the path yields, so a path only has to be a superset.

// rowSource yields candidate rows; stop by returning false from yield.
type rowSource func(yield func(row any) bool)

// plan is a chosen access path.
type plan struct {
	src rowSource
	// inOrder: the path yields rows already in the requested order (or in
	// primary key order when none is requested).
	inOrder bool
}

// Found is what a read Found: the rows, in order. They are the stored
// rows, or copies owned by the caller (owned) when includes or a field
// selection had to change them. When the copies are the elements
// block[at:at+len(rows)] of a []T, the typed caller can hand that out
// instead of copying them again.
type Found struct {
	Rows  []any
	Owned bool
	Block any
	At    int
}

// FindRows runs o against t.
func (tx *Txn) FindRows(t *meta.Table, o *Read) (Found, error) {
	return tx.read(t, o, func(f *filter.Filter, order []query.Order) plan { return tx.plan(t, f, order) })
}

// read runs o on the rows of the access path choose picks for the compiled
// where clause: filter, order (or keep the first Offset+Limit), load the
// includes, window and select fields.
func (tx *Txn) read(t *meta.Table, o *Read, choose func(*filter.Filter, []query.Order) plan) (Found, error) {
	if o == nil {
		o = &Read{}
	}
	if err := checkWindow(t, o.Limit, o.Offset); err != nil {
		return Found{}, err
	}
	flt, err := filter.Compile(cols(t), visible(t, o.Where, o.WithDeleted))
	if err != nil {
		return Found{}, err
	}
	sorter, err := filter.CompileOrder(cols(t), o.Order)
	if err != nil {
		return Found{}, err
	}
	inc := o.Include
	if o.IncludeErr != nil {
		return Found{}, o.IncludeErr
	}
	sel, err := selection(t, o.Fields)
	if err != nil {
		return Found{}, err
	}
	p := choose(flt, o.Order)
	// Without required includes, the first Offset+Limit matches are the
	// answer: the walk stops there, or a top-k keeps them.
	x := inc.joined()
	free := tx.free(len(o.Order))
	k := 0
	if o.Limit > 0 && !inc.resizes(x) && !free {
		k = o.Offset + o.Limit
	}
	seq, ord := ordered, (*rowOrder)(nil) // only a path out of order needs one
	if !p.inOrder {
		seq, ord = unordered, &rowOrder{t: t, s: sorter}
	}
	rows := gather(p.src, seq, flt, ord, k, nil, nil)
	if free {
		tx.db.Shuffle.shuffle(t, rows)
	}
	if !inc.resizes(x) {
		tx.prefetchIncludes(t, window(rows, o.Offset, o.Limit), inc)
	} else {
		tx.prefetchIncludes(t, rows, inc)
	}
	rows, _, block, at, err := tx.loadWindow(t, rows, inc, o.Offset, o.Limit, x)
	if err != nil {
		return Found{}, err
	}
	if sel != nil {
		rows = projectAll(t, rows, sel, len(inc) > 0)
	}
	return Found{Rows: rows, Owned: len(inc) > 0 || sel != nil, Block: block, At: at}, nil
}

// CountRows counts the rows matching o's Where and required includes, as
// Sequelize's count does: Order, Limit, Offset and Fields do not apply.
func (tx *Txn) CountRows(t *meta.Table, o *Read) (int, error) {
	return tx.count(t, o, func(f *filter.Filter, order []query.Order) plan { return tx.plan(t, f, order) })
}

// count is read's counterpart: without includes it counts the rows of the
// access path that pass the filter, copying nothing.
func (tx *Txn) count(t *meta.Table, o *Read, choose func(*filter.Filter, []query.Order) plan) (int, error) {
	n := 0
	err := tx.each(t, o, choose, func(any) { n++ })
	return n, err
}

// each calls fn with every row matching o's Where and required includes,
// in no particular order: the walk behind counts and aggregates. Without
// includes it copies nothing.
func (tx *Txn) each(t *meta.Table, o *Read, choose func(*filter.Filter, []query.Order) plan, fn func(row any)) error {
	if o != nil && (len(o.Include) > 0 || o.IncludeErr != nil) {
		f, err := tx.read(t, &Read{Where: o.Where, Include: o.Include, IncludeErr: o.IncludeErr, WithDeleted: o.WithDeleted}, choose)
		for _, row := range f.Rows {
			fn(row)
		}
		return err
	}
	var where query.Cond
	all := false
	if o != nil {
		where, all = o.Where, o.WithDeleted
	}
	flt, err := filter.Compile(cols(t), visible(t, where, all))
	if err != nil {
		return err
	}
	choose(flt, nil).src(func(row any) bool {
		if flt.Match(row) {
			fn(row)
		}
		return true
	})
	return nil
}

// sequence says how the order a row source yields rows in relates to the
// order a read asks for.
type sequence uint8

const (
	unordered sequence = iota // unrelated: sort, or keep a top-k
	ordered                   // the same: the source's order is the answer
	reversed                  // the answer is the source's order backwards
)

// gather appends to rows the rows src yields that f matches, in the order
// o gives (src's own when ordered, and o may then be nil; reversed, its
// own backwards): all of them, or only the first k when k > 0. Then an
// ordered walk stops after k matches, a reversed one keeps its last k in
// a ring, and an unordered one keeps them in top (reset here; nil: a new
// one): none sorts every match.
func gather(src rowSource, seq sequence, f *filter.Filter, o *rowOrder, k int, top *topK, rows []any) []any {
	start := len(rows)
	switch {
	case seq == unordered && k > 0:
		if top == nil {
			top = new(topK)
		}
		top.reset(k)
		src(func(row any) bool {
			if f.Match(row) {
				top.add(row, o)
			}
			return true
		})
		return top.appendTo(rows)
	case seq == reversed:
		n := 0
		src(func(row any) bool {
			if f.Match(row) {
				if k == 0 || n < k {
					rows = append(rows, row)
				} else {
					rows[start+n%k] = row // over the oldest
				}
				n++
			}
			return true
		})
		// The newest match sits just before the ring's wrap point r:
		// reversing both sides of it puts the newest first.
		kept := rows[start:]
		r := len(kept)
		if k > 0 && n > k {
			r = n % k
		}
		slices.Reverse(kept[:r])
		slices.Reverse(kept[r:])
		return rows
	}
	src(func(row any) bool {
		if f.Match(row) {
			rows = append(rows, row)
		}
		return k == 0 || len(rows)-start < k
	})
	if seq == unordered {
		slices.SortFunc(rows[start:], o.compare)
	}
	return rows
}

// checkWindow refuses a negative limit or offset of a read of t.
func checkWindow(t *meta.Table, limit, offset int) error {
	for _, v := range [2]int{limit, offset} {
		if v < 0 {
			return &errs.FieldError{Model: t.Name, Field: "limit/offset", Value: v, Err: errs.ErrBadValue}
		}
	}
	return nil
}

// window applies offset and limit.
func window(rows []any, offset, limit int) []any {
	if offset >= len(rows) {
		return nil
	}
	rows = rows[offset:]
	if limit > 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	return rows
}

// rowOrder orders rows of t by the order, ties (and everything, without an
// order) by ascending primary key, which makes the order total. It reuses
// its buffers, so one serves one read at a time.
type rowOrder struct {
	t      *meta.Table
	s      *filter.Sorter
	ka, kb []byte
}

// compare returns -1, 0 or +1 as row x sorts before, with or after row y.
func (o *rowOrder) compare(x, y any) int {
	if o.s.Len() > 0 {
		if c := o.s.Compare(x, y); c != 0 {
			return c
		}
	}
	o.ka, o.kb = o.t.PKKey(x, o.ka[:0]), o.t.PKKey(y, o.kb[:0])
	return bytes.Compare(o.ka, o.kb)
}

// key appends row's sort key to buf: keys compare as compare orders rows.
func (o *rowOrder) key(row any, buf []byte) []byte { return o.t.PKKey(row, o.s.AppendKey(row, buf)) }

// plan chooses the access path for a compiled filter and an order.
func (tx *Txn) plan(t *meta.Table, f *filter.Filter, order []query.Order) plan {
	terms := f.Terms()
	noOrder := len(order) == 0
	// 1. Equality on the primary key or a unique field: point lookups.
	for _, unique := range [2]bool{false, true} { // the primary key first
		for _, tm := range terms {
			fd := t.ByName[tm.Field]
			if (unique && !fd.Unique) || (!unique && (!fd.PK || t.Composite())) || (tm.Op != query.OpEq && tm.Op != query.OpIn) {
				continue
			}
			ix, keys := t.IndexOf[fd], tm.Keys
			return plan{inOrder: noOrder && (fd.PK || len(keys) <= 1), src: func(yield func(any) bool) {
				for _, k := range keys {
					if row := tx.First(ix, k); row != nil && !yield(row) {
						return
					}
				}
			}}
		}
	}
	// 1b. Equality on every field of a composite primary key or unique
	// constraint: one seek, its columns' keys concatenated in order.
	if k, ix := groupSeek(t, terms); ix != nil {
		return plan{inOrder: true, src: func(yield func(any) bool) {
			if row := tx.First(ix, k); row != nil {
				yield(row)
			}
		}}
	}
	// 2. Equality or IS NULL on an indexed field: prefix seeks, each in
	// primary key order.
	for _, tm := range terms {
		fd := t.ByName[tm.Field]
		ix, ok := t.IndexOf[fd]
		if !ok || fd.PK || fd.Unique {
			continue
		}
		var eqKeys [][]byte
		switch tm.Op {
		case query.OpEq, query.OpIn:
			eqKeys = tm.Keys
		case query.OpIsNull:
			if ix.Partial {
				continue
			}
			eqKeys = [][]byte{keys.AppendNull(nil)}
		default:
			continue
		}
		return plan{inOrder: noOrder && len(eqKeys) <= 1, src: func(yield func(any) bool) {
			for _, k := range eqKeys {
				it := tx.Prefix(ix, k)
				for row := it.Next(); row != nil; row = it.Next() {
					if !yield(row) {
						return
					}
				}
			}
		}}
	}
	// Ranges and orders are answered from an index only where the engine
	// walks indexes in key order.
	if !tx.db.E.Features().Has(engine.OrderedIndexes) {
		return plan{inOrder: noOrder, src: tx.scan(t)}
	}
	// 3. A range on the primary key or an indexed field.
	for _, tm := range terms {
		fd := t.ByName[tm.Field]
		ix, ok := t.IndexOf[fd] // the primary key and unique fields included
		if !ok {
			continue
		}
		lo, hi, ok := bounds(tm)
		if !ok {
			continue
		}
		ordered := noOrder && fd.PK && !t.Composite()
		if len(order) == 1 && !order[0].Desc && t.ByName[order[0].Field] == fd && !fd.Unique {
			ordered = true // the index holds (value, primary key)
		}
		return plan{inOrder: ordered, src: tx.walk(t, ix, fd, lo, hi)}
	}
	// 4. An order on the primary key or a non-unique indexed field: walk it.
	if len(order) == 1 {
		fd := t.ByName[order[0].Field]
		if fd.PK && t.Composite() && fd == t.Key[0] && !order[0].Desc {
			// The key's order is its first field's, ties broken by the
			// rest of the key: what the order asks for.
			return plan{inOrder: true, src: tx.scan(t)}
		}
		if fd.PK && !t.Composite() {
			if order[0].Desc {
				return plan{inOrder: true, src: tx.reverse(t, t.Indexes[0], fd)}
			}
			return plan{inOrder: true, src: tx.scan(t)}
		}
		if ix, ok := t.IndexOf[fd]; ok && !fd.Unique && !ix.Partial {
			if order[0].Desc {
				return plan{inOrder: true, src: tx.reverse(t, ix, fd)}
			}
			return plan{inOrder: true, src: tx.walk(t, ix, fd, nil, nil)}
		}
	}
	// 5. Everything, in primary key order.
	return plan{inOrder: noOrder, src: tx.scan(t)}
}

// bounds turns a range term into an inclusive [lo, hi] on encoded keys;
// nil means open. Strict bounds are made inclusive by the filter, which
// re-checks every row.
func bounds(tm filter.Term) (lo, hi []byte, ok bool) {
	switch tm.Op {
	case query.OpGt, query.OpGte:
		return tm.Keys[0], nil, true
	case query.OpLt, query.OpLte:
		// Values only: NULLs (sorting last) are not below anything.
		return []byte{keys.TagValue}, tm.Keys[0], true
	case query.OpBetween:
		return tm.Keys[0], tm.Keys[1], true
	}
	return nil, nil, false
}

func (tx *Txn) scan(t *meta.Table) rowSource {
	return func(yield func(any) bool) {
		it := tx.All(t)
		for row := it.Next(); row != nil; row = it.Next() {
			if !yield(row) {
				return
			}
		}
	}
}

// walk yields the rows of ix from lo upwards while fd's value is <= hi.
func (tx *Txn) walk(t *meta.Table, ix *meta.Index, fd *meta.Field, lo, hi []byte) rowSource {
	return func(yield func(any) bool) {
		var it interface{ Next() any }
		if lo == nil {
			it = tx.Prefix(ix, nil)
		} else {
			it = tx.lowerBound(ix, lo)
		}
		var k []byte
		for row := it.Next(); row != nil; row = it.Next() {
			if hi != nil {
				var ok bool
				k, ok = fd.Key(t.Ptr(row), k[:0])
				if !ok || bytes.Compare(k, hi) > 0 {
					return
				}
			}
			if !yield(row) {
				return
			}
		}
	}
}

// reverse yields the rows of ix from the top down; rows with equal values
// of fd come in ascending primary key order, as the order's tie-break asks.
func (tx *Txn) reverse(t *meta.Table, ix *meta.Index, fd *meta.Field) rowSource {
	return func(yield func(any) bool) {
		it := tx.r.Reverse(ix)
		var group []any
		var gk, k []byte
		flush := func() bool {
			for i := len(group) - 1; i >= 0; i-- {
				if !yield(group[i]) {
					return false
				}
			}
			group = group[:0]
			return true
		}
		for row := it.Next(); row != nil; row = it.Next() {
			k = meta.NullableKey(fd, t.Ptr(row), k[:0])
			if len(group) > 0 && !bytes.Equal(k, gk) {
				if !flush() {
					return
				}
			}
			gk = append(gk[:0], k...)
			group = append(group, row)
		}
		flush()
	}
}

// selection resolves a field selection; nil selects everything.
func selection(t *meta.Table, names []string) ([]bool, error) {
	if names == nil {
		return nil, nil
	}
	fs, err := FieldsNamed(t, names)
	if err != nil {
		return nil, err
	}
	keep := make([]bool, len(t.Fields))
	for _, f := range fs {
		keep[slices.Index(t.Fields, f)] = true
	}
	return keep, nil
}

// projectAll clears the columns keep leaves out in rows, which it copies
// first (in one batch) unless they are owned copies already.
func projectAll(t *meta.Table, rows []any, keep []bool, owned bool) []any {
	if !owned {
		rows, _ = t.CloneAll(rows)
	}
	for _, row := range rows {
		p := t.Ptr(row)
		for i, f := range t.Fields {
			if !keep[i] {
				f.Set(p, nil)
			}
		}
	}
	return rows
}

// groupSeek returns the key and index of the first composite unique
// constraint of t whose every field an equality term of terms fixes to one
// value; nil when there is none.
func groupSeek(t *meta.Table, terms []filter.Term) ([]byte, *meta.Index) {
	for _, ix := range append(t.Indexes[:1:1], t.UniqueKeys...) {
		if len(ix.Cols) < 2 {
			continue
		}
		var k []byte
		for _, f := range ix.Cols {
			i := slices.IndexFunc(terms, func(tm filter.Term) bool {
				return tm.Op == query.OpEq && len(tm.Keys) == 1 && t.ByName[tm.Field] == f
			})
			if i < 0 {
				k = nil
				break
			}
			k = append(k, terms[i].Keys[0]...)
		}
		if k != nil {
			return k, ix
		}
	}
	return nil, nil
}

// CheckRead reports the error a read of t with o's Where and includes
// would fail with, reading nothing: for the batch reads, whose sources may
// all be skipped before any of them compiles o.
func CheckRead(t *meta.Table, o *Read) error {
	if o == nil {
		return nil
	}
	if o.IncludeErr != nil {
		return o.IncludeErr
	}
	_, err := filter.Compile(cols(t), o.Where)
	return err
}
