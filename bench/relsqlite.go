package bench

import (
	"database/sql"
	"errors"
	"fmt"
)

// The raw SQL contender of the relations workload, on cgo SQLite
// (mattn/go-sqlite3) with the conventions of sqlite.go: one in-memory
// connection, foreign keys enforced, every statement prepared at Open,
// rows scanned into Go structs, an op of one statement in autocommit mode
// and an op of several in one transaction through tx.Stmt.
//
// The profile's post_id is UNIQUE, whose automatic index serves both the
// lookup and the cascade. The join table is WITHOUT ROWID with the pair
// as its primary key, so its rows are stored in (post_id, tag_id) order:
// a post's join rows are one range of the table and a pair is one seek.
// Its tag_id index is the one a tag's deletion would cascade through
// (without it SQLite scans the join table per deleted tag).
const relSQLiteSchema = `
CREATE TABLE posts (
	id    INTEGER PRIMARY KEY,
	title TEXT NOT NULL
);
CREATE TABLE profiles (
	id      INTEGER PRIMARY KEY,
	bio     TEXT NOT NULL,
	post_id INTEGER NOT NULL UNIQUE REFERENCES posts(id) ON DELETE CASCADE
);
CREATE TABLE tags (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL
);
CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	tag_id  INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_tag_id ON post_tags(tag_id);
`

const (
	// OneGet: zero rows when the post does not exist, one row of NULLs
	// when it has no profile.
	sqlOneGet = `SELECT pr.id, pr.bio, pr.post_id FROM posts p LEFT JOIN profiles pr ON pr.post_id = p.id WHERE p.id = ?`
	// TagsGet: the same, per tag; the join table's order is tag_id's.
	sqlTagsGet = `SELECT t.id, t.name FROM posts p LEFT JOIN post_tags pt ON pt.post_id = p.id
		LEFT JOIN tags t ON t.id = pt.tag_id WHERE p.id = ? ORDER BY pt.tag_id`
	sqlTagsCount = `SELECT (SELECT count(*) FROM post_tags WHERE post_id = ?) FROM posts WHERE id = ?`
	sqlTagsHas   = `SELECT EXISTS (SELECT 1 FROM post_tags WHERE post_id = ? AND tag_id = ?) FROM posts WHERE id = ?`
	// TagsAdd is one statement: the foreign keys fail it when the post or
	// the tag is missing, and a pair already stored is no conflict.
	sqlTagsAdd     = `INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING`
	sqlTagsRemove  = `DELETE FROM post_tags WHERE post_id = ? AND tag_id = ?`
	sqlKeyGet      = `SELECT post_id, tag_id FROM post_tags WHERE post_id = ? AND tag_id = ?`
	sqlInsertProf  = `INSERT INTO profiles (id, bio, post_id) VALUES (?, ?, ?)`
	sqlInsertTag   = `INSERT INTO tags (id, name) VALUES (?, ?)`
	sqlInsertPairs = `INSERT INTO post_tags (post_id, tag_id) VALUES (?, ?)`
)

type sqlProfile struct {
	ID     int64
	Bio    string
	PostID int64
}

type sqlTag struct {
	ID   int64
	Name string
}

type sqlPostTag struct {
	PostID, TagID int64
}

type relSQLiteStore struct {
	db *sql.DB
	// Prepared at Open, on the one connection.
	oneGet, tagsGet, tagsCount, tagsHas, tagsAdd, tagsRemove, keyGet, postExists,
	insertPost, insertProfile, insertTag, insertPair, deletePost *sql.Stmt
}

// OpenRelSQLiteC opens the raw SQL contender of the relations workload on
// cgo SQLite (mattn/go-sqlite3).
func OpenRelSQLiteC() (_ RelStore, err error) {
	db, err := openMemory(sqliteCDriver, sqliteCDSN, relSQLiteSchema)
	if err != nil {
		return nil, err
	}
	s := &relSQLiteStore{db: db}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	err = prepareAll(db, sqliteCDriver, []prepared{
		{&s.oneGet, sqlOneGet}, {&s.tagsGet, sqlTagsGet}, {&s.tagsCount, sqlTagsCount}, {&s.tagsHas, sqlTagsHas},
		{&s.tagsAdd, sqlTagsAdd}, {&s.tagsRemove, sqlTagsRemove}, {&s.keyGet, sqlKeyGet},
		{&s.postExists, sqlPostExists}, {&s.insertPost, sqlInsertPost}, {&s.insertProfile, sqlInsertProf},
		{&s.insertTag, sqlInsertTag}, {&s.insertPair, sqlInsertPairs}, {&s.deletePost, sqlDeletePost},
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *relSQLiteStore) Load(p int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		tags := tx.Stmt(s.insertTag)
		for t := int64(1); t <= p; t++ {
			if _, err := tags.Exec(t, TagName(t)); err != nil {
				return err
			}
		}
		for q := int64(1); q <= p; q++ {
			if err := s.restore(tx, p, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// restore inserts post q with its profile and join rows in tx.
func (s *relSQLiteStore) restore(tx *sql.Tx, p, q int64) error {
	if _, err := tx.Stmt(s.insertPost).Exec(q, Title(q)); err != nil {
		return err
	}
	if _, err := tx.Stmt(s.insertProfile).Exec(ProfileID(q), Bio(q), q); err != nil {
		return err
	}
	pair := tx.Stmt(s.insertPair)
	for _, t := range origTags(p, q) {
		if _, err := pair.Exec(q, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *relSQLiteStore) Restore(p, post int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error { return s.restore(tx, p, post) })
}

func (s *relSQLiteStore) OneGet(post int64) (int64, bool, error) {
	var id, pid sql.Null[int64]
	var bio sql.Null[string]
	err := s.oneGet.QueryRow(post).Scan(&id, &bio, &pid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("post %d: %w", post, errSQLNotFound)
	}
	if err != nil || !id.Valid {
		return 0, false, err
	}
	pr := sqlProfile{ID: id.V, Bio: bio.V, PostID: pid.V}
	return pr.ID, true, nil
}

func (s *relSQLiteStore) TagsGet(post int64, buf []int64) ([]int64, error) {
	rows, err := s.tagsGet.Query(post)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := false
	tags := make([]sqlTag, 0, 2*KT)
	for rows.Next() {
		found = true
		var id sql.Null[int64]
		var name sql.Null[string]
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if id.Valid {
			tags = append(tags, sqlTag{ID: id.V, Name: name.V})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("post %d: %w", post, errSQLNotFound)
	}
	for _, t := range tags {
		buf = append(buf, t.ID)
	}
	return buf, nil
}

func (s *relSQLiteStore) TagsCount(post int64) (int, error) {
	var n int
	err := scalar(s.tagsCount, post, &n, post, post)
	return n, err
}

func (s *relSQLiteStore) TagsHas(post, tag int64) (bool, error) {
	var ok bool
	err := scalar(s.tagsHas, post, &ok, post, tag, post)
	return ok, err
}

func (s *relSQLiteStore) TagsAdd(post, tag int64) error {
	_, err := s.tagsAdd.Exec(post, tag)
	return err
}

func (s *relSQLiteStore) TagsRemove(post, tag int64) error {
	return sqlUpdate(s.db, func(tx *sql.Tx) error {
		if err := txPostExists(tx, s.postExists, post); err != nil {
			return err
		}
		_, err := tx.Stmt(s.tagsRemove).Exec(post, tag)
		return err
	})
}

func (s *relSQLiteStore) KeyGet(post, tag int64) (bool, error) {
	var j sqlPostTag
	err := s.keyGet.QueryRow(post, tag).Scan(&j.PostID, &j.TagID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// PostDestroy is one DELETE; the profile and join rows go by ON DELETE
// CASCADE.
func (s *relSQLiteStore) PostDestroy(post int64) error {
	res, err := s.deletePost.Exec(post)
	return mustAffect(res, err, "post", post)
}

func (s *relSQLiteStore) Dump() (RelDump, error) {
	var d RelDump
	if err := s.db.QueryRow(`SELECT count(*) FROM tags`).Scan(&d.Tags); err != nil {
		return RelDump{}, err
	}
	if err := queryRows(s.db, `SELECT id FROM posts ORDER BY id`, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		d.Posts = append(d.Posts, id)
		return err
	}); err != nil {
		return RelDump{}, err
	}
	pairs := func(q string, dst *[][2]int64) error {
		return queryRows(s.db, q, func(rows *sql.Rows) error {
			var v [2]int64
			err := rows.Scan(&v[0], &v[1])
			*dst = append(*dst, v)
			return err
		})
	}
	if err := pairs(`SELECT id, post_id FROM profiles ORDER BY id`, &d.Profiles); err != nil {
		return RelDump{}, err
	}
	if err := pairs(`SELECT post_id, tag_id FROM post_tags ORDER BY post_id, tag_id`, &d.Pairs); err != nil {
		return RelDump{}, err
	}
	return d, nil
}

// queryRows runs q on db and calls scan on each row.
func queryRows(db *sql.DB, q string, scan func(*sql.Rows) error) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *relSQLiteStore) Close() error {
	return closeAll(s.db, []*sql.Stmt{s.oneGet, s.tagsGet, s.tagsCount, s.tagsHas, s.tagsAdd, s.tagsRemove,
		s.keyGet, s.postExists, s.insertPost, s.insertProfile, s.insertTag, s.insertPair, s.deletePost})
}
