package memrel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unsafe"

	"github.com/memrel/memrel/internal/keys"
)

// kind is the base type of a column, after unwrapping nullability.
type kind uint8

const (
	kInt kind = iota + 1
	kUint
	kFloat
	kString
	kBool
	kTime
	kBytes
)

// nullRep is how a Go field represents NULL.
type nullRep uint8

const (
	nullNone  nullRep = iota // a plain value: never NULL
	nullPtr                  // *X: nil is NULL
	nullSQL                  // sql.Null[X]: Valid == false is NULL
	nullBytes                // []byte tagged null: nil is NULL
)

var timeType = reflect.TypeOf(time.Time{})

// field is one column of a model, resolved once at definition. Every
// accessor works on the address of a row through its offset, so no
// reflection happens per call.
type field struct {
	name     string // column name, as queries and errors spell it
	goName   string
	off      uintptr
	kind     kind
	size     uintptr // of the base value, for integers and floats
	null     nullRep
	validOff uintptr // offset of Valid inside sql.Null[X]
	base     reflect.Type
	notNull  bool
	pk       bool
	autoInc  bool
	unique   bool
	indexed  bool
	def      any // canonical default, or nil
}

// nullable reports whether the column accepts NULL.
func (f *field) nullable() bool { return f.null != nullNone && !f.notNull }

// addr returns the address of the base value inside row, or nil for NULL.
func (f *field) addr(row unsafe.Pointer) unsafe.Pointer {
	p := unsafe.Add(row, f.off)
	switch f.null {
	case nullPtr:
		return *(*unsafe.Pointer)(p)
	case nullSQL:
		if !*(*bool)(unsafe.Add(p, f.validOff)) {
			return nil
		}
	case nullBytes:
		if *(*[]byte)(p) == nil {
			return nil
		}
	}
	return p
}

// isNull reports whether row holds NULL in this column.
func (f *field) isNull(row unsafe.Pointer) bool { return f.addr(row) == nil }

// get returns the canonical value (int64, uint64, float64, string, bool,
// time.Time or []byte), or nil for NULL.
func (f *field) get(row unsafe.Pointer) any {
	p := f.addr(row)
	if p == nil {
		return nil
	}
	switch f.kind {
	case kInt:
		return readInt(p, f.size)
	case kUint:
		return readUint(p, f.size)
	case kFloat:
		if f.size == 4 {
			return float64(*(*float32)(p))
		}
		return *(*float64)(p)
	case kString:
		return *(*string)(p)
	case kBool:
		return *(*bool)(p)
	case kTime:
		return *(*time.Time)(p)
	default:
		return *(*[]byte)(p)
	}
}

// keyWidth is the length of the encoded keys of fs, one after the other,
// or 0 when one of them varies in length. A NULL is shorter, never longer.
func keyWidth(fs ...*field) int {
	n := 0
	for _, f := range fs {
		switch f.kind {
		case kInt, kUint, kFloat:
			n += 9
		case kBool:
			n += 2
		case kTime:
			n += 13
		default:
			return 0
		}
	}
	return n
}

// key appends the order-preserving encoding of row's value; false for NULL.
func (f *field) key(row unsafe.Pointer, buf []byte) ([]byte, bool) {
	p := f.addr(row)
	if p == nil {
		return buf, false
	}
	switch f.kind {
	case kInt:
		return keys.AppendInt(buf, readInt(p, f.size)), true
	case kUint:
		return keys.AppendUint(buf, readUint(p, f.size)), true
	case kFloat:
		if f.size == 4 {
			return keys.AppendFloat(buf, float64(*(*float32)(p))), true
		}
		return keys.AppendFloat(buf, *(*float64)(p)), true
	case kString:
		return keys.AppendString(buf, *(*string)(p)), true
	case kBool:
		return keys.AppendBool(buf, *(*bool)(p)), true
	case kTime:
		return keys.AppendTime(buf, *(*time.Time)(p)), true
	default:
		return keys.AppendBytes(buf, *(*[]byte)(p)), true
	}
}

// encode appends the encoding of a canonical value (nil is NULL).
func (f *field) encode(v any, buf []byte) []byte {
	switch x := v.(type) {
	case nil:
		return keys.AppendNull(buf)
	case int64:
		return keys.AppendInt(buf, x)
	case uint64:
		return keys.AppendUint(buf, x)
	case float64:
		return keys.AppendFloat(buf, x)
	case string:
		return keys.AppendString(buf, x)
	case bool:
		return keys.AppendBool(buf, x)
	case time.Time:
		return keys.AppendTime(buf, x)
	default:
		return keys.AppendBytes(buf, x.([]byte))
	}
}

// set stores a canonical value (nil for NULL) into row. The caller has
// converted v with conv and checked nullability; storing NULL in a column
// that cannot represent it stores the zero value.
func (f *field) set(row unsafe.Pointer, v any) {
	p := unsafe.Add(row, f.off)
	switch f.null {
	case nullPtr:
		if v == nil {
			*(*unsafe.Pointer)(p) = nil
			return
		}
		np := f.alloc()
		writeBase(np, f.kind, f.size, v)
		*(*unsafe.Pointer)(p) = np
		return
	case nullSQL:
		valid := (*bool)(unsafe.Add(p, f.validOff))
		*valid = v != nil
		if v == nil {
			zeroBase(p, f.kind, f.size)
			return
		}
	case nullBytes:
		if v == nil {
			*(*[]byte)(p) = nil
			return
		}
	}
	if v == nil {
		zeroBase(p, f.kind, f.size)
		return
	}
	writeBase(p, f.kind, f.size, v)
}

// alloc allocates a fresh base value for a pointer field.
func (f *field) alloc() unsafe.Pointer {
	switch f.kind {
	case kString:
		return unsafe.Pointer(new(string))
	case kTime:
		return unsafe.Pointer(new(time.Time))
	case kBytes:
		return unsafe.Pointer(new([]byte))
	}
	// Integers, floats and bools hold no pointers: 8 bytes fit them all.
	return unsafe.Pointer(new(uint64))
}

// isZero reports whether a non-NULL value is its type's zero value.
func (f *field) isZero(row unsafe.Pointer) bool {
	p := f.addr(row)
	if p == nil {
		return false
	}
	switch f.kind {
	case kInt:
		return readInt(p, f.size) == 0
	case kUint:
		return readUint(p, f.size) == 0
	case kFloat:
		if f.size == 4 {
			return *(*float32)(p) == 0
		}
		return *(*float64)(p) == 0
	case kString:
		return *(*string)(p) == ""
	case kBool:
		return !*(*bool)(p)
	case kTime:
		return (*(*time.Time)(p)).IsZero()
	default:
		return len(*(*[]byte)(p)) == 0
	}
}

// own replaces the pointers a shallow struct copy shares with its original
// (pointer fields and byte slices) by fresh copies, so the copy and the
// original never alias.
func (f *field) own(row unsafe.Pointer) {
	p := unsafe.Add(row, f.off)
	switch {
	case f.null == nullPtr:
		old := *(*unsafe.Pointer)(p)
		if old == nil {
			return
		}
		np := f.alloc()
		switch f.kind {
		case kString:
			*(*string)(np) = *(*string)(old)
		case kTime:
			*(*time.Time)(np) = *(*time.Time)(old)
		case kBytes:
			*(*[]byte)(np) = cloneBytes(*(*[]byte)(old))
		default:
			copyBytes(np, old, f.size)
		}
		*(*unsafe.Pointer)(p) = np
	case f.kind == kBytes:
		*(*[]byte)(p) = cloneBytes(*(*[]byte)(p))
	}
}

// needsOwn reports whether own does anything for this field.
func (f *field) needsOwn() bool { return f.null == nullPtr || f.kind == kBytes }

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

func copyBytes(dst, src unsafe.Pointer, n uintptr) {
	copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(src), n))
}

func readInt(p unsafe.Pointer, size uintptr) int64 {
	switch size {
	case 1:
		return int64(*(*int8)(p))
	case 2:
		return int64(*(*int16)(p))
	case 4:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

func readUint(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

func writeBase(p unsafe.Pointer, k kind, size uintptr, v any) {
	switch k {
	case kInt:
		x := v.(int64)
		switch size {
		case 1:
			*(*int8)(p) = int8(x)
		case 2:
			*(*int16)(p) = int16(x)
		case 4:
			*(*int32)(p) = int32(x)
		default:
			*(*int64)(p) = x
		}
	case kUint:
		x := v.(uint64)
		switch size {
		case 1:
			*(*uint8)(p) = uint8(x)
		case 2:
			*(*uint16)(p) = uint16(x)
		case 4:
			*(*uint32)(p) = uint32(x)
		default:
			*(*uint64)(p) = x
		}
	case kFloat:
		if size == 4 {
			*(*float32)(p) = float32(v.(float64))
		} else {
			*(*float64)(p) = v.(float64)
		}
	case kString:
		*(*string)(p) = v.(string)
	case kBool:
		*(*bool)(p) = v.(bool)
	case kTime:
		*(*time.Time)(p) = v.(time.Time)
	case kBytes:
		*(*[]byte)(p) = cloneBytes(v.([]byte))
	}
}

func zeroBase(p unsafe.Pointer, k kind, size uintptr) {
	switch k {
	case kString:
		*(*string)(p) = ""
	case kTime:
		*(*time.Time)(p) = time.Time{}
	case kBytes:
		*(*[]byte)(p) = nil
	default:
		clear(unsafe.Slice((*byte)(p), size))
	}
}

// conv converts a caller's value to the canonical value the field stores,
// checking that it fits; nil stays nil (NULL). Every value written to a
// column goes through it (UpdateAll, scopes, keys), so what a write stores
// and what it then compares equal are the same value: a float32 column
// rounds to float32, and refuses a finite value that would become ±Inf or
// a non-zero one that would become 0, as PostgreSQL's cast to real does
// ("value out of range: overflow").
func (f *field) conv(v any) (any, error) {
	c, err := f.convOperand(v)
	if err != nil || c == nil || f.kind != kFloat || f.size != 4 {
		return c, err
	}
	r, ok := toFloat32(c.(float64))
	if !ok {
		return nil, fmt.Errorf("%w: %s: %g is out of range for float32", ErrBadValue, f.name, c)
	}
	return r, nil
}

// convOperand converts a where clause's constant to the field's canonical
// type, checking that it fits, without conv's rounding: PostgreSQL
// compares a real column with a double precision constant in double
// precision, so real = 0.1 is false for the real nearest 0.1, and a
// constant beyond the real range is no error there.
func (f *field) convOperand(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	c, ok := convert(f.kind, f.size, v)
	if !ok {
		return nil, fmt.Errorf("%w: %s of type %T does not fit %s", ErrBadValue, f.name, v, f.base)
	}
	return c, nil
}

// toFloat32 rounds x to the nearest float32, as float64; false when a
// finite x overflows to infinity or a non-zero x underflows to zero.
func toFloat32(x float64) (float64, bool) {
	r := float64(float32(x))
	if (math.IsInf(r, 0) && !math.IsInf(x, 0)) || (r == 0 && x != 0) {
		return 0, false
	}
	return r, true
}

func convert(k kind, size uintptr, v any) (any, bool) {
	switch k {
	case kInt:
		var x int64
		switch n := v.(type) {
		case int:
			x = int64(n)
		case int64:
			x = n
		case int32:
			x = int64(n)
		case int16:
			x = int64(n)
		case int8:
			x = int64(n)
		case uint, uint8, uint16, uint32, uint64:
			u, _ := convert(kUint, 8, v)
			if u.(uint64) > math.MaxInt64 {
				return nil, false
			}
			x = int64(u.(uint64))
		case float64:
			if n != math.Trunc(n) || math.Abs(n) > 1<<62 {
				return nil, false
			}
			x = int64(n)
		default:
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				x = rv.Int()
			default:
				return nil, false
			}
		}
		if size < 8 && (x < -(1<<(size*8-1)) || x >= 1<<(size*8-1)) {
			return nil, false
		}
		return x, true
	case kUint:
		var x uint64
		switch n := v.(type) {
		case uint:
			x = uint64(n)
		case uint64:
			x = n
		case uint32:
			x = uint64(n)
		case uint16:
			x = uint64(n)
		case uint8:
			x = uint64(n)
		case int, int8, int16, int32, int64:
			i, _ := convert(kInt, 8, v)
			if i.(int64) < 0 {
				return nil, false
			}
			x = uint64(i.(int64))
		case float64:
			if n < 0 || n != math.Trunc(n) || n > 1<<63 {
				return nil, false
			}
			x = uint64(n)
		default:
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				x = rv.Uint()
			default:
				return nil, false
			}
		}
		if size < 8 && x >= 1<<(size*8) {
			return nil, false
		}
		return x, true
	case kFloat:
		switch n := v.(type) {
		case float64:
			return n, true
		case float32:
			return float64(n), true
		case int:
			return float64(n), true
		case int64:
			return float64(n), true
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64 {
			return rv.Float(), true
		}
		return nil, false
	case kString:
		if s, ok := v.(string); ok {
			return s, true
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.String {
			return rv.String(), true
		}
		return nil, false
	case kBool:
		if b, ok := v.(bool); ok {
			return b, true
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Bool {
			return rv.Bool(), true
		}
		return nil, false
	case kTime:
		t, ok := v.(time.Time)
		return t, ok
	default:
		b, ok := v.([]byte)
		return b, ok
	}
}

// newField resolves one struct field and its tag. It returns nil, nil for a
// field that is not a column (tagged "-", unexported, or of a type that is
// left for associations to claim).
func newField(sf reflect.StructField) (*field, error) {
	tag, tagged := sf.Tag.Lookup("memrel")
	if tag == "-" || !sf.IsExported() {
		return nil, nil
	}
	f := &field{goName: sf.Name, off: sf.Offset}
	t := sf.Type
	switch {
	case t.Kind() == reflect.Pointer:
		f.null = nullPtr
		t = t.Elem()
	case t.Kind() == reflect.Struct && t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null["):
		f.null = nullSQL
		v, _ := t.FieldByName("V")
		valid, _ := t.FieldByName("Valid")
		f.validOff = valid.Offset
		f.off += v.Offset
		t = v.Type
	}
	f.base = t
	if !baseKind(f, t) {
		if !tagged {
			return nil, nil // maybe an association field; Open checks
		}
		return nil, fmt.Errorf("unsupported type %s", sf.Type)
	}
	if f.null == nullPtr && f.kind == kBytes {
		return nil, fmt.Errorf("unsupported type %s: use []byte tagged null", sf.Type)
	}
	parts := strings.Split(tag, ",")
	f.name = parts[0]
	if f.name == "" {
		f.name = lowerCamel(sf.Name)
	}
	var def string
	hasDef := false
	for _, opt := range parts[1:] {
		name, val, hasVal := strings.Cut(strings.TrimSpace(opt), "=")
		switch {
		case name == "pk" && !hasVal:
			f.pk = true
		case name == "autoinc" && !hasVal:
			f.autoInc = true
		case name == "unique" && !hasVal:
			f.unique = true
		case name == "notnull" && !hasVal:
			f.notNull = true
		case name == "null" && !hasVal:
			if f.null == nullNone && f.kind != kBytes {
				return nil, fmt.Errorf("tag null on non-nullable type %s: use a pointer or sql.Null", sf.Type)
			}
			if f.kind == kBytes && f.null == nullNone {
				f.null = nullBytes
			}
		case name == "index" && !hasVal:
			f.indexed = true
		case name == "default" && hasVal:
			def, hasDef = val, true
		default:
			return nil, fmt.Errorf("unknown tag option %q", opt)
		}
	}
	if hasDef {
		v, err := parseDefault(f, def)
		if err != nil {
			return nil, err
		}
		f.def = v
	}
	if f.autoInc && f.kind != kInt && f.kind != kUint {
		return nil, fmt.Errorf("autoinc on non-integer type %s", sf.Type)
	}
	if f.pk {
		f.notNull = true
		if f.kind != kInt && f.kind != kUint && f.kind != kString {
			return nil, fmt.Errorf("primary key of type %s: use an integer or a string", sf.Type)
		}
	}
	return f, nil
}

func baseKind(f *field, t reflect.Type) bool {
	f.size = t.Size()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.kind = kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.kind = kUint
	case reflect.Float32, reflect.Float64:
		f.kind = kFloat
	case reflect.String:
		f.kind = kString
	case reflect.Bool:
		f.kind = kBool
	case reflect.Struct:
		if t != timeType {
			return false
		}
		f.kind = kTime
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return false
		}
		f.kind = kBytes
	default:
		return false
	}
	return true
}

func parseDefault(f *field, s string) (any, error) {
	var v any
	var err error
	switch f.kind {
	case kInt:
		v, err = strconv.ParseInt(s, 10, int(f.size*8))
	case kUint:
		v, err = strconv.ParseUint(s, 10, int(f.size*8))
	case kFloat:
		var x float64
		if x, err = strconv.ParseFloat(s, 64); err == nil && f.size == 4 {
			// Rounded as conv rounds a written value.
			var ok bool
			if x, ok = toFloat32(x); !ok {
				err = errors.New("out of range for float32")
			}
		}
		v = x
	case kString:
		v = s
	case kBool:
		v, err = strconv.ParseBool(s)
	case kTime:
		v, err = time.Parse(time.RFC3339Nano, s)
	default:
		v = []byte(s)
	}
	if err != nil {
		return nil, fmt.Errorf("bad default %q: %v", s, err)
	}
	return v, nil
}

// lowerCamel turns a Go field name into Sequelize's attribute spelling:
// ID → id, PostID → postId, URLPath → urlPath.
func lowerCamel(name string) string {
	words := splitWords(name)
	var b strings.Builder
	for i, w := range words {
		w = strings.ToLower(w)
		if i > 0 {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			w = string(r)
		}
		b.WriteString(w)
	}
	return b.String()
}

// splitWords splits at lower→upper changes and before the last capital of
// an acronym followed by a lower-case letter.
func splitWords(s string) []string {
	r := []rune(s)
	var words []string
	start := 0
	for i := 1; i < len(r); i++ {
		lowerToUpper := unicode.IsUpper(r[i]) && !unicode.IsUpper(r[i-1])
		acronymEnd := unicode.IsUpper(r[i]) && unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
		if lowerToUpper || acronymEnd {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

// decode turns a primary key encoding back into its canonical value, for
// messages. Keys are integers or strings.
func (f *field) decode(k []byte) any {
	if len(k) == 0 || k[0] != keys.TagValue {
		return nil
	}
	k = k[1:]
	switch f.kind {
	case kInt:
		if len(k) >= 8 {
			return int64(binary.BigEndian.Uint64(k) ^ (1 << 63))
		}
	case kUint:
		if len(k) >= 8 {
			return binary.BigEndian.Uint64(k)
		}
	case kString:
		var b []byte
		for i := 0; i+1 < len(k) || (i < len(k) && k[i] != 0); i++ {
			if k[i] == 0 {
				if k[i+1] == 1 {
					break
				}
				b = append(b, 0)
				i++
				continue
			}
			b = append(b, k[i])
		}
		return string(b)
	}
	return fmt.Sprintf("%x", k)
}

// nullableKey appends f's key of row, or the NULL encoding.
func nullableKey(f *field, row unsafe.Pointer, buf []byte) []byte {
	k, ok := f.key(row, buf)
	if !ok {
		return keys.AppendNull(k)
	}
	return k
}

// maxID is the largest auto-increment id the key's type holds (sequences
// are int64, so at most MaxInt64).
func (f *field) maxID() int64 {
	bits := f.size * 8
	if f.kind == kInt {
		bits--
	}
	if bits >= 63 {
		return math.MaxInt64
	}
	return 1<<bits - 1
}

// copy copies this column from row src to row dst with typed writes, so
// pointers are published correctly; own must follow for a deep copy.
func (f *field) copy(dst, src unsafe.Pointer) {
	d, s := unsafe.Add(dst, f.off), unsafe.Add(src, f.off)
	switch {
	case f.null == nullPtr:
		*(*unsafe.Pointer)(d) = *(*unsafe.Pointer)(s)
		return
	case f.null == nullSQL:
		*(*bool)(unsafe.Add(d, f.validOff)) = *(*bool)(unsafe.Add(s, f.validOff))
	}
	switch f.kind {
	case kString:
		*(*string)(d) = *(*string)(s)
	case kTime:
		*(*time.Time)(d) = *(*time.Time)(s)
	case kBytes:
		*(*[]byte)(d) = *(*[]byte)(s)
	default:
		copyBytes(d, s, f.size) // numbers and bools hold no pointers
	}
}

// seqValue is an integer key as a sequence value (unsigned keys beyond
// MaxInt64 count as MaxInt64).
func (f *field) seqValue(p unsafe.Pointer) int64 {
	a := f.addr(p)
	switch {
	case a == nil:
		return 0
	case f.kind == kInt:
		return readInt(a, f.size)
	case f.kind == kUint:
		return int64(min(readUint(a, f.size), math.MaxInt64))
	}
	return 0
}
