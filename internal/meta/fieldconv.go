package meta

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/memrel/memrel/internal/errs"
)

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
		return nil, fmt.Errorf("%w: %s: %g is out of range for float32", errs.ErrBadValue, f.Name, c)
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
	if f.codec != nil {
		return f.codecConv(v)
	}
	if f.Fixed > 0 {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			v = b
		}
	}
	c, ok := Convert(f.Kind, f.Size, v)
	if !ok || f.Fixed > 0 && len(c.([]byte)) != f.Fixed {
		return nil, fmt.Errorf("%w: %s of type %T does not fit %s", errs.ErrBadValue, f.Name, v, f.Base)
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

// Convert converts v to the canonical value of a column of kind k and
// size (int64, uint64, float64, string, bool, time.Time or []byte); false
// when v does not fit.
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
