package memrel

// The conformance driver's ParanoidTx: force destroy, reads of
// soft-deleted rows by key, restore.

import (
	"github.com/memrel/memrel/internal/conformance"
)

var _ conformance.ParanoidTx = (*dynTx)(nil)

// dynWithDeleted maps Sequelize's paranoid option (false: include
// soft-deleted rows) to WithDeleted.
func dynWithDeleted(paranoid *bool) bool { return paranoid != nil && !*paranoid }

// ForceDestroy implements conformance.ParanoidTx.
func (x *dynTx) ForceDestroy(model string, pk conformance.Key, hasPK bool, where *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	if hasPK {
		return 1, m.m.destroyKey(x.tx, pk, true)
	}
	return m.m.destroyAll(x.tx, dynWhere(where), true)
}

// FindDeleted implements conformance.ParanoidTx.
func (x *dynTx) FindDeleted(model string, pk conformance.Key) (conformance.Row, error) {
	m, err := x.model(model)
	if err != nil {
		return nil, err
	}
	v, ok, err := m.m.findByPK(x.tx, pk, true)
	if !ok || err != nil {
		return nil, err
	}
	return m.row(v), nil
}

// Restore implements conformance.ParanoidTx.
func (x *dynTx) Restore(model string, pk conformance.Key, hasPK bool, where *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	var key any
	if hasPK {
		key = pk
	}
	return m.m.restore(x.tx, key, hasPK, dynWhere(where))
}
