package memrel

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
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
	t *table
}

// Define declares the model T on s under name ("" means the type's name).
// Field metadata is resolved here, once; mistakes are reported by
// [Schema.Open]. On a nil Schema it returns a zero Model, whose methods
// fail with ErrWrongStore.
func Define[T any](s *Schema, name string) *Model[T] {
	if s == nil {
		return &Model[T]{}
	}
	typ := reflect.TypeFor[T]()
	if name == "" {
		name = typ.Name()
	}
	t := s.addTable(name, typ)
	t.ptr = func(row any) unsafe.Pointer { return unsafe.Pointer(row.(*T)) }
	t.newRow = func() any { return new(T) }
	t.cloneAll = func(rows []any) ([]any, any) {
		// One allocation for all the copies, not one per row.
		arr := make([]T, len(rows))
		out := make([]any, len(rows))
		for i, r := range rows {
			arr[i] = *r.(*T)
			t.own(unsafe.Pointer(&arr[i]))
			out[i] = &arr[i]
		}
		return out, arr
	}
	t.clone = func(row any) any {
		n := new(T)
		*n = *row.(*T)
		t.own(unsafe.Pointer(n))
		return n
	}
	return &Model[T]{t: t}
}

// Name returns the model's name; "" for a nil or zero Model.
func (m *Model[T]) Name() string {
	if m.table() == nil {
		return ""
	}
	return m.t.name
}

// Key returns v's primary key as its canonical Go value (int64 for signed
// integer keys, uint64 for unsigned ones, string for text keys); nil for a
// nil or zero Model.
func (m *Model[T]) Key(v T) any {
	if m.table() == nil || m.t.pk == nil {
		return nil
	}
	return m.t.pk.get(unsafe.Pointer(&v))
}

// table is the model's table, or nil for a nil or zero Model (one not
// returned by Define), which Txn.use refuses with ErrWrongStore: every
// method of such a Model fails that way, or returns a zero value.
func (m *Model[T]) table() *table {
	if m == nil {
		return nil
	}
	return m.t
}

// in copies a caller's value into a new row the store will own: pointers
// are duplicated and fields that are not columns cleared.
func (m *Model[T]) in(v *T) *T {
	n := new(T)
	if m.t.columnwise {
		for _, f := range m.t.fields {
			f.copy(unsafe.Pointer(n), unsafe.Pointer(v))
		}
	} else {
		*n = *v
		for _, z := range m.t.zero {
			z(unsafe.Pointer(n))
		}
	}
	m.t.own(unsafe.Pointer(n))
	return n
}

// out copies a stored row for a caller.
func (m *Model[T]) out(row any) T {
	v := *row.(*T)
	m.t.own(unsafe.Pointer(&v))
	return v
}

// outAll copies rows for a caller; owned rows are copies nobody else holds,
// whose pointers need no second duplication. When they are the elements of
// a block, in order, the block is the answer and nothing is copied.
func (m *Model[T]) outAll(f found) []T {
	if blk, ok := f.block.([]T); ok && inBlock(blk, f.at, f.rows) {
		return blk[f.at : f.at+len(f.rows) : f.at+len(f.rows)]
	}
	res := make([]T, len(f.rows))
	for i, r := range f.rows {
		res[i] = *r.(*T)
	}
	if !f.owned && len(m.t.owned) > 0 {
		for i := range res {
			m.t.own(unsafe.Pointer(&res[i]))
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
func (m *Model[T]) Create(tx *Txn, v T) (T, error) {
	var zero T
	if err := tx.use(m.table(), true); err != nil {
		return zero, err
	}
	defer tx.leave()
	row := m.in(&v)
	if err := tx.atomic(func() error { return tx.create(m.t, row) }); err != nil {
		return zero, err
	}
	return m.out(row), nil
}

// FindByPK returns the row with the given primary key; false when there is
// none. A key of the wrong type fails with ErrBadKey.
func (m *Model[T]) FindByPK(tx *Txn, key any) (T, bool, error) {
	var zero T
	if err := tx.use(m.table(), false); err != nil {
		return zero, false, err
	}
	defer tx.leave()
	k, err := m.t.keyOf(key, nil)
	if err != nil {
		return zero, false, err
	}
	row := tx.byKey(m.t, k)
	if row == nil {
		return zero, false, nil
	}
	return m.out(row), true, nil
}

// FindAll returns the rows matching o (nil: all rows, by primary key),
// with the associations o includes filled in.
func (m *Model[T]) FindAll(tx *Txn, o *Options) ([]T, error) {
	if err := tx.use(m.table(), false); err != nil {
		return nil, err
	}
	defer tx.leave()
	f, err := tx.findRows(m.t, o)
	if err != nil {
		return nil, err
	}
	return m.outAll(f), nil
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
func (m *Model[T]) Count(tx *Txn, o *Options) (int, error) {
	if err := tx.use(m.table(), false); err != nil {
		return 0, err
	}
	defer tx.leave()
	return tx.countRows(m.t, o)
}

// Update replaces the stored row that has v's primary key by v. It fails
// with ErrNotFound when there is none.
func (m *Model[T]) Update(tx *Txn, v T) (T, error) {
	return m.UpdateKey(tx, m.Key(v), v)
}

// UpdateKey replaces the row with primary key key by v, which may carry a
// different primary key: the row is then re-keyed and the onUpdate rules
// of its associations run. A changed source key does the same.
func (m *Model[T]) UpdateKey(tx *Txn, key any, v T) (T, error) {
	var zero T
	if err := tx.use(m.table(), true); err != nil {
		return zero, err
	}
	defer tx.leave()
	k, err := m.t.keyOf(key, nil)
	if err != nil {
		return zero, err
	}
	row := m.in(&v)
	err = tx.atomic(func() error {
		old := tx.byKey(m.t, k)
		if old == nil {
			return &NotFoundError{Model: m.t.name, Key: clone.Value(key)}
		}
		return tx.updateRow(m.t, old, row)
	})
	if err != nil {
		return zero, err
	}
	return m.out(row), nil
}

// Destroy deletes the row that has v's primary key; see DestroyKey.
func (m *Model[T]) Destroy(tx *Txn, v T) error { return m.DestroyKey(tx, m.Key(v)) }

// DestroyKey deletes the row with primary key key and applies the onDelete
// rule of every association whose source it is: CASCADE deletes children
// (and their children, to any depth), SET NULL nulls their foreign key,
// RESTRICT and NO ACTION fail while children exist. It fails with
// ErrNotFound when there is no such row. Its cost is linear in the rows the
// cascade deletes or rewrites (see Big writes in the package overview): a
// million children or a chain a million levels deep take seconds to tens
// of seconds and one to two GiB of garbage, and no stack.
func (m *Model[T]) DestroyKey(tx *Txn, key any) error {
	if err := tx.use(m.table(), true); err != nil {
		return err
	}
	defer tx.leave()
	k, err := m.t.keyOf(key, nil)
	if err != nil {
		return err
	}
	return tx.atomic(func() error {
		old := tx.byKey(m.t, k)
		if old == nil {
			return &NotFoundError{Model: m.t.name, Key: clone.Value(key)}
		}
		return tx.deleteRow(m.t, old)
	})
}

// UpdateAll sets the given fields (column or Go names) of every row
// matching where and returns how many rows it changed. All rows change or,
// on error, none. Each value is converted as a stored value is (a float64
// is rounded for a float32 column, and one beyond its range is
// ErrBadValue); a field named twice, under its column and its Go name, is
// ErrDuplicateField.
func (m *Model[T]) UpdateAll(tx *Txn, where query.Cond, set map[string]any) (int, error) {
	if err := tx.use(m.table(), true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return tx.updateAll(m.t, where, set)
}

// updateAll is UpdateAll inside a call, on the table t.
func (tx *Txn) updateAll(t *table, where query.Cond, set map[string]any) (int, error) {
	type assign struct {
		f *field
		v any
	}
	sets := make([]assign, 0, len(set))
	for name, v := range set {
		f, ok := t.byName[name]
		if !ok {
			return 0, &FieldError{Model: t.name, Field: name, Err: ErrUnknownField}
		}
		for _, s := range sets {
			if s.f == f { // "slug" and "Slug": which value wins?
				return 0, &FieldError{Model: t.name, Field: f.name, Err: ErrDuplicateField}
			}
		}
		cv, err := f.conv(v)
		if err != nil {
			return 0, &FieldError{Model: t.name, Field: name, Value: clone.Value(v), Err: ErrBadValue}
		}
		if cv == nil && f.null == nullNone {
			return 0, &ValidationError{Model: t.name, Items: []ValidationErrorItem{{Field: f.name, Message: "cannot be null"}}}
		}
		sets = append(sets, assign{f, cv})
	}
	n := 0
	err := tx.atomic(func() error {
		f, err := tx.findRows(t, &Options{Where: where})
		if err != nil {
			return err
		}
		for _, old := range f.rows {
			// A cascade from an earlier row may have changed this one.
			cur := tx.current(t, old)
			if cur == nil {
				continue
			}
			row := t.clone(cur)
			for _, s := range sets {
				s.f.set(t.ptr(row), s.v)
			}
			if err := tx.updateRow(t, cur, row); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// DestroyAll deletes every row matching where, with the onDelete rules of
// DestroyKey, and returns how many rows matched (including those a cascade
// from an earlier one removed). All go or, on error, none.
func (m *Model[T]) DestroyAll(tx *Txn, where query.Cond) (int, error) {
	if err := tx.use(m.table(), true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return tx.destroyAll(m.t, where)
}

// destroyAll is DestroyAll inside a call, on the table t.
func (tx *Txn) destroyAll(t *table, where query.Cond) (int, error) {
	n := 0
	err := tx.atomic(func() error {
		f, err := tx.findRows(t, &Options{Where: where})
		if err != nil {
			return err
		}
		for _, old := range f.rows {
			cur := tx.current(t, old)
			if cur == nil {
				continue // deleted by an earlier row's cascade
			}
			if err := tx.deleteRow(t, cur); err != nil {
				return err
			}
		}
		// Every matching row is gone, by this statement or its cascades,
		// and PostgreSQL's DELETE reports them all.
		n = len(f.rows)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// create inserts a row the store owns: defaults, then the auto-increment
// key, then the checks. The sequence moves only when the insert succeeds.
func (tx *Txn) create(t *table, row any) error {
	p := t.ptr(row)
	for _, f := range t.fields {
		if f.def != nil && (f.isNull(p) || (f.null == nullNone && f.isZero(p))) {
			f.set(p, f.def)
		}
	}
	seq := &tx.store.seqs[t.pos]
	// fresh: the key is past every key the table has held (seq.high), so
	// nothing can collide and the duplicate check is skipped. The sequence
	// is past them too (every explicit key moves it, Load moves it past
	// the loaded ones), so a drawn key is fresh; should it ever be behind,
	// a drawn key is checked like an explicit one and fails as a
	// duplicate, as in PostgreSQL, rather than replace a row.
	fresh := false
	if t.pk.autoInc {
		if t.pk.isZero(p) {
			if seq.Load() >= t.pk.maxID() {
				return fmt.Errorf("%w: %s.%s reached %d", ErrSequenceExhausted, t.name, t.pk.name, seq.Load())
			}
			if t.pk.kind == kUint {
				t.pk.set(p, uint64(seq.Load()+1))
			} else {
				t.pk.set(p, seq.Load()+1)
			}
		}
		fresh = t.pk.seqValue(p) > max(seq.Load(), seq.high)
	}
	if err := tx.insertRow(t, row, fresh); err != nil {
		return err
	}
	if t.pk.autoInc {
		tx.advance(t, p)
	}
	return nil
}

// advance moves t's sequence past the key of row p, if it is beyond it,
// recording the move so a failing call can take it back.
func (tx *Txn) advance(t *table, p unsafe.Pointer) {
	id := t.pk.seqValue(p)
	if seq := &tx.store.seqs[t.pos]; id > seq.Load() {
		tx.w.seqUndo = append(tx.w.seqUndo, seqMove{t.pos, seq.Load()})
		seq.Store(id)
	}
}
