package memrel

import (
	"github.com/memrel/memrel/internal/meta"

	"github.com/memrel/memrel/internal/clone"
)

// Action is a referential action, run on the children of a source row that
// is deleted (onDelete) or whose source key changes (onUpdate). Its String
// method returns the SQL spelling (CASCADE, SET NULL, …).
type Action = meta.Action

// The referential actions. The zero Action means the default: onDelete
// SET NULL for a nullable foreign key and CASCADE otherwise, onUpdate
// CASCADE.
const (
	DefaultAction = meta.DefaultAction
	Cascade       = meta.Cascade
	SetNull       = meta.SetNull
	Restrict      = meta.Restrict
	NoAction      = meta.NoAction
	SetDefault    = meta.SetDefault
)

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
	// see only matching targets and writes set them. Each
	// value is converted once, at definition, exactly as a value written
	// to its column is (a float32 column rounds a float64 to float32), and
	// copied: neither the map nor a []byte in it is retained. A value the
	// column cannot hold, a field named twice (column and Go name) or the
	// foreign key itself is a problem Open reports.
	Scope map[string]any
	// OnDelete and OnUpdate are the referential actions.
	OnDelete, OnUpdate meta.Action
	// NoConstraints is Sequelize's constraints: false: no foreign key
	// constraint, no referential actions.
	NoConstraints bool
}

// AssociationInfo describes a declared association.
type AssociationInfo struct {
	Type              string // "HasMany", "HasOne", "BelongsTo" or "BelongsToMany"
	Source, Target    string // for BelongsTo, Source is the model holding the foreign key
	ForeignKey        string
	SourceKey         string // the referenced key (the target key for BelongsTo)
	As, Singular      string
	IsAliased         bool
	IsSelfAssociation bool
	OnDelete          meta.Action
	OnUpdate          meta.Action
	Constraints       bool
	// Scope maps column names to the scope values, as converted to their
	// columns; each call returns a new map of copies.
	Scope map[string]any
}

// Association is a HasMany or a BelongsTo, as named in an Include.
type Association interface {
	// Info describes the association.
	Info() AssociationInfo
	side() (*meta.Relation, bool) // the association and whether this is its inverse
}

// Info implements Association for the hasMany side.
func assocInfo(a *meta.Relation, inverse bool) AssociationInfo {
	typ := "HasMany"
	if a.Arity == meta.One {
		typ = "HasOne"
	}
	in := AssociationInfo{Type: typ, Source: a.Source.Name, Target: a.Target.Name,
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

// key helpers shared by both sides
