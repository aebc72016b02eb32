package meta

import (
	"reflect"
	"unsafe"
)

// Stamps are the fields of a table whose values the store keeps rather
// than the caller (SPEC N1, N13); a nil field is one the table does not
// keep.
type Stamps struct {
	// Created and Updated are the Timestamps fields: a create sets both
	// to the operation's instant (an explicit Created is kept), every
	// update through the model sets Updated.
	Created, Updated *Field
	// Deleted is the Paranoid field: non-NULL on a soft-deleted row.
	Deleted *Field
}

// AddTimestamps makes the store keep t's createdAt and updatedAt fields,
// which must be NOT NULL times.
func (t *Table) AddTimestamps() {
	t.Stamps.Created = t.stampField("Timestamps", "createdAt", false)
	t.Stamps.Updated = t.stampField("Timestamps", "updatedAt", false)
}

// AddParanoid makes destroying a row of t set its deletedAt field, a
// nullable time, instead of deleting it. It needs Timestamps, which Seal
// checks, so the options may come in either order.
func (t *Table) AddParanoid() {
	t.Stamps.Deleted = t.stampField("Paranoid", "deletedAt", true)
	t.paranoid = true
}

// stampField finds the field an option keeps, by column or Go name, and
// checks its type; problems go to the schema.
func (t *Table) stampField(opt, name string, nullable bool) *Field {
	f, ok := t.ByName[name]
	if !ok {
		t.Schema.Problem(t.Name, name, "%s needs a field %s (a %s)", opt, UpperFirst(name), stampType(nullable))
		return nil
	}
	if f.Kind != Time || f.Nullable() != nullable || f.PK {
		t.Schema.Problem(t.Name, f.Name, "%s: %s must be a %s", opt, f.Name, stampType(nullable))
		return nil
	}
	return f
}

func stampType(nullable bool) string {
	if nullable {
		return "*time.Time"
	}
	return "time.Time, NOT NULL"
}

// checkStamps reports a Paranoid table without Timestamps.
func (t *Table) checkStamps() {
	if t.paranoid && (t.Stamps.Created == nil || t.Stamps.Updated == nil) {
		t.Schema.Problem(t.Name, "", "Paranoid needs Timestamps")
	}
}

// Paranoid reports whether destroying a row of t soft-deletes it.
func (t *Table) Paranoid() bool { return t.Stamps.Deleted != nil }

// Live reports whether the row at p is visible to reads that skip
// soft-deleted rows: always, unless t is paranoid and the row's deletedAt
// is set.
func (t *Table) Live(p unsafe.Pointer) bool {
	return t.Stamps.Deleted == nil || t.Stamps.Deleted.IsNull(p)
}

// gormStamps keeps GORM's conventions for a model written for GORM (one
// of its fields, embedded ones included, has a gorm tag, as gorm.Model's
// do): NOT NULL time fields CreatedAt and UpdatedAt are Timestamps, and a
// nullable time DeletedAt (gorm.DeletedAt) makes it Paranoid.
func (t *Table) gormStamps(cols []reflect.StructField) {
	gorm := false
	for _, sf := range cols {
		if _, ok := sf.Tag.Lookup("gorm"); ok {
			gorm = true
		}
	}
	if !gorm {
		return
	}
	is := func(name string, nullable bool) bool {
		f, ok := t.ByName[name]
		return ok && f.Kind == Time && f.Nullable() == nullable && !f.PK
	}
	if is("createdAt", false) && is("updatedAt", false) {
		t.AddTimestamps()
		if is("deletedAt", true) {
			t.AddParanoid()
		}
	}
}
