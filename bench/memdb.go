package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/go-memdb"
)

// The raw go-memdb contender: what a careful programmer writes by hand for
// the same semantics as memrel (the source post must exist, the foreign
// key is checked, deleting a post cascades), with the fewest indexes that
// answer every query, typed indexers that never reflect, and stored
// objects that are never mutated: each write inserts a fresh copy.

type mdPost struct {
	ID    int64
	Title string
}

// mdComment's PostID is 0 for NULL: ids start at 1, so no pointer is
// needed.
type mdComment struct {
	ID     int64
	Body   string
	PostID int64
}

type mdPostWithComments struct {
	mdPost
	Comments []mdComment
}

// int64Index indexes one int64 field, read through a typed accessor;
// ok=false leaves the object out of the index (a NULL foreign key).
type int64Index func(obj any) (v int64, ok bool)

func (f int64Index) FromObject(obj any) (bool, []byte, error) {
	v, ok := f(obj)
	if !ok {
		return false, nil, nil
	}
	return true, binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(v)), nil
}

func (f int64Index) FromArgs(args ...any) ([]byte, error) {
	v, ok := args[0].(int64)
	if !ok {
		return nil, fmt.Errorf("want int64, got %T", args[0])
	}
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(v)), nil
}

var mdSchema = &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
	"post": {Name: "post", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: int64Index(func(o any) (int64, bool) { return o.(*mdPost).ID, true })},
	}},
	"comment": {Name: "comment", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: int64Index(func(o any) (int64, bool) { return o.(*mdComment).ID, true })},
		"post": {Name: "post", AllowMissing: true, Indexer: int64Index(func(o any) (int64, bool) {
			c := o.(*mdComment)
			return c.PostID, c.PostID != 0
		})},
	}},
}}

var errMdNotFound = errors.New("memdb: not found")

type memdbStore struct {
	db  *memdb.MemDB
	seq int64 // last comment id; only the writer touches it
}

// OpenMemdb opens the raw go-memdb contender.
func OpenMemdb() (Store, error) {
	db, err := memdb.NewMemDB(mdSchema)
	if err != nil {
		return nil, err
	}
	return &memdbStore{db: db}, nil
}

func (m *memdbStore) Load(first, n int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	for p := first; p < first+n; p++ {
		if err := txn.Insert("post", &mdPost{ID: p, Title: Title(p)}); err != nil {
			return err
		}
		for c := FirstComment(p); c < FirstComment(p)+K; c++ {
			if err := txn.Insert("comment", &mdComment{ID: c, Body: Body(c), PostID: p}); err != nil {
				return err
			}
			m.seq = max(m.seq, c)
		}
	}
	txn.Commit()
	return nil
}

// postExists is the source (or foreign key) check every operation makes.
func postExists(txn *memdb.Txn, post int64) error {
	obj, err := txn.First("post", "id", post)
	if err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("post %d: %w", post, errMdNotFound)
	}
	return nil
}

func comment(txn *memdb.Txn, id int64) (*mdComment, error) {
	obj, err := txn.First("comment", "id", id)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("comment %d: %w", id, errMdNotFound)
	}
	return obj.(*mdComment), nil
}

// commentsOf appends the stored comments of ids to buf, in order.
func commentsOf(txn *memdb.Txn, ids []int64, buf []*mdComment) ([]*mdComment, error) {
	for _, id := range ids {
		c, err := comment(txn, id)
		if err != nil {
			return nil, err
		}
		buf = append(buf, c)
	}
	return buf, nil
}

// moveTo points every comment of cs that is not post's at post.
func moveTo(txn *memdb.Txn, cs []*mdComment, post int64) error {
	for _, c := range cs {
		if c.PostID != post {
			if err := setPost(txn, c, post); err != nil {
				return err
			}
		}
	}
	return nil
}

// children returns the stored comments of post, in id order.
func children(txn *memdb.Txn, post int64, buf []*mdComment) ([]*mdComment, error) {
	it, err := txn.Get("comment", "post", post)
	if err != nil {
		return nil, err
	}
	for obj := it.Next(); obj != nil; obj = it.Next() {
		buf = append(buf, obj.(*mdComment))
	}
	return buf, nil
}

func copies(cs []*mdComment) []mdComment {
	out := make([]mdComment, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out
}

func (m *memdbStore) Get(post int64) (int, error) {
	txn := m.db.Txn(false)
	if err := postExists(txn, post); err != nil {
		return 0, err
	}
	var buf [16]*mdComment
	cs, err := children(txn, post, buf[:0])
	if err != nil {
		return 0, err
	}
	return len(copies(cs)), nil
}

func (m *memdbStore) Count(post int64) (int, error) {
	return countOf(m.db.Txn(false), post, "comment", "post")
}

// countOf counts the entries of post in table's index, after the source
// check, without copying the rows.
func countOf(txn *memdb.Txn, post int64, table, index string) (int, error) {
	if err := postExists(txn, post); err != nil {
		return 0, err
	}
	it, err := txn.Get(table, index, post)
	if err != nil {
		return 0, err
	}
	n := 0
	for obj := it.Next(); obj != nil; obj = it.Next() {
		n++
	}
	return n, nil
}

func (m *memdbStore) Has(post, id int64) (bool, error) {
	txn := m.db.Txn(false)
	if err := postExists(txn, post); err != nil {
		return false, err
	}
	obj, err := txn.First("comment", "id", id)
	if err != nil || obj == nil {
		return false, err
	}
	return obj.(*mdComment).PostID == post, nil
}

// setPost stores a copy of c pointing at post (0: NULL).
func setPost(txn *memdb.Txn, c *mdComment, post int64) error {
	n := *c
	n.PostID = post
	return txn.Insert("comment", &n)
}

func (m *memdbStore) Add(post, id int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	c, err := comment(txn, id)
	if err != nil {
		return err
	}
	if c.PostID != post {
		if err := setPost(txn, c, post); err != nil {
			return err
		}
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) Create(post int64) (int64, error) {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return 0, err
	}
	id := m.seq + 1
	if err := txn.Insert("comment", &mdComment{ID: id, Body: newBody(post), PostID: post}); err != nil {
		return 0, err
	}
	txn.Commit()
	m.seq = id
	return id, nil
}

// AddN reads the post and every comment before its first write, as Set
// does, so each insert finds the paths it copied still writable.
func (m *memdbStore) AddN(post int64, ids []int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	cs, err := commentsOf(txn, ids, make([]*mdComment, 0, len(ids)))
	if err != nil {
		return err
	}
	if err := moveTo(txn, cs, post); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) CreateN(post int64, n int) ([]int64, error) {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = m.seq + 1 + int64(i)
		if err := txn.Insert("comment", &mdComment{ID: ids[i], Body: newBody(post), PostID: post}); err != nil {
			return nil, err
		}
	}
	txn.Commit()
	m.seq += int64(n)
	return ids, nil
}

func (m *memdbStore) Set(post int64, ids []int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	// Read everything before the first write: a read of an index this
	// transaction has modified clones it and drops go-memdb's cache of
	// writable nodes, so interleaving would copy every path again.
	var buf [16]*mdComment
	cur, err := children(txn, post, buf[:0])
	if err != nil {
		return err
	}
	var nbuf [16]*mdComment
	next, err := commentsOf(txn, ids, nbuf[:0])
	if err != nil {
		return err
	}
	for _, c := range cur {
		if !slices.Contains(ids, c.ID) {
			if err := setPost(txn, c, 0); err != nil {
				return err
			}
		}
	}
	if err := moveTo(txn, next, post); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) Remove(post, id int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	obj, err := txn.First("comment", "id", id)
	if err != nil {
		return err
	}
	if c, ok := obj.(*mdComment); ok && c.PostID == post {
		if err := setPost(txn, c, 0); err != nil {
			return err
		}
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) Destroy(post int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	obj, err := txn.First("post", "id", post)
	if err != nil {
		return err
	}
	if obj == nil {
		return fmt.Errorf("post %d: %w", post, errMdNotFound)
	}
	if err := txn.Delete("post", obj); err != nil {
		return err
	}
	if _, err := txn.DeleteAll("comment", "post", post); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) Eager(first int64, n int) (int, error) {
	txn := m.db.Txn(false)
	it, err := txn.LowerBound("post", "id", first)
	if err != nil {
		return 0, err
	}
	last := first + int64(n) - 1
	var out []mdPostWithComments
	total := 0
	var buf [16]*mdComment
	for obj := it.Next(); obj != nil; obj = it.Next() {
		p := obj.(*mdPost)
		if p.ID > last {
			break
		}
		cs, err := children(txn, p.ID, buf[:0])
		if err != nil {
			return 0, err
		}
		out = append(out, mdPostWithComments{mdPost: *p, Comments: copies(cs)})
		total += len(cs)
	}
	_ = out
	return total, nil
}

func (m *memdbStore) DeleteComment(id int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	c, err := comment(txn, id)
	if err != nil {
		return err
	}
	if err := txn.Delete("comment", c); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *memdbStore) Children(post int64) ([]int64, error) {
	txn := m.db.Txn(false)
	cs, err := children(txn, post, nil)
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids, err
}

func (m *memdbStore) OffHeapBytes() int64 { return 0 }

func (m *memdbStore) Close() error { return nil }

// Bulk checks every post, then inserts the comments with consecutive ids.
func (m *memdbStore) Bulk(posts []int64) ([]int64, error) {
	txn := m.db.Txn(true)
	defer txn.Abort()
	for _, p := range posts {
		if err := postExists(txn, p); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = m.seq + 1 + int64(i)
		if err := txn.Insert("comment", &mdComment{ID: ids[i], Body: newBody(p), PostID: p}); err != nil {
			return nil, err
		}
	}
	txn.Commit()
	m.seq += int64(len(posts))
	return ids, nil
}

// CountMany walks each post's range of the foreign key index.
func (m *memdbStore) CountMany(posts []int64) ([]int, error) {
	txn := m.db.Txn(false)
	out := make([]int, len(posts))
	for i, p := range posts {
		it, err := txn.Get("comment", "post", p)
		if err != nil {
			return nil, err
		}
		for obj := it.Next(); obj != nil; obj = it.Next() {
			out[i]++
		}
	}
	return out, nil
}
