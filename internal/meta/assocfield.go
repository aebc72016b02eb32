package meta

import (
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/memrel/memrel/internal/errs"
)

// AssocField is a struct field an association fills instead of a column
// (Post.Comments, Comment.Post): never stored, cleared when a row is
// copied in, read by a nested create for the rows to create.
type AssocField struct {
	Name  string // the Go field name
	Off   uintptr
	slice bool // a slice; else a pointer or an interface: one word, nil when empty
	// holds, when set, answers Holds: the field is no struct field of
	// its own (see ClaimFunc).
	holds func(p unsafe.Pointer) bool
	// Rows appends to dst the rows the field holds in the value at p, each
	// a pointer to a struct of the target's type boxed as a row is: the
	// elements of a []C (pointers into it), of a []*C or []any (a nil
	// element as nil), the value of a *C or an any when not nil.
	Rows func(p unsafe.Pointer, dst []any) []any
}

// Holds reports whether the field of the value at p holds rows: a slice
// with elements, a pointer or interface that is not nil. It reads one
// word, without reflection: every Create and Update asks it.
func (f *AssocField) Holds(p unsafe.Pointer) bool {
	if f.holds != nil {
		return f.holds(hidden(p)) // an unknown func: p would escape
	}
	q := unsafe.Add(p, f.Off)
	if f.slice {
		// Every slice header has the same layout, whatever its elements.
		return len(*(*[]struct{})(q)) > 0
	}
	// A pointer, or an interface's first word (its type): nil when empty.
	return *(*unsafe.Pointer)(q) != nil
}

// Claim makes the struct field sf of t an association field: zero clears
// it in a row copied in, rows reads the rows it holds (see AssocField).
// The typed layer calls it once per field, when an association is
// declared; a field claimed twice (two associations filling it with the
// same type) keeps the last claim, which reads it the same way.
func (t *Table) Claim(sf reflect.StructField, zero func(unsafe.Pointer), rows func(unsafe.Pointer, []any) []any) {
	t.Zeroers[sf.Name] = zero
	if t.claims == nil {
		t.claims = map[string]*AssocField{}
	}
	t.claims[sf.Name] = &AssocField{Name: sf.Name, Off: sf.Offset, slice: sf.Type.Kind() == reflect.Slice, Rows: rows}
}

// ClaimFunc makes name an association field of t that is no struct
// field of its own: holds and rows answer Holds and Rows from the value
// at p. DefineAny's models keep every association's rows in one map
// field, off bytes into the struct, so each association there is one.
func (t *Table) ClaimFunc(name string, off uintptr, holds func(unsafe.Pointer) bool, rows func(unsafe.Pointer, []any) []any) {
	if t.claims == nil {
		t.claims = map[string]*AssocField{}
	}
	t.claims[name] = &AssocField{Name: name, Off: off, holds: holds, Rows: rows}
}

// AssocField returns the association field named name (its Go name), or
// nil.
func (t *Table) AssocField(name string) *AssocField { return t.claims[name] }

// sealAssocs lists the claimed fields in struct order, so that the first
// one holding rows is reported whatever the map's order.
func (t *Table) sealAssocs() {
	t.Assocs = t.Assocs[:0]
	for _, f := range t.claims {
		t.Assocs = append(t.Assocs, f)
	}
	slices.SortFunc(t.Assocs, func(a, b *AssocField) int {
		if a.Off != b.Off {
			return int(a.Off) - int(b.Off)
		}
		return strings.Compare(a.Name, b.Name) // fields of one map (ClaimFunc)
	})
}

// Unstored returns the error of a write given rows it will not store:
// a *errs.FieldError wrapping ErrAssociationField for the first of fields
// that holds rows in the value at p; nil when none does.
func (t *Table) Unstored(p unsafe.Pointer, fields []*AssocField) error {
	for _, f := range fields {
		if f.Holds(p) {
			return &errs.FieldError{Model: t.Name, Field: f.Name, Err: errs.ErrAssociationField}
		}
	}
	return nil
}

// In copies a caller's row v (a boxed pointer to t's struct) into a new
// row the store will own: pointers duplicated, fields that are not
// columns cleared. The typed layer's Model.in is its generic twin, which
// copies without boxing.
func (t *Table) In(v any) any {
	if t.Columnwise {
		n := t.NewRow()
		p, src := t.Ptr(n), t.Ptr(v)
		for _, f := range t.Fields {
			f.Copy(p, src)
		}
		t.Own(p)
		return n
	}
	n := t.Clone(v)
	for _, z := range t.Zero {
		z(t.Ptr(n))
	}
	return n
}
