package filter

import (
	"bytes"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"

	"github.com/memrel/memrel/internal/clone"
)

// Column is what compiling needs to know about one field of a model. memrel
// implements it once per field at definition; rows are the stored objects.
type Column interface {
	// Key appends the order-preserving encoding (package index) of row's
	// value of this field; it reports false when the value is NULL.
	Key(row any, buf []byte) ([]byte, bool)
	// Encode appends the encoding of a constant converted to the field's
	// type, or fails with ErrBadValue.
	Encode(v any, buf []byte) ([]byte, error)
	// Text returns the value of a text field; false when NULL.
	Text(row any) (string, bool)
	// IsText reports whether LIKE-style operators apply.
	IsText() bool
}

// Table resolves field names for one model.
type Table interface {
	TableName() string
	Column(name string) (Column, bool)
}

// tri is a truth value of SQL's three-valued logic.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// Term is one top-level conjunct of a compiled condition that an index can
// answer: equality (one key per value for In), a range, or IS NULL. Keys are
// encoded constants, sorted and deduplicated for In.
type Term struct {
	Field string
	Op    query.Op
	Keys  [][]byte
}

// Filter is a compiled where clause. It is not safe for concurrent use: it
// reuses a scratch buffer between rows.
type Filter struct {
	eval  func(row any) tri
	terms []Term
}

// Match reports whether row satisfies the condition (true, not unknown).
func (f *Filter) Match(row any) bool { return f == nil || f.eval == nil || f.eval(row) == triTrue }

// Terms returns the top-level conjuncts an index could answer.
func (f *Filter) Terms() []Term {
	if f == nil {
		return nil
	}
	return f.terms
}

// Compile checks c against t and returns its filter. Unknown fields, values
// of the wrong type and misused operators are *FieldError.
func Compile(t Table, c query.Cond) (*Filter, error) {
	if c.IsZero() {
		return nil, nil // a nil *Filter matches every row
	}
	f := &Filter{}
	eval, err := compile(t, c, f, true)
	if err != nil {
		return nil, err
	}
	f.eval = eval
	return f, nil
}

func compile(t Table, c query.Cond, f *Filter, top bool) (func(any) tri, error) {
	switch c.Op() {
	case query.OpAll:
		return func(any) tri { return triTrue }, nil
	case query.OpAnd, query.OpOr:
		subs := make([]func(any) tri, 0, c.NumConds())
		for i := range c.NumConds() {
			sub := c.Sub(i)
			e, err := compile(t, sub, f, top && c.Op() == query.OpAnd)
			if err != nil {
				return nil, err
			}
			subs = append(subs, e)
		}
		if c.Op() == query.OpAnd {
			return func(row any) tri {
				r := triTrue
				for _, e := range subs {
					switch e(row) {
					case triFalse:
						return triFalse
					case triUnknown:
						r = triUnknown
					}
				}
				return r
			}, nil
		}
		return func(row any) tri {
			r := triFalse
			for _, e := range subs {
				switch e(row) {
				case triTrue:
					return triTrue
				case triUnknown:
					r = triUnknown
				}
			}
			return r
		}, nil
	case query.OpNot:
		if c.NumConds() != 1 {
			return nil, &errs.FieldError{Model: t.TableName(), Op: c.Op(), Err: errs.ErrBadOperator}
		}
		e, err := compile(t, c.Sub(0), f, false)
		if err != nil {
			return nil, err
		}
		return func(row any) tri {
			switch e(row) {
			case triTrue:
				return triFalse
			case triFalse:
				return triTrue
			}
			return triUnknown
		}, nil
	}
	col, ok := t.Column(c.Field())
	if !ok {
		return nil, &errs.FieldError{Model: t.TableName(), Field: c.Field(), Op: c.Op(), Err: errs.ErrUnknownField}
	}
	return compileLeaf(t, col, c, f, top)
}

func compileLeaf(t Table, col Column, c query.Cond, f *Filter, top bool) (func(any) tri, error) {
	bad := func(v any, err error) error {
		return &errs.FieldError{Model: t.TableName(), Field: c.Field(), Op: c.Op(), Value: clone.Value(v), Err: err}
	}
	if n := arity(c.Op()); n == -2 || (n >= 0 && c.NumValues() != n) {
		return nil, bad(nil, errs.ErrBadOperator)
	}
	// Eq/Ne with nil are IS NULL / IS NOT NULL, as in Sequelize.
	op := c.Op()
	if (op == query.OpEq || op == query.OpNe) && c.Value(0) == nil {
		if op == query.OpEq {
			op = query.OpIsNull
		} else {
			op = query.OpNotNull
		}
	}
	var scratch []byte
	switch op {
	case query.OpIsNull, query.OpNotNull:
		want := op == query.OpIsNull
		if top && want {
			f.terms = append(f.terms, Term{Field: c.Field(), Op: query.OpIsNull})
		}
		return func(row any) tri {
			var null bool
			scratch, null = keyOf(col, row, scratch)
			if null == want {
				return triTrue
			}
			return triFalse
		}, nil
	case query.OpLike, query.OpILike, query.OpStartsWith:
		if !col.IsText() {
			return nil, bad(c.Value(0), errs.ErrBadOperator)
		}
		p, ok := c.Value(0).(string)
		if !ok {
			return nil, bad(c.Value(0), errs.ErrBadValue)
		}
		fold := op == query.OpILike
		if op == query.OpStartsWith {
			p = escapeLike(p) + "%"
		}
		if fold {
			p = lowerCase(p)
		}
		toks, ok := compileLike(p)
		if !ok {
			return nil, bad(c.Value(0), errs.ErrBadValue)
		}
		return func(row any) tri {
			s, ok := col.Text(row)
			if !ok {
				return triUnknown
			}
			if fold {
				s = lowerCase(s)
			}
			if matchLike(toks, s) {
				return triTrue
			}
			return triFalse
		}, nil
	case query.OpIn, query.OpNotIn:
		// Sequelize sends an empty In as IN (NULL), unknown for every row,
		// and drops an empty NotIn, which then matches every row.
		if op == query.OpNotIn && c.NumValues() == 0 {
			return func(any) tri { return triTrue }, nil
		}
		keys := make([][]byte, 0, c.NumValues())
		hasNull := c.NumValues() == 0
		for i := range c.NumValues() {
			v := c.Value(i)
			if v == nil {
				hasNull = true
				continue
			}
			k, err := col.Encode(v, nil)
			if err != nil {
				return nil, bad(v, errs.ErrBadValue)
			}
			keys = append(keys, k)
		}
		keys = sortKeys(keys)
		if op == query.OpIn && top {
			f.terms = append(f.terms, Term{Field: c.Field(), Op: query.OpIn, Keys: keys})
		}
		in := op == query.OpIn
		return func(row any) tri {
			var null bool
			scratch, null = keyOf(col, row, scratch)
			if null {
				return triUnknown
			}
			if containsKey(keys, scratch) {
				if in {
					return triTrue
				}
				return triFalse
			}
			if hasNull {
				return triUnknown
			}
			if in {
				return triFalse
			}
			return triTrue
		}, nil
	}
	// Comparisons with one or two constants.
	keys := make([][]byte, c.NumValues())
	for i := range c.NumValues() {
		v := c.Value(i)
		if v == nil {
			return nil, bad(v, errs.ErrBadValue)
		}
		k, err := col.Encode(v, nil)
		if err != nil {
			return nil, bad(v, errs.ErrBadValue)
		}
		keys[i] = k
	}
	if top && op != query.OpNe {
		f.terms = append(f.terms, Term{Field: c.Field(), Op: op, Keys: keys})
	}
	test := compareTest(op)
	return func(row any) tri {
		var null bool
		scratch, null = keyOf(col, row, scratch)
		if null {
			return triUnknown
		}
		if test(scratch, keys) {
			return triTrue
		}
		return triFalse
	}, nil
}

// keyOf encodes row's value of col into scratch; it reports true for NULL.
func keyOf(col Column, row any, scratch []byte) ([]byte, bool) {
	k, ok := col.Key(row, scratch[:0])
	return k, !ok
}

func compareTest(op query.Op) func(k []byte, c [][]byte) bool {
	switch op {
	case query.OpEq:
		return func(k []byte, c [][]byte) bool { return bytes.Equal(k, c[0]) }
	case query.OpNe:
		return func(k []byte, c [][]byte) bool { return !bytes.Equal(k, c[0]) }
	case query.OpGt:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) > 0 }
	case query.OpGte:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) >= 0 }
	case query.OpLt:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) < 0 }
	case query.OpLte:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) <= 0 }
	default: // OpBetween
		return func(k []byte, c [][]byte) bool {
			return bytes.Compare(k, c[0]) >= 0 && bytes.Compare(k, c[1]) <= 0
		}
	}
}

// arity is the number of values an operator takes: -1 for a list, -2 for an
// operator that is not a comparison.
func arity(op query.Op) int {
	switch op {
	case query.OpIsNull, query.OpNotNull:
		return 0
	case query.OpEq, query.OpNe, query.OpGt, query.OpGte, query.OpLt, query.OpLte, query.OpLike, query.OpILike, query.OpStartsWith:
		return 1
	case query.OpBetween:
		return 2
	case query.OpIn, query.OpNotIn:
		return -1
	}
	return -2
}
