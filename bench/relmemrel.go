package bench

import (
	"sync"

	"github.com/memrel/memrel"
)

// The memrel contender of the relations workload, through the public
// API: a unique hasOne, a belongsToMany with an explicit join model, and
// that model's composite primary key.

type rlPost struct {
	ID    int64
	Title string
}

// rlProfile's foreign key is NOT NULL: a profile cannot exist without its
// post, so deleting the post cascades.
type rlProfile struct {
	ID     int64
	Bio    string
	PostID int64
}

type rlTag struct {
	ID   int64
	Name string
}

// rlPostTag is the join row; the pair is its primary key.
type rlPostTag struct {
	PostID int64 `memrel:"postId,pk"`
	TagID  int64 `memrel:"tagId,pk"`
}

// rlSchema is defined once; every store opens from it.
type rlSchema struct {
	s        *memrel.Schema
	posts    *memrel.Model[rlPost]
	profiles *memrel.Model[rlProfile]
	tagRows  *memrel.Model[rlTag]
	joins    *memrel.Model[rlPostTag]
	profile  *memrel.HasOne[rlPost, rlProfile]
	tags     *memrel.BelongsToMany[rlPost, rlTag, rlPostTag]
}

func newRlSchema() *rlSchema {
	s := memrel.NewSchema()
	m := &rlSchema{s: s, posts: memrel.Define[rlPost](s, "Post"), profiles: memrel.Define[rlProfile](s, "Profile"),
		tagRows: memrel.Define[rlTag](s, "Tag"), joins: memrel.Define[rlPostTag](s, "PostTag")}
	m.profile = memrel.NewHasOne(m.posts, m.profiles, memrel.HasOneOptions{ForeignKey: "postId", OnDelete: memrel.Cascade, Unique: true})
	m.tags = memrel.NewBelongsToMany(m.posts, m.tagRows, m.joins, memrel.BelongsToManyOptions{})
	return m
}

// sharedRlSchema is the one schema every store of this contender opens
// from, as sharedMrSchema is for the main workload.
var sharedRlSchema = sync.OnceValue(newRlSchema)

type relMemrelStore struct {
	*rlSchema
	db *memrel.Store
}

// OpenRelMemrel opens the memrel contender of the relations workload.
func OpenRelMemrel() (RelStore, error) {
	m := sharedRlSchema()
	db, err := m.s.Open()
	if err != nil {
		return nil, err
	}
	return &relMemrelStore{rlSchema: m, db: db}, nil
}

func (m *relMemrelStore) Load(p int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		for t := int64(1); t <= p; t++ {
			if _, err := m.tagRows.Create(tx, rlTag{ID: t, Name: TagName(t)}); err != nil {
				return err
			}
		}
		for q := int64(1); q <= p; q++ {
			if err := m.restore(tx, p, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// restore creates post q with its profile and join rows.
func (m *relMemrelStore) restore(tx *memrel.Txn, p, q int64) error {
	if _, err := m.posts.Create(tx, rlPost{ID: q, Title: Title(q)}); err != nil {
		return err
	}
	if _, err := m.profiles.Create(tx, rlProfile{ID: ProfileID(q), Bio: Bio(q), PostID: q}); err != nil {
		return err
	}
	for _, t := range origTags(p, q) {
		if _, err := m.joins.Create(tx, rlPostTag{PostID: q, TagID: t}); err != nil {
			return err
		}
	}
	return nil
}

func (m *relMemrelStore) Restore(p, post int64) error {
	return m.db.Update(func(tx *memrel.Txn) error { return m.restore(tx, p, post) })
}

func (m *relMemrelStore) OneGet(post int64) (int64, bool, error) {
	var pr rlProfile
	var ok bool
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		pr, ok, err = m.profile.Get(tx, rlPost{ID: post}, nil)
		return err
	})
	return pr.ID, ok, err
}

func (m *relMemrelStore) TagsGet(post int64, buf []int64) ([]int64, error) {
	err := m.db.View(func(tx *memrel.Txn) error {
		ts, err := m.tags.Get(tx, rlPost{ID: post}, nil)
		for _, t := range ts {
			buf = append(buf, t.ID)
		}
		return err
	})
	return buf, err
}

func (m *relMemrelStore) TagsCount(post int64) (int, error) {
	var n int
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		n, err = m.tags.Count(tx, rlPost{ID: post}, nil)
		return err
	})
	return n, err
}

func (m *relMemrelStore) TagsHas(post, tag int64) (bool, error) {
	var ok bool
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		ok, err = m.tags.HasKeys(tx, rlPost{ID: post}, tag)
		return err
	})
	return ok, err
}

func (m *relMemrelStore) TagsAdd(post, tag int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.tags.AddKeys(tx, rlPost{ID: post}, []any{tag}, nil)
	})
}

func (m *relMemrelStore) TagsRemove(post, tag int64) error {
	return m.db.Update(func(tx *memrel.Txn) error {
		return m.tags.RemoveKeys(tx, rlPost{ID: post}, tag)
	})
}

func (m *relMemrelStore) KeyGet(post, tag int64) (bool, error) {
	var ok bool
	err := m.db.View(func(tx *memrel.Txn) error {
		var err error
		_, ok, err = m.joins.FindByPK(tx, memrel.Key{post, tag})
		return err
	})
	return ok, err
}

func (m *relMemrelStore) PostDestroy(post int64) error {
	return m.db.Update(func(tx *memrel.Txn) error { return m.posts.DestroyKey(tx, post) })
}

func (m *relMemrelStore) Dump() (RelDump, error) {
	var d RelDump
	err := m.db.View(func(tx *memrel.Txn) error {
		posts, err := m.posts.FindAll(tx, nil)
		if err != nil {
			return err
		}
		for _, p := range posts {
			d.Posts = append(d.Posts, p.ID)
		}
		prs, err := m.profiles.FindAll(tx, nil)
		if err != nil {
			return err
		}
		for _, pr := range prs {
			d.Profiles = append(d.Profiles, [2]int64{pr.ID, pr.PostID})
		}
		js, err := m.joins.FindAll(tx, nil)
		if err != nil {
			return err
		}
		for _, j := range js {
			d.Pairs = append(d.Pairs, [2]int64{j.PostID, j.TagID})
		}
		d.Tags, err = m.tagRows.Count(tx, nil)
		return err
	})
	return d, err
}

func (m *relMemrelStore) Close() error { return m.db.Close() }
