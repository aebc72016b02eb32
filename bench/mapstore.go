package bench

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// The naive contender: maps behind one RWMutex, updated in place. No
// snapshots: a reader waits while the writer holds the lock. It is the
// floor for single-threaded speed, not a design to copy.

type mapPost struct {
	ID    int64
	Title string
}

type mapComment struct {
	ID     int64
	Body   string
	PostID int64 // 0: NULL
}

type mapPostWithComments struct {
	mapPost
	Comments []mapComment
}

var errMapNotFound = errors.New("map: not found")

type mapStore struct {
	mu       sync.RWMutex
	posts    map[int64]mapPost
	comments map[int64]mapComment
	kids     map[int64][]int64 // post -> comment ids, sorted
	seq      int64
}

// OpenMap opens the mutex-and-maps contender.
func OpenMap() (Store, error) {
	return &mapStore{posts: map[int64]mapPost{}, comments: map[int64]mapComment{}, kids: map[int64][]int64{}}, nil
}

func (m *mapStore) Load(first, n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for p := first; p < first+n; p++ {
		m.posts[p] = mapPost{ID: p, Title: Title(p)}
		ids := make([]int64, 0, K)
		for c := FirstComment(p); c < FirstComment(p)+K; c++ {
			m.comments[c] = mapComment{ID: c, Body: Body(c), PostID: p}
			ids = append(ids, c)
			m.seq = max(m.seq, c)
		}
		m.kids[p] = ids
	}
	return nil
}

func (m *mapStore) check(post int64) error {
	if _, ok := m.posts[post]; !ok {
		return fmt.Errorf("post %d: %w", post, errMapNotFound)
	}
	return nil
}

func (m *mapStore) Get(post int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := m.check(post); err != nil {
		return 0, err
	}
	ids := m.kids[post]
	out := make([]mapComment, len(ids))
	for i, id := range ids {
		out[i] = m.comments[id]
	}
	return len(out), nil
}

func (m *mapStore) Count(post int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := m.check(post); err != nil {
		return 0, err
	}
	return len(m.kids[post]), nil
}

func (m *mapStore) Has(post, id int64) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := m.check(post); err != nil {
		return false, err
	}
	c, ok := m.comments[id]
	return ok && c.PostID == post, nil
}

// stored checks that every listed comment exists.
func (m *mapStore) stored(ids []int64) error {
	for _, id := range ids {
		if _, ok := m.comments[id]; !ok {
			return fmt.Errorf("comment %d: %w", id, errMapNotFound)
		}
	}
	return nil
}

// link points comment c at post (0: NULL), keeping both child lists sorted.
func (m *mapStore) link(c mapComment, post int64) {
	if c.PostID == post {
		return
	}
	if old := m.kids[c.PostID]; c.PostID != 0 {
		if i, ok := slices.BinarySearch(old, c.ID); ok {
			m.kids[c.PostID] = slices.Delete(old, i, i+1)
		}
	}
	if post != 0 {
		ids := m.kids[post]
		i, _ := slices.BinarySearch(ids, c.ID)
		m.kids[post] = slices.Insert(ids, i, c.ID)
	}
	c.PostID = post
	m.comments[c.ID] = c
}

func (m *mapStore) Add(post, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return err
	}
	c, ok := m.comments[id]
	if !ok {
		return fmt.Errorf("comment %d: %w", id, errMapNotFound)
	}
	m.link(c, post)
	return nil
}

func (m *mapStore) Create(post int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return 0, err
	}
	m.seq++
	m.link(mapComment{ID: m.seq, Body: newBody(post)}, post)
	return m.seq, nil
}

// AddN checks every comment before it changes anything, and merges the
// moved ids into post's list with one sort rather than one insertion each
// (which would make a large batch quadratic).
func (m *mapStore) AddN(post int64, ids []int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkAll(post, ids); err != nil {
		return err
	}
	kids := m.kids[post]
	for _, id := range ids {
		c := m.comments[id]
		if c.PostID == post {
			continue
		}
		m.link(c, 0)
		c.PostID = post
		m.comments[id] = c
		kids = append(kids, id)
	}
	slices.Sort(kids)
	m.kids[post] = slices.Compact(kids)
	return nil
}

// checkAll checks that post and every listed comment exist.
func (m *mapStore) checkAll(post int64, ids []int64) error {
	if err := m.check(post); err != nil {
		return err
	}
	return m.stored(ids)
}

func (m *mapStore) CreateN(post int64, n int) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		m.seq++
		ids[i] = m.seq
		m.link(mapComment{ID: m.seq, Body: newBody(post)}, post)
	}
	return ids, nil
}

func (m *mapStore) Set(post int64, ids []int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkAll(post, ids); err != nil {
		return err
	}
	for _, id := range slices.Clone(m.kids[post]) {
		if !slices.Contains(ids, id) {
			m.link(m.comments[id], 0)
		}
	}
	for _, id := range ids {
		m.link(m.comments[id], post)
	}
	return nil
}

func (m *mapStore) Remove(post, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return err
	}
	if c, ok := m.comments[id]; ok && c.PostID == post {
		m.link(c, 0)
	}
	return nil
}

func (m *mapStore) Destroy(post int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return err
	}
	for _, id := range m.kids[post] {
		delete(m.comments, id)
	}
	delete(m.kids, post)
	delete(m.posts, post)
	return nil
}

func (m *mapStore) Eager(first int64, n int) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []mapPostWithComments
	total := 0
	for p := first; p < first+int64(n); p++ {
		post, ok := m.posts[p]
		if !ok {
			continue
		}
		ids := m.kids[p]
		cs := make([]mapComment, len(ids))
		for i, id := range ids {
			cs[i] = m.comments[id]
		}
		out = append(out, mapPostWithComments{mapPost: post, Comments: cs})
		total += len(cs)
	}
	_ = out
	return total, nil
}

func (m *mapStore) DeleteComment(id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.comments[id]
	if !ok {
		return fmt.Errorf("comment %d: %w", id, errMapNotFound)
	}
	m.link(c, 0)
	delete(m.comments, id)
	return nil
}

func (m *mapStore) Children(post int64) ([]int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.kids[post]), nil
}

func (m *mapStore) OffHeapBytes() int64 { return 0 }

func (m *mapStore) Close() error { return nil }

// Bulk checks every post, then links the new comments.
func (m *mapStore) Bulk(posts []int64) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range posts {
		if err := m.check(p); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		m.seq++
		ids[i] = m.seq
		m.link(mapComment{ID: m.seq, Body: newBody(p)}, p)
	}
	return ids, nil
}

func (m *mapStore) CountMany(posts []int64) ([]int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]int, len(posts))
	for i, p := range posts {
		out[i] = len(m.kids[p])
	}
	return out, nil
}
