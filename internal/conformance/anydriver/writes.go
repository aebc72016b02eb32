package anydriver

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// The writes beyond create, update and destroy (conformance.WritesTx).

// BulkCreate implements conformance.WritesTx.
func (x *tx) BulkCreate(model string, rows []conformance.Values) ([]conformance.Key, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	rs := make([]memrel.Row, len(rows))
	for i, r := range rows {
		if rs[i], err = m.values(r); err != nil {
			return nil, err
		}
	}
	got, err := m.m.BulkCreate(x.tx, rs)
	if err != nil {
		return nil, err
	}
	keys := make([]conformance.Key, len(got))
	for i, r := range got {
		keys[i] = m.key(r)
	}
	return keys, nil
}

// Upsert implements conformance.WritesTx: a Row names its columns, so the
// conflict key is chosen among, and an update writes, the fields the
// values name, as Sequelize's upsert does.
func (x *tx) Upsert(model string, values conformance.Values) (conformance.Row, bool, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, false, err
	}
	r, err := m.values(values)
	if err != nil {
		return nil, false, err
	}
	got, created, err := m.m.Upsert(x.tx, r, nil)
	if err != nil {
		return nil, false, err
	}
	return m.row(got), created, nil
}

// FindOrCreate implements conformance.WritesTx.
func (x *tx) FindOrCreate(model string, w *conformance.Where, defaults conformance.Values) (conformance.Row, bool, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, false, err
	}
	r, err := m.values(defaults)
	if err != nil {
		return nil, false, err
	}
	got, created, err := m.m.FindOrCreate(x.tx, where(w), r)
	if err != nil {
		return nil, false, err
	}
	return m.row(got), created, nil
}

// Increment implements conformance.WritesTx: by key when the step gives
// one, else by where.
func (x *tx) Increment(model string, pk conformance.Key, hasPK bool, w *conformance.Where, by conformance.Values, sign int) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	switch {
	case hasPK && sign < 0:
		return m.m.DecrementKey(x.tx, pk, by)
	case hasPK:
		return m.m.IncrementKey(x.tx, pk, by)
	case sign < 0:
		return m.m.Decrement(x.tx, where(w), by)
	}
	return m.m.Increment(x.tx, where(w), by)
}
