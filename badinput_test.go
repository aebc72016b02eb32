package memrel_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/badinput"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/stretchr/testify/require"
)

// The bad-input catalogue (internal/badinput) on the memory engine: every
// case must fail with the documented typed error, with a message naming
// the problem, without panicking, and leave a full dump (Save) of every
// store involved byte-for-byte as it was, sequences included. The cases
// of the memory engine's snapshot format (crafted snapshots) are this
// file's.

// rlOpen opens the catalogue's stores of m and other on the memory
// engine, seeded.
func rlOpen(t *testing.T, m, other *fixture.StrictModels) *badinput.Env {
	t.Helper()
	return badinput.NewEnv(t, rlOpenStore, m, other)
}

// rlErr and rlAs are badinput's Err and as, for the root's other tests.
func rlErr[T any](v T, err error) error { return badinput.Err(v, err) }

func rlErr3[T any](v T, ok bool, err error) error { return badinput.Err3(v, ok, err) }

func rlAs[T any]() any { return new(T) }

// rlOpenStore opens a store of the memory engine, closed when t ends.
func rlOpenStore(t testing.TB, s *memrel.Schema) *memrel.Store {
	t.Helper()
	db, err := s.Open()
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// rlUnchanged is the memory engine's check: a fork at the mark, compared
// snapshot to snapshot (rows and sequences).
func rlUnchanged(t testing.TB, db *memrel.Store) func() bool {
	t.Helper()
	mark := memreltest.MarkState(t, db)
	return func() bool { return mark.AssertUnchanged(t) }
}

// rlDump is db's snapshot: equal bytes, equal rows and sequences.
func rlDump(t *testing.T, db *memrel.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}

// rlSnapshotCases are the crafted snapshots of the memory engine's
// format, with valid checksums, each refused by Schema.Load.
func rlSnapshotCases() []badinput.Case {
	valErr := rlAs[*memrel.ValidationError]
	return []badinput.Case{
		{Name: "Load NULL in a plain column", Op: rlLoad(1, func(c *snapCraft) {
			c.model(1, 1).int(1).null().text("T").null()
		}), Is: memrel.ErrBadSnapshot, As: valErr(), Msg: []string{"Post.slug", "cannot be null", "at byte"}},
		{Name: "Load NULL in a plain key", Op: rlLoad(1, func(c *snapCraft) {
			c.model(1, 1).null().text("s").text("T").null()
		}), Is: memrel.ErrBadSnapshot, As: valErr(), Msg: []string{"Post.id", "cannot be null"}},
		{Name: "Load negative sequence", Op: rlLoad(1, func(c *snapCraft) { c.model(-9, 0) }), Is: memrel.ErrBadSnapshot, Msg: []string{"negative sequence -9 of Post", "at byte"}},
		{Name: "Load sequence of a key without auto-increment", Op: rlLoad(6, func(c *snapCraft) {
			c.model(0, 0).model(0, 0).model(0, 0).model(0, 0).model(0, 0).model(3, 0)
		}), Is: memrel.ErrBadSnapshot, Msg: []string{"sequence 3 of Tag"}},
		{Name: "Load huge length", Op: rlLoad(7, func(c *snapCraft) {
			c.model(1, 1).int(1)
			c.b = append(c.b, 1)
			c.uvarint(1 << 60) // and the data ends
		}), Is: memrel.ErrBadSnapshot, Msg: []string{"truncated"}},
	}
}

// rlLoad loads a snapshot of the catalogue's schema crafted by body, which
// writes the first models (the others are left empty), sealed with a valid
// CRC.
func rlLoad(written int, body func(c *snapCraft)) func(e *badinput.Env, tx *memrel.Txn) error {
	return func(e *badinput.Env, tx *memrel.Txn) error {
		empty := rlDumpOf(e.Schema)
		models := snapModels(empty)
		c := &snapCraft{b: bytes.Clone(empty[:len(empty)-4-2*models])}
		body(c)
		for range models - written {
			c.model(0, 0)
		}
		return badinput.Err(e.Schema.Load(bytes.NewReader(c.sealed())))
	}
}

// rlDumpOf is the snapshot of an empty store of s.
func rlDumpOf(s *memrel.Schema) []byte {
	db, err := s.Open()
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func rlHandleValues() []struct {
	name string
	run  func(t *testing.T)
} {
	type handles struct {
		pm *memrel.Model[fixture.StrictPost]
		pc *memrel.HasMany[fixture.StrictPost, fixture.StrictComment]
		cp *memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]
		db *memrel.Store
		tx *memrel.Txn
	}
	nils := handles{}
	zeros := handles{new(memrel.Model[fixture.StrictPost]), new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]),
		new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]), new(memrel.Store), new(memrel.Txn)}
	type tc = struct {
		name string
		run  func(t *testing.T)
	}
	var cases []tc
	for _, h := range []struct {
		kind string
		handles
	}{{"nil", nils}, {"zero", zeros}} {
		cases = append(cases,
			tc{h.kind + " Model.Name", func(t *testing.T) { require.Empty(t, h.pm.Name()) }},
			tc{h.kind + " Model.Key", func(t *testing.T) { require.Nil(t, h.pm.Key(fixture.StrictPost{ID: 1})) }},
			tc{h.kind + " HasMany.Info", func(t *testing.T) { require.Zero(t, h.pc.Info()) }},
			tc{h.kind + " HasMany.Inverse", func(t *testing.T) { require.Nil(t, h.pc.Inverse()) }},
			tc{h.kind + " BelongsTo.Info", func(t *testing.T) { require.Zero(t, h.cp.Info()) }},
			tc{h.kind + " Store.String", func(t *testing.T) { require.Equal(t, "memrel.Store(nil)", h.db.String()) }},
			tc{h.kind + " Store.Begin", func(t *testing.T) {
				for _, write := range []bool{false, true} {
					tx := h.db.Begin(write)
					require.NotNil(t, tx)
					require.False(t, tx.Writable())
					require.ErrorIs(t, tx.Commit(), memrel.ErrTxDone)
					require.NotPanics(t, tx.Abort)
				}
			}},
			tc{h.kind + " Store.SaveFile writes nothing", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "s.snap")
				require.ErrorIs(t, h.db.SaveFile(path), memrel.ErrWrongStore)
				entries, err := os.ReadDir(filepath.Dir(path))
				require.NoError(t, err)
				require.Empty(t, entries)
			}},
			tc{h.kind + " Txn.Writable", func(t *testing.T) { require.False(t, h.tx.Writable()) }},
			tc{h.kind + " Txn.Abort", func(t *testing.T) { require.NotPanics(t, h.tx.Abort) }},
			tc{h.kind + " Txn.Commit", func(t *testing.T) { require.ErrorIs(t, h.tx.Commit(), memrel.ErrTxDone) }},
		)
	}
	return append(cases,
		tc{"Define on a nil Schema", func(t *testing.T) {
			pm := memrel.Define[fixture.StrictPost](nil, "Post")
			require.NotNil(t, pm)
			require.Empty(t, pm.Name())
			_, err := pm.Create(nil, fixture.StrictPost{})
			require.ErrorIs(t, err, memrel.ErrTxDone) // the transaction is checked first
		}},
		tc{"NewHasMany of nil models", func(t *testing.T) {
			pc := memrel.NewHasMany[fixture.StrictPost, fixture.StrictComment](nil, nil, memrel.HasManyOptions{})
			require.NotNil(t, pc)
			require.Zero(t, pc.Info())
			require.Nil(t, pc.Inverse())
		}},
		tc{"NewHasMany of a nil target is a schema problem", func(t *testing.T) {
			s := memrel.NewSchema()
			posts := memrel.Define[fixture.StrictPost](s, "Post")
			memrel.Define[fixture.StrictComment](s, "Comment")
			pc := memrel.NewHasMany[fixture.StrictPost, fixture.StrictComment](posts, nil, memrel.HasManyOptions{})
			require.Zero(t, pc.Info())
			_, err := s.Open()
			var se *memrel.SchemaError
			require.ErrorAs(t, err, &se)
			require.Contains(t, err.Error(), "nil or zero model")
		}},
		tc{"the zero Schema is an empty schema", func(t *testing.T) {
			var s memrel.Schema
			posts := memrel.Define[fixture.StrictPost](&s, "Post")
			comments := memrel.Define[fixture.StrictComment](&s, "Comment")
			memrel.NewHasMany(posts, comments, memrel.HasManyOptions{})
			db, err := s.Open()
			require.NoError(t, err)
			require.NoError(t, db.Update(func(tx *memrel.Txn) error { return rlErr(posts.Create(tx, fixture.StrictPost{Slug: "a"})) }))
		}},
	)
}

// TestHandles_NilAndZero_ReturnHarmlessValues runs rlHandleValues.
func TestHandles_NilAndZero_ReturnHarmlessValues(t *testing.T) {
	for _, tc := range rlHandleValues() {
		t.Run(tc.name, tc.run)
	}
}

// TestStore_BadInput_TypedErrorAndNoChange runs every case of the catalogue.
func TestStore_BadInput_TypedErrorAndNoChange(t *testing.T) {
	m, other := fixture.Strict(t), fixture.Strict(t)
	inputs := append(append(badinput.InputCases(t), rlSnapshotCases()...), badinput.HandleCases()...)
	txns := badinput.TxnCases()
	var unprefixed []string
	run := func(name string, tc badinput.Case) {
		t.Run(name, func(t *testing.T) {
			if err := badinput.Run(t, rlOpenStore, rlUnchanged, m, other, tc); err != nil && !strings.HasPrefix(err.Error(), "memrel: ") {
				unprefixed = append(unprefixed, name+": "+err.Error())
			}
		})
	}
	for _, tc := range inputs {
		run(tc.Name, tc)
	}
	for _, tc := range txns {
		run(tc.Name+"/"+tc.Mode.String(), tc)
	}
	t.Logf("bad-input catalogue: %d cases (%d bad values, %d transaction misuses)", len(inputs)+len(txns), len(inputs), len(txns))
	// STYLE: every message starts "memrel: ".
	require.Empty(t, unprefixed, "error messages that do not start with \"memrel: \"")
}
