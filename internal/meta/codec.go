package meta

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
)

// codec is how a column whose Go type memrel does not store in place is
// kept: a driver.Valuer whose pointer is a sql.Scanner (stored by what
// Value returns), or a value tagged json (stored as its JSON text). The
// row holds the Go value; the canonical value is computed from it on each
// read, through reflection: that cost is paid by codec columns only, the
// other kinds never reach this file.
type codec struct {
	typ  reflect.Type // the struct field's type
	json bool
	ptr  bool // a Valuer behind a pointer: nil is NULL
	null bool // NULL (Value nil, JSON null) is stored as NULL
}

var (
	valuerType  = reflect.TypeFor[driver.Valuer]()
	jsonNullStr = "null"
)

// isValuer reports whether t is stored through its Value and Scan methods.
func isValuer(t reflect.Type) bool {
	return t.Implements(valuerType) && reflect.PointerTo(t).Implements(scannerType)
}

// kindNames are the spellings of the type option.
var kindNames = map[string]Kind{"int": Int, "float": Float, "string": String, "bool": Bool, "time": Time, "bytes": Bytes}

// newCodec sets f up as a codec column of Go type t (the field's type),
// with its kind from the type option (typeOpt, "" if none) or a probe of
// the zero value's Value.
func newCodec(f *Field, t reflect.Type, asJSON bool, typeOpt string) error {
	c := &codec{typ: t, json: asJSON, ptr: !asJSON && t.Kind() == reflect.Pointer, null: t.Kind() == reflect.Pointer}
	f.codec, f.Base, f.Size, f.Null = c, t, 8, NullCodec
	switch {
	case asJSON:
		f.Kind = String
		if typeOpt != "" && typeOpt != "string" {
			return fmt.Errorf("type=%s on a json column: its JSON text is a string", typeOpt)
		}
	case typeOpt != "":
		k, ok := kindNames[typeOpt]
		if !ok {
			return fmt.Errorf("unknown type=%s: use int, float, string, bool, time or bytes", typeOpt)
		}
		f.Kind = k
	default:
		k, err := probe(t)
		if err != nil {
			return fmt.Errorf("%s is a driver.Valuer whose zero value gives no kind (%v): give it, as in memrel:\"%s,type=string\"", t, err, f.Name)
		}
		f.Kind = k
	}
	return nil
}

// probe is the kind of what the zero value of a Valuer type t returns.
func probe(t reflect.Type) (k Kind, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its Value panicked: %v", r)
		}
	}()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v, err := reflect.Zero(t).Interface().(driver.Valuer).Value()
	if err != nil {
		return 0, err
	}
	switch v.(type) {
	case int64:
		return Int, nil
	case float64:
		return Float, nil
	case bool:
		return Bool, nil
	case string:
		return String, nil
	case []byte:
		return Bytes, nil
	case time.Time:
		return Time, nil
	case nil:
		return 0, errors.New("its Value returned nil")
	}
	return 0, fmt.Errorf("its Value returned a %T", v)
}

// value is the canonical value of the Go value at p (the field's
// address), nil for NULL.
func (f *Field) codecValue(p unsafe.Pointer) (any, error) {
	c := f.codec
	rv := reflect.NewAt(c.typ, hidden(p)).Elem()
	if c.json {
		b, err := json.Marshal(rv.Interface())
		if err != nil {
			return nil, err
		}
		if c.null && string(b) == jsonNullStr {
			return nil, nil
		}
		return string(b), nil
	}
	if c.ptr {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	v, err := rv.Interface().(driver.Valuer).Value()
	if err != nil || v == nil {
		return nil, err
	}
	return f.normalise(v)
}

// normalise converts what Value returned to the column's kind; bytes are
// copied, so the canonical value never shares the Go value's memory.
func (f *Field) normalise(v any) (any, error) {
	switch x := v.(type) {
	case []byte:
		if f.Kind == String {
			return string(x), nil
		}
		return bytes.Clone(x), nil
	case string:
		if f.Kind == Bytes {
			return []byte(x), nil
		}
	}
	c, ok := Convert(f.Kind, 8, v)
	if !ok {
		return nil, fmt.Errorf("its Value returned a %T for a column of kind %s", v, kindName(f.Kind))
	}
	return c, nil
}

func kindName(k Kind) string {
	for n, kk := range kindNames {
		if kk == k {
			return n
		}
	}
	return "uint"
}

// codecScan stores the Go value a canonical value v (nil for NULL) reads
// as at p: a fresh value is scanned or unmarshalled, so nothing it holds
// is shared with v or with any other row.
func (f *Field) codecScan(p unsafe.Pointer, v any) error {
	c := f.codec
	fresh := reflect.New(c.typ)
	if b, ok := v.([]byte); ok {
		v = bytes.Clone(b)
	}
	switch {
	case c.json:
		if v != nil {
			if err := json.Unmarshal([]byte(v.(string)), fresh.Interface()); err != nil {
				return err
			}
		}
	case c.ptr:
		if v != nil {
			elem := reflect.New(c.typ.Elem())
			if err := elem.Interface().(sql.Scanner).Scan(v); err != nil {
				return err
			}
			fresh.Elem().Set(elem)
		}
	case v != nil:
		// NULL reads back as the zero value, unscanned: a column whose
		// Value gives NULL for its zero value round-trips.
		if err := fresh.Interface().(sql.Scanner).Scan(v); err != nil {
			return err
		}
	}
	reflect.NewAt(c.typ, hidden(p)).Elem().Set(fresh.Elem())
	return nil
}

// codecConv is Conv for a codec column: the Go type (or a pointer to it)
// goes through Value or Marshal, anything else is taken as a canonical
// value; either must then scan back, so a write fails here rather than
// when the row is read.
func (f *Field) codecConv(v any) (any, error) {
	c := f.codec
	rt := reflect.TypeOf(v)
	var out any
	var err error
	switch {
	case c.json && rt != reflect.TypeFor[string]():
		pv := reflect.New(c.typ)
		if rt == c.typ {
			pv.Elem().Set(reflect.ValueOf(v))
		} else if !reflect.ValueOf(v).CanConvert(c.typ) {
			return nil, fmt.Errorf("%w: %s of type %T does not fit %s", errs.ErrBadValue, f.Name, v, c.typ)
		} else {
			pv.Elem().Set(reflect.ValueOf(v).Convert(c.typ))
		}
		out, err = f.codecValue(pv.UnsafePointer())
	case !c.json && (rt == c.typ || rt == reflect.PointerTo(c.typ) || c.ptr && rt == c.typ.Elem()):
		holder, rv := reflect.New(c.typ), reflect.ValueOf(v)
		switch {
		case rt == c.typ:
			holder.Elem().Set(rv)
		case c.ptr: // an X for a *X column
			e := reflect.New(rt)
			e.Elem().Set(rv)
			holder.Elem().Set(e)
		case rv.IsNil(): // a nil *X for an X column
			return nil, nil
		default:
			holder.Elem().Set(rv.Elem())
		}
		out, err = f.codecValue(holder.UnsafePointer())
	default:
		out, err = f.normaliseOperand(v)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errs.ErrBadValue, f.Name, err)
	}
	if err := f.codecScan(reflect.New(c.typ).UnsafePointer(), out); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errs.ErrBadValue, f.Name, err)
	}
	return out, nil
}

// normaliseOperand takes v as a canonical value of the column's kind.
func (f *Field) normaliseOperand(v any) (any, error) {
	if b, ok := v.([]byte); ok && f.Kind == Bytes {
		return bytes.Clone(b), nil
	}
	c, ok := Convert(f.Kind, 8, v)
	if !ok {
		return nil, fmt.Errorf("a %T does not fit %s", v, f.codec.typ)
	}
	return c, nil
}

// codecOwn replaces the Go value at row's field by a fresh one read from
// its canonical value, which shares nothing with the original.
func (f *Field) codecOwn(row unsafe.Pointer) error {
	p := unsafe.Add(row, f.Off)
	v, err := f.codecValue(p)
	if err != nil {
		return err
	}
	return f.codecScan(p, v)
}

// hidden is p, unseen by escape analysis. The codec functions use a row
// pointer only during the call (reflect copies the value out or in);
// without this, reflect.NewAt would make every row pointer handed to Get,
// Key or Addr escape, an allocation per call on every model.
func hidden(p unsafe.Pointer) unsafe.Pointer {
	x := uintptr(p)
	return *(*unsafe.Pointer)(unsafe.Pointer(&x)) // as the runtime's noescape: x is not seen as p
}

// detach is canonical value v in a box of its own. A codec column hands
// its value to a Scan method, which may keep what it is given; giving it
// a fresh box keeps the caller's from escaping, so the callers of Set
// (timestamps, sequences, defaults) box their values without an
// allocation, as they did before codecs.
func detach(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		return x
	case uint64:
		return x
	case float64:
		return x
	case bool:
		return x
	case string:
		return x
	case []byte:
		return x
	case time.Time:
		return x
	}
	panic("memrel: internal error: Set of a value that is not canonical")
}

// copyCodec copies the Go value of a codec column from s to d.
func (f *Field) copyCodec(d, s unsafe.Pointer) {
	reflect.NewAt(f.codec.typ, hidden(d)).Elem().Set(reflect.NewAt(f.codec.typ, hidden(s)).Elem())
}

// OwnChecked is Own for a caller's value entering the store: a codec
// column's Value, Marshal or Scan error is returned, an ErrBadValue
// naming the model and field.
func (t *Table) OwnChecked(p unsafe.Pointer) error {
	for _, f := range t.Owned {
		if f.codec == nil {
			f.Own(p)
			continue
		}
		if err := f.codecOwn(p); err != nil {
			return fmt.Errorf("%w: %s.%s: %v", errs.ErrBadValue, t.Name, f.Name, err)
		}
	}
	return nil
}
