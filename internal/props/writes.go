package props

// The writes machine: the writes beyond one row (BulkCreate, Upsert,
// FindOrCreate, Increment/Decrement, UpdateAll, Patch) and soft delete
// (Destroy, Force, DestroyAll, Restore, RestoreKey, WithDeleted reads) on
// paranoid models with timestamps, against the plain-map model of
// writes_model.go. It is a machine of its own rather than more actions
// of StateMachine's because every row here carries timestamps and a
// deletedAt that every operation of the reference model has to keep, and
// prModel, which knows neither, stays as simple as it is.
//
// The schema: Author hasMany Book (Book.authorId nullable, onDelete per
// variant: SET NULL, CASCADE or RESTRICT), Book hasMany Review
// (Review.bookId NOT NULL: CASCADE). All three are Paranoid with
// Timestamps; Author.name and Book.isbn are unique; Book.title is a NOT
// NULL pointer (so a NULL is a ValidationError, not a zero value).

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

type wrAuthor struct {
	ID        int64
	Name      string `memrel:"name,unique"`
	Karma     int64
	Bio       *string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
	Books     []wrBook // filled only by the include the invariant reads
}

type wrBook struct {
	ID        int64
	AuthorID  *int64
	Title     *string `memrel:"title,notnull"`
	Isbn      *string `memrel:"isbn,unique"`
	Pages     int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

type wrReview struct {
	ID        int64
	BookID    int64
	Stars     int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time
}

// wrT0 is the instant of the machine's clock before its first step, the
// conformance runs' T0; each write step moves it one second on.
var wrT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// wrPast is an explicit createdAt the generators give some rows: before
// every instant the clock reads, so a store that overwrote it would show.
var wrPast = wrT0.Add(-24 * time.Hour).UnixMilli()

// Timestamps in rows are Unix milliseconds (nil: the zero time or a nil
// pointer), so rows compare with == whatever location the store gives.

func wrMs(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func wrMsP(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func wrTime(v any) time.Time {
	if v == nil {
		return time.Time{}
	}
	return time.UnixMilli(v.(int64)).UTC()
}

func wrTimeP(v any) *time.Time {
	if v == nil {
		return nil
	}
	t := wrTime(v)
	return &t
}

// ClockOpener opens a new, empty store on schema s whose clock is now
// (memrel.WithClock), failing t if it cannot; as for [Opener], the harness
// calls it once per check and closes the store when the check ends.
type ClockOpener func(t testing.TB, s *memrel.Schema, now func() time.Time) *memrel.Store

// wrTable is the untyped face of a wrTbl: every model operation the
// machine runs, on rows of the reference model. Keys are int64; a where is
// a list of equalities.
type wrTable interface {
	findAll(tx *memrel.Txn, eqs []wrEq, all bool) ([]prRow, error)
	count(tx *memrel.Txn, eqs []wrEq, all bool) (int, error)
	findByPK(tx *memrel.Txn, k int64, all bool) (prRow, bool, error)
	create(tx *memrel.Txn, r prRow) (prRow, error)
	bulkCreate(tx *memrel.Txn, rs []prRow) ([]prRow, error)
	upsert(tx *memrel.Txn, r prRow, fields []string, onConflict string) (prRow, bool, error)
	findOrCreate(tx *memrel.Txn, eqs []wrEq, defaults prRow) (prRow, bool, error)
	increment(tx *memrel.Txn, eqs []wrEq, key *int64, by map[string]int64, down bool) (int, error)
	updateAll(tx *memrel.Txn, eqs []wrEq, set map[string]any) (int, error)
	patch(tx *memrel.Txn, k int64, set map[string]any) (prRow, error)
	update(tx *memrel.Txn, r prRow) (prRow, error)
	destroy(tx *memrel.Txn, k int64, force, byInstance bool) error
	destroyAll(tx *memrel.Txn, eqs []wrEq, force bool) (int, error)
	restore(tx *memrel.Txn, eqs []wrEq) (int, error)
	restoreKey(tx *memrel.Txn, k int64) (bool, error)
}

// wrTbl adapts a typed paranoid model.
type wrTbl[T any] struct {
	m       *memrel.Model[T]
	toRow   func(T) prRow
	fromRow func(prRow) T
}

// wrWhere is the query a list of equalities stands for (none: the zero
// Cond, every row).
func wrWhere(eqs []wrEq) query.Cond {
	cs := make([]query.Cond, len(eqs))
	for i, e := range eqs {
		cs[i] = query.Eq(e.col, e.v)
	}
	switch len(cs) {
	case 0:
		return query.Cond{}
	case 1:
		return cs[0]
	}
	return query.And(cs...)
}

func (tb *wrTbl[T]) rows(vs []T) []prRow {
	rs := make([]prRow, len(vs))
	for i, v := range vs {
		rs[i] = tb.toRow(v)
	}
	return rs
}

func (tb *wrTbl[T]) findAll(tx *memrel.Txn, eqs []wrEq, all bool) ([]prRow, error) {
	vs, err := tb.m.FindAll(tx, &memrel.Options{Where: wrWhere(eqs), WithDeleted: all})
	return tb.rows(vs), err
}

func (tb *wrTbl[T]) count(tx *memrel.Txn, eqs []wrEq, all bool) (int, error) {
	return tb.m.Count(tx, &memrel.Options{Where: wrWhere(eqs), WithDeleted: all})
}

func (tb *wrTbl[T]) findByPK(tx *memrel.Txn, k int64, all bool) (prRow, bool, error) {
	var opts []memrel.FindOption
	if all {
		opts = append(opts, memrel.WithDeleted())
	}
	v, ok, err := tb.m.FindByPK(tx, k, opts...)
	if !ok || err != nil {
		return nil, ok, err
	}
	return tb.toRow(v), true, nil
}

// wrOne converts a returned row, or gives nil on error.
func wrOne[T any](tb *wrTbl[T], v T, err error) (prRow, error) {
	if err != nil {
		return nil, err
	}
	return tb.toRow(v), nil
}

func (tb *wrTbl[T]) create(tx *memrel.Txn, r prRow) (prRow, error) {
	v, err := tb.m.Create(tx, tb.fromRow(r))
	return wrOne(tb, v, err)
}

func (tb *wrTbl[T]) bulkCreate(tx *memrel.Txn, rs []prRow) ([]prRow, error) {
	vs := make([]T, len(rs))
	for i, r := range rs {
		vs[i] = tb.fromRow(r)
	}
	got, err := tb.m.BulkCreate(tx, vs)
	if err != nil {
		return nil, err
	}
	return tb.rows(got), nil
}

func (tb *wrTbl[T]) upsert(tx *memrel.Txn, r prRow, fields []string, onConflict string) (prRow, bool, error) {
	o := &memrel.UpsertOptions{Fields: fields}
	if onConflict != "" {
		o.OnConflict = []string{onConflict}
	}
	v, created, err := tb.m.Upsert(tx, tb.fromRow(r), o)
	got, err := wrOne(tb, v, err)
	return got, created, err
}

func (tb *wrTbl[T]) findOrCreate(tx *memrel.Txn, eqs []wrEq, defaults prRow) (prRow, bool, error) {
	v, created, err := tb.m.FindOrCreate(tx, wrWhere(eqs), tb.fromRow(defaults))
	got, err := wrOne(tb, v, err)
	return got, created, err
}

func (tb *wrTbl[T]) increment(tx *memrel.Txn, eqs []wrEq, key *int64, by map[string]int64, down bool) (int, error) {
	amounts := make(map[string]any, len(by))
	for c, d := range by {
		amounts[c] = d
	}
	switch {
	case key != nil && down:
		return tb.m.DecrementKey(tx, *key, amounts)
	case key != nil:
		return tb.m.IncrementKey(tx, *key, amounts)
	case down:
		return tb.m.Decrement(tx, wrWhere(eqs), amounts)
	}
	return tb.m.Increment(tx, wrWhere(eqs), amounts)
}

func (tb *wrTbl[T]) updateAll(tx *memrel.Txn, eqs []wrEq, set map[string]any) (int, error) {
	return tb.m.UpdateAll(tx, wrWhere(eqs), set)
}

func (tb *wrTbl[T]) patch(tx *memrel.Txn, k int64, set map[string]any) (prRow, error) {
	v, err := tb.m.Patch(tx, k, set)
	return wrOne(tb, v, err)
}

func (tb *wrTbl[T]) update(tx *memrel.Txn, r prRow) (prRow, error) {
	v, err := tb.m.Update(tx, tb.fromRow(r))
	return wrOne(tb, v, err)
}

func (tb *wrTbl[T]) destroy(tx *memrel.Txn, k int64, force, byInstance bool) error {
	var opts []memrel.DestroyOption
	if force {
		opts = append(opts, memrel.Force())
	}
	if byInstance {
		return tb.m.Destroy(tx, tb.fromRow(prRow{"id": k}), opts...)
	}
	return tb.m.DestroyKey(tx, k, opts...)
}

func (tb *wrTbl[T]) destroyAll(tx *memrel.Txn, eqs []wrEq, force bool) (int, error) {
	var opts []memrel.DestroyOption
	if force {
		opts = append(opts, memrel.Force())
	}
	return tb.m.DestroyAll(tx, wrWhere(eqs), opts...)
}

func (tb *wrTbl[T]) restore(tx *memrel.Txn, eqs []wrEq) (int, error) {
	return tb.m.Restore(tx, wrWhere(eqs))
}

func (tb *wrTbl[T]) restoreKey(tx *memrel.Txn, k int64) (bool, error) {
	return tb.m.RestoreKey(tx, k)
}

// wrAssoc is the untyped face of a wrHM.
type wrAssoc interface {
	get(tx *memrel.Txn, src int64, all bool) ([]prRow, error)
	count(tx *memrel.Txn, src int64, all bool) (int, error)
	add(tx *memrel.Txn, src int64, keys []int64) error
	set(tx *memrel.Txn, src int64, keys []int64) error
	remove(tx *memrel.Txn, src int64, keys []int64) error
	create(tx *memrel.Txn, src int64, r prRow) (prRow, error)
	parent(tx *memrel.Txn, child int64) (prRow, bool, error)
}

// wrHM adapts a typed hasMany and its inverse. Sources and children are
// passed as instances holding only their key: only the key may matter.
type wrHM[P, C any] struct {
	h   *memrel.HasMany[P, C]
	src *wrTbl[P]
	dst *wrTbl[C]
}

func (a *wrHM[P, C]) inst(k int64) P { return a.src.fromRow(prRow{"id": k}) }

func wrAnys(keys []int64) []any {
	xs := make([]any, len(keys))
	for i, k := range keys {
		xs[i] = k
	}
	return xs
}

func (a *wrHM[P, C]) get(tx *memrel.Txn, src int64, all bool) ([]prRow, error) {
	cs, err := a.h.Get(tx, a.inst(src), &memrel.Options{WithDeleted: all})
	return a.dst.rows(cs), err
}

func (a *wrHM[P, C]) count(tx *memrel.Txn, src int64, all bool) (int, error) {
	var o *memrel.Options
	if all {
		o = &memrel.Options{WithDeleted: true}
	}
	return a.h.Count(tx, a.inst(src), o)
}

func (a *wrHM[P, C]) add(tx *memrel.Txn, src int64, keys []int64) error {
	return a.h.AddKeys(tx, a.inst(src), wrAnys(keys)...)
}

func (a *wrHM[P, C]) set(tx *memrel.Txn, src int64, keys []int64) error {
	return a.h.SetKeys(tx, a.inst(src), wrAnys(keys), nil)
}

func (a *wrHM[P, C]) remove(tx *memrel.Txn, src int64, keys []int64) error {
	return a.h.RemoveKeys(tx, a.inst(src), wrAnys(keys), nil)
}

func (a *wrHM[P, C]) create(tx *memrel.Txn, src int64, r prRow) (prRow, error) {
	v, err := a.h.Create(tx, a.inst(src), a.dst.fromRow(r))
	return wrOne(a.dst, v, err)
}

func (a *wrHM[P, C]) parent(tx *memrel.Txn, child int64) (prRow, bool, error) {
	p, ok, err := a.h.Inverse().Get(tx, a.dst.fromRow(prRow{"id": child}))
	if !ok || err != nil {
		return nil, ok, err
	}
	return a.src.toRow(p), true, nil
}

// wrSchema is a schema of the writes machine with its adapters.
type wrSchema struct {
	s       *memrel.Schema
	spec    *wrSpec
	tables  map[string]wrTable
	names   []string
	assocs  []wrAssoc // in the order of spec.rels
	authors *memrel.Model[wrAuthor]
	books   *memrel.HasMany[wrAuthor, wrBook]
}

// wrVariant is the onDelete of Author.books.
type wrVariant struct {
	name     string
	onDelete memrel.Action
	model    prAct
}

var wrVariants = []wrVariant{
	{"SetNullBooks", memrel.SetNull, prSetNull},
	{"CascadeBooks", memrel.Cascade, prCascade},
	{"RestrictBooks", memrel.Restrict, prRestrict},
}

func wrNewSchema(v wrVariant) *wrSchema {
	s := memrel.NewSchema()
	par := []memrel.ModelOption{memrel.Timestamps(), memrel.Paranoid()}
	ws := &wrSchema{s: s, tables: map[string]wrTable{}, spec: &wrSpec{byName: map[string]*wrTableSpec{}}}
	add := func(tb wrTable, ts *wrTableSpec) {
		ws.spec.tables = append(ws.spec.tables, ts)
		ws.spec.byName[ts.name] = ts
		ws.tables[ts.name] = tb
		ws.names = append(ws.names, ts.name)
	}
	// stamps carries the timestamps of a row both ways.
	stamps := func(r prRow, c, u time.Time, d *time.Time) prRow {
		r["createdAt"], r["updatedAt"], r["deletedAt"] = wrMs(c), wrMs(u), wrMsP(d)
		return r
	}

	authors := &wrTbl[wrAuthor]{m: memrel.Define[wrAuthor](s, "Author", par...),
		toRow: func(a wrAuthor) prRow {
			return stamps(prRow{"id": a.ID, "name": a.Name, "karma": a.Karma, "bio": prOfStrP(a.Bio)},
				a.CreatedAt, a.UpdatedAt, a.DeletedAt)
		},
		fromRow: func(r prRow) wrAuthor {
			return wrAuthor{ID: prI64(r["id"]), Name: prStr(r["name"]), Karma: prI64(r["karma"]), Bio: prStrP(r["bio"]),
				CreatedAt: wrTime(r["createdAt"]), UpdatedAt: wrTime(r["updatedAt"]), DeletedAt: wrTimeP(r["deletedAt"])}
		}}
	add(authors, &wrTableSpec{name: "Author", numeric: []string{"karma"}, cols: []prCol{
		{name: "name", unique: true, domain: []string{"ann", "bob", "cy", "dee", "eve"}},
		{name: "karma"},
		{name: "bio", ptr: true, nullable: true, domain: []string{"b1", "b2"}},
	}})

	books := &wrTbl[wrBook]{m: memrel.Define[wrBook](s, "Book", par...),
		toRow: func(b wrBook) prRow {
			return stamps(prRow{"id": b.ID, "authorId": prOfI64P(b.AuthorID), "title": prOfStrP(b.Title),
				"isbn": prOfStrP(b.Isbn), "pages": b.Pages}, b.CreatedAt, b.UpdatedAt, b.DeletedAt)
		},
		fromRow: func(r prRow) wrBook {
			return wrBook{ID: prI64(r["id"]), AuthorID: prI64P(r["authorId"]), Title: prStrP(r["title"]),
				Isbn: prStrP(r["isbn"]), Pages: prI64(r["pages"]),
				CreatedAt: wrTime(r["createdAt"]), UpdatedAt: wrTime(r["updatedAt"]), DeletedAt: wrTimeP(r["deletedAt"])}
		}}
	add(books, &wrTableSpec{name: "Book", numeric: []string{"pages", "authorId"}, cols: []prCol{
		{name: "authorId", ptr: true, nullable: true, ref: "Author"},
		{name: "title", ptr: true, domain: []string{"t1", "t2"}},
		{name: "isbn", ptr: true, nullable: true, unique: true, domain: []string{"i1", "i2", "i3"}},
		{name: "pages"},
	}})

	reviews := &wrTbl[wrReview]{m: memrel.Define[wrReview](s, "Review", par...),
		toRow: func(r wrReview) prRow {
			return stamps(prRow{"id": r.ID, "bookId": r.BookID, "stars": r.Stars}, r.CreatedAt, r.UpdatedAt, r.DeletedAt)
		},
		fromRow: func(r prRow) wrReview {
			return wrReview{ID: prI64(r["id"]), BookID: prI64(r["bookId"]), Stars: prI64(r["stars"]),
				CreatedAt: wrTime(r["createdAt"]), UpdatedAt: wrTime(r["updatedAt"]), DeletedAt: wrTimeP(r["deletedAt"])}
		}}
	add(reviews, &wrTableSpec{name: "Review", numeric: []string{"stars", "bookId"}, cols: []prCol{
		{name: "bookId", ref: "Book"},
		{name: "stars"},
	}})

	ab := memrel.NewHasMany(authors.m, books.m, memrel.HasManyOptions{As: "books", OnDelete: v.onDelete})
	br := memrel.NewHasMany(books.m, reviews.m, memrel.HasManyOptions{As: "reviews"})
	ws.spec.rels = []*wrRel{
		{name: "Author.books", src: "Author", dst: "Book", fk: "authorId", nullable: true, onDelete: v.model},
		{name: "Book.reviews", src: "Book", dst: "Review", fk: "bookId", onDelete: prCascade},
	}
	ws.assocs = []wrAssoc{&wrHM[wrAuthor, wrBook]{h: ab, src: authors, dst: books},
		&wrHM[wrBook, wrReview]{h: br, src: books, dst: reviews}}
	ws.authors, ws.books = authors.m, ab
	return ws
}

// WritesMachine runs the writes machine on a schema variant drawn per
// check, on stores opened by open with the machine's clock. Each step
// runs on the store and the model and must give the same result and the
// same kind of error; after each: the store holds exactly the model's
// rows, soft-deleted ones included (FindAll WithDeleted); FindAll, Count
// and FindByPK with and without WithDeleted, hasMany Get and Count with
// and without it, an include of Author.books and belongsTo Get agree with
// a scan of those rows; every foreign key references a row and no two rows
// share a unique value, soft-deleted rows counted.
func WritesMachine(t *testing.T, open ClockOpener, opts ...Option) {
	schemas := make([]*wrSchema, len(wrVariants))
	for i, v := range wrVariants {
		schemas[i] = wrNewSchema(v)
	}
	rapid.Check(t, func(rt *rapid.T) {
		i := rapid.IntRange(0, len(wrVariants)-1).Draw(rt, "variant")
		rt.Logf("variant %s", wrVariants[i].name)
		m := &wrMachine{ws: schemas[i], model: wrNewModel(schemas[i].spec), now: wrT0, maxID: map[string]int64{},
			opts: newOptions(opts)}
		m.db = open(checkTB{t, rt}, m.ws.s, func() time.Time { return m.now })
		defer m.close()
		m.committed = m.model.rows.clone()
		m.seed(rt)
		rt.Repeat(m.actions())
	})
}

// wrMachine is the writes machine: the store, the model, the clock's
// instant, and the open write transaction (nil: each step commits alone).
type wrMachine struct {
	ws        *wrSchema
	db        *memrel.Store
	model     *wrModel
	committed prState // the model's rows at the last commit
	now       time.Time
	wtx       *memrel.Txn
	maxID     map[string]int64 // the largest key any create handed out
	opts      options
}

// seed creates a few rows per table, so that steps find something.
func (m *wrMachine) seed(t *rapid.T) {
	for _, table := range m.ws.names {
		for range rapid.IntRange(0, 4).Draw(t, "seed"+table) {
			m.create(t, table, m.rowGen(table).Draw(t, "seedRow"))
		}
	}
}

// close ends the open transaction and closes the store.
func (m *wrMachine) close() {
	if m.wtx != nil {
		m.wtx.Abort()
	}
	_ = m.db.Close()
}

// tick moves the clock one second on and returns the new instant, in the
// model's milliseconds: a write step's instant.
func (m *wrMachine) tick() int64 {
	m.now = m.now.Add(time.Second)
	return m.now.UnixMilli()
}

// dump reads every table in full, soft-deleted rows included.
func (m *wrMachine) dump(tx *memrel.Txn) (prState, error) {
	s := prState{}
	for _, name := range m.ws.names {
		rows, err := m.ws.tables[name].findAll(tx, nil, true)
		if err != nil {
			return nil, err
		}
		s[name] = map[int64]prRow{}
		for i, r := range rows {
			if i > 0 && rows[i-1].id() >= r.id() {
				return nil, fmt.Errorf("%s: FindAll not in ascending key order: %d then %d", name, rows[i-1].id(), r.id())
			}
			s[name][r.id()] = r
		}
	}
	return s, nil
}

// write runs one write step at a new instant: model runs it on the
// model, op on the store, in the open transaction or in an Update of its
// own that commits even when op fails, so the call's own atomicity is
// what must keep the store clean. The kinds of error must agree, and a
// failed call must leave the transaction as the model is (unchanged).
func (m *wrMachine) write(t *rapid.T, model func(now int64) prErr, op func(tx *memrel.Txn) error) {
	t.Helper()
	m.opts.syncSequences(t, m.db, m.ws.names, m.model.seq)
	want := model(m.tick())
	var err error
	var after prState
	run := func(tx *memrel.Txn) {
		if err = op(tx); err != nil {
			var derr error
			after, derr = m.dump(tx)
			require.NoError(t, derr)
		}
	}
	if m.wtx != nil {
		run(m.wtx)
	} else {
		require.NoError(t, m.db.Update(func(tx *memrel.Txn) error { run(tx); return nil }))
		m.committed = m.model.rows.clone()
	}
	require.Equal(t, want, prKind(err), "store error: %v", err)
	if err != nil {
		prRequireState(t, m.model.rows, after, "the failed call (%v) changed the transaction", err)
	}
}

// read runs fn in the open write transaction or a new read transaction.
func (m *wrMachine) read(t *rapid.T, fn func(tx *memrel.Txn)) {
	t.Helper()
	if m.wtx != nil {
		fn(m.wtx)
		return
	}
	require.NoError(t, m.db.View(func(tx *memrel.Txn) error { fn(tx); return nil }))
}

// created records keys handed out by an auto-increment create: each must
// be larger than every key created before (ids are never reused, and a
// failed call or an updating upsert takes none).
func (m *wrMachine) created(t *rapid.T, table string, rows []prRow, explicit bool) {
	t.Helper()
	for _, r := range rows {
		if !explicit {
			require.Greater(t, r.id(), m.maxID[table], "%s: auto-increment key reused", table)
		}
		m.maxID[table] = max(m.maxID[table], r.id())
	}
}

// create is a Create step of row r.
func (m *wrMachine) create(t *rapid.T, table string, r prRow) {
	var want, got prRow
	m.write(t, func(now int64) (e prErr) { want, e = m.model.create(now, table, r); return },
		func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].create(tx, r); return })
	require.Equal(t, want, got)
	if want != nil {
		m.created(t, table, []prRow{got}, r.id() != 0)
	}
}

// Generators. Keys are mostly those of live rows, often of soft-deleted
// ones, sometimes of none: soft-deleted rows pile up as a run goes on, and
// a step given only those would mostly fail with ErrNotFound.

func (m *wrMachine) keyGen(table string) *rapid.Generator[int64] {
	ids := m.model.rows.ids(table)
	var live []int64
	for _, k := range ids {
		if wrLive(m.model.rows[table][k]) {
			live = append(live, k)
		}
	}
	hi := int(m.model.seq[table]) + 2
	return rapid.Custom(func(t *rapid.T) int64 {
		switch n := rapid.IntRange(0, 5).Draw(t, "which"); {
		case n >= 3 && len(live) > 0:
			return rapid.SampledFrom(live).Draw(t, "id")
		case n >= 1 && len(ids) > 0:
			return rapid.SampledFrom(ids).Draw(t, "id")
		}
		return int64(rapid.IntRange(1, hi).Draw(t, "id"))
	})
}

// targetsGen draws the targets of an association write: up to two keys,
// mostly of live rows, for a write that fails on any other key (a soft-
// deleted target is ErrNotFound) would rarely get to do anything.
func (m *wrMachine) targetsGen(table string) *rapid.Generator[[]int64] {
	var live []int64
	for _, k := range m.model.rows.ids(table) {
		if wrLive(m.model.rows[table][k]) {
			live = append(live, k)
		}
	}
	any := m.keyGen(table)
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) int64 {
		if len(live) > 0 && rapid.IntRange(0, 3).Draw(t, "live") > 0 {
			return rapid.SampledFrom(live).Draw(t, "target")
		}
		return any.Draw(t, "target")
	}), 0, 2)
}

// valueGen draws a non-NULL value of column c.
func (m *wrMachine) valueGen(c prCol) *rapid.Generator[any] {
	return rapid.Custom(func(t *rapid.T) any {
		switch {
		case c.ref != "":
			return m.keyGen(c.ref).Draw(t, c.name)
		case c.domain != nil:
			return rapid.SampledFrom(c.domain).Draw(t, c.name)
		}
		return int64(rapid.IntRange(-1, 2).Draw(t, c.name))
	})
}

// rowGen draws a row to create (id 0): pointer columns NULL now and then
// (a NOT NULL one too: a ValidationError), sometimes an explicit createdAt
// (kept) or updatedAt (overwritten); never a deletedAt.
func (m *wrMachine) rowGen(table string) *rapid.Generator[prRow] {
	ts := m.model.spec.byName[table]
	return rapid.Custom(func(t *rapid.T) prRow {
		r := prRow{"id": int64(0), "createdAt": nil, "updatedAt": nil, "deletedAt": nil}
		for _, c := range ts.cols {
			if c.ptr && rapid.IntRange(0, 5).Draw(t, c.name+"Null") == 0 {
				r[c.name] = nil
				continue
			}
			r[c.name] = m.valueGen(c).Draw(t, c.name)
		}
		switch rapid.IntRange(0, 7).Draw(t, "stamps") {
		case 0:
			r["createdAt"] = wrPast
		case 1:
			r["updatedAt"] = wrPast
		}
		return r
	})
}

// eqsGen draws a where of up to max equalities on distinct columns.
func (m *wrMachine) eqsGen(table string, lo, hi int) *rapid.Generator[[]wrEq] {
	cols := m.model.spec.byName[table].cols
	return rapid.Custom(func(t *rapid.T) []wrEq {
		cs := rapid.SliceOfNDistinct(rapid.SampledFrom(cols), lo, hi, func(c prCol) string { return c.name }).Draw(t, "whereCols")
		eqs := make([]wrEq, len(cs))
		for i, c := range cs {
			eqs[i] = wrEq{c.name, m.valueGen(c).Draw(t, "whereValue")}
		}
		return eqs
	})
}

// setGen draws the values of an UpdateAll or Patch: one or two columns,
// each NULL now and then (for a NOT NULL column a ValidationError, also
// for a non-pointer field).
func (m *wrMachine) setGen(table string) *rapid.Generator[map[string]any] {
	cols := m.model.spec.byName[table].cols
	return rapid.Custom(func(t *rapid.T) map[string]any {
		cs := rapid.SliceOfNDistinct(rapid.SampledFrom(cols), 1, 2, func(c prCol) string { return c.name }).Draw(t, "setCols")
		set := map[string]any{}
		for _, c := range cs {
			if rapid.IntRange(0, 5).Draw(t, "setNull") == 0 {
				set[c.name] = nil
			} else {
				set[c.name] = m.valueGen(c).Draw(t, "setValue")
			}
		}
		return set
	})
}

func (m *wrMachine) drawTable(t *rapid.T) string {
	return rapid.SampledFrom(m.ws.names).Draw(t, "table")
}

// drawAssoc draws one of the hasMany associations.
func (m *wrMachine) drawAssoc(t *rapid.T) (wrAssoc, *wrRel) {
	i := rapid.IntRange(0, len(m.ws.assocs)-1).Draw(t, "assoc")
	return m.ws.assocs[i], m.ws.spec.rels[i]
}

// actions returns the machine's steps, named after the operations, and ""
// for the invariant check.
func (m *wrMachine) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"": m.check,

		"Create": func(t *rapid.T) {
			table := m.drawTable(t)
			r := m.rowGen(table).Draw(t, "row")
			if rapid.IntRange(0, 5).Draw(t, "explicitKey") == 0 {
				r["id"] = m.keyGen(table).Draw(t, "key")
			}
			m.create(t, table, r)
		},
		"BulkCreate": func(t *rapid.T) {
			table := m.drawTable(t)
			rs := rapid.SliceOfN(m.rowGen(table), 0, 4).Draw(t, "rows")
			var want, got []prRow
			m.write(t, func(now int64) (e prErr) { want, e = m.model.bulkCreate(now, table, rs); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].bulkCreate(tx, rs); return })
			require.Equal(t, want, got, "rows created, in input order")
			m.created(t, table, got, false)
		},
		"Upsert": func(t *rapid.T) {
			table := m.drawTable(t)
			ts := m.model.spec.byName[table]
			r := m.rowGen(table).Draw(t, "row")
			if rapid.Bool().Draw(t, "withKey") {
				r["id"] = m.keyGen(table).Draw(t, "key")
			}
			// Fields name the conflict key too: without it, a limited
			// upsert has no conflict key to choose.
			var fields []string
			onConflict := ""
			if rapid.IntRange(0, 2).Draw(t, "limited") == 0 {
				fields = []string{rapid.SampledFrom(ts.numeric).Draw(t, "field")}
				onConflict = "id"
				for _, c := range ts.cols {
					if c.unique && rapid.Bool().Draw(t, "onUnique") {
						onConflict = c.name
					}
				}
			}
			var want, got prRow
			var wantNew, gotNew bool
			m.write(t, func(now int64) (e prErr) {
				want, wantNew, e = m.model.upsert(now, table, r, fields, onConflict)
				return
			}, func(tx *memrel.Txn) (err error) {
				got, gotNew, err = m.ws.tables[table].upsert(tx, r, fields, onConflict)
				return
			})
			require.Equal(t, want, got)
			require.Equal(t, wantNew, gotNew, "created")
			if wantNew {
				m.created(t, table, []prRow{got}, r.id() != 0)
			}
		},
		"FindOrCreate": func(t *rapid.T) {
			table := m.drawTable(t)
			eqs := m.eqsGen(table, 1, 2).Draw(t, "where")
			d := m.rowGen(table).Draw(t, "defaults")
			var want, got prRow
			var wantNew, gotNew bool
			m.write(t, func(now int64) (e prErr) { want, wantNew, e = m.model.findOrCreate(now, table, eqs, d); return },
				func(tx *memrel.Txn) (err error) {
					got, gotNew, err = m.ws.tables[table].findOrCreate(tx, eqs, d)
					return
				})
			require.Equal(t, want, got)
			require.Equal(t, wantNew, gotNew, "created")
			if wantNew {
				m.created(t, table, []prRow{got}, false)
			}
		},
		"Increment": func(t *rapid.T) {
			table := m.drawTable(t)
			ts := m.model.spec.byName[table]
			var key *int64
			var eqs []wrEq
			if rapid.Bool().Draw(t, "byKey") {
				k := m.keyGen(table).Draw(t, "key")
				key = &k
			} else {
				eqs = m.eqsGen(table, 0, 1).Draw(t, "where")
			}
			cols := rapid.SliceOfNDistinct(rapid.SampledFrom(ts.numeric), 1, 2, rapid.ID[string]).Draw(t, "fields")
			by := map[string]int64{}
			for _, c := range cols {
				by[c] = int64(rapid.IntRange(-2, 2).Draw(t, "by"))
			}
			down := rapid.Bool().Draw(t, "decrement")
			sign := int64(1)
			if down {
				sign = -1
			}
			var want, got int
			m.write(t, func(now int64) (e prErr) { want, e = m.model.increment(now, table, eqs, key, by, sign); return },
				func(tx *memrel.Txn) (err error) {
					got, err = m.ws.tables[table].increment(tx, eqs, key, by, down)
					return
				})
			require.Equal(t, want, got, "rows changed")
		},
		"UpdateAll": func(t *rapid.T) {
			table := m.drawTable(t)
			eqs := m.eqsGen(table, 0, 1).Draw(t, "where")
			set := m.setGen(table).Draw(t, "set")
			var want, got int
			m.write(t, func(now int64) (e prErr) { want, e = m.model.updateAll(now, table, eqs, set); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].updateAll(tx, eqs, set); return })
			require.Equal(t, want, got, "rows matched")
		},
		"Patch": func(t *rapid.T) {
			table := m.drawTable(t)
			k := m.keyGen(table).Draw(t, "key")
			set := m.setGen(table).Draw(t, "set")
			var want, got prRow
			m.write(t, func(now int64) (e prErr) { want, e = m.model.patch(now, table, k, set); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].patch(tx, k, set); return })
			require.Equal(t, want, got)
		},
		"Update": func(t *rapid.T) {
			table := m.drawTable(t)
			r := m.rowGen(table).Draw(t, "row")
			r["id"] = m.keyGen(table).Draw(t, "key")
			var want, got prRow
			m.write(t, func(now int64) (e prErr) { want, e = m.model.update(now, table, r); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].update(tx, r); return })
			require.Equal(t, want, got)
		},
		"Destroy": func(t *rapid.T) {
			table := m.drawTable(t)
			k := m.keyGen(table).Draw(t, "key")
			force := rapid.IntRange(0, 2).Draw(t, "force") == 0
			byInstance := rapid.Bool().Draw(t, "byInstance")
			m.write(t, func(now int64) prErr { return m.model.destroy(now, table, k, force) },
				func(tx *memrel.Txn) error { return m.ws.tables[table].destroy(tx, k, force, byInstance) })
		},
		"DestroyAll": func(t *rapid.T) {
			table := m.drawTable(t)
			eqs := m.eqsGen(table, 1, 1).Draw(t, "where")
			force := rapid.IntRange(0, 2).Draw(t, "force") == 0
			var want, got int
			m.write(t, func(now int64) (e prErr) { want, e = m.model.destroyAll(now, table, eqs, force); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].destroyAll(tx, eqs, force); return })
			require.Equal(t, want, got, "rows matched")
		},
		"Restore": func(t *rapid.T) {
			table := m.drawTable(t)
			eqs := m.eqsGen(table, 0, 1).Draw(t, "where")
			var want, got int
			m.write(t, func(now int64) (e prErr) { want, e = m.model.restore(now, table, eqs); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].restore(tx, eqs); return })
			require.Equal(t, want, got, "rows restored")
		},
		"RestoreKey": func(t *rapid.T) {
			table := m.drawTable(t)
			k := m.keyGen(table).Draw(t, "key")
			var want, got bool
			m.write(t, func(now int64) (e prErr) { want, e = m.model.restoreKey(now, table, k); return },
				func(tx *memrel.Txn) (err error) { got, err = m.ws.tables[table].restoreKey(tx, k); return })
			require.Equal(t, want, got, "was soft-deleted")
		},
		"FindAllWhere": func(t *rapid.T) {
			table := m.drawTable(t)
			eqs := m.eqsGen(table, 1, 2).Draw(t, "where")
			all := rapid.Bool().Draw(t, "withDeleted")
			want := m.model.findAll(table, eqs, all)
			m.read(t, func(tx *memrel.Txn) {
				got, err := m.ws.tables[table].findAll(tx, eqs, all)
				require.NoError(t, err)
				require.Equal(t, fmt.Sprint(want), fmt.Sprint(got))
				n, err := m.ws.tables[table].count(tx, eqs, all)
				require.NoError(t, err)
				require.Len(t, want, n, "Count")
			})
		},
		"HasManyAdd": func(t *rapid.T) {
			a, rel := m.drawAssoc(t)
			src, keys := m.keyGen(rel.src).Draw(t, "src"), m.targetsGen(rel.dst).Draw(t, "targets")
			m.write(t, func(now int64) prErr { return m.model.add(now, rel, src, keys) },
				func(tx *memrel.Txn) error { return a.add(tx, src, keys) })
		},
		"HasManySet": func(t *rapid.T) {
			a, rel := m.drawAssoc(t)
			src, keys := m.keyGen(rel.src).Draw(t, "src"), m.targetsGen(rel.dst).Draw(t, "targets")
			m.write(t, func(now int64) prErr { return m.model.set(now, rel, src, keys) },
				func(tx *memrel.Txn) error { return a.set(tx, src, keys) })
		},
		"HasManyRemove": func(t *rapid.T) {
			a, rel := m.drawAssoc(t)
			src, keys := m.keyGen(rel.src).Draw(t, "src"), m.targetsGen(rel.dst).Draw(t, "targets")
			m.write(t, func(now int64) prErr { return m.model.remove(now, rel, src, keys) },
				func(tx *memrel.Txn) error { return a.remove(tx, src, keys) })
		},
		"HasManyCreate": func(t *rapid.T) {
			a, rel := m.drawAssoc(t)
			src := m.keyGen(rel.src).Draw(t, "src")
			r := m.rowGen(rel.dst).Draw(t, "row")
			var want, got prRow
			m.write(t, func(now int64) (e prErr) { want, e = m.model.createChild(now, rel, src, r); return },
				func(tx *memrel.Txn) (err error) { got, err = a.create(tx, src, r); return })
			require.Equal(t, want, got)
			if want != nil {
				m.created(t, rel.dst, []prRow{got}, false)
			}
		},
		"BeginTxn": func(t *rapid.T) {
			if m.wtx != nil {
				t.Skip("a write transaction is open")
			}
			m.wtx = m.db.Begin(true)
		},
		"CommitTxn": func(t *rapid.T) {
			if m.wtx == nil {
				t.Skip("no write transaction")
			}
			require.NoError(t, m.wtx.Commit())
			m.wtx = nil
			m.committed = m.model.rows.clone()
		},
		"AbortTxn": func(t *rapid.T) {
			if m.wtx == nil {
				t.Skip("no write transaction")
			}
			m.wtx.Abort()
			m.wtx = nil
			// The rows and their stamps go back; the ids taken stay taken.
			m.model.rows = m.committed.clone()
		},
	}
}

// check is the invariant after every step: the store holds the model's
// rows, soft-deleted ones included, and every read path agrees with a
// scan of them (see WritesMachine).
func (m *wrMachine) check(t *rapid.T) {
	m.read(t, func(tx *memrel.Txn) {
		all, err := m.dump(tx)
		require.NoError(t, err)
		prRequireState(t, m.model.rows, all, "the store differs from the model")
		require.NoError(t, m.checkView(tx, all))
	})
}

// checkView checks the read paths against all, the full contents read
// through tx.
func (m *wrMachine) checkView(tx *memrel.Txn, all prState) error {
	live := func(rows []prRow) []prRow {
		var out []prRow
		for _, r := range rows {
			if wrLive(r) {
				out = append(out, r)
			}
		}
		return out
	}
	scan := func(table string, eqs []wrEq) []prRow {
		var out []prRow
		for _, k := range all.ids(table) {
			if wrMatch(all[table][k], eqs) {
				out = append(out, all[table][k])
			}
		}
		return out
	}
	for _, name := range m.ws.names {
		tb := m.ws.tables[name]
		rows := scan(name, nil)
		got, err := tb.findAll(tx, nil, false)
		if err != nil {
			return err
		}
		if want := live(rows); !prRowsEqual(got, want) {
			return fmt.Errorf("%s: FindAll = %v, FindAll WithDeleted filtered by deletedAt IS NULL = %v", name, got, want)
		}
		for _, wd := range []bool{false, true} {
			want := len(rows)
			if !wd {
				want = len(live(rows))
			}
			if n, err := tb.count(tx, nil, wd); err != nil || n != want {
				return fmt.Errorf("%s: Count(WithDeleted %v) = %d, %v; a scan finds %d", name, wd, n, err, want)
			}
		}
		missing := int64(1)
		if len(rows) > 0 {
			missing = rows[len(rows)-1].id() + 1
		}
		for _, k := range append(all.ids(name), missing) {
			r, ok := all[name][k]
			for _, wd := range []bool{false, true} {
				got, found, err := tb.findByPK(tx, k, wd)
				want := ok && (wd || wrLive(r))
				if err != nil || found != want || want && !prRowEqual(got, r) {
					return fmt.Errorf("%s: FindByPK(%d, WithDeleted %v) = %v, %v, %v; want %v, %v", name, k, wd, got, found, err, r, want)
				}
			}
		}
		// Unique values stay taken by soft-deleted rows.
		for _, c := range m.model.spec.byName[name].cols {
			seen := map[any]int64{}
			for _, r := range rows {
				if v := r[c.name]; c.unique && v != nil {
					if other, dup := seen[v]; dup {
						return fmt.Errorf("%s: rows %d and %d share %s = %v", name, other, r.id(), c.name, v)
					}
					seen[v] = r.id()
				}
			}
		}
	}
	for i, rel := range m.ws.spec.rels {
		a := m.ws.assocs[i]
		srcs := all.ids(rel.src)
		for _, k := range all.ids(rel.dst) {
			if fk := all[rel.dst][k][rel.fk]; fk != nil {
				if _, ok := all[rel.src][fk.(int64)]; !ok {
					return fmt.Errorf("%s: %s %d has %s = %d, which references no row", rel.name, rel.dst, k, rel.fk, fk)
				}
			}
		}
		missing := int64(1)
		if len(srcs) > 0 {
			missing = srcs[len(srcs)-1] + 1
		}
		for _, p := range srcs {
			kids := scan(rel.dst, []wrEq{{rel.fk, p}})
			for _, wd := range []bool{false, true} {
				want := kids
				if !wd {
					want = live(kids)
				}
				got, err := a.get(tx, p, wd)
				if err != nil || !prRowsEqual(got, want) {
					return fmt.Errorf("%s: Get(%d, WithDeleted %v) = %v, %v; a scan finds %v", rel.name, p, wd, got, err, want)
				}
				if n, err := a.count(tx, p, wd); err != nil || n != len(want) {
					return fmt.Errorf("%s: Count(%d, WithDeleted %v) = %d, %v; a scan finds %d", rel.name, p, wd, n, err, len(want))
				}
			}
		}
		if _, err := a.get(tx, missing, false); !errors.Is(err, memrel.ErrNotFound) {
			return fmt.Errorf("%s: Get of missing source %d: %v, want ErrNotFound", rel.name, missing, err)
		}
		for _, k := range all.ids(rel.dst) {
			var want prRow
			if fk := all[rel.dst][k][rel.fk]; fk != nil && wrLive(all[rel.src][fk.(int64)]) {
				want = all[rel.src][fk.(int64)]
			}
			got, ok, err := a.parent(tx, k)
			if err != nil || ok != (want != nil) || !prRowEqual(got, want) {
				return fmt.Errorf("%s: belongsTo Get(%d) = %v, %v, %v; want %v", rel.name, k, got, ok, err, want)
			}
		}
	}
	return m.checkInclude(tx, all)
}

// checkInclude reads the authors with their books, as an include: each
// level decides for its own rows, so a top-level WithDeleted does not
// bring soft-deleted books, and the include's WithDeleted does.
func (m *wrMachine) checkInclude(tx *memrel.Txn, all prState) error {
	for _, top := range []bool{false, true} {
		for _, inc := range []bool{false, true} {
			as, err := m.ws.authors.FindAll(tx, &memrel.Options{WithDeleted: top,
				Include: []memrel.Include{{Assoc: m.ws.books, WithDeleted: inc}}})
			if err != nil {
				return err
			}
			var ids []int64
			for _, a := range as {
				ids = append(ids, a.ID)
				var want []prRow
				for _, k := range all.ids("Book") {
					if b := all["Book"][k]; b["authorId"] == a.ID && (inc || wrLive(b)) {
						want = append(want, b)
					}
				}
				got := make([]prRow, len(a.Books))
				for i, b := range a.Books {
					got[i] = m.ws.tables["Book"].(*wrTbl[wrBook]).toRow(b)
				}
				if !prRowsEqual(got, want) {
					return fmt.Errorf("author %d: include books (WithDeleted %v/%v) = %v; a scan finds %v", a.ID, top, inc, got, want)
				}
			}
			var wantIDs []int64
			for _, k := range all.ids("Author") {
				if top || wrLive(all["Author"][k]) {
					wantIDs = append(wantIDs, k)
				}
			}
			if !slices.Equal(ids, wantIDs) {
				return fmt.Errorf("authors with books (WithDeleted %v/%v): %v, want %v", top, inc, ids, wantIDs)
			}
		}
	}
	return nil
}
