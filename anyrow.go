package memrel

import (
	"bytes"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
)

// errWrongAssoc is the error of a nil or zero AnyAssociation.
var errWrongAssoc = fmt.Errorf("%w: a nil or zero AnyAssociation", ErrWrongStore)

// included is what an include loaded into a row of a DefineAny model:
// rows of t, one (a to-one include: none or one) or a list.
type included struct {
	t    *meta.Table
	rows []any
	one  bool
}

// loadedName is the field of a DefineAny model's struct that holds its
// includes: not a column (tagged "-"), empty in every stored row.
const loadedName = "Loaded"

var loadedType = reflect.TypeFor[map[string]included]()

// loadedField is t's includes field, or nil when t is not of DefineAny.
func loadedField(t *meta.Table) *reflect.StructField {
	sf, ok := t.Type.FieldByName(loadedName)
	if !ok || sf.Type != loadedType {
		return nil
	}
	return &sf
}

// rowOf copies a row of t into a Row: its columns and, for a DefineAny
// model, what includes loaded into it (each include level is one call:
// the depth of the caller's includes, not of its data).
func rowOf(t *meta.Table, row any) Row {
	p := t.Ptr(row)
	r := make(Row, len(t.Fields))
	for _, f := range t.Fields {
		v := f.Get(p)
		if b, ok := v.([]byte); ok {
			v = bytes.Clone(b)
		}
		r[f.Name] = v
	}
	if sf := loadedField(t); sf != nil {
		for name, inc := range *(*map[string]included)(unsafe.Add(p, sf.Offset)) {
			if !inc.one {
				r[name] = rowsOf(inc.t, inc.rows)
				continue
			}
			var one any // a Row, or nil (untyped) for none
			if len(inc.rows) > 0 {
				one = rowOf(inc.t, inc.rows[0])
			}
			r[name] = one
		}
	}
	return r
}

// rowsOf copies rows of t into Rows.
func rowsOf(t *meta.Table, rows []any) []Row {
	out := make([]Row, len(rows))
	for i, row := range rows {
		out[i] = rowOf(t, row)
	}
	return out
}
