package meta

import (
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/keys"
)

// KeyWidth is the length of the encoded keys of fs, one after the other,
// or 0 when one of them varies in length. A NULL is shorter, never longer.
func KeyWidth(fs ...*Field) int {
	n := 0
	for _, f := range fs {
		switch f.Kind {
		case Int, Uint:
			n += keys.IntWidth
		case Float:
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

// KeyLen is the length of the first encoded value of f in k: fixed for
// the fixed-width kinds, up to the terminator for text and bytes.
func (f *Field) KeyLen(k []byte) int {
	if len(k) == 0 || k[0] != keys.TagValue {
		return min(1, len(k)) // NULL: the tag alone
	}
	if w := KeyWidth(f); w > 0 {
		return min(w, len(k))
	}
	for i := 1; i+1 < len(k); i++ {
		if k[i] == 0 {
			if k[i+1] == 1 {
				return i + 2
			}
			i++ // an escaped zero byte
		}
	}
	return len(k)
}

// Key appends the order-preserving encoding of row's value; false for NULL.
func (f *Field) Key(row unsafe.Pointer, buf []byte) ([]byte, bool) {
	if f.codec != nil {
		if v := f.Get(row); v != nil {
			return f.Encode(v, buf), true
		}
		return buf, false
	}
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
		if f.Fixed > 0 {
			return keys.AppendBytes(buf, f.array(p)), true
		}
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

// Decode turns a key encoding of f back into its canonical value, for
// messages; a malformed one comes back as its hex digits.
func (f *Field) Decode(k []byte) any {
	r := keys.NewReader(k)
	if r.Null() {
		return nil
	}
	var v any
	switch f.Kind {
	case Int:
		v = r.Int()
	case Uint:
		v = r.Uint()
	case Float:
		v = r.Float()
	case String:
		v = r.String()
	case Bool:
		v = r.Bool()
	case Time:
		v = r.Time()
	default:
		v = r.Bytes()
	}
	if !r.Ok() {
		if len(k) > 0 && k[0] == keys.TagValue {
			k = k[1:] // the digits of the value, not of its tag
		}
		return fmt.Sprintf("%x", k)
	}
	return v
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
