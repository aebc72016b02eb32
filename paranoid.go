package memrel

import (
	"slices"

	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// FindOption is an option of a read by key ([Model.FindByPK]).
type FindOption struct{ withDeleted bool }

// WithDeleted makes a read by key find a soft-deleted row of a [Paranoid]
// model too (Sequelize's paranoid: false). The reads that take *Options
// say it with [Options.WithDeleted].
func WithDeleted() FindOption { return FindOption{withDeleted: true} }

// withDeleted reports whether opts ask for soft-deleted rows.
func withDeleted(opts []FindOption) bool { return slices.Contains(opts, WithDeleted()) }

// DestroyOption is an option of [Model.Destroy], [Model.DestroyKey] and
// [Model.DestroyAll].
type DestroyOption struct{ force bool }

// Force makes a destroy of a [Paranoid] model delete rows for real,
// soft-deleted ones included, with the onDelete rules of its associations
// (Sequelize's force: true). On other models it changes nothing.
func Force() DestroyOption { return DestroyOption{force: true} }

// forced reports whether opts ask for a real delete.
func forced(opts []DestroyOption) bool { return slices.Contains(opts, Force()) }

// Restore brings back the soft-deleted rows of a [Paranoid] model that
// match where (the zero Cond: all of them) and returns how many it
// restored; rows that were not deleted are not counted (Sequelize counts
// every row matching where: see the README's deviations). It leaves
// UpdatedAt alone and checks nothing: a restored row kept its unique
// values and its foreign keys all along. On a model that is not paranoid
// it fails with ErrNotParanoid.
func (m *Model[T]) Restore(tx *Txn, where query.Cond) (int, error) {
	return restore(tx, m.table(), where)
}

// restore is Restore as one write call on t.
func restore(tx *Txn, t *meta.Table, where query.Cond) (_ int, err error) {
	if err := tx.use(t, true); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	return tx.r.Restore(t, where)
}

// RestoreKey restores the row with primary key key: true when it was
// soft-deleted, false when it was not; ErrNotFound when there is no such
// row. See [Model.Restore].
func (m *Model[T]) RestoreKey(tx *Txn, key any) (bool, error) {
	return restoreKey(tx, m.table(), key)
}

// restoreKey is RestoreKey as one write call on t.
func restoreKey(tx *Txn, t *meta.Table, key any) (_ bool, err error) {
	if err := tx.use(t, true); err != nil {
		return false, err
	}
	defer tx.exit(&err)
	k, err := t.KeyOf(key, nil)
	if err != nil {
		return false, err
	}
	return tx.r.RestoreKey(t, k, key)
}
