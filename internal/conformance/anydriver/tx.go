package anydriver

import (
	"fmt"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// tx is a conformance.Tx on one memrel transaction.
type tx struct {
	st *store
	tx *memrel.Txn
}

var (
	_ conformance.Tx          = (*tx)(nil)
	_ conformance.BulkTx      = (*tx)(nil)
	_ conformance.WritesTx    = (*tx)(nil)
	_ conformance.NestedTx    = (*tx)(nil)
	_ conformance.AggregateTx = (*tx)(nil)
	_ conformance.ParanoidTx  = (*tx)(nil)
)

func (x *tx) model(name string) (*model, error) {
	m, ok := x.st.models[name]
	if !ok {
		return nil, fmt.Errorf("anydriver: unknown model %q", name)
	}
	return m, nil
}

// read resolves a read step's model and options.
func (x *tx) read(name string, o *conformance.Options) (*model, *memrel.Options, error) {
	m, err := x.model(name)
	if err != nil {
		return nil, nil, err
	}
	opts, err := x.st.options(o)
	return m, opts, err
}

// Create implements conformance.Tx.
func (x *tx) Create(model string, values conformance.Values) (conformance.Key, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	r, err := m.values(values)
	if err != nil {
		return nil, err
	}
	got, err := m.m.Create(x.tx, r)
	if err != nil {
		return nil, err
	}
	return m.key(got), nil
}

// Update implements conformance.Tx: Sequelize's update by key writes the
// values given, as Patch does.
func (x *tx) Update(model string, pk conformance.Key, values conformance.Values) error {
	m, err := x.model(model)
	if err != nil {
		return err
	}
	r, err := m.values(values)
	if err != nil {
		return err
	}
	_, err = m.m.Patch(x.tx, pk, r)
	return err
}

// Destroy implements conformance.Tx.
func (x *tx) Destroy(model string, pk conformance.Key) error {
	m, err := x.model(model)
	if err != nil {
		return err
	}
	return m.m.DestroyKey(x.tx, pk)
}

// UpdateWhere implements conformance.BulkTx.
func (x *tx) UpdateWhere(model string, w *conformance.Where, values conformance.Values) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	r, err := m.values(values)
	if err != nil {
		return 0, err
	}
	return m.m.UpdateAll(x.tx, where(w), r)
}

// DestroyWhere implements conformance.BulkTx.
func (x *tx) DestroyWhere(model string, w *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	return m.m.DestroyAll(x.tx, where(w))
}

// FindByPk implements conformance.Tx.
func (x *tx) FindByPk(model string, pk conformance.Key) (conformance.Row, error) {
	return x.findByPK(model, pk)
}

// findByPK is FindByPk with opts.
func (x *tx) findByPK(model string, pk conformance.Key, opts ...memrel.FindOption) (conformance.Row, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	r, ok, err := m.m.FindByPK(x.tx, pk, opts...)
	if !ok || err != nil {
		return nil, err
	}
	return m.row(r), nil
}

// FindAll implements conformance.Tx.
func (x *tx) FindAll(model string, o *conformance.Options) ([]*conformance.Node, error) {
	m, opts, err := x.read(model, o)
	if err != nil {
		return nil, err
	}
	rows, err := m.m.FindAll(x.tx, opts)
	if err != nil {
		return nil, err
	}
	return x.st.nodes(m, rows, o.Include), nil
}

// Count implements conformance.Tx.
func (x *tx) Count(model string, o *conformance.Options) (int, error) {
	m, opts, err := x.read(model, o)
	if err != nil {
		return 0, err
	}
	return m.m.Count(x.tx, opts)
}

// Dump implements conformance.Tx, soft-deleted rows included.
func (x *tx) Dump() (map[string][]conformance.Row, error) {
	out := map[string][]conformance.Row{}
	for _, spec := range x.st.spec.Models {
		m := x.st.models[spec.Name]
		rows, err := m.m.FindAll(x.tx, &memrel.Options{WithDeleted: true})
		if err != nil {
			return nil, err
		}
		out[spec.Name] = m.rows(rows)
	}
	return out, nil
}
