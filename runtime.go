package memrel

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
)

// defineType is Define for a struct type known only at run time (typ):
// the row operations through reflection, once per row rather than per
// field. Rows are pointers to typ, boxed in any.
func defineType(s *Schema, name string, typ reflect.Type) *meta.Table {
	t := s.m.AddTable(name, typ)
	slice := reflect.SliceOf(typ)
	t.Ptr = func(row any) unsafe.Pointer { return reflect.ValueOf(row).UnsafePointer() }
	t.NewRow = func() any { return reflect.New(typ).Interface() }
	t.Clone = func(row any) any {
		n := reflect.New(typ)
		n.Elem().Set(reflect.ValueOf(row).Elem())
		t.Own(n.UnsafePointer())
		return n.Interface()
	}
	t.CloneAll = func(rows []any) ([]any, any) {
		arr := reflect.MakeSlice(slice, len(rows), len(rows))
		out := make([]any, len(rows))
		for i, r := range rows {
			e := arr.Index(i)
			e.Set(reflect.ValueOf(r).Elem())
			t.Own(e.Addr().UnsafePointer())
			out[i] = e.Addr().Interface()
		}
		return out, arr.Interface()
	}
	return t
}
