package rel

import (
	"github.com/memrel/memrel/internal/filter"
	"github.com/memrel/memrel/internal/meta"
)

// columns shows a table to the where-clause compiler, which knows tables
// only as filter.Table: a pointer conversion, so handing one over
// allocates nothing.
type columns meta.Table

func cols(t *meta.Table) *columns { return (*columns)(t) }

// TableName implements filter.Table.
func (t *columns) TableName() string { return t.Name }

// Column implements filter.Table.
func (t *columns) Column(name string) (filter.Column, bool) {
	f, ok := t.ByName[name]
	if !ok {
		return nil, false
	}
	return column{(*meta.Table)(t), f}, true
}

// column adapts a field to filter.Column.
type column struct {
	t *meta.Table
	f *meta.Field
}

// Key implements filter.Column.
func (c column) Key(row any, buf []byte) ([]byte, bool) { return c.f.Key(c.t.Ptr(row), buf) }

// Encode implements filter.Column.
func (c column) Encode(v any, buf []byte) ([]byte, error) {
	cv, err := c.f.ConvOperand(v)
	if err != nil {
		return nil, err
	}
	return c.f.Encode(cv, buf), nil
}

// Text implements filter.Column.
func (c column) Text(row any) (string, bool) {
	v := c.f.Get(c.t.Ptr(row))
	s, ok := v.(string)
	return s, ok
}

// IsText implements filter.Column.
func (c column) IsText() bool { return c.f.Kind == meta.String }
