package memrel

import "github.com/memrel/memrel/internal/errs"

// Sentinel errors, grouped by when they are returned. Every error memrel
// returns wraps one of these or is one of the typed errors below, so
// errors.Is and errors.As always work.
var (
	// ErrNotFound is returned when a row looked up by key does not exist
	// (Sequelize's EmptyResultError): FindByPK, Update and Destroy of a
	// missing key, an association source that is not stored, a target key
	// given to Add or Set that matches no row.
	ErrNotFound = errs.ErrNotFound

	// ErrReadOnly is returned when a write is attempted through a read
	// transaction.
	ErrReadOnly = errs.ErrReadOnly

	// ErrTxDone is returned when a transaction is used after Commit or
	// Abort (or after its Update or View function returned), and through
	// a nil or zero Txn. A transaction whose context ended is rolled back
	// by the next call on it, which fails with ErrTxDone wrapping the
	// context's error, as every later call does.
	ErrTxDone = errs.ErrTxDone

	// ErrTxWait is returned by Store.BeginContext, Store.UpdateContext
	// and Store.ViewContext, and by a nested transaction, when the context
	// ends before the transaction begins: while a writer waits for the
	// write lock, or already when called. Nothing began and nothing
	// changed. The error wraps the context's error too, so
	// errors.Is(err, context.Canceled) or context.DeadlineExceeded holds.
	ErrTxWait = errs.ErrTxWait

	// ErrClosed is returned when a transaction is begun on a closed Store
	// (see Store.Close), by the operations of a transaction begun on it,
	// and by the Commit of a write transaction that was open when the
	// store closed.
	ErrClosed = errs.ErrClosed

	// ErrWrongStore is returned when a model or association is used with a
	// transaction of a store opened before it was defined, or from another
	// schema, and by the methods of a nil or zero handle: a Model,
	// HasMany or BelongsTo not made by Define, NewHasMany or Inverse, a
	// Store not made by Open or Load, a nil Schema.
	ErrWrongStore = errs.ErrWrongStore

	// ErrSequenceExhausted is returned by Create when an auto-increment key
	// has reached the largest value its type holds, as PostgreSQL's nextval
	// fails at the end of a sequence.
	ErrSequenceExhausted = errs.ErrSequenceExhausted

	// ErrBadKey is returned when a key has the wrong type for the field it
	// identifies, or an instance is of the wrong model.
	ErrBadKey = errs.ErrBadKey

	// ErrBadSnapshot is returned by Load when a snapshot is truncated,
	// corrupted, from another schema or holds values or rows no insert
	// would store (NULL in a NOT NULL column, a broken constraint, a
	// negative sequence); see SnapshotError. A snapshot that could not be
	// read is not reported as bad.
	ErrBadSnapshot = errs.ErrBadSnapshot

	// ErrSchemaChanged is returned by Load, with ErrBadSnapshot, when the
	// snapshot's schema differs from the loading one in a way Load does
	// not map (a dropped model or column without [DropMissing], a changed
	// type or key, a new NOT NULL column without a default, stored values
	// a new constraint refuses); see SchemaMismatchError.
	ErrSchemaChanged = errs.ErrSchemaChanged

	// ErrUnknownField is returned when a where clause, an order, a field
	// selection or an option names a field the model does not have.
	ErrUnknownField = errs.ErrUnknownField

	// ErrBadValue is returned when a value in a where clause does not fit
	// the type of its field.
	ErrBadValue = errs.ErrBadValue

	// ErrBadOperator is returned when a where operator does not apply to
	// its field or has the wrong number of operands.
	ErrBadOperator = errs.ErrBadOperator

	// ErrDuplicateField is returned, in a *FieldError, when one call names
	// a field twice where the two could disagree: an UpdateAll assignment
	// listing a column under both its column and its Go name (PostgreSQL's
	// "multiple assignments to same column"), or two includes at one level
	// that load the same struct field. Naming a field twice in Fields or
	// Order is no error, as selecting or ordering by a column twice is
	// none in SQL.
	ErrDuplicateField = errs.ErrDuplicateField

	// ErrNotNumeric is returned, in a *FieldError, when Increment,
	// Decrement or a numeric aggregate (Sum, Avg) names a field that is
	// not a number.
	ErrNotNumeric = errs.ErrNotNumeric

	// ErrConflictKey is returned, in a *FieldError, when an Upsert cannot
	// tell which row it conflicts with: its OnConflict fields are no
	// unique constraint of the model, or its values hold the fields of
	// several unique constraints and no OnConflict chooses one.
	ErrConflictKey = errs.ErrConflictKey

	// ErrNotParanoid is returned, in a *FieldError, when Restore is called
	// on a model that does not soft-delete (no Paranoid option).
	ErrNotParanoid = errs.ErrNotParanoid

	// ErrNotEmpty is returned by [Store.LoadSnapshot] on a store that
	// holds rows.
	ErrNotEmpty = errs.ErrNotEmpty

	// ErrRetry is returned, wrapped with the database's error, when an
	// engine shared with other clients breaks a transaction off to let
	// another through (on PostgreSQL: a serialization failure, 40001, or
	// a deadlock, 40P01). The memory engine never returns it. Run the
	// whole transaction again; the call that failed is undone as any
	// failed call, but what the transaction did before it may rest on
	// reads the conflict has made stale.
	ErrRetry = errs.ErrRetry

	// ErrAssociationField is returned, in a *FieldError naming the struct
	// field, when a write is given rows in an association field it does
	// not store: Create (or an association's Create) without an Include
	// for that association, Update, UpdateKey, BulkCreate, Upsert,
	// FindOrCreate. Dropping them silently would lose the caller's data,
	// so the write fails and changes nothing. An empty slice or a nil
	// pointer holds no rows and is no error.
	ErrAssociationField = errs.ErrAssociationField
)

// FieldError is the typed form of ErrUnknownField, ErrBadValue and
// ErrBadOperator: it names the model, field, operator and value.
type FieldError = errs.FieldError

// NotFoundError names the model and key of a missing row; it wraps
// ErrNotFound. Key is the key as the caller gave it (or as the row holds
// it), copied: the error shares no memory with the caller or the store.
type NotFoundError = errs.NotFoundError

// ValidationErrorItem is one failing field of a ValidationError. Value,
// when set, is a copy of the value the row held (a []byte is copied), so
// writing to it changes nothing stored.
type ValidationErrorItem = errs.ValidationErrorItem

// ValidationError is returned when a write would store NULL in a NOT NULL
// field (Sequelize's ValidationError). It lists every failing field.
type ValidationError = errs.ValidationError

// UniqueConstraintError is returned when a write would duplicate a primary
// key or a unique field. Value is a copy of the duplicated value.
type UniqueConstraintError = errs.UniqueConstraintError

// ForeignKeyConstraintError is returned when a write would leave a foreign
// key pointing at no row, or when a delete or key update is restricted by
// children that still reference the row. Value is a copy of the foreign
// key value (a stored child's, for a restricted delete or key change): a
// []byte foreign key is copied, so writing to it changes nothing stored.
type ForeignKeyConstraintError = errs.ForeignKeyConstraintError

// AssociationError is returned when an association is misused: a source
// whose source key is NULL, a target of the wrong model.
type AssociationError = errs.AssociationError

// EagerLoadingError is returned when an include names an association whose
// source is not the model being loaded.
type EagerLoadingError = errs.EagerLoadingError

// SchemaError is returned by Open for every mistake in the definitions; a
// single Open reports all of them in Problems, each once. A name or
// struct field one association takes from another (an alias, an inverse
// alias, a field both fill with different types) is reported against the
// later one and names the earlier. Each Open returns its own
// copy, so changing one changes no other.
type SchemaError = errs.SchemaError

// SchemaProblem is one mistake in a schema definition.
type SchemaProblem = errs.SchemaProblem

// SnapshotError says why Load or LoadFile rejected a snapshot, or why
// Save, SaveFile, Load or LoadFile could not write or read one.
//
// A snapshot Load refuses (truncated, corrupted, from another schema, a
// row no insert would store) wraps ErrBadSnapshot and, for a row that
// breaks a constraint, that constraint's error.
//
// When the snapshot could not be read or written (a file that does not
// open, a reader or writer that fails, a file that cannot be created,
// synced or renamed), Err is that I/O error and the SnapshotError does
// not wrap ErrBadSnapshot, since the snapshot itself may be sound:
// errors.Is(err, fs.ErrNotExist) or the reader's or writer's own error
// matches instead. Reason then says what was being done ("reading
// snapshot", "writing snapshot", "saving snapshot", …) and Offset is the
// stream offset reached, when known.
type SnapshotError = errs.SnapshotError

// SchemaMismatchError lists every difference between a snapshot's schema
// and the loading one that Load refused (see [Schema.Load]); it wraps
// ErrSchemaChanged and comes inside a *SnapshotError, so errors.As finds
// both and errors.Is matches ErrBadSnapshot too.
type SchemaMismatchError = errs.SchemaMismatchError

// SchemaDifference is one difference a SchemaMismatchError lists: Model,
// Column (empty for a model-level one), Old and New (the snapshot's side
// and the schema's, empty when absent) and its Kind.
type SchemaDifference = errs.SchemaDifference

// DifferenceKind classifies a SchemaDifference.
type DifferenceKind = errs.DifferenceKind

// The kinds of SchemaDifference: ModelDropped and ColumnDropped (the
// snapshot has a model or column the schema does not), ColumnAdded (the
// schema has a NOT NULL column without a default the snapshot lacks),
// TypeChanged (a column's type differs and is no lossless widening),
// KeyChanged (the primary key's columns differ), NullInNotNull (a stored
// NULL in a column that became NOT NULL) and UniqueCollision (stored
// values collide in a unique constraint the snapshot did not have).
const (
	ModelDropped, ColumnDropped, ColumnAdded = errs.ModelDropped, errs.ColumnDropped, errs.ColumnAdded
	TypeChanged, KeyChanged                  = errs.TypeChanged, errs.KeyChanged
	NullInNotNull, UniqueCollision           = errs.NullInNotNull, errs.UniqueCollision
)
