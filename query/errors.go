package query

import (
	"errors"
	"fmt"
)

// Errors returned when a condition or ordering does not fit the model it is
// compiled against. memrel re-exports them; test with errors.Is.
var (
	// ErrUnknownField is returned when a where clause or an order names a
	// field the model does not have.
	ErrUnknownField = errors.New("memrel: unknown field")

	// ErrBadValue is returned when a value in a where clause cannot be
	// converted to the type of the field it is compared with.
	ErrBadValue = errors.New("memrel: bad value")

	// ErrBadOperator is returned when an operator does not apply to a
	// field (LIKE on a number) or has the wrong number of operands.
	ErrBadOperator = errors.New("memrel: bad operator")
)

// FieldError says which model, field, operator and value a query rejected.
// It wraps one of the errors above. Value is a copy of the value given
// (slices and maps one level deep), and it is formatted only by Error, so
// building a FieldError never runs the value's own String or Error method.
type FieldError struct {
	Model string
	Field string
	Op    Op
	Value any
	Err   error
}

// Error names the model, field, operator and value.
func (e *FieldError) Error() string {
	msg := fmt.Sprintf("%v: %s.%s", e.Err, e.Model, e.Field)
	if e.Value == nil {
		return msg
	}
	if e.Op != OpAll {
		msg += " " + e.Op.String()
	}
	if s, ok := e.Value.(string); ok {
		return msg + fmt.Sprintf(" %q", s)
	}
	return msg + fmt.Sprintf(" %v", e.Value)
}

// Unwrap returns the sentinel error.
func (e *FieldError) Unwrap() error { return e.Err }
