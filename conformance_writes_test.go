package memrel

// The conformance driver's WritesTx: bulkCreate, upsert, findOrCreate,
// increment and decrement.

import (
	"slices"

	"github.com/memrel/memrel/internal/conformance"
)

var _ conformance.WritesTx = (*dynTx)(nil)

// BulkCreate implements conformance.WritesTx.
func (x *dynTx) BulkCreate(model string, rows []conformance.Values) ([]conformance.Key, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	vs := make([]any, len(rows))
	for i, r := range rows {
		if vs[i], err = m.build(r); err != nil {
			return nil, err
		}
	}
	got, err := m.m.bulkCreate(x.tx, vs)
	if err != nil {
		return nil, err
	}
	keys := make([]conformance.Key, len(got))
	for i, r := range got {
		keys[i] = m.m.key(r)
	}
	return keys, nil
}

// Upsert implements conformance.WritesTx: the fields given are those the
// values name, as Sequelize's upsert writes.
func (x *dynTx) Upsert(model string, values conformance.Values) (conformance.Row, bool, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, false, err
	}
	v, err := m.build(values)
	if err != nil {
		return nil, false, err
	}
	given := make([]string, 0, len(values))
	for k := range values {
		given = append(given, k)
	}
	slices.Sort(given)
	row, created, err := m.m.upsert(x.tx, v, given)
	if err != nil {
		return nil, false, err
	}
	return m.row(row), created, nil
}

// FindOrCreate implements conformance.WritesTx.
func (x *dynTx) FindOrCreate(model string, where *conformance.Where, defaults conformance.Values) (conformance.Row, bool, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, false, err
	}
	v, err := m.build(defaults)
	if err != nil {
		return nil, false, err
	}
	row, created, err := m.m.findOrCreate(x.tx, dynWhere(where), v)
	if err != nil {
		return nil, false, err
	}
	return m.row(row), created, nil
}

// Increment implements conformance.WritesTx.
func (x *dynTx) Increment(model string, pk conformance.Key, hasPK bool, where *conformance.Where, by conformance.Values, sign int) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	var key any
	if hasPK {
		key = pk
	}
	return m.m.increment(x.tx, dynWhere(where), key, map[string]any(by), int64(sign))
}
