package pg

import (
	"fmt"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"pgregory.net/rapid"
)

// The differential machine's calls on the blog: Post 1-n Comment (SET
// NULL), Comment 1-n Reply (NOT NULL: CASCADE), Reply 1-n Like (SET
// NULL), every onUpdate CASCADE.

// diffDrawBlog draws one call on the blog.
func diffDrawBlog(t *rapid.T) diffCall[*fixture.BlogModels] {
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
			return diffAssocOf(b.Comments, func(k any) fixture.Post { return fixture.Post{ID: k.(int64)} })
		case "Comment":
			return diffAssocOf(b.Replies, func(k any) fixture.Comment { return fixture.Comment{ID: k.(int64)} })
		}
		return diffAssocOf(b.Likes, func(k any) fixture.Reply { return fixture.Reply{ID: k.(int64)} })
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
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s %s %d", table, op, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			return fn(b, tx, id)
		}}
	case "UpdateKey":
		old, nw := key("old"), key("new")
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s UpdateKey %d -> %d", table, old, nw), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			if nw%2 == 0 { // both ways of re-keying
				return model(b).Patch(tx, old, memrel.Row{"id": nw})
			}
			return model(b).UpdateAll(tx, query.Eq("id", old), memrel.Row{"id": nw})
		}}
	case "DestroyKey":
		id := key("id")
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s DestroyKey %d", table, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			return nil, model(b).DestroyKey(tx, id)
		}}
	case "DestroyAll", "UpdateAll":
		lo := key("lo")
		set := text("set")
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s %s id >= %d", table, op, lo), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
			where := query.Gte("id", lo)
			if op == "DestroyAll" {
				return model(b).DestroyAll(tx, where)
			}
			col := map[string]string{"Post": "title", "Comment": "body", "Reply": "text", "Like": "who"}[table]
			return model(b).UpdateAll(tx, where, memrel.Row{col: set})
		}}
	case "Set", "Add", "Remove":
		src, ks, destroy := key("src"), keys("targets"), rapid.Bool().Draw(t, "destroy")
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s %s(%d, %v, destroy %v)", table, op, src, ks, destroy), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
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
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s HasManyCreate(%d, id %d)", table, src, id), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
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
		return diffCall[*fixture.BlogModels]{fmt.Sprintf("%s Get(%d)", table, src), func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
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
	return diffCall[*fixture.BlogModels]{"Post FindAll with includes", func(b *fixture.BlogModels, tx *memrel.Txn) (any, error) {
		return b.Post.FindAll(tx, &memrel.Options{Order: []query.Order{query.Desc("title"), query.Asc("id")},
			Include: []memrel.Include{{Assoc: b.Comments, Include: []memrel.Include{{Assoc: b.Replies,
				Include: []memrel.Include{{Assoc: b.Likes}}}}}}})
	}}
}
