package memrel_test

import (
	"strings"
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// Local shapes: the schema tests declare models a schema must refuse
// (wrong-typed, missing or clashing fields), so none can be shared.
type stSPost struct {
	ID       int64
	Title    string
	Code     string `memrel:",unique"`
	Comments []stSComment
}

type stSComment struct {
	ID     int64
	PostID *int64
	Body   string
	Kind   string
	Post   *stSPost
}

// stSStrComment has a foreign key of the wrong type for stSPost.ID.
type stSStrComment struct {
	ID     int64
	PostID *string
}

// stSFloatComment has a float32 column a scope can name.
type stSFloatComment struct {
	ID     int64
	PostID *int64
	Score  float32
}

// stSFloatDefault has a float32 default beyond the float32 range.
type stSFloatDefault struct {
	ID int64
	F  float32 `memrel:",default=-1e39"`
}

// stSNoFK has no field for the default foreign key postId.
type stSNoFK struct {
	ID   int64
	Body string
}

// stRequireProblem requires err to be a *SchemaError with a problem for
// model and field (column or Go spelling; "" for none) whose text names
// both, and returns that problem.
func stRequireProblem(t *testing.T, err error, model, field string) memrel.SchemaProblem {
	t.Helper()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.True(t, strings.HasPrefix(err.Error(), "memrel: "), err.Error())
	for _, p := range se.Problems {
		if p.Model == model && strings.EqualFold(p.Field, field) {
			require.Contains(t, err.Error(), model)
			require.Contains(t, err.Error(), p.Field)
			require.NotEmpty(t, p.Reason)
			return p
		}
	}
	require.Failf(t, "problem not reported", "want %s.%s in %v", model, field, se.Problems)
	return memrel.SchemaProblem{}
}

func TestSchema_Open_Valid(t *testing.T) {
	type stSOK struct {
		ID     int64
		Ch     chan int `memrel:"-"`
		hidden map[string]int
	}
	s := memrel.NewSchema()
	posts := memrel.Define[stSPost](s, "Post")
	comments := memrel.Define[stSComment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
	ok := memrel.Define[stSOK](s, "OK")
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		v, err := ok.Create(tx, stSOK{hidden: map[string]int{}})
		require.NoError(t, err)
		require.Equal(t, int64(1), v.ID)
		return nil
	}))
}

func TestSchema_Open_Errors(t *testing.T) {
	type stSBadTag struct {
		ID int64
		X  int `memrel:",bogus"`
	}
	type stSBadType struct {
		ID int64
		Ch chan int
	}
	type stSBadTaggedType struct {
		ID int64
		M  map[string]int `memrel:"m"`
	}
	type stSNoPK struct {
		Name string
		N    int
	}
	type stSStrID struct {
		ID   string
		Name string
	}
	type stSTwoPK struct { // a composite key may not auto-increment
		A int64 `memrel:",pk,autoinc"`
		B int64 `memrel:",pk"`
	}
	type stSNullPlain struct {
		ID int64
		N  int `memrel:",null"`
	}
	type stSBadDefault struct {
		ID int64
		N  int `memrel:",default=abc"`
	}
	type stSBadAutoinc struct {
		ID   int64
		Name string `memrel:",autoinc"`
	}
	type stSFloatPK struct {
		K float64 `memrel:",pk"`
	}
	type stSPtrBytes struct {
		ID int64
		B  *[]byte
	}
	type stSSameColumn struct {
		ID  int64
		A   int `memrel:"x"`
		B   int `memrel:"x"`
		Pad int
	}
	cases := []struct {
		name   string
		define func(s *memrel.Schema)
		model  string
		field  string
	}{
		{"unknown tag option", func(s *memrel.Schema) { memrel.Define[stSBadTag](s, "BadTag") }, "BadTag", "X"},
		{"unsupported type not tagged -", func(s *memrel.Schema) { memrel.Define[stSBadType](s, "BadType") }, "BadType", "Ch"},
		{"unsupported type with a tag", func(s *memrel.Schema) { memrel.Define[stSBadTaggedType](s, "BadTagged") }, "BadTagged", "M"},
		{"no primary key", func(s *memrel.Schema) { memrel.Define[stSNoPK](s, "NoPK") }, "NoPK", ""},
		{"string ID is not an implicit key", func(s *memrel.Schema) { memrel.Define[stSStrID](s, "StrID") }, "StrID", ""},
		{"autoinc in a composite key", func(s *memrel.Schema) { memrel.Define[stSTwoPK](s, "TwoPK") }, "TwoPK", "A"},
		{"null on a plain field", func(s *memrel.Schema) { memrel.Define[stSNullPlain](s, "NullPlain") }, "NullPlain", "N"},
		{"bad default", func(s *memrel.Schema) { memrel.Define[stSBadDefault](s, "BadDefault") }, "BadDefault", "N"},
		{"autoinc on a string", func(s *memrel.Schema) { memrel.Define[stSBadAutoinc](s, "BadAutoinc") }, "BadAutoinc", "Name"},
		{"float primary key", func(s *memrel.Schema) { memrel.Define[stSFloatPK](s, "FloatPK") }, "FloatPK", "K"},
		{"pointer to bytes", func(s *memrel.Schema) { memrel.Define[stSPtrBytes](s, "PtrBytes") }, "PtrBytes", "B"},
		{"two fields, one column", func(s *memrel.Schema) { memrel.Define[stSSameColumn](s, "Same") }, "Same", "B"},
		{"model defined twice", func(s *memrel.Schema) {
			memrel.Define[stSNoFK](s, "Dup")
			memrel.Define[stSNoFK](s, "Dup")
		}, "Dup", ""},
		{"foreign key missing", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{ForeignKey: "nope"})
		}, "Comment", "nope"},
		{"default foreign key missing", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSNoFK](s, "Comment"),
				memrel.HasManyOptions{})
		}, "Comment", "postId"},
		{"foreign key type mismatch", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSStrComment](s, "Comment"),
				memrel.HasManyOptions{})
		}, "Comment", "postId"},
		{"foreign key type mismatch with source key", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{SourceKey: "code", ForeignKey: "postId"})
		}, "Comment", "postId"},
		{"source key neither pk nor unique", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{SourceKey: "title"})
		}, "Post", "title"},
		{"unknown source key", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{SourceKey: "nope"})
		}, "Post", "nope"},
		{"alias equal to a column name", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{As: "title"})
		}, "Post", "title"},
		{"unknown scope field", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{Scope: map[string]any{"nope": "x"}})
		}, "Comment", "nope"},
		{"scope value of the wrong type", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{Scope: map[string]any{"kind": 5}})
		}, "Comment", "kind"},
		{"scope naming a column twice", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{Scope: map[string]any{"kind": "a", "Kind": "b"}})
		}, "Comment", "kind"},
		{"scope on the foreign key", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSComment](s, "Comment"),
				memrel.HasManyOptions{Scope: map[string]any{"postId": 1}})
		}, "Comment", "postId"},
		{"float32 scope value out of range", func(s *memrel.Schema) {
			memrel.NewHasMany(memrel.Define[stSPost](s, "Post"), memrel.Define[stSFloatComment](s, "Comment"),
				memrel.HasManyOptions{Scope: map[string]any{"score": 1e300}})
		}, "Comment", "score"},
		{"float32 default out of range", func(s *memrel.Schema) {
			memrel.Define[stSFloatDefault](s, "FloatDefault")
		}, "FloatDefault", "F"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := memrel.NewSchema()
			tc.define(s)
			db, err := s.Open()
			require.Nil(t, db)
			stRequireProblem(t, err, tc.model, tc.field)
			// The verdict is stable.
			_, err2 := s.Open()
			require.Equal(t, err.Error(), err2.Error())
		})
	}
}

func TestSchema_Open_DuplicateAlias(t *testing.T) {
	s := memrel.NewSchema()
	posts := memrel.Define[stSPost](s, "Post")
	comments := memrel.Define[stSComment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "comments"})
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "comments", Inverse: "other", ForeignKey: "postId"})
	_, err := s.Open()
	p := stRequireProblem(t, err, "Post", "")
	require.Contains(t, p.String(), "comments")
	require.Contains(t, err.Error(), "comments")
}

func TestSchema_Open_ReportsSeveralProblems(t *testing.T) {
	type stSBadTag struct {
		ID int64
		X  int `memrel:",bogus"`
	}
	type stSNoPK struct{ Name string }
	s := memrel.NewSchema()
	memrel.Define[stSBadTag](s, "BadTag")
	memrel.Define[stSNoPK](s, "NoPK")
	posts := memrel.Define[stSPost](s, "Post")
	comments := memrel.Define[stSComment](s, "Comment")
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{ForeignKey: "nope", Scope: map[string]any{"zap": 1}})
	memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "title", Inverse: "other"})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	stRequireProblem(t, err, "BadTag", "X")
	stRequireProblem(t, err, "NoPK", "")
	stRequireProblem(t, err, "Comment", "nope")
	stRequireProblem(t, err, "Post", "title")
	require.GreaterOrEqual(t, len(se.Problems), 4)
	for _, p := range se.Problems {
		require.Contains(t, err.Error(), p.String())
	}
}

func TestSchema_Define_AfterOpenPanics(t *testing.T) {
	type stSOther struct {
		ID     int64
		PostID *int64
	}
	for _, valid := range []bool{true, false} {
		s := memrel.NewSchema()
		posts := memrel.Define[stSPost](s, "Post")
		comments := memrel.Define[stSComment](s, "Comment")
		memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
		if !valid {
			memrel.Define[stSNoFK](s, "Post") // defined twice
		}
		_, err := s.Open()
		require.Equal(t, valid, err == nil, err)
		require.Panics(t, func() { memrel.Define[stSOther](s, "Other") })
		require.Panics(t, func() {
			memrel.NewHasMany(posts, comments, memrel.HasManyOptions{As: "more", Inverse: "more"})
		})
		if valid {
			// The panics left the schema as it was: it still opens.
			db, err := s.Open()
			require.NoError(t, err)
			require.NotNil(t, db)
		}
	}
}

func TestSchema_Open_AliasEqualsGoFieldName(t *testing.T) {
	type stAliasPost struct {
		ID    int64
		Title string
	}
	type stAliasComment struct {
		ID     int64
		PostID *int64
	}
	s := memrel.NewSchema()
	p := memrel.Define[stAliasPost](s, "Post")
	c := memrel.Define[stAliasComment](s, "Comment")
	memrel.NewHasMany(p, c, memrel.HasManyOptions{As: "Title"})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Problems, 1, "only the clash is reported: %v", err)
	require.Contains(t, se.Error(), `alias "Title" equals a field name of Post`)
}

func TestSchema_Open_FailedAssociationClaimsItsFields(t *testing.T) {
	type stBadPost struct {
		ID       int64
		Comments []struct{ ID int64 }
	}
	type stBadComment struct {
		ID   int64
		Post *stBadPost
	}
	s := memrel.NewSchema()
	p := memrel.Define[stBadPost](s, "Post")
	c := memrel.Define[stBadComment](s, "Comment")
	memrel.NewHasMany(p, c, memrel.HasManyOptions{ForeignKey: "nope"})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Problems, 2, "%v", err)
	require.Contains(t, se.Error(), `unknown foreign key "nope"`)
	require.Contains(t, se.Error(), "Post.Comments: association Post.comments fills this field")
}
