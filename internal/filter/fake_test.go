package filter

import (
	"fmt"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/query"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/memrel/memrel/internal/keys"
	"github.com/stretchr/testify/require"
)

// A tiny model for the tests: rows are maps from column name to a value of
// the column's Go type, or nil for NULL.

type fakeKind uint8

const (
	fakeInt fakeKind = iota
	fakeUint
	fakeFloat
	fakeString
	fakeBool
	fakeBytes
	fakeTime
)

type fakeRow map[string]any

type fakeCol struct {
	name string
	kind fakeKind
}

type fakeTable struct {
	name string
	cols map[string]fakeCol
}

func (t fakeTable) TableName() string { return t.name }

func (t fakeTable) Column(name string) (Column, bool) {
	c, ok := t.cols[name]
	return c, ok
}

func (c fakeCol) Key(row any, buf []byte) ([]byte, bool) {
	v := row.(fakeRow)[c.name]
	if v == nil {
		return buf, false
	}
	k, err := c.Encode(v, buf)
	if err != nil {
		panic(err) // a broken test row
	}
	return k, true
}

func (c fakeCol) Encode(v any, buf []byte) ([]byte, error) {
	switch c.kind {
	case fakeInt:
		switch x := v.(type) {
		case int:
			return keys.AppendInt(buf, int64(x)), nil
		case int64:
			return keys.AppendInt(buf, x), nil
		case int32:
			return keys.AppendInt(buf, int64(x)), nil
		case uint64:
			if x <= math.MaxInt64 {
				return keys.AppendInt(buf, int64(x)), nil
			}
		}
	case fakeUint:
		switch x := v.(type) {
		case int:
			if x >= 0 {
				return keys.AppendUint(buf, uint64(x)), nil
			}
		case uint64:
			return keys.AppendUint(buf, x), nil
		}
	case fakeFloat:
		switch x := v.(type) {
		case float64:
			return keys.AppendFloat(buf, x), nil
		case int:
			return keys.AppendFloat(buf, float64(x)), nil
		}
	case fakeString:
		if x, ok := v.(string); ok {
			return keys.AppendString(buf, x), nil
		}
	case fakeBool:
		if x, ok := v.(bool); ok {
			return keys.AppendBool(buf, x), nil
		}
	case fakeBytes:
		switch x := v.(type) {
		case []byte:
			return keys.AppendBytes(buf, x), nil
		case string:
			return keys.AppendBytes(buf, []byte(x)), nil
		}
	case fakeTime:
		if x, ok := v.(time.Time); ok {
			return keys.AppendTime(buf, x), nil
		}
	}
	return nil, fmt.Errorf("%w: %T for %s", errs.ErrBadValue, v, c.name)
}

func (c fakeCol) Text(row any) (string, bool) {
	s, ok := row.(fakeRow)[c.name].(string)
	return s, ok
}

func (c fakeCol) IsText() bool { return c.kind == fakeString }

// fakePosts is the table most tests use; every column but id may be NULL.
var fakePosts = fakeTable{name: "Post", cols: map[string]fakeCol{
	"id":   {"id", fakeInt},
	"n":    {"n", fakeInt},
	"u":    {"u", fakeUint},
	"f":    {"f", fakeFloat},
	"s":    {"s", fakeString},
	"b":    {"b", fakeBool},
	"data": {"data", fakeBytes},
	"at":   {"at", fakeTime},
}}

var fakeT0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// fakeRows: row 4 is NULL everywhere but id.
var fakeRows = []fakeRow{
	{"id": int64(1), "n": int64(1), "u": uint64(10), "f": 1.5, "s": "apple", "b": true, "data": []byte("x"), "at": fakeT0},
	{"id": int64(2), "n": int64(2), "u": uint64(20), "f": math.Copysign(0, -1), "s": "Banana", "b": false, "data": []byte{0}, "at": fakeT0.Add(time.Hour)},
	{"id": int64(3), "n": int64(3), "u": uint64(30), "f": math.Inf(1), "s": "cherry", "b": true, "data": []byte("xy"), "at": fakeT0.Add(-time.Hour)},
	{"id": int64(4)},
	{"id": int64(5), "n": int64(-5), "u": uint64(0), "f": math.NaN(), "s": "", "b": false, "data": []byte{}, "at": time.Unix(-100, 0)},
}

var fakeAll = []int64{1, 2, 3, 4, 5}

// fakeMatch compiles c against fakePosts and returns the ids of the rows
// that match, in row order.
func fakeMatch(t *testing.T, c query.Cond, rows []fakeRow) []int64 {
	t.Helper()
	f, err := Compile(fakePosts, c)
	require.NoError(t, err)
	ids := []int64{}
	for _, r := range rows {
		if f.Match(r) {
			ids = append(ids, r["id"].(int64))
		}
	}
	return ids
}

// fakeKey encodes a constant for a column of fakePosts, for expected terms.
func fakeKey(t *testing.T, field string, v any) []byte {
	t.Helper()
	k, err := fakePosts.cols[field].Encode(v, nil)
	require.NoError(t, err)
	return k
}

func fakeKeys(t *testing.T, field string, vs ...any) [][]byte {
	t.Helper()
	var ks [][]byte
	for _, v := range vs {
		ks = append(ks, fakeKey(t, field, v))
	}
	return ks
}

func TestFakeRows_AllEncode(t *testing.T) {
	// Guards the fixture itself: every non-NULL value encodes.
	for _, r := range fakeRows {
		for name, c := range fakePosts.cols {
			_, ok := c.Key(r, nil)
			require.Equal(t, r[name] != nil, ok, "row %v column %s", r["id"], name)
		}
	}
	require.True(t, slices.IsSorted(fakeAll))
}
