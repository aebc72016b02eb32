package memrel

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/filter"

	"github.com/memrel/memrel/internal/clone"
	mdbix "github.com/memrel/memrel/internal/engine/memdb"
	"github.com/memrel/memrel/internal/keys"
)

// table is the type-erased half of a model: what the engine needs to store,
// index, check and copy rows of one Go struct type without knowing it.
// Stored rows are *T values boxed in any; they are never mutated once
// stored.
type table struct {
	name    string
	typ     reflect.Type
	fields  []*field
	byName  map[string]*field // column names and Go field names
	pk      *field
	owned   []*field // fields whose copies must not share memory
	uniques []*field // unique non-PK fields
	pos     int      // position in the schema

	// Typed operations, supplied by Define[T].
	ptr    func(row any) unsafe.Pointer
	newRow func() any // a new, zero *T
	// cloneAll copies rows as clone does, into the elements of one new
	// []T, which it returns too.
	cloneAll func(rows []any) (copies []any, block any)
	clone    func(row any) any // a new *T that shares nothing with row
	// zeroers clear the struct fields that are not columns (association
	// fields, fields tagged "-") so they are never stored.
	zeroers map[string]func(unsafe.Pointer)
	zero    []func(unsafe.Pointer) // the zeroers, as a slice for the hot path
	// columnwise: the struct has fields no typed zeroer clears (tagged
	// "-", unexported), so rows are built column by column.
	columnwise bool
	schema     *Schema

	// Filled at Open.
	referenced bool                // a constrained association's source: FK checks look rows up
	parents    []*assoc            // associations whose FK lives here
	children   []*assoc            // associations whose source is this table
	ixOf       map[*field]string   // index answering equality on a field
	indexes    map[string][]*field // non-unique indexes: their columns
	// partial holds the indexes that leave out rows whose last column is
	// NULL: they answer no IS NULL and no ordered walk.
	partial map[string]bool
}

// Name implements filter.Table.
func (t *table) Name() string { return t.name }

// Column implements filter.Table.
func (t *table) Column(name string) (filter.Column, bool) {
	f, ok := t.byName[name]
	if !ok {
		return nil, false
	}
	return column{t, f}, true
}

// column adapts a field to filter.Column.
type column struct {
	t *table
	f *field
}

// Key implements filter.Column.
func (c column) Key(row any, buf []byte) ([]byte, bool) { return c.f.key(c.t.ptr(row), buf) }

// Encode implements filter.Column.
func (c column) Encode(v any, buf []byte) ([]byte, error) {
	cv, err := c.f.convOperand(v)
	if err != nil {
		return nil, err
	}
	return c.f.encode(cv, buf), nil
}

// Text implements filter.Column.
func (c column) Text(row any) (string, bool) {
	v := c.f.get(c.t.ptr(row))
	s, ok := v.(string)
	return s, ok
}

// IsText implements filter.Column.
func (c column) IsText() bool { return c.f.kind == kString }

// own makes a freshly copied row share nothing with its source.
func (t *table) own(p unsafe.Pointer) {
	for _, f := range t.owned {
		f.own(p)
	}
}

// pkKey appends the primary key encoding of a row.
func (t *table) pkKey(row any, buf []byte) []byte {
	k, _ := t.pk.key(t.ptr(row), buf)
	return k
}

// keyOf converts a caller's key to the PK encoding, appended to buf.
func (t *table) keyOf(key any, buf []byte) ([]byte, error) {
	// The usual keys encode without boxing a converted value.
	switch k := key.(type) {
	case int64:
		if t.pk.kind == kInt && t.pk.size == 8 {
			return keys.AppendInt(buf, k), nil
		}
	case int:
		if t.pk.kind == kInt && t.pk.size == 8 {
			return keys.AppendInt(buf, int64(k)), nil
		}
	case string:
		if t.pk.kind == kString {
			return keys.AppendString(buf, k), nil
		}
	case nil:
		return nil, &FieldError{Model: t.name, Field: t.pk.name, Err: ErrBadKey}
	}
	v, err := t.pk.conv(key)
	if err != nil {
		return nil, &FieldError{Model: t.name, Field: t.pk.name, Value: clone.Value(key), Err: ErrBadKey}
	}
	return t.pk.encode(v, buf), nil
}

// fieldKey builds the index function of a single column. NULL is absent
// from unique indexes (PostgreSQL never calls two NULLs duplicates) and
// from partial ones (skipNull), and stored under the NULL tag elsewhere,
// where it sorts last.
func (t *table) fieldKey(f *field, skipNull bool) mdbix.Func {
	return func(obj any, buf []byte) ([]byte, bool) {
		k, ok := f.key(t.ptr(obj), buf)
		if !ok {
			if skipNull {
				return nil, false
			}
			return keys.AppendNull(buf), true
		}
		return k, true
	}
}

// compoundKey builds the index function of several columns; a partial one
// leaves out rows whose last column is NULL.
func (t *table) compoundKey(fs []*field, partial bool) mdbix.Func {
	last := fs[len(fs)-1]
	return func(obj any, buf []byte) ([]byte, bool) {
		p := t.ptr(obj)
		if partial && last.isNull(p) {
			return nil, false
		}
		for _, f := range fs {
			var ok bool
			buf, ok = f.key(p, buf)
			if !ok {
				buf = keys.AppendNull(buf)
			}
		}
		return buf, true
	}
}
