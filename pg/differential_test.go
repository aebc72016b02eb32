package pg

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The differential machine: one random sequence of calls on the blog
// (Post 1-n Comment SET NULL, Comment 1-n Reply NOT NULL CASCADE, Reply
// 1-n Like SET NULL), run on the memory engine and on PostgreSQL side by
// side. After every step both gave the same results and the same errors
// (type and message), and both stores' tables (memreltest.Dump: every
// row of every model) are equal. The props machines compare each engine
// with a model; this compares the engines with each other directly, on
// calls the model does not know (UpdateAll, DestroyAll, DestroyPrevious,
// includes, several calls in one transaction rolled back or not).
//
// Every created row is given its key: PostgreSQL keeps the key a failed
// create drew (pg's doc: What differs), which would shift every later
// drawn key between the engines; the props machines cover drawn keys.
//
// Run longer with -rapid.checks=N.

const (
	// diffKeys bounds the keys drawn, so that calls meet the same rows.
	diffKeys = 6
	// diffChecks is the default number of checks: a check is two empty
	// stores and about 30 steps: some seconds for 100 on PostgreSQL.
	diffChecks = "100"
)

// diffCall is one call, run on a store's blog models; it returns what
// the call returned (compared as JSON) and its error.
type diffCall struct {
	name string
	run  func(b *fixture.BlogModels, tx *memrel.Txn) (any, error)
}

// diffOutcome is a call's result as compared: the JSON of its value and
// its error's type and message.
func diffOutcome(v any, err error) string {
	if err != nil {
		return fmt.Sprintf("error %T: %v", err, err)
	}
	j, jerr := json.Marshal(v)
	if jerr != nil {
		return "unmarshalable: " + jerr.Error()
	}
	return string(j)
}

// diffAssoc is a hasMany's Set, Add and Remove by the source's key.
type diffAssoc struct {
	set    func(tx *memrel.Txn, src int64, keys []any, o *memrel.SetOptions) error
	add    func(tx *memrel.Txn, src int64, keys []any) error
	remove func(tx *memrel.Txn, src int64, keys []any, o *memrel.RemoveOptions) error
}

// diffAssocOf is h's diffAssoc, its source instance made by src.
func diffAssocOf[P, C any](h *memrel.HasMany[P, C], src func(int64) P) diffAssoc {
	return diffAssoc{
		set: func(tx *memrel.Txn, k int64, ks []any, o *memrel.SetOptions) error {
			return h.SetKeys(tx, src(k), ks, o)
		},
		add: func(tx *memrel.Txn, k int64, ks []any) error { return h.AddKeys(tx, src(k), ks...) },
		remove: func(tx *memrel.Txn, k int64, ks []any, o *memrel.RemoveOptions) error {
			return h.RemoveKeys(tx, src(k), ks, o)
		},
	}
}

// diffDrawCall draws one call.
func diffDrawCall(t *rapid.T) diffCall {
	key := func(label string) int64 { return rapid.Int64Range(1, diffKeys).Draw(t, label) }
	opt := func(label string) *int64 {
		if rapid.IntRange(0, 3).Draw(t, label+"Null") == 0 {
			return nil
		}
		k := key(label)
		return &k
	}
	keys := func(label string) []any {
		ks := rapid.SliceOfN(rapid.Int64Range(1, diffKeys), 0, 3).Draw(t, label)
		out := make([]any, len(ks))
		for i, k := range ks {
			out[i] = k
		}
		return out
	}
	text := func(label string) string { return rapid.SampledFrom([]string{"a", "b"}).Draw(t, label) }
	table := rapid.SampledFrom([]string{"Post", "Comment", "Reply", "Like"}).Draw(t, "table")
	// hasMany is the association whose source is table (for Like: Reply's).
	hasMany := func(b *fixture.BlogModels) diffAssoc {
		switch table {
		case "Post":
			return diffAssocOf(b.Comments, func(k int64) fixture.Post { return fixture.Post{ID: k} })
		case "Comment":
			return diffAssocOf(b.Replies, func(k int64) fixture.Comment { return fixture.Comment{ID: k} })
		}
		return diffAssocOf(b.Likes, func(k int64) fixture.Reply { return fixture.Reply{ID: k} })
	}
	// create is table's Create of a row with key id (and a parent key
	// drawn for its foreign key), or an update of it when update is set.
	create := func(update bool) func(b *fixture.BlogModels, tx *memrel.Txn, id int64) (any, error) {
		s, p, n := text("text"), opt("parent"), key("notNullParent")
		return func(b *fixture.BlogModels, tx *memrel.Txn, id int64) (any, error) {
			switch table {
			case "Post":
				v := fixture.Post{ID: id, Title: s}
				if update {
					return b.Post.Update(tx, v)
				}
				return b.Post.Create(tx, v)
			case "Comment":
				v := fixture.Comment{ID: id, Body: s, PostID: p}
				if update {
					return b.Comment.Update(tx, v)
				}
				return b.Comment.Create(tx, v)
			case "Reply":
				v := fixture.Reply{ID: id, Text: s, CommentID: n}
				if update {
					return b.Reply.Update(tx, v)
				}
				return b.Reply.Create(tx, v)
			}
			v := fixture.Like{ID: id, Who: s, ReplyID: p}
			if update {
				return b.Like.Update(tx, v)
			}
			return b.Like.Create(tx, v)
		}
	}
	model := func(b *fixture.BlogModels) *memrel.AnyModel {
		for _, m := range b.Schema.Models() {
			if m.Name() == table {
				return m
			}
		}
		panic(table)
	}
	switch op := rapid.SampledFrom([]string{"Create", "Create", "Update", "UpdateKey", "DestroyKey", "DestroyAll",
		"UpdateAll", "Set", "Add", "Remove", "HasManyCreate", "Get", "FindAll"}).Draw(t, "op"); op {
	case "Create", "Update":
		id, fn := key("id"), create(op == "Update")
		return diffCall{fmt.Sprintf("%s %s %d", table, op, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			return fn(b, tx, id)
		}}
	case "UpdateKey":
		old, nw := key("old"), key("new")
		return diffCall{fmt.Sprintf("%s UpdateKey %d -> %d", table, old, nw), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			if nw%2 == 0 { // both ways of re-keying
				return model(b).Patch(tx, old, memrel.Row{"id": nw})
			}
			return model(b).UpdateAll(tx, query.Eq("id", old), memrel.Row{"id": nw})
		}}
	case "DestroyKey":
		id := key("id")
		return diffCall{fmt.Sprintf("%s DestroyKey %d", table, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			return nil, model(b).DestroyKey(tx, id)
		}}
	case "DestroyAll", "UpdateAll":
		lo := key("lo")
		set := text("set")
		return diffCall{fmt.Sprintf("%s %s id >= %d", table, op, lo), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			where := query.Gte("id", lo)
			if op == "DestroyAll" {
				return model(b).DestroyAll(tx, where)
			}
			col := map[string]string{"Post": "title", "Comment": "body", "Reply": "text", "Like": "who"}[table]
			return model(b).UpdateAll(tx, where, memrel.Row{col: set})
		}}
	case "Set", "Add", "Remove":
		src, ks, destroy := key("src"), keys("targets"), rapid.Bool().Draw(t, "destroy")
		return diffCall{fmt.Sprintf("%s %s(%d, %v, destroy %v)", table, op, src, ks, destroy), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			a := hasMany(b)
			switch op {
			case "Set":
				return nil, a.set(tx, src, ks, &memrel.SetOptions{DestroyPrevious: destroy})
			case "Add":
				return nil, a.add(tx, src, ks)
			}
			return nil, a.remove(tx, src, ks, &memrel.RemoveOptions{Destroy: destroy})
		}}
	case "HasManyCreate":
		src, id := key("src"), key("id")
		return diffCall{fmt.Sprintf("%s HasManyCreate(%d, id %d)", table, src, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			switch table {
			case "Post":
				return b.Comments.Create(tx, fixture.Post{ID: src}, fixture.Comment{ID: id, Body: "via"})
			case "Comment":
				return b.Replies.Create(tx, fixture.Comment{ID: src}, fixture.Reply{ID: id, Text: "via"})
			}
			return b.Likes.Create(tx, fixture.Reply{ID: src}, fixture.Like{ID: id, Who: "via"})
		}}
	case "Get":
		src := key("src")
		return diffCall{fmt.Sprintf("%s Get(%d)", table, src), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			switch table {
			case "Post":
				return b.Comments.Get(tx, fixture.Post{ID: src}, nil)
			case "Comment":
				return b.Replies.Get(tx, fixture.Comment{ID: src}, nil)
			case "Reply":
				return b.Likes.Get(tx, fixture.Reply{ID: src}, nil)
			}
			r, ok, err := b.Likes.Inverse().Get(tx, fixture.Like{ID: src})
			return []any{r, ok}, err
		}}
	}
	// FindAll: posts with their comments, replies and likes, by title.
	return diffCall{"Post FindAll with includes", func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
		return b.Post.FindAll(tx, &memrel.Options{Order: []query.Order{query.Desc("title"), query.Asc("id")},
			Include: []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies,
				Include: []memrel.Include{{Assoc: b.Likes}}}}}}})
	}}
}

// errDiffRollback rolls a step's transaction back.
var errDiffRollback = errors.New("roll back")

func TestDifferential_MemoryAndPostgreSQL_SameResultsSameTables(t *testing.T) {
	boundChecks(t, diffChecks)
	o := newPGOpener(t)
	b := fixture.Blog(t, fixture.BlogOptions{})
	steps, calls, failed := 0, 0, 0 // for the log: how much ran
	rapid.Check(t, func(rt *rapid.T) {
		mem, err := b.Schema.Open()
		require.NoError(rt, err)
		defer func() { _ = mem.Close() }()
		pgs := o.open(rt, b.Schema)
		defer func() { _ = pgs.Close() }()
		stores := []*memrel.Store{mem, pgs}
		rt.Repeat(map[string]func(*rapid.T){
			// A step is one transaction of one to three calls, committed
			// or rolled back, the same on both engines.
			"Step": func(rt *rapid.T) {
				drawn := rapid.SliceOfN(rapid.Custom(diffDrawCall), 1, 3).Draw(rt, "calls")
				rollback := rapid.IntRange(0, 4).Draw(rt, "rollback") == 0
				var got [2][]string
				var ends [2]error
				steps++
				for i, db := range stores {
					ends[i] = db.Update(func(tx *memrel.Txn) error {
						for _, c := range drawn {
							v, err := c.run(b, tx)
							got[i] = append(got[i], c.name+": "+diffOutcome(v, err))
							if i == 0 {
								calls++
								if err != nil {
									failed++
								}
							}
						}
						if rollback {
							return errDiffRollback
						}
						return nil
					})
				}
				require.Equal(rt, got[0], got[1], "the calls' results on PostgreSQL, after the memory engine's")
				require.Equal(rt, ends[0], ends[1], "the transaction's end")
			},
			// After every step, the tables are the same.
			"": func(rt *rapid.T) {
				want, err := memreltest.Dump(mem)
				require.NoError(rt, err)
				have, err := memreltest.Dump(pgs)
				require.NoError(rt, err)
				require.Equal(rt, want, have, "the tables on PostgreSQL, after the memory engine's")
			},
		})
	})
	t.Logf("%d steps, %d calls on each engine, %d of them failing (the same way on both)", steps, calls, failed)
}
