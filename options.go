package memrel

import (
	"github.com/memrel/memrel/internal/meta"
	"github.com/memrel/memrel/internal/rel"
	"github.com/memrel/memrel/query"
)

// Options shape a read: which rows (Where), in which order, how many, which
// fields, and which associations to load with them. A nil *Options means
// every row in ascending primary key order.
type Options struct {
	// Where filters rows; the zero Cond keeps all.
	Where query.Cond
	// Order sorts rows by these fields in turn; ties, and the whole order
	// when Order is empty, go by ascending primary key. A field listed
	// twice is no error: its first key decides, as in SQL.
	Order []query.Order
	// Limit caps the number of rows (0: no cap); Offset skips rows first.
	Limit, Offset int
	// Fields selects columns (column or Go names); the others come back
	// as NULL or zero. nil selects all; a column listed twice is selected.
	Fields []string
	// Include loads associated rows into the association fields. Two
	// includes at one level that fill the same struct field (one
	// association twice, or two told to fill one field) are
	// ErrDuplicateField.
	Include []Include
	// WithDeleted keeps the soft-deleted rows of a [Paranoid] model
	// (Sequelize's paranoid: false). It applies to this level only: each
	// Include decides for its own rows.
	WithDeleted bool
}

// Include asks a read to load an association's rows with each row, into
// the struct field the association names (Post.Comments for hasMany, a
// *Post field Comment.Post for the inverse belongsTo).
type Include struct {
	// Assoc is the association, whose source must be the model being read.
	Assoc Association
	// Where filters the included rows.
	Where query.Cond
	// Required says whether rows with no (matching) associated row are
	// dropped: Required drops them, Optional keeps them, and the zero
	// value, RequiredIfWhere, is Sequelize's rule: required exactly when
	// Where is set.
	Required Requirement
	// Include loads associations of the included rows, to any depth.
	Include []Include
	// ThroughWhere filters the join rows of a belongsToMany include; unlike
	// Where, it does not make the include required.
	ThroughWhere query.Cond
	// WithDeleted keeps the included model's soft-deleted rows.
	WithDeleted bool
	// Order sorts each row's included rows by these fields of the included
	// model (column or Go names) in turn, ties by ascending primary key;
	// empty: primary key order. Limit caps (0: no cap) and Offset skips
	// the included rows of each row separately. That is Sequelize's
	// separate include, for which memrel needs no flag: Order, Limit and
	// Offset on an Include always apply per row. Unlike Sequelize's
	// separate, which ignores required, the Required rule still holds
	// (give Optional to keep every row); it looks at the matches before
	// the window, so a row whose matches all fall before Offset is kept
	// with an empty list.
	//
	// A hasOne source with several targets (hasOne puts no unique index
	// on its foreign key, and Create keeps the previous target) comes
	// back as Sequelize's JOIN gives it: once per target, in the
	// include's Order (default: primary key order), Offset skipping
	// targets and Limit capping the copies (Limit 1: one row, the first
	// target); with several such includes, once per combination, the
	// first include varying slowest. The read's own Limit and Offset
	// count those rows, as Count does. A read with an include that loads
	// a list anywhere in its tree (hasMany, belongsToMany) is gathered
	// per source instead, as Sequelize does then: one row each, and a
	// hasOne include holds its first target. A belongsTo include has one
	// row at most, so Order and Limit change nothing there and an Offset
	// above 0 leaves the field nil. A negative Limit or Offset is ErrBadValue, a field
	// Order names that the model lacks ErrUnknownField (both in a
	// *FieldError), and the read returns nothing.
	//
	// Cost: without an Order (or ordered by the primary key), each row's
	// walk of the association's index stops after Offset+Limit matches,
	// so it does not grow with the number of children. Ordered by the
	// primary key descending (the latest first), the walk reads each
	// row's K children and keeps the last Offset+Limit in a ring; by any
	// other order, a bounded top-k keeps them (O(K log(Offset+Limit)),
	// each child's sort key encoded once, no sort of all K). When the
	// included rows have a required include of their own, every match is
	// read, since that include decides which ones count. The includes of
	// the included rows load for the kept rows only.
	Order         []query.Order
	Limit, Offset int
	// Fields selects the included rows' columns (column or Go names), as
	// Options.Fields does: the others come back as NULL or zero; nil
	// selects all, an unknown name is ErrUnknownField. Includes of the
	// included rows load all the same: the keys they need are read
	// whatever Fields leaves out.
	Fields []string
}

// Requirement is an include's choice of keeping or dropping the rows it
// finds nothing for (Sequelize's required, an INNER or LEFT OUTER JOIN).
type Requirement uint8

const (
	// RequiredIfWhere, the zero Requirement, makes an include required
	// when it has a Where and optional otherwise, as in Sequelize.
	RequiredIfWhere Requirement = iota
	// Required drops the rows that have no (matching) associated row.
	Required
	// Optional keeps every row, even when Where is set.
	Optional
)

// required reports whether rows without associated rows are dropped.
func (in *Include) required() bool {
	switch in.Required {
	case Required:
		return true
	case Optional:
		return false
	}
	return !in.Where.IsZero()
}

// plain reports whether o asks for nothing but every row in primary key
// order, which lets reads skip compiling and sorting.
func (o *Options) plain() bool {
	return o == nil || (o.Where.IsZero() && len(o.Order) == 0 && o.Limit == 0 && o.Offset == 0 &&
		o.Fields == nil && len(o.Include) == 0 && !o.WithDeleted)
}

// read converts o, a read of t, for the rules into r, which it returns
// (nil for a nil o: every row in primary key order). r is the caller's,
// so that it can live on the caller's stack.
func (o *Options) read(t *meta.Table, r *rel.Read) *rel.Read {
	if o == nil {
		return nil
	}
	*r = rel.Read{Where: o.Where, Order: o.Order, Limit: o.Limit, Offset: o.Offset, Fields: o.Fields,
		WithDeleted: o.WithDeleted}
	r.Include, r.IncludeErr = compileIncludes(t, o.Include)
	return r
}

// compileIncludes compiles incs, includes of rows of t, to any depth.
func compileIncludes(t *meta.Table, incs []Include) (rel.IncPlan, error) {
	if len(incs) == 0 {
		return nil, nil
	}
	plan := make(rel.IncPlan, 0, len(incs))
	for i := range incs {
		in := &incs[i]
		r := rel.Include{Where: in.Where, Required: in.required(), WithDeleted: in.WithDeleted,
			Order: in.Order, Limit: in.Limit, Offset: in.Offset, Fields: in.Fields}
		tp, isThrough := in.Assoc.(interface{ throughSide() *rel.Through })
		switch {
		case in.Assoc == nil:
			r.Unresolved = "<nil>"
		case isThrough:
			if r.Through, r.ThroughWhere = tp.throughSide(), in.ThroughWhere; r.Through == nil {
				r.Unresolved = "<zero association>"
			}
		default:
			// A zero handle resolves to no relation: refused in its turn.
			if r.Rel, r.Inverse = in.Assoc.side(); r.Rel == nil {
				r.Unresolved = "<zero association>"
			}
		}
		n, err := rel.CompileInclude(t, plan, r)
		if err != nil {
			return nil, err
		}
		if n.Sub, err = compileIncludes(n.To(), in.Include); err != nil {
			return nil, err
		}
		plan = append(plan, n)
	}
	return plan, nil
}
