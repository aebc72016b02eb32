package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The tags schema of SPEC N3: Post and Tag through PostTag, whose key is
// the pair.
type btPost struct {
	ID    int64
	Title string
}

type btTag struct {
	ID   int64
	Name string `memrel:"name,unique"`
}

type btPostTag struct {
	PostID int64   `memrel:"postId,pk"`
	TagID  int64   `memrel:"tagId,pk"`
	Role   *string `memrel:"role"`
	Weight int64   `memrel:"weight,default=0"`
}

type btBlog struct {
	db    *memrel.Store
	posts *memrel.Model[btPost]
	tags  *memrel.Model[btTag]
	pt    *memrel.Model[btPostTag]
	ptags *memrel.BelongsToMany[btPost, btTag, btPostTag]
}

// btOpen stores posts 1, 2 and tags 1 "go", 2 "db", 3 "web"; post 1 has
// tags 1 and 2, post 2 tag 2.
func btOpen(t *testing.T) *btBlog {
	t.Helper()
	s := memrel.NewSchema()
	b := &btBlog{posts: memrel.Define[btPost](s, "Post"), tags: memrel.Define[btTag](s, "Tag"),
		pt: memrel.Define[btPostTag](s, "PostTag")}
	b.ptags = memrel.NewBelongsToMany(b.posts, b.tags, b.pt, memrel.BelongsToManyOptions{})
	b.db = fixture.MustOpen(t, s)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		for _, p := range []string{"p1", "p2"} {
			_, err := b.posts.Create(tx, btPost{Title: p})
			require.NoError(t, err)
		}
		for _, n := range []string{"go", "db", "web"} {
			_, err := b.tags.Create(tx, btTag{Name: n})
			require.NoError(t, err)
		}
		require.NoError(t, b.ptags.AddKeys(tx, btPost{ID: 1}, []any{1, 2}, nil))
		return b.ptags.AddKeys(tx, btPost{ID: 2}, []any{2}, nil)
	}))
	return b
}

func (b *btBlog) joins(t *testing.T) []btPostTag { return hoAll(t, b.db, b.pt) }

func btIDs(ts []btTag) []int64 {
	var out []int64
	for _, x := range ts {
		out = append(out, x.ID)
	}
	return out
}

func TestBelongsToMany_CountMany(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		ns, err := b.ptags.CountMany(tx, []btPost{{ID: 2}, {ID: 99}, {ID: 1}, {ID: 3}}, nil)
		require.NoError(t, err)
		require.Equal(t, []int{1, 0, 2, 0}, ns, "an unknown post counts 0")
		ns, err = b.ptags.CountMany(tx, []btPost{{ID: 1}, {ID: 2}}, &memrel.ThroughOptions{Options: memrel.Options{
			Where: query.Eq("name", "go")}})
		require.NoError(t, err)
		require.Equal(t, []int{1, 0}, ns)
		ns, err = b.ptags.Inverse().CountMany(tx, []btTag{{ID: 1}, {ID: 2}, {ID: 3}}, nil)
		require.NoError(t, err)
		require.Equal(t, []int{1, 2, 0}, ns)
		_, err = b.ptags.CountMany(tx, []btPost{{ID: 99}}, &memrel.ThroughOptions{ThroughWhere: query.Eq("nope", 1)})
		require.ErrorIs(t, err, memrel.ErrUnknownField, "a bad through where fails even when no source is stored")
		return nil
	}))
}

func TestBelongsToMany_GetCountHas(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		got, err := b.ptags.Get(tx, btPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, []btTag{{ID: 1, Name: "go"}, {ID: 2, Name: "db"}}, got)
		got, err = b.ptags.Get(tx, btPost{ID: 1}, &memrel.ThroughOptions{Options: memrel.Options{
			Where: query.Eq("name", "db")}})
		require.NoError(t, err)
		require.Equal(t, []int64{2}, btIDs(got))
		got, err = b.ptags.Get(tx, btPost{ID: 1}, &memrel.ThroughOptions{Options: memrel.Options{
			Order: []query.Order{{Field: "name"}}, Limit: 1}})
		require.NoError(t, err)
		require.Equal(t, []int64{2}, btIDs(got), "db before go")
		n, err := b.ptags.Count(tx, btPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)

		ok, err := b.ptags.HasKeys(tx, btPost{ID: 1}, 1, 2, 2)
		require.NoError(t, err)
		require.True(t, ok, "duplicates count once")
		ok, err = b.ptags.HasKeys(tx, btPost{ID: 1}, 3)
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = b.ptags.HasKeys(tx, btPost{ID: 1}, 99)
		require.NoError(t, err)
		require.False(t, ok, "an unknown target")
		ok, err = b.ptags.HasKeys(tx, btPost{ID: 1})
		require.NoError(t, err)
		require.True(t, ok, "an empty list")

		// The other side.
		posts, err := b.ptags.Inverse().Get(tx, btTag{ID: 2}, nil)
		require.NoError(t, err)
		require.Equal(t, []btPost{{ID: 1, Title: "p1"}, {ID: 2, Title: "p2"}}, posts)
		require.Equal(t, "Tag.posts", b.ptags.Inverse().Name())

		_, err = b.ptags.Get(tx, btPost{ID: 9}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound)
		return nil
	}))
}

func TestBelongsToMany_Add_ThroughValuesAndRewrites(t *testing.T) {
	b := btOpen(t)
	lead := "lead"
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.AddKeys(tx, btPost{ID: 1}, []any{2, 3}, func(j *btPostTag) {
			j.Role = &lead
			j.PostID, j.TagID = 7, 7 // the association's, whatever through sets
		})
	}))
	lead = "changed after the call"
	require.Equal(t, []btPostTag{
		{PostID: 1, TagID: 1},
		{PostID: 1, TagID: 2, Role: fixture.Str("lead")}, // kept, rewritten
		{PostID: 1, TagID: 3, Role: fixture.Str("lead")}, // new
		{PostID: 2, TagID: 2},
	}, b.joins(t))
}

func TestBelongsToMany_Add_UnknownTargetIsAForeignKeyErrorAndAddsNothing(t *testing.T) {
	b := btOpen(t)
	before := snSave(t, b.db)
	err := b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.AddKeys(tx, btPost{ID: 2}, []any{3, 99}, nil)
	})
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "PostTag", fk.Model)
	require.Equal(t, "tagId", fk.ForeignKey)
	require.Equal(t, int64(99), fk.Value)
	require.Equal(t, before, snSave(t, b.db))
}

func TestBelongsToMany_Set_ExactlyTheListedAndAtomic(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.SetKeys(tx, btPost{ID: 1}, []any{2, 3, 3}, nil)
	}))
	require.Equal(t, []btPostTag{{PostID: 1, TagID: 2}, {PostID: 1, TagID: 3}, {PostID: 2, TagID: 2}}, b.joins(t))
	before := snSave(t, b.db)
	err := b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.SetKeys(tx, btPost{ID: 1}, []any{1, 99}, nil)
	})
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, before, snSave(t, b.db), "the obsolete rows are not deleted")
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.SetKeys(tx, btPost{ID: 1}, nil, nil)
	}))
	require.Equal(t, []btPostTag{{PostID: 2, TagID: 2}}, b.joins(t))
}

func TestBelongsToMany_Remove_IgnoresUnknownAndUnassociated(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.ptags.RemoveKeys(tx, btPost{ID: 1}, 2, 3, 99)
	}))
	require.Equal(t, []btPostTag{{PostID: 1, TagID: 1}, {PostID: 2, TagID: 2}}, b.joins(t))
}

func TestBelongsToMany_Create_TargetAndJoinRowOrNeither(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		tag, err := b.ptags.Create(tx, btPost{ID: 2}, btTag{Name: "new"}, func(j *btPostTag) { j.Weight = 5 })
		require.NoError(t, err)
		require.Equal(t, btTag{ID: 4, Name: "new"}, tag)
		return nil
	}))
	require.Contains(t, b.joins(t), btPostTag{PostID: 2, TagID: 4, Weight: 5})
	before := snSave(t, b.db)
	err := b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.ptags.Create(tx, btPost{ID: 2}, btTag{Name: "go"}, nil)
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc, "the tag's unique name")
	require.Equal(t, before, snSave(t, b.db))
}

func TestBelongsToMany_DeletingOrRekeyingCascadesToJoinRows(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.tags.DestroyKey(tx, 1))
		_, err := b.posts.UpdateKey(tx, 2, btPost{ID: 20, Title: "p2"})
		return err
	}))
	require.Equal(t, []btPostTag{{PostID: 1, TagID: 2}, {PostID: 20, TagID: 2}}, b.joins(t))
}

func TestBelongsToMany_ThroughWhere_FiltersJoinRows(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.ptags.AddKeys(tx, btPost{ID: 1}, []any{1}, func(j *btPostTag) { j.Weight = 3 }))
		got, err := b.ptags.Get(tx, btPost{ID: 1}, &memrel.ThroughOptions{ThroughWhere: query.Gt("weight", 1)})
		require.NoError(t, err)
		require.Equal(t, []int64{1}, btIDs(got))
		n, err := b.ptags.Count(tx, btPost{ID: 1}, &memrel.ThroughOptions{ThroughWhere: query.Eq("weight", 0)})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, err = b.ptags.Get(tx, btPost{ID: 1}, &memrel.ThroughOptions{ThroughWhere: query.Eq("nope", 0)})
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe)
		return nil
	}))
}

func TestBelongsToMany_Schema_JoinFieldsMustBeNotNull(t *testing.T) {
	type loose struct {
		ID     int64
		PostID *int64
		TagID  int64
	}
	s := memrel.NewSchema()
	posts := memrel.Define[btPost](s, "Post")
	tags := memrel.Define[btTag](s, "Tag")
	memrel.NewBelongsToMany(posts, tags, memrel.Define[loose](s, "Loose"), memrel.BelongsToManyOptions{})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), "belongsToMany Post.tags: join field postId must be NOT NULL")
}

func TestBelongsToMany_Add_ThroughStartsFromTheDefaults(t *testing.T) {
	type ranked struct {
		PostID int64  `memrel:"postId,pk"`
		TagID  int64  `memrel:"tagId,pk"`
		Rank   *int64 `memrel:"rank,notnull,default=1"`
	}
	s := memrel.NewSchema()
	posts := memrel.Define[btPost](s, "Post")
	tags := memrel.Define[btTag](s, "Tag")
	join := memrel.Define[ranked](s, "Ranked")
	pt := memrel.NewBelongsToMany(posts, tags, join, memrel.BelongsToManyOptions{})
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := posts.Create(tx, btPost{})
		require.NoError(t, err)
		for _, n := range []string{"a", "b"} {
			_, err := tags.Create(tx, btTag{Name: n})
			require.NoError(t, err)
		}
		require.NoError(t, pt.AddKeys(tx, p, []any{1}, nil))
		err = pt.AddKeys(tx, p, []any{2}, func(j *ranked) { j.Rank = nil })
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve, "a NULL the setter leaves in a NOT NULL field is its own")
		require.Equal(t, "rank", ve.Items[0].Field)
		return nil
	}))
	require.Equal(t, []ranked{{PostID: 1, TagID: 1, Rank: fixture.I64(1)}}, hoAll(t, db, join))
}

func TestBelongsToMany_FieldsOfBothSidesAreNotColumns(t *testing.T) {
	type post struct {
		ID   int64
		Tags []btTag
	}
	type tag struct {
		ID    int64
		Name  string
		Posts []*post
	}
	s := memrel.NewSchema()
	posts := memrel.Define[post](s, "Post")
	tags := memrel.Define[tag](s, "Tag")
	memrel.NewBelongsToMany(posts, tags, memrel.Define[btPostTag](s, "PostTag"), memrel.BelongsToManyOptions{})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se, "Post.Tags is a []btTag, not the target's []tag")
	require.Contains(t, se.Error(), "Post.Tags: unsupported type")
	require.NotContains(t, se.Error(), "Tag.Posts", "a []*Post on the target is its field")

	s = memrel.NewSchema()
	posts2 := memrel.Define[post](s, "Post")
	tags2 := memrel.Define[btTag](s, "Tag")
	memrel.NewBelongsToMany(posts2, tags2, memrel.Define[btPostTag](s, "PostTag"), memrel.BelongsToManyOptions{})
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		p, err := posts2.Create(tx, post{Tags: []btTag{{Name: "x"}}})
		require.NoError(t, err)
		require.Nil(t, p.Tags, "the field is not stored")
		return nil
	}))
}

type biPost struct {
	ID    int64
	Title string
	Tags  []biTag
}

type biTag struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Posts []*biPost
}

// biOpen opens an empty store of biPost belongsToMany biTag.
func biOpen(t *testing.T) (*memrel.Store, *memrel.Model[biPost], *memrel.Model[biTag], *memrel.BelongsToMany[biPost, biTag, btPostTag]) {
	t.Helper()
	s := memrel.NewSchema()
	posts := memrel.Define[biPost](s, "Post")
	tags := memrel.Define[biTag](s, "Tag")
	pt := memrel.NewBelongsToMany(posts, tags, memrel.Define[btPostTag](s, "PostTag"), memrel.BelongsToManyOptions{})
	return fixture.MustOpen(t, s), posts, tags, pt
}

func TestBelongsToMany_Include_BothSidesWhereAndThroughWhere(t *testing.T) {
	db, posts, tags, pt := biOpen(t)
	require.Equal(t, "BelongsToMany", pt.Info().Type)
	require.Equal(t, "tags", pt.Info().As)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, p := range []string{"p1", "p2", "p3"} {
			_, err := posts.Create(tx, biPost{Title: p})
			require.NoError(t, err)
		}
		for _, n := range []string{"web", "go", "db"} {
			_, err := tags.Create(tx, biTag{Name: n})
			require.NoError(t, err)
		}
		// Added out of key order: includes list targets by key.
		require.NoError(t, pt.AddKeys(tx, biPost{ID: 1}, []any{3, 1}, func(j *btPostTag) { j.Weight = 2 }))
		require.NoError(t, pt.AddKeys(tx, biPost{ID: 2}, []any{2}, nil))

		got, err := posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pt}}})
		require.NoError(t, err)
		require.Equal(t, []biPost{
			{ID: 1, Title: "p1", Tags: []biTag{{ID: 1, Name: "web"}, {ID: 3, Name: "db"}}},
			{ID: 2, Title: "p2", Tags: []biTag{{ID: 2, Name: "go"}}},
			{ID: 3, Title: "p3", Tags: []biTag{}},
		}, got)

		got, err = posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pt, Where: query.Eq("name", "go")}}})
		require.NoError(t, err)
		require.Equal(t, []biPost{{ID: 2, Title: "p2", Tags: []biTag{{ID: 2, Name: "go"}}}}, got, "a where makes it required")

		got, err = posts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pt, ThroughWhere: query.Eq("weight", 2)}}})
		require.NoError(t, err)
		require.Len(t, got, 3, "a through where does not")
		require.Len(t, got[0].Tags, 2)
		require.Empty(t, got[1].Tags)

		// The other side, nested back.
		ts, err := tags.FindAll(tx, &memrel.Options{Where: query.Eq("id", 3),
			Include: []memrel.Include{{Assoc: pt.Inverse(), Include: []memrel.Include{{Assoc: pt}}}}})
		require.NoError(t, err)
		require.Equal(t, []biTag{{ID: 3, Name: "db", Posts: []*biPost{{ID: 1, Title: "p1",
			Tags: []biTag{{ID: 1, Name: "web"}, {ID: 3, Name: "db"}}}}}}, ts)

		_, err = tags.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: pt}}})
		var el *memrel.EagerLoadingError
		require.ErrorAs(t, err, &el, "Post.tags from Tag")
		return nil
	}))
}

func TestBelongsToMany_GetWithJoin_CopiesTheJoinRows(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.ptags.AddKeys(tx, btPost{ID: 1}, []any{2}, func(j *btPostTag) { j.Role = fixture.Str("lead"); j.Weight = 3 }))
		got, err := b.ptags.GetWithJoin(tx, btPost{ID: 1}, &memrel.ThroughOptions{Options: memrel.Options{Order: []query.Order{{Field: "name"}}}})
		require.NoError(t, err)
		require.Equal(t, []memrel.WithJoin[btTag, btPostTag]{
			{Target: btTag{ID: 2, Name: "db"}, Join: btPostTag{PostID: 1, TagID: 2, Role: fixture.Str("lead"), Weight: 3}},
			{Target: btTag{ID: 1, Name: "go"}, Join: btPostTag{PostID: 1, TagID: 1}},
		}, got)
		*got[0].Join.Role = "scribbled"
		again, err := b.ptags.GetWithJoin(tx, btPost{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, "lead", *again[1].Join.Role, "the copy shares nothing with the store")
		return nil
	}))
}

func TestBelongsToMany_GetWithJoin_NeedsTheTargetsKey(t *testing.T) {
	b := btOpen(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		_, err := b.ptags.GetWithJoin(tx, btPost{ID: 1}, &memrel.ThroughOptions{Options: memrel.Options{Fields: []string{"name"}}})
		var ae *memrel.AssociationError
		require.ErrorAs(t, err, &ae)
		got, err := b.ptags.GetWithJoin(tx, btPost{ID: 1}, &memrel.ThroughOptions{Options: memrel.Options{Fields: []string{"id"}}})
		require.NoError(t, err)
		require.Equal(t, btTag{ID: 1}, got[0].Target)
		return nil
	}))
}

func TestBelongsToMany_Schema_AliasesShareTheNamespace(t *testing.T) {
	type note struct {
		ID     int64
		PostID *int64
	}
	// A hasMany first, then a belongsToMany under its alias; and the other
	// order, for the inverse alias.
	s := memrel.NewSchema()
	posts := memrel.Define[btPost](s, "Post")
	tags := memrel.Define[btTag](s, "Tag")
	notes := memrel.Define[note](s, "Note")
	memrel.NewHasMany(posts, notes, memrel.HasManyOptions{As: "tags"})
	memrel.NewBelongsToMany(posts, tags, memrel.Define[btPostTag](s, "PostTag"), memrel.BelongsToManyOptions{})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), `belongsToMany Post.tags: alias "tags" of Post already used`)

	s = memrel.NewSchema()
	posts = memrel.Define[btPost](s, "Post")
	tags = memrel.Define[btTag](s, "Tag")
	memrel.NewBelongsToMany(posts, tags, memrel.Define[btPostTag](s, "PostTag"), memrel.BelongsToManyOptions{})
	memrel.NewHasMany(posts, memrel.Define[note](s, "Note"), memrel.HasManyOptions{As: "tags"})
	_, err = s.Open()
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), `alias "tags" already used by belongsToMany Post.tags`)
}

// The join model's natural key makes a pair one seek; every kind of join
// model finds its pairs alike: a composite primary key over the pair, a
// key of its own with Unique over the pair in either order, or no
// constraint on the pair at all (a walk over the source's join rows).
func TestBelongsToMany_PairsAlikeWhateverTheJoinModelsKey(t *testing.T) {
	type ownKey struct {
		ID     int64
		PostID int64
		TagID  int64
	}
	for name, unique := range map[string][]string{
		"own key, unique pair":          {"postId", "tagId"},
		"own key, unique pair reversed": {"tagId", "postId"},
		"own key, no constraint":        nil,
	} {
		t.Run(name, func(t *testing.T) {
			s := memrel.NewSchema()
			posts, tags := memrel.Define[btPost](s, "Post"), memrel.Define[btTag](s, "Tag")
			var opts []memrel.ModelOption
			if unique != nil {
				opts = append(opts, memrel.Unique(unique...))
			}
			pt := memrel.Define[ownKey](s, "PostTag", opts...)
			b := memrel.NewBelongsToMany(posts, tags, pt, memrel.BelongsToManyOptions{})
			db := fixture.MustOpen(t, s)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				for _, p := range []string{"p1", "p2"} {
					_, err := posts.Create(tx, btPost{Title: p})
					require.NoError(t, err)
				}
				for _, n := range []string{"go", "db", "web"} {
					_, err := tags.Create(tx, btTag{Name: n})
					require.NoError(t, err)
				}
				p1, p2 := btPost{ID: 1}, btPost{ID: 2}
				require.NoError(t, b.AddKeys(tx, p1, []any{1, 2, 2, 1}, nil))
				require.NoError(t, b.AddKeys(tx, p2, []any{2}, nil))
				require.NoError(t, b.AddKeys(tx, p1, []any{2, 3}, nil), "a held pair is kept")
				joins, err := pt.FindAll(tx, nil)
				require.NoError(t, err)
				require.Equal(t, []ownKey{{1, 1, 1}, {2, 1, 2}, {3, 2, 2}, {4, 1, 3}}, joins)
				for _, c := range []struct {
					src  btPost
					keys []any
					want bool
				}{{p1, []any{1, 2, 3}, true}, {p2, []any{2}, true}, {p2, []any{1}, false}, {p1, []any{2, 4}, false}} {
					ok, err := b.HasKeys(tx, c.src, c.keys...)
					require.NoError(t, err)
					require.Equal(t, c.want, ok, "Has(%d, %v)", c.src.ID, c.keys)
				}
				require.NoError(t, b.RemoveKeys(tx, p1, 2, 2, 9))
				n, err := b.Count(tx, p1, nil)
				require.NoError(t, err)
				require.Equal(t, 2, n)
				joins, err = pt.FindAll(tx, nil)
				require.Equal(t, []ownKey{{1, 1, 1}, {3, 2, 2}, {4, 1, 3}}, joins, "Remove deletes p1's pair with tag 2 only")
				return err
			}))
		})
	}
}
