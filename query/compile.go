package query

import (
	"bytes"

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
	Name() string
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
	Op    Op
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
func Compile(t Table, c Cond) (*Filter, error) {
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

func compile(t Table, c Cond, f *Filter, top bool) (func(any) tri, error) {
	switch c.op {
	case OpAll:
		return func(any) tri { return triTrue }, nil
	case OpAnd, OpOr:
		subs := make([]func(any) tri, 0, len(c.conds))
		for _, sub := range c.conds {
			e, err := compile(t, sub, f, top && c.op == OpAnd)
			if err != nil {
				return nil, err
			}
			subs = append(subs, e)
		}
		if c.op == OpAnd {
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
	case OpNot:
		if len(c.conds) != 1 {
			return nil, &FieldError{Model: t.Name(), Op: c.op, Err: ErrBadOperator}
		}
		e, err := compile(t, c.conds[0], f, false)
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
	col, ok := t.Column(c.field)
	if !ok {
		return nil, &FieldError{Model: t.Name(), Field: c.field, Op: c.op, Err: ErrUnknownField}
	}
	return compileLeaf(t, col, c, f, top)
}

func compileLeaf(t Table, col Column, c Cond, f *Filter, top bool) (func(any) tri, error) {
	bad := func(v any, err error) error {
		return &FieldError{Model: t.Name(), Field: c.field, Op: c.op, Value: clone.Value(v), Err: err}
	}
	if n := arity(c.op); n == -2 || (n >= 0 && len(c.values) != n) {
		return nil, bad(nil, ErrBadOperator)
	}
	// Eq/Ne with nil are IS NULL / IS NOT NULL, as in Sequelize.
	op := c.op
	if (op == OpEq || op == OpNe) && c.values[0] == nil {
		if op == OpEq {
			op = OpIsNull
		} else {
			op = OpNotNull
		}
	}
	var scratch []byte
	switch op {
	case OpIsNull, OpNotNull:
		want := op == OpIsNull
		if top && want {
			f.terms = append(f.terms, Term{Field: c.field, Op: OpIsNull})
		}
		return func(row any) tri {
			var null bool
			scratch, null = keyOf(col, row, scratch)
			if null == want {
				return triTrue
			}
			return triFalse
		}, nil
	case OpLike, OpILike, OpStartsWith:
		if !col.IsText() {
			return nil, bad(c.values[0], ErrBadOperator)
		}
		p, ok := c.values[0].(string)
		if !ok {
			return nil, bad(c.values[0], ErrBadValue)
		}
		fold := op == OpILike
		if op == OpStartsWith {
			p = escapeLike(p) + "%"
		}
		if fold {
			p = lowerCase(p)
		}
		toks, ok := compileLike(p)
		if !ok {
			return nil, bad(c.values[0], ErrBadValue)
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
	case OpIn, OpNotIn:
		// Sequelize sends an empty In as IN (NULL), unknown for every row,
		// and drops an empty NotIn, which then matches every row.
		if op == OpNotIn && len(c.values) == 0 {
			return func(any) tri { return triTrue }, nil
		}
		keys := make([][]byte, 0, len(c.values))
		hasNull := len(c.values) == 0
		for _, v := range c.values {
			if v == nil {
				hasNull = true
				continue
			}
			k, err := col.Encode(v, nil)
			if err != nil {
				return nil, bad(v, ErrBadValue)
			}
			keys = append(keys, k)
		}
		keys = sortKeys(keys)
		if op == OpIn && top {
			f.terms = append(f.terms, Term{Field: c.field, Op: OpIn, Keys: keys})
		}
		in := op == OpIn
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
	keys := make([][]byte, len(c.values))
	for i, v := range c.values {
		if v == nil {
			return nil, bad(v, ErrBadValue)
		}
		k, err := col.Encode(v, nil)
		if err != nil {
			return nil, bad(v, ErrBadValue)
		}
		keys[i] = k
	}
	if top && op != OpNe {
		f.terms = append(f.terms, Term{Field: c.field, Op: op, Keys: keys})
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

func compareTest(op Op) func(k []byte, c [][]byte) bool {
	switch op {
	case OpEq:
		return func(k []byte, c [][]byte) bool { return bytes.Equal(k, c[0]) }
	case OpNe:
		return func(k []byte, c [][]byte) bool { return !bytes.Equal(k, c[0]) }
	case OpGt:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) > 0 }
	case OpGte:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) >= 0 }
	case OpLt:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) < 0 }
	case OpLte:
		return func(k []byte, c [][]byte) bool { return bytes.Compare(k, c[0]) <= 0 }
	default: // OpBetween
		return func(k []byte, c [][]byte) bool {
			return bytes.Compare(k, c[0]) >= 0 && bytes.Compare(k, c[1]) <= 0
		}
	}
}

// arity is the number of values an operator takes: -1 for a list, -2 for an
// operator that is not a comparison.
func arity(op Op) int {
	switch op {
	case OpIsNull, OpNotNull:
		return 0
	case OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpLike, OpILike, OpStartsWith:
		return 1
	case OpBetween:
		return 2
	case OpIn, OpNotIn:
		return -1
	}
	return -2
}
