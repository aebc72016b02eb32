package query

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOp_String(t *testing.T) {
	names := map[Op]string{
		OpAll: "all", OpEq: "eq", OpNe: "ne", OpGt: "gt", OpGte: "gte", OpLt: "lt", OpLte: "lte",
		OpIn: "in", OpNotIn: "notIn", OpBetween: "between", OpLike: "like", OpILike: "iLike",
		OpStartsWith: "startsWith", OpIsNull: "isNull", OpNotNull: "notNull", OpAnd: "and",
		OpOr: "or", OpNot: "not", OpNot + 1: "op?", Op(255): "op?",
	}
	for op, want := range names {
		require.Equal(t, want, op.String())
	}
}
