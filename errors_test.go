package memrel_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Errors carry copies: writing to the value an error holds changes neither
// the store nor the caller's memory, and building an error runs no caller
// code (String, Error, Format), which may well call back into the store.

// Local shape: the onDelete and onUpdate actions vary per case, which
// fixture.Strict fixes.
// rvDoc is a source whose unique []byte code is the source key, so the
// foreign keys of its parts are []byte too: the one mutable column value.
type rvDoc struct {
	ID    int64
	Code  []byte `memrel:"code,unique"`
	Parts []rvPart
}

type rvPart struct {
	ID      int64
	DocCode []byte `memrel:"docCode"` // NOT NULL: a plain []byte
	Doc     *rvDoc
}

type rvDocs struct {
	db    *memrel.Store
	docs  *memrel.Model[rvDoc]
	parts *memrel.Model[rvPart]
	dp    *memrel.HasMany[rvDoc, rvPart]
}

// rvOpenDocs opens docs d1 (id 1) and d2 (id 2); d1 has parts 1 and 2.
func rvOpenDocs(t *testing.T, onDelete, onUpdate memrel.Action) *rvDocs {
	t.Helper()
	s := memrel.NewSchema()
	d := &rvDocs{docs: memrel.Define[rvDoc](s, "Doc"), parts: memrel.Define[rvPart](s, "Part")}
	d.dp = memrel.NewHasMany(d.docs, d.parts, memrel.HasManyOptions{SourceKey: "code", ForeignKey: "docCode",
		OnDelete: onDelete, OnUpdate: onUpdate})
	var err error
	d.db, err = s.Open()
	require.NoError(t, err)
	require.NoError(t, d.db.Update(func(tx *memrel.Txn) error {
		for _, c := range []string{"d1", "d2"} {
			if _, err := d.docs.Create(tx, rvDoc{Code: []byte(c)}); err != nil {
				return err
			}
		}
		for range 2 {
			if _, err := d.parts.Create(tx, rvPart{DocCode: []byte("d1")}); err != nil {
				return err
			}
		}
		return nil
	}))
	return d
}

// requireIntact checks that d1 still owns parts 1 and 2, through the
// association, the foreign key index and the rows themselves, and that
// the dump is want.
func (d *rvDocs) requireIntact(t *testing.T, want memreltest.Mark) {
	t.Helper()
	require.True(t, want.AssertUnchanged(t), "writing to an error's value changed the store")
	require.NoError(t, d.db.View(func(tx *memrel.Txn) error {
		got, err := d.dp.Get(tx, rvDoc{ID: 1}, nil)
		require.NoError(t, err)
		require.Len(t, got, 2, "the association lost its rows")
		for _, p := range got {
			require.Equal(t, []byte("d1"), p.DocCode)
		}
		byIndex, err := d.parts.FindAll(tx, &memrel.Options{Where: query.Eq("docCode", []byte("d1"))})
		require.NoError(t, err)
		require.Len(t, byIndex, 2, "the foreign key index no longer matches the rows")
		return nil
	}))
}

// scribble overwrites b in place, as a caller writing to an error's value.
func scribble(b any) {
	if bs, ok := b.([]byte); ok {
		for i := range bs {
			bs[i] = 'X'
		}
	}
}

// TestErrors_Value_CopyOfTheStoredRow writes to the foreign key value
// of each error raised by a stored row: RESTRICT and NO ACTION on delete
// and on a key change, SET NULL into NOT NULL.
func TestErrors_Value_CopyOfTheStoredRow(t *testing.T) {
	destroy := func(d *rvDocs, tx *memrel.Txn) error { return d.docs.DestroyKey(tx, 1) }
	rekey := func(d *rvDocs, tx *memrel.Txn) error {
		_, err := d.docs.UpdateAll(tx, query.Eq("id", 1), map[string]any{"code": []byte("d9")})
		return err
	}
	fkValue := func(t *testing.T, err error) any {
		var fe *memrel.ForeignKeyConstraintError
		require.ErrorAs(t, err, &fe)
		return fe.Value
	}
	for _, tc := range []struct {
		name               string
		onDelete, onUpdate memrel.Action
		op                 func(*rvDocs, *memrel.Txn) error
		value              func(*testing.T, error) any
	}{
		{"delete RESTRICT", memrel.Restrict, memrel.Cascade, destroy, fkValue},
		{"delete NO ACTION", memrel.NoAction, memrel.Cascade, destroy, fkValue},
		{"update RESTRICT", memrel.Cascade, memrel.Restrict, rekey, fkValue},
		{"update NO ACTION", memrel.Cascade, memrel.NoAction, rekey, fkValue},
		{"delete SET NULL into NOT NULL", memrel.SetNull, memrel.Cascade, destroy, func(t *testing.T, err error) any {
			var ve *memrel.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Items, 1)
			return ve.Items[0].Value
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := rvOpenDocs(t, tc.onDelete, tc.onUpdate)
			before := memreltest.MarkState(t, d.db)
			var err error
			require.NoError(t, d.db.Update(func(tx *memrel.Txn) error {
				err = tc.op(d, tx)
				return nil
			}))
			require.Error(t, err)
			v := tc.value(t, err)
			require.Equal(t, []byte("d1"), v)
			scribble(v)
			d.requireIntact(t, before)
			// A later write through the index still finds the rows.
			require.NoError(t, d.db.Update(func(tx *memrel.Txn) error {
				return d.dp.SetKeys(tx, rvDoc{ID: 2}, []any{1, 2}, nil)
			}))
		})
	}
}

// TestErrors_Value_CopyOfTheCallersValue writes to the value of
// errors that name what the caller passed: a wrong-typed key, a bad
// UpdateAll value, a parent that is not stored.
func TestErrors_Value_CopyOfTheCallersValue(t *testing.T) {
	d := rvOpenDocs(t, memrel.Cascade, memrel.Cascade)
	key := []byte("k1")
	fieldValue := func(t *testing.T, err error) any {
		var fe *memrel.FieldError
		require.ErrorAs(t, err, &fe)
		return fe.Value
	}
	for _, tc := range []struct {
		name  string
		op    func(tx *memrel.Txn, key []byte) error
		value func(*testing.T, error) any
	}{
		{"FindByPK", func(tx *memrel.Txn, key []byte) error {
			return rlErr3(d.docs.FindByPK(tx, key))
		}, fieldValue},
		{"DestroyKey", func(tx *memrel.Txn, key []byte) error { return d.docs.DestroyKey(tx, key) }, fieldValue},
		{"AddKeys", func(tx *memrel.Txn, key []byte) error { return d.dp.AddKeys(tx, rvDoc{ID: 1}, key) }, fieldValue},
		{"HasKeys", func(tx *memrel.Txn, key []byte) error { return rlErr(d.dp.HasKeys(tx, rvDoc{ID: 1}, key)) }, fieldValue},
		{"UpdateAll", func(tx *memrel.Txn, key []byte) error {
			return rlErr(d.parts.UpdateAll(tx, query.Cond{}, map[string]any{"id": key}))
		}, fieldValue},
		{"where", func(tx *memrel.Txn, key []byte) error {
			return rlErr(d.docs.FindAll(tx, &memrel.Options{Where: query.In("id", key)}))
		}, fieldValue},
		{"BelongsTo.Set", func(tx *memrel.Txn, key []byte) error {
			return rlErr(d.dp.Inverse().Set(tx, rvPart{ID: 1}, rvDoc{ID: 99, Code: key}))
		}, func(t *testing.T, err error) any {
			var fe *memrel.ForeignKeyConstraintError
			require.ErrorAs(t, err, &fe)
			return fe.Value
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			copy(key, "k1")
			before := memreltest.MarkState(t, d.db)
			var err error
			require.NoError(t, d.db.Update(func(tx *memrel.Txn) error { err = tc.op(tx, key); return nil }))
			v := tc.value(t, err)
			require.Equal(t, []byte("k1"), v)
			scribble(v)
			require.Equal(t, []byte("k1"), key, "writing to the error's value changed the caller's key")
			require.True(t, before.AssertUnchanged(t), "the failed call changed the store")
		})
	}
}

// TestSchema_Open_SchemaErrorIsPerOpen changes the SchemaError one Open
// returned; the next Open still reports the original problems.
func TestSchema_Open_SchemaErrorIsPerOpen(t *testing.T) {
	type noKey struct{ Name string }
	s := memrel.NewSchema()
	memrel.Define[noKey](s, "NoKey")
	_, err := s.Open()
	var first *memrel.SchemaError
	require.ErrorAs(t, err, &first)
	require.NotEmpty(t, first.Problems)
	want := first.Error()
	first.Problems[0].Reason = "scribbled"
	first.Problems = append(first.Problems[:0], memrel.SchemaProblem{Model: "X"})
	_, err = s.Open()
	var second *memrel.SchemaError
	require.ErrorAs(t, err, &second)
	require.Equal(t, want, second.Error())
}

// rvNosy is a key type whose formatting methods record that they ran.
type rvNosy struct{ called *bool }

func (n rvNosy) String() string { *n.called = true; return "nosy" }

type rvNosyErr struct{ called *bool }

func (n rvNosyErr) Error() string { *n.called = true; return "nosy" }

type rvNosyFmt struct{ called *bool }

func (n rvNosyFmt) Format(f fmt.State, _ rune) { *n.called = true }

// TestErrors_Value_NoCallerCodeDuringACall passes keys whose String, Error or
// Format method records that it ran: none may run while the call does
// (inside the write transaction, where one calling Store.Update would
// deadlock); formatting the error afterwards does.
func TestErrors_Value_NoCallerCodeDuringACall(t *testing.T) {
	e := rlOpen(t, fixture.Strict(t), fixture.Strict(t))
	p1 := fixture.StrictPost{ID: 1}
	ops := []struct {
		name string
		op   func(tx *memrel.Txn, key any) error
	}{
		{"FindByPK", func(tx *memrel.Txn, key any) error { return rlErr3(e.Post.FindByPK(tx, key)) }},
		{"UpdateKey", func(tx *memrel.Txn, key any) error { return rlErr(e.Post.UpdateKey(tx, key, p1)) }},
		{"DestroyKey", func(tx *memrel.Txn, key any) error { return e.Post.DestroyKey(tx, key) }},
		{"AddKeys", func(tx *memrel.Txn, key any) error { return e.Comments.AddKeys(tx, p1, key) }},
		{"AddKeys many", func(tx *memrel.Txn, key any) error { return e.Comments.AddKeys(tx, p1, 1, 2, key) }},
		{"SetKeys", func(tx *memrel.Txn, key any) error { return e.Comments.SetKeys(tx, p1, []any{key}, nil) }},
		{"RemoveKeys", func(tx *memrel.Txn, key any) error { return e.Comments.RemoveKeys(tx, p1, []any{key}, nil) }},
		{"HasKeys", func(tx *memrel.Txn, key any) error { return rlErr(e.Comments.HasKeys(tx, p1, key)) }},
		{"HasKeys many", func(tx *memrel.Txn, key any) error { return rlErr(e.Comments.HasKeys(tx, p1, 1, key)) }},
		{"BelongsTo.SetKey", func(tx *memrel.Txn, key any) error {
			return rlErr(e.CommentPost.SetKey(tx, fixture.StrictComment{ID: 1}, key))
		}},
		{"UpdateAll", func(tx *memrel.Txn, key any) error {
			return rlErr(e.Post.UpdateAll(tx, query.Cond{}, map[string]any{"title": key}))
		}},
		{"where", func(tx *memrel.Txn, key any) error {
			return rlErr(e.Post.FindAll(tx, &memrel.Options{Where: query.Eq("id", key)}))
		}},
	}
	for _, op := range ops {
		for _, kind := range []string{"String", "Error", "Format"} {
			t.Run(op.name+"/"+kind, func(t *testing.T) {
				called := false
				var key any
				switch kind {
				case "String":
					key = rvNosy{&called}
				case "Error":
					key = rvNosyErr{&called}
				default:
					key = rvNosyFmt{&called}
				}
				var err error
				require.NoError(t, e.DB.Update(func(tx *memrel.Txn) error {
					err = op.op(tx, key)
					require.False(t, called, "memrel ran the key's %s method inside the call", kind)
					return nil
				}))
				require.Error(t, err)
				require.True(t, errors.Is(err, memrel.ErrBadKey) || errors.Is(err, memrel.ErrBadValue), err.Error())
				require.True(t, bytes.HasPrefix([]byte(err.Error()), []byte("memrel: ")))
				require.True(t, called, "the message should show the key, formatted when asked")
			})
		}
	}
}
