package rel

import (
	"slices"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// BulkCreate creates rows (each owned by the store) in order, all or none:
// the first row that fails fails the call, and every row, id and stamp it
// took is given back. Rows of one call share one instant.
func (tx *Txn) BulkCreate(t *meta.Table, rows []any) error {
	return tx.Atomic(func() error {
		tx.prefetchParents(t, rows)
		for _, r := range rows {
			if err := tx.Create(t, r, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// Upsert inserts row (owned by the store) or, when a stored row conflicts
// with it on the conflict key, writes row's given fields (nil: every field
// but the primary key, createdAt and deletedAt) into that one. conflict is the key
// the caller named, or nil to choose (see ConflictKey). The candidate is
// checked as a whole insert row first, as PostgreSQL checks it before it
// resolves the conflict; an update takes no id. It returns the stored row
// and whether it was inserted.
//
// given are the fields an update writes (nil: all but the primary key,
// createdAt and deletedAt); held are the fields the values hold, among
// which the conflict key is chosen when conflict is nil (nil: all).
func (tx *Txn) Upsert(t *meta.Table, row any, given, held []*meta.Field, conflict *meta.Index) (stored any, created bool, err error) {
	err = tx.Atomic(func() error {
		p := t.Ptr(row)
		Defaults(t, p)
		tx.stampNew(t, p)
		if err := checkNotNull(t, p); err != nil {
			return err
		}
		ix := conflict
		if ix == nil {
			var err error
			if ix, err = ConflictKey(t, p, held); err != nil {
				return err
			}
		}
		var cur any
		if ix != nil {
			cur = tx.conflicting(ix, p)
		}
		if cur == nil {
			created = true
			stored = row
			return tx.CreateFilled(t, row, nil)
		}
		next := t.Clone(cur)
		np := t.Ptr(next)
		for _, f := range t.Fields {
			switch {
			case given == nil && (f.PK || f == t.Stamps.Created || f == t.Stamps.Deleted),
				given != nil && !slices.Contains(given, f):
				continue
			}
			f.Set(np, f.Get(p))
		}
		t.Own(np) // the values came from row, which the store may keep
		stored = next
		return tx.UpdateRow(t, cur, next)
	})
	if err != nil {
		return nil, false, err
	}
	return stored, created, nil
}

// conflicting is the stored row with the key of the row at p in ix, or
// nil (also when the key holds NULL, which never conflicts).
func (tx *Txn) conflicting(ix *meta.Index, p unsafe.Pointer) any {
	var kb [64]byte
	k, ok := ix.Key(p, kb[:0])
	if !ok {
		return nil
	}
	if ix.IsPK() {
		return tx.ByKey(ix.Table, k)
	}
	return tx.First(ix, k)
}

// ConflictKey chooses an upsert's conflict key for the row at p: the
// primary key when the row holds it (a zero auto-increment key is not
// held); otherwise the one unique constraint whose fields the row holds
// (given, or all fields when given is nil) and none is NULL; nil when
// there is none (a plain insert); ErrConflictKey when there are several.
func ConflictKey(t *meta.Table, p unsafe.Pointer, given []*meta.Field) (*meta.Index, error) {
	holds := func(ix *meta.Index) bool {
		for _, f := range ix.Cols {
			if given != nil && !slices.Contains(given, f) || f.IsNull(p) || f.AutoInc && f.IsZero(p) {
				return false
			}
		}
		return true
	}
	if pk := t.Indexes[0]; holds(pk) {
		return pk, nil
	}
	var found *meta.Index
	for _, ix := range t.UniqueKeys {
		if !holds(ix) {
			continue
		}
		if found != nil {
			return nil, &errs.FieldError{Model: t.Name, Field: fieldNames(found.Cols) + " or " + fieldNames(ix.Cols), Err: errs.ErrConflictKey}
		}
		found = ix
	}
	return found, nil
}

// UniqueOver is t's primary key or unique constraint over exactly the
// fields named (column or Go names, any order), for an upsert's
// OnConflict; a *FieldError wrapping ErrUnknownField or ErrConflictKey
// when there is none.
func UniqueOver(t *meta.Table, names []string) (*meta.Index, error) {
	fs, err := FieldsNamed(t, names)
	if err != nil {
		return nil, err
	}
	for _, ix := range append(t.Indexes[:1:1], t.UniqueKeys...) {
		if len(ix.Cols) == len(fs) && subset(ix.Cols, fs) && subset(fs, ix.Cols) {
			return ix, nil
		}
	}
	return nil, &errs.FieldError{Model: t.Name, Field: fieldNames(fs), Err: errs.ErrConflictKey}
}

func subset(a, b []*meta.Field) bool {
	for _, f := range a {
		if !slices.Contains(b, f) {
			return false
		}
	}
	return true
}

// fieldNames lists fields as "(a, b)", or "a" for one.
func fieldNames(fs []*meta.Field) string {
	if len(fs) == 1 {
		return fs[0].Name
	}
	s := "("
	for i, f := range fs {
		if i > 0 {
			s += ", "
		}
		s += f.Name
	}
	return s + ")"
}

// FieldsNamed resolves field names (column or Go names); nil for nil.
func FieldsNamed(t *meta.Table, names []string) ([]*meta.Field, error) {
	if names == nil {
		return nil, nil
	}
	fs := make([]*meta.Field, 0, len(names))
	for _, n := range names {
		f, err := fieldNamed(t, n)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// fieldNamed is t's field of that column or Go name, or a *FieldError
// wrapping ErrUnknownField.
func fieldNamed(t *meta.Table, name string) (*meta.Field, error) {
	f, ok := t.ByName[name]
	if !ok {
		return nil, &errs.FieldError{Model: t.Name, Field: name, Err: errs.ErrUnknownField}
	}
	return f, nil
}

// assigned is fieldNamed for a field a call assigns: one assigned already
// (under its other name) is ErrDuplicateField, as PostgreSQL's "multiple
// assignments to same column".
func assigned(t *meta.Table, name string, taken func(*meta.Field) bool) (*meta.Field, error) {
	f, err := fieldNamed(t, name)
	if err == nil && taken(f) {
		return nil, &errs.FieldError{Model: t.Name, Field: f.Name, Err: errs.ErrDuplicateField}
	}
	return f, err
}
