package memrel_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The bad-input catalogue: every public entry point, each kind of bad
// input. Every case must fail with the documented typed error, with a
// message naming the problem, without panicking, and leave a full dump
// (Save) of every store involved byte-for-byte as it was.

// The catalogue's schema is fixture.Strict.

// rlEnv is a store with the catalogue's fixtures, and a second store of an
// identical but separate schema, for ErrWrongStore.
type rlEnv struct {
	*fixture.StrictModels
	db    *memrel.Store
	other *memrel.Store
	// nComments is the number of comments of post 3 (ids 3..nComments+2).
	nComments int
}

func rlOpen(t *testing.T, m, other *fixture.StrictModels) *rlEnv {
	t.Helper()
	db, err := m.Schema.Open()
	require.NoError(t, err)
	odb, err := other.Schema.Open()
	require.NoError(t, err)
	e := &rlEnv{StrictModels: m, db: db, other: odb, nComments: 100}
	for _, st := range []struct {
		db *memrel.Store
		m  *fixture.StrictModels
	}{{db, m}, {odb, other}} {
		require.NoError(t, st.db.Update(func(tx *memrel.Txn) error { return st.m.Seed(tx, e.nComments) }))
	}
	return e
}

// rlMode is the transaction a case runs its operation in.
type rlMode int

const (
	rlWrite     rlMode = iota // a write transaction, committed after the op
	rlRead                    // a read transaction
	rlCommitted               // a write transaction committed before the op
	rlAborted                 // a write transaction aborted before the op
	rlDoneRead                // a read transaction committed before the op
	rlForeign                 // a write transaction of a store of another schema
	rlNilTx                   // a nil *Txn
	rlZeroTx                  // a zero Txn
	rlNoStoreTx               // a write transaction begun on a nil Store
)

func (m rlMode) String() string {
	return [...]string{"write", "read", "committed", "aborted", "done-read", "foreign", "nil-tx", "zero-tx", "nil-store-tx"}[m]
}

type rlCase struct {
	name string
	mode rlMode
	op   func(e *rlEnv, tx *memrel.Txn) error
	is   error // errors.Is target, or nil
	as   any   // errors.As target (pointer to a typed error pointer), or nil
	msg  []string
}

// rlDump is db's snapshot: equal bytes, equal rows and sequences.
func rlDump(t *testing.T, db *memrel.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}

// rlRun runs one case in a fresh store: the op must fail as documented,
// without panicking, and change nothing in either store.
func rlRun(t *testing.T, m, other *fixture.StrictModels, tc rlCase) error {
	t.Helper()
	e := rlOpen(t, m, other)
	before, obefore := memreltest.MarkState(t, e.db), memreltest.MarkState(t, e.other)
	var err error
	call := func(tx *memrel.Txn) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("rl: memrel panicked: %v", p)
				t.Errorf("memrel panicked on bad input: %v", p)
			}
		}()
		return tc.op(e, tx)
	}
	switch tc.mode {
	case rlWrite:
		require.NoError(t, e.db.Update(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case rlRead:
		require.NoError(t, e.db.View(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case rlCommitted:
		tx := e.db.Begin(true)
		require.NoError(t, tx.Commit())
		err = call(tx)
	case rlAborted:
		tx := e.db.Begin(true)
		tx.Abort()
		err = call(tx)
	case rlDoneRead:
		tx := e.db.Begin(false)
		require.NoError(t, tx.Commit())
		err = call(tx)
	case rlForeign:
		require.NoError(t, e.other.Update(func(tx *memrel.Txn) error { err = call(tx); return nil }))
	case rlNilTx:
		err = call(nil)
	case rlZeroTx:
		err = call(new(memrel.Txn))
	case rlNoStoreTx:
		var nilStore *memrel.Store
		err = call(nilStore.Begin(true))
	}
	require.Error(t, err)
	if tc.is != nil {
		require.ErrorIs(t, err, tc.is)
	}
	if tc.as != nil {
		require.ErrorAs(t, err, tc.as)
	}
	for _, s := range tc.msg {
		require.Contains(t, err.Error(), s, "the message should name %q", s)
	}
	require.True(t, before.AssertUnchanged(t), "the store changed")
	require.True(t, obefore.AssertUnchanged(t), "the other store changed")
	// The store is still usable: a write commits.
	require.NoError(t, e.db.Update(func(tx *memrel.Txn) error {
		_, err := e.Post.Create(tx, fixture.StrictPost{Slug: "after", Title: "after"})
		return err
	}))
	return err
}

// rlOp is one call of a public entry point, reused for every misuse of
// the transaction.
type rlOp struct {
	name string
	op   func(e *rlEnv, tx *memrel.Txn) error
}

func rlErr[T any](_ T, err error) error { return err }

func rlErr3[T any](_ T, _ bool, err error) error { return err }

// rlWriteOps calls every write entry point with otherwise valid input.
func rlWriteOps() []rlOp {
	p1 := fixture.StrictPost{ID: 1}
	c1 := fixture.StrictComment{ID: 1}
	return []rlOp{
		{"Model.Create", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{Slug: "z", Title: "Z"}))
		}},
		{"Model.Update", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Update(tx, fixture.StrictPost{ID: 1, Slug: "a", Title: "new"}))
		}},
		{"Model.UpdateKey", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateKey(tx, int64(2), fixture.StrictPost{ID: 20, Slug: "b", Title: "B"}))
		}},
		{"Model.Destroy", func(e *rlEnv, tx *memrel.Txn) error { return e.Post.Destroy(tx, p1) }},
		{"Model.DestroyKey", func(e *rlEnv, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 2) }},
		{"Model.UpdateAll", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Eq("id", 1), map[string]any{"title": "x"}))
		}},
		{"Model.DestroyAll", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.DestroyAll(tx, query.Eq("id", 2)))
		}},
		{"HasMany.Add", func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.Add(tx, fixture.StrictPost{ID: 2}, c1) }},
		{"HasMany.AddKeys", func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, &c1) }},
		{"HasMany.Set", func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.Set(tx, p1, nil, nil) }},
		{"HasMany.SetKeys", func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.SetKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Remove", func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, p1, []fixture.StrictComment{c1}, nil)
		}},
		{"HasMany.RemoveKeys", func(e *rlEnv, tx *memrel.Txn) error {
			return e.Books.RemoveKeys(tx, fixture.StrictAuthor{ID: 1}, []any{1}, nil)
		}},
		{"HasMany.Create", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Create(tx, p1, fixture.StrictComment{Body: fixture.Str("x")}))
		}},
		{"BelongsTo.Set", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Set(tx, c1, fixture.StrictPost{ID: 2}))
		}},
		{"BelongsTo.SetKey", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.BookAuthor.SetKey(tx, fixture.StrictBook{ID: 1}, nil))
		}},
		{"BelongsTo.Create", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Create(tx, c1, fixture.StrictPost{Slug: "new", Title: "N"}))
		}},
		{"Model.BulkCreate", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.BulkCreate(tx, []fixture.StrictPost{{Slug: "z", Title: "Z"}}))
		}},
		{"Model.Upsert", func(e *rlEnv, tx *memrel.Txn) error {
			_, _, err := e.Post.Upsert(tx, fixture.StrictPost{Slug: "a", Title: "A2"}, nil)
			return err
		}},
		{"Model.FindOrCreate", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindOrCreate(tx, query.Eq("slug", "zz"), fixture.StrictPost{Title: "Z"}))
		}},
		{"Model.Increment", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Increment(tx, query.Cond{}, map[string]any{"rank": 1}))
		}},
		{"Model.IncrementKey", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.IncrementKey(tx, 1, map[string]any{"rank": 1}))
		}},
		{"Model.Patch", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Patch(tx, 1, map[string]any{"title": "p"}))
		}},
		{"Model.Create nested", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N",
				Comments: []fixture.StrictComment{{Body: fixture.Str("c")}}}, memrel.Include{Assoc: e.Comments}))
		}},
	}
}

// rlReadOps calls every read entry point with valid input.
func rlReadOps() []rlOp {
	p1 := fixture.StrictPost{ID: 1}
	c1 := fixture.StrictComment{ID: 1}
	return []rlOp{
		{"Model.FindByPK", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(e.Post.FindByPK(tx, 1)) }},
		{"Model.Get", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Post.Get(tx, 1)) }},
		{"Model.CountGroups", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Post.CountGroups(tx, nil, "rank")) }},
		{"Sum", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(memrel.Sum[int64](tx, e.Post, "rank", nil)) }},
		{"Avg", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(memrel.Avg(tx, e.Post, "rank", nil)) }},
		{"Min", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(memrel.Min[string](tx, e.Post, "slug", nil)) }},
		{"Max", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(memrel.Max[string](tx, e.Post, "slug", nil)) }},
		{"HasMany.CountMany", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.CountMany(tx, []fixture.StrictPost{p1}, nil))
		}},
		{"Model.FindOne", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(e.Post.FindOne(tx, nil)) }},
		{"Model.FindAll", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}}}))
		}},
		{"Model.Count", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Post.Count(tx, nil)) }},
		{"HasMany.Get", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Get(tx, p1, nil)) }},
		{"HasMany.GetMany", func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.GetMany(tx, []fixture.StrictPost{p1}, nil))
		}},
		{"HasMany.Count", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Count(tx, p1, nil)) }},
		{"HasMany.Has", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Has(tx, p1, c1)) }},
		{"HasMany.HasKeys", func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, 1)) }},
		{"BelongsTo.Get", func(e *rlEnv, tx *memrel.Txn) error { return rlErr3(e.CommentPost.Get(tx, c1)) }},
	}
}

// rlTxnCases: every entry point in every transaction it must refuse.
func rlTxnCases() []rlCase {
	var cases []rlCase
	readOnly := []string{"read-only"}
	done := []string{"committed or aborted"}
	wrong := []string{"does not belong to this store"}
	nilTx := []string{"nil or zero transaction"}
	for _, w := range rlWriteOps() {
		cases = append(cases,
			rlCase{name: w.name, mode: rlRead, op: w.op, is: memrel.ErrReadOnly, msg: readOnly},
			rlCase{name: w.name, mode: rlCommitted, op: w.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: w.name, mode: rlAborted, op: w.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: w.name, mode: rlDoneRead, op: w.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: w.name, mode: rlForeign, op: w.op, is: memrel.ErrWrongStore, msg: wrong},
			rlCase{name: w.name, mode: rlNilTx, op: w.op, is: memrel.ErrTxDone, msg: nilTx},
			rlCase{name: w.name, mode: rlZeroTx, op: w.op, is: memrel.ErrTxDone, msg: nilTx},
			rlCase{name: w.name, mode: rlNoStoreTx, op: w.op, is: memrel.ErrTxDone, msg: nilTx},
		)
	}
	for _, r := range rlReadOps() {
		cases = append(cases,
			rlCase{name: r.name, mode: rlCommitted, op: r.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: r.name, mode: rlAborted, op: r.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: r.name, mode: rlDoneRead, op: r.op, is: memrel.ErrTxDone, msg: done},
			rlCase{name: r.name, mode: rlForeign, op: r.op, is: memrel.ErrWrongStore, msg: wrong},
			rlCase{name: r.name, mode: rlNilTx, op: r.op, is: memrel.ErrTxDone, msg: nilTx},
			rlCase{name: r.name, mode: rlZeroTx, op: r.op, is: memrel.ErrTxDone, msg: nilTx},
			rlCase{name: r.name, mode: rlNoStoreTx, op: r.op, is: memrel.ErrTxDone, msg: nilTx},
		)
	}
	return cases
}

// rlHandleOps calls every method of a Model, a HasMany and a BelongsTo
// that takes a transaction: with nil or zero handles each must fail with
// ErrWrongStore. A new method belongs here, and in rlHandleValues when it
// returns no error.
func rlHandleOps(pm *memrel.Model[fixture.StrictPost], pc *memrel.HasMany[fixture.StrictPost, fixture.StrictComment], cp *memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]) []rlOp {
	p1, c1 := fixture.StrictPost{ID: 1}, fixture.StrictComment{ID: 1}
	return []rlOp{
		{"Model.Create", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pm.Create(tx, fixture.StrictPost{Slug: "z"})) }},
		{"Model.FindByPK", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr3(pm.FindByPK(tx, 1)) }},
		{"Model.FindAll", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pm.FindAll(tx, nil)) }},
		{"Model.FindOne", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr3(pm.FindOne(tx, nil)) }},
		{"Model.Count", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pm.Count(tx, nil)) }},
		{"Model.Update", func(_ *rlEnv, tx *memrel.Txn) error {
			return rlErr(pm.Update(tx, fixture.StrictPost{ID: 1, Slug: "a"}))
		}},
		{"Model.UpdateKey", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pm.UpdateKey(tx, 1, fixture.StrictPost{ID: 1})) }},
		{"Model.Destroy", func(_ *rlEnv, tx *memrel.Txn) error { return pm.Destroy(tx, p1) }},
		{"Model.DestroyKey", func(_ *rlEnv, tx *memrel.Txn) error { return pm.DestroyKey(tx, 1) }},
		{"Model.UpdateAll", func(_ *rlEnv, tx *memrel.Txn) error {
			return rlErr(pm.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x"}))
		}},
		{"Model.DestroyAll", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pm.DestroyAll(tx, query.Cond{})) }},
		{"HasMany.Get", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.Get(tx, p1, nil)) }},
		{"HasMany.GetMany", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.GetMany(tx, []fixture.StrictPost{p1}, nil)) }},
		{"HasMany.Count", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.Count(tx, p1, nil)) }},
		{"HasMany.Has", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.Has(tx, p1, c1)) }},
		{"HasMany.Has many", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.Has(tx, p1, c1, c1)) }},
		{"HasMany.HasKeys", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(pc.HasKeys(tx, p1, 1)) }},
		{"HasMany.Add", func(_ *rlEnv, tx *memrel.Txn) error { return pc.Add(tx, p1, c1) }},
		{"HasMany.AddKeys", func(_ *rlEnv, tx *memrel.Txn) error { return pc.AddKeys(tx, p1, 1) }},
		{"HasMany.Set", func(_ *rlEnv, tx *memrel.Txn) error { return pc.Set(tx, p1, nil, nil) }},
		{"HasMany.SetKeys", func(_ *rlEnv, tx *memrel.Txn) error { return pc.SetKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Remove", func(_ *rlEnv, tx *memrel.Txn) error { return pc.Remove(tx, p1, []fixture.StrictComment{c1}, nil) }},
		{"HasMany.RemoveKeys", func(_ *rlEnv, tx *memrel.Txn) error { return pc.RemoveKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Create", func(_ *rlEnv, tx *memrel.Txn) error {
			return rlErr(pc.Create(tx, p1, fixture.StrictComment{Body: fixture.Str("x")}))
		}},
		{"BelongsTo.Get", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr3(cp.Get(tx, c1)) }},
		{"BelongsTo.Set", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(cp.Set(tx, c1, p1)) }},
		{"BelongsTo.SetKey", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(cp.SetKey(tx, c1, 1)) }},
		{"BelongsTo.Create", func(_ *rlEnv, tx *memrel.Txn) error { return rlErr(cp.Create(tx, c1, fixture.StrictPost{Slug: "n"})) }},
	}
}

// rlStoreOps calls every method of a Store and a Schema that returns an
// error: on a nil or zero Store, or a nil Schema, each fails with
// ErrWrongStore without touching anything.
func rlStoreOps(db *memrel.Store, sch *memrel.Schema) []rlOp {
	ran := func(*memrel.Txn) error { return errors.New("rl: the callback ran") }
	return []rlOp{
		{"Store.Update", func(*rlEnv, *memrel.Txn) error { return db.Update(ran) }},
		{"Store.View", func(*rlEnv, *memrel.Txn) error { return db.View(ran) }},
		{"Store.Save", func(*rlEnv, *memrel.Txn) error { return db.Save(io.Discard) }},
		{"Store.SaveFile", func(*rlEnv, *memrel.Txn) error {
			return db.SaveFile(filepath.Join(os.TempDir(), "memrel-rl-nil-store.snap"))
		}},
		{"Schema.Open", func(*rlEnv, *memrel.Txn) error { return rlErr(sch.Open()) }},
		{"Schema.Load", func(*rlEnv, *memrel.Txn) error { return rlErr(sch.Load(strings.NewReader("junk"))) }},
		{"Schema.LoadFile", func(*rlEnv, *memrel.Txn) error { return rlErr(sch.LoadFile(os.DevNull)) }},
	}
}

// rlHandleCases: every method of nil and zero handles, in a live write
// transaction (store unchanged).
func rlHandleCases() []rlCase {
	var cases []rlCase
	wrong := []string{"does not belong to this store"}
	handles := []struct {
		kind string
		ops  []rlOp
	}{
		{"nil", rlHandleOps(nil, nil, nil)},
		{"zero", rlHandleOps(new(memrel.Model[fixture.StrictPost]), new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]), new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]))},
		{"nil store", rlStoreOps(nil, nil)},
		{"zero store", rlStoreOps(new(memrel.Store), nil)},
	}
	for _, h := range handles {
		for _, o := range h.ops {
			cases = append(cases, rlCase{name: h.kind + " " + o.name, mode: rlWrite, op: o.op, is: memrel.ErrWrongStore, msg: wrong})
		}
	}
	return cases
}

func rlAs[T any]() any { return new(T) }

// rlInputCases: bad values given to each entry point in a live write
// transaction.
func rlInputCases(t *testing.T) []rlCase {
	p1, p3 := fixture.StrictPost{ID: 1}, fixture.StrictPost{ID: 3}
	c1 := fixture.StrictComment{ID: 1}
	unsavedPost, unsavedComment := fixture.StrictPost{Slug: "u", Title: "U"}, fixture.StrictComment{Body: fixture.Str("u")}
	missingPost := fixture.StrictPost{ID: 999}
	fieldErr := rlAs[*memrel.FieldError]
	valErr := rlAs[*memrel.ValidationError]
	uniqErr := rlAs[*memrel.UniqueConstraintError]
	fkErr := rlAs[*memrel.ForeignKeyConstraintError]
	assocErr := rlAs[*memrel.AssociationError]
	eagerErr := rlAs[*memrel.EagerLoadingError]
	nfErr := rlAs[*memrel.NotFoundError]
	findAll := func(o *memrel.Options) func(e *rlEnv, tx *memrel.Txn) error {
		return func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Post.FindAll(tx, o)) }
	}
	where := func(c query.Cond) func(e *rlEnv, tx *memrel.Txn) error {
		return findAll(&memrel.Options{Where: c})
	}
	// bigKeys is a huge batch of existing comment keys (repeated) with one
	// unknown key in the middle.
	bigKeys := func(e *rlEnv, unknown any) []any {
		keys := make([]any, 100_000)
		for i := range keys {
			keys[i] = int64(3 + i%e.nComments)
		}
		keys[len(keys)/2] = unknown
		return keys
	}
	return []rlCase{
		// The read and write surface of issue 16.
		{name: "Patch unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Patch(tx, 1, map[string]any{"nope": 1}))
		}, is: memrel.ErrUnknownField, as: fieldErr(), msg: []string{"Post", "nope"}},
		{name: "Patch NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Patch(tx, 1, map[string]any{"body": nil}))
		}, as: valErr(), msg: []string{"Comment", "body"}},
		{name: "Patch missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Patch(tx, 999, map[string]any{"title": "x"}))
		}, is: memrel.ErrNotFound, as: nfErr(), msg: []string{"Post", "999"}},
		{name: "Patch duplicate unique", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Patch(tx, 2, map[string]any{"slug": "a"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "a"}},
		{name: "CountGroups unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.CountGroups(tx, nil, "nope"))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "CountGroups no field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.CountGroups(tx, nil))
		}, as: fieldErr(), msg: []string{"Post", "group"}},
		{name: "Sum of text", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(memrel.Sum[int64](tx, e.Post, "slug", nil))
		}, is: memrel.ErrNotNumeric, msg: []string{"Post", "slug"}},
		{name: "Avg unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(memrel.Avg(tx, e.Post, "nope", nil))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "Max into the wrong type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(memrel.Max[int64](tx, e.Post, "slug", nil))
		}, is: memrel.ErrBadValue, msg: []string{"Post", "slug"}},
		{name: "Upsert unusable conflict key", op: func(e *rlEnv, tx *memrel.Txn) error {
			_, _, err := e.Post.Upsert(tx, fixture.StrictPost{Slug: "a", Title: "x"}, &memrel.UpsertOptions{OnConflict: []string{"title"}})
			return err
		}, is: memrel.ErrConflictKey, msg: []string{"Post", "title"}},
		{name: "Increment text", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Increment(tx, query.Cond{}, map[string]any{"slug": 1}))
		}, is: memrel.ErrNotNumeric, msg: []string{"Post", "slug"}},
		{name: "BulkCreate duplicate in the batch", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.BulkCreate(tx, []fixture.StrictPost{{Slug: "q", Title: "1"}, {Slug: "q", Title: "2"}}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "q"}},
		{name: "FindOrCreate operator where", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindOrCreate(tx, query.Gt("rank", 1000), fixture.StrictPost{Slug: "g", Title: "G"}))
		}, as: valErr(), msg: []string{"Post"}},
		{name: "Create with rows no include names", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N", Comments: []fixture.StrictComment{{Body: fixture.Str("c")}}}))
		}, is: memrel.ErrAssociationField, as: fieldErr(), msg: []string{"Post", "Comments"}},
		{name: "Nested create failing child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N", Comments: []fixture.StrictComment{{}}},
				memrel.Include{Assoc: e.Comments}))
		}, as: valErr(), msg: []string{"Comment", "body"}},
		{name: "Restore on a model that is not paranoid", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Restore(tx, query.Cond{}))
		}, is: memrel.ErrNotParanoid, msg: []string{"Post"}},
		// Model.Create
		{name: "Create duplicate unique", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{Slug: "a", Title: "dup"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "a"}},
		{name: "Create duplicate PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Create(tx, fixture.StrictPost{ID: 1, Slug: "new", Title: "dup"}))
		}, as: uniqErr(), msg: []string{"Post", "id", "1"}},
		{name: "Create duplicate string PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Tag.Create(tx, fixture.StrictTag{Code: "go", Label: "again"}))
		}, as: uniqErr(), msg: []string{"Tag", "code", "go"}},
		{name: "Create FK to missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Create(tx, fixture.StrictComment{PostID: 999, Body: fixture.Str("x")}))
		}, as: fkErr(), msg: []string{"Comment", "postId", "999"}},
		{name: "Create zero FK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Create(tx, fixture.StrictComment{Body: fixture.Str("x")}))
		}, as: fkErr(), msg: []string{"Comment", "postId", "0"}},
		{name: "Create nullable FK to missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Book.Create(tx, fixture.StrictBook{AuthorID: fixture.I64(-7), Title: "x"}))
		}, as: fkErr(), msg: []string{"Book", "authorId", "-7"}},
		{name: "Create string FK to missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Note.Create(tx, fixture.StrictNote{TagCode: fixture.Str("rust"), Kind: "tag"}))
		}, as: fkErr(), msg: []string{"Note", "tagCode", "rust"}},
		{name: "Create NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Create(tx, fixture.StrictComment{PostID: 1}))
		}, as: valErr(), msg: []string{"Comment", "body", "null"}},
		{name: "Create NULL and bad FK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Create(tx, fixture.StrictComment{PostID: 999}))
		}, as: valErr(), msg: []string{"Comment", "body"}},

		// Model.FindByPK: wrong key types
		{name: "FindByPK string key for int PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, "1"))
		}, is: memrel.ErrBadKey, as: fieldErr(), msg: []string{"Post", "id", `"1"`}},
		{name: "FindByPK fractional float", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, 1.5))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", "1.5"}},
		{name: "FindByPK NaN", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, math.NaN()))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", "NaN"}},
		{name: "FindByPK struct key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, struct{ X int }{1}))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "FindByPK instance as key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, p1))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "FindByPK nil key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, nil))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "FindByPK uint64 overflow", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindByPK(tx, uint64(math.MaxUint64)))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", "18446744073709551615"}},
		{name: "FindByPK int key for string PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Tag.FindByPK(tx, 1))
		}, is: memrel.ErrBadKey, msg: []string{"Tag", "code"}},
		{name: "FindByPK bytes key for string PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Tag.FindByPK(tx, []byte("go")))
		}, is: memrel.ErrBadKey, msg: []string{"Tag", "code"}},

		// FindAll / FindOne / Count options
		{name: "where unknown field", op: where(query.Eq("nope", 1)),
			is: memrel.ErrUnknownField, as: fieldErr(), msg: []string{"Post", "nope"}},
		{name: "where unknown field nested", op: where(query.Or(query.Eq("id", 1), query.Not(query.And(query.Gt("rank", 1), query.IsNull("nope2"))))),
			is: memrel.ErrUnknownField, msg: []string{"Post", "nope2"}},
		{name: "where association name as field", op: where(query.Eq("comments", 1)),
			is: memrel.ErrUnknownField, msg: []string{"Post", "comments"}},
		{name: "where wrong value type", op: where(query.Eq("id", "x")),
			is: memrel.ErrBadValue, msg: []string{"Post", "id", `"x"`}},
		{name: "where struct value", op: where(query.Eq("title", struct{}{})),
			is: memrel.ErrBadValue, msg: []string{"Post", "title"}},
		{name: "where slice value", op: where(query.Eq("slug", []string{"a"})),
			is: memrel.ErrBadValue, msg: []string{"Post", "slug"}},
		{name: "where between bad bound", op: where(query.Between("id", 1, "z")),
			is: memrel.ErrBadValue, msg: []string{"Post", "id", `"z"`}},
		{name: "where in bad element", op: where(query.In("id", 1, 2, 1.25)),
			is: memrel.ErrBadValue, msg: []string{"Post", "id", "1.25"}},
		{name: "where int overflow", op: where(query.Gt("id", uint64(math.MaxUint64))),
			is: memrel.ErrBadValue, msg: []string{"Post", "id"}},
		{name: "where like on integer", op: where(query.Like("id", "1%")),
			is: memrel.ErrBadOperator, msg: []string{"Post", "id"}},
		{name: "where startsWith on pointer int", op: where(query.StartsWith("rank", "1")),
			is: memrel.ErrBadOperator, msg: []string{"Post", "rank"}},
		{name: "where zero-value cond inside Not", op: where(query.Not(query.Eq("", 1))),
			is: memrel.ErrUnknownField, msg: []string{"Post"}},
		{name: "order unknown field", op: findAll(&memrel.Options{Order: []query.Order{query.Asc("id"), query.Desc("nope")}}),
			is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "order empty field", op: findAll(&memrel.Options{Order: []query.Order{{}}}),
			is: memrel.ErrUnknownField, msg: []string{"Post"}},
		{name: "fields unknown", op: findAll(&memrel.Options{Fields: []string{"id", "nope"}}),
			is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "negative limit", op: findAll(&memrel.Options{Limit: -1}),
			is: memrel.ErrBadValue, msg: []string{"Post", "limit"}},
		{name: "negative offset", op: findAll(&memrel.Options{Offset: -1}),
			is: memrel.ErrBadValue, msg: []string{"Post", "offset"}},
		{name: "include unrelated association", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Books}}}))
		}, as: eagerErr(), msg: []string{"Post", "Author.books"}},
		{name: "include nil association", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{}}}))
		}, as: eagerErr(), msg: []string{"Post"}},
		{name: "include unrelated nested", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments, Include: []memrel.Include{{Assoc: e.Reviews}}}}}))
		}, as: eagerErr(), msg: []string{"Comment", "Book.reviews"}},
		{name: "include inverse from wrong side", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.CommentPost}}}))
		}, as: eagerErr(), msg: []string{"Post", "post"}},
		{name: "include where unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments, Where: query.Eq("nope", 1)}}}))
		}, is: memrel.ErrUnknownField, msg: []string{"Comment", "nope"}},
		{name: "include without struct field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Book.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.BookAuthor}}}))
		}, as: assocErr(), msg: []string{"author"}},
		{name: "FindOne unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindOne(tx, &memrel.Options{Where: query.Eq("nope", 1)}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "FindOne bad order", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.Post.FindOne(tx, &memrel.Options{Order: []query.Order{query.Asc("nope")}}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "Count unknown field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Count(tx, &memrel.Options{Where: query.Ne("nope", nil)}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "Count bad value", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Count(tx, &memrel.Options{Where: query.Lt("rank", "high")}))
		}, is: memrel.ErrBadValue, msg: []string{"Post", "rank", "high"}},

		// Model.Update / UpdateKey
		{name: "Update missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Update(tx, fixture.StrictPost{ID: 999, Slug: "z", Title: "Z"}))
		}, is: memrel.ErrNotFound, as: nfErr(), msg: []string{"Post", "999"}},
		{name: "Update unsaved instance", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Update(tx, unsavedPost))
		}, is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "Update duplicate unique", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.Update(tx, fixture.StrictPost{ID: 1, Slug: "b", Title: "A"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "b"}},
		{name: "Update NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Update(tx, fixture.StrictComment{ID: 1, PostID: 1}))
		}, as: valErr(), msg: []string{"Comment", "body"}},
		{name: "Update FK to missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.Update(tx, fixture.StrictComment{ID: 1, PostID: 999, Body: fixture.Str("x")}))
		}, as: fkErr(), msg: []string{"Comment", "postId", "999"}},
		{name: "UpdateKey string key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateKey(tx, "1", fixture.StrictPost{ID: 1, Slug: "a", Title: "A"}))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", `"1"`}},
		{name: "UpdateKey nil key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateKey(tx, nil, fixture.StrictPost{ID: 1, Slug: "a", Title: "A"}))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "UpdateKey onto existing PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateKey(tx, 1, fixture.StrictPost{ID: 2, Slug: "a", Title: "A"}))
		}, as: uniqErr(), msg: []string{"Post", "id", "2"}},
		{name: "UpdateKey restricted by children", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Author.UpdateKey(tx, 1, fixture.StrictAuthor{ID: 50, Name: "ann"}))
		}, as: fkErr(), msg: []string{"Book", "authorId", "1", "onUpdate"}},
		{name: "UpdateKey re-key with duplicate unique", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateKey(tx, 1, fixture.StrictPost{ID: 10, Slug: "b", Title: "A"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "b"}},

		// Model.Destroy / DestroyKey
		{name: "DestroyKey missing row", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 999) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "DestroyKey wrong key type", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, "1") },
			is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "DestroyKey float key", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 2.5) },
			is: memrel.ErrBadKey, msg: []string{"Post", "id", "2.5"}},
		{name: "DestroyKey nil key", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, nil) },
			is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "DestroyKey int key for string PK", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Tag.DestroyKey(tx, -1) },
			is: memrel.ErrBadKey, msg: []string{"Tag", "code"}},
		{name: "Destroy unsaved instance", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Post.Destroy(tx, unsavedPost) },
			is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "Destroy restricted by children", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Author.Destroy(tx, fixture.StrictAuthor{ID: 1})
		}, as: fkErr(), msg: []string{"Book", "authorId", "onDelete"}},
		{name: "Destroy restricted by grandchildren", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Book.DestroyKey(tx, 1)
		}, as: fkErr(), msg: []string{"Review", "bookId", "1"}},

		// Model.UpdateAll / DestroyAll
		{name: "UpdateAll unknown set field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x", "nope": 1}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "UpdateAll association field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"Comments": nil}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "Comments"}},
		{name: "UpdateAll wrong value type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": 7}))
		}, is: memrel.ErrBadValue, msg: []string{"Post", "title", "7"}},
		{name: "UpdateAll overflow", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Review.UpdateAll(tx, query.Cond{}, map[string]any{"stars": 300}))
		}, is: memrel.ErrBadValue, msg: []string{"Review", "stars", "300"}},
		{name: "UpdateAll NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": nil}))
		}, as: valErr(), msg: []string{"Post", "title"}},
		{name: "UpdateAll NULL into notnull pointer", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.UpdateAll(tx, query.Eq("postId", 1), map[string]any{"body": nil}))
		}, as: valErr(), msg: []string{"Comment", "body"}},
		{name: "UpdateAll unknown where field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Eq("nope", 1), map[string]any{"title": "x"}))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "UpdateAll duplicates a unique field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"slug": "same"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "same"}},
		{name: "UpdateAll duplicates the PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Gt("id", 1), map[string]any{"id": 1}))
		}, as: uniqErr(), msg: []string{"Post", "id", "1"}},
		{name: "UpdateAll FK to missing row", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comment.UpdateAll(tx, query.Cond{}, map[string]any{"postId": 999}))
		}, as: fkErr(), msg: []string{"Comment", "postId", "999"}},
		{name: "UpdateAll re-key onto existing PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Author.UpdateAll(tx, query.Eq("name", "bob"), map[string]any{"id": 1}))
		}, as: uniqErr(), msg: []string{"Author", "id", "1"}},
		{name: "UpdateAll re-key one restricted", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Author.UpdateAll(tx, query.Eq("name", "ann"), map[string]any{"id": 77}))
		}, as: fkErr(), msg: []string{"Book", "authorId", "onUpdate"}},
		{name: "DestroyAll unknown where field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.DestroyAll(tx, query.Eq("nope", 1)))
		}, is: memrel.ErrUnknownField, msg: []string{"Post", "nope"}},
		{name: "DestroyAll bad value", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.DestroyAll(tx, query.In("id", "x")))
		}, is: memrel.ErrBadValue, msg: []string{"Post", "id"}},
		{name: "DestroyAll restricted", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Author.DestroyAll(tx, query.Cond{}))
		}, as: fkErr(), msg: []string{"Book", "authorId"}},
		{name: "DestroyAll cascade hits restrict", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Book.DestroyAll(tx, query.Cond{}))
		}, as: fkErr(), msg: []string{"Review", "bookId"}},

		// HasMany reads
		{name: "Get unsaved source", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Get(tx, unsavedPost, nil)) },
			is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "Get missing source", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Get(tx, missingPost, nil)) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "Get missing string source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Notes.Get(tx, fixture.StrictTag{Code: "zig"}, nil))
		}, is: memrel.ErrNotFound, msg: []string{"Tag", "zig"}},
		{name: "Get unknown where field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Get(tx, p1, &memrel.Options{Where: query.Eq("slug", "a")}))
		}, is: memrel.ErrUnknownField, msg: []string{"Comment", "slug"}},
		{name: "Get unknown order field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Get(tx, p1, &memrel.Options{Order: []query.Order{query.Desc("nope")}}))
		}, is: memrel.ErrUnknownField, msg: []string{"Comment", "nope"}},
		{name: "Get unknown selected field", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Get(tx, p1, &memrel.Options{Fields: []string{"nope"}}))
		}, is: memrel.ErrUnknownField, msg: []string{"Comment", "nope"}},
		{name: "Get negative offset", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Get(tx, p1, &memrel.Options{Offset: -2}))
		}, is: memrel.ErrBadValue, msg: []string{"Comment"}},
		{name: "Get include unrelated", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Get(tx, p1, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}}}))
		}, as: eagerErr(), msg: []string{"Comment", "Post.comments"}},
		{name: "GetMany one missing source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.GetMany(tx, []fixture.StrictPost{p1, missingPost}, nil))
		}, is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "GetMany bad where", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.GetMany(tx, []fixture.StrictPost{p1}, &memrel.Options{Where: query.Like("postId", "%")}))
		}, is: memrel.ErrBadOperator, msg: []string{"Comment", "postId"}},
		{name: "Count missing source", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Count(tx, missingPost, nil)) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "Count bad where", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Count(tx, p1, &memrel.Options{Where: query.Eq("body", 1)}))
		}, is: memrel.ErrBadValue, msg: []string{"Comment", "body"}},
		{name: "Has missing source", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.Has(tx, missingPost, c1)) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "HasKeys string key", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, "1")) },
			is: memrel.ErrBadKey, msg: []string{"comments", "Comment", "id"}},
		{name: "HasKeys float key", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, 1.5)) },
			is: memrel.ErrBadKey, msg: []string{"comments", "1.5"}},
		{name: "HasKeys struct key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.HasKeys(tx, p1, struct{}{}))
		}, is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "HasKeys wrong model", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, p1)) },
			is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "HasKeys wrong model pointer", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, &p1)) },
			is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "HasKeys nil key", op: func(e *rlEnv, tx *memrel.Txn) error { return rlErr(e.Comments.HasKeys(tx, p1, nil)) },
			is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "HasKeys nil instance pointer", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.HasKeys(tx, p1, (*fixture.StrictComment)(nil)))
		}, as: assocErr(), msg: []string{"comments", "nil"}},

		// HasMany.Add / AddKeys
		{name: "Add missing source", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.Add(tx, missingPost, c1) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "Add unsaved source", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.Add(tx, unsavedPost, c1) },
			is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "Add unsaved target", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Add(tx, fixture.StrictPost{ID: 2}, c1, unsavedComment)
		}, is: memrel.ErrNotFound, as: nfErr(), msg: []string{"Comment", "0"}},
		{name: "AddKeys unknown key", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 999) },
			is: memrel.ErrNotFound, msg: []string{"Comment", "999"}},
		{name: "AddKeys duplicate keys and unknown", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 1, int64(1), &c1, c1, 2, 2, 888)
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "888"}},
		{name: "AddKeys 100k keys with one unknown", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, bigKeys(e, 123456789)...)
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "123456789"}},
		{name: "AddKeys 100k keys with one bad type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, bigKeys(e, "3")...)
		}, is: memrel.ErrBadKey, msg: []string{"comments", `"3"`}},
		{name: "AddKeys string key for int PK", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, "1") },
			is: memrel.ErrBadKey, msg: []string{"comments", `"1"`}},
		{name: "AddKeys wrong model", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, p3) },
			is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "AddKeys wrong model after good keys", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 2, &p3)
		}, is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "AddKeys string key for int PK of string-keyed source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Notes.AddKeys(tx, fixture.StrictTag{Code: "go"}, "1")
		}, is: memrel.ErrBadKey, msg: []string{"Tag.notes", "Note", `"1"`}},
		{name: "AddKeys nil key", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, nil) },
			is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "AddKeys nil instance pointer", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, (*fixture.StrictComment)(nil))
		}, as: assocErr(), msg: []string{"comments", "nil"}},
		{name: "Add missing string source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Notes.Add(tx, fixture.StrictTag{Code: "nope"}, fixture.StrictNote{ID: 1})
		}, is: memrel.ErrNotFound, msg: []string{"Tag", "nope"}},

		// HasMany.Set / SetKeys
		{name: "Set missing source", op: func(e *rlEnv, tx *memrel.Txn) error { return e.Comments.Set(tx, missingPost, nil, nil) },
			is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "Set unsaved source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Set(tx, unsavedPost, []fixture.StrictComment{c1}, &memrel.SetOptions{DestroyPrevious: true})
		}, is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "Set unsaved target", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Set(tx, p3, []fixture.StrictComment{unsavedComment}, nil)
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "0"}},
		{name: "SetKeys unknown key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p3, []any{1, 999}, nil)
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "999"}},
		{name: "SetKeys 100k keys with one unknown", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, bigKeys(e, -1), nil)
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "-1"}},
		{name: "SetKeys wrong key type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, []any{true}, nil)
		}, is: memrel.ErrBadKey, msg: []string{"comments", "true"}},
		{name: "SetKeys wrong model", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, []any{fixture.StrictBook{ID: 1}}, nil)
		}, is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "Set un-associating restricted rows", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Books.Set(tx, fixture.StrictAuthor{ID: 1}, nil, &memrel.SetOptions{DestroyPrevious: true})
		}, as: fkErr(), msg: []string{"Review", "bookId"}},

		// HasMany.Remove / RemoveKeys
		{name: "Remove missing source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, missingPost, []fixture.StrictComment{c1}, nil)
		}, is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "Remove unsaved source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, unsavedPost, nil, nil)
		}, is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "RemoveKeys wrong key type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p1, []any{1, "2"}, nil)
		}, is: memrel.ErrBadKey, msg: []string{"comments", `"2"`}},
		{name: "RemoveKeys wrong model", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p1, []any{&p1}, nil)
		}, is: memrel.ErrBadKey, msg: []string{"comments"}},
		{name: "RemoveKeys 100k keys with one bad type", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p3, bigKeys(e, 3.25), nil)
		}, is: memrel.ErrBadKey, msg: []string{"comments", "3.25"}},
		{name: "Remove destroy restricted", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.Books.RemoveKeys(tx, fixture.StrictAuthor{ID: 1}, []any{1}, &memrel.RemoveOptions{Destroy: true})
		}, as: fkErr(), msg: []string{"Review", "bookId"}},

		// HasMany.Create
		{name: "HasMany.Create missing source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Create(tx, missingPost, fixture.StrictComment{Body: fixture.Str("x")}))
		}, is: memrel.ErrNotFound, msg: []string{"Post", "999"}},
		{name: "HasMany.Create unsaved source", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Create(tx, unsavedPost, fixture.StrictComment{Body: fixture.Str("x")}))
		}, is: memrel.ErrNotFound, msg: []string{"Post", "0"}},
		{name: "HasMany.Create NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Create(tx, p1, fixture.StrictComment{}))
		}, as: valErr(), msg: []string{"Comment", "body"}},
		{name: "HasMany.Create duplicate PK", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Comments.Create(tx, p1, fixture.StrictComment{ID: 2, Body: fixture.Str("x")}))
		}, as: uniqErr(), msg: []string{"Comment", "id", "2"}},

		// BelongsTo
		{name: "BelongsTo.Get unsaved child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.CommentPost.Get(tx, unsavedComment))
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "0"}},
		{name: "BelongsTo.Get missing child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(e.CommentPost.Get(tx, fixture.StrictComment{ID: 999}))
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "999"}},
		{name: "BelongsTo.Set unsaved parent", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Set(tx, c1, unsavedPost))
		}, as: fkErr(), msg: []string{"Comment", "postId", "Post"}},
		{name: "BelongsTo.Set missing parent", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Set(tx, c1, missingPost))
		}, as: fkErr(), msg: []string{"Comment", "postId", "999"}},
		{name: "BelongsTo.Set missing child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Set(tx, fixture.StrictComment{ID: 999}, p1))
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "999"}},
		{name: "BelongsTo.Set unsaved child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.BookAuthor.Set(tx, fixture.StrictBook{Title: "u"}, fixture.StrictAuthor{ID: 2}))
		}, is: memrel.ErrNotFound, msg: []string{"Book", "0"}},
		{name: "BelongsTo.SetKey missing parent", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.SetKey(tx, c1, 999))
		}, as: fkErr(), msg: []string{"Comment", "postId", "999"}},
		{name: "BelongsTo.SetKey string key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.SetKey(tx, c1, "2"))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", `"2"`}},
		{name: "BelongsTo.SetKey float key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.SetKey(tx, c1, 2.5))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id", "2.5"}},
		{name: "BelongsTo.SetKey instance as key", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.SetKey(tx, c1, p1))
		}, is: memrel.ErrBadKey, msg: []string{"Post", "id"}},
		{name: "BelongsTo.SetKey nil into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.SetKey(tx, c1, nil))
		}, as: valErr(), msg: []string{"Comment", "postId"}},
		{name: "BelongsTo.SetKey missing child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.BookAuthor.SetKey(tx, fixture.StrictBook{ID: 77}, 1))
		}, is: memrel.ErrNotFound, msg: []string{"Book", "77"}},
		{name: "BelongsTo.Create duplicate parent", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Create(tx, c1, fixture.StrictPost{Slug: "a", Title: "dup"}))
		}, as: uniqErr(), msg: []string{"Post", "slug", "a"}},
		{name: "BelongsTo.Create missing child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.CommentPost.Create(tx, fixture.StrictComment{ID: 999}, fixture.StrictPost{Slug: "n", Title: "N"}))
		}, is: memrel.ErrNotFound, msg: []string{"Comment", "999"}},
		{name: "BelongsTo.Create unsaved child", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.BookAuthor.Create(tx, fixture.StrictBook{}, fixture.StrictAuthor{Name: "new"}))
		}, is: memrel.ErrNotFound, msg: []string{"Book"}},

		// Values an error carries are copies: writing to them changes
		// nothing stored.
		{name: "Destroy SET NULL into NOT NULL bytes FK, error value written", op: func(e *rlEnv, tx *memrel.Txn) error {
			err := e.Doc.DestroyKey(tx, 1)
			var ve *memrel.ValidationError
			if errors.As(err, &ve) {
				scribble(ve.Items[0].Value)
			}
			return err
		}, as: valErr(), msg: []string{"Part", "docCode", "null"}},
		{name: "UpdateAll re-key restricted by bytes FK, error value written", op: func(e *rlEnv, tx *memrel.Txn) error {
			_, err := e.Doc.UpdateAll(tx, query.Eq("id", 1), map[string]any{"code": []byte("d9")})
			var fe *memrel.ForeignKeyConstraintError
			if errors.As(err, &fe) {
				scribble(fe.Value)
			}
			return err
		}, as: fkErr(), msg: []string{"Part", "docCode", "onUpdate"}},
		{name: "FindByPK bytes key, error value written", op: func(e *rlEnv, tx *memrel.Txn) error {
			err := rlErr3(e.Doc.FindByPK(tx, []byte("d1")))
			var fe *memrel.FieldError
			if errors.As(err, &fe) {
				scribble(fe.Value)
			}
			return err
		}, is: memrel.ErrBadKey, msg: []string{"Doc", "id"}},

		// float32 and []byte scopes
		{name: "HasMany.Create with float32 and bytes scope, Info scope written, NULL into NOT NULL", op: func(e *rlEnv, tx *memrel.Txn) error {
			scribble(e.Parts.Info().Scope["kind"])
			return rlErr(e.Parts.Create(tx, fixture.StrictDoc{ID: 1}, fixture.StrictPart{}))
		}, as: valErr(), msg: []string{"Part", "body"}},
		{name: "UpdateAll float32 overflow", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Part.UpdateAll(tx, query.Cond{}, map[string]any{"weight": 1e300}))
		}, is: memrel.ErrBadValue, as: fieldErr(), msg: []string{"Part", "weight"}},
		{name: "UpdateAll float32 underflow", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Part.UpdateAll(tx, query.Cond{}, map[string]any{"Weight": -1e-60}))
		}, is: memrel.ErrBadValue, msg: []string{"Part", "Weight", "-1e-60"}},

		// One field named twice
		{name: "UpdateAll column and Go name", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.UpdateAll(tx, query.Eq("id", 1), map[string]any{"slug": "x", "Slug": "y"}))
		}, is: memrel.ErrDuplicateField, as: fieldErr(), msg: []string{"Post", "slug", "named twice"}},
		{name: "include one association twice", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}, {Assoc: e.Comments, Required: memrel.Required}}}))
		}, is: memrel.ErrDuplicateField, msg: []string{"Post", "Comments", "named twice"}},
		{name: "include one inverse twice, nested", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments,
				Include: []memrel.Include{{Assoc: e.CommentPost}, {Assoc: e.CommentPost}}}}}))
		}, is: memrel.ErrDuplicateField, msg: []string{"Comment", "Post", "named twice"}},
		// Snapshots: crafted ones with valid checksums, junk, failing I/O
		{name: "Load NULL in a plain column", op: rlLoad(1, func(c *snapCraft) {
			c.model(1, 1).int(1).null().text("T").null()
		}), is: memrel.ErrBadSnapshot, as: valErr(), msg: []string{"Post.slug", "cannot be null", "at byte"}},
		{name: "Load NULL in a plain key", op: rlLoad(1, func(c *snapCraft) {
			c.model(1, 1).null().text("s").text("T").null()
		}), is: memrel.ErrBadSnapshot, as: valErr(), msg: []string{"Post.id", "cannot be null"}},
		{name: "Load negative sequence", op: rlLoad(1, func(c *snapCraft) { c.model(-9, 0) }), is: memrel.ErrBadSnapshot, msg: []string{"negative sequence -9 of Post", "at byte"}},
		{name: "Load sequence of a key without auto-increment", op: rlLoad(6, func(c *snapCraft) {
			c.model(0, 0).model(0, 0).model(0, 0).model(0, 0).model(0, 0).model(3, 0)
		}), is: memrel.ErrBadSnapshot, msg: []string{"sequence 3 of Tag"}},
		{name: "Load huge length", op: rlLoad(7, func(c *snapCraft) {
			c.model(1, 1).int(1)
			c.b = append(c.b, 1)
			c.uvarint(1 << 60) // and the data ends
		}), is: memrel.ErrBadSnapshot, msg: []string{"truncated"}},
		{name: "Load junk", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Schema.Load(strings.NewReader("GIF89a" + strings.Repeat("\x00", 1000))))
		}, is: memrel.ErrBadSnapshot, msg: []string{"not a memrel snapshot"}},
		{name: "Load reader error", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Schema.Load(iotest.ErrReader(errRLBoom)))
		}, is: errRLBoom, as: rlAs[*memrel.SnapshotError](), msg: []string{"reading snapshot", "boom"}},
		{name: "LoadFile missing file", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Schema.LoadFile(filepath.Join(os.TempDir(), "memrel-no-such-dir", "none.snap")))
		}, is: fs.ErrNotExist, as: rlAs[*memrel.SnapshotError](), msg: []string{"opening snapshot"}},
		{name: "Save to a failing writer", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.db.Save(snFailWriter{errRLBoom})
		}, is: errRLBoom, as: rlAs[*memrel.SnapshotError](), msg: []string{"writing snapshot", "boom"}},
		{name: "SaveFile into a missing directory", op: func(e *rlEnv, tx *memrel.Txn) error {
			return e.db.SaveFile(filepath.Join(os.TempDir(), "memrel-no-such-dir", "x.snap"))
		}, is: fs.ErrNotExist, as: rlAs[*memrel.SnapshotError](), msg: []string{"saving snapshot"}},

		// Zero values of the handles themselves
		{name: "zero Model", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(new(memrel.Model[fixture.StrictPost]).FindAll(tx, nil))
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
		{name: "zero Model Create", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(new(memrel.Model[fixture.StrictPost]).Create(tx, fixture.StrictPost{Slug: "z", Title: "z"}))
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
		{name: "zero HasMany", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]).Get(tx, p1, nil))
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
		{name: "zero HasMany AddKeys", op: func(e *rlEnv, tx *memrel.Txn) error {
			return new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]).AddKeys(tx, p1, 1)
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
		{name: "zero BelongsTo", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr3(new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]).Get(tx, c1))
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
		{name: "include typed nil association", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: (*memrel.HasMany[fixture.StrictPost, fixture.StrictComment])(nil)}}}))
		}, as: eagerErr(), msg: []string{"Post"}},
		{name: "include zero association", op: func(e *rlEnv, tx *memrel.Txn) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment])}}}))
		}, as: eagerErr(), msg: []string{"Post"}},
		{name: "model of another schema", op: func(e *rlEnv, tx *memrel.Txn) error {
			other := fixture.Strict(t)
			return rlErr(other.Post.Create(tx, fixture.StrictPost{Slug: "z", Title: "z"}))
		}, is: memrel.ErrWrongStore, msg: []string{"does not belong"}},
	}
}

// rlHandleValues calls every method and function of the handle types that
// returns no error, on nil and zero handles (and Define and NewHasMany on
// nil ones): each must return its documented harmless value, not panic.
func rlHandleValues() []struct {
	name string
	run  func(t *testing.T)
} {
	type handles struct {
		pm *memrel.Model[fixture.StrictPost]
		pc *memrel.HasMany[fixture.StrictPost, fixture.StrictComment]
		cp *memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]
		db *memrel.Store
		tx *memrel.Txn
	}
	nils := handles{}
	zeros := handles{new(memrel.Model[fixture.StrictPost]), new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]),
		new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]), new(memrel.Store), new(memrel.Txn)}
	type tc = struct {
		name string
		run  func(t *testing.T)
	}
	var cases []tc
	for _, h := range []struct {
		kind string
		handles
	}{{"nil", nils}, {"zero", zeros}} {
		cases = append(cases,
			tc{h.kind + " Model.Name", func(t *testing.T) { require.Empty(t, h.pm.Name()) }},
			tc{h.kind + " Model.Key", func(t *testing.T) { require.Nil(t, h.pm.Key(fixture.StrictPost{ID: 1})) }},
			tc{h.kind + " HasMany.Info", func(t *testing.T) { require.Zero(t, h.pc.Info()) }},
			tc{h.kind + " HasMany.Inverse", func(t *testing.T) { require.Nil(t, h.pc.Inverse()) }},
			tc{h.kind + " BelongsTo.Info", func(t *testing.T) { require.Zero(t, h.cp.Info()) }},
			tc{h.kind + " Store.String", func(t *testing.T) { require.Equal(t, "memrel.Store(nil)", h.db.String()) }},
			tc{h.kind + " Store.Begin", func(t *testing.T) {
				for _, write := range []bool{false, true} {
					tx := h.db.Begin(write)
					require.NotNil(t, tx)
					require.False(t, tx.Writable())
					require.ErrorIs(t, tx.Commit(), memrel.ErrTxDone)
					require.NotPanics(t, tx.Abort)
				}
			}},
			tc{h.kind + " Store.SaveFile writes nothing", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "s.snap")
				require.ErrorIs(t, h.db.SaveFile(path), memrel.ErrWrongStore)
				entries, err := os.ReadDir(filepath.Dir(path))
				require.NoError(t, err)
				require.Empty(t, entries)
			}},
			tc{h.kind + " Txn.Writable", func(t *testing.T) { require.False(t, h.tx.Writable()) }},
			tc{h.kind + " Txn.Abort", func(t *testing.T) { require.NotPanics(t, h.tx.Abort) }},
			tc{h.kind + " Txn.Commit", func(t *testing.T) { require.ErrorIs(t, h.tx.Commit(), memrel.ErrTxDone) }},
		)
	}
	return append(cases,
		tc{"Define on a nil Schema", func(t *testing.T) {
			pm := memrel.Define[fixture.StrictPost](nil, "Post")
			require.NotNil(t, pm)
			require.Empty(t, pm.Name())
			_, err := pm.Create(nil, fixture.StrictPost{})
			require.ErrorIs(t, err, memrel.ErrTxDone) // the transaction is checked first
		}},
		tc{"NewHasMany of nil models", func(t *testing.T) {
			pc := memrel.NewHasMany[fixture.StrictPost, fixture.StrictComment](nil, nil, memrel.HasManyOptions{})
			require.NotNil(t, pc)
			require.Zero(t, pc.Info())
			require.Nil(t, pc.Inverse())
		}},
		tc{"NewHasMany of a nil target is a schema problem", func(t *testing.T) {
			s := memrel.NewSchema()
			posts := memrel.Define[fixture.StrictPost](s, "Post")
			memrel.Define[fixture.StrictComment](s, "Comment")
			pc := memrel.NewHasMany[fixture.StrictPost, fixture.StrictComment](posts, nil, memrel.HasManyOptions{})
			require.Zero(t, pc.Info())
			_, err := s.Open()
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Contains(t, err.Error(), "nil or zero model")
		}},
		tc{"the zero Schema is an empty schema", func(t *testing.T) {
			var s memrel.Schema
			posts := memrel.Define[fixture.StrictPost](&s, "Post")
			comments := memrel.Define[fixture.StrictComment](&s, "Comment")
			memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
			db, err := s.Open()
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error { return rlErr(posts.Create(tx, fixture.StrictPost{Slug: "a"})) }))
		}},
	)
}

// TestHandles_NilAndZero_ReturnHarmlessValues runs rlHandleValues.
func TestHandles_NilAndZero_ReturnHarmlessValues(t *testing.T) {
	for _, tc := range rlHandleValues() {
		t.Run(tc.name, tc.run)
	}
}

var errRLBoom = errors.New("boom")

// rlLoad loads a snapshot of the catalogue's schema crafted by body, which
// writes the first models (the others are left empty), sealed with a valid
// CRC.
func rlLoad(written int, body func(c *snapCraft)) func(e *rlEnv, tx *memrel.Txn) error {
	return func(e *rlEnv, tx *memrel.Txn) error {
		empty := rlDumpOf(e.Schema)
		models := snapModels(empty)
		c := &snapCraft{b: bytes.Clone(empty[:len(empty)-4-2*models])}
		body(c)
		for range models - written {
			c.model(0, 0)
		}
		return rlErr(e.Schema.Load(bytes.NewReader(c.sealed())))
	}
}

// rlDumpOf is the snapshot of an empty store of s.
func rlDumpOf(s *memrel.Schema) []byte {
	db, err := s.Open()
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// TestStore_BadInput_TypedErrorAndNoChange runs every case of the catalogue.
func TestStore_BadInput_TypedErrorAndNoChange(t *testing.T) {
	m, other := fixture.Strict(t), fixture.Strict(t)
	inputs, txns := append(rlInputCases(t), rlHandleCases()...), rlTxnCases()
	var unprefixed []string
	run := func(name string, tc rlCase) {
		t.Run(name, func(t *testing.T) {
			if err := rlRun(t, m, other, tc); err != nil && !strings.HasPrefix(err.Error(), "memrel: ") {
				unprefixed = append(unprefixed, name+": "+err.Error())
			}
		})
	}
	for _, tc := range inputs {
		run(tc.name, tc)
	}
	for _, tc := range txns {
		run(tc.name+"/"+tc.mode.String(), tc)
	}
	t.Logf("bad-input catalogue: %d cases (%d bad values, %d transaction misuses)", len(inputs)+len(txns), len(inputs), len(txns))
	// STYLE: every message starts "memrel: ".
	require.Empty(t, unprefixed, "error messages that do not start with \"memrel: \"")
}
