// Package errs declares every error memrel returns: sentinels and typed
// errors. The root package re-exports each under the same name; the
// layers below it build them.
package errs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/memrel/memrel/query"
)

// Sentinel errors, grouped by when they are returned. Every error memrel
// returns wraps one of these or is one of the typed errors below, so
// errors.Is and errors.As always work.
var (
	// ErrNotFound is returned when a row looked up by key does not exist
	// (Sequelize's EmptyResultError): FindByPK, Update and Destroy of a
	// missing key, an association source that is not stored, a target key
	// given to Add or Set that matches no row.
	ErrNotFound = errors.New("memrel: not found")

	// ErrReadOnly is returned when a write is attempted through a read
	// transaction.
	ErrReadOnly = errors.New("memrel: write in a read-only transaction")

	// ErrTxDone is returned when a transaction is used after Commit or
	// Abort (or after its Update or View function returned), and through
	// a nil or zero Txn.
	ErrTxDone = errors.New("memrel: transaction has already been committed or aborted")

	// ErrTxWait: the context ended before the transaction began.
	ErrTxWait = errors.New("memrel: gave up waiting to begin a transaction")

	// ErrClosed: the store is closed.
	ErrClosed = errors.New("memrel: store is closed")

	// ErrWrongStore is returned when a model or association is used with a
	// transaction of a store opened before it was defined, or from another
	// schema, and by the methods of a nil or zero handle: a Model,
	// HasMany or BelongsTo not made by Define, NewHasMany or Inverse, a
	// Store not made by Open or Load, a nil Schema.
	ErrWrongStore = errors.New("memrel: model does not belong to this store")

	// ErrSequenceExhausted is returned by Create when an auto-increment key
	// has reached the largest value its type holds, as PostgreSQL's nextval
	// fails at the end of a sequence.
	ErrSequenceExhausted = errors.New("memrel: auto-increment sequence exhausted")

	// ErrBadKey is returned when a key has the wrong type for the field it
	// identifies, or an instance is of the wrong model.
	ErrBadKey = errors.New("memrel: bad key")

	// ErrBadSnapshot is returned by Load when a snapshot is truncated,
	// corrupted, from another schema or holds values or rows no insert
	// would store (NULL in a NOT NULL column, a broken constraint, a
	// negative sequence); see SnapshotError. A snapshot that could not be
	// read is not reported as bad.
	ErrBadSnapshot = errors.New("memrel: bad snapshot")

	// ErrUnknownField is returned when a where clause, an order, a field
	// selection or an option names a field the model does not have.
	ErrUnknownField = errors.New("memrel: unknown field")

	// ErrBadValue is returned when a value in a where clause does not fit
	// the type of its field.
	ErrBadValue = errors.New("memrel: bad value")

	// ErrBadOperator is returned when a where operator does not apply to
	// its field or has the wrong number of operands.
	ErrBadOperator = errors.New("memrel: bad operator")

	// ErrDuplicateField is returned, in a *FieldError, when one call names
	// a field twice where the two could disagree: an UpdateAll assignment
	// listing a column under both its column and its Go name (PostgreSQL's
	// "multiple assignments to same column"), or two includes at one level
	// that load the same struct field. Naming a field twice in Fields or
	// Order is no error, as selecting or ordering by a column twice is
	// none in SQL.
	ErrDuplicateField = errors.New("memrel: field named twice")

	// ErrNotNumeric is returned, in a *FieldError, when Increment,
	// Decrement or a numeric aggregate (Sum, Avg) names a field that is
	// not a number.
	ErrNotNumeric = errors.New("memrel: field is not numeric")

	// ErrConflictKey is returned, in a *FieldError, when an Upsert cannot
	// tell which row it conflicts with: its OnConflict fields are no
	// unique constraint of the model, or its values hold the fields of
	// several unique constraints and no OnConflict chooses one.
	ErrConflictKey = errors.New("memrel: no single conflict key")

	// ErrNotParanoid is returned, in a *FieldError, when Restore is called
	// on a model that does not soft-delete (no Paranoid option).
	ErrNotParanoid = errors.New("memrel: model is not paranoid")

	// ErrNotEmpty is returned by Store.LoadSnapshot on a store that holds
	// rows.
	ErrNotEmpty = errors.New("memrel: store is not empty")

	// ErrRetry is returned when an engine shared with other clients
	// broke a transaction off to let another through (a PostgreSQL
	// serialization failure or deadlock): run the whole transaction again.
	ErrRetry = errors.New("memrel: the transaction conflicted with another; run it again")
	// ErrAssociationField is returned, in a *FieldError naming the struct
	// field, when a write is given rows in an association field it does
	// not store: a Create without an Include for that association, an
	// Update, a BulkCreate. Dropping them silently would lose the
	// caller's data; nothing is written.
	ErrAssociationField = errors.New("memrel: rows in an association field the write does not store")
)

// FieldError says which model, field, operator and value a query rejected.
// It wraps one of the errors above. Value is a copy of the value given
// (slices and maps one level deep), and it is formatted only by Error, so
// building a FieldError never runs the value's own String or Error method.
type FieldError struct {
	Model string
	Field string
	Op    query.Op
	Value any
	Err   error
}

// Error names the model, field, operator and value.
func (e *FieldError) Error() string {
	msg := fmt.Sprintf("%v: %s.%s", e.Err, e.Model, e.Field)
	if e.Value == nil {
		return msg
	}
	if e.Op != query.OpAll {
		msg += " " + e.Op.String()
	}
	if s, ok := e.Value.(string); ok {
		return msg + fmt.Sprintf(" %q", s)
	}
	return msg + fmt.Sprintf(" %v", e.Value)
}

// Unwrap returns the sentinel error.
func (e *FieldError) Unwrap() error { return e.Err }

// NotFoundError names the model and key of a missing row; it wraps
// ErrNotFound. Key is the key as the caller gave it (or as the row holds
// it), copied: the error shares no memory with the caller or the store.
type NotFoundError struct {
	Model string
	Key   any
}

// Error names the model and the missing key.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("memrel: %s with key %v not found", e.Model, e.Key)
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// TargetError says which association a bad target key was given to. Its
// message is built only when asked for: building it during the call would
// format the caller's key, running the key's own String or Error method
// inside the transaction, where one that calls back into the store
// deadlocks.
type TargetError struct {
	Err   error
	Assoc string
}

// Error names the association the target was given to.
func (e *TargetError) Error() string { return e.Err.Error() + " (a target of " + e.Assoc + ")" }

// Unwrap returns the error about the target.
func (e *TargetError) Unwrap() error { return e.Err }

// ValidationErrorItem is one failing field of a ValidationError. Value,
// when set, is a copy of the value the row held (a []byte is copied), so
// writing to it changes nothing stored.
type ValidationErrorItem struct {
	Field   string
	Message string
	Value   any
	// Err is a field validator's own error (nil for the store's checks),
	// which errors.Is and errors.As find through the ValidationError.
	Err error
}

// ValidationError is returned when a write would store NULL in a NOT NULL
// field (Sequelize's ValidationError). It lists every failing field.
type ValidationError struct {
	Model string
	Items []ValidationErrorItem
}

// Error lists every failing field.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Items))
	for i, it := range e.Items {
		parts[i] = fmt.Sprintf("%s.%s %s", e.Model, it.Field, it.Message)
	}
	return "memrel: validation failed: " + strings.Join(parts, "; ")
}

// Unwrap returns the validators' own errors, so errors.Is finds them.
func (e *ValidationError) Unwrap() []error {
	var out []error
	for _, it := range e.Items {
		if it.Err != nil {
			out = append(out, it.Err)
		}
	}
	return out
}

// UniqueConstraintError is returned when a write would duplicate a primary
// key or a unique field. Value is a copy of the duplicated value.
type UniqueConstraintError struct {
	Model  string
	Fields []string
	Value  any
}

// Error names the model, fields and duplicated value.
func (e *UniqueConstraintError) Error() string {
	return fmt.Sprintf("memrel: unique constraint violated: %s.%s = %v already exists",
		e.Model, strings.Join(e.Fields, ","), e.Value)
}

// ForeignKeyConstraintError is returned when a write would leave a foreign
// key pointing at no row, or when a delete or key update is restricted by
// children that still reference the row. Value is a copy of the foreign
// key value (a stored child's, for a restricted delete or key change): a
// []byte foreign key is copied, so writing to it changes nothing stored.
type ForeignKeyConstraintError struct {
	Model       string // the model holding the foreign key
	ForeignKey  string
	Value       any
	Referenced  string // the referenced model
	Association string // source model and alias, e.g. "Post.comments"
	Reason      string
}

// Error names the association, the foreign key, its value and why it failed.
func (e *ForeignKeyConstraintError) Error() string {
	return fmt.Sprintf("memrel: foreign key constraint %s violated: %s.%s = %v %s",
		e.Association, e.Model, e.ForeignKey, e.Value, e.Reason)
}

// AssociationError is returned when an association is misused: a source
// whose source key is NULL, a target of the wrong model.
type AssociationError struct {
	Association string
	Reason      string
}

// Error names the association and the misuse.
func (e *AssociationError) Error() string {
	return fmt.Sprintf("memrel: association %s: %s", e.Association, e.Reason)
}

// EagerLoadingError is returned when an include names an association whose
// source is not the model being loaded.
type EagerLoadingError struct {
	Model       string
	Association string
}

// Error names the association and the model it was included from.
func (e *EagerLoadingError) Error() string {
	return fmt.Sprintf("memrel: association %s is not associated to %s", e.Association, e.Model)
}

// SchemaError is returned by Open for every mistake in the definitions; a
// single Open reports all of them in Problems, each once. A name or
// struct field one association takes from another (an alias, an inverse
// alias, a field both fill with different types) is reported against the
// later one and names the earlier. Each Open returns its own
// copy, so changing one changes no other.
type SchemaError struct {
	Problems []SchemaProblem
}

// SchemaProblem is one mistake in a schema definition.
type SchemaProblem struct {
	Model  string
	Field  string // may be empty
	Reason string
}

// String renders the problem as Model.Field: reason.
func (p SchemaProblem) String() string {
	if p.Field == "" {
		return p.Model + ": " + p.Reason
	}
	return p.Model + "." + p.Field + ": " + p.Reason
}

// Error lists every problem.
func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "memrel: invalid schema: " + strings.Join(parts, "; ")
}

// SnapshotError says why Load or LoadFile rejected a snapshot, or why
// Save or SaveFile could not write one.
//
// A snapshot Load refuses (truncated, corrupted, from another schema, a
// row no insert would store) wraps ErrBadSnapshot and, for a row that
// breaks a constraint, that constraint's error. Its message reads
// "memrel: bad snapshot: <Reason> at byte <Offset>: <Err>".
//
// When the snapshot could not be read or written (a file that does not
// open, a reader or writer that fails, a file that cannot be created,
// synced or renamed), Err is that I/O error and the SnapshotError does
// not wrap ErrBadSnapshot, since the snapshot itself may be sound:
// errors.Is(err, fs.ErrNotExist) or the reader's or writer's own error
// matches instead. Reason then says what was being done ("reading
// snapshot", "writing snapshot", "saving snapshot", …), Offset is the
// stream offset reached, when known, and the message reads
// "memrel: <Reason> at byte <Offset>: <Err>".
type SnapshotError struct {
	Offset int // byte offset of the problem, when known
	Reason string
	Err    error // the constraint error or the I/O error, if any
	io     bool  // Err is an I/O error: the snapshot is not known to be bad
}

// Error says why the snapshot was rejected or not read or written, and
// where.
func (e *SnapshotError) Error() string {
	msg := "memrel: bad snapshot: " + e.Reason
	if e.io {
		msg = "memrel: " + e.Reason
	}
	if e.Offset > 0 {
		msg += fmt.Sprintf(" at byte %d", e.Offset)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrBadSnapshot, unless the snapshot could not be read or
// written, and the constraint or I/O error.
func (e *SnapshotError) Unwrap() []error {
	switch {
	case e.io:
		return []error{e.Err}
	case e.Err != nil:
		return []error{ErrBadSnapshot, e.Err}
	}
	return []error{ErrBadSnapshot}
}

// SnapshotIO is the SnapshotError of a snapshot that could not be read or
// written: it wraps err, not ErrBadSnapshot. reason says what was being
// done, e.g. "reading snapshot".
func SnapshotIO(offset int, reason string, err error) *SnapshotError {
	return &SnapshotError{Offset: offset, Reason: reason, Err: err, io: true}
}

// IsIO reports whether e is an I/O error rather than a bad snapshot.
func (e *SnapshotError) IsIO() bool { return e.io }

// ErrSchemaChanged is wrapped by the SchemaMismatchError of a snapshot
// whose schema differs from the loading one in a way Load does not map.
var ErrSchemaChanged = errors.New("memrel: schema changed since the snapshot")

// DifferenceKind classifies a SchemaDifference.
type DifferenceKind uint8

// The differences Load refuses.
const (
	ModelDropped    DifferenceKind = iota + 1 // a model the snapshot has, the schema not
	ColumnDropped                             // a column the snapshot has, the schema not
	ColumnAdded                               // a NOT NULL column without a default the snapshot lacks
	TypeChanged                               // a column's stored type differs (and is no lossless widening)
	KeyChanged                                // the primary key's columns differ
	NullInNotNull                             // a stored NULL in a column that became NOT NULL
	UniqueCollision                           // stored values collide in a constraint that became unique
)

var differenceNames = [...]string{"", "model dropped", "column dropped", "column added",
	"type changed", "primary key changed", "NULL in NOT NULL column", "unique collision"}

// String names the kind.
func (k DifferenceKind) String() string {
	if int(k) < len(differenceNames) && k > 0 {
		return differenceNames[k]
	}
	return fmt.Sprintf("difference(%d)", k)
}

// SchemaDifference is one way a snapshot's schema differs from the
// loading one. Column is empty for a model-level difference; Old and New
// describe the snapshot's side and the schema's (empty when absent).
type SchemaDifference struct {
	Kind   DifferenceKind
	Model  string
	Column string
	Old    string
	New    string
}

// String reads "model.column: kind (old → new)".
func (d SchemaDifference) String() string {
	at := d.Model
	if d.Column != "" {
		at += "." + d.Column
	}
	return fmt.Sprintf("%s: %s (%s → %s)", at, d.Kind, orNone(d.Old), orNone(d.New))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// SchemaMismatchError lists every difference between a snapshot's schema
// and the loading one that Load refused, those of the header and those
// only its rows showed (NULLs, collisions). It wraps ErrSchemaChanged;
// Load returns it inside a SnapshotError, so ErrBadSnapshot matches too.
type SchemaMismatchError struct {
	Differences []SchemaDifference
}

// Error lists every difference.
func (e *SchemaMismatchError) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = d.String()
	}
	return "memrel: schema changed since the snapshot: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrSchemaChanged.
func (e *SchemaMismatchError) Unwrap() error { return ErrSchemaChanged }
