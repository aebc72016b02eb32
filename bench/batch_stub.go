package bench

// Stand-in AddN and CreateN of the contenders other than SQLite's, each a
// loop in one transaction, so the branch that adds the SQLite contenders
// builds and tests them; the batched-ops change replaces this file with
// the real ones.

import (
	"fmt"

	"github.com/memrel/memrel"
	"gorm.io/gorm"
)

func (m *memrelStore) AddN(post int64, comments []int64) error {
	keys := make([]any, len(comments))
	for i, c := range comments {
		keys[i] = c
	}
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

func (m *memdbStore) AddN(post int64, comments []int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if err := postExists(txn, post); err != nil {
		return err
	}
	for _, id := range comments {
		c, err := comment(txn, id)
		if err != nil {
			return err
		}
		if c.PostID != post {
			if err := setPost(txn, c, post); err != nil {
				return err
			}
		}
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
	ids := make([]int64, 0, n)
	for i := range int64(n) {
		id := m.seq + 1 + i
		if err := txn.Insert("comment", &mdComment{ID: id, Body: newBody(post), PostID: post}); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	txn.Commit()
	m.seq += int64(n)
	return ids, nil
}

// AddN checks each comment first: GORM's Append would insert a missing
// one.
func (g *gormStore) AddN(post int64, comments []int64) error {
	return g.db.Transaction(func(tx *gorm.DB) error {
		cs := make([]gComment, len(comments))
		for i, id := range comments {
			var n int64
			if err := tx.Model(&gComment{}).Where("id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("gorm: comment %d not found", id)
			}
			cs[i] = gComment{ID: id, Body: Body(id)}
		}
		return tx.Model(&gPost{ID: post}).Association("Comments").Append(&cs)
	})
}

func (g *gormStore) CreateN(post int64, n int) ([]int64, error) {
	cs := make([]gComment, n)
	for i := range cs {
		cs[i] = gComment{Body: newBody(post)}
	}
	err := g.db.Transaction(func(tx *gorm.DB) error {
		return tx.Model(&gPost{ID: post}).Association("Comments").Append(&cs)
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids, nil
}

func (m *mapStore) AddN(post int64, comments []int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(post); err != nil {
		return err
	}
	for _, id := range comments {
		if _, ok := m.comments[id]; !ok {
			return fmt.Errorf("comment %d: %w", id, errMapNotFound)
		}
	}
	for _, id := range comments {
		m.link(m.comments[id], post)
	}
	return nil
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
		m.link(mapComment{ID: m.seq, Body: newBody(post)}, post)
		ids[i] = m.seq
	}
	return ids, nil
}
