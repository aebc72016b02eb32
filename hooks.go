package memrel

import (
	"reflect"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/meta"
)

// Hooks are functions a model runs around its writes, inside the
// transaction: a Before hook's error fails the write, an After hook's
// error fails the call, and either way the call changes nothing (the
// calls a hook made on tx included). Declare them with [WithHooks].
//
// They run for each row written through the model, the writes that stamp
// [Timestamps]: Create (also BulkCreate, FindOrCreate and Upsert when they
// create, an association's Create), Update (UpdateKey, UpdateAll,
// Increment, Upsert when it updates, and an association op that rewrites
// a row's foreign key), Destroy (DestroyKey, DestroyAll, and the un-
// association that deletes a NOT NULL child). They do not run for the
// referential actions of a cascade, nor for a soft delete's or a
// restore's own rewrite (a soft delete runs the Destroy hooks).
//
// The order of a create or update: defaults (create), timestamps, the
// Before hooks, which may change *v (their changes are kept and checked),
// the field validators ([Check]), then the store's checks (NOT NULL,
// primary key, unique, foreign keys) and the write, then the After hooks,
// which see the row as stored (its new key on a create) and whose changes
// to *v are ignored. A destroy runs its Before hooks on the stored row
// (changes ignored), then deletes, then runs its After hooks. A hook may
// call any operation on tx, on any model; those are calls of their own,
// with their own timestamps and hooks. v is a copy: a hook never holds
// the store's row.
type Hooks[T any] struct {
	BeforeCreate, AfterCreate   func(tx *Txn, v *T) error
	BeforeUpdate, AfterUpdate   func(tx *Txn, v *T) error
	BeforeDestroy, AfterDestroy func(tx *Txn, v *T) error
}

// WithHooks declares h on the model (several WithHooks run in the order
// given). Declared on a model of another type than T, it is a problem
// [Schema.Open] reports.
func WithHooks[T any](h Hooks[T]) ModelOption {
	return ModelOption{apply: func(t *meta.Table) {
		if t.Type != reflect.TypeFor[T]() {
			t.Schema.Problem(t.Name, "", "WithHooks for %s on a model of %s", reflect.TypeFor[T](), t.Type)
			return
		}
		m := &Model[T]{t: t}
		hooks := &t.Hooks
		for ev, fns := range [...][2]func(*Txn, *T) error{
			meta.OnCreate:  {h.BeforeCreate, h.AfterCreate},
			meta.OnUpdate:  {h.BeforeUpdate, h.AfterUpdate},
			meta.OnDestroy: {h.BeforeDestroy, h.AfterDestroy},
		} {
			if fns[0] != nil {
				// Only a create's or update's new row is the hook's to change.
				hooks.Before[ev] = append(hooks.Before[ev], m.hook(fns[0], ev != int(meta.OnDestroy)))
			}
			if fns[1] != nil {
				hooks.After[ev] = append(hooks.After[ev], m.hook(fns[1], false))
			}
		}
	}}
}

// hook adapts fn to the rules: it gets a copy of the row, and, when
// changes, the row takes the copy's values back (a new row not yet
// stored, which nobody else holds).
func (m *Model[T]) hook(fn func(*Txn, *T) error, changes bool) meta.Hook {
	return func(owner any, row any) error {
		tx := owner.(*Txn)
		v := m.out(row)
		if err := tx.callback(func() error { return fn(tx, &v) }); err != nil {
			return err
		}
		if changes {
			n, err := m.in(&v) // a hook that fills an association field fails
			if err != nil {
				return err
			}
			*row.(*T) = *n
		}
		return nil
	}
}

// callback runs fn, user code called from inside a call on tx, with tx
// open to fn's own calls: the busy flag, taken by the running call, is
// handed to them and taken back after.
func (tx *Txn) callback(fn func() error) error {
	if !tx.write {
		return fn()
	}
	tx.busy.Store(idle)
	defer tx.busy.Store(inCall)
	return fn()
}

// Check declares a validator of one field (column or Go name), run on
// every create and update through the model after the Before hooks (see
// [Hooks]): fn gets a copy of the field's value, of the field's Go type V
// (a pointer for a nullable field, nil for NULL), and its error fails the
// write with a *ValidationError. The error lists every failing field, the
// NOT NULL violations among them, with fn's error as the item's Message
// and Err (errors.Is finds it through the ValidationError). A field that
// does not exist or is not of type V is a problem [Schema.Open] reports.
func Check[V any](field string, fn func(V) error) ModelOption {
	return ModelOption{apply: func(t *meta.Table) {
		f, ok := t.ByName[field]
		if !ok {
			t.Schema.Problem(t.Name, field, "Check: no such field")
			return
		}
		sf, _ := t.Type.FieldByName(f.GoName)
		if want := reflect.TypeFor[V](); sf.Type != want {
			t.Schema.Problem(t.Name, f.Name, "Check: the field is a %s, the validator takes a %s", sf.Type, want)
			return
		}
		t.Hooks.Checks = append(t.Hooks.Checks, meta.Check{Field: f, Run: func(p unsafe.Pointer) error {
			v := *(*V)(unsafe.Add(p, f.Off))
			if f.NeedsOwn() {
				v = clone.Value(any(v)).(V) // the row's pointer or bytes stay the row's
			}
			return fn(v)
		}})
	}}
}
