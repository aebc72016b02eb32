package pg

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/memrel/memrel/internal/meta"
)

// columnType is the SQL type of f, and the CHECK, if any, that keeps its
// values in the Go type's range (nil: the SQL type is the range).
func columnType(f *meta.Field) (typ, check string, err error) {
	col := quote(f.Name)
	switch f.Kind {
	case meta.Int:
		switch f.Size {
		case 1:
			return "smallint", col + " BETWEEN -128 AND 127", nil
		case 2:
			return "smallint", "", nil
		case 4:
			return "integer", "", nil
		case 8:
			return "bigint", "", nil
		}
	case meta.Uint:
		// Unsigned values take the next size up, which holds them all.
		switch f.Size {
		case 1:
			return "smallint", col + " BETWEEN 0 AND 255", nil
		case 2:
			return "integer", col + " BETWEEN 0 AND 65535", nil
		case 4:
			return "bigint", col + " BETWEEN 0 AND 4294967295", nil
		case 8:
			return "numeric(20)", col + " BETWEEN 0 AND 18446744073709551615", nil
		}
	case meta.Float:
		switch f.Size {
		case 4:
			return "real", "", nil
		case 8:
			return "double precision", "", nil
		}
	case meta.String:
		// Bytewise, as memrel compares and orders strings.
		return `text COLLATE "C"`, "", nil
	case meta.Bool:
		return "boolean", "", nil
	case meta.Time:
		return "timestamptz", "", nil
	case meta.Bytes:
		if f.Fixed > 0 {
			return "bytea", fmt.Sprintf("octet_length(%s) = %d", col, f.Fixed), nil
		}
		return "bytea", "", nil
	}
	return "", "", fmt.Errorf("pg: column %s: no SQL type for kind %d of size %d", f.Name, f.Kind, f.Size)
}

// literal is v, a canonical column value (a default), as an SQL literal
// of f's type.
func literal(f *meta.Field, v any) (string, error) {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		typ, _, _ := columnType(f)
		switch {
		case math.IsNaN(x):
			return "'NaN'::" + typ, nil
		case math.IsInf(x, 1):
			return "'Infinity'::" + typ, nil
		case math.IsInf(x, -1):
			return "'-Infinity'::" + typ, nil
		}
		return strconv.FormatFloat(x, 'g', -1, 64) + "::" + typ, nil
	case string:
		return stringLiteral(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return stringLiteral(x.Format(time.RFC3339Nano)) + "::timestamptz", nil
	case []byte:
		return `'\x` + hex.EncodeToString(x) + `'::bytea`, nil
	}
	return "", fmt.Errorf("pg: column %s: default %v of type %T", f.Name, v, v)
}

// stringLiteral quotes s as a standard SQL string (standard_conforming_strings
// is on by default since PostgreSQL 9.1: a backslash is itself).
func stringLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
