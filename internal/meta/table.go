package meta

import (
	"fmt"
	"reflect"
	"strings"
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
	Name   string
	Type   reflect.Type
	Fields []*Field
	ByName map[string]*Field // column names and Go field names
	PK     *Field            // the primary key's field; its first one when it is composite
	// Key holds every primary key field, in struct order: one, or several
	// for a composite key, whose encoding is theirs concatenated.
	Key     []*Field
	Owned   []*Field // fields whose copies must not share memory
	Uniques []*Field // unique non-PK fields
	// UniqueKeys are the unique constraints besides the primary key: the
	// index of each unique field (Uniques order), then each composite
	// group (see AddUnique). Every write checks them.
	UniqueKeys []*Index
	Pos        int // position in the schema
	// Stamps are the fields the store keeps (Timestamps, Paranoid).
	Stamps   Stamps
	paranoid bool // AddParanoid ran, whether or not it found its field
	// Hooks run around the writes through the model (see Hooks).
	Hooks Hooks

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
	// Assocs are the association fields (see Claim), in struct order;
	// claims holds them by Go name.
	Assocs []*AssocField
	claims map[string]*AssocField
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
	k, _ := t.KeyAt(t.Ptr(row), buf)
	return k
}

// KeyAt appends the primary key encoding of the row at p; false when a
// key field is NULL.
func (t *Table) KeyAt(p unsafe.Pointer, buf []byte) ([]byte, bool) {
	if len(t.Key) < 2 {
		return t.PK.Key(p, buf)
	}
	for _, f := range t.Key {
		var ok bool
		if buf, ok = f.Key(p, buf); !ok {
			return buf, false
		}
	}
	return buf, true
}

// Composite reports whether the primary key has several fields.
func (t *Table) Composite() bool { return len(t.Key) > 1 }

// KeyValue returns the primary key of the row at p as callers see it: the
// field's canonical value, or for a composite key a Key of them.
func (t *Table) KeyValue(p unsafe.Pointer) any {
	if len(t.Key) < 2 {
		return t.PK.Get(p)
	}
	var k Key
	for i, f := range t.Key {
		k[i] = f.Get(p)
	}
	return k
}

// DecodeKey is KeyValue of an encoded primary key (for an error naming
// it).
func (t *Table) DecodeKey(k []byte) any {
	if len(t.Key) < 2 {
		return t.PK.Decode(k)
	}
	var out Key
	for i, f := range t.Key {
		n := f.KeyLen(k)
		out[i] = f.Decode(k[:n])
		k = k[n:]
	}
	return out
}

// KeyNames lists the primary key's column names.
func (t *Table) KeyNames() []string {
	names := make([]string, len(t.Key))
	for i, f := range t.Key {
		names[i] = f.Name
	}
	return names
}

// Key is a composite primary key value: the key fields' values in struct
// order, the unused places nil. It is comparable (unless a field is a
// byte slice), so it can key a map.
type Key [MaxKeyFields]any

// MaxKeyFields is how many fields a composite primary key may have.
const MaxKeyFields = 8

// Len is how many fields k holds: those before the first nil.
func (k Key) Len() int {
	for i, v := range k {
		if v == nil {
			return i
		}
	}
	return len(k)
}

// String prints the values, as (A, 1).
func (k Key) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range k[:k.Len()] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, v)
	}
	b.WriteByte(')')
	return b.String()
}

// KeyOf converts a caller's key to the PK encoding, appended to buf: for a
// composite key, a Key or a []any of its fields' values in order.
func (t *Table) KeyOf(key any, buf []byte) ([]byte, error) {
	// The usual keys encode without boxing a converted value.
	if len(t.Key) > 1 {
		return t.compositeKeyOf(key, buf)
	}
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

func (t *Table) compositeKeyOf(key any, buf []byte) ([]byte, error) {
	var vals []any
	switch k := key.(type) {
	case Key:
		vals = k[:k.Len()]
	case []any:
		vals = k
	}
	if len(vals) != len(t.Key) {
		return nil, &errs.FieldError{Model: t.Name, Field: strings.Join(t.KeyNames(), ","), Value: clone.Value(key), Err: errs.ErrBadKey}
	}
	for i, f := range t.Key {
		v, err := f.Conv(vals[i])
		if err != nil || v == nil {
			return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Value: clone.Value(vals[i]), Err: errs.ErrBadKey}
		}
		buf = f.Encode(v, buf)
	}
	return buf, nil
}

// SameRow reports whether rows a and b hold the same value in every
// column (NULL equal to NULL).
func (t *Table) SameRow(a, b any) bool {
	pa, pb := t.Ptr(a), t.Ptr(b)
	for _, f := range t.Fields {
		x, y := f.Get(pa), f.Get(pb)
		if (x == nil) != (y == nil) || x != nil && !SameValue(x, y) {
			return false
		}
	}
	return true
}
