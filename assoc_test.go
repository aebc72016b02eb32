package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// Scope values are converted and copied at definition: what an
// association writes is what it reads back, whatever the caller does with
// the map or the values it gave, and a scope that could never read its own
// rows back is refused by Open.

// Local shape: a scope on each column kind a scope converts or copies
// (float32, []byte, string), which no shared fixture has.
type rsOwner struct {
	ID    int64
	Items []rsItem
}

type rsItem struct {
	ID      int64
	OwnerID *int64
	Ratio   float32
	Tag     []byte
	Slug    string
}

type rsScoped struct {
	db     *memrel.Store
	owners *memrel.Model[rsOwner]
	items  *memrel.Model[rsItem]
	oi     *memrel.HasMany[rsOwner, rsItem]
}

// rsOpen declares Owner hasMany Item with scope and opens a store holding
// owner 1; it returns Open's error.
func rsOpen(t *testing.T, scope map[string]any) (*rsScoped, error) {
	t.Helper()
	s := memrel.NewSchema()
	r := &rsScoped{owners: memrel.Define[rsOwner](s, "Owner"), items: memrel.Define[rsItem](s, "Item")}
	r.oi = memrel.NewHasMany(r.owners, r.items, memrel.HasManyOptions{Scope: scope})
	var err error
	if r.db, err = s.Open(); err != nil {
		return nil, err
	}
	require.NoError(t, r.db.Update(func(tx *memrel.Txn) error {
		_, err := r.owners.Create(tx, rsOwner{})
		return err
	}))
	return r, nil
}

// createAndGet creates one item through the association and returns what
// Get, Count and Has then see.
func (r *rsScoped) createAndGet(t *testing.T) []rsItem {
	t.Helper()
	var got []rsItem
	require.NoError(t, r.db.Update(func(tx *memrel.Txn) error {
		made, err := r.oi.Create(tx, rsOwner{ID: 1}, rsItem{Slug: "x"})
		require.NoError(t, err)
		got, err = r.oi.Get(tx, rsOwner{ID: 1}, nil)
		require.NoError(t, err)
		n, err := r.oi.Count(tx, rsOwner{ID: 1}, nil)
		require.NoError(t, err)
		require.Equal(t, len(got), n)
		has, err := r.oi.Has(tx, rsOwner{ID: 1}, made)
		require.NoError(t, err)
		require.True(t, has, "the association does not hold the row it created")
		return nil
	}))
	return got
}

// TestHasMany_Scope_BytesValueIsCopied changes the []byte given as a scope
// value, and the one Info hands out: the association still reads back
// what it writes, with the original value.
func TestHasMany_Scope_BytesValueIsCopied(t *testing.T) {
	tag := []byte("red")
	scope := map[string]any{"tag": tag}
	r, err := rsOpen(t, scope)
	require.NoError(t, err)
	tag[0] = 'b'
	scope["tag"] = "changed"
	info := r.oi.Info().Scope
	require.Equal(t, []byte("red"), info["tag"])
	info["tag"].([]byte)[0] = 'X'
	require.Equal(t, []byte("red"), r.oi.Info().Scope["tag"], "Info handed out the scope's own value")
	got := r.createAndGet(t)
	require.Len(t, got, 1)
	require.Equal(t, []byte("red"), got[0].Tag)
}

// TestHasMany_Scope_Float32ValueIsRounded gives a float64 scope value for a
// float32 column: it is rounded as a stored value is, so the association
// sees the row it creates.
func TestHasMany_Scope_Float32ValueIsRounded(t *testing.T) {
	for _, v := range []any{0.1, float32(0.1), 1e-40, 3} {
		r, err := rsOpen(t, map[string]any{"ratio": v})
		require.NoError(t, err)
		got := r.createAndGet(t)
		require.Len(t, got, 1, "scope %v", v)
		require.Equal(t, float64(got[0].Ratio), r.oi.Info().Scope["ratio"], "Info shows the value as stored")
	}
}

// TestHasMany_Scope_UnusableRefusedAtOpen: scopes that could never read back
// what they write, or that the column cannot hold, are a SchemaError naming
// them.
func TestHasMany_Scope_UnusableRefusedAtOpen(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scope map[string]any
		msg   []string
	}{
		{"float32 overflow", map[string]any{"ratio": 1e300}, []string{"Item.ratio", "out of range for float32"}},
		{"float32 negative overflow", map[string]any{"ratio": -1e39}, []string{"Item.ratio", "out of range"}},
		{"float32 underflow", map[string]any{"ratio": 1e-50}, []string{"Item.ratio", "out of range"}},
		{"one column twice", map[string]any{"slug": "a", "Slug": "b"}, []string{"Item.slug", "scope names slug twice", `"Slug"`}},
		{"one column twice, one value", map[string]any{"slug": "a", "Slug": "a"}, []string{"scope names slug twice"}},
		{"the foreign key", map[string]any{"ownerId": 2}, []string{"Item.ownerId", "is the foreign key"}},
		{"the foreign key by Go name", map[string]any{"OwnerID": 2}, []string{"is the foreign key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rsOpen(t, tc.scope)
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Len(t, se.Problems, 1, err.Error())
			for _, m := range tc.msg {
				require.Contains(t, err.Error(), m)
			}
		})
	}
}
