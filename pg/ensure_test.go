package pg

import (
	"context"
	"testing"

	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

func TestEnsure_EmptyDatabase_CreatesThenMatches(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	for name, s := range schemas(t) {
		// Each schema into a Postgres schema of its own, as search_path
		// picks it.
		_, err := c.Exec(ctx, "CREATE SCHEMA "+name+"; SET search_path = "+name)
		require.NoError(t, err)
		require.NoError(t, Ensure(ctx, c, s), name)
		require.NoError(t, Ensure(ctx, c, s), "%s: a second Ensure finds it as it made it", name)
	}
}

func TestEnsure_ChangedDatabase_NamesEveryDifference(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	s := fixture.Blog(t, fixture.BlogOptions{}).Schema
	require.NoError(t, Ensure(ctx, c, s))
	for _, st := range []string{
		`ALTER TABLE "Post" DROP COLUMN "title"`,
		`ALTER TABLE "Post" ADD COLUMN "extra" int`,
		`ALTER TABLE "Comment" ALTER COLUMN "body" TYPE varchar(10)`,
		`ALTER TABLE "Comment" ALTER COLUMN "postId" SET NOT NULL`,
		`ALTER TABLE "Reply" DROP CONSTRAINT "Reply_commentId_fkey"`,
		`ALTER TABLE "Reply" ADD CONSTRAINT "Reply_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment" ("id") ON DELETE SET NULL`,
		`DROP INDEX "Like_replyId_idx"`,
		`CREATE INDEX "Like_who_idx" ON "Like" ("who")`,        // the database's own: allowed
		`CREATE UNIQUE INDEX "Like_who_key" ON "Like" ("who")`, // refuses rows memrel accepts
	} {
		_, err := c.Exec(ctx, st)
		require.NoError(t, err, st)
	}
	err := Ensure(ctx, c, s)
	require.ErrorIs(t, err, ErrSchemaMismatch)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	type got struct{ Table, Kind, Name string }
	var names []got
	for _, d := range me.Differences {
		names = append(names, got{d.Table, d.Kind, d.Name})
		require.False(t, d.Want == "" && d.Got == "", "%+v", d)
	}
	require.Equal(t, []got{
		{"Post", "column", "extra"},
		{"Post", "column", "title"},
		{"Comment", "column", "body"},
		{"Comment", "column", "postId"},
		{"Reply", "constraint", "Reply_commentId_fkey"},
		{"Like", "index", "Like_replyId_idx"},
		{"Like", "index", "Like_who_key"},
	}, names)
	require.Equal(t, Difference{Table: "Comment", Kind: "column", Name: "body",
		Want: `text COLLATE "C" NOT NULL`, Got: "character varying(10) NOT NULL"}, me.Differences[2])
	require.Contains(t, err.Error(), `Reply: constraint Reply_commentId_fkey: FOREIGN KEY ("commentId") REFERENCES "Comment"(id) ON DELETE SET NULL, want FOREIGN KEY ("commentId") REFERENCES "Comment"(id) ON UPDATE CASCADE ON DELETE CASCADE`)
}

func TestEnsure_SomeTablesMissing_CreatesNothing(t *testing.T) {
	ctx := context.Background()
	c := database(t)
	s := fixture.Blog(t, fixture.BlogOptions{}).Schema
	require.NoError(t, Ensure(ctx, c, s))
	_, err := c.Exec(ctx, `DROP TABLE "Like"`)
	require.NoError(t, err)
	err = Ensure(ctx, c, s)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, []Difference{{Table: "Like", Kind: "table", Name: "Like", Want: `CREATE TABLE "Like"`}}, me.Differences)
	var n int
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'Like'`).Scan(&n))
	require.Zero(t, n)
}
