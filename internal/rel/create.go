package rel

import (
	"fmt"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// Create inserts a row the store owns: defaults, then the auto-increment
// key, then the checks. The sequence moves only when the insert succeeds.
// known, when not nil, is a relation whose source row the caller looked up
// in this same call and whose key it gave row (an association's Create),
// so that reference is not looked up a second time.
func (tx *Txn) Create(t *meta.Table, row any, known *meta.Relation) error {
	Defaults(t, t.Ptr(row))
	return tx.CreateFilled(t, row, known)
}

// Defaults gives every field of the row at p that has a default and holds
// NULL (or, for a non-nullable type, its zero value) the default.
func Defaults(t *meta.Table, p unsafe.Pointer) {
	for _, f := range t.Fields {
		if f.Default != nil && (f.IsNull(p) || (f.Null == meta.NullNone && f.IsZero(p))) {
			f.Set(p, f.Default)
		}
	}
}

// CreateFilled is Create of a row whose defaults were applied already: a
// NULL left in a NOT NULL field is then the caller's, and fails.
func (tx *Txn) CreateFilled(t *meta.Table, row any, known *meta.Relation) error {
	p := t.Ptr(row)
	tx.stampNew(t, p)
	if err := tx.before(t, meta.OnCreate, row); err != nil {
		return err
	}
	// fresh: the key can collide with no row the table has held, so the
	// duplicate check is skipped. The sequence is past every stored key
	// (every explicit key moves it, Load moves it past the loaded ones),
	// so a drawn key is fresh; should it ever be behind, a drawn key is
	// checked like an explicit one and fails as a duplicate, as in
	// PostgreSQL, rather than replace a row.
	fresh := false
	if t.PK.AutoInc {
		if t.PK.IsZero(p) {
			// A create that fails its NOT NULL checks takes no id, as
			// Sequelize validates before its INSERT: on an engine whose
			// Draw takes the value (PostgreSQL's nextval), check first.
			if err := checkNotNull(t, p); err != nil {
				return err
			}
			id, ok := tx.wk.w.Draw(t, t.PK.MaxID())
			if !ok {
				return fmt.Errorf("%w: %s.%s reached %d", errs.ErrSequenceExhausted, t.Name, t.PK.Name, t.PK.MaxID())
			}
			if t.PK.Kind == meta.Uint {
				t.PK.Set(p, uint64(id))
			} else {
				t.PK.Set(p, id)
			}
		}
		fresh = tx.wk.w.Fresh(t, t.PK.SeqValue(p))
	}
	if err := tx.InsertRow(t, row, fresh, known); err != nil {
		return err
	}
	if t.PK.AutoInc {
		tx.advance(t, p)
	}
	return tx.after(t, meta.OnCreate, row)
}

// advance moves t's sequence past the key of row p, if it is beyond it,
// recording the move so a failing call can take it back.
func (tx *Txn) advance(t *meta.Table, p unsafe.Pointer) {
	tx.wk.w.Advance(t, t.PK.SeqValue(p))
}
