package memrel

import (
	"reflect"
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"

	"github.com/memrel/memrel/query"
)

// Model is a typed handle on one model (one table) of a schema. T is a
// struct; its fields become columns as described in the package
// documentation. A Model is safe for concurrent use once the schema is
// opened; every method takes the transaction it runs in.
//
// Values are copied in and out: the T a method returns shares no memory
// with the store, and the T passed in is never retained.
type Model[T any] struct {
	t *meta.Table
}

// ModelOption is an option of [Define] beyond the struct tags: [Unique],
// [Timestamps].
type ModelOption struct {
	apply func(*meta.Table)
}

// Unique declares a composite unique constraint over the fields named
// (column or Go names), Sequelize's unique index over several columns: two
// rows collide when every one of the fields is equal and none is NULL,
// as in PostgreSQL. A collision fails the write with
// *UniqueConstraintError, whose Fields lists the group and whose Value is
// a []any of the row's values. The constraint is an index, so a write of
// the model pays one more index path, and a FindOne whose Where fixes
// every field of the group is one seek. One field is the same as the
// unique tag.
func Unique(fields ...string) ModelOption {
	fields = slices.Clone(fields)
	return ModelOption{apply: func(t *meta.Table) { t.AddUnique(fields) }}
}

// Timestamps makes the store keep the model's CreatedAt and UpdatedAt
// fields (time.Time, found by column or Go name: createdAt/CreatedAt, or
// a field tagged memrel:"createdAt"), as Sequelize's timestamps do: every
// create sets both to the operation's instant (an explicit CreatedAt is
// kept), every update through the model sets UpdatedAt, also when no
// value changes and when an association operation rewrites the row's
// foreign key; the referential actions of a cascade do not. One call
// reads the store's clock ([WithClock]) once, so every row it stamps gets
// the same instant. An update whose CreatedAt is the zero time keeps the
// stored one.
func Timestamps() ModelOption {
	return ModelOption{apply: func(t *meta.Table) { t.AddTimestamps() }}
}

// Paranoid makes the model soft-delete, as Sequelize's paranoid option
// does (SPEC N13); it needs [Timestamps] and a DeletedAt field, a
// *time.Time or sql.Null[time.Time] (column deletedAt, or a field tagged
// memrel:"deletedAt"). Destroying a row sets DeletedAt to the call's
// instant and runs no referential action: its children keep their foreign
// key and the row keeps its unique values. Every read skips soft-deleted
// rows (reads by key, FindAll, Count, aggregates, association reads,
// includes, belongsTo Get) unless it asks for them with
// [Options.WithDeleted], [Include.WithDeleted] or [WithDeleted]; writes
// that find their rows by key or where (Update, UpdateAll, Increment,
// association Add and Set) skip them too, and un-associating a NOT NULL
// child soft-deletes it. [Force] destroys for real, with the referential
// actions; [Model.Restore] brings rows back. Soft delete and restore leave
// UpdatedAt alone.
func Paranoid() ModelOption {
	return ModelOption{apply: func(t *meta.Table) { t.AddParanoid() }}
}

// Define declares the model T on s under name ("" means the type's name),
// with opts. Field metadata is resolved here, once; mistakes are reported
// by [Schema.Open]. On a nil Schema it returns a zero Model, whose methods
// fail with ErrWrongStore.
func Define[T any](s *Schema, name string, opts ...ModelOption) *Model[T] {
	if s == nil {
		return &Model[T]{}
	}
	typ := reflect.TypeFor[T]()
	if name == "" {
		name = typ.Name()
	}
	t := s.m.AddTable(name, typ)
	t.Ptr = func(row any) unsafe.Pointer { return unsafe.Pointer(row.(*T)) }
	t.NewRow = func() any { return new(T) }
	t.CloneAll = func(rows []any) ([]any, any) {
		// One allocation for all the copies, not one per row.
		arr := make([]T, len(rows))
		out := make([]any, len(rows))
		for i, r := range rows {
			arr[i] = *r.(*T)
			t.Own(unsafe.Pointer(&arr[i]))
			out[i] = &arr[i]
		}
		return out, arr
	}
	t.Clone = func(row any) any {
		n := new(T)
		*n = *row.(*T)
		t.Own(unsafe.Pointer(n))
		return n
	}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(t)
		}
	}
	return &Model[T]{t: t}
}

// Name returns the model's name; "" for a nil or zero Model.
func (m *Model[T]) Name() string {
	if m.table() == nil {
		return ""
	}
	return m.t.Name
}

// Key is the value of a composite primary key: the key fields' values in
// struct order (memrel.Key{"A", 1}), comparable, so it can key a map. The
// model operations that take a key take it, or a []any of the values; a
// model's Key method and the errors naming a composite key give one.
// Several fields tagged pk make a composite key (at most [MaxKeyFields]);
// it is always given, never auto-incremented.
type Key = meta.Key

// MaxKeyFields is how many fields a composite primary key may have.
const MaxKeyFields = meta.MaxKeyFields

// Key returns v's primary key as its canonical Go value (int64 for signed
// integer keys, uint64 for unsigned ones, string for text keys; a [Key] of
// them for a composite key); nil for a nil or zero Model.
func (m *Model[T]) Key(v T) any {
	if m.table() == nil || m.t.PK == nil {
		return nil
	}
	return m.t.KeyValue(unsafe.Pointer(&v))
}

// table is the model's table, or nil for a nil or zero Model (one not
// returned by Define), which Txn.use refuses with ErrWrongStore: every
// method of such a Model fails that way, or returns a zero value.
func (m *Model[T]) table() *meta.Table {
	if m == nil {
		return nil
	}
	return m.t
}

// in copies a caller's value into a new row the store will own: pointers
// are duplicated and fields that are not columns cleared. A value with
// rows in an association field is refused (ErrAssociationField): the
// write would drop them. The check reads one word per association field.
func (m *Model[T]) in(v *T) (*T, error) {
	if err := m.t.Unstored(unsafe.Pointer(v), m.t.Assocs); err != nil {
		return nil, err
	}
	n := new(T)
	if m.t.Columnwise {
		for _, f := range m.t.Fields {
			f.Copy(unsafe.Pointer(n), unsafe.Pointer(v))
		}
	} else {
		*n = *v
		for _, z := range m.t.Zero {
			z(unsafe.Pointer(n))
		}
	}
	if err := m.t.OwnChecked(unsafe.Pointer(n)); err != nil {
		return nil, err
	}
	return n, nil
}

// out copies a stored row for a caller.
func (m *Model[T]) out(row any) T {
	v := *row.(*T)
	m.t.Own(unsafe.Pointer(&v))
	return v
}

// outAll copies rows for a caller; owned rows are copies nobody else holds,
// whose pointers need no second duplication. When they are the elements of
// a block, in order, the block is the answer and nothing is copied.
func (m *Model[T]) outAll(f rel.Found) []T {
	if blk, ok := f.Block.([]T); ok && inBlock(blk, f.At, f.Rows) {
		return blk[f.At : f.At+len(f.Rows) : f.At+len(f.Rows)]
	}
	res := make([]T, len(f.Rows))
	for i, r := range f.Rows {
		res[i] = *r.(*T)
	}
	if !f.Owned && len(m.t.Owned) > 0 {
		for i := range res {
			m.t.Own(unsafe.Pointer(&res[i]))
		}
	}
	return res
}

// inBlock reports whether rows are blk[at:], element for element, and
// cover most of blk: handing out a sliver would pin all of it.
func inBlock[T any](blk []T, at int, rows []any) bool {
	if at < 0 || at+len(rows) > len(blk) || 2*len(rows) < len(blk) {
		return false
	}
	for i, r := range rows {
		if p, ok := r.(*T); !ok || p != &blk[at+i] {
			return false
		}
	}
	return true
}

// Create inserts v and returns it as stored: with its new auto-increment
// key when v's key is zero, and defaults filled in for NULL (or, in
// non-pointer fields, zero) values. An explicit key is kept and moves the
// sequence past it. It fails with *ValidationError, *UniqueConstraintError
// or *ForeignKeyConstraintError and then changes nothing.
//
// With incs it is a nested create: each Include names an association of
// T whose struct field in v holds rows to create with v (see the package
// overview, Nested create), to the depth of the includes' own Include.
// Without an Include for it, an association field holding rows fails the
// call with ErrAssociationField.
func (m *Model[T]) Create(tx *Txn, v T, incs ...Include) (_ T, err error) {
	var zero T
	if err := tx.use(m.table(), true); err != nil {
		return zero, err
	}
	defer tx.exit(&err)
	if len(incs) > 0 {
		return m.createNested(tx, v, incs)
	}
	row, err := m.in(&v)
	if err != nil {
		return zero, err
	}
	if err := tx.r.Atomic(func() error { return tx.r.Create(m.t, row, nil) }); err != nil {
		return zero, err
	}
	return m.out(row), nil
}

// createNested is Create with includes, on an entered call. v is its own
// copy, so that only this path pays for boxing it.
func (m *Model[T]) createNested(tx *Txn, v T, incs []Include) (T, error) {
	out, err := createNested(tx, m.t, &v, incs)
	if err != nil {
		return *new(T), err
	}
	return *out.(*T), nil
}

// FindByPK returns the row with the given primary key; false when there is
// none, or when it is soft-deleted and opts do not include [WithDeleted].
// A key of the wrong type fails with ErrBadKey.
func (m *Model[T]) FindByPK(tx *Txn, key any, opts ...FindOption) (T, bool, error) {
	var zero T
	row, err := findByKey(tx, m.table(), key, withDeleted(opts))
	if row == nil {
		return zero, false, err
	}
	// Stored rows never change, so the copy may follow the call's end.
	return m.out(row), true, nil
}

// Get returns the row with the given primary key, for code that expects
// it: where FindByPK reports a miss with false, Get fails with a
// *NotFoundError naming the model and key (errors.Is ErrNotFound). A
// soft-deleted row is a miss unless opts include [WithDeleted].
func (m *Model[T]) Get(tx *Txn, key any, opts ...FindOption) (T, error) {
	v, ok, err := m.FindByPK(tx, key, opts...)
	if err == nil && !ok {
		err = &NotFoundError{Model: m.t.Name, Key: clone.Value(key)}
	}
	return v, err
}

// findByKey is FindByPK as one read call on t: the stored row, or nil.
func findByKey(tx *Txn, t *meta.Table, key any, withDeleted bool) (_ any, err error) {
	if err := tx.use(t, false); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	k, err := t.KeyOf(key, nil)
	if err != nil {
		return nil, err
	}
	row := tx.r.ByKey(t, k)
	if row == nil || !t.Live(t.Ptr(row)) && !withDeleted {
		return nil, nil
	}
	return row, nil
}

// FindAll returns the rows matching o (nil: all rows, by primary key),
// with the associations o includes filled in.
func (m *Model[T]) FindAll(tx *Txn, o *Options) ([]T, error) {
	f, err := findRows(tx, m.table(), o)
	if err != nil {
		return nil, err
	}
	return m.outAll(f), nil
}

// findRows is FindAll as one read call on t: the rows, not yet copied out.
func findRows(tx *Txn, t *meta.Table, o *Options) (_ rel.Found, err error) {
	if err := tx.use(t, false); err != nil {
		return rel.Found{}, err
	}
	defer tx.exit(&err)
	return tx.r.FindRows(t, o.read(t, new(rel.Read)))
}

// FindOne returns the first row FindAll would return; false when none.
func (m *Model[T]) FindOne(tx *Txn, o *Options) (T, bool, error) {
	var zero T
	one := Options{Limit: 1}
	if o != nil {
		one = *o
		one.Limit = 1
	}
	rows, err := m.FindAll(tx, &one)
	if err != nil || len(rows) == 0 {
		return zero, false, err
	}
	return rows[0], true, nil
}

// Count returns the number of rows matching o's Where (and required
// includes), without copying them. As in Sequelize, o's Order, Limit,
// Offset and Fields do not apply.
func (m *Model[T]) Count(tx *Txn, o *Options) (int, error) { return countRows(tx, m.table(), o) }

// countRows is Count as one read call on t.
func countRows(tx *Txn, t *meta.Table, o *Options) (_ int, err error) {
	if err := tx.use(t, false); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	return tx.r.CountRows(t, o.read(t, new(rel.Read)))
}

// Update replaces the stored row that has v's primary key by v, every
// field of it: a field v leaves zero is written as zero (NULL for a nil
// pointer). To write only some fields, use [Model.Patch]. It fails with
// ErrNotFound when there is none.
func (m *Model[T]) Update(tx *Txn, v T) (T, error) {
	return m.UpdateKey(tx, m.Key(v), v)
}

// UpdateKey replaces the row with primary key key by v, which may carry a
// different primary key: the row is then re-keyed and the onUpdate rules
// of its associations run. A changed source key does the same.
func (m *Model[T]) UpdateKey(tx *Txn, key any, v T) (_ T, err error) {
	var zero T
	if err := tx.use(m.table(), true); err != nil {
		return zero, err
	}
	defer tx.exit(&err)
	k, err := m.t.KeyOf(key, nil)
	if err != nil {
		return zero, err
	}
	row, err := m.in(&v)
	if err != nil {
		return zero, err
	}
	if err := tx.r.UpdateByKey(m.t, k, key, row); err != nil {
		return zero, err
	}
	return m.out(row), nil
}

// Patch writes only the fields set names (column or Go names) of the row
// with primary key key, leaving the others as stored, and returns the row
// as stored: the partial update that Update, which replaces the whole
// row, is not. Values convert as for UpdateAll; a primary key among them
// re-keys the row. The values are checked before the row is looked up (a
// NULL for a NOT NULL field is a ValidationError even for a missing row,
// as Sequelize validates first); then a missing or soft-deleted row is
// ErrNotFound. An update through the model: timestamps, hooks and
// validators run.
func (m *Model[T]) Patch(tx *Txn, key any, set map[string]any) (T, error) {
	var zero T
	row, err := patch(tx, m.table(), key, set)
	if err != nil {
		return zero, err
	}
	return m.out(row), nil
}

// patch is Patch as one write call on t: the stored row.
func patch(tx *Txn, t *meta.Table, key any, set map[string]any) (_ any, err error) {
	if err := tx.use(t, true); err != nil {
		return nil, err
	}
	defer tx.exit(&err)
	k, err := t.KeyOf(key, nil)
	if err != nil {
		return nil, err
	}
	return tx.r.Patch(t, k, key, set)
}

// Destroy deletes the row that has v's primary key; see DestroyKey.
func (m *Model[T]) Destroy(tx *Txn, v T, opts ...DestroyOption) error {
	return m.DestroyKey(tx, m.Key(v), opts...)
}

// DestroyKey deletes the row with primary key key and applies the onDelete
// rule of every association whose source it is: CASCADE deletes children
// (and their children, to any depth), SET NULL nulls their foreign key,
// RESTRICT and NO ACTION fail while children exist. It fails with
// ErrNotFound when there is no such row. Its cost is linear in the rows the
// cascade deletes or rewrites (see Big writes in the package overview): a
// million children or a chain a million levels deep take seconds to tens
// of seconds and one to two GiB of garbage, and no stack.
//
// On a [Paranoid] model it soft-deletes the row instead (no rule runs), and
// a row soft-deleted already is ErrNotFound; with [Force] it deletes the
// row for real, soft-deleted or not, with the onDelete rules.
func (m *Model[T]) DestroyKey(tx *Txn, key any, opts ...DestroyOption) error {
	return destroyKey(tx, m.table(), key, forced(opts))
}

// destroyKey is DestroyKey as one write call on t.
func destroyKey(tx *Txn, t *meta.Table, key any, force bool) (err error) {
	if err := tx.use(t, true); err != nil {
		return err
	}
	defer tx.exit(&err)
	k, err := t.KeyOf(key, nil)
	if err != nil {
		return err
	}
	return tx.r.DestroyByKey(t, k, key, force)
}

// UpdateAll sets the given fields (column or Go names) of every row
// matching where and returns how many rows matched, as PostgreSQL's UPDATE
// counts them: a row whose fields already held the values counts too, and
// a row deleted by a cascade from an earlier one does not. All rows change
// or, on error, none. Each value is converted as a stored value is (a float64
// is rounded for a float32 column, and one beyond its range is
// ErrBadValue); a field named twice, under its column and its Go name, is
// ErrDuplicateField.
func (m *Model[T]) UpdateAll(tx *Txn, where query.Cond, set map[string]any) (int, error) {
	return updateAll(tx, m.table(), where, set)
}

// updateAll is UpdateAll as one write call on t.
func updateAll(tx *Txn, t *meta.Table, where query.Cond, set map[string]any) (_ int, err error) {
	if err := tx.use(t, true); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	return tx.r.UpdateAll(t, where, set)
}

// DestroyAll deletes every row matching where, with the onDelete rules of
// DestroyKey, and returns how many rows matched (including those a cascade
// from an earlier one removed). All go or, on error, none. On a [Paranoid]
// model it soft-deletes the live rows matching where and counts them;
// with [Force] it deletes every matching row for real, soft-deleted ones
// included.
func (m *Model[T]) DestroyAll(tx *Txn, where query.Cond, opts ...DestroyOption) (int, error) {
	return destroyAll(tx, m.table(), where, forced(opts))
}

// destroyAll is DestroyAll as one write call on t.
func destroyAll(tx *Txn, t *meta.Table, where query.Cond, force bool) (_ int, err error) {
	if err := tx.use(t, true); err != nil {
		return 0, err
	}
	defer tx.exit(&err)
	return tx.r.DestroyAll(t, where, force)
}
