package meta

import (
	"bytes"
	"fmt"
	"sort"
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
)

// Action is a referential action, run on the children of a source row that
// is deleted (onDelete) or whose source key changes (onUpdate).
type Action uint8

// The referential actions. The zero Action means the default:
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

// RelationOptions are a hasMany's options, as memrel.HasManyOptions
// spells them (which converts to this type); see there.
type RelationOptions struct {
	ForeignKey, SourceKey string
	As, Singular, Inverse string
	Field, InverseField   string
	Scope                 map[string]any
	OnDelete, OnUpdate    Action
	NoConstraints         bool
}

// ScopeVal is one fixed field value of a scope, converted once.
type ScopeVal struct {
	Field *Field
	Value any
}

// Arity says what the source of a Relation declared: hasMany or hasOne.
// The inverse is a belongsTo either way.
type Arity uint8

// The arities of a Relation.
const (
	Many Arity = iota // hasMany: the source has any number of targets
	One               // hasOne: Get, Set and includes see one target
)

// String returns Sequelize's name of the arity: "hasMany" or "hasOne".
func (k Arity) String() string {
	if k == One {
		return "hasOne"
	}
	return "hasMany"
}

// Relation is the type-erased hasMany or hasOne with its inverse belongsTo.
type Relation struct {
	Arity          Arity
	Name           string // Source.as
	Source, Target *Table
	FK, SK         *Field
	SKIndex        *Index // the source key's unique index
	Lookup         *Index // answers Get: scope fields, then the FK
	FKIndex        *Index // the FK alone, for constraints (nil without)
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
	// FillMany (hasMany), FillTarget (hasOne; nil clears the field) and
	// FillOne (the inverse) store loaded rows into the association's struct
	// field; owned says the rows are copies already (else they are copied).
	FillMany   func(parent unsafe.Pointer, kids []any, owned bool)
	FillTarget func(parent unsafe.Pointer, kid any, owned bool)
	FillOne    func(child unsafe.Pointer, parent any, owned bool)
}

// NewRelation declares a hasMany of src to dst, with its inverse belongsTo,
// resolving every option once; problems go to the schema and are
// reported by Open.
func NewRelation(s *Schema, src, dst *Table, o RelationOptions) *Relation {
	return newRelation(s, src, dst, o, Many, false)
}

// NewOneRelation declares a hasOne of src to dst, with its inverse
// belongsTo. Its alias defaults to the target's name, singular. uniqueFK
// makes the foreign key unique (a strict one-to-one, an opt-in: Sequelize
// creates no such index), so a second target of one source fails as a
// duplicate.
func NewOneRelation(s *Schema, src, dst *Table, o RelationOptions, uniqueFK bool) *Relation {
	return newRelation(s, src, dst, o, One, uniqueFK)
}

func newRelation(s *Schema, src, dst *Table, o RelationOptions, kind Arity, uniqueFK bool) *Relation {
	s.CheckOpen()
	a := &Relation{Arity: kind, Source: src, Target: dst, Constrained: !o.NoConstraints}
	a.As = o.As
	a.Aliased = o.As != ""
	if a.As == "" {
		a.As = LowerCamel(Plural(dst.Name))
		if kind == One {
			a.As = LowerCamel(dst.Name)
		}
	}
	a.Singular = o.Singular
	if a.Singular == "" {
		a.Singular = Singular(a.As)
		if kind == One {
			a.Singular = a.As
		}
	}
	a.Inverse = o.Inverse
	a.InverseAliased = o.Inverse != ""
	if a.Inverse == "" {
		a.Inverse = LowerCamel(src.Name)
	}
	a.Name = src.Name + "." + a.As
	fail := func(field, format string, args ...any) {
		s.Problem(src.Name, field, "%s %s: "+format, append([]any{kind, a.As}, args...)...)
	}
	a.ManyField = o.Field
	if a.ManyField == "" {
		a.ManyField = UpperFirst(a.As)
	}
	a.OneField = o.InverseField
	if a.OneField == "" {
		a.OneField = UpperFirst(a.Inverse)
	}
	// A collision is reported once, against the first association that
	// took the name: the same declaration twice collides in both names.
	var aliasOf, inverseOf *Relation
	for _, other := range s.Relations {
		if aliasOf == nil && other.Source == src && other.As == a.As {
			aliasOf = other
		}
		if inverseOf == nil && other.Target == dst && other.Inverse == a.Inverse {
			inverseOf = other
		}
	}
	if name, ok := s.Through[src][a.As]; ok && aliasOf == nil {
		fail("", "alias %q already used by belongsToMany %s", a.As, name)
	}
	if name, ok := s.Through[dst][a.Inverse]; ok && inverseOf == nil {
		fail("", "inverse alias %q already used by belongsToMany %s", a.Inverse, name)
	}
	if aliasOf != nil && aliasOf == inverseOf {
		fail("", "alias %q and inverse alias %q already used by %s and its inverse",
			a.As, a.Inverse, aliasOf.Describe())
	} else {
		if aliasOf != nil {
			fail("", "alias %q already used by %s", a.As, aliasOf.Describe())
		}
		if inverseOf != nil {
			fail("", "inverse alias %q already used by %s", a.Inverse, inverseOf.DescribeInverse())
		}
	}
	// Registered now, even if resolving fails below, so Open knows which
	// struct fields the association claims and reports only real problems.
	s.Relations = append(s.Relations, a)
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
	if src.Composite() && o.SourceKey == "" {
		fail("", "%s has a composite primary key: give a SourceKey (a unique field) for the foreign key to reference", src.Name)
	}
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
	a.SKIndex = src.IndexOf[a.SK]
	fkName := o.ForeignKey
	if fkName == "" {
		fkName = LowerCamel(src.Name) + UpperFirst(a.SK.Name)
	}
	fk, ok := dst.ByName[fkName]
	if !ok {
		s.Problem(dst.Name, fkName, "%s %s: unknown foreign key %q on %s", kind, a.Name, fkName, dst.Name)
		return a
	}
	a.FK = fk
	if fk.Base != a.SK.Base {
		s.Problem(dst.Name, fk.Name, "%s %s: foreign key type %s does not match source key %s.%s type %s",
			kind, a.Name, fk.Base, src.Name, a.SK.Name, a.SK.Base)
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
			s.Problem(dst.Name, n, "%s %s: unknown scope field %q", kind, a.Name, n)
			continue
		}
		// Two values for one column, or a scope value for the foreign key
		// the association writes: rows written could never be read back.
		if first, dup := named[f]; dup {
			s.Problem(dst.Name, n, "%s %s: scope names %s twice (%q and %q)", kind, a.Name, f.Name, first, n)
			continue
		}
		named[f] = n
		if f == fk {
			s.Problem(dst.Name, n, "%s %s: scope field %q is the foreign key, which the association sets", kind, a.Name, n)
			continue
		}
		v, err := f.Conv(o.Scope[n])
		if err != nil {
			s.Problem(dst.Name, n, "%s %s: scope value: %v", kind, a.Name, err)
			continue
		}
		v = clone.Value(v) // the caller's []byte must not become the scope's
		a.Scope = append(a.Scope, ScopeVal{f, v})
		a.ScopePrefix = f.Encode(v, a.ScopePrefix)
		ixFields = append(ixFields, f)
	}
	// A foreign key index leaves out rows whose foreign key is NULL: it
	// serves associations, which never look NULL up, and un-associating
	// a row costs one index write instead of two. Tagging the column
	// "index" makes it a full index again, for IS NULL and ordering.
	partial := !fk.Indexed
	plain := []*Field{fk}
	if uniqueFK {
		dst.AddUnique([]string{fk.Name})
	}
	// A hasOne's unique foreign key has an index that answers its lookups
	// too: it leaves NULL out, as the partial one would.
	oneIndex := kind == One && fk.Unique && !fk.PK
	switch {
	case oneIndex:
		a.Lookup = dst.IndexOf[fk]
		if len(a.Scope) > 0 {
			a.Lookup = dst.index(append(ixFields, fk), false, true)
		}
	case len(a.Scope) == 0:
		a.Lookup = dst.index(plain, false, partial)
	default:
		a.Lookup = dst.index(append(ixFields, fk), false, true)
	}
	switch {
	case oneIndex:
		a.FKIndex = dst.IndexOf[fk]
	case a.Constrained || len(a.Scope) == 0:
		a.FKIndex = dst.index(plain, false, partial)
		if _, ok := dst.IndexOf[fk]; !ok {
			dst.IndexOf[fk] = a.FKIndex
		}
	}
	dst.Parents = append(dst.Parents, a)
	src.Children = append(src.Children, a)
	src.Referenced = src.Referenced || a.Constrained
	return a
}

// Describe names the association and what it is, for a problem that
// names it: "Post.comments (hasMany to Comment)", "User.profile (hasOne
// to Profile)".
func (a *Relation) Describe() string {
	return a.Name + " (" + a.Arity.String() + " to " + a.Target.Name + ")"
}

// DescribeInverse names the association's inverse and what it is:
// "Comment.post (belongsTo Post, the inverse of Post.comments)".
func (a *Relation) DescribeInverse() string {
	return a.Target.Name + "." + a.Inverse + " (belongsTo " + a.Source.Name + ", the inverse of " + a.Name + ")"
}

// ChildKey is the key of the children of a source whose source key encodes
// to sk, in a.Lookup: the scope values, then the foreign key.
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

// SourceKeyOf returns the encoded source key of a stored source row, or an
// AssociationError when it is NULL.
func (a *Relation) SourceKeyOf(row any, buf []byte) ([]byte, error) {
	k, ok := a.SK.Key(a.Source.Ptr(row), buf)
	if !ok {
		return nil, a.NullSourceKey()
	}
	return k, nil
}

// NullSourceKey is the error for a source row whose source key is NULL:
// it can have no targets.
func (a *Relation) NullSourceKey() error {
	return &errs.AssociationError{Association: a.Name, Reason: fmt.Sprintf("source %s has a NULL %s", a.Source.Name, a.SK.Name)}
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

// WithFK returns a copy of the stored child cur with its foreign key set
// to v (nil: NULL).
func (a *Relation) WithFK(cur any, v any) (any, error) {
	if v == nil && !a.FK.Nullable() {
		return nil, &errs.ValidationError{Model: a.Target.Name, Items: []errs.ValidationErrorItem{
			{Field: a.FK.Name, Message: "cannot be null", Value: clone.Value(a.FK.Get(a.Target.Ptr(cur)))}}}
	}
	row := a.Target.Clone(cur)
	a.FK.Set(a.Target.Ptr(row), v)
	return row, nil
}

// Attach points a target row at the source key skv and writes the scope.
func (a *Relation) Attach(p unsafe.Pointer, skv any) {
	a.FK.Set(p, skv)
	for _, sv := range a.Scope {
		sv.Field.Set(p, sv.Value)
	}
}
