package bench

import (
	"errors"
	"fmt"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The GORM contender: SQLite in memory through the pure-Go glebarez
// driver, foreign keys on, the comments' foreign key declared ON DELETE
// CASCADE, association mode for the association operations and Preload
// for eager loading, prepared statements cached. An in-memory SQLite
// database lives in one connection, so the pool holds exactly one:
// concurrent readers and the writer take turns on it.

type gPost struct {
	ID       int64 `gorm:"primaryKey"`
	Title    string
	Comments []gComment `gorm:"foreignKey:PostID;constraint:OnDelete:CASCADE"`
}

func (gPost) TableName() string { return "posts" }

type gComment struct {
	ID     int64 `gorm:"primaryKey"`
	Body   string
	PostID *int64 `gorm:"index"`
}

func (gComment) TableName() string { return "comments" }

type gormStore struct {
	db *gorm.DB
	// pg: the store is on PostgreSQL (see OpenGormPG).
	pg    bool
	close func() error
}

// OpenGorm opens the GORM + SQLite contender.
func OpenGorm() (Store, error) {
	db, err := gorm.Open(sqlite.Open(":memory:?_pragma=foreign_keys(1)"), &gorm.Config{
		Logger:          logger.Default.LogMode(logger.Silent),
		PrepareStmt:     true,
		CreateBatchSize: 1000,
	})
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	var fk int
	if err := db.Raw("PRAGMA foreign_keys").Scan(&fk).Error; err != nil || fk != 1 {
		return nil, fmt.Errorf("gorm: foreign keys are off (%d, %v)", fk, err)
	}
	if err := db.AutoMigrate(&gPost{}, &gComment{}); err != nil {
		return nil, err
	}
	return &gormStore{db: db}, nil
}

func (g *gormStore) Load(first, n int64) error {
	const chunk = 1000
	return g.db.Transaction(func(tx *gorm.DB) error {
		for lo := first; lo < first+n; lo += chunk {
			hi := min(lo+chunk, first+n)
			posts := make([]gPost, 0, hi-lo)
			comments := make([]gComment, 0, (hi-lo)*K)
			for p := lo; p < hi; p++ {
				posts = append(posts, gPost{ID: p, Title: Title(p)})
				for c := FirstComment(p); c < FirstComment(p)+K; c++ {
					comments = append(comments, gComment{ID: c, Body: Body(c), PostID: &p})
				}
			}
			if err := tx.Create(&posts).Error; err != nil {
				return err
			}
			if err := tx.Create(&comments).Error; err != nil {
				return err
			}
		}
		if g.pg { // explicit ids leave PostgreSQL's sequence behind them
			return tx.Exec(pgSetSeq).Error
		}
		return nil
	})
}

func (g *gormStore) comments(post int64) *gorm.Association {
	return g.db.Model(&gPost{ID: post}).Association("Comments")
}

func (g *gormStore) Get(post int64) (int, error) {
	var cs []gComment
	err := g.comments(post).Find(&cs)
	return len(cs), err
}

func (g *gormStore) Count(post int64) (int, error) {
	n := g.comments(post).Count()
	return int(n), nil
}

func (g *gormStore) Has(post, id int64) (bool, error) {
	var n int64
	err := g.db.Model(&gComment{}).Where("id = ? AND post_id = ?", id, post).Count(&n).Error
	return n > 0, err
}

func (g *gormStore) Add(post, id int64) error {
	return g.comments(post).Append(&gComment{ID: id, Body: Body(id)})
}

func (g *gormStore) Create(post int64) (int64, error) {
	c := gComment{Body: newBody(post)}
	err := g.comments(post).Append(&c)
	return c.ID, err
}

// postFirst, on PostgreSQL, checks that post exists before an INSERT the
// foreign key would fail: that INSERT has drawn its ids already, and
// memrel's failed creates take none (SPEC 1), which TestSameSemantics
// compares.
func (g *gormStore) postFirst(tx *gorm.DB, post int64) error {
	if !g.pg {
		return nil
	}
	var n int64
	if err := tx.Model(&gPost{}).Where("id = ?", post).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("gorm: post %d not found", post)
	}
	return nil
}

func (g *gormStore) AddN(post int64, ids []int64) error {
	cs := make([]gComment, len(ids))
	for i, id := range ids {
		cs[i] = gComment{ID: id, Body: Body(id)}
	}
	return g.db.Transaction(func(tx *gorm.DB) error {
		// Append upserts: it would insert a missing comment, so check first.
		var found int64
		if err := tx.Model(&gComment{}).Where("id IN ?", ids).Count(&found).Error; err != nil {
			return err
		}
		if found != int64(len(ids)) {
			return fmt.Errorf("gorm: %d of %d comments not found", int64(len(ids))-found, len(ids))
		}
		return tx.Model(&gPost{ID: post}).Association("Comments").Append(&cs)
	})
}

func (g *gormStore) CreateN(post int64, n int) ([]int64, error) {
	cs := make([]gComment, n)
	for i := range cs {
		cs[i] = gComment{Body: newBody(post), PostID: &post}
	}
	err := g.db.Transaction(func(tx *gorm.DB) error {
		if err := g.postFirst(tx, post); err != nil {
			return err
		}
		return tx.Create(&cs).Error
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

func (g *gormStore) Set(post int64, ids []int64) error {
	cs := make([]gComment, len(ids))
	for i, id := range ids {
		cs[i] = gComment{ID: id, Body: Body(id)}
	}
	return g.comments(post).Replace(&cs)
}

func (g *gormStore) Remove(post, id int64) error {
	return g.comments(post).Delete(&gComment{ID: id})
}

func (g *gormStore) Destroy(post int64) error {
	res := g.db.Delete(&gPost{ID: post})
	if res.Error == nil && res.RowsAffected != 1 {
		return fmt.Errorf("gorm: post %d not found", post)
	}
	return res.Error
}

func (g *gormStore) Eager(first int64, n int) (int, error) {
	var ps []gPost
	err := g.db.Preload("Comments").Where("id BETWEEN ? AND ?", first, first+int64(n)-1).Find(&ps).Error
	total := 0
	for _, p := range ps {
		total += len(p.Comments)
	}
	return total, err
}

func (g *gormStore) DeleteComment(id int64) error {
	return g.db.Delete(&gComment{ID: id}).Error
}

func (g *gormStore) Children(post int64) ([]int64, error) {
	var ids []int64
	err := g.db.Model(&gComment{}).Where("post_id = ?", post).Order("id").Pluck("id", &ids).Error
	return ids, err
}

func (g *gormStore) OffHeapBytes() int64 {
	if g.pg {
		return 0 // the rows are in the server
	}
	var pages, size int64
	g.db.Raw("PRAGMA page_count").Scan(&pages)
	g.db.Raw("PRAGMA page_size").Scan(&size)
	return pages * size
}

func (g *gormStore) Close() error {
	sqlDB, err := g.db.DB()
	if err != nil {
		return err
	}
	err = sqlDB.Close()
	if g.close != nil {
		err = errors.Join(err, g.close())
	}
	return err
}

// Bulk is one Create of a slice: one multi-row INSERT in GORM's own
// transaction, the foreign key failing it whole when a post is missing.
func (g *gormStore) Bulk(posts []int64) ([]int64, error) {
	cs := make([]gComment, len(posts))
	for i := range cs {
		cs[i] = gComment{Body: newBody(posts[i]), PostID: &posts[i]}
	}
	if err := g.db.Create(&cs).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids, nil
}

// CountMany is one grouped count over the listed posts.
func (g *gormStore) CountMany(posts []int64) ([]int, error) {
	var groups []postCount
	err := g.db.Model(&gComment{}).Select("post_id, count(*) AS n").
		Where("post_id IN ?", posts).Group("post_id").Scan(&groups).Error
	if err != nil {
		return nil, err
	}
	return countsInOrder(posts, groups), nil
}
