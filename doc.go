// Package memrel is an in-memory, embedded relational object store: typed
// models, associations with the semantics of Sequelize's hasMany, hasOne,
// belongsTo and belongsToMany, and the foreign-key rules a PostgreSQL table would
// enforce, all on top of go-memdb's transactional radix trees.
//
// It exists so that code written against a relational model can run, and
// be tested, without a database server: a [Schema] opens a fresh [Store]
// in microseconds, so every test can have its own.
//
// # Models and tags
//
// A model is a Go struct declared with [Define]. Its fields are resolved
// once, at definition, into offsets and typed accessors, so calls do not
// pay for reflection; mistakes are collected and reported together by
// [Schema.Open], which also freezes the schema (defining anything after
// the first Open panics).
//
// Each exported field is a column named in lower camel case (ID is "id",
// PostID is "postId") unless its tag names it:
//
//	type Post struct {
//		ID       int64                             // auto-increment primary key
//		Slug     string  `memrel:"slug,unique"`
//		Title    string                            // NOT NULL: a plain field
//		Rank     *int64  `memrel:"rank,index"`     // nullable
//		Summary  *string `memrel:"summary,notnull"`
//		Status   string  `memrel:"status,default=draft"`
//		Cache    string  `memrel:"-"`              // not stored
//		Comments []Comment                         // filled by Include
//	}
//
// The tag options are pk, autoinc, unique, notnull, null, index and
// default=V. An integer field named ID with no pk tag elsewhere is the
// auto-increment primary key, as in Sequelize. Nullability follows the Go
// type rather than a tag, so that NULL always has a representation: plain
// fields are NOT NULL, pointer fields and [database/sql.Null] fields are
// nullable (notnull turns a NULL into a [*ValidationError]), and []byte is
// nullable only when tagged null. Column types are the integer types,
// float32 and float64, string, bool, [time.Time] and []byte, and pointers
// to them; primary keys are integers or strings. Defaults fill NULL, or
// zero in plain fields, on create.
//
// A value written to a float32 column (by UpdateAll, a default= tag, a
// scope, a snapshot) is rounded to float32, as PostgreSQL rounds a double
// precision value cast to real, and one the column cannot hold (1e300, or
// 1e-50, which would become 0) is refused: [ErrBadValue] for a call, a
// [*SchemaError] for a tag or scope, a [*SnapshotError] for a snapshot.
// Where clauses compare in double precision, as PostgreSQL compares a
// real column with a double precision constant: Eq("ratio", 0.1) does not
// match the stored float32(0.1); Eq("ratio", float32(0.1)) does.
//
// Auto-increment ids behave like a PostgreSQL sequence: never reused, and
// an id taken inside a transaction that rolls back stays taken. An explicit
// key is kept and moves the sequence past it, so later creates never
// collide with it.
//
// Where clauses, orders and field selections (package query) accept column
// names or Go field names.
//
// # Associations
//
// [NewHasMany] declares that a source model has many targets through a
// foreign key field of the target, and returns a [HasMany] whose
// [HasMany.Inverse] is the matching [BelongsTo]. [HasManyOptions] takes
// Sequelize's option names and defaults: the foreign key defaults to the
// source name plus its key (postId), onDelete to SET NULL for a nullable
// foreign key and CASCADE otherwise, onUpdate to CASCADE.
//
// The seven operations are [HasMany.Get], [HasMany.Count], [HasMany.Has],
// [HasMany.Add], [HasMany.Set], [HasMany.Remove] and [HasMany.Create]; the
// ...Keys forms take targets as primary keys, instances or pointers, mixed.
// The source is identified by its primary key only and the stored row is
// what counts, so a stale copy in the caller's hands cannot mislead an
// operation. Set and Remove un-associate rows by nulling their foreign key;
// when the key is NOT NULL, or when [SetOptions.DestroyPrevious] or
// [RemoveOptions.Destroy] asks for it, they delete the rows instead, and
// the deletion applies those rows' own onDelete rules.
//
// [NewHasOne] declares Sequelize's hasOne: the same options and rules, with
// [HasOne.Get] returning one target (the lowest primary key when several
// hold the key), [HasOne.Set] replacing it (the previous one nulled, or
// deleted as above), [HasOne.Create], and includes that fill a *T field.
//
// [NewBelongsToMany] relates two models many-to-many through an explicit
// join model whose two NOT NULL foreign keys form its natural key (a
// composite primary key, several fields tagged pk, or a [Unique] group):
// [BelongsToMany.Get], Count, Has, Add, Set, Remove and Create from either
// side ([BelongsToMany.Inverse]), a func(*J) setting the join row's own
// values, and join rows deleted or rewritten with either of their rows.
//
// Every write path, whether a model call, an association operation or a
// cascade, goes through the same constraint checks, so a foreign key can
// never point at a missing row (unless the association was declared with
// NoConstraints) and a delete can never leave one behind. A scope
// restricts an association to targets carrying fixed field values, which
// is how polymorphic associations are built.
//
// Reads load associations eagerly through [Options.Include], to any depth
// and through either side; each loaded row costs one index seek, never a
// scan.
//
// # Nested create
//
// [Model.Create] given includes creates a row with the rows its
// association fields hold, as Sequelize's create with include does: a
// hasMany's []C or []*C, a hasOne's *C, a belongsTo's *P (the parent is
// created first and the row points at it), a belongsToMany's []T (the
// targets, then one join row each from the join model's defaults), and
// through each [Include.Include] their own, to any depth. The store writes
// every foreign key, and a hasMany's or hasOne's scope, whatever the rows
// held; a belongsTo writes only its foreign key, as [BelongsTo.Set] does.
// Rows are created a level at a time, parents before children, each level
// in input order, so a parent failing its own checks fails before any
// child is tried. The returned row holds the included rows as stored
// (keys, defaults, timestamps: one instant for the whole graph), as a read
// with the same includes would return them.
//
// Unlike Sequelize, a nested create is atomic: a row failing anywhere
// fails the call and leaves nothing of the graph, and takes no id. An
// Include given to Create may set only Assoc and Include: the read options
// (Where, Required, ThroughWhere) are an [*AssociationError], not
// ignored. Rows in an association field no Include names fail the call
// with [ErrAssociationField], as they fail every other write (Update,
// BulkCreate, Upsert, FindOrCreate, an association's Create), which would
// otherwise drop them: clear the field of a row read with includes before
// passing it back to Update. The check reads one word per association
// field, at no allocation.
//
// # Writes and reads beyond one row
//
// [Model.BulkCreate] inserts rows all or none; [Model.Upsert] inserts or
// updates the row a value conflicts with and says which it did;
// [Model.FindOrCreate] is atomic; [Model.Increment] and its kin add to
// fields without reading the row; [Model.Patch] writes only the fields
// named, where [Model.Update] replaces the whole row; [Model.UpdateAll]
// and [Model.DestroyAll] work by where and count. [Model.CountGroups],
// [Sum], [Min], [Max] and [Avg] aggregate, and [HasMany.CountMany] counts
// the children of many parents at once, one index range each.
//
// # Timestamps, soft delete, hooks
//
// [Timestamps] keeps CreatedAt and UpdatedAt from the store's clock
// ([WithClock]), one reading per call. [Paranoid] makes Destroy set
// DeletedAt instead: every read then skips soft-deleted rows unless it
// asks for them ([Options.WithDeleted], [Include.WithDeleted],
// [WithDeleted]); [Force] deletes for real and [Model.Restore] brings
// rows back. [WithHooks] runs functions around each create, update and
// destroy through the model, inside the call, and [Check] validates
// fields; see [Hooks] for the order they run in relative to defaults,
// timestamps and the store's own checks.
//
// # Transactions
//
// All work happens in a [Txn]. [Store.Update] runs a function in a write
// transaction and commits when it returns nil; an error or a panic rolls
// everything back (the panic is re-raised). [Store.View] runs a read
// transaction, through which writes fail with [ErrReadOnly].
// [Store.Begin] is the manual form; [Txn.Abort] does nothing after
// [Txn.Commit], so defer tx.Abort() is always safe.
//
// A Txn is done after Commit or Abort, or once its Update or View function
// returns. From then on every operation through it fails with
// [ErrTxDone], and so does a second Commit; Abort does nothing, also on a
// Txn kept after its Update or View function returned. Commit and Abort
// panic inside Update and View functions, which own the transaction's end.
//
// Each call on a Txn is atomic on its own: if it fails, the transaction is
// exactly as before the call. Unlike PostgreSQL, which aborts a
// transaction after any failed statement, memrel lets the caller handle
// the error (a refused foreign key, say) and go on to commit the rest.
//
// # Contexts and nested transactions
//
// [Store.UpdateContext], [Store.ViewContext] and [Store.BeginContext] take
// a [context.Context], which the transaction carries ([Txn.Context]). A
// writer waiting for the write lock gives up when its context ends, with
// an error matching [ErrTxWait] and the context's own error; a
// transaction whose context ends is rolled back by its next call, which
// fails with [ErrTxDone]. memrel starts no goroutine to watch a context.
//
// Service code often runs one method in a transaction that calls another
// which opens one. Given the context of an open write transaction of the
// same store, UpdateContext runs its function as a nested transaction of
// that one instead of waiting for it; [Txn.Update] does the same
// explicitly. A nested transaction is a savepoint: when its function fails
// or panics, exactly its own writes are undone and the outer transaction
// goes on; ids its writes drew stay drawn, as in PostgreSQL. BeginContext
// given such a context begins a nested transaction handle, whose Commit
// releases its writes into the outer transaction and whose Abort undoes
// them; end handles innermost first (the outer transaction is suspended
// while one is open). ViewContext
// given such a context reads through the write transaction, uncommitted
// writes included, and refuses writes. The context-free [Store.Update]
// cannot see the transaction its caller holds: an Update inside an Update
// on one goroutine still waits for itself, so pass contexts.
//
// [Store.Fork] returns a new, independent store holding a store's
// committed state, in constant time whatever it holds: the two share
// immutable trees, and each writes its own. A test suite loads its
// fixtures once and forks a store per test.
//
// [Store.Close] refuses new transactions (and waiting writers) with
// [ErrClosed]; open readers keep their snapshot, an open writer's Commit
// fails, and the rows are freed when the last transaction ends.
//
// # Concurrency
//
// A [Store] is safe for concurrent use. Write transactions are serialised:
// [Store.Begin] with write set waits until no other write transaction is
// open, so a goroutine that begins a second write transaction while
// holding one, without passing its context (see above), waits forever.
// Read transactions never wait; each sees the snapshot taken when it
// began, however many writers commit meanwhile, because the engine never
// changes a tree a reader holds.
//
// A read [Txn] may be shared by any number of goroutines, which read the
// same snapshot at once. A write Txn must be used by one goroutine at a
// time: a call on it while another goroutine's call is under way panics
// with a memrel message before either changes anything. [Model],
// [HasMany] and [BelongsTo] values hold no per-call state and may be
// shared by any number of goroutines and transactions.
//
// A nil or zero handle (a Model, HasMany or BelongsTo not made by Define,
// NewHasMany or Inverse, a Store not made by Open or Load, a nil Schema)
// never panics: its methods fail with [ErrWrongStore], or [ErrTxDone] for
// a nil or zero Txn, or return a zero value.
//
// A [Schema] is not safe for concurrent definition: declare every model
// and association from one goroutine, then call [Schema.Open], which may
// be called concurrently.
//
// # Big writes
//
// Write transactions hold the writer lock until they end, so a big write
// is every other writer's wait. Each row a statement writes, whether it
// names the row or a cascade reaches it, costs one go-memdb write of every
// index of its table, and a cascade lists each parent's children with one
// index seek; so the cost is linear in the rows written, with a constant
// close to hand-written go-memdb code. Measured with 10 000 and 100 000
// rows on a busy 2-core machine: about 0.7 KiB allocated and 3 to 7 µs per
// child a CASCADE deletes from a table no constraint references (their
// index entries go as one subtree), and 1.2 to 2 KiB and 5 to 20 µs per
// row otherwise: per child a SET NULL rewrites or a CASCADE deletes, per
// target [HasMany.SetKeys], [HasMany.AddKeys] or [HasMany.RemoveKeys]
// moves, per row [Model.UpdateAll] or [Model.DestroyAll] changes, per
// level of a deep cascade; creating rows in bulk costs 0.6 KiB per row,
// 1.4 KiB with a unique field. A million-row operation therefore takes
// seconds to tens of seconds and allocates one to two GiB, which the
// garbage collector gets back as it goes; the undo log and the write set
// keep about a hundred bytes per row until the transaction ends.
//
// Cascades do not recurse: the referential actions a write sets off run
// from a work list, depth first (associations in declaration order,
// children in primary key order), so a chain of a million rows, each the
// parent of the next, is destroyed from its root like any other cascade,
// in a stack of constant size.
//
// # Copies and aliasing
//
// Values are copied in and out. A struct passed to Create or Update is
// copied, including what its pointer and []byte fields point at, and never
// retained; a struct returned by any read is a fresh copy that shares no
// memory with the store, so the caller may modify it freely and it stays
// valid indefinitely. The reason is that go-memdb shares stored rows
// between every snapshot that contains them: a caller writing through an
// alias would change what concurrent readers see and corrupt the indexes.
//
// The flip side is that a result is a snapshot, not a live object: it does
// not change when the store does, and writing to it changes nothing until
// it is passed back to Update. Association fields (Post.Comments) and
// fields tagged "-" are never stored, so reads return them empty unless
// an Include fills the association. Fields tagged "-" are cleared on the
// way in; an association field holding rows fails the write (see Nested
// create) unless a Create includes it.
//
// # Snapshots
//
// [Store.Save] writes every row and sequence to an io.Writer from one read
// transaction, so writers go on meanwhile; [Store.SaveFile] does so
// atomically (temporary file, sync, rename, directory sync), keeping the
// replaced file's permissions. [Schema.Load] and [Schema.LoadFile] rebuild
// a new store from such a snapshot, checking a CRC, the schema, every
// value and every constraint, and moving each sequence past the keys
// loaded: a truncated, corrupted or foreign snapshot fails with a
// [*SnapshotError] (wrapping [ErrBadSnapshot]) and yields no store. Both
// ends stream, holding about 32 KiB of the snapshot at a time: Load checks
// the header before it reads on, and allocates for a value only what the
// data has delivered.
//
// A snapshot records its schema by name, so it loads into a later version
// of the schema: models and columns match by name, added nullable or
// defaulted columns and added models load, and every difference Load
// cannot map (a dropped column or model unless [DropMissing], a changed
// type or key, values a new constraint refuses) is listed in one
// [*SchemaMismatchError] (wrapping [ErrSchemaChanged]).
//
// # Errors
//
// Every error is typed and works with [errors.Is] and [errors.As];
// messages start with "memrel: " and name the model, field and value
// involved. An error holds copies of the values it names, never the
// caller's or the store's memory, and formats them only when its Error
// method is called: building an error never runs a caller's String, Error
// or Format method, which could call back into the store mid-call.
//
// [ErrNotFound] (with [*NotFoundError]) reports a missing row the caller
// named: the key of an Update or Destroy, an association's source, or a
// target key given to Add or Set (which Sequelize would silently ignore).
// A row that may legitimately be absent comes back as a false ok instead,
// as from [Model.FindByPK].
//
// Constraint violations are [*ValidationError] (NULL in a NOT NULL field,
// listing every failing field), [*UniqueConstraintError] and
// [*ForeignKeyConstraintError] (a dangling key, or a delete restricted by
// children). Query mistakes wrap [ErrUnknownField], [ErrBadValue] or
// [ErrBadOperator] in a [*FieldError], a key of the wrong type is
// [ErrBadKey], and a field named twice where the two could disagree
// (UpdateAll given a column and its Go name, two includes filling one
// struct field) is [ErrDuplicateField]. Misuse of an association is an
// [*AssociationError], an include of an unrelated association an
// [*EagerLoadingError], and a bad definition a [*SchemaError] listing
// every problem. An auto-increment key past its type's maximum is
// [ErrSequenceExhausted].
package memrel
