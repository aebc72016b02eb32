package memrel

import (
	"fmt"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
)

// claimLoaded makes the association t's rows include under key (its
// alias, or the inverse's name) an association field of t named name,
// the field a compiled include fills: a nested create reads the rows to
// create from the row's includes map, where anyNested put them.
func claimLoaded(t *meta.Table, name, key string) {
	off := loadedField(t).Offset
	at := func(p unsafe.Pointer) []any {
		return (*(*map[string]included)(unsafe.Add(p, off)))[key].rows
	}
	t.ClaimFunc(name, off,
		func(p unsafe.Pointer) bool { return len(at(p)) > 0 },
		func(p unsafe.Pointer, dst []any) []any { return append(dst, at(p)...) })
}

// loadedKey is where an include of a DefineAny model's association puts
// its rows in a Row: the association's alias (a belongsTo's inverse
// name), with the model read and whether it is to-one. ok is false for
// an include the nested create will refuse when it compiles them.
func loadedKey(in *Include) (key string, from, to *meta.Table, one, ok bool) {
	switch x := in.Assoc.(type) {
	case *AnyAssociation:
		if x == nil || x.a == nil {
			return "", nil, nil, false, false
		}
		if x.inverse {
			return x.a.Inverse, x.a.Target, x.a.Source, true, true
		}
		return x.a.As, x.a.Source, x.a.Target, x.a.Arity == meta.One, true
	case *AnyBelongsToMany:
		if x == nil || x.th == nil {
			return "", nil, nil, false, false
		}
		return x.th.Field, x.th.Src.Source, x.th.Dst.Source, false, true
	}
	return "", nil, nil, false, false
}

// anyNested converts r, a Row of t to create with incs, into a row of
// t's struct whose includes map holds, under each include's key, the
// rows of r's value there: a []Row (or []any of Rows) for a to-many
// include, a Row or nil for a to-one, each converted with its own
// includes. It recurses once per include level of the caller's incs,
// never deeper than they go.
func anyNested(t *meta.Table, r Row, incs []Include) (any, error) {
	cols := make(map[string]any, len(r))
	for k, v := range r {
		cols[k] = v
	}
	type given struct {
		in     *Include
		key    string
		to     *meta.Table
		one    bool
		v      any
		exists bool
	}
	var subs []given
	for i := range incs {
		key, from, to, one, ok := loadedKey(&incs[i])
		if !ok || from != t {
			continue // compiling the includes reports it
		}
		v, exists := cols[key]
		delete(cols, key)
		subs = append(subs, given{in: &incs[i], key: key, to: to, one: one, v: v, exists: exists})
	}
	row, err := rel.RowOf(t, cols)
	if err != nil {
		return nil, err
	}
	for _, g := range subs {
		if !g.exists {
			continue
		}
		kids, err := anyKids(g.v, g.one)
		if err != nil {
			return nil, &errs.FieldError{Model: t.Name, Field: g.key, Err: err}
		}
		rows := make([]any, len(kids))
		for i, kid := range kids {
			if kid == nil {
				continue // a nil row, which the create refuses by name
			}
			if rows[i], err = anyNested(g.to, kid, g.in.Include); err != nil {
				return nil, err
			}
		}
		loadedOf(t, t.Ptr(row))[g.key] = included{t: g.to, rows: rows}
	}
	return row, nil
}

// anyKids reads the Rows of an include's value in a Row: for a to-one
// include a Row or nil, for a to-many a []Row, or a []any of Rows (a
// nil element as nil) as JSON decoding gives.
func anyKids(v any, one bool) ([]Row, error) {
	if v == nil {
		return nil, nil
	}
	if one {
		r, ok := v.(Row)
		if !ok {
			if m, isMap := v.(map[string]any); isMap {
				return []Row{m}, nil
			}
			return nil, fmt.Errorf("%w: a to-one include takes a Row or nil, not %T", ErrBadValue, v)
		}
		return []Row{r}, nil
	}
	switch x := v.(type) {
	case []Row:
		return x, nil
	case []any:
		out := make([]Row, len(x))
		for i, e := range x {
			switch r := e.(type) {
			case nil:
			case Row:
				out[i] = r
			case map[string]any:
				out[i] = r
			default:
				return nil, fmt.Errorf("%w: row %d of a to-many include is a %T, not a Row", ErrBadValue, i, e)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: a to-many include takes a []Row, not %T", ErrBadValue, v)
}
