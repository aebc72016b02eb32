package rel

import (
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/query"
)

// Read shapes a read, as memrel.Options does (see there): the typed
// layer converts one into the other, resolving each include's
// association.
type Read struct {
	Where         query.Cond
	Order         []query.Order
	Limit, Offset int
	Fields        []string
	Include       IncPlan // compiled by the typed layer
	// IncludeErr is the typed layer's error compiling Include, reported
	// where a read checks its includes: after Where and Order.
	IncludeErr error
	// WithDeleted keeps soft-deleted rows (Sequelize's paranoid: false);
	// includes decide for their own rows.
	WithDeleted bool
}

// Include is a resolved memrel.Include: the relation, the side it is read
// from, and whether rows without associated rows are dropped.
type Include struct {
	Rel     *meta.Relation
	Inverse bool // load the parent through the belongsTo side
	// Unresolved names what was given instead of an association ("<nil>",
	// "<zero association>") when Rel is nil: an EagerLoadingError.
	Unresolved string
	Where      query.Cond
	Required   bool
	// Through, when set, is a belongsToMany to include instead of Rel;
	// ThroughWhere filters its join rows (and does not make it required).
	Through      *Through
	ThroughWhere query.Cond
	// WithDeleted keeps the included model's soft-deleted rows.
	WithDeleted bool
	// Order, Limit and Offset shape each source row's list of included
	// rows; Fields selects their columns (see memrel.Include).
	Order         []query.Order
	Limit, Offset int
	Fields        []string
}

// Plain reports whether o asks for nothing but every row in primary key
// order, which lets reads skip compiling and sorting.
func (o *Read) Plain() bool {
	return o == nil || (o.Where.IsZero() && len(o.Order) == 0 && o.Limit == 0 && o.Offset == 0 &&
		o.Fields == nil && len(o.Include) == 0 && !o.WithDeleted)
}
