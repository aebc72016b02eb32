package memrel

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
)

// Action is a referential action, run on the children of a source row that
// is deleted (onDelete) or whose source key changes (onUpdate).
type Action uint8

// The referential actions. The zero Action means the default of SPEC §2:
// onDelete SET NULL for a nullable foreign key and CASCADE otherwise,
// onUpdate CASCADE.
const (
	DefaultAction Action = iota
	Cascade
	SetNull
	Restrict
	NoAction
	SetDefault
)

var actionNames = [...]string{"DEFAULT", "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"}

// String returns the SQL spelling of the action.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// HasManyOptions are Sequelize's hasMany options. The zero value takes
// every default.
type HasManyOptions struct {
	// ForeignKey names the target's foreign key field (column or Go name).
	// Default: the source model's name in camelCase followed by the source
	// key, e.g. postId.
	ForeignKey string
	// SourceKey names the source field the foreign key references; it must
	// be the primary key or unique. Default: the primary key.
	SourceKey string
	// As is the association's (plural) name. Default: the target's plural
	// name in camelCase, e.g. comments. Give it to tell apart two
	// associations between the same models.
	As string
	// Singular names one target; default: As made singular.
	Singular string
	// Inverse names the belongsTo association on the target. Default: the
	// source model's name in camelCase, e.g. post.
	Inverse string
	// Field is the source struct field eager loading fills; default: As
	// with a capital letter (Comments). InverseField is the target struct
	// field filled when including the inverse; default: Inverse with a
	// capital letter (Post). Either may be absent from the struct, which
	// then cannot be included that way.
	Field, InverseField string
	// Scope holds fixed target field values: reads through the association
	// see only matching targets and writes set them (see SPEC §5). Each
	// value is converted once, at definition, exactly as a value written
	// to its column is (a float32 column rounds a float64 to float32), and
	// copied: neither the map nor a []byte in it is retained. A value the
	// column cannot hold, a field named twice (column and Go name) or the
	// foreign key itself is a problem Open reports.
	Scope map[string]any
	// OnDelete and OnUpdate are the referential actions.
	OnDelete, OnUpdate Action
	// NoConstraints is Sequelize's constraints: false: no foreign key
	// constraint, no referential actions.
	NoConstraints bool
}

// AssociationInfo describes a declared association.
type AssociationInfo struct {
	Type              string // "HasMany" or "BelongsTo"
	Source, Target    string // for BelongsTo, Source is the model holding the foreign key
	ForeignKey        string
	SourceKey         string // the referenced key (the target key for BelongsTo)
	As, Singular      string
	IsAliased         bool
	IsSelfAssociation bool
	OnDelete          Action
	OnUpdate          Action
	Constraints       bool
	// Scope maps column names to the scope values, as converted to their
	// columns; each call returns a new map of copies.
	Scope map[string]any
}

// Association is a HasMany or a BelongsTo, as named in an Include.
type Association interface {
	// Info describes the association.
	Info() AssociationInfo
	side() (*Relation, bool) // the association and whether this is its inverse
}

// ScopeVal is one fixed field value of a scope, converted once.
type ScopeVal struct {
	Field *Field
	Value any
}

// Relation is the type-erased hasMany with its inverse belongsTo.
type Relation struct {
	Name           string // Source.as
	Source, Target *Table
	FK, SK         *Field
	SKIx           string // unique index of the source key
	Ix             string // index answering Get: scope fields, then the FK
	FKIx           string // index on the FK alone, for constraints ("" without)
	FKPrefixIx     string // fkIx as go-memdb's DeletePrefix names it
	As, Singular   string
	Inverse        string
	Aliased        bool
	InverseAliased bool
	Scope          []ScopeVal
	ScopePrefix    []byte
	OnDelete       Action
	OnUpdate       Action
	Constrained    bool
	ManyField      string
	OneField       string
	// FillMany and fillOne store loaded rows into the association's struct
	// field; owned says the rows are copies already (else they are copied).
	FillMany func(parent unsafe.Pointer, kids []any, owned bool)
	FillOne  func(child unsafe.Pointer, parent any, owned bool)
}

// newAssoc resolves every option once; problems go to the schema and are
// reported by Open.
func newAssoc(s *Schema, src, dst *Table, o HasManyOptions) *Relation {
	s.checkOpen()
	a := &Relation{Source: src, Target: dst, Constrained: !o.NoConstraints}
	a.As = o.As
	a.Aliased = o.As != ""
	if a.As == "" {
		a.As = LowerCamel(Plural(dst.Name))
	}
	a.Singular = o.Singular
	if a.Singular == "" {
		a.Singular = Singular(a.As)
	}
	a.Inverse = o.Inverse
	a.InverseAliased = o.Inverse != ""
	if a.Inverse == "" {
		a.Inverse = LowerCamel(src.Name)
	}
	a.Name = src.Name + "." + a.As
	fail := func(field, format string, args ...any) {
		s.problem(src.Name, field, "hasMany %s: "+format, append([]any{a.As}, args...)...)
	}
	a.ManyField = o.Field
	if a.ManyField == "" {
		a.ManyField = UpperFirst(a.As)
	}
	a.OneField = o.InverseField
	if a.OneField == "" {
		a.OneField = UpperFirst(a.Inverse)
	}
	for _, other := range s.assocs {
		if other.Source == src && other.As == a.As {
			fail("", "alias %q used twice on %s", a.As, src.Name)
		}
		if other.Target == dst && other.Inverse == a.Inverse {
			fail("", "inverse alias %q used twice on %s", a.Inverse, dst.Name)
		}
	}
	// Registered now, even if resolving fails below, so Open knows which
	// struct fields the association claims and reports only real problems.
	s.assocs = append(s.assocs, a)
	if _, clash := src.ByName[a.As]; clash {
		fail(a.As, "alias %q equals a field name of %s", a.As, src.Name)
	}
	if _, clash := dst.ByName[a.Inverse]; clash {
		fail(a.Inverse, "inverse alias %q equals a field name of %s", a.Inverse, dst.Name)
	}
	if src.PK == nil || dst.PK == nil {
		return a // the missing key is reported already
	}
	a.SK = src.PK
	if o.SourceKey != "" {
		f, ok := src.ByName[o.SourceKey]
		switch {
		case !ok:
			fail(o.SourceKey, "unknown source key %q", o.SourceKey)
		case !f.PK && !f.Unique:
			fail(o.SourceKey, "source key %q is neither primary key nor unique", o.SourceKey)
		default:
			a.SK = f
		}
	}
	a.SKIx = src.eqIndex(a.SK)
	fkName := o.ForeignKey
	if fkName == "" {
		fkName = LowerCamel(src.Name) + UpperFirst(a.SK.Name)
	}
	fk, ok := dst.ByName[fkName]
	if !ok {
		s.problem(dst.Name, fkName, "hasMany %s: unknown foreign key %q on %s", a.Name, fkName, dst.Name)
		return a
	}
	a.FK = fk
	if fk.Base != a.SK.Base {
		s.problem(dst.Name, fk.Name, "hasMany %s: foreign key type %s does not match source key %s.%s type %s",
			a.Name, fk.Base, src.Name, a.SK.Name, a.SK.Base)
	}
	a.OnDelete, a.OnUpdate = o.OnDelete, o.OnUpdate
	if a.OnDelete == DefaultAction {
		a.OnDelete = Cascade
		if fk.Nullable() {
			a.OnDelete = SetNull
		}
	}
	if a.OnUpdate == DefaultAction {
		a.OnUpdate = Cascade
	}
	if a.OnDelete > SetDefault || a.OnUpdate > SetDefault {
		fail("", "unknown referential action")
	}
	// Scope fields, sorted so the index layout does not depend on map order.
	names := make([]string, 0, len(o.Scope))
	for n := range o.Scope {
		names = append(names, n)
	}
	sort.Strings(names)
	ixFields := make([]*Field, 0, len(names)+1)
	named := make(map[*Field]string, len(names))
	for _, n := range names {
		f, ok := dst.ByName[n]
		if !ok {
			s.problem(dst.Name, n, "hasMany %s: unknown scope field %q", a.Name, n)
			continue
		}
		// Two values for one column, or a scope value for the foreign key
		// the association writes: rows written could never be read back.
		if first, dup := named[f]; dup {
			s.problem(dst.Name, n, "hasMany %s: scope names %s twice (%q and %q)", a.Name, f.Name, first, n)
			continue
		}
		named[f] = n
		if f == fk {
			s.problem(dst.Name, n, "hasMany %s: scope field %q is the foreign key, which the association sets", a.Name, n)
			continue
		}
		v, err := f.Conv(o.Scope[n])
		if err != nil {
			s.problem(dst.Name, n, "hasMany %s: scope value: %v", a.Name, err)
			continue
		}
		v = clone.Value(v) // the caller's []byte must not become the scope's
		a.Scope = append(a.Scope, ScopeVal{f, v})
		a.ScopePrefix = f.Encode(v, a.ScopePrefix)
		ixFields = append(ixFields, f)
	}
	// Index names describe their layout, so associations sharing a layout
	// share the index and no write pays for a duplicate.
	plain := "fk:" + fk.Name
	if len(a.Scope) == 0 {
		a.Ix = plain
		dst.Indexes[plain] = []*Field{fk}
	} else {
		cols := make([]string, len(ixFields))
		for i, f := range ixFields {
			cols[i] = f.Name
		}
		a.Ix = "fk:" + strings.Join(cols, ",") + "," + fk.Name
		dst.Indexes[a.Ix] = append(ixFields, fk)
		if a.Constrained {
			dst.Indexes[plain] = []*Field{fk}
		}
	}
	if a.Constrained || len(a.Scope) == 0 {
		a.FKIx = plain
		a.FKPrefixIx = plain + "_prefix"
		if _, ok := dst.IxOf[fk]; !ok {
			dst.IxOf[fk] = plain
		}
	}
	dst.Parents = append(dst.Parents, a)
	src.Children = append(src.Children, a)
	src.Referenced = src.Referenced || a.Constrained
	return a
}

// Info implements Association for the hasMany side.
func (a *Relation) info(inverse bool) AssociationInfo {
	in := AssociationInfo{Type: "HasMany", Source: a.Source.Name, Target: a.Target.Name,
		As: a.As, Singular: a.Singular, IsAliased: a.Aliased,
		IsSelfAssociation: a.Source == a.Target, OnDelete: a.OnDelete, OnUpdate: a.OnUpdate,
		Constraints: a.Constrained}
	if a.FK != nil {
		in.ForeignKey = a.FK.Name
	}
	if a.SK != nil {
		in.SourceKey = a.SK.Name
	}
	if len(a.Scope) > 0 {
		in.Scope = map[string]any{}
		for _, sv := range a.Scope {
			in.Scope[sv.Field.Name] = clone.Value(sv.Value)
		}
	}
	if inverse {
		in.Type, in.Source, in.Target = "BelongsTo", a.Target.Name, a.Source.Name
		in.As, in.Singular, in.IsAliased = a.Inverse, a.Inverse, a.InverseAliased
	}
	return in
}

// ChildKey is the key of the children of a source whose source key encodes
// to sk, in a.ix.
func (a *Relation) ChildKey(sk []byte) []byte {
	if len(a.Scope) == 0 {
		return sk
	}
	return append(append([]byte(nil), a.ScopePrefix...), sk...)
}

// InScope reports whether a target row carries the scope values.
func (a *Relation) InScope(p unsafe.Pointer) bool {
	for _, sv := range a.Scope {
		if !SameValue(sv.Field.Get(p), sv.Value) {
			return false
		}
	}
	return true
}

// Holds reports whether target row p is associated with the source whose
// key encodes to sk.
func (a *Relation) Holds(p unsafe.Pointer, sk []byte) bool {
	var kb [32]byte
	k, ok := a.FK.Key(p, kb[:0])
	return ok && string(k) == string(sk) && a.InScope(p)
}

// restricted is the error for a delete or key change blocked by kid.
func (a *Relation) restricted(tx *Txn, kid any, update bool) error {
	rule, act := "onDelete", a.OnDelete
	if update {
		rule, act = "onUpdate", a.OnUpdate
	}
	p := a.Target.Ptr(kid)
	return &ForeignKeyConstraintError{Model: a.Target.Name, ForeignKey: a.FK.Name, Value: clone.Value(a.FK.Get(p)),
		Referenced: a.Source.Name, Association: a.Name,
		Reason: fmt.Sprintf("is still referenced by %s %v (%s %s)", a.Target.Name, a.Target.PK.Get(p), rule, act)}
}

// key helpers shared by both sides

// SourceKeyOf returns the encoded source key of a stored source row, or an
// AssociationError when it is NULL.
func (a *Relation) SourceKeyOf(row any, buf []byte) ([]byte, error) {
	k, ok := a.SK.Key(a.Source.Ptr(row), buf)
	if !ok {
		return nil, &AssociationError{Association: a.Name, Reason: fmt.Sprintf("source %s has a NULL %s", a.Source.Name, a.SK.Name)}
	}
	return k, nil
}

func UpperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// Plural is a small English pluralizer for default association names.
func Plural(s string) string {
	low := strings.ToLower(s)
	switch {
	case strings.HasSuffix(low, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(low[len(low)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(low, "s"), strings.HasSuffix(low, "x"), strings.HasSuffix(low, "z"),
		strings.HasSuffix(low, "ch"), strings.HasSuffix(low, "sh"):
		return s + "es"
	}
	return s + "s"
}

// irregular plurals that association names commonly use.
var irregular = map[string]string{"children": "child", "people": "person", "men": "man",
	"women": "woman", "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot"}

// Singular inverts plural.
func Singular(s string) string {
	low := strings.ToLower(s)
	for pl, sg := range irregular {
		if strings.HasSuffix(low, pl) {
			// Keep the caller's case of the word's first letter.
			i := len(s) - len(pl)
			return s[:i+1] + sg[1:]
		}
	}
	switch {
	case strings.HasSuffix(low, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(low, "sses"), strings.HasSuffix(low, "xes"), strings.HasSuffix(low, "zes"),
		strings.HasSuffix(low, "ches"), strings.HasSuffix(low, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(low, "s") && !strings.HasSuffix(low, "ss"):
		return s[:len(s)-1]
	}
	return s
}

// SameValue compares two canonical values; NULL equals nothing.
func SameValue(x, y any) bool {
	switch xv := x.(type) {
	case nil:
		return false
	case []byte:
		yv, ok := y.([]byte)
		return ok && bytes.Equal(xv, yv)
	case time.Time:
		yv, ok := y.(time.Time)
		return ok && xv.Equal(yv)
	}
	return x == y
}
