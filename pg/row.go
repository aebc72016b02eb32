package pg

import (
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// columns is t's quoted column list, in field order: the SELECT list and
// INSERT column list rows are read and written in.
func columns(t *meta.Table) string {
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = quote(f.Name)
	}
	return strings.Join(names, ", ")
}

// rowArgs are the query arguments of a stored row's columns, in field
// order: each column's canonical value (nil for NULL), which pgx encodes
// into the column's SQL type.
func rowArgs(t *meta.Table, row any) []any { return appendValues(nil, t.Fields, t.Ptr(row)) }

// appendValues appends the values of the fields fs of the row at p, as
// query arguments.
func appendValues(args []any, fs []*meta.Field, p unsafe.Pointer) []any {
	for _, f := range fs {
		args = append(args, f.Get(p))
	}
	return args
}

// checkText returns the ValidationError of row's text columns that
// PostgreSQL's text cannot hold: a NUL byte, or bytes that are not UTF-8
// (the memory engine stores any Go string). nil when every one can.
func checkText(t *meta.Table, args []any) error {
	var items []errs.ValidationErrorItem
	for i, f := range t.Fields {
		s, ok := args[i].(string)
		if !ok || f.Kind != meta.String {
			continue
		}
		switch {
		case strings.IndexByte(s, 0) >= 0:
			items = append(items, errs.ValidationErrorItem{Field: f.Name, Message: "holds a NUL byte, which PostgreSQL's text cannot", Err: errs.ErrBadValue})
		case !utf8.ValidString(s):
			items = append(items, errs.ValidationErrorItem{Field: f.Name, Message: "is not UTF-8, which PostgreSQL's text must be", Err: errs.ErrBadValue})
		}
	}
	if items == nil {
		return nil
	}
	return &errs.ValidationError{Model: t.Name, Items: items}
}

// scanRow reads the current row of rows, selected by columns(t), into a
// new row of t. Each value is converted to the column's canonical value as
// a caller's would be (an integer of any width, a real as float64, a
// numeric(20) as uint64; times in UTC), so a value the Go type cannot hold
// is an error, never a silent wrap.
func scanRow(t *meta.Table, rows pgx.Rows) (any, error) {
	vals, err := rows.Values()
	if err != nil {
		return nil, err
	}
	if len(vals) != len(t.Fields) {
		return nil, fmt.Errorf("pg: %s: %d columns read, want %d", t.Name, len(vals), len(t.Fields))
	}
	row := t.NewRow()
	p := t.Ptr(row)
	for i, f := range t.Fields {
		v, err := canonical(f, vals[i])
		if err != nil {
			return nil, fmt.Errorf("pg: %s.%s: %w", t.Name, f.Name, err)
		}
		f.Set(p, v)
	}
	return row, nil
}

// canonical converts a value pgx decoded for f's column to f's canonical
// value: through f.Conv, as a caller's value, once the two types Conv
// does not take are made plain (a numeric, for uint64 columns; a time in
// the session's zone, made UTC).
func canonical(f *meta.Field, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		if !f.Nullable() {
			return nil, fmt.Errorf("NULL in a NOT NULL column")
		}
		return nil, nil
	case pgtype.Numeric:
		u, err := numericUint(x)
		if err != nil {
			return nil, err
		}
		v = u
	case time.Time:
		v = x.UTC()
	}
	return f.Conv(v)
}

// numericUint is n as a uint64, when it is a whole number in range.
func numericUint(n pgtype.Numeric) (uint64, error) {
	if !n.Valid || n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
		return 0, fmt.Errorf("numeric %v is not an unsigned integer", n)
	}
	i := new(big.Int).Set(n.Int)
	if n.Exp > 0 {
		i.Mul(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil))
	} else if n.Exp < 0 {
		var rem big.Int
		i.QuoRem(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n.Exp)), nil), &rem)
		if rem.Sign() != 0 {
			return 0, fmt.Errorf("numeric %v is not a whole number", n)
		}
	}
	if !i.IsUint64() {
		return 0, fmt.Errorf("numeric %s is out of range for uint64", i)
	}
	return i.Uint64(), nil
}
