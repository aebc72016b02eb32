package meta

import (
	"bytes"
	"reflect"
	"slices"
	"time"
	"unsafe"
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
	NullCodec                // a codec column: NULL when its canonical value is nil
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
	Fixed    int     // a [Fixed]byte array's length, 0 for a []byte
	Null     NullRep
	ValidOff uintptr // offset of Valid inside sql.Null[X]
	Base     reflect.Type
	NotNull  bool
	PK       bool
	AutoInc  bool
	Unique   bool
	Indexed  bool
	Default  any // canonical default, or nil
	codec    *codec
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
	case NullCodec:
		if v, _ := f.codecValue(p); v == nil {
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
	if f.codec != nil {
		// A stored row's value was checked on its way in.
		v, _ := f.codecValue(unsafe.Add(row, f.Off))
		return v
	}
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
		if f.Fixed > 0 {
			return bytes.Clone(f.array(p))
		}
		return *(*[]byte)(p)
	}
}

// array is the bytes of a fixed-size array column's value at p, in place.
func (f *Field) array(p unsafe.Pointer) []byte { return unsafe.Slice((*byte)(p), f.Fixed) }

// write stores a non-NULL canonical value at p, the base value's address.
func (f *Field) write(p unsafe.Pointer, v any) {
	if f.Fixed > 0 {
		copy(f.array(p), v.([]byte)) // Conv checked the length
		return
	}
	writeBase(p, f.Kind, f.Size, v)
}

// zero stores the base value's zero at p.
func (f *Field) zero(p unsafe.Pointer) {
	if f.Fixed > 0 {
		clear(f.array(p))
		return
	}
	zeroBase(p, f.Kind, f.Size)
}

// Set stores a canonical value (nil for NULL) into row. The caller has
// converted v with conv and checked nullability; storing NULL in a column
// that cannot represent it stores the zero value.
func (f *Field) Set(row unsafe.Pointer, v any) {
	p := unsafe.Add(row, f.Off)
	if f.codec != nil {
		_ = f.codecScan(p, detach(v)) // Conv checked that v scans
		return
	}
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
			f.zero(p)
			return
		}
	case NullBytes:
		if v == nil {
			*(*[]byte)(p) = nil
			return
		}
	}
	if v == nil {
		f.zero(p)
		return
	}
	f.write(p, v)
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
	if f.codec != nil {
		v := f.Get(row)
		return v != nil && reflect.ValueOf(v).IsZero()
	}
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
		if f.Fixed > 0 {
			return !slices.ContainsFunc(f.array(p), func(b byte) bool { return b != 0 })
		}
		return len(*(*[]byte)(p)) == 0
	}
}

// Own replaces the pointers a shallow struct copy shares with its original
// (pointer fields and byte slices) by fresh copies, so the copy and the
// original never alias.
func (f *Field) Own(row unsafe.Pointer) {
	p := unsafe.Add(row, f.Off)
	switch {
	case f.codec != nil:
		_ = f.codecOwn(row) // a caller's value was checked by OwnChecked
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
	case f.Kind == Bytes && f.Fixed == 0:
		*(*[]byte)(p) = cloneBytes(*(*[]byte)(p))
	}
}

// NeedsOwn reports whether own does anything for this field.
func (f *Field) NeedsOwn() bool {
	return f.codec != nil || f.Null == NullPtr || f.Kind == Bytes && f.Fixed == 0
}

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

// Copy copies this column from row src to row dst with typed writes, so
// pointers are published correctly; own must follow for a deep Copy.
func (f *Field) Copy(dst, src unsafe.Pointer) {
	d, s := unsafe.Add(dst, f.Off), unsafe.Add(src, f.Off)
	switch {
	case f.codec != nil:
		f.copyCodec(d, s)
		return
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
		if f.Fixed > 0 {
			copyBytes(d, s, f.Size)
			return
		}
		*(*[]byte)(d) = *(*[]byte)(s)
	default:
		copyBytes(d, s, f.Size) // numbers and bools hold no pointers
	}
}
