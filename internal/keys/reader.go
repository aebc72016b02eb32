package keys

import (
	"encoding/binary"
	"math"
	"time"
)

// Reader reads the values of an encoded key back, one at a time from its
// front, as the Append functions wrote them: an engine that hands a key's
// values to a query language (a SQL engine binding $1, $2) decodes the
// rules' keys this way. The caller knows each value's kind from the index
// the key is of. A malformed key makes every later read return the zero
// value and Ok false, so a caller checks once, after its reads.
type Reader struct {
	k   []byte
	bad bool
}

// NewReader returns a Reader of k; it does not copy k.
func NewReader(k []byte) *Reader { return &Reader{k: k} }

// Ok reports whether every read so far found a well-formed value.
func (r *Reader) Ok() bool { return !r.bad }

// Len is the number of bytes not read yet.
func (r *Reader) Len() int { return len(r.k) }

// Null consumes the next value and reports true if it is NULL; otherwise
// it consumes nothing and reports false.
func (r *Reader) Null() bool {
	if !r.bad && len(r.k) > 0 && r.k[0] == TagNull {
		r.k = r.k[1:]
		return true
	}
	return false
}

// value consumes the tag of a value and n bytes after it, returned; nil
// (and the Reader bad) when the key holds no such value.
func (r *Reader) value(n int) []byte {
	if r.bad || len(r.k) < 1+n || r.k[0] != TagValue {
		r.bad = true
		return nil
	}
	v := r.k[1 : 1+n]
	r.k = r.k[1+n:]
	return v
}

// Uint reads an AppendUint value.
func (r *Reader) Uint() uint64 {
	b := r.value(IntWidth - 1)
	if b == nil {
		return 0
	}
	u, _ := Uint(b)
	return u
}

// Int reads an AppendInt value.
func (r *Reader) Int() int64 {
	u := r.Uint()
	if r.bad {
		return 0
	}
	return int64(u ^ (1 << 63))
}

// Float reads an AppendFloat value (-0 comes back as +0, every NaN as
// math.NaN()).
func (r *Reader) Float() float64 {
	b := r.value(8)
	if b == nil {
		return 0
	}
	u := binary.BigEndian.Uint64(b)
	switch {
	case u == math.MaxUint64:
		return math.NaN()
	case u&(1<<63) != 0:
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// Bool reads an AppendBool value.
func (r *Reader) Bool() bool {
	b := r.value(1)
	if b == nil || b[0] > 1 {
		r.bad = true
		return false
	}
	return b[0] == 1
}

// Bytes reads an AppendBytes (or AppendString) value into a new slice.
func (r *Reader) Bytes() []byte {
	if r.bad || len(r.k) < 1 || r.k[0] != TagValue {
		r.bad = true
		return nil
	}
	out := []byte{}
	for i := 1; i < len(r.k); i++ {
		c := r.k[i]
		if c != 0 {
			out = append(out, c)
			continue
		}
		if i+1 < len(r.k) && r.k[i+1] == 0xFF { // an escaped 0x00
			out = append(out, 0)
			i++
			continue
		}
		if i+1 < len(r.k) && r.k[i+1] == 1 { // the terminator
			r.k = r.k[i+2:]
			return out
		}
		break
	}
	r.bad = true
	return nil
}

// String reads an AppendString value.
func (r *Reader) String() string { return string(r.Bytes()) }

// Time reads an AppendTime value, as an instant in UTC (the encoding keeps
// no location).
func (r *Reader) Time() time.Time {
	b := r.value(12)
	if b == nil {
		return time.Time{}
	}
	sec := int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
	nsec := binary.BigEndian.Uint32(b[8:])
	if nsec >= 1e9 {
		r.bad = true
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}
