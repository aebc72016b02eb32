// Package clone copies the values memrel and package query hand back to
// callers inside errors and metadata, or keep from them in conditions, so
// that neither side can change what the other holds.
package clone

import (
	"bytes"
	"reflect"
	"time"
)

// Value returns v, or a copy of it when v refers to memory it could
// share: a []byte (the only mutable value a column holds) is copied; any
// other slice or map is copied one level deep, and a pointer is replaced
// by a pointer to a copy of what it points at. Other values (numbers,
// strings, time.Time, structs and arrays, which an interface holds by
// value) come back as they are.
//
// It uses reflection for the uncommon kinds, so it belongs on error paths
// and at definition time, never on a path every call takes.
func Value(v any) any {
	switch x := v.(type) {
	case nil, int, int64, uint64, float64, string, bool, time.Time:
		return v
	case []byte:
		return bytes.Clone(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		if rv.IsNil() {
			return v
		}
		c := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
		reflect.Copy(c, rv)
		return c.Interface()
	case reflect.Map:
		if rv.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(rv.Type(), rv.Len())
		for it := rv.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), it.Value())
		}
		return c.Interface()
	case reflect.Pointer:
		if rv.IsNil() {
			return v
		}
		c := reflect.New(rv.Type().Elem())
		c.Elem().Set(rv.Elem())
		return c.Interface()
	}
	return v
}

// IsList reports whether Spread spreads v, a lone element.
func IsList(v any) bool {
	switch v.(type) {
	case nil, []any, []byte, int, int64, string:
		return false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return false
	}
	k := rv.Type().Elem().Kind()
	return k != reflect.Interface && k != reflect.Uint8
}

// Spread returns vs, or the elements of its one element when that is a
// typed slice ([]int64, []string, a slice of a key type): what lets a
// variadic list of values or keys take a caller's typed slice as it is.
// A []byte is a value, not a list, and a []any may be a composite key, so
// neither is spread; nor is a slice of interfaces.
func Spread(vs []any) []any {
	if len(vs) != 1 || !IsList(vs[0]) {
		return vs
	}
	rv := reflect.ValueOf(vs[0])
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}
