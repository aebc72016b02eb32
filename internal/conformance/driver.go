package conformance

import "time"

// Driver is what an engine's tests implement to run the scenarios.
//
// A driver builds every schema from its [Schema] alone, at run time. What
// its engine cannot do yet (an association type, composite keys,
// timestamps, an option) it refuses with an error naming it: the runner
// reports that as a failure, never as a skip.
type Driver interface {
	// Open returns a new, empty store with every model and association of
	// s. now is the scenario clock (for timestamps): the runner advances
	// it before every step.
	Open(s *Schema, now func() time.Time) (Store, error)
	// Is reports whether err is the error a scenario names:
	// ForeignKeyConstraintError, ValidationError, UniqueConstraintError,
	// NotFound, AssociationError or EagerLoadingError.
	Is(err error, name string) bool
}

// Store is one open store.
type Store interface {
	// Update runs fn in a write transaction, committed when fn returns
	// nil and rolled back (returning fn's error) otherwise.
	Update(fn func(Tx) error) error
	// View runs fn in a read transaction.
	View(fn func(Tx) error) error
}

// Tx is one transaction; its methods are the scenario ops. Keys are as
// [Key] describes; values and rows as [Values] and [Row]. Each method
// fails on its own without changing anything, as memrel's calls do.
type Tx interface {
	// Create inserts a row of model and returns its primary key.
	Create(model string, values Values) (Key, error)
	// Update sets values (which may include the primary key) on the row
	// with key pk.
	Update(model string, pk Key, values Values) error
	// Destroy deletes the row with key pk.
	Destroy(model string, pk Key) error
	// FindByPk returns the row with key pk, or nil.
	FindByPk(model string, pk Key) (Row, error)
	// FindAll returns the rows o selects, in order, with o's includes.
	FindAll(model string, o *Options) ([]*Node, error)
	// Count counts the rows o's where (and required includes) selects.
	Count(model string, o *Options) (int, error)

	// The association ops; assoc is an association name of the schema,
	// source the source row's key, targets target keys; o carries a
	// belongsToMany's through (a where on the join rows, or join values).
	AssocGet(assoc string, source Key, o *Options) ([]Row, error)
	AssocCount(assoc string, source Key, o *Options) (int, error)
	AssocHas(assoc string, source Key, targets []Key) (bool, error)
	AssocAdd(assoc string, source Key, targets []Key, o *Options) error
	AssocSet(assoc string, source Key, targets []Key, o *Options) error
	AssocRemove(assoc string, source Key, targets []Key, o *Options) error
	AssocCreate(assoc string, source Key, values Values, o *Options) (Key, error)
	// InverseGet returns the parent of the child with key target, or nil;
	// InverseSet points that child at the parent with key source (nil:
	// none).
	InverseGet(assoc string, target Key) (Row, error)
	InverseSet(assoc string, target, source Key) error

	// Dump returns every row of every model, each model's rows in
	// ascending primary key order.
	Dump() (map[string][]Row, error)
}

// Node is a row found by FindAll with the rows its includes loaded, by
// the include's association name (as the step names it).
type Node struct {
	Row      Row
	Included map[string][]*Node
}

// BulkTx is the optional part of a Tx for the bulk forms of update and
// destroy (options.where instead of a pk; a Where with no Args matches
// every row). A Tx without it fails those steps.
type BulkTx interface {
	// UpdateWhere sets values on every row where selects and returns how
	// many rows matched.
	UpdateWhere(model string, where *Where, values Values) (int, error)
	// DestroyWhere deletes every row where selects and returns how many
	// matched (not counting rows cascades deleted).
	DestroyWhere(model string, where *Where) (int, error)
}

// WritesTx is the optional part of a Tx for the writes beyond create,
// update and destroy. A Tx without it fails those steps.
type WritesTx interface {
	// BulkCreate inserts rows, all or none, and returns their keys in
	// input order.
	BulkCreate(model string, rows []Values) ([]Key, error)
	// Upsert inserts values or updates the row they conflict with, and
	// returns the stored row and whether it was inserted.
	Upsert(model string, values Values) (Row, bool, error)
	// FindOrCreate returns the first row where selects and false, or
	// creates defaults with where's fields and returns it and true.
	FindOrCreate(model string, where *Where, defaults Values) (Row, bool, error)
	// Increment adds by's amounts (sign -1: subtracts them) to the row
	// with key pk (hasPK) or to every row where selects, and returns how
	// many rows it changed.
	Increment(model string, pk Key, hasPK bool, where *Where, by Values, sign int) (int, error)
}

// NestedTx is the optional part of a Tx for nested create (a create with
// options.include). A Tx without it fails those steps.
type NestedTx interface {
	// CreateNested inserts a row of model with the rows values holds
	// under the aliases of incs, to their depth, all or none, and returns
	// what it created as FindAll returns a row with its includes. In
	// values, the alias of a to-many include holds a []Values, that of a
	// to-one include (hasOne, belongsTo) one Values or nil, each converted
	// by its model's fields and holding the aliases of its own includes.
	CreateNested(model string, values Values, incs []*Include) (*Node, error)
}

// AggregateTx is the optional part of a Tx for grouped counts and
// aggregates. A Tx without it fails those steps.
type AggregateTx interface {
	// CountGroups counts the rows o selects per distinct value of
	// o.Group's fields: one Row per group, holding the group fields and
	// "count", sorted by the group fields ascending, NULL last.
	CountGroups(model string, o *Options) ([]Row, error)
	// Aggregate computes fn (sum, min, max or avg) of field over the rows
	// o selects; nil over none.
	Aggregate(model, fn, field string, o *Options) (any, error)
}

// ParanoidTx is the optional part of a Tx for soft delete: destroying for
// real, reading soft-deleted rows by key, and restoring. (Reads that take
// Options see Options.Paranoid.) A Tx without it fails those steps.
type ParanoidTx interface {
	// ForceDestroy deletes for real the row with key pk (hasPK) or every
	// row where selects, soft-deleted ones included, and returns how many
	// matched (not counting rows cascades deleted).
	ForceDestroy(model string, pk Key, hasPK bool, where *Where) (int, error)
	// FindDeleted is FindByPk that also finds a soft-deleted row.
	FindDeleted(model string, pk Key) (Row, error)
	// Restore restores the row with key pk (hasPK) or the rows where
	// selects and returns how many it restored.
	Restore(model string, pk Key, hasPK bool, where *Where) (int, error)
}
