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

// Kind is the base type of a column, after unwrapping nullability.
type Kind uint8

const (
	Int Kind = iota + 1
	Uint
	Float
	String
	Bool
	Time
	Bytes
)

// NullRep is how a Go field represents NULL.
type NullRep uint8

const (
	NullNone  NullRep = iota // a plain value: never NULL
	NullPtr                  // *X: nil is NULL
	NullSQL                  // sql.Null[X]: Valid == false is NULL
	NullBytes                // []byte tagged null: nil is NULL
)

var timeType = reflect.TypeOf(time.Time{})

// Field is one column of a model, resolved once at definition. Every
// accessor works on the address of a row through its offset, so no
// reflection happens per call.
type Field struct {
	Name     string // column name, as queries and errors spell it
	GoName   string
	Off      uintptr
	Kind     Kind
	Size     uintptr // of the base value, for integers and floats
	Null     NullRep
	ValidOff uintptr // offset of Valid inside sql.Null[X]
	Base     reflect.Type
	NotNull  bool
	PK       bool
	AutoInc  bool
	Unique   bool
	Indexed  bool
	Default  any // canonical default, or nil
}

// Nullable reports whether the column accepts NULL.
func (f *Field) Nullable() bool { return f.Null != NullNone && !f.NotNull }

// Addr returns the address of the base value inside row, or nil for NULL.
func (f *Field) Addr(row unsafe.Pointer) unsafe.Pointer {
	p := unsafe.Add(row, f.Off)
	switch f.Null {
	case NullPtr:
		return *(*unsafe.Pointer)(p)
	case NullSQL:
		if !*(*bool)(unsafe.Add(p, f.ValidOff)) {
			return nil
		}
	case NullBytes:
		if *(*[]byte)(p) == nil {
			return nil
		}
	}
	return p
}

// IsNull reports whether row holds NULL in this column.
func (f *Field) IsNull(row unsafe.Pointer) bool { return f.Addr(row) == nil }

// Get returns the canonical value (int64, uint64, float64, string, bool,
// time.Time or []byte), or nil for NULL.
func (f *Field) Get(row unsafe.Pointer) any {
	p := f.Addr(row)
	if p == nil {
		return nil
	}
	switch f.Kind {
	case Int:
		return readInt(p, f.Size)
	case Uint:
		return readUint(p, f.Size)
	case Float:
		if f.Size == 4 {
			return float64(*(*float32)(p))
		}
		return *(*float64)(p)
	case String:
		return *(*string)(p)
	case Bool:
		return *(*bool)(p)
	case Time:
		return *(*time.Time)(p)
	default:
		return *(*[]byte)(p)
	}
}

// KeyWidth is the length of the encoded keys of fs, one after the other,
// or 0 when one of them varies in length. A NULL is shorter, never longer.
func KeyWidth(fs ...*Field) int {
	n := 0
	for _, f := range fs {
		switch f.Kind {
		case Int, Uint, Float:
			n += 9
		case Bool:
			n += 2
		case Time:
			n += 13
		default:
			return 0
		}
	}
	return n
}

// Key appends the order-preserving encoding of row's value; false for NULL.
func (f *Field) Key(row unsafe.Pointer, buf []byte) ([]byte, bool) {
	p := f.Addr(row)
	if p == nil {
		return buf, false
	}
	switch f.Kind {
	case Int:
		return keys.AppendInt(buf, readInt(p, f.Size)), true
	case Uint:
		return keys.AppendUint(buf, readUint(p, f.Size)), true
	case Float:
		if f.Size == 4 {
			return keys.AppendFloat(buf, float64(*(*float32)(p))), true
		}
		return keys.AppendFloat(buf, *(*float64)(p)), true
	case String:
		return keys.AppendString(buf, *(*string)(p)), true
	case Bool:
		return keys.AppendBool(buf, *(*bool)(p)), true
	case Time:
		return keys.AppendTime(buf, *(*time.Time)(p)), true
	default:
		return keys.AppendBytes(buf, *(*[]byte)(p)), true
	}
}

// Encode appends the encoding of a canonical value (nil is NULL).
func (f *Field) Encode(v any, buf []byte) []byte {
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

// Set stores a canonical value (nil for NULL) into row. The caller has
// converted v with conv and checked nullability; storing NULL in a column
// that cannot represent it stores the zero value.
func (f *Field) Set(row unsafe.Pointer, v any) {
	p := unsafe.Add(row, f.Off)
	switch f.Null {
	case NullPtr:
		if v == nil {
			*(*unsafe.Pointer)(p) = nil
			return
		}
		np := f.Alloc()
		writeBase(np, f.Kind, f.Size, v)
		*(*unsafe.Pointer)(p) = np
		return
	case NullSQL:
		valid := (*bool)(unsafe.Add(p, f.ValidOff))
		*valid = v != nil
		if v == nil {
			zeroBase(p, f.Kind, f.Size)
			return
		}
	case NullBytes:
		if v == nil {
			*(*[]byte)(p) = nil
			return
		}
	}
	if v == nil {
		zeroBase(p, f.Kind, f.Size)
		return
	}
	writeBase(p, f.Kind, f.Size, v)
}

// Alloc allocates a fresh base value for a pointer field.
func (f *Field) Alloc() unsafe.Pointer {
	switch f.Kind {
	case String:
		return unsafe.Pointer(new(string))
	case Time:
		return unsafe.Pointer(new(time.Time))
	case Bytes:
		return unsafe.Pointer(new([]byte))
	}
	// Integers, floats and bools hold no pointers: 8 bytes fit them all.
	return unsafe.Pointer(new(uint64))
}

// IsZero reports whether a non-NULL value is its type's zero value.
func (f *Field) IsZero(row unsafe.Pointer) bool {
	p := f.Addr(row)
	if p == nil {
		return false
	}
	switch f.Kind {
	case Int:
		return readInt(p, f.Size) == 0
	case Uint:
		return readUint(p, f.Size) == 0
	case Float:
		if f.Size == 4 {
			return *(*float32)(p) == 0
		}
		return *(*float64)(p) == 0
	case String:
		return *(*string)(p) == ""
	case Bool:
		return !*(*bool)(p)
	case Time:
		return (*(*time.Time)(p)).IsZero()
	default:
		return len(*(*[]byte)(p)) == 0
	}
}

// Own replaces the pointers a shallow struct copy shares with its original
// (pointer fields and byte slices) by fresh copies, so the copy and the
// original never alias.
func (f *Field) Own(row unsafe.Pointer) {
	p := unsafe.Add(row, f.Off)
	switch {
	case f.Null == NullPtr:
		old := *(*unsafe.Pointer)(p)
		if old == nil {
			return
		}
		np := f.Alloc()
		switch f.Kind {
		case String:
			*(*string)(np) = *(*string)(old)
		case Time:
			*(*time.Time)(np) = *(*time.Time)(old)
		case Bytes:
			*(*[]byte)(np) = cloneBytes(*(*[]byte)(old))
		default:
			copyBytes(np, old, f.Size)
		}
		*(*unsafe.Pointer)(p) = np
	case f.Kind == Bytes:
		*(*[]byte)(p) = cloneBytes(*(*[]byte)(p))
	}
}

// NeedsOwn reports whether own does anything for this field.
func (f *Field) NeedsOwn() bool { return f.Null == NullPtr || f.Kind == Bytes }

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

func writeBase(p unsafe.Pointer, k Kind, size uintptr, v any) {
	switch k {
	case Int:
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
	case Uint:
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
	case Float:
		if size == 4 {
			*(*float32)(p) = float32(v.(float64))
		} else {
			*(*float64)(p) = v.(float64)
		}
	case String:
		*(*string)(p) = v.(string)
	case Bool:
		*(*bool)(p) = v.(bool)
	case Time:
		*(*time.Time)(p) = v.(time.Time)
	case Bytes:
		*(*[]byte)(p) = cloneBytes(v.([]byte))
	}
}

func zeroBase(p unsafe.Pointer, k Kind, size uintptr) {
	switch k {
	case String:
		*(*string)(p) = ""
	case Time:
		*(*time.Time)(p) = time.Time{}
	case Bytes:
		*(*[]byte)(p) = nil
	default:
		clear(unsafe.Slice((*byte)(p), size))
	}
}

// Conv converts a caller's value to the canonical value the field stores,
// checking that it fits; nil stays nil (NULL). Every value written to a
// column goes through it (UpdateAll, scopes, keys), so what a write stores
// and what it then compares equal are the same value: a float32 column
// rounds to float32, and refuses a finite value that would become ±Inf or
// a non-zero one that would become 0, as PostgreSQL's cast to real does
// ("value out of range: overflow").
func (f *Field) Conv(v any) (any, error) {
	c, err := f.ConvOperand(v)
	if err != nil || c == nil || f.Kind != Float || f.Size != 4 {
		return c, err
	}
	r, ok := toFloat32(c.(float64))
	if !ok {
		return nil, fmt.Errorf("%w: %s: %g is out of range for float32", ErrBadValue, f.Name, c)
	}
	return r, nil
}

// ConvOperand converts a where clause's constant to the field's canonical
// type, checking that it fits, without conv's rounding: PostgreSQL
// compares a real column with a double precision constant in double
// precision, so real = 0.1 is false for the real nearest 0.1, and a
// constant beyond the real range is no error there.
func (f *Field) ConvOperand(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	c, ok := Convert(f.Kind, f.Size, v)
	if !ok {
		return nil, fmt.Errorf("%w: %s of type %T does not fit %s", ErrBadValue, f.Name, v, f.Base)
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

func Convert(k Kind, size uintptr, v any) (any, bool) {
	switch k {
	case Int:
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
			u, _ := Convert(Uint, 8, v)
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
	case Uint:
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
			i, _ := Convert(Int, 8, v)
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
	case Float:
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
	case String:
		if s, ok := v.(string); ok {
			return s, true
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.String {
			return rv.String(), true
		}
		return nil, false
	case Bool:
		if b, ok := v.(bool); ok {
			return b, true
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Bool {
			return rv.Bool(), true
		}
		return nil, false
	case Time:
		t, ok := v.(time.Time)
		return t, ok
	default:
		b, ok := v.([]byte)
		return b, ok
	}
}

// NewField resolves one struct field and its tag. It returns nil, nil for a
// field that is not a column (tagged "-", unexported, or of a type that is
// left for associations to claim).
func NewField(sf reflect.StructField) (*Field, error) {
	tag, tagged := sf.Tag.Lookup("memrel")
	if tag == "-" || !sf.IsExported() {
		return nil, nil
	}
	f := &Field{GoName: sf.Name, Off: sf.Offset}
	t := sf.Type
	switch {
	case t.Kind() == reflect.Pointer:
		f.Null = NullPtr
		t = t.Elem()
	case t.Kind() == reflect.Struct && t.PkgPath() == "database/sql" && strings.HasPrefix(t.Name(), "Null["):
		f.Null = NullSQL
		v, _ := t.FieldByName("V")
		valid, _ := t.FieldByName("Valid")
		f.ValidOff = valid.Offset
		f.Off += v.Offset
		t = v.Type
	}
	f.Base = t
	if !baseKind(f, t) {
		if !tagged {
			return nil, nil // maybe an association field; Open checks
		}
		return nil, fmt.Errorf("unsupported type %s", sf.Type)
	}
	if f.Null == NullPtr && f.Kind == Bytes {
		return nil, fmt.Errorf("unsupported type %s: use []byte tagged null", sf.Type)
	}
	parts := strings.Split(tag, ",")
	f.Name = parts[0]
	if f.Name == "" {
		f.Name = LowerCamel(sf.Name)
	}
	var def string
	hasDef := false
	for _, opt := range parts[1:] {
		name, val, hasVal := strings.Cut(strings.TrimSpace(opt), "=")
		switch {
		case name == "pk" && !hasVal:
			f.PK = true
		case name == "autoinc" && !hasVal:
			f.AutoInc = true
		case name == "unique" && !hasVal:
			f.Unique = true
		case name == "notnull" && !hasVal:
			f.NotNull = true
		case name == "null" && !hasVal:
			if f.Null == NullNone && f.Kind != Bytes {
				return nil, fmt.Errorf("tag null on non-nullable type %s: use a pointer or sql.Null", sf.Type)
			}
			if f.Kind == Bytes && f.Null == NullNone {
				f.Null = NullBytes
			}
		case name == "index" && !hasVal:
			f.Indexed = true
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
		f.Default = v
	}
	if f.AutoInc && f.Kind != Int && f.Kind != Uint {
		return nil, fmt.Errorf("autoinc on non-integer type %s", sf.Type)
	}
	if f.PK {
		f.NotNull = true
		if f.Kind != Int && f.Kind != Uint && f.Kind != String {
			return nil, fmt.Errorf("primary key of type %s: use an integer or a string", sf.Type)
		}
	}
	return f, nil
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
	}
	if err != nil {
		return nil, fmt.Errorf("bad default %q: %v", s, err)
	}
	return v, nil
}

// LowerCamel turns a Go field name into Sequelize's attribute spelling:
// ID → id, PostID → postId, URLPath → urlPath.
func LowerCamel(name string) string {
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

// Decode turns a primary key encoding back into its canonical value, for
// messages. Keys are integers or strings.
func (f *Field) Decode(k []byte) any {
	if len(k) == 0 || k[0] != keys.TagValue {
		return nil
	}
	k = k[1:]
	switch f.Kind {
	case Int:
		if len(k) >= 8 {
			return int64(binary.BigEndian.Uint64(k) ^ (1 << 63))
		}
	case Uint:
		if len(k) >= 8 {
			return binary.BigEndian.Uint64(k)
		}
	case String:
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

// NullableKey appends f's key of row, or the NULL encoding.
func NullableKey(f *Field, row unsafe.Pointer, buf []byte) []byte {
	k, ok := f.Key(row, buf)
	if !ok {
		return keys.AppendNull(k)
	}
	return k
}

// MaxID is the largest auto-increment id the key's type holds (sequences
// are int64, so at most MaxInt64).
func (f *Field) MaxID() int64 {
	bits := f.Size * 8
	if f.Kind == Int {
		bits--
	}
	if bits >= 63 {
		return math.MaxInt64
	}
	return 1<<bits - 1
}

// Copy copies this column from row src to row dst with typed writes, so
// pointers are published correctly; own must follow for a deep Copy.
func (f *Field) Copy(dst, src unsafe.Pointer) {
	d, s := unsafe.Add(dst, f.Off), unsafe.Add(src, f.Off)
	switch {
	case f.Null == NullPtr:
		*(*unsafe.Pointer)(d) = *(*unsafe.Pointer)(s)
		return
	case f.Null == NullSQL:
		*(*bool)(unsafe.Add(d, f.ValidOff)) = *(*bool)(unsafe.Add(s, f.ValidOff))
	}
	switch f.Kind {
	case String:
		*(*string)(d) = *(*string)(s)
	case Time:
		*(*time.Time)(d) = *(*time.Time)(s)
	case Bytes:
		*(*[]byte)(d) = *(*[]byte)(s)
	default:
		copyBytes(d, s, f.Size) // numbers and bools hold no pointers
	}
}

// SeqValue is an integer key as a sequence value (unsigned keys beyond
// MaxInt64 count as MaxInt64).
func (f *Field) SeqValue(p unsafe.Pointer) int64 {
	a := f.Addr(p)
	switch {
	case a == nil:
		return 0
	case f.Kind == Int:
		return readInt(a, f.Size)
	case f.Kind == Uint:
		return int64(min(readUint(a, f.Size), math.MaxInt64))
	}
	return 0
}
