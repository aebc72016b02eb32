package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/stretchr/testify/require"
)

func TestEngineSchema_ValidSchema_GivesItsTablesAndSealsIt(t *testing.T) {
	b := fixture.Blog(t, fixture.BlogOptions{})
	m, err := memrel.EngineSchema(b.Schema)
	require.NoError(t, err)
	var names []string
	for _, tb := range m.Tables {
		names = append(names, tb.Name)
	}
	require.Equal(t, []string{"Post", "Comment", "Reply", "Like"}, names)
	require.Len(t, m.Relations, 3)
	type Late struct{ ID int64 }
	require.Panics(t, func() { memrel.Define[Late](b.Schema, "Late") })
	_, err = b.Schema.Open()
	require.NoError(t, err, "Open still opens the sealed schema")
}

func TestEngineSchema_Mistake_IsOpensSchemaError(t *testing.T) {
	s := memrel.NewSchema()
	type NoKey struct{ Name string }
	memrel.Define[NoKey](s, "NoKey")
	_, err := memrel.EngineSchema(s)
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	_, openErr := s.Open()
	require.Equal(t, openErr, err)
	_, err = memrel.EngineSchema(nil)
	require.ErrorIs(t, err, memrel.ErrWrongStore)
}
