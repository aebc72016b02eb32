// Package query builds where clauses and orderings for memrel, and compiles
// them against a model's columns into predicates over stored rows.
//
// Conditions follow SQL's three-valued logic: a comparison with a NULL
// field is unknown, so it matches neither the comparison nor its negation;
// only IsNull and NotNull test for NULL. Eq with a nil value means IS NULL
// and Ne with a nil value IS NOT NULL, as in Sequelize.
//
// Values may be given as pointers, the way nullable fields hold them: a nil
// pointer is NULL and any other pointer stands for what it points at.
//
// A Cond is an immutable value; the zero Cond matches every row. The
// constructors copy what they are given (the list of values, a []byte or
// other slice value, the conditions of And and Or), so a Cond shares no
// memory with its caller and may be kept and reused freely.
package query

import (
	"reflect"

	"github.com/memrel/memrel/internal/clone"
)

// Op is the operator of a condition.
type Op uint8

// The operators, with Sequelize's names.
const (
	OpAll Op = iota // the zero Cond: matches every row
	OpEq
	OpNe
	OpGt
	OpGte
	OpLt
	OpLte
	OpIn
	OpNotIn
	OpBetween
	OpLike
	OpILike
	OpStartsWith
	OpIsNull
	OpNotNull
	OpAnd
	OpOr
	OpNot
)

var opNames = [...]string{
	OpAll: "all", OpEq: "eq", OpNe: "ne", OpGt: "gt", OpGte: "gte", OpLt: "lt", OpLte: "lte",
	OpIn: "in", OpNotIn: "notIn", OpBetween: "between", OpLike: "like", OpILike: "iLike",
	OpStartsWith: "startsWith", OpIsNull: "isNull", OpNotNull: "notNull", OpAnd: "and",
	OpOr: "or", OpNot: "not",
}

// String returns Sequelize's name of the operator.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op?"
}

// Cond is one node of a where clause: a comparison of a field with values,
// or a combination of conditions.
type Cond struct {
	op     Op
	field  string
	values []any
	conds  []Cond
}

// Op returns the condition's operator.
func (c Cond) Op() Op { return c.op }

// Field returns the field a comparison tests, or "" for And, Or and Not.
func (c Cond) Field() string { return c.field }

// NumValues returns the number of values a comparison holds (none for
// IsNull, NotNull, And, Or and Not).
func (c Cond) NumValues() int { return len(c.values) }

// Value returns the i-th value of a comparison, as the Cond keeps it: a
// nil pointer given to the constructor is nil (NULL), any other pointer
// the value it pointed at. A slice or map comes back as a copy, so
// changing it cannot change the Cond.
func (c Cond) Value(i int) any { return clone.Value(c.values[i]) }

// NumConds returns the number of conditions And, Or and Not combine (one
// for Not, none for a comparison).
func (c Cond) NumConds() int { return len(c.conds) }

// Sub returns the i-th condition And, Or or Not combines.
func (c Cond) Sub(i int) Cond { return c.conds[i] }

// IsZero reports whether c is the zero Cond, which matches every row.
func (c Cond) IsZero() bool { return c.op == OpAll }

func cmp(op Op, field string, values ...any) Cond {
	if op == OpIn || op == OpNotIn {
		values = clone.Spread(values)
	}
	// A copy: In(f, list...) must not change the caller's list.
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = operand(v)
	}
	return Cond{op: op, field: field, values: vs}
}

// operand is a value as a Cond keeps it. Callers may pass a nullable field
// as they hold it: a nil pointer is NULL and any other pointer stands for
// the value it points at. A slice or map ([]byte above all) is copied, so
// changing it afterwards cannot change the Cond.
func operand(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
		v = rv.Interface()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return clone.Value(v)
	}
	return v
}

// Make builds a Cond from its parts, as a decoder of where clauses kept
// or sent as data needs (the constructors below are the usual way). It
// copies values and conds as the constructors do. A Cond no constructor
// could build, an operator with the wrong number of values say, is
// refused with ErrBadOperator when a read compiles it.
func Make(op Op, field string, values []any, conds ...Cond) Cond {
	c := cmp(op, field, values...)
	if len(values) == 0 {
		c.values = nil
	}
	c.conds = own(conds)
	return c
}

// Eq matches rows whose field equals v; a nil v means IS NULL.
func Eq(field string, v any) Cond { return cmp(OpEq, field, v) }

// Ne matches rows whose field differs from v (NULLs never match); a nil v
// means IS NOT NULL.
func Ne(field string, v any) Cond { return cmp(OpNe, field, v) }

// Gt matches rows whose field is greater than v.
func Gt(field string, v any) Cond { return cmp(OpGt, field, v) }

// Gte matches rows whose field is greater than or equal to v.
func Gte(field string, v any) Cond { return cmp(OpGte, field, v) }

// Lt matches rows whose field is less than v.
func Lt(field string, v any) Cond { return cmp(OpLt, field, v) }

// Lte matches rows whose field is less than or equal to v.
func Lte(field string, v any) Cond { return cmp(OpLte, field, v) }

// In matches rows whose field equals one of vs. Nil elements never match,
// and an empty list matches nothing, not even under Not (Sequelize sends it
// as IN (NULL)). A typed slice may stand for the list: In("id", ids) with
// ids a []int64 is In("id", ids...) (a []byte stays one value).
func In(field string, vs ...any) Cond { return cmp(OpIn, field, vs...) }

// NotIn matches rows whose field is not NULL and equals none of vs. As in
// SQL, a list holding nil matches nothing. An empty list matches every row,
// NULLs included, because Sequelize drops the condition. A typed slice may
// stand for the list, as for In.
func NotIn(field string, vs ...any) Cond { return cmp(OpNotIn, field, vs...) }

// Between matches rows whose field lies in [lo, hi], both ends included.
func Between(field string, lo, hi any) Cond { return cmp(OpBetween, field, lo, hi) }

// Like matches a text field against an SQL LIKE pattern: % is any run of
// characters, _ one character, and a backslash escapes the next character.
func Like(field, pattern string) Cond { return cmp(OpLike, field, pattern) }

// ILike is Like ignoring case (PostgreSQL's ILIKE).
func ILike(field, pattern string) Cond { return cmp(OpILike, field, pattern) }

// StartsWith matches a text field that begins with prefix, taken literally.
func StartsWith(field, prefix string) Cond { return cmp(OpStartsWith, field, prefix) }

// IsNull matches rows whose field is NULL.
func IsNull(field string) Cond { return cmp(OpIsNull, field) }

// NotNull matches rows whose field is not NULL.
func NotNull(field string) Cond { return cmp(OpNotNull, field) }

// And matches rows that match every condition; And() matches every row.
func And(conds ...Cond) Cond { return Cond{op: OpAnd, conds: own(conds)} }

// Or matches rows that match at least one condition; Or() matches nothing.
func Or(conds ...Cond) Cond { return Cond{op: OpOr, conds: own(conds)} }

// own copies the conditions given to And or Or: a caller's slice passed
// as conds... must not be shared with the Cond.
func own(conds []Cond) []Cond {
	if len(conds) == 0 {
		return nil
	}
	c := make([]Cond, len(conds))
	copy(c, conds)
	return c
}

// Not matches rows for which c is false (not unknown).
func Not(c Cond) Cond { return Cond{op: OpNot, conds: []Cond{c}} }

// Order is one key of an ordering.
type Order struct {
	Field string
	Desc  bool
}

// Asc orders by field ascending, NULLs last.
func Asc(field string) Order { return Order{Field: field} }

// Desc orders by field descending, NULLs first.
func Desc(field string) Order { return Order{Field: field, Desc: true} }
