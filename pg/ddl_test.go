package pg

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/internal/meta"
	"github.com/stretchr/testify/require"
)

// updateEnv set to 1 rewrites the golden DDL files.
const updateEnv = "MEMREL_UPDATE"

// schemas are the shared fixture schemas the DDL tests run on.
func schemas(t *testing.T) map[string]*memrel.Schema {
	return map[string]*memrel.Schema{
		"blog":        fixture.Blog(t, fixture.BlogOptions{}).Schema,
		"books":       fixture.Books(t, memrel.HasManyOptions{}).Schema,
		"categories":  fixture.Categories(t, memrel.HasManyOptions{}).Schema,
		"authors":     fixture.Authors(t, fixture.AuthorsOptions{}).Schema,
		"polymorphic": fixture.Polymorphic(t).Schema,
		"columns":     fixture.Columns(t).Schema,
		"tags":        tagsSchema(),
	}
}

// A belongsToMany through a join model keyed by the pair, with a paranoid,
// timestamped source.
type (
	tgPost struct {
		ID        int64
		Title     string
		CreatedAt time.Time
		UpdatedAt time.Time
		DeletedAt *time.Time
	}
	tgTag struct {
		ID   int64
		Name string `memrel:"name,unique"`
	}
	tgPostTag struct {
		PostID int64  `memrel:"postId,pk"`
		TagID  int64  `memrel:"tagId,pk"`
		Role   string `memrel:"role,default=tag"`
	}
)

func tagsSchema() *memrel.Schema {
	s := memrel.NewSchema()
	posts := memrel.Define[tgPost](s, "Post", memrel.Timestamps(), memrel.Paranoid())
	tags := memrel.Define[tgTag](s, "Tag")
	joins := memrel.Define[tgPostTag](s, "PostTag")
	memrel.NewBelongsToMany(posts, tags, joins, memrel.BelongsToManyOptions{})
	return s
}

func TestDDL_MatchesGoldenFiles(t *testing.T) {
	for name, s := range schemas(t) {
		t.Run(name, func(t *testing.T) {
			stmts, err := DDL(s)
			require.NoError(t, err)
			got := strings.Join(stmts, ";\n\n") + ";\n"
			path := filepath.Join("testdata", name+".sql")
			if os.Getenv(updateEnv) == "1" {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with %s=1 to write it", updateEnv)
			require.Equal(t, string(want), got)
		})
	}
}

func TestDDL_SameOnEveryCall(t *testing.T) {
	a, err := DDL(fixture.Blog(t, fixture.BlogOptions{}).Schema)
	require.NoError(t, err)
	b, err := DDL(fixture.Blog(t, fixture.BlogOptions{}).Schema)
	require.NoError(t, err)
	require.Equal(t, a, b)
}

func TestDDL_SchemaMistake_IsTheSchemaError(t *testing.T) {
	s := memrel.NewSchema()
	type NoKey struct{ Name string }
	memrel.Define[NoKey](s, "NoKey")
	_, err := DDL(s)
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	_, openErr := s.Open()
	require.Equal(t, openErr.Error(), err.Error())
}

func TestCreate_EveryFixtureSchemaRuns(t *testing.T) {
	for name, s := range schemas(t) {
		t.Run(name, func(t *testing.T) {
			c := database(t)
			require.NoError(t, Create(context.Background(), c, s))
		})
	}
}

func TestCreate_ExistingTable_CreatesNothing(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	_, err := c.Exec(ctx, `CREATE TABLE "Reply" (x int)`)
	require.NoError(t, err)
	err = Create(ctx, c, fixture.Blog(t, fixture.BlogOptions{}).Schema)
	require.Error(t, err)
	var n int
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n))
	require.Equal(t, 1, n, "only the table that was there")
}

// pgCode returns the SQLSTATE and constraint of a server error.
func pgCode(t *testing.T, err error) (code, constraint string) {
	t.Helper()
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "not a server error: %v", err)
	return pe.Code, pe.ConstraintName
}

func TestCreate_DatabaseEnforcesTheConstraints(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	require.NoError(t, Create(ctx, c, fixture.Blog(t, fixture.BlogOptions{}).Schema))
	exec := func(sql string, args ...any) error {
		_, err := c.Exec(ctx, sql, args...)
		return err
	}
	require.NoError(t, exec(`INSERT INTO "Post" ("title") VALUES ('a'), ('b')`))
	require.NoError(t, exec(`INSERT INTO "Comment" ("body", "postId") VALUES ('c1', 1), ('c2', 1), ('c3', 2)`))
	require.NoError(t, exec(`INSERT INTO "Reply" ("text", "commentId") VALUES ('r1', 1), ('r2', 3)`))

	code, name := pgCode(t, exec(`INSERT INTO "Comment" ("body", "postId") VALUES ('x', 99)`))
	require.Equal(t, "23503", code) // foreign_key_violation
	require.Equal(t, "Comment_postId_fkey", name)
	code, _ = pgCode(t, exec(`INSERT INTO "Reply" ("text") VALUES ('orphan')`))
	require.Equal(t, "23502", code) // not_null_violation: Reply.commentId is NOT NULL
	code, name = pgCode(t, exec(`INSERT INTO "Post" ("id", "title") VALUES (1, 'again')`))
	require.Equal(t, "23505", code)
	require.Equal(t, "Post_pkey", name)

	// Post.comments: a nullable foreign key, ON DELETE SET NULL;
	// Comment.replies: NOT NULL, ON DELETE CASCADE.
	require.NoError(t, exec(`DELETE FROM "Post" WHERE "id" = 1`))
	var nulled, replies int
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM "Comment" WHERE "postId" IS NULL`).Scan(&nulled))
	require.Equal(t, 2, nulled)
	require.NoError(t, exec(`DELETE FROM "Comment" WHERE "id" = 3`))
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM "Reply"`).Scan(&replies))
	require.Equal(t, 1, replies)
	// ON UPDATE CASCADE moves the children with their parent's key.
	require.NoError(t, exec(`UPDATE "Comment" SET "id" = 10 WHERE "id" = 1`))
	var moved int64
	require.NoError(t, c.QueryRow(ctx, `SELECT "commentId" FROM "Reply"`).Scan(&moved))
	require.Equal(t, int64(10), moved)
}

// typed is a model of every column type, with the Go ranges a CHECK keeps.
type typed struct {
	ID     int64
	I8     int8
	U8     uint8
	U16    uint16
	U32    uint32
	U64    uint64
	F32    float32
	F64    float64 `memrel:"f64,default=1.5"`
	Name   string  `memrel:"name,unique,default=it's"`
	On     bool    `memrel:"on,default=true"`
	At     time.Time
	Note   sql.Null[string]
	Blob   []byte   `memrel:"blob,null"`
	UUID   [16]byte `memrel:"uuid,index"`
	Amount int32    `memrel:"amount,default=-7"`
}

// typedTable is the table of typed, created on c when c is not nil.
func typedTable(t *testing.T, c *pgx.Conn) *meta.Table {
	s := memrel.NewSchema()
	memrel.Define[typed](s, "Typed")
	if c != nil {
		require.NoError(t, Create(context.Background(), c, s))
	}
	m, err := memrel.EngineSchema(s)
	require.NoError(t, err)
	return m.ByName["Typed"]
}

func TestCreate_TypesHoldGoRanges(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	typedTable(t, c)
	insert := func(col string, v any) error {
		// A row of zero values but for col.
		_, err := c.Exec(ctx, `INSERT INTO "Typed" ("i8", "u8", "u16", "u32", "u64", "f32", "at", "uuid")
			VALUES (0, 0, 0, 0, 0, 0, now(), '\x00000000000000000000000000000000') ON CONFLICT DO NOTHING`)
		if err != nil || col == "" {
			return err
		}
		_, err = c.Exec(ctx, `UPDATE "Typed" SET "`+col+`" = $1`, v)
		return err
	}
	require.NoError(t, insert("", nil))
	for _, bad := range []struct {
		col string
		v   any
	}{{"i8", 128}, {"i8", -129}, {"u8", 256}, {"u8", -1}, {"u16", 65536}, {"u32", int64(1) << 32}, {"u64", -1}} {
		code, name := pgCode(t, insert(bad.col, bad.v))
		require.Equal(t, "23514", code, "%s = %v", bad.col, bad.v) // check_violation
		require.Equal(t, "Typed_"+bad.col+"_check", name)
	}
	for _, good := range []struct {
		col string
		v   any
	}{{"i8", -128}, {"u8", 255}, {"u16", 65535}, {"u32", int64(1)<<32 - 1}, {"u64", "18446744073709551615"}} {
		require.NoError(t, insert(good.col, good.v), "%s = %v", good.col, good.v)
	}
	code, name := pgCode(t, insert("uuid", []byte{1, 2, 3}))
	require.Equal(t, "23514", code)
	require.Equal(t, "Typed_uuid_check", name)

	// The defaults are memrel's.
	var f64 float64
	var nm string
	var on bool
	var amount int32
	require.NoError(t, c.QueryRow(ctx, `SELECT "f64", "name", "on", "amount" FROM "Typed"`).Scan(&f64, &nm, &on, &amount))
	require.Equal(t, 1.5, f64)
	require.Equal(t, "it's", nm)
	require.True(t, on)
	require.Equal(t, int32(-7), amount)

	// Text compares bytewise: "B" < "a", as memrel orders strings.
	var less bool
	require.NoError(t, c.QueryRow(ctx, `SELECT 'B' COLLATE "C" < 'a' COLLATE "C"`).Scan(&less))
	require.True(t, less)
	var coll string
	require.NoError(t, c.QueryRow(ctx, `SELECT collation_name FROM information_schema.columns
		WHERE table_name = 'Typed' AND column_name = 'name'`).Scan(&coll))
	require.Equal(t, "C", coll)
}

func TestConstraintName_LongNames_CutWithAHash(t *testing.T) {
	long := strings.Repeat("a", 40)
	a := constraintName(long, []string{long}, "fkey")
	b := constraintName(long, []string{long + "b"}, "fkey")
	require.LessOrEqual(t, len(a), maxIdent)
	require.LessOrEqual(t, len(b), maxIdent)
	require.NotEqual(t, a, b)
	require.Equal(t, a, constraintName(long, []string{long}, "fkey"))
	require.Equal(t, "Comment_postId_fkey", constraintName("Comment", []string{"postId"}, "fkey"))
	// A cut never splits a UTF-8 character.
	u := constraintName(strings.Repeat("é", 40), nil, "pkey")
	require.True(t, strings.ToValidUTF8(u, "?") == u, u)
}

func TestCreate_NamesStayUniqueWhenCut(t *testing.T) {
	// Two long names that share their first 54 bytes: PostgreSQL would cut
	// both to the same 63 bytes, memrel's names keep them apart.
	ctx := context.Background()
	c := database(t)
	type Wide struct {
		ID int64
		A  string `memrel:"averyveryveryveryverylongcolumnnamethatgoesonandon_one,unique"`
		B  string `memrel:"averyveryveryveryverylongcolumnnamethatgoesonandon_two,unique"`
	}
	s := memrel.NewSchema()
	memrel.Define[Wide](s, "Wide")
	require.NoError(t, Create(ctx, c, s))
	rows, err := c.Query(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = '"Wide"'::regclass ORDER BY conname`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Len(t, names, 3)
	stmts, err := DDL(s)
	require.NoError(t, err)
	for _, n := range names {
		require.Contains(t, stmts[0], `"`+n+`"`)
	}
}
