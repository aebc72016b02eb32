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
	side() (*assoc, bool) // the association and whether this is its inverse
}

// scopeVal is one fixed field value of a scope, converted once.
type scopeVal struct {
	f *field
	v any
}

// assoc is the type-erased hasMany with its inverse belongsTo.
type assoc struct {
	name           string // Source.as
	source, target *table
	fk, sk         *field
	skIx           string // unique index of the source key
	ix             string // index answering Get: scope fields, then the FK
	fkIx           string // index on the FK alone, for constraints ("" without)
	fkPrefixIx     string // fkIx as go-memdb's DeletePrefix names it
	as, singular   string
	inverse        string
	aliased        bool
	inverseAliased bool
	scope          []scopeVal
	scopePrefix    []byte
	onDelete       Action
	onUpdate       Action
	constrained    bool
	manyField      string
	oneField       string
	// fillMany and fillOne store loaded rows into the association's struct
	// field; owned says the rows are copies already (else they are copied).
	fillMany func(parent unsafe.Pointer, kids []any, owned bool)
	fillOne  func(child unsafe.Pointer, parent any, owned bool)
}

// newAssoc resolves every option once; problems go to the schema and are
// reported by Open.
func newAssoc(s *Schema, src, dst *table, o HasManyOptions) *assoc {
	s.checkOpen()
	a := &assoc{source: src, target: dst, constrained: !o.NoConstraints}
	a.as = o.As
	a.aliased = o.As != ""
	if a.as == "" {
		a.as = lowerCamel(plural(dst.name))
	}
	a.singular = o.Singular
	if a.singular == "" {
		a.singular = singular(a.as)
	}
	a.inverse = o.Inverse
	a.inverseAliased = o.Inverse != ""
	if a.inverse == "" {
		a.inverse = lowerCamel(src.name)
	}
	a.name = src.name + "." + a.as
	fail := func(field, format string, args ...any) {
		s.problem(src.name, field, "hasMany %s: "+format, append([]any{a.as}, args...)...)
	}
	a.manyField = o.Field
	if a.manyField == "" {
		a.manyField = upperFirst(a.as)
	}
	a.oneField = o.InverseField
	if a.oneField == "" {
		a.oneField = upperFirst(a.inverse)
	}
	for _, other := range s.assocs {
		if other.source == src && other.as == a.as {
			fail("", "alias %q used twice on %s", a.as, src.name)
		}
		if other.target == dst && other.inverse == a.inverse {
			fail("", "inverse alias %q used twice on %s", a.inverse, dst.name)
		}
	}
	// Registered now, even if resolving fails below, so Open knows which
	// struct fields the association claims and reports only real problems.
	s.assocs = append(s.assocs, a)
	if _, clash := src.byName[a.as]; clash {
		fail(a.as, "alias %q equals a field name of %s", a.as, src.name)
	}
	if _, clash := dst.byName[a.inverse]; clash {
		fail(a.inverse, "inverse alias %q equals a field name of %s", a.inverse, dst.name)
	}
	if src.pk == nil || dst.pk == nil {
		return a // the missing key is reported already
	}
	a.sk = src.pk
	if o.SourceKey != "" {
		f, ok := src.byName[o.SourceKey]
		switch {
		case !ok:
			fail(o.SourceKey, "unknown source key %q", o.SourceKey)
		case !f.pk && !f.unique:
			fail(o.SourceKey, "source key %q is neither primary key nor unique", o.SourceKey)
		default:
			a.sk = f
		}
	}
	a.skIx = src.eqIndex(a.sk)
	fkName := o.ForeignKey
	if fkName == "" {
		fkName = lowerCamel(src.name) + upperFirst(a.sk.name)
	}
	fk, ok := dst.byName[fkName]
	if !ok {
		s.problem(dst.name, fkName, "hasMany %s: unknown foreign key %q on %s", a.name, fkName, dst.name)
		return a
	}
	a.fk = fk
	if fk.base != a.sk.base {
		s.problem(dst.name, fk.name, "hasMany %s: foreign key type %s does not match source key %s.%s type %s",
			a.name, fk.base, src.name, a.sk.name, a.sk.base)
	}
	a.onDelete, a.onUpdate = o.OnDelete, o.OnUpdate
	if a.onDelete == DefaultAction {
		a.onDelete = Cascade
		if fk.nullable() {
			a.onDelete = SetNull
		}
	}
	if a.onUpdate == DefaultAction {
		a.onUpdate = Cascade
	}
	if a.onDelete > SetDefault || a.onUpdate > SetDefault {
		fail("", "unknown referential action")
	}
	// Scope fields, sorted so the index layout does not depend on map order.
	names := make([]string, 0, len(o.Scope))
	for n := range o.Scope {
		names = append(names, n)
	}
	sort.Strings(names)
	ixFields := make([]*field, 0, len(names)+1)
	named := make(map[*field]string, len(names))
	for _, n := range names {
		f, ok := dst.byName[n]
		if !ok {
			s.problem(dst.name, n, "hasMany %s: unknown scope field %q", a.name, n)
			continue
		}
		// Two values for one column, or a scope value for the foreign key
		// the association writes: rows written could never be read back.
		if first, dup := named[f]; dup {
			s.problem(dst.name, n, "hasMany %s: scope names %s twice (%q and %q)", a.name, f.name, first, n)
			continue
		}
		named[f] = n
		if f == fk {
			s.problem(dst.name, n, "hasMany %s: scope field %q is the foreign key, which the association sets", a.name, n)
			continue
		}
		v, err := f.conv(o.Scope[n])
		if err != nil {
			s.problem(dst.name, n, "hasMany %s: scope value: %v", a.name, err)
			continue
		}
		v = clone.Value(v) // the caller's []byte must not become the scope's
		a.scope = append(a.scope, scopeVal{f, v})
		a.scopePrefix = f.encode(v, a.scopePrefix)
		ixFields = append(ixFields, f)
	}
	// Index names describe their layout, so associations sharing a layout
	// share the index and no write pays for a duplicate.
	plain := "fk:" + fk.name
	if len(a.scope) == 0 {
		a.ix = plain
		dst.indexes[plain] = []*field{fk}
	} else {
		cols := make([]string, len(ixFields))
		for i, f := range ixFields {
			cols[i] = f.name
		}
		a.ix = "fk:" + strings.Join(cols, ",") + "," + fk.name
		dst.indexes[a.ix] = append(ixFields, fk)
		if a.constrained {
			dst.indexes[plain] = []*field{fk}
		}
	}
	if a.constrained || len(a.scope) == 0 {
		a.fkIx = plain
		a.fkPrefixIx = plain + "_prefix"
		if _, ok := dst.ixOf[fk]; !ok {
			dst.ixOf[fk] = plain
		}
	}
	dst.parents = append(dst.parents, a)
	src.children = append(src.children, a)
	src.referenced = src.referenced || a.constrained
	return a
}

// Info implements Association for the hasMany side.
func (a *assoc) info(inverse bool) AssociationInfo {
	in := AssociationInfo{Type: "HasMany", Source: a.source.name, Target: a.target.name,
		As: a.as, Singular: a.singular, IsAliased: a.aliased,
		IsSelfAssociation: a.source == a.target, OnDelete: a.onDelete, OnUpdate: a.onUpdate,
		Constraints: a.constrained}
	if a.fk != nil {
		in.ForeignKey = a.fk.name
	}
	if a.sk != nil {
		in.SourceKey = a.sk.name
	}
	if len(a.scope) > 0 {
		in.Scope = map[string]any{}
		for _, sv := range a.scope {
			in.Scope[sv.f.name] = clone.Value(sv.v)
		}
	}
	if inverse {
		in.Type, in.Source, in.Target = "BelongsTo", a.target.name, a.source.name
		in.As, in.Singular, in.IsAliased = a.inverse, a.inverse, a.inverseAliased
	}
	return in
}

// getKey is the key of the children of a source whose source key encodes
// to sk, in a.ix.
func (a *assoc) getKey(sk []byte) []byte {
	if len(a.scope) == 0 {
		return sk
	}
	return append(append([]byte(nil), a.scopePrefix...), sk...)
}

// inScope reports whether a target row carries the scope values.
func (a *assoc) inScope(p unsafe.Pointer) bool {
	for _, sv := range a.scope {
		if !sameValue(sv.f.get(p), sv.v) {
			return false
		}
	}
	return true
}

// holds reports whether target row p is associated with the source whose
// key encodes to sk.
func (a *assoc) holds(p unsafe.Pointer, sk []byte) bool {
	var kb [32]byte
	k, ok := a.fk.key(p, kb[:0])
	return ok && string(k) == string(sk) && a.inScope(p)
}

// restricted is the error for a delete or key change blocked by kid.
func (a *assoc) restricted(tx *Txn, kid any, update bool) error {
	rule, act := "onDelete", a.onDelete
	if update {
		rule, act = "onUpdate", a.onUpdate
	}
	p := a.target.ptr(kid)
	return &ForeignKeyConstraintError{Model: a.target.name, ForeignKey: a.fk.name, Value: clone.Value(a.fk.get(p)),
		Referenced: a.source.name, Association: a.name,
		Reason: fmt.Sprintf("is still referenced by %s %v (%s %s)", a.target.name, a.target.pk.get(p), rule, act)}
}

// key helpers shared by both sides

// sourceKeyOf returns the encoded source key of a stored source row, or an
// AssociationError when it is NULL.
func (a *assoc) sourceKeyOf(row any, buf []byte) ([]byte, error) {
	k, ok := a.sk.key(a.source.ptr(row), buf)
	if !ok {
		return nil, &AssociationError{Association: a.name, Reason: fmt.Sprintf("source %s has a NULL %s", a.source.name, a.sk.name)}
	}
	return k, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// plural is a small English pluralizer for default association names.
func plural(s string) string {
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

// singular inverts plural.
func singular(s string) string {
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

// sameValue compares two canonical values; NULL equals nothing.
func sameValue(x, y any) bool {
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
