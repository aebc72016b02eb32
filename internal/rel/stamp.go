package rel

import (
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/meta"
)

// NewCall starts a write call: the next stamp reads the clock again, so
// every row one call stamps gets the same instant (SPEC N1).
func (tx *Txn) NewCall() {
	if tx.wk != nil {
		tx.wk.nowSet = false
	}
}

// Now is the instant of the running write call: the clock's reading at
// its first stamp.
func (tx *Txn) Now() time.Time {
	w := tx.wk
	if !w.nowSet {
		if tx.db.Clock != nil {
			w.now = tx.db.Clock()
		} else {
			w.now = time.Now().UTC()
		}
		w.nowSet = true
	}
	return w.now
}

// stampNew sets the timestamps of a row about to be created at p: its
// createdAt unless given, and its updatedAt.
func (tx *Txn) stampNew(t *meta.Table, p unsafe.Pointer) {
	st := &t.Stamps
	if st.Updated == nil {
		return
	}
	now := tx.Now()
	if unset(st.Created, p) {
		st.Created.Set(p, now)
	}
	st.Updated.Set(p, now)
}

// stampChange sets the updatedAt of a row about to replace old, and keeps
// old's createdAt where the new row leaves it zero (a struct built
// without it): an update through the model, not a referential action,
// which changes no stamp.
func (tx *Txn) stampChange(t *meta.Table, old, row any) {
	st := &t.Stamps
	if st.Updated == nil {
		return
	}
	p := t.Ptr(row)
	if unset(st.Created, p) {
		st.Created.Set(p, st.Created.Get(t.Ptr(old)))
	}
	st.Updated.Set(p, tx.Now())
}

// unset reports whether the field at p holds NULL or the zero time: a
// stamp the caller did not give (a NOT NULL pointer field may hold NULL
// until the store stamps it).
func unset(f *meta.Field, p unsafe.Pointer) bool { return f.IsNull(p) || f.IsZero(p) }
