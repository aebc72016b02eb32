package memdb

import (
	"testing"

	"github.com/memrel/memrel/internal/keys"

	gomemdb "github.com/hashicorp/go-memdb"
	"github.com/stretchr/testify/require"
)

var (
	_ gomemdb.SingleIndexer = Indexer{}
	_ gomemdb.PrefixIndexer = Indexer{}
)

type ixRow struct {
	ID   int64
	Name *string // nil = NULL
}

func ixName(obj any, buf []byte) ([]byte, bool) {
	r := obj.(*ixRow)
	if r.Name == nil {
		return buf, false
	}
	return keys.AppendString(buf, *r.Name), true
}

func ixNameOrNull(obj any, buf []byte) ([]byte, bool) {
	r := obj.(*ixRow)
	if r.Name == nil {
		return keys.AppendNull(buf), true
	}
	return keys.AppendString(buf, *r.Name), true
}

func ixID(obj any, buf []byte) ([]byte, bool) { return keys.AppendInt(buf, obj.(*ixRow).ID), true }

func TestIndexer_FromObject(t *testing.T) {
	name := "a\x00b"
	tests := []struct {
		name   string
		key    Func
		row    *ixRow
		wantOK bool
		want   []byte
	}{
		{"value", ixName, &ixRow{Name: &name}, true, keys.AppendString(nil, name)},
		{"NULL has no key", ixName, &ixRow{}, false, nil},
		{"NULL as a key", ixNameOrNull, &ixRow{}, true, keys.AppendNull(nil)},
		{"int", ixID, &ixRow{ID: -7}, true, keys.AppendInt(nil, -7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, key, err := Indexer{Key: tc.key}.FromObject(tc.row)
			require.NoError(t, err)
			require.Equal(t, tc.wantOK, ok)
			if tc.wantOK {
				require.Equal(t, tc.want, key)
			}
		})
	}
}

func TestIndexer_FromArgs(t *testing.T) {
	key := keys.AppendInt(nil, 3)
	tests := []struct {
		name    string
		args    []any
		want    []byte
		wantErr string
	}{
		{"encoded key", []any{key}, key, ""},
		{"key in an Arg", []any{&keys.Arg{Key: key}}, key, ""},
		{"empty Arg", []any{&keys.Arg{}}, nil, ""},
		{"nil Arg", []any{(*keys.Arg)(nil)}, nil, "got *keys.Arg"},
		{"Arg by value", []any{keys.Arg{Key: key}}, nil, "got keys.Arg"},
		{"empty key", []any{[]byte{}}, []byte{}, ""},
		{"no args", nil, nil, "got 0 arguments"},
		{"two args", []any{key, key}, nil, "got 2 arguments"},
		{"raw int", []any{int64(3)}, nil, "got int64"},
		{"nil", []any{nil}, nil, "got <nil>"},
	}
	ix := Indexer{Key: ixID}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func(...any) ([]byte, error){ix.FromArgs, ix.PrefixFromArgs} {
				got, err := f(tc.args...)
				if tc.wantErr != "" {
					require.ErrorContains(t, err, tc.wantErr)
					require.ErrorContains(t, err, "memrel: ")
					require.Nil(t, got)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
			}
		})
	}
	t.Run("string", func(t *testing.T) {
		_, err := ix.FromArgs("a")
		require.ErrorContains(t, err, "got string", "a raw value passed by mistake")
		got, err := ix.PrefixFromArgs(string(key))
		require.NoError(t, err, "DeletePrefix's encoded prefix")
		require.Equal(t, key, got)
	})
}

// TestIndexer_InsideGoMemdb runs the indexer inside go-memdb: a non-unique index
// stores (key, primary key), and a lookup by one encoded key must find
// exactly the rows with that value, never those whose value extends it.
func TestIndexer_InsideGoMemdb(t *testing.T) {
	schema := &gomemdb.DBSchema{Tables: map[string]*gomemdb.TableSchema{
		"row": {Name: "row", Indexes: map[string]*gomemdb.IndexSchema{
			"id":     {Name: "id", Unique: true, Indexer: Indexer{Key: ixID}},
			"name":   {Name: "name", AllowMissing: true, Indexer: Indexer{Key: ixName}},
			"byNull": {Name: "byNull", Indexer: Indexer{Key: ixNameOrNull}},
		}},
	}}
	db, err := gomemdb.NewMemDB(schema)
	require.NoError(t, err)
	names := []*string{ixPtr("a"), ixPtr("a\x00"), ixPtr("ab"), ixPtr(""), nil, ixPtr("a"), ixPtr("\x00"), nil, ixPtr("a\x00\x00")}
	txn := db.Txn(true)
	for i, n := range names {
		require.NoError(t, txn.Insert("row", &ixRow{ID: int64(i - 3), Name: n}))
	}
	txn.Commit()

	ids := func(it gomemdb.ResultIterator, err error) []int64 {
		t.Helper()
		require.NoError(t, err)
		var out []int64
		for obj := it.Next(); obj != nil; obj = it.Next() {
			out = append(out, obj.(*ixRow).ID)
		}
		return out
	}
	read := db.Txn(false)
	tests := []struct {
		name  string
		index string
		key   []byte
		want  []int64
	}{
		{"a", "name", keys.AppendString(nil, "a"), []int64{-3, 2}},
		{"a prefix seek", "name_prefix", keys.AppendString(nil, "a"), []int64{-3, 2}},
		{"a NUL", "name", keys.AppendString(nil, "a\x00"), []int64{-2}},
		{"empty", "name", keys.AppendString(nil, ""), []int64{0}},
		{"NUL", "name", keys.AppendString(nil, "\x00"), []int64{3}},
		{"absent", "name", keys.AppendString(nil, "b"), nil},
		{"NULL is missing", "name", keys.AppendNull(nil), nil},
		{"NULL indexed", "byNull", keys.AppendNull(nil), []int64{1, 4}},
		{"NULL indexed, value", "byNull", keys.AppendString(nil, "ab"), []int64{-1}},
		{"primary key", "id", keys.AppendInt(nil, -3), []int64{-3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ids(read.Get("row", tc.index, tc.key)))
			require.Equal(t, tc.want, ids(read.Get("row", tc.index, &keys.Arg{Key: tc.key})))
		})
	}
	t.Run("reused Arg", func(t *testing.T) {
		arg := &keys.Arg{}
		for _, name := range []string{"a", "ab", "a"} {
			arg.Key = keys.AppendString(arg.Key[:0], name)
			obj, err := read.First("row", "name", arg)
			require.NoError(t, err)
			require.Equal(t, name, *obj.(*ixRow).Name)
		}
	})
	t.Run("full walk is in value order, NULL last", func(t *testing.T) {
		require.Equal(t, []int64{0, 3, -3, 2, -2, 5, -1, 1, 4}, ids(read.Get("row", "byNull")))
	})
	t.Run("lower bound", func(t *testing.T) {
		require.Equal(t, []int64{-2, 5, -1, 1, 4}, ids(read.LowerBound("row", "byNull", keys.AppendString(nil, "a\x00"))))
	})
	t.Run("bad argument", func(t *testing.T) {
		_, err := read.Get("row", "name", "a")
		require.Error(t, err)
	})
}

func ixPtr(s string) *string { return &s }
