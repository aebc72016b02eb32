package meta

import "unsafe"

// Event is a kind of write a hook runs around.
type Event uint8

// The events: a write through the model creating, updating or destroying
// one row (see Hooks).
const (
	OnCreate Event = iota
	OnUpdate
	OnDestroy
	numEvents
)

// Hook is one hook function. owner is the typed layer's transaction
// handle the write runs on; row is the row: before a create or update the
// new row, not yet stored, which the hook may change; otherwise a stored
// row, which it must not.
type Hook func(owner any, row any) error

// Hooks are a table's hooks and field checks, in declaration order. They
// run for the writes through the model, the ones that stamp timestamps:
// creates, updates (an association op rewriting a foreign key included)
// and destroys, never for the referential actions of a cascade.
type Hooks struct {
	Before, After [numEvents][]Hook
	Checks        []Check
}

// Check is a field validator of the row at row: nil, or the reason the
// field's value is invalid.
type Check struct {
	Field *Field
	Run   func(row unsafe.Pointer) error
}
