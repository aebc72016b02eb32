package badinput

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
)

// InputCases are bad values given to each entry point in a live write
// transaction, t's (a case declares a schema of its own).
func InputCases(t testing.TB) []Case {
	p1, p3 := fixture.StrictPost{ID: 1}, fixture.StrictPost{ID: 3}
	c1 := fixture.StrictComment{ID: 1}
	unsavedPost, unsavedComment := fixture.StrictPost{Slug: "u", Title: "U"}, fixture.StrictComment{Body: fixture.Str("u")}
	missingPost := fixture.StrictPost{ID: 999}
	fieldErr := as[*memrel.FieldError]
	valErr := as[*memrel.ValidationError]
	uniqErr := as[*memrel.UniqueConstraintError]
	fkErr := as[*memrel.ForeignKeyConstraintError]
	assocErr := as[*memrel.AssociationError]
	eagerErr := as[*memrel.EagerLoadingError]
	nfErr := as[*memrel.NotFoundError]
	findAll := func(o *memrel.Options) func(e *Env, tx *memrel.Txn) error {
		return func(e *Env, tx *memrel.Txn) error { return Err(e.Post.FindAll(tx, o)) }
	}
	where := func(c query.Cond) func(e *Env, tx *memrel.Txn) error {
		return findAll(&memrel.Options{Where: c})
	}
	// bigKeys is a huge batch of existing comment keys (repeated) with one
	// unknown key in the middle.
	bigKeys := func(e *Env, unknown any) []any {
		keys := make([]any, 100_000)
		for i := range keys {
			keys[i] = int64(3 + i%e.NComments)
		}
		keys[len(keys)/2] = unknown
		return keys
	}
	return []Case{
		// The read and write surface of issue 16.
		{Name: "Patch unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Patch(tx, 1, map[string]any{"nope": 1}))
		}, Is: memrel.ErrUnknownField, As: fieldErr(), Msg: []string{"Post", "nope"}},
		{Name: "Patch NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Patch(tx, 1, map[string]any{"body": nil}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},
		{Name: "Patch missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Patch(tx, 999, map[string]any{"title": "x"}))
		}, Is: memrel.ErrNotFound, As: nfErr(), Msg: []string{"Post", "999"}},
		{Name: "Patch duplicate unique", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Patch(tx, 2, map[string]any{"slug": "a"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "a"}},
		{Name: "CountGroups unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.CountGroups(tx, nil, "nope"))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "CountGroups no field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.CountGroups(tx, nil))
		}, As: fieldErr(), Msg: []string{"Post", "group"}},
		{Name: "Sum of text", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(memrel.Sum[int64](tx, e.Post, "slug", nil))
		}, Is: memrel.ErrNotNumeric, Msg: []string{"Post", "slug"}},
		{Name: "Avg unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(memrel.Avg(tx, e.Post, "nope", nil))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "Max into the wrong type", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(memrel.Max[int64](tx, e.Post, "slug", nil))
		}, Is: memrel.ErrBadValue, Msg: []string{"Post", "slug"}},
		{Name: "Upsert unusable conflict key", Op: func(e *Env, tx *memrel.Txn) error {
			_, _, err := e.Post.Upsert(tx, fixture.StrictPost{Slug: "a", Title: "x"}, &memrel.UpsertOptions{OnConflict: []string{"title"}})
			return err
		}, Is: memrel.ErrConflictKey, Msg: []string{"Post", "title"}},
		{Name: "Increment text", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Increment(tx, query.Cond{}, map[string]any{"slug": 1}))
		}, Is: memrel.ErrNotNumeric, Msg: []string{"Post", "slug"}},
		{Name: "BulkCreate duplicate in the batch", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.BulkCreate(tx, []fixture.StrictPost{{Slug: "q", Title: "1"}, {Slug: "q", Title: "2"}}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "q"}},
		{Name: "FindOrCreate operator where", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindOrCreate(tx, query.Gt("rank", 1000), fixture.StrictPost{Slug: "g", Title: "G"}))
		}, As: valErr(), Msg: []string{"Post"}},
		{Name: "Create with rows no include names", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N", Comments: []fixture.StrictComment{{Body: fixture.Str("c")}}}))
		}, Is: memrel.ErrAssociationField, As: fieldErr(), Msg: []string{"Post", "Comments"}},
		{Name: "Nested create failing child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{Slug: "n", Title: "N", Comments: []fixture.StrictComment{{}}},
				memrel.Include{Assoc: e.Comments}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},
		{Name: "Restore on a model that is not paranoid", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Restore(tx, query.Cond{}))
		}, Is: memrel.ErrNotParanoid, Msg: []string{"Post"}},
		// Model.Create
		{Name: "Create duplicate unique", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{Slug: "a", Title: "dup"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "a"}},
		{Name: "Create duplicate PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Create(tx, fixture.StrictPost{ID: 1, Slug: "new", Title: "dup"}))
		}, As: uniqErr(), Msg: []string{"Post", "id", "1"}},
		{Name: "Create duplicate string PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Tag.Create(tx, fixture.StrictTag{Code: "go", Label: "again"}))
		}, As: uniqErr(), Msg: []string{"Tag", "code", "go"}},
		{Name: "Create FK to missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Create(tx, fixture.StrictComment{PostID: 999, Body: fixture.Str("x")}))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "999"}},
		{Name: "Create zero FK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Create(tx, fixture.StrictComment{Body: fixture.Str("x")}))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "0"}},
		{Name: "Create nullable FK to missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Book.Create(tx, fixture.StrictBook{AuthorID: fixture.I64(-7), Title: "x"}))
		}, As: fkErr(), Msg: []string{"Book", "authorId", "-7"}},
		{Name: "Create string FK to missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Note.Create(tx, fixture.StrictNote{TagCode: fixture.Str("rust"), Kind: "tag"}))
		}, As: fkErr(), Msg: []string{"Note", "tagCode", "rust"}},
		{Name: "Create NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Create(tx, fixture.StrictComment{PostID: 1}))
		}, As: valErr(), Msg: []string{"Comment", "body", "null"}},
		{Name: "Create NULL and bad FK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Create(tx, fixture.StrictComment{PostID: 999}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},

		// Model.FindByPK: wrong key types
		{Name: "FindByPK string key for int PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, "1"))
		}, Is: memrel.ErrBadKey, As: fieldErr(), Msg: []string{"Post", "id", `"1"`}},
		{Name: "FindByPK fractional float", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, 1.5))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", "1.5"}},
		{Name: "FindByPK NaN", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, math.NaN()))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", "NaN"}},
		{Name: "FindByPK struct key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, struct{ X int }{1}))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "FindByPK instance as key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, p1))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "FindByPK nil key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, nil))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "FindByPK uint64 overflow", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindByPK(tx, uint64(math.MaxUint64)))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", "18446744073709551615"}},
		{Name: "FindByPK int key for string PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Tag.FindByPK(tx, 1))
		}, Is: memrel.ErrBadKey, Msg: []string{"Tag", "code"}},
		{Name: "FindByPK bytes key for string PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Tag.FindByPK(tx, []byte("go")))
		}, Is: memrel.ErrBadKey, Msg: []string{"Tag", "code"}},

		// FindAll / FindOne / Count options
		{Name: "where unknown field", Op: where(query.Eq("nope", 1)),
			Is: memrel.ErrUnknownField, As: fieldErr(), Msg: []string{"Post", "nope"}},
		{Name: "where unknown field nested", Op: where(query.Or(query.Eq("id", 1), query.Not(query.And(query.Gt("rank", 1), query.IsNull("nope2"))))),
			Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope2"}},
		{Name: "where association name as field", Op: where(query.Eq("comments", 1)),
			Is: memrel.ErrUnknownField, Msg: []string{"Post", "comments"}},
		{Name: "where wrong value type", Op: where(query.Eq("id", "x")),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "id", `"x"`}},
		{Name: "where struct value", Op: where(query.Eq("title", struct{}{})),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "title"}},
		{Name: "where slice value", Op: where(query.Eq("slug", []string{"a"})),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "slug"}},
		{Name: "where between bad bound", Op: where(query.Between("id", 1, "z")),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "id", `"z"`}},
		{Name: "where in bad element", Op: where(query.In("id", 1, 2, 1.25)),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "id", "1.25"}},
		{Name: "where int overflow", Op: where(query.Gt("id", uint64(math.MaxUint64))),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "id"}},
		{Name: "where like on integer", Op: where(query.Like("id", "1%")),
			Is: memrel.ErrBadOperator, Msg: []string{"Post", "id"}},
		{Name: "where startsWith on pointer int", Op: where(query.StartsWith("rank", "1")),
			Is: memrel.ErrBadOperator, Msg: []string{"Post", "rank"}},
		{Name: "where zero-value cond inside Not", Op: where(query.Not(query.Eq("", 1))),
			Is: memrel.ErrUnknownField, Msg: []string{"Post"}},
		{Name: "order unknown field", Op: findAll(&memrel.Options{Order: []query.Order{query.Asc("id"), query.Desc("nope")}}),
			Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "order empty field", Op: findAll(&memrel.Options{Order: []query.Order{{}}}),
			Is: memrel.ErrUnknownField, Msg: []string{"Post"}},
		{Name: "fields unknown", Op: findAll(&memrel.Options{Fields: []string{"id", "nope"}}),
			Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "negative limit", Op: findAll(&memrel.Options{Limit: -1}),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "limit"}},
		{Name: "negative offset", Op: findAll(&memrel.Options{Offset: -1}),
			Is: memrel.ErrBadValue, Msg: []string{"Post", "offset"}},
		{Name: "include unrelated association", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Books}}}))
		}, As: eagerErr(), Msg: []string{"Post", "Author.books"}},
		{Name: "include nil association", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{}}}))
		}, As: eagerErr(), Msg: []string{"Post"}},
		{Name: "include unrelated nested", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments, Include: []memrel.Include{{Assoc: e.Reviews}}}}}))
		}, As: eagerErr(), Msg: []string{"Comment", "Book.reviews"}},
		{Name: "include inverse from wrong side", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.CommentPost}}}))
		}, As: eagerErr(), Msg: []string{"Post", "post"}},
		{Name: "include where unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments, Where: query.Eq("nope", 1)}}}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Comment", "nope"}},
		{Name: "include without struct field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Book.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.BookAuthor}}}))
		}, As: assocErr(), Msg: []string{"author"}},
		{Name: "FindOne unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindOne(tx, &memrel.Options{Where: query.Eq("nope", 1)}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "FindOne bad order", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.Post.FindOne(tx, &memrel.Options{Order: []query.Order{query.Asc("nope")}}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "Count unknown field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Count(tx, &memrel.Options{Where: query.Ne("nope", nil)}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "Count bad value", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Count(tx, &memrel.Options{Where: query.Lt("rank", "high")}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Post", "rank", "high"}},

		// Model.Update / UpdateKey
		{Name: "Update missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Update(tx, fixture.StrictPost{ID: 999, Slug: "z", Title: "Z"}))
		}, Is: memrel.ErrNotFound, As: nfErr(), Msg: []string{"Post", "999"}},
		{Name: "Update unsaved instance", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Update(tx, unsavedPost))
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "Update duplicate unique", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.Update(tx, fixture.StrictPost{ID: 1, Slug: "b", Title: "A"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "b"}},
		{Name: "Update NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Update(tx, fixture.StrictComment{ID: 1, PostID: 1}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},
		{Name: "Update FK to missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.Update(tx, fixture.StrictComment{ID: 1, PostID: 999, Body: fixture.Str("x")}))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "999"}},
		{Name: "UpdateKey string key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateKey(tx, "1", fixture.StrictPost{ID: 1, Slug: "a", Title: "A"}))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", `"1"`}},
		{Name: "UpdateKey nil key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateKey(tx, nil, fixture.StrictPost{ID: 1, Slug: "a", Title: "A"}))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "UpdateKey onto existing PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateKey(tx, 1, fixture.StrictPost{ID: 2, Slug: "a", Title: "A"}))
		}, As: uniqErr(), Msg: []string{"Post", "id", "2"}},
		{Name: "UpdateKey restricted by children", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Author.UpdateKey(tx, 1, fixture.StrictAuthor{ID: 50, Name: "ann"}))
		}, As: fkErr(), Msg: []string{"Book", "authorId", "1", "onUpdate"}},
		{Name: "UpdateKey re-key with duplicate unique", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateKey(tx, 1, fixture.StrictPost{ID: 10, Slug: "b", Title: "A"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "b"}},

		// Model.Destroy / DestroyKey
		{Name: "DestroyKey missing row", Op: func(e *Env, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 999) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "DestroyKey wrong key type", Op: func(e *Env, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, "1") },
			Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "DestroyKey float key", Op: func(e *Env, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, 2.5) },
			Is: memrel.ErrBadKey, Msg: []string{"Post", "id", "2.5"}},
		{Name: "DestroyKey nil key", Op: func(e *Env, tx *memrel.Txn) error { return e.Post.DestroyKey(tx, nil) },
			Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "DestroyKey int key for string PK", Op: func(e *Env, tx *memrel.Txn) error { return e.Tag.DestroyKey(tx, -1) },
			Is: memrel.ErrBadKey, Msg: []string{"Tag", "code"}},
		{Name: "Destroy unsaved instance", Op: func(e *Env, tx *memrel.Txn) error { return e.Post.Destroy(tx, unsavedPost) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "Destroy restricted by children", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Author.Destroy(tx, fixture.StrictAuthor{ID: 1})
		}, As: fkErr(), Msg: []string{"Book", "authorId", "onDelete"}},
		{Name: "Destroy restricted by grandchildren", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Book.DestroyKey(tx, 1)
		}, As: fkErr(), Msg: []string{"Review", "bookId", "1"}},

		// Model.UpdateAll / DestroyAll
		{Name: "UpdateAll unknown set field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": "x", "nope": 1}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "UpdateAll association field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"Comments": nil}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "Comments"}},
		{Name: "UpdateAll wrong value type", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": 7}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Post", "title", "7"}},
		{Name: "UpdateAll overflow", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Review.UpdateAll(tx, query.Cond{}, map[string]any{"stars": 300}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Review", "stars", "300"}},
		{Name: "UpdateAll NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": nil}))
		}, As: valErr(), Msg: []string{"Post", "title"}},
		{Name: "UpdateAll NULL into notnull pointer", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.UpdateAll(tx, query.Eq("postId", 1), map[string]any{"body": nil}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},
		{Name: "UpdateAll unknown where field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Eq("nope", 1), map[string]any{"title": "x"}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "UpdateAll duplicates a unique field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"slug": "same"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "same"}},
		{Name: "UpdateAll duplicates the PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Gt("id", 1), map[string]any{"id": 1}))
		}, As: uniqErr(), Msg: []string{"Post", "id", "1"}},
		{Name: "UpdateAll FK to missing row", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comment.UpdateAll(tx, query.Cond{}, map[string]any{"postId": 999}))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "999"}},
		{Name: "UpdateAll re-key onto existing PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Author.UpdateAll(tx, query.Eq("name", "bob"), map[string]any{"id": 1}))
		}, As: uniqErr(), Msg: []string{"Author", "id", "1"}},
		{Name: "UpdateAll re-key one restricted", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Author.UpdateAll(tx, query.Eq("name", "ann"), map[string]any{"id": 77}))
		}, As: fkErr(), Msg: []string{"Book", "authorId", "onUpdate"}},
		{Name: "DestroyAll unknown where field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.DestroyAll(tx, query.Eq("nope", 1)))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Post", "nope"}},
		{Name: "DestroyAll bad value", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.DestroyAll(tx, query.In("id", "x")))
		}, Is: memrel.ErrBadValue, Msg: []string{"Post", "id"}},
		{Name: "DestroyAll restricted", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Author.DestroyAll(tx, query.Cond{}))
		}, As: fkErr(), Msg: []string{"Book", "authorId"}},
		{Name: "DestroyAll cascade hits restrict", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Book.DestroyAll(tx, query.Cond{}))
		}, As: fkErr(), Msg: []string{"Review", "bookId"}},

		// HasMany reads
		{Name: "Get unsaved source", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Get(tx, unsavedPost, nil)) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "Get missing source", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Get(tx, missingPost, nil)) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "Get missing string source", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Notes.Get(tx, fixture.StrictTag{Code: "zig"}, nil))
		}, Is: memrel.ErrNotFound, Msg: []string{"Tag", "zig"}},
		{Name: "Get unknown where field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Get(tx, p1, &memrel.Options{Where: query.Eq("slug", "a")}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Comment", "slug"}},
		{Name: "Get unknown order field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Get(tx, p1, &memrel.Options{Order: []query.Order{query.Desc("nope")}}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Comment", "nope"}},
		{Name: "Get unknown selected field", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Get(tx, p1, &memrel.Options{Fields: []string{"nope"}}))
		}, Is: memrel.ErrUnknownField, Msg: []string{"Comment", "nope"}},
		{Name: "Get negative offset", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Get(tx, p1, &memrel.Options{Offset: -2}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Comment"}},
		{Name: "Get include unrelated", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Get(tx, p1, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}}}))
		}, As: eagerErr(), Msg: []string{"Comment", "Post.comments"}},
		{Name: "GetMany one missing source", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.GetMany(tx, []fixture.StrictPost{p1, missingPost}, nil))
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "GetMany bad where", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.GetMany(tx, []fixture.StrictPost{p1}, &memrel.Options{Where: query.Like("postId", "%")}))
		}, Is: memrel.ErrBadOperator, Msg: []string{"Comment", "postId"}},
		{Name: "Count missing source", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Count(tx, missingPost, nil)) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "Count bad where", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Count(tx, p1, &memrel.Options{Where: query.Eq("body", 1)}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Comment", "body"}},
		{Name: "Has missing source", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.Has(tx, missingPost, c1)) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "HasKeys string key", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, "1")) },
			Is: memrel.ErrBadKey, Msg: []string{"comments", "Comment", "id"}},
		{Name: "HasKeys float key", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, 1.5)) },
			Is: memrel.ErrBadKey, Msg: []string{"comments", "1.5"}},
		{Name: "HasKeys struct key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.HasKeys(tx, p1, struct{}{}))
		}, Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "HasKeys wrong model", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, p1)) },
			Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "HasKeys wrong model pointer", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, &p1)) },
			Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "HasKeys nil key", Op: func(e *Env, tx *memrel.Txn) error { return Err(e.Comments.HasKeys(tx, p1, nil)) },
			Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "HasKeys nil instance pointer", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.HasKeys(tx, p1, (*fixture.StrictComment)(nil)))
		}, As: assocErr(), Msg: []string{"comments", "nil"}},

		// HasMany.Add / AddKeys
		{Name: "Add missing source", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.Add(tx, missingPost, c1) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "Add unsaved source", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.Add(tx, unsavedPost, c1) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "Add unsaved target", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Add(tx, fixture.StrictPost{ID: 2}, c1, unsavedComment)
		}, Is: memrel.ErrNotFound, As: nfErr(), Msg: []string{"Comment", "0"}},
		{Name: "AddKeys unknown key", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 999) },
			Is: memrel.ErrNotFound, Msg: []string{"Comment", "999"}},
		{Name: "AddKeys duplicate keys and unknown", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 1, int64(1), &c1, c1, 2, 2, 888)
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "888"}},
		{Name: "AddKeys 100k keys with one unknown", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, bigKeys(e, 123456789)...)
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "123456789"}},
		{Name: "AddKeys 100k keys with one bad type", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, bigKeys(e, "3")...)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments", `"3"`}},
		{Name: "AddKeys string key for int PK", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, "1") },
			Is: memrel.ErrBadKey, Msg: []string{"comments", `"1"`}},
		{Name: "AddKeys wrong model", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, p3) },
			Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "AddKeys wrong model after good keys", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, fixture.StrictPost{ID: 2}, 1, 2, &p3)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "AddKeys string key for int PK of string-keyed source", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Notes.AddKeys(tx, fixture.StrictTag{Code: "go"}, "1")
		}, Is: memrel.ErrBadKey, Msg: []string{"Tag.notes", "Note", `"1"`}},
		{Name: "AddKeys nil key", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.AddKeys(tx, p1, nil) },
			Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "AddKeys nil instance pointer", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.AddKeys(tx, p1, (*fixture.StrictComment)(nil))
		}, As: assocErr(), Msg: []string{"comments", "nil"}},
		{Name: "Add missing string source", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Notes.Add(tx, fixture.StrictTag{Code: "nope"}, fixture.StrictNote{ID: 1})
		}, Is: memrel.ErrNotFound, Msg: []string{"Tag", "nope"}},

		// HasMany.Set / SetKeys
		{Name: "Set missing source", Op: func(e *Env, tx *memrel.Txn) error { return e.Comments.Set(tx, missingPost, nil, nil) },
			Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "Set unsaved source", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Set(tx, unsavedPost, []fixture.StrictComment{c1}, &memrel.SetOptions{DestroyPrevious: true})
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "Set unsaved target", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Set(tx, p3, []fixture.StrictComment{unsavedComment}, nil)
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "0"}},
		{Name: "SetKeys unknown key", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p3, []any{1, 999}, nil)
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "999"}},
		{Name: "SetKeys 100k keys with one unknown", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, bigKeys(e, -1), nil)
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "-1"}},
		{Name: "SetKeys wrong key type", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, []any{true}, nil)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments", "true"}},
		{Name: "SetKeys wrong model", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.SetKeys(tx, p1, []any{fixture.StrictBook{ID: 1}}, nil)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "Set un-associating restricted rows", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Books.Set(tx, fixture.StrictAuthor{ID: 1}, nil, &memrel.SetOptions{DestroyPrevious: true})
		}, As: fkErr(), Msg: []string{"Review", "bookId"}},

		// HasMany.Remove / RemoveKeys
		{Name: "Remove missing source", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, missingPost, []fixture.StrictComment{c1}, nil)
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "Remove unsaved source", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.Remove(tx, unsavedPost, nil, nil)
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "RemoveKeys wrong key type", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p1, []any{1, "2"}, nil)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments", `"2"`}},
		{Name: "RemoveKeys wrong model", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p1, []any{&p1}, nil)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments"}},
		{Name: "RemoveKeys 100k keys with one bad type", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Comments.RemoveKeys(tx, p3, bigKeys(e, 3.25), nil)
		}, Is: memrel.ErrBadKey, Msg: []string{"comments", "3.25"}},
		{Name: "Remove destroy restricted", Op: func(e *Env, tx *memrel.Txn) error {
			return e.Books.RemoveKeys(tx, fixture.StrictAuthor{ID: 1}, []any{1}, &memrel.RemoveOptions{Destroy: true})
		}, As: fkErr(), Msg: []string{"Review", "bookId"}},

		// HasMany.Create
		{Name: "HasMany.Create missing source", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Create(tx, missingPost, fixture.StrictComment{Body: fixture.Str("x")}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "999"}},
		{Name: "HasMany.Create unsaved source", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Create(tx, unsavedPost, fixture.StrictComment{Body: fixture.Str("x")}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Post", "0"}},
		{Name: "HasMany.Create NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Create(tx, p1, fixture.StrictComment{}))
		}, As: valErr(), Msg: []string{"Comment", "body"}},
		{Name: "HasMany.Create duplicate PK", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Comments.Create(tx, p1, fixture.StrictComment{ID: 2, Body: fixture.Str("x")}))
		}, As: uniqErr(), Msg: []string{"Comment", "id", "2"}},

		// BelongsTo
		{Name: "BelongsTo.Get unsaved child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.CommentPost.Get(tx, unsavedComment))
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "0"}},
		{Name: "BelongsTo.Get missing child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(e.CommentPost.Get(tx, fixture.StrictComment{ID: 999}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "999"}},
		{Name: "BelongsTo.Set unsaved parent", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Set(tx, c1, unsavedPost))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "Post"}},
		{Name: "BelongsTo.Set missing parent", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Set(tx, c1, missingPost))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "999"}},
		{Name: "BelongsTo.Set missing child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Set(tx, fixture.StrictComment{ID: 999}, p1))
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "999"}},
		{Name: "BelongsTo.Set unsaved child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.BookAuthor.Set(tx, fixture.StrictBook{Title: "u"}, fixture.StrictAuthor{ID: 2}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Book", "0"}},
		{Name: "BelongsTo.SetKey missing parent", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.SetKey(tx, c1, 999))
		}, As: fkErr(), Msg: []string{"Comment", "postId", "999"}},
		{Name: "BelongsTo.SetKey string key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.SetKey(tx, c1, "2"))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", `"2"`}},
		{Name: "BelongsTo.SetKey float key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.SetKey(tx, c1, 2.5))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id", "2.5"}},
		{Name: "BelongsTo.SetKey instance as key", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.SetKey(tx, c1, p1))
		}, Is: memrel.ErrBadKey, Msg: []string{"Post", "id"}},
		{Name: "BelongsTo.SetKey nil into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.SetKey(tx, c1, nil))
		}, As: valErr(), Msg: []string{"Comment", "postId"}},
		{Name: "BelongsTo.SetKey missing child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.BookAuthor.SetKey(tx, fixture.StrictBook{ID: 77}, 1))
		}, Is: memrel.ErrNotFound, Msg: []string{"Book", "77"}},
		{Name: "BelongsTo.Create duplicate parent", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Create(tx, c1, fixture.StrictPost{Slug: "a", Title: "dup"}))
		}, As: uniqErr(), Msg: []string{"Post", "slug", "a"}},
		{Name: "BelongsTo.Create missing child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.CommentPost.Create(tx, fixture.StrictComment{ID: 999}, fixture.StrictPost{Slug: "n", Title: "N"}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Comment", "999"}},
		{Name: "BelongsTo.Create unsaved child", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.BookAuthor.Create(tx, fixture.StrictBook{}, fixture.StrictAuthor{Name: "new"}))
		}, Is: memrel.ErrNotFound, Msg: []string{"Book"}},

		// Values an error carries are copies: writing to them changes
		// nothing stored.
		{Name: "Destroy SET NULL into NOT NULL bytes FK, error value written", Op: func(e *Env, tx *memrel.Txn) error {
			err := e.Doc.DestroyKey(tx, 1)
			var ve *memrel.ValidationError
			if errors.As(err, &ve) {
				scribble(ve.Items[0].Value)
			}
			return err
		}, As: valErr(), Msg: []string{"Part", "docCode", "null"}},
		{Name: "UpdateAll re-key restricted by bytes FK, error value written", Op: func(e *Env, tx *memrel.Txn) error {
			_, err := e.Doc.UpdateAll(tx, query.Eq("id", 1), map[string]any{"code": []byte("d9")})
			var fe *memrel.ForeignKeyConstraintError
			if errors.As(err, &fe) {
				scribble(fe.Value)
			}
			return err
		}, As: fkErr(), Msg: []string{"Part", "docCode", "onUpdate"}},
		{Name: "FindByPK bytes key, error value written", Op: func(e *Env, tx *memrel.Txn) error {
			err := Err3(e.Doc.FindByPK(tx, []byte("d1")))
			var fe *memrel.FieldError
			if errors.As(err, &fe) {
				scribble(fe.Value)
			}
			return err
		}, Is: memrel.ErrBadKey, Msg: []string{"Doc", "id"}},

		// float32 and []byte scopes
		{Name: "HasMany.Create with float32 and bytes scope, Info scope written, NULL into NOT NULL", Op: func(e *Env, tx *memrel.Txn) error {
			scribble(e.Parts.Info().Scope["kind"])
			return Err(e.Parts.Create(tx, fixture.StrictDoc{ID: 1}, fixture.StrictPart{}))
		}, As: valErr(), Msg: []string{"Part", "body"}},
		{Name: "UpdateAll float32 overflow", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Part.UpdateAll(tx, query.Cond{}, map[string]any{"weight": 1e300}))
		}, Is: memrel.ErrBadValue, As: fieldErr(), Msg: []string{"Part", "weight"}},
		{Name: "UpdateAll float32 underflow", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Part.UpdateAll(tx, query.Cond{}, map[string]any{"Weight": -1e-60}))
		}, Is: memrel.ErrBadValue, Msg: []string{"Part", "Weight", "-1e-60"}},

		// One field named twice
		{Name: "UpdateAll column and Go name", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.UpdateAll(tx, query.Eq("id", 1), map[string]any{"slug": "x", "Slug": "y"}))
		}, Is: memrel.ErrDuplicateField, As: fieldErr(), Msg: []string{"Post", "slug", "named twice"}},
		{Name: "include one association twice", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments}, {Assoc: e.Comments, Required: memrel.Required}}}))
		}, Is: memrel.ErrDuplicateField, Msg: []string{"Post", "Comments", "named twice"}},
		{Name: "include one inverse twice, nested", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: e.Comments,
				Include: []memrel.Include{{Assoc: e.CommentPost}, {Assoc: e.CommentPost}}}}}))
		}, Is: memrel.ErrDuplicateField, Msg: []string{"Comment", "Post", "named twice"}},
		// Snapshots: junk, failing I/O (the crafted ones, of the memory
		// engine's format, are the root's)
		{Name: "Load junk", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Schema.Load(strings.NewReader("GIF89a" + strings.Repeat("\x00", 1000))))
		}, Is: memrel.ErrBadSnapshot, Msg: []string{"not a memrel snapshot"}},
		{Name: "Load reader error", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Schema.Load(iotest.ErrReader(ErrBoom)))
		}, Is: ErrBoom, As: as[*memrel.SnapshotError](), Msg: []string{"reading snapshot", "boom"}},
		{Name: "LoadFile missing file", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Schema.LoadFile(filepath.Join(os.TempDir(), "memrel-no-such-dir", "none.snap")))
		}, Is: fs.ErrNotExist, As: as[*memrel.SnapshotError](), Msg: []string{"opening snapshot"}},
		{Name: "Save to a failing writer", Op: func(e *Env, tx *memrel.Txn) error {
			return e.DB.Save(failWriter{ErrBoom})
		}, Is: ErrBoom, As: as[*memrel.SnapshotError](), Msg: []string{"writing snapshot", "boom"}},
		{Name: "SaveFile into a missing directory", Op: func(e *Env, tx *memrel.Txn) error {
			return e.DB.SaveFile(filepath.Join(os.TempDir(), "memrel-no-such-dir", "x.snap"))
		}, Is: fs.ErrNotExist, As: as[*memrel.SnapshotError](), Msg: []string{"saving snapshot"}},

		// Zero values of the handles themselves
		{Name: "zero Model", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(new(memrel.Model[fixture.StrictPost]).FindAll(tx, nil))
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
		{Name: "zero Model Create", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(new(memrel.Model[fixture.StrictPost]).Create(tx, fixture.StrictPost{Slug: "z", Title: "z"}))
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
		{Name: "zero HasMany", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]).Get(tx, p1, nil))
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
		{Name: "zero HasMany AddKeys", Op: func(e *Env, tx *memrel.Txn) error {
			return new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]).AddKeys(tx, p1, 1)
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
		{Name: "zero BelongsTo", Op: func(e *Env, tx *memrel.Txn) error {
			return Err3(new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]).Get(tx, c1))
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
		{Name: "include typed nil association", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: (*memrel.HasMany[fixture.StrictPost, fixture.StrictComment])(nil)}}}))
		}, As: eagerErr(), Msg: []string{"Post"}},
		{Name: "include zero association", Op: func(e *Env, tx *memrel.Txn) error {
			return Err(e.Post.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment])}}}))
		}, As: eagerErr(), Msg: []string{"Post"}},
		{Name: "model of another schema", Op: func(e *Env, tx *memrel.Txn) error {
			other := fixture.Strict(t)
			return Err(other.Post.Create(tx, fixture.StrictPost{Slug: "z", Title: "z"}))
		}, Is: memrel.ErrWrongStore, Msg: []string{"does not belong"}},
	}
}

// rlHandleValues calls every method and function of the handle types that
// returns no error, on nil and zero handles (and Define and NewHasMany on
