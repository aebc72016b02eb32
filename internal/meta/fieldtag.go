package meta

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// NewField resolves one struct field and its tag. It returns nil, nil for a
// field that is not a column (tagged "-", unexported, or of a type that is
// left for associations to claim).
func NewField(sf reflect.StructField) (*Field, error) {
	tag, tagged := sf.Tag.Lookup("memrel")
	var spec tagSpec
	if tagged {
		spec = parseTag(tag)
	} else {
		spec = foreignTag(sf)
	}
	if spec.skip || !sf.IsExported() {
		return nil, nil
	}
	f := &Field{GoName: sf.Name, Off: sf.Offset, Name: spec.name}
	if f.Name == "" {
		f.Name = LowerCamel(sf.Name)
	}
	t := sf.Type
	asJSON, typeOpt := spec.has("json"), spec.value("type")
	elem := t
	if t.Kind() == reflect.Pointer {
		elem = t.Elem()
	}
	switch {
	case asJSON || isValuer(elem) && !nullShape(elem):
		if err := newCodec(f, t, asJSON, typeOpt); err != nil {
			return nil, err
		}
	case t.Kind() == reflect.Pointer:
		f.Null = NullPtr
		t = t.Elem()
	case nullShape(t):
		f.Null = NullSQL
		v, valid := t.Field(0), t.Field(1)
		f.ValidOff = valid.Offset - v.Offset
		f.Off += v.Offset
		t = v.Type
	}
	if f.codec == nil {
		f.Base = t
		if !baseKind(f, t) {
			if !tagged {
				return nil, nil // maybe an association field; Open checks
			}
			return nil, fmt.Errorf("unsupported type %s%s", sf.Type, jsonHint(t))
		}
	}
	if f.Null == NullPtr && f.Fixed > 0 {
		return nil, fmt.Errorf("unsupported type %s: use sql.Null[%s]", sf.Type, t)
	}
	if f.Null == NullPtr && f.Kind == Bytes {
		return nil, fmt.Errorf("unsupported type %s: use []byte tagged null", sf.Type)
	}
	var def string
	hasDef := false
	for _, opt := range spec.opts {
		name, val, hasVal := opt.name, opt.val, opt.hasVal
		switch {
		case name == "pk" && !hasVal:
			f.PK = true
		case name == "autoinc" && !hasVal:
			f.AutoInc = true
		case name == "unique" && !hasVal:
			f.Unique = true
		case name == "notnull" && !hasVal:
			f.NotNull = true
		case (name == "json" && !hasVal || name == "type" && hasVal) && f.codec != nil:
			// read above
		case name == "null" && !hasVal && f.codec != nil:
			f.codec.null = true
		case name == "null" && !hasVal:
			if f.Null == NullNone && f.Kind != Bytes {
				return nil, fmt.Errorf("tag null on non-nullable type %s: use a pointer or sql.Null", sf.Type)
			}
			if f.Fixed > 0 && f.Null == NullNone {
				return nil, fmt.Errorf("tag null on %s: use sql.Null[%s]", sf.Type, sf.Type)
			}
			if f.Kind == Bytes && f.Null == NullNone {
				f.Null = NullBytes
			}
		case name == "index" && !hasVal:
			f.Indexed = true
		case name == "default" && hasVal:
			def, hasDef = val, true
		default:
			return nil, fmt.Errorf("unknown tag option %q", opt.raw)
		}
	}
	if hasDef {
		v, err := parseDefault(f, def)
		if err != nil {
			return nil, err
		}
		f.Default = v
	}
	if f.codec != nil && !f.codec.null {
		// NULL (Value nil) cannot be stored: the NOT NULL check says so.
		f.NotNull = true
	}
	if f.AutoInc && (f.Kind != Int && f.Kind != Uint || f.codec != nil) {
		return nil, fmt.Errorf("autoinc on non-integer type %s", sf.Type)
	}
	if f.PK {
		f.NotNull = true
		if f.Kind != Int && f.Kind != Uint && f.Kind != String && f.Fixed == 0 && (f.codec == nil || f.Kind != Bytes) {
			return nil, fmt.Errorf("primary key of type %s: use an integer, a string or a byte array", sf.Type)
		}
	}
	return f, nil
}

// tagSpec is a field's tag, parsed: the column name, the options in
// order, and whether the field is no column ("-"). A gorm tag is
// translated into one directly, never through a memrel tag string, so a
// value holding a comma (default:'a,b') stays one option.
type tagSpec struct {
	name string
	skip bool
	opts []tagOpt
}

// tagOpt is one option of a tag: name=val, or name alone; raw is how the
// memrel tag spelled it, for errors.
type tagOpt struct {
	name, val, raw string
	hasVal         bool
}

// parseTag splits a memrel tag ("name,pk,default=x") at its commas.
func parseTag(tag string) tagSpec {
	if tag == "-" {
		return tagSpec{skip: true}
	}
	parts := strings.Split(tag, ",")
	spec := tagSpec{name: parts[0]}
	for _, raw := range parts[1:] {
		name, val, hasVal := strings.Cut(strings.TrimSpace(raw), "=")
		spec.opts = append(spec.opts, tagOpt{name: name, val: val, raw: raw, hasVal: hasVal})
	}
	return spec
}

// has reports whether the tag has the option name without a value.
func (s tagSpec) has(name string) bool {
	return slices.ContainsFunc(s.opts, func(o tagOpt) bool { return o.name == name && !o.hasVal })
}

// value is the value of the tag's option name=value, or "".
func (s tagSpec) value(name string) string {
	for _, o := range s.opts {
		if o.name == name && o.hasVal {
			return o.val
		}
	}
	return ""
}

// jsonHint suggests the json option for a type only JSON can store.
func jsonHint(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Struct, reflect.Array:
		return `: tag it memrel:",json" to store it as JSON text`
	}
	return ""
}

// flagOpt is an option without a value.
func flagOpt(name string) tagOpt { return tagOpt{name: name, raw: name} }

// foreignTag is what a field without a memrel tag means by its gorm tag
// (column, primaryKey, autoIncrement, not null, unique, uniqueIndex
// without a name, index, default, and "-"; other options, such as
// foreignKey or type, are left to GORM) or its json tag (the name only).
// A named uniqueIndex becomes a composite unique constraint in
// uniqueIndexes, since it may span several fields.
func foreignTag(sf reflect.StructField) tagSpec {
	var spec tagSpec
	if j, ok := sf.Tag.Lookup("json"); ok {
		if n, _, _ := strings.Cut(j, ","); n != "-" {
			spec.name = n
		}
	}
	g, ok := sf.Tag.Lookup("gorm")
	if !ok {
		return spec
	}
	gopts := gormOptions(g)
	for _, o := range gopts {
		switch o.key {
		case "-":
			return tagSpec{skip: true}
		case "column":
			spec.name = o.val
		case "primarykey", "primary_key":
			spec.opts = append(spec.opts, flagOpt("pk"))
			// GORM's integer keys count up unless told otherwise.
			k := sf.Type.Kind()
			if k >= reflect.Int && k <= reflect.Uint64 && !slices.Contains(gopts, gormOption{"autoincrement", "false"}) {
				spec.opts = append(spec.opts, flagOpt("autoinc"))
			}
		case "autoincrement":
			if (o.val == "" || o.val == "true") && !spec.has("autoinc") {
				spec.opts = append(spec.opts, flagOpt("autoinc"))
			}
		case "not null":
			spec.opts = append(spec.opts, flagOpt("notnull"))
		case "unique":
			spec.opts = append(spec.opts, flagOpt("unique"))
		case "uniqueindex":
			if o.val == "" {
				spec.opts = append(spec.opts, flagOpt("unique"))
			} else {
				spec.opts = append(spec.opts, flagOpt("index"))
			}
		case "index":
			spec.opts = append(spec.opts, flagOpt("index"))
		case "serializer":
			if o.val == "json" {
				spec.opts = append(spec.opts, flagOpt("json"))
				// GORM's JSON serializer writes NULL for a nil value
				// unless the column is NOT NULL.
				if !slices.Contains(gopts, gormOption{"not null", ""}) {
					spec.opts = append(spec.opts, flagOpt("null"))
				}
			}
		case "default":
			v := strings.Trim(o.val, "'")
			spec.opts = append(spec.opts, tagOpt{name: "default", val: v, raw: "default=" + v, hasVal: true})
		}
	}
	return spec
}

// gormOption is one option of a gorm tag: its key in lower case, its
// value as written (lower case for true and false).
type gormOption struct{ key, val string }

// gormOptions splits a gorm tag ("column:name;not null;default:'x'").
func gormOptions(tag string) []gormOption {
	var out []gormOption
	for _, part := range strings.Split(tag, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), ":")
		if strings.EqualFold(v, "true") || strings.EqualFold(v, "false") {
			v = strings.ToLower(v)
		}
		out = append(out, gormOption{strings.ToLower(strings.TrimSpace(k)), v})
	}
	return out
}

// uniqueIndexes maps the names of a struct's gorm uniqueIndex:name tags to
// the Go names of the fields that share each, in struct order.
func uniqueIndexes(fields []reflect.StructField) map[string][]string {
	var m map[string][]string
	for _, sf := range fields {
		if _, tagged := sf.Tag.Lookup("memrel"); tagged {
			continue
		}
		for _, o := range gormOptions(sf.Tag.Get("gorm")) {
			if o.key == "uniqueindex" && o.val != "" {
				if m == nil {
					m = map[string][]string{}
				}
				m[o.val] = append(m[o.val], sf.Name)
			}
		}
	}
	return m
}

var scannerType = reflect.TypeFor[sql.Scanner]()

// nullShape reports whether t is a nullable value in database/sql's
// shape: a struct of a value of a base kind and then Valid bool, from
// database/sql (Null[T], NullString, NullInt64, NullTime, ...) or a
// sql.Scanner of its own, as gorm.DeletedAt is. Such a field is NULL when
// Valid is false and stored without calling its methods.
func nullShape(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.NumField() != 2 || t == timeType {
		return false
	}
	v, valid := t.Field(0), t.Field(1)
	if !v.IsExported() || valid.Name != "Valid" || valid.Type.Kind() != reflect.Bool {
		return false
	}
	if t.PkgPath() != "database/sql" && !reflect.PointerTo(t).Implements(scannerType) {
		return false
	}
	return baseKind(&Field{}, v.Type)
}

func baseKind(f *Field, t reflect.Type) bool {
	f.Size = t.Size()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.Kind = Int
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.Kind = Uint
	case reflect.Float32, reflect.Float64:
		f.Kind = Float
	case reflect.String:
		f.Kind = String
	case reflect.Bool:
		f.Kind = Bool
	case reflect.Struct:
		if t != timeType {
			return false
		}
		f.Kind = Time
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return false
		}
		f.Kind = Bytes
	case reflect.Array:
		// A fixed-size byte array (a UUID) is bytes of that length, which
		// can be a key: it holds no pointer.
		if t.Elem().Kind() != reflect.Uint8 || t.Len() == 0 {
			return false
		}
		f.Kind, f.Fixed = Bytes, t.Len()
	default:
		return false
	}
	return true
}

func parseDefault(f *Field, s string) (any, error) {
	var v any
	var err error
	switch f.Kind {
	case Int:
		v, err = strconv.ParseInt(s, 10, int(f.Size*8))
	case Uint:
		v, err = strconv.ParseUint(s, 10, int(f.Size*8))
	case Float:
		var x float64
		if x, err = strconv.ParseFloat(s, 64); err == nil && f.Size == 4 {
			// Rounded as conv rounds a written value.
			var ok bool
			if x, ok = toFloat32(x); !ok {
				err = errors.New("out of range for float32")
			}
		}
		v = x
	case String:
		v = s
	case Bool:
		v, err = strconv.ParseBool(s)
	case Time:
		v, err = time.Parse(time.RFC3339Nano, s)
	default:
		v = []byte(s)
		if f.Fixed > 0 && len(s) != f.Fixed {
			err = fmt.Errorf("%d bytes for a %s", len(s), f.Base)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bad default %q: %v", s, err)
	}
	return v, nil
}
