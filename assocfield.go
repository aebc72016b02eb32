package memrel

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
)

// claimField makes sf, a []C, []*C or *C field of t, an association field
// (meta.Table.Claim): its typed zeroer and reader, built once at
// declaration so that no write reflects. A field of another type is left
// alone (the caller reports it).
func claimField[C any](t *meta.Table, sf reflect.StructField) {
	off := sf.Offset
	switch sf.Type {
	case reflect.TypeFor[[]C]():
		t.Claim(sf, func(p unsafe.Pointer) { *(*[]C)(unsafe.Add(p, off)) = nil },
			func(p unsafe.Pointer, dst []any) []any {
				s := *(*[]C)(unsafe.Add(p, off))
				for i := range s {
					dst = append(dst, &s[i])
				}
				return dst
			})
	case reflect.TypeFor[[]*C]():
		t.Claim(sf, func(p unsafe.Pointer) { *(*[]*C)(unsafe.Add(p, off)) = nil },
			func(p unsafe.Pointer, dst []any) []any {
				for _, c := range *(*[]*C)(unsafe.Add(p, off)) {
					if c == nil {
						dst = append(dst, nil) // a nil any, not a nil *C: the nested create refuses it
						continue
					}
					dst = append(dst, c)
				}
				return dst
			})
	case reflect.TypeFor[*C]():
		t.Claim(sf, func(p unsafe.Pointer) { *(**C)(unsafe.Add(p, off)) = nil },
			func(p unsafe.Pointer, dst []any) []any {
				if c := *(**C)(unsafe.Add(p, off)); c != nil {
					dst = append(dst, c)
				}
				return dst
			})
	}
}
