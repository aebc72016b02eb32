package anydriver

import (
	"fmt"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/conformance"
)

// The association ops: a hasMany or hasOne on its AnyAssociation, a
// belongsToMany on its AnyBelongsToMany (btm.go). Sources and children
// are given as Rows holding their key, targets by key.

// source returns a hasMany or hasOne entry and the Row of key, a key of
// its source row.
func (x *tx) source(name string, key conformance.Key) (*assoc, memrel.Row, error) {
	return x.keyed(name, key, false)
}

// keyed returns a hasMany or hasOne entry and the Row of key, a key of its
// source row or (child) of its target row.
func (x *tx) keyed(name string, key conformance.Key, child bool) (*assoc, memrel.Row, error) {
	a, ok := x.st.assocs[name]
	if !ok {
		return nil, nil, fmt.Errorf("anydriver: unknown association %q", name)
	}
	m := a.src
	if child {
		m = a.dst
	}
	r, err := m.keyRow(key)
	return a, r, err
}

// AssocGet implements conformance.Tx.
func (x *tx) AssocGet(name string, source conformance.Key, o *conformance.Options) ([]conformance.Row, error) {
	if b, ok := x.st.btms[name]; ok {
		return x.btmGet(b, source, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return nil, err
	}
	opts, err := x.st.options(o)
	if err != nil {
		return nil, err
	}
	rows, err := a.a.Get(x.tx, src, opts)
	return a.dst.rows(rows), err
}

// AssocCount implements conformance.Tx.
func (x *tx) AssocCount(name string, source conformance.Key, o *conformance.Options) (int, error) {
	if b, ok := x.st.btms[name]; ok {
		return x.btmCount(b, source, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return 0, err
	}
	opts, err := x.st.options(o)
	if err != nil {
		return 0, err
	}
	return a.a.Count(x.tx, src, opts)
}

// AssocHas implements conformance.Tx.
func (x *tx) AssocHas(name string, source conformance.Key, targets []conformance.Key) (bool, error) {
	if b, ok := x.st.btms[name]; ok {
		return x.btmHas(b, source, targets)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return false, err
	}
	return a.a.Has(x.tx, src, targets)
}

// AssocAdd implements conformance.Tx.
func (x *tx) AssocAdd(name string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[name]; ok {
		return x.btmWrite(conformance.OpAssocAdd, b, source, targets, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return err
	}
	return a.a.Add(x.tx, src, targets)
}

// AssocSet implements conformance.Tx.
func (x *tx) AssocSet(name string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[name]; ok {
		return x.btmWrite(conformance.OpAssocSet, b, source, targets, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return err
	}
	return a.a.Set(x.tx, src, targets, &memrel.SetOptions{DestroyPrevious: o.DestroyPrevious})
}

// AssocRemove implements conformance.Tx.
func (x *tx) AssocRemove(name string, source conformance.Key, targets []conformance.Key, o *conformance.Options) error {
	if b, ok := x.st.btms[name]; ok {
		return x.btmWrite(conformance.OpAssocRemove, b, source, targets, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return err
	}
	return a.a.Remove(x.tx, src, targets, &memrel.RemoveOptions{Destroy: o.Destroy})
}

// AssocCreate implements conformance.Tx.
func (x *tx) AssocCreate(name string, source conformance.Key, values conformance.Values, o *conformance.Options) (conformance.Key, error) {
	if b, ok := x.st.btms[name]; ok {
		return x.btmCreate(b, source, values, o)
	}
	a, src, err := x.source(name, source)
	if err != nil {
		return nil, err
	}
	r, err := a.dst.values(values)
	if err != nil {
		return nil, err
	}
	got, err := a.a.Create(x.tx, src, r)
	if err != nil {
		return nil, err
	}
	return a.dst.key(got), nil
}

// InverseGet implements conformance.Tx: the belongsTo side's Get.
func (x *tx) InverseGet(name string, target conformance.Key) (conformance.Row, error) {
	a, child, err := x.keyed(name, target, true)
	if err != nil {
		return nil, err
	}
	rows, err := a.a.Inverse().Get(x.tx, child, nil)
	if len(rows) == 0 || err != nil {
		return nil, err
	}
	return a.src.row(rows[0]), nil
}

// InverseSet implements conformance.Tx: the belongsTo side's SetParent,
// the parent given by its key.
func (x *tx) InverseSet(name string, target, source conformance.Key) error {
	a, child, err := x.keyed(name, target, true)
	if err != nil {
		return err
	}
	var parent memrel.Row
	if source != nil {
		if parent, err = a.src.keyRow(source); err != nil {
			return err
		}
	}
	return a.a.Inverse().SetParent(x.tx, child, parent)
}
