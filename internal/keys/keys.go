// Package keys holds memrel's order-preserving key encodings, shared by
// every layer: the rules compare and remember keys in this form, and the
// go-memdb engine stores them in its indexes.
//
// Every encoding starts with a tag byte: [TagValue] for a value, [TagNull]
// for NULL. Because TagNull is greater than TagValue, NULL sorts after every
// value, which is PostgreSQL's order for ascending NULLS LAST. After the tag,
// the bytes of an encoded value compare (with bytes.Compare) exactly as the
// values do, and no encoding is a prefix of another encoding of the same
// kind, so a prefix seek on one encoded key finds that key and nothing else.
// Composite keys are plain concatenations.
//
// The package imports nothing from memrel.
package keys

import (
	"encoding/binary"
	"math"
	"time"
)

// Tag bytes that open every encoded key.
const (
	TagValue byte = 0x01
	TagNull  byte = 0x02
)

// AppendNull appends the encoding of NULL, which sorts after every value.
func AppendNull(b []byte) []byte { return append(b, TagNull) }

// IntWidth is the length of an encoded integer, tag included: the 64 bits
// are written six per byte (the first byte carries the top four), so every
// byte after the tag is below 64.
const IntWidth = 1 + 11

// AppendInt appends a signed integer: the sign bit is flipped so that
// negative numbers sort before positive ones, then the bits go out as
// [AppendUint] writes them.
func AppendInt(b []byte, v int64) []byte {
	return AppendUint(b, uint64(v)^(1<<63))
}

// AppendUint appends an unsigned integer most significant bits first, six
// bits per byte after a first byte holding the top four. Digits below 64
// bound every radix node of an integer index at 64 children, where eight
// bits per byte allow 256: a write copies each node on its path, so
// narrower nodes make writes cheaper, at three more bytes per key.
func AppendUint(b []byte, v uint64) []byte {
	return append(b, TagValue,
		byte(v>>60), byte(v>>54)&63, byte(v>>48)&63, byte(v>>42)&63,
		byte(v>>36)&63, byte(v>>30)&63, byte(v>>24)&63, byte(v>>18)&63,
		byte(v>>12)&63, byte(v>>6)&63, byte(v)&63)
}

// Uint decodes the integer at the start of k, an [AppendUint] encoding
// after its tag; false when k is too short.
func Uint(k []byte) (uint64, bool) {
	if len(k) < IntWidth-1 {
		return 0, false
	}
	var v uint64
	for _, c := range k[:IntWidth-1] {
		v = v<<6 | uint64(c&63)
	}
	return v, true
}

// Int decodes the integer at the start of k, an [AppendInt] encoding after
// its tag; false when k is too short.
func Int(k []byte) (int64, bool) {
	u, ok := Uint(k)
	return int64(u ^ (1 << 63)), ok
}

// AppendFloat appends a float64 so that byte order equals numeric order:
// positive numbers get their sign bit set, negative numbers are inverted.
// -0 and +0 encode the same; NaN sorts after +Inf, as in PostgreSQL.
func AppendFloat(b []byte, v float64) []byte {
	if v == 0 {
		v = 0 // folds -0 into +0
	}
	var u uint64
	if math.IsNaN(v) {
		u = math.MaxUint64
	} else {
		u = math.Float64bits(v)
		if u&(1<<63) != 0 {
			u = ^u
		} else {
			u |= 1 << 63
		}
	}
	return binary.BigEndian.AppendUint64(append(b, TagValue), u)
}

// AppendBool appends false before true.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, TagValue, 1)
	}
	return append(b, TagValue, 0)
}

// AppendString appends s with every 0x00 byte escaped as 0x00 0xFF and a
// terminating 0x00 0x01. The terminator sorts below every escaped byte, so a
// string sorts before its extensions ("ab" < "abc") and no encoded string is
// a prefix of another.
func AppendString(b []byte, s string) []byte {
	b = append(b, TagValue)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 {
			b = append(b, 0, 0xFF)
			continue
		}
		b = append(b, c)
	}
	return append(b, 0, 1)
}

// AppendBytes appends a byte slice with the same escaping as AppendString.
func AppendBytes(b []byte, v []byte) []byte {
	b = append(b, TagValue)
	for _, c := range v {
		if c == 0 {
			b = append(b, 0, 0xFF)
			continue
		}
		b = append(b, c)
	}
	return append(b, 0, 1)
}

// AppendTime appends an instant: seconds since the Unix epoch as a signed
// integer, then nanoseconds. Two times that are Equal encode the same,
// whatever their location.
func AppendTime(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(append(b, TagValue), uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

// Arg carries an encoded key into an engine lookup. Passing a pointer to
// a reused Arg, rather than the []byte itself, spares the allocation that
// boxing a slice into an interface argument costs on every lookup.
type Arg struct {
	Key []byte
}
