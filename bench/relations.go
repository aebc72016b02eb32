package bench

import (
	"slices"
	"strconv"
)

// KT is the number of tags each post starts with.
const KT = 5

// RelStore is the second workload, the associations Post hasMany Comment
// does not exercise, implemented once per contender: Post hasOne Profile
// (the profile's foreign key unique and NOT NULL) and Post belongsToMany
// Tag through the join model PostTag, whose primary key is the composite
// (postId, tagId). Like [Store], every method is one transaction, values
// cross the boundary as copies, and a write either commits or changes
// nothing and fails.
//
// The data set of size p (p > KT) holds tags 1..p and posts 1..p; post q
// has the profile [ProfileID](q) and the KT tags [TagOf](p, q, 0..KT-1).
// Deleting a post deletes its profile and its join rows (ON DELETE
// CASCADE); deleting a tag would delete its join rows too, so every
// contender keeps the index that needs (tagId), though no op deletes one.
type RelStore interface {
	// Load stores the data set of size p in one write transaction.
	Load(p int64) error
	// Restore inserts post as the data set of size p holds it, with its
	// profile and join rows, in one write transaction; it undoes
	// PostDestroy outside the timed region.
	Restore(p, post int64) error
	// OneGet returns a copy of post's profile (hasOne Get); its id, and
	// false when post has none. A missing post is an error.
	OneGet(post int64) (int64, bool, error)
	// TagsGet copies post's tags (belongsToMany Get) in tag id order and
	// appends their ids to buf. A missing post is an error.
	TagsGet(post int64, buf []int64) ([]int64, error)
	// TagsCount counts post's tags without copying them.
	TagsCount(post int64) (int, error)
	// TagsHas reports whether post has tag.
	TagsHas(post, tag int64) (bool, error)
	// TagsAdd gives post the tag (a join row), unless it has it already;
	// a missing post or tag is an error.
	TagsAdd(post, tag int64) error
	// TagsRemove deletes the join row of post and tag, if there is one;
	// a missing post is an error.
	TagsRemove(post, tag int64) error
	// KeyGet finds the join row (post, tag) by its composite primary key
	// and copies it.
	KeyGet(post, tag int64) (bool, error)
	// PostDestroy deletes post; its profile and join rows go with it.
	PostDestroy(post int64) error

	// Dump lists every stored post, profile and join row and counts the
	// tags, read straight from the tables rather than through the
	// association, for the tests.
	Dump() (RelDump, error)
	// Close releases the store.
	Close() error
}

// RelDump is a store's whole content in the relations workload, in key
// order: post ids, profiles as (id, postId), join rows as (postId,
// tagId), and the number of tags.
type RelDump struct {
	Posts    []int64
	Profiles [][2]int64
	Pairs    [][2]int64
	Tags     int
}

// Equal reports whether d and e hold the same rows.
func (d RelDump) Equal(e RelDump) bool {
	return d.Tags == e.Tags && slices.Equal(d.Posts, e.Posts) &&
		slices.Equal(d.Profiles, e.Profiles) && slices.Equal(d.Pairs, e.Pairs)
}

// RelImpl is one contender of the relations workload.
type RelImpl struct {
	Name string
	// Open returns a new, empty store.
	Open func() (RelStore, error)
}

// RelImpls returns the relations workload's contenders in report order:
// memrel, then hand-written go-memdb and raw SQL on cgo SQLite.
func RelImpls() []RelImpl {
	return []RelImpl{
		{Name: "memrel", Open: OpenRelMemrel},
		{Name: "memdb", Open: OpenRelMemdb},
		{Name: "sqlitec", Open: OpenRelSQLiteC},
	}
}

// ProfileID is the id of post's profile: not the post's own id, so an
// answer that confuses the two is caught.
func ProfileID(post int64) int64 { return 2 * post }

// tagStride spaces a post's tags over the data set of size p: the offsets
// 0, s, .., KT*s are distinct and below p, so the tags of a post are
// distinct, the (KT+1)th is one it does not have, and every tag belongs
// to exactly KT posts.
func tagStride(p int64) int64 { return max(p/(KT+1), 1) }

// TagOf is the i-th tag of post in the data set of size p (i < KT); i =
// KT gives a tag post does not have, the one TagsAdd adds.
func TagOf(p, post, i int64) int64 { return (post-1+i*tagStride(p))%p + 1 }

// origTags lists post's tags in the data set of size p, in id order.
func origTags(p, post int64) []int64 {
	tags := make([]int64, KT)
	for i := range tags {
		tags[i] = TagOf(p, post, int64(i))
	}
	slices.Sort(tags)
	return tags
}

// TagName and Bio are the text columns, the same in every store.
func TagName(tag int64) string { return "tag " + strconv.FormatInt(tag, 10) }
func Bio(post int64) string    { return "bio of post " + strconv.FormatInt(post, 10) }

// RelDataSet is the dump of the data set of size p as loaded.
func RelDataSet(p int64) RelDump {
	d := RelDump{Tags: int(p)}
	for q := int64(1); q <= p; q++ {
		d.Posts = append(d.Posts, q)
		d.Profiles = append(d.Profiles, [2]int64{ProfileID(q), q})
		for _, t := range origTags(p, q) {
			d.Pairs = append(d.Pairs, [2]int64{q, t})
		}
	}
	return d
}
