package meta

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/keys"
)

// Table is the type-erased half of a model: what the engine needs to store,
// index, check and copy rows of one Go struct type without knowing it.
// Stored rows are *T values boxed in any; they are never mutated once
// stored.
type Table struct {
	Name    string
	Type    reflect.Type
	Fields  []*Field
	ByName  map[string]*Field // column names and Go field names
	PK      *Field
	Owned   []*Field // fields whose copies must not share memory
	Uniques []*Field // unique non-PK fields
	// UniqueKeys are the unique constraints besides the primary key: the
	// index of each unique field (Uniques order), then each composite
	// group (see AddUnique). Every write checks them.
	UniqueKeys []*Index
	Pos        int // position in the schema

	// Typed operations, supplied by Define[T].
	Ptr    func(row any) unsafe.Pointer
	NewRow func() any // a new, zero *T
	// CloneAll copies rows as clone does, into the elements of one new
	// []T, which it returns too.
	CloneAll func(rows []any) (copies []any, block any)
	Clone    func(row any) any // a new *T that shares nothing with row
	// Zeroers clear the struct fields that are not columns (association
	// fields, fields tagged "-") so they are never stored.
	Zeroers map[string]func(unsafe.Pointer)
	Zero    []func(unsafe.Pointer) // the zeroers, as a slice for the hot path
	// Columnwise: the struct has fields no typed zeroer clears (tagged
	// "-", unexported), so rows are built column by column.
	Columnwise bool
	Schema     *Schema

	// Filled at Open.
	Referenced bool        // a constrained association's source: FK checks look rows up
	Parents    []*Relation // associations whose FK lives here
	Children   []*Relation // associations whose source is this table
	// Indexes are the access paths the table needs, its primary key
	// first; IndexOf maps a field to the index answering equality on it
	// alone, where one exists.
	Indexes []*Index
	IndexOf map[*Field]*Index
}

// Own makes a freshly copied row share nothing with its source.
func (t *Table) Own(p unsafe.Pointer) {
	for _, f := range t.Owned {
		f.Own(p)
	}
}

// PKKey appends the primary key encoding of a row.
func (t *Table) PKKey(row any, buf []byte) []byte {
	k, _ := t.PK.Key(t.Ptr(row), buf)
	return k
}

// KeyOf converts a caller's key to the PK encoding, appended to buf.
func (t *Table) KeyOf(key any, buf []byte) ([]byte, error) {
	// The usual keys encode without boxing a converted value.
	switch k := key.(type) {
	case int64:
		if t.PK.Kind == Int && t.PK.Size == 8 {
			return keys.AppendInt(buf, k), nil
		}
	case int:
		if t.PK.Kind == Int && t.PK.Size == 8 {
			return keys.AppendInt(buf, int64(k)), nil
		}
	case string:
		if t.PK.Kind == String {
			return keys.AppendString(buf, k), nil
		}
	case nil:
		return nil, &errs.FieldError{Model: t.Name, Field: t.PK.Name, Err: errs.ErrBadKey}
	}
	v, err := t.PK.Conv(key)
	if err != nil {
		return nil, &errs.FieldError{Model: t.Name, Field: t.PK.Name, Value: clone.Value(key), Err: errs.ErrBadKey}
	}
	return t.PK.Encode(v, buf), nil
}
