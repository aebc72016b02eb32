package anydriver

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// Soft delete (conformance.ParanoidTx): destroying for real, reading
// soft-deleted rows by key, restoring.

// ForceDestroy implements conformance.ParanoidTx.
func (x *tx) ForceDestroy(model string, pk conformance.Key, hasPK bool, w *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	if hasPK {
		return 1, m.m.DestroyKey(x.tx, pk, memrel.Force())
	}
	return m.m.DestroyAll(x.tx, where(w), memrel.Force())
}

// FindDeleted implements conformance.ParanoidTx.
func (x *tx) FindDeleted(model string, pk conformance.Key) (conformance.Row, error) {
	return x.findByPK(model, pk, memrel.WithDeleted())
}

// Restore implements conformance.ParanoidTx: by key (0 or 1 row) when the
// step gives one, else by where.
func (x *tx) Restore(model string, pk conformance.Key, hasPK bool, w *conformance.Where) (int, error) {
	m, err := x.model(model)
	if err != nil {
		return 0, err
	}
	if !hasPK {
		return m.m.Restore(x.tx, where(w))
	}
	ok, err := m.m.RestoreKey(x.tx, pk)
	if ok {
		return 1, err
	}
	return 0, err
}
