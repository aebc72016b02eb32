package memrel

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// DefineAny defines a model from a column list rather than a Go type, for
// programs that learn their schema at run time (a tool opening data, a
// fixture or scenario runner): its rows are [Row] values, handled through
// the [AnyModel] it returns, with the same constraints, defaults, keys,
// options (Timestamps, Paranoid, Unique, Key) and errors as a typed model
// with the same columns. Each Column gives Name, Type and the flags; a
// nullable column holds NULL (nil in a Row), a NotNull one refuses it on
// write with a *ValidationError, Default is a value of the
// column's type, and the columns' Go names are F0, F1, … in list order.
// Mistakes (no columns, an empty or repeated name, a name with a comma,
// an unknown type, a default of the wrong type) are reported by Open with
// the others, as for Define.
func DefineAny(s *Schema, name string, cols []Column, opts ...ModelOption) *AnyModel {
	if s == nil {
		return &AnyModel{}
	}
	typ, problems := rowType(cols)
	t := defineType(s, name, typ)
	for _, p := range problems {
		s.m.Problem(name, p[0], "%s", p[1])
	}
	for _, c := range cols {
		if c.Default == nil {
			continue
		}
		f, ok := t.ByName[c.Name]
		if !ok {
			continue
		}
		v, err := f.Conv(c.Default)
		if err != nil || v == nil {
			s.m.Problem(name, c.Name, "default %v is not a %s", c.Default, c.Type)
			continue
		}
		f.Default = v
	}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(t)
		}
	}
	return &AnyModel{t: t}
}

// rowType builds the struct type behind DefineAny's model: one field per
// usable column, tagged with its name and flags, and the problems of the
// others as (column, reason) pairs.
func rowType(cols []Column) (reflect.Type, [][2]string) {
	var problems [][2]string
	if len(cols) == 0 {
		problems = append(problems, [2]string{"", "no columns"})
	}
	seen := map[string]bool{}
	fields := make([]reflect.StructField, 0, len(cols))
	for i, c := range cols {
		switch {
		case c.Name == "" || strings.ContainsAny(c.Name, ","):
			problems = append(problems, [2]string{c.Name, fmt.Sprintf("column %d: a name must be non-empty and hold no comma", i)})
			continue
		case seen[c.Name]:
			problems = append(problems, [2]string{c.Name, "column defined twice"})
			continue
		}
		seen[c.Name] = true
		base, ok := columnGoType(c.Type)
		if !ok {
			problems = append(problems, [2]string{c.Name, fmt.Sprintf("unknown column type %d", c.Type)})
			continue
		}
		if c.Nullable && c.NotNull {
			problems = append(problems, [2]string{c.Name, "a column is Nullable or NotNull, not both"})
			continue
		}
		tag := []string{c.Name}
		ft := base
		switch {
		case (c.Nullable || c.NotNull) && c.Type == TypeBytes:
			tag = append(tag, "null")
		case c.Nullable || c.NotNull:
			ft = reflect.PointerTo(base)
		}
		for _, flag := range []struct {
			on   bool
			name string
		}{{c.NotNull, "notnull"}, {c.PK, "pk"}, {c.AutoInc, "autoinc"}, {c.Unique, "unique"}, {c.Indexed, "index"}} {
			if flag.on {
				tag = append(tag, flag.name)
			}
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: ft,
			Tag: reflect.StructTag(`memrel:` + strconv.Quote(strings.Join(tag, ",")))})
	}
	fields = append(fields, reflect.StructField{Name: loadedName, Type: loadedType, Tag: `memrel:"-"`})
	return reflect.StructOf(fields), problems
}

// columnGoType is the Go type a column of type c holds.
func columnGoType(c ColumnType) (reflect.Type, bool) {
	switch c {
	case TypeInt:
		return reflect.TypeFor[int64](), true
	case TypeUint:
		return reflect.TypeFor[uint64](), true
	case TypeFloat:
		return reflect.TypeFor[float64](), true
	case TypeString:
		return reflect.TypeFor[string](), true
	case TypeBool:
		return reflect.TypeFor[bool](), true
	case TypeTime:
		return reflect.TypeFor[time.Time](), true
	case TypeBytes:
		return reflect.TypeFor[[]byte](), true
	}
	return nil, false
}
