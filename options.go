package memrel

import (
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
}

// Include asks a read to load an association's rows with each row, into
// the struct field the association names (Post.Comments for hasMany, a
// *Post field Comment.Post for the inverse belongsTo).
type Include struct {
	// Assoc is the association, whose source must be the model being read.
	Assoc Association
	// Where filters the included rows. As in Sequelize, a Where makes the
	// include required unless Optional is set.
	Where query.Cond
	// Required drops rows that have no (matching) associated row; Optional
	// keeps them even when Where is set.
	Required, Optional bool
	// Include loads associations of the included rows, to any depth.
	Include []Include
}

// required reports whether rows without associated rows are dropped.
func (in *Include) required() bool {
	if in.Optional {
		return false
	}
	return in.Required || !in.Where.IsZero()
}

// plain reports whether o asks for nothing but every row in primary key
// order, which lets reads skip compiling and sorting.
func (o *Options) plain() bool {
	return o == nil || (o.Where.IsZero() && len(o.Order) == 0 && o.Limit == 0 && o.Offset == 0 &&
		o.Fields == nil && len(o.Include) == 0)
}

// read converts o for the rules (nil: every row in primary key order).
func (o *Options) read() *rel.Read {
	if o == nil {
		return nil
	}
	return &rel.Read{Where: o.Where, Order: o.Order, Limit: o.Limit, Offset: o.Offset,
		Fields: o.Fields, Include: includes(o.Include)}
}

// includes resolves each include's association. One that is nil or a zero
// handle stays unresolved, for the rules to refuse in its turn.
func includes(incs []Include) []rel.Include {
	if len(incs) == 0 {
		return nil
	}
	out := make([]rel.Include, len(incs))
	for i := range incs {
		in := &incs[i]
		r := &out[i]
		r.Where, r.Required, r.Include = in.Where, in.required(), includes(in.Include)
		switch {
		case in.Assoc == nil:
			r.Unresolved = "<nil>"
		default:
			if r.Rel, r.Inverse = in.Assoc.side(); r.Rel == nil {
				r.Unresolved = "<zero association>"
			}
		}
	}
	return out
}
