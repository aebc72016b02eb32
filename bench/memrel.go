package bench

import (
	"database/sql"
	"sync"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
)

type mrPost struct {
	ID       int64
	Title    string
	Comments []mrComment
}

// mrComment's nullable foreign key is a sql.Null, so copies share no
// pointer and need no extra allocation.
type mrComment struct {
	ID     int64
	Body   string
	PostID sql.Null[int64]
}

// mrSchema is defined once; every store opens from it.
type mrSchema struct {
	s        *memrel.Schema
	posts    *memrel.Model[mrPost]
	comments *memrel.Model[mrComment]
	pc       *memrel.HasMany[mrPost, mrComment]
}

func newMrSchema() *mrSchema {
	s := memrel.NewSchema()
	m := &mrSchema{s: s, posts: memrel.Define[mrPost](s, "Post"), comments: memrel.Define[mrComment](s, "Comment")}
	m.pc = memrel.NewHasMany(m.posts, m.comments, memrel.HasManyOptions{ForeignKey: "postId", OnDelete: memrel.Cascade})
	return m
}

type memrelStore struct {
	*mrSchema
	db *memrel.Store
}

// sharedMrSchema is the one schema every memrel store opens from, built
// on first use and never changed after, as a program defines its models
// once: a store per test then costs [memrel.Schema.Open], not the
// definitions too (memdb's stores share mdSchema alike).
var sharedMrSchema = sync.OnceValue(newMrSchema)

// OpenMemrel opens the memrel contender.
func OpenMemrel() (Store, error) {
	m := sharedMrSchema()
	db, err := m.s.Open()
	if err != nil {
		return nil, err
	}
	return &memrelStore{mrSchema: m, db: db}, nil
}

func (m *memrelStore) Load(first, n int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		for p := first; p < first+n; p++ {
			if _, err := m.posts.Create(tx, mrPost{ID: p, Title: Title(p)}); err != nil {
				return err
			}
			for c := FirstComment(p); c < FirstComment(p)+K; c++ {
				if _, err := m.comments.Create(tx, mrComment{ID: c, Body: Body(c), PostID: sql.Null[int64]{V: p, Valid: true}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (m *memrelStore) Get(post int64) (int, error) {
	var n int
	err := m.db.View(func(tx *memrel.Txn) error {
		cs, err := m.pc.Get(tx, mrPost{ID: post}, nil)
		n = len(cs)
		return err
	})
	return n, err
}

func (m *memrelStore) Count(post int64) (int, error) {
	var n int
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		n, err = m.pc.Count(tx, mrPost{ID: post}, nil)
		return err
	})
	return n, err
}

func (m *memrelStore) Has(post, comment int64) (bool, error) {
	var ok bool
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		ok, err = m.pc.HasKeys(tx, mrPost{ID: post}, comment)
		return err
	})
	return ok, err
}

func (m *memrelStore) Add(post, comment int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.pc.AddKeys(tx, mrPost{ID: post}, comment)
	})
}

func (m *memrelStore) Create(post int64) (int64, error) {
	var id int64
	err := m.db.Update(func(tx *memrel.Txn) error {
		c, err := m.pc.Create(tx, mrPost{ID: post}, mrComment{Body: newBody(post)})
		id = c.ID
		return err
	})
	return id, err
}

// anyKeys gives ids as the keys memrel's by-key methods take.
func anyKeys(ids []int64) []any {
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	return keys
}

func (m *memrelStore) AddN(post int64, comments []int64) error {
	keys := anyKeys(comments)
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.pc.AddKeys(tx, mrPost{ID: post}, keys...)
	})
}

func (m *memrelStore) CreateN(post int64, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	err := m.db.Update(func(tx *memrel.Txn) error {
		for range n {
			c, err := m.pc.Create(tx, mrPost{ID: post}, mrComment{Body: newBody(post)})
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func (m *memrelStore) Set(post int64, comments []int64) error {
	keys := anyKeys(comments)
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.pc.SetKeys(tx, mrPost{ID: post}, keys, nil)
	})
}

func (m *memrelStore) Remove(post, comment int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.pc.RemoveKeys(tx, mrPost{ID: post}, []any{comment}, nil)
	})
}

func (m *memrelStore) Destroy(post int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.posts.DestroyKey(tx, post)
	})
}

func (m *memrelStore) Eager(first int64, n int) (int, error) {
	var total int
	err := m.db.View(func(tx *memrel.Txn) error {
		ps, err := m.posts.FindAll(tx, &memrel.Options{
			Where:   query.Between("id", first, first+int64(n)-1),
			Include: []memrel.Include{{Assoc: m.pc}},
		})
		for _, p := range ps {
			total += len(p.Comments)
		}
		return err
	})
	return total, err
}

func (m *memrelStore) DeleteComment(id int64) error {
	return m.db.Update(func(tx *memrel.Txn) error { return m.comments.DestroyKey(tx, id) })
}

func (m *memrelStore) Children(post int64) ([]int64, error) {
	var ids []int64
	err := m.db.View(func(tx *memrel.Txn) error {
		cs, err := m.comments.FindAll(tx, &memrel.Options{Where: query.Eq("postId", post)})
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return err
	})
	return ids, err
}

func (m *memrelStore) OffHeapBytes() int64 { return 0 }

// Fork returns an independent store starting from m's committed rows
// ([memrel.Store.Fork]): it implements [Forker].
func (m *memrelStore) Fork() (Store, error) {
	db, err := m.db.Fork()
	if err != nil {
		return nil, err
	}
	return &memrelStore{mrSchema: m.mrSchema, db: db}, nil
}

func (m *memrelStore) Close() error { return m.db.Close() }

// Bulk is one BulkCreate: memrel checks every row, its foreign key
// included, before the first insert, so a missing post fails it whole.
func (m *memrelStore) Bulk(posts []int64) ([]int64, error) {
	cs := make([]mrComment, len(posts))
	for i, p := range posts {
		cs[i] = mrComment{Body: newBody(p), PostID: sql.Null[int64]{V: p, Valid: true}}
	}
	var made []mrComment
	err := m.db.Update(func(tx *memrel.Txn) error {
		var err error
		made, err = m.comments.BulkCreate(tx, cs)
		return err
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(made))
	for i, c := range made {
		ids[i] = c.ID
	}
	return ids, nil
}

// CountMany is HasMany.CountMany: one index range per post, no copies.
func (m *memrelStore) CountMany(posts []int64) ([]int, error) {
	srcs := make([]mrPost, len(posts))
	for i, p := range posts {
		srcs[i].ID = p
	}
	var n []int
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		n, err = m.pc.CountMany(tx, srcs, nil)
		return err
	})
	return n, err
}
