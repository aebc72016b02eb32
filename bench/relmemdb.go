package bench

import (
	"encoding/binary"
	"fmt"

	"github.com/hashicorp/go-memdb"
)

// The raw go-memdb contender of the relations workload, written with the
// care of memdb.go: typed indexers, stored objects never mutated, copies
// out, and every check memrel makes (the post exists; a join row's tag
// exists; a post has one profile; deleting a post deletes its profile
// and join rows). The join table's primary key index is the pair
// (postId, tagId) encoded big-endian, so a post's join rows are one
// prefix of it, in tag order, and a pair is one seek. Its tag index is
// what a tag's deletion would cascade through; no op here reads it, but
// every join row write pays for it, as memrel's does.

// rdProfile's PostID is never 0: a profile belongs to a post.
type rdProfile struct {
	ID     int64
	Bio    string
	PostID int64
}

type rdTag struct {
	ID   int64
	Name string
}

type rdPostTag struct {
	PostID, TagID int64
}

// pairIndex indexes the two int64 fields of a composite key, read
// through a typed accessor; a prefix of one arg finds every row with that
// first field.
type pairIndex func(obj any) (a, b int64)

func (f pairIndex) FromObject(obj any) (bool, []byte, error) {
	a, b := f(obj)
	return true, appendPair(make([]byte, 0, 16), a, b), nil
}

func (f pairIndex) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("want 2 args, got %d", len(args))
	}
	a, okA := args[0].(int64)
	b, okB := args[1].(int64)
	if !okA || !okB {
		return nil, fmt.Errorf("want int64, int64, got %T, %T", args[0], args[1])
	}
	return appendPair(make([]byte, 0, 16), a, b), nil
}

func (f pairIndex) PrefixFromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("want 1 arg, got %d", len(args))
	}
	return int64Index(nil).FromArgs(args...)
}

func appendPair(buf []byte, a, b int64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(buf, uint64(a)), uint64(b))
}

// rdSchema reuses the main workload's post table: the same rows, the
// same index.
var rdSchema = &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
	"post": mdSchema.Tables["post"],
	"profile": {Name: "profile", Indexes: map[string]*memdb.IndexSchema{
		"id":   {Name: "id", Unique: true, Indexer: int64Index(func(o any) (int64, bool) { return o.(*rdProfile).ID, true })},
		"post": {Name: "post", Unique: true, Indexer: int64Index(func(o any) (int64, bool) { return o.(*rdProfile).PostID, true })},
	}},
	"tag": {Name: "tag", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: int64Index(func(o any) (int64, bool) { return o.(*rdTag).ID, true })},
	}},
	"post_tag": {Name: "post_tag", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: pairIndex(func(o any) (int64, int64) {
			j := o.(*rdPostTag)
			return j.PostID, j.TagID
		})},
		"tag": {Name: "tag", Indexer: int64Index(func(o any) (int64, bool) { return o.(*rdPostTag).TagID, true })},
	}},
}}

type relMemdbStore struct{ db *memdb.MemDB }

// OpenRelMemdb opens the raw go-memdb contender of the relations
// workload.
func OpenRelMemdb() (RelStore, error) {
	db, err := memdb.NewMemDB(rdSchema)
	if err != nil {
		return nil, err
	}
	return &relMemdbStore{db: db}, nil
}

// present fails unless table holds a row under args in index.
func present(txn *memdb.Txn, table, index string, args ...any) (any, error) {
	obj, err := txn.First(table, index, args...)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("%s %v: %w", table, args, errMdNotFound)
	}
	return obj, nil
}

// absent fails if table holds a row under args in index: an insert
// would silently replace it.
func absent(txn *memdb.Txn, table, index string, args ...any) error {
	obj, err := txn.First(table, index, args...)
	if err != nil {
		return err
	}
	if obj != nil {
		return fmt.Errorf("%s %v: already stored", table, args)
	}
	return nil
}

func (m *relMemdbStore) Load(p int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	for t := int64(1); t <= p; t++ {
		if err := txn.Insert("tag", &rdTag{ID: t, Name: TagName(t)}); err != nil {
			return err
		}
	}
	for q := int64(1); q <= p; q++ {
		if err := restore(txn, p, q); err != nil {
			return err
		}
	}
	txn.Commit()
	return nil
}

// restore inserts post q with its profile and join rows, after checking
// that none of them is stored and that the tags are. All reads come
// before the first write (see memdbStore.Set).
func restore(txn *memdb.Txn, p, q int64) error {
	tags := origTags(p, q)
	if err := absent(txn, "post", "id", q); err != nil {
		return err
	}
	if err := absent(txn, "profile", "post", q); err != nil {
		return err
	}
	if err := absent(txn, "profile", "id", ProfileID(q)); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := present(txn, "tag", "id", t); err != nil {
			return err
		}
	}
	if err := txn.Insert("post", &mdPost{ID: q, Title: Title(q)}); err != nil {
		return err
	}
	if err := txn.Insert("profile", &rdProfile{ID: ProfileID(q), Bio: Bio(q), PostID: q}); err != nil {
		return err
	}
	for _, t := range tags {
		if err := txn.Insert("post_tag", &rdPostTag{PostID: q, TagID: t}); err != nil {
			return err
		}
	}
	return nil
}

func (m *relMemdbStore) Restore(p, post int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := restore(txn, p, post); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *relMemdbStore) OneGet(post int64) (int64, bool, error) {
	txn := m.db.Txn(false)
	if err := postExists(txn, post); err != nil {
		return 0, false, err
	}
	obj, err := txn.First("profile", "post", post)
	if err != nil || obj == nil {
		return 0, false, err
	}
	pr := *obj.(*rdProfile)
	return pr.ID, true, nil
}

// joinsOf appends post's stored join rows to buf, in tag order.
func joinsOf(txn *memdb.Txn, post int64, buf []*rdPostTag) ([]*rdPostTag, error) {
	it, err := txn.Get("post_tag", "id_prefix", post)
	if err != nil {
		return nil, err
	}
	for obj := it.Next(); obj != nil; obj = it.Next() {
		buf = append(buf, obj.(*rdPostTag))
	}
	return buf, nil
}

func (m *relMemdbStore) TagsGet(post int64, buf []int64) ([]int64, error) {
	txn := m.db.Txn(false)
	if err := postExists(txn, post); err != nil {
		return nil, err
	}
	var jb [2 * KT]*rdPostTag
	js, err := joinsOf(txn, post, jb[:0])
	if err != nil {
		return nil, err
	}
	tags := make([]rdTag, 0, len(js))
	for _, j := range js {
		obj, err := txn.First("tag", "id", j.TagID)
		if err != nil {
			return nil, err
		}
		if obj != nil { // a join row's tag exists: the foreign key holds
			tags = append(tags, *obj.(*rdTag))
		}
	}
	for _, t := range tags {
		buf = append(buf, t.ID)
	}
	return buf, nil
}

func (m *relMemdbStore) TagsCount(post int64) (int, error) {
	return countOf(m.db.Txn(false), post, "post_tag", "id_prefix")
}

func (m *relMemdbStore) TagsHas(post, tag int64) (bool, error) {
	txn := m.db.Txn(false)
	if err := postExists(txn, post); err != nil {
		return false, err
	}
	obj, err := txn.First("post_tag", "id", post, tag)
	return obj != nil, err
}

func (m *relMemdbStore) TagsAdd(post, tag int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	if _, err := present(txn, "tag", "id", tag); err != nil {
		return err
	}
	obj, err := txn.First("post_tag", "id", post, tag)
	if err != nil || obj != nil {
		return err // a pair has one join row
	}
	if err := txn.Insert("post_tag", &rdPostTag{PostID: post, TagID: tag}); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *relMemdbStore) TagsRemove(post, tag int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	obj, err := txn.First("post_tag", "id", post, tag)
	if err != nil || obj == nil {
		return err
	}
	if err := txn.Delete("post_tag", obj); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *relMemdbStore) KeyGet(post, tag int64) (bool, error) {
	txn := m.db.Txn(false)
	obj, err := txn.First("post_tag", "id", post, tag)
	if err != nil || obj == nil {
		return false, err
	}
	j := *obj.(*rdPostTag) // the copy a caller would keep
	_ = j
	return true, nil
}

// PostDestroy reads the post, its profile and its join rows before it
// deletes any of them.
func (m *relMemdbStore) PostDestroy(post int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	p, err := present(txn, "post", "id", post)
	if err != nil {
		return err
	}
	pr, err := txn.First("profile", "post", post)
	if err != nil {
		return err
	}
	var jb [2 * KT]*rdPostTag
	js, err := joinsOf(txn, post, jb[:0])
	if err != nil {
		return err
	}
	if err := txn.Delete("post", p); err != nil {
		return err
	}
	if pr != nil {
		if err := txn.Delete("profile", pr); err != nil {
			return err
		}
	}
	for _, j := range js {
		if err := txn.Delete("post_tag", j); err != nil {
			return err
		}
	}
	txn.Commit()
	return nil
}

func (m *relMemdbStore) Dump() (RelDump, error) {
	txn := m.db.Txn(false)
	var d RelDump
	each := func(table string, f func(obj any)) error {
		it, err := txn.Get(table, "id")
		if err != nil {
			return err
		}
		for obj := it.Next(); obj != nil; obj = it.Next() {
			f(obj)
		}
		return nil
	}
	for _, err := range []error{
		each("post", func(o any) { d.Posts = append(d.Posts, o.(*mdPost).ID) }),
		each("profile", func(o any) {
			pr := o.(*rdProfile)
			d.Profiles = append(d.Profiles, [2]int64{pr.ID, pr.PostID})
		}),
		each("post_tag", func(o any) {
			j := o.(*rdPostTag)
			d.Pairs = append(d.Pairs, [2]int64{j.PostID, j.TagID})
		}),
		each("tag", func(any) { d.Tags++ }),
	} {
		if err != nil {
			return RelDump{}, err
		}
	}
	return d, nil
}

func (m *relMemdbStore) Close() error { return nil }
