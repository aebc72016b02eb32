package memrel

import (
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/meta"
)

// Column describes one column of a model (see [AnyModel.Columns]).
type Column struct {
	Name   string     // as queries, errors and Rows spell it
	GoName string     // the struct field's name
	Type   ColumnType // the canonical type of its values
	// Nullable: the column accepts NULL (a pointer, sql.Null or a []byte
	// tagged null, and not notnull).
	Nullable bool
	// NotNull: a NOT NULL column a Row may still leave out or hold as nil,
	// which a write then refuses with a *ValidationError naming it (a
	// pointer field tagged notnull, Sequelize's allowNull: false); a
	// column with neither flag holds its type's zero when a Row leaves it
	// out. It excludes Nullable.
	NotNull bool
	PK      bool // part of the primary key
	AutoInc bool // the key the store draws from its sequence
	Unique  bool // a single-column unique constraint
	Indexed bool // has an index of its own (tag index)
	Default any  // the canonical default, or nil
}

// ColumnType is the canonical type of a column's values.
type ColumnType uint8

// The column types, each with the Go type its values have in a [Row].
const (
	TypeInt    ColumnType = ColumnType(meta.Int)    // int64
	TypeUint   ColumnType = ColumnType(meta.Uint)   // uint64
	TypeFloat  ColumnType = ColumnType(meta.Float)  // float64
	TypeString ColumnType = ColumnType(meta.String) // string
	TypeBool   ColumnType = ColumnType(meta.Bool)   // bool
	TypeTime   ColumnType = ColumnType(meta.Time)   // time.Time
	TypeBytes  ColumnType = ColumnType(meta.Bytes)  // []byte
)

// String returns the type's name: "int", "uint", "float", "string",
// "bool", "time" or "bytes".
func (c ColumnType) String() string {
	switch c {
	case TypeInt:
		return "int"
	case TypeUint:
		return "uint"
	case TypeFloat:
		return "float"
	case TypeString:
		return "string"
	case TypeBool:
		return "bool"
	case TypeTime:
		return "time"
	case TypeBytes:
		return "bytes"
	}
	return "invalid"
}

// columnOf describes f.
func columnOf(f *meta.Field) Column {
	return Column{Name: f.Name, GoName: f.GoName, Type: ColumnType(f.Kind), Nullable: f.Nullable(),
		NotNull: f.NotNull && f.Null != meta.NullNone && f.Null != meta.NullCodec,
		PK:      f.PK, AutoInc: f.AutoInc, Unique: f.Unique, Indexed: f.Indexed, Default: clone.Value(f.Default)}
}
