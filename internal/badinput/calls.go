package badinput

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
)

// Call is one call of a public entry point, reused for every misuse of
// the transaction.
type Call struct {
	Name string
	Fn   func(e *Env, tx *memrel.Txn) error
}

// Err is the error of a call returning a value and an error.
func Err[T any](_ T, err error) error { return err }

// Err3 is the error of a call returning a value, a bool and an error.
func Err3[T any](_ T, _ bool, err error) error { return err }

// WriteCalls calls every write entry point with otherwise valid input.
func WriteCalls() []Call {
	p1 := fixture.StrictPost{ID: 1}
	c1 := fixture.StrictComment{ID: 1}
	return []Call{
		{"Model.Create", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{Slug: "z", Title: "Z"}))
		}},
		{"Model.Update", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Update(tx, fixture.StrictPost{ID: 1, Slug: "a", Title: "new"}))
		}},
		{"Model.UpdateKey", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateKey(tx, int64(2), fixture.StrictPost{ID: 20, Slug: "b", Title: "B"}))
		}},
		{"Model.Destroy", func(e *Env, tx *memrel.Txn) error { return e.Post.Destroy(tx, p1) }},
		{"Model.DestroyKey", func(e *Env, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 2) }},
		{"Model.UpdateAll", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Eq("id", 1), map[string]any{"title": "x"}))
		}},
		{"Model.DestroyAll", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.DestroyAll(tx, query.Eq("id", 2)))
		}},
		{"HasMany.Add", func(e *Env, tx *memrel.Txn) error { return e.Comments.Add(tx, fixture.StrictPost{ID: 2}, c1) }},
		{"HasMany.AddKeys", func(e *Env, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, &c1) }},
		{"HasMany.Set", func(e *Env, tx *memrel.Txn) error { return e.Comments.Set(tx, p1, nil, nil) }},
		{"HasMany.SetKeys", func(e *Env, tx *memrel.Txn) error { return e.Comments.SetKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Remove", func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, p1, []fixture.StrictComment{c1}, nil)
		}},
		{"HasMany.RemoveKeys", func(e *Env, tx *memrel.Txn) error {
			return e.Books.RemoveKeys(tx, fixture.StrictAuthor{ID: 1}, []any{1}, nil)
		}},
		{"HasMany.Create", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Create(tx, p1, fixture.StrictComment{Body: fixture.Str("x")}))
		}},
		{"BelongsTo.Set", func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Set(tx, c1, fixture.StrictPost{ID: 2}))
		}},
		{"BelongsTo.SetKey", func(e *Env, tx *memrel.Txn) error {
			return Err(e.BookAuthor.SetKey(tx, fixture.StrictBook{ID: 1}, nil))
		}},
		{"BelongsTo.Create", func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Create(tx, c1, fixture.StrictPost{Slug: "new", Title: "N"}))
		}},
		{"Model.BulkCreate", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.BulkCreate(tx, []fixture.StrictPost{{Slug: "z", Title: "Z"}}))
		}},
		{"Model.Upsert", func(e *Env, tx *memrel.Txn) error {
			_, _, err := e.Post.Upsert(tx, fixture.StrictPost{Slug: "a", Title: "A2"}, nil)
			return err
		}},
		{"Model.FindOrCreate", func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindOrCreate(tx, query.Eq("slug", "zz"), fixture.StrictPost{Title: "Z"}))
		}},
		{"Model.Increment", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Increment(tx, query.Cond{}, map[string]any{"rank": 1}))
		}},
		{"Model.IncrementKey", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.IncrementKey(tx, 1, map[string]any{"rank": 1}))
		}},
		{"Model.Patch", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Patch(tx, 1, map[string]any{"title": "p"}))
		}},
		{"Model.Create nested", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N",
				Comments: []fixture.StrictComment{{Body: fixture.Str("c")}}}, memrel.Include{Assoc: e.Comments}))
		}},
	}
}

// ReadCalls calls every read entry point with valid input.
func ReadCalls() []Call {
	p1 := fixture.StrictPost{ID: 1}
	c1 := fixture.StrictComment{ID: 1}
	return []Call{
		{"Model.FindByPK", func(e *Env, tx *memrel.Txn) error { return Err3(e.Post.FindByPK(tx, 1)) }},
		{"Model.Get", func(e *Env, tx *memrel.Txn) error { return Err(e.Post.Get(tx, 1)) }},
		{"Model.CountGroups", func(e *Env, tx *memrel.Txn) error { return Err(e.Post.CountGroups(tx, nil, "rank")) }},
		{"Sum", func(e *Env, tx *memrel.Txn) error { return Err3(memrel.Sum[int64](tx, e.Post, "rank", nil)) }},
		{"Avg", func(e *Env, tx *memrel.Txn) error { return Err3(memrel.Avg(tx, e.Post, "rank", nil)) }},
		{"Min", func(e *Env, tx *memrel.Txn) error { return Err3(memrel.Min[string](tx, e.Post, "slug", nil)) }},
		{"Max", func(e *Env, tx *memrel.Txn) error { return Err3(memrel.Max[string](tx, e.Post, "slug", nil)) }},
		{"HasMany.CountMany", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.CountMany(tx, []fixture.StrictPost{p1}, nil))
		}},
		{"Model.FindOne", func(e *Env, tx *memrel.Txn) error { return Err3(e.Post.FindOne(tx, nil)) }},
		{"Model.FindAll", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}}}))
		}},
		{"Model.Count", func(e *Env, tx *memrel.Txn) error { return Err(e.Post.Count(tx, nil)) }},
		{"HasMany.Get", func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Get(tx, p1, nil)) }},
		{"HasMany.GetMany", func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.GetMany(tx, []fixture.StrictPost{p1}, nil))
		}},
		{"HasMany.Count", func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Count(tx, p1, nil)) }},
		{"HasMany.Has", func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Has(tx, p1, c1)) }},
		{"HasMany.HasKeys", func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, 1)) }},
		{"BelongsTo.Get", func(e *Env, tx *memrel.Txn) error { return Err3(e.CommentPost.Get(tx, c1)) }},
	}
}

// HandleCalls calls every method of a Model, a HasMany and a BelongsTo
// that takes a transaction: with nil or zero handles each must fail with
// ErrWrongStore. A new method belongs here, and in the root's rlHandleValues when it
// returns no error.
func HandleCalls(pm *memrel.Model[fixture.StrictPost], pc *memrel.HasMany[fixture.StrictPost, fixture.StrictComment], cp *memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]) []Call {
	p1, c1 := fixture.StrictPost{ID: 1}, fixture.StrictComment{ID: 1}
	return []Call{
		{"Model.Create", func(_ *Env, tx *memrel.Txn) error { return Err(pm.Create(tx, fixture.StrictPost{Slug: "z"})) }},
		{"Model.FindByPK", func(_ *Env, tx *memrel.Txn) error { return Err3(pm.FindByPK(tx, 1)) }},
		{"Model.FindAll", func(_ *Env, tx *memrel.Txn) error { return Err(pm.FindAll(tx, nil)) }},
		{"Model.FindOne", func(_ *Env, tx *memrel.Txn) error { return Err3(pm.FindOne(tx, nil)) }},
		{"Model.Count", func(_ *Env, tx *memrel.Txn) error { return Err(pm.Count(tx, nil)) }},
		{"Model.Update", func(_ *Env, tx *memrel.Txn) error {
			return Err(pm.Update(tx, fixture.StrictPost{ID: 1, Slug: "a"}))
		}},
		{"Model.UpdateKey", func(_ *Env, tx *memrel.Txn) error { return Err(pm.UpdateKey(tx, 1, fixture.StrictPost{ID: 1})) }},
		{"Model.Destroy", func(_ *Env, tx *memrel.Txn) error { return pm.Destroy(tx, p1) }},
		{"Model.DestroyKey", func(_ *Env, tx *memrel.Txn) error { return pm.DestroyKey(tx, 1) }},
		{"Model.UpdateAll", func(_ *Env, tx *memrel.Txn) error {
			return Err(pm.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x"}))
		}},
		{"Model.DestroyAll", func(_ *Env, tx *memrel.Txn) error { return Err(pm.DestroyAll(tx, query.Cond{})) }},
		{"HasMany.Get", func(_ *Env, tx *memrel.Txn) error { return Err(pc.Get(tx, p1, nil)) }},
		{"HasMany.GetMany", func(_ *Env, tx *memrel.Txn) error { return Err(pc.GetMany(tx, []fixture.StrictPost{p1}, nil)) }},
		{"HasMany.Count", func(_ *Env, tx *memrel.Txn) error { return Err(pc.Count(tx, p1, nil)) }},
		{"HasMany.Has", func(_ *Env, tx *memrel.Txn) error { return Err(pc.Has(tx, p1, c1)) }},
		{"HasMany.Has many", func(_ *Env, tx *memrel.Txn) error { return Err(pc.Has(tx, p1, c1, c1)) }},
		{"HasMany.HasKeys", func(_ *Env, tx *memrel.Txn) error { return Err(pc.HasKeys(tx, p1, 1)) }},
		{"HasMany.Add", func(_ *Env, tx *memrel.Txn) error { return pc.Add(tx, p1, c1) }},
		{"HasMany.AddKeys", func(_ *Env, tx *memrel.Txn) error { return pc.AddKeys(tx, p1, 1) }},
		{"HasMany.Set", func(_ *Env, tx *memrel.Txn) error { return pc.Set(tx, p1, nil, nil) }},
		{"HasMany.SetKeys", func(_ *Env, tx *memrel.Txn) error { return pc.SetKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Remove", func(_ *Env, tx *memrel.Txn) error { return pc.Remove(tx, p1, []fixture.StrictComment{c1}, nil) }},
		{"HasMany.RemoveKeys", func(_ *Env, tx *memrel.Txn) error { return pc.RemoveKeys(tx, p1, []any{1}, nil) }},
		{"HasMany.Create", func(_ *Env, tx *memrel.Txn) error {
			return Err(pc.Create(tx, p1, fixture.StrictComment{Body: fixture.Str("x")}))
		}},
		{"BelongsTo.Get", func(_ *Env, tx *memrel.Txn) error { return Err3(cp.Get(tx, c1)) }},
		{"BelongsTo.Set", func(_ *Env, tx *memrel.Txn) error { return Err(cp.Set(tx, c1, p1)) }},
		{"BelongsTo.SetKey", func(_ *Env, tx *memrel.Txn) error { return Err(cp.SetKey(tx, c1, 1)) }},
		{"BelongsTo.Create", func(_ *Env, tx *memrel.Txn) error { return Err(cp.Create(tx, c1, fixture.StrictPost{Slug: "n"})) }},
	}
}

// StoreCalls calls every method of a Store and a Schema that returns an
// error: on a nil or zero Store, or a nil Schema, each fails with
// ErrWrongStore without touching anything.
func StoreCalls(db *memrel.Store, sch *memrel.Schema) []Call {
	ran := func(*memrel.Txn) error { return errors.New("rl: the callback ran") }
	return []Call{
		{"Store.Update", func(*Env, *memrel.Txn) error { return db.Update(ran) }},
		{"Store.View", func(*Env, *memrel.Txn) error { return db.View(ran) }},
		{"Store.Save", func(*Env, *memrel.Txn) error { return db.Save(io.Discard) }},
		{"Store.SaveFile", func(*Env, *memrel.Txn) error {
			return db.SaveFile(filepath.Join(os.TempDir(), "memrel-rl-nil-store.snap"))
		}},
		{"Schema.Open", func(*Env, *memrel.Txn) error { return Err(sch.Open()) }},
		{"Schema.Load", func(*Env, *memrel.Txn) error { return Err(sch.Load(strings.NewReader("junk"))) }},
		{"Schema.LoadFile", func(*Env, *memrel.Txn) error { return Err(sch.LoadFile(os.DevNull)) }},
	}
}

// ErrBoom is the error of the failing readers and writers the cases hand
// to memrel.
var ErrBoom = errors.New("boom")

// failWriter is a writer that always fails with err.
type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// scribble overwrites b in place, as a caller writing to an error's
// value would.
func scribble(b any) {
	if bs, ok := b.([]byte); ok {
		for i := range bs {
			bs[i] = 'X'
		}
	}
}
