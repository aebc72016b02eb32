package memrel_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The hooked schema: Author hasMany Book (NOT NULL FK, CASCADE), every
// write to Author logged into Audit by its hooks.
type hkAuthor struct {
	ID        int64
	Name      string
	Email     *string
	Tier      string `memrel:"tier,default=basic"`
	CreatedAt time.Time
	UpdatedAt time.Time
	Books     []hkBook
}

type hkBook struct {
	ID       int64
	Title    string
	AuthorID int64
}

type hkAudit struct {
	ID   int64
	What string
}

var errNoAt = errors.New("an email needs an @")

type hkDB struct {
	db      *memrel.Store
	clock   *tsClock
	authors *memrel.Model[hkAuthor]
	books   *memrel.Model[hkBook]
	audit   *memrel.Model[hkAudit]
	ab      *memrel.HasMany[hkAuthor, hkBook]
	log     []string
}

// newHkDB declares the schema with hooks that log what they see into
// h.log and into the Audit model, and validators on Name and Email.
func newHkDB(t *testing.T, extra ...memrel.ModelOption) *hkDB {
	t.Helper()
	h := &hkDB{clock: &tsClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	s := memrel.NewSchema()
	h.audit = memrel.Define[hkAudit](s, "Audit")
	logged := func(what string) func(tx *memrel.Txn, a *hkAuthor) error {
		return func(tx *memrel.Txn, a *hkAuthor) error {
			h.log = append(h.log, what+" "+a.Name)
			_, err := h.audit.Create(tx, hkAudit{What: what + " " + a.Name})
			return err
		}
	}
	opts := append([]memrel.ModelOption{memrel.Timestamps(),
		memrel.WithHooks(memrel.Hooks[hkAuthor]{
			BeforeCreate: func(tx *memrel.Txn, a *hkAuthor) error {
				h.log = append(h.log, "before create "+a.Name+" tier="+a.Tier+" id="+itoa(a.ID)+
					" stamped="+boolStr(!a.CreatedAt.IsZero()))
				a.Name = strings.TrimSpace(a.Name) // kept, and checked after
				return nil
			},
			AfterCreate: func(tx *memrel.Txn, a *hkAuthor) error {
				h.log = append(h.log, "after create "+a.Name+" id="+itoa(a.ID))
				_, err := h.audit.Create(tx, hkAudit{What: "created " + a.Name})
				a.Name = "ignored"
				return err
			},
			BeforeUpdate:  logged("before update"),
			AfterUpdate:   logged("after update"),
			BeforeDestroy: logged("before destroy"),
			AfterDestroy:  logged("after destroy"),
		}),
		memrel.Check("name", func(n string) error {
			if n == "" {
				return errors.New("must not be empty")
			}
			return nil
		}),
		memrel.Check("Email", func(e *string) error {
			if e != nil && !strings.Contains(*e, "@") {
				*e = "mutated" // a copy: the row keeps its value
				return errNoAt
			}
			return nil
		}),
	}, extra...)
	h.authors = memrel.Define[hkAuthor](s, "Author", opts...)
	h.books = memrel.Define[hkBook](s, "Book")
	h.ab = memrel.NewHasMany(h.authors, h.books, memrel.HasManyOptions{})
	db, err := s.Open(memrel.WithClock(h.clock.now))
	require.NoError(t, err)
	h.db = db
	return h
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func boolStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (h *hkDB) audits(t *testing.T) []string {
	t.Helper()
	var out []string
	require.NoError(t, h.db.View(func(tx *memrel.Txn) error {
		rows, err := h.audit.FindAll(tx, nil)
		for _, r := range rows {
			out = append(out, r.What)
		}
		return err
	}))
	return out
}

func TestHooks_CreateOrder_DefaultsStampsBeforeChecksWriteAfter(t *testing.T) {
	h := newHkDB(t)
	var got hkAuthor
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) (err error) {
		got, err = h.authors.Create(tx, hkAuthor{Name: "  ann  "})
		return err
	}))
	require.Equal(t, []string{
		"before create   ann   tier=basic id=0 stamped=yes", // defaults and stamps first, no key yet
		"after create ann id=1",                             // the stored row, trimmed by the before hook
	}, h.log)
	require.Equal(t, "ann", got.Name, "the before hook's change is stored; the after hook's is not")
	require.Equal(t, []string{"created ann"}, h.audits(t), "a hook's own call is in the same transaction")
}

func TestHooks_BeforeChangeIsValidated(t *testing.T) {
	h := newHkDB(t)
	err := h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.authors.Create(tx, hkAuthor{Name: "   "})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve, "the trimmed name is empty")
	require.Equal(t, "name", ve.Items[0].Field)
	require.Empty(t, h.audits(t))
}

func TestHooks_ValidatorsListEveryFailingField_WithNotNull(t *testing.T) {
	h := newHkDB(t)
	bad := "nope"
	err := h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.authors.Create(tx, hkAuthor{Email: &bad})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{"name", "email"}, []string{ve.Items[0].Field, ve.Items[1].Field})
	require.Equal(t, "must not be empty", ve.Items[0].Message)
	require.ErrorIs(t, err, errNoAt, "the validator's own error is found through the ValidationError")
	require.Equal(t, "nope", ve.Items[1].Value, "the item holds the value, not the validator's mutation")
	require.Equal(t, "nope", bad)
	require.Empty(t, h.audits(t), "nothing the hooks wrote remains")
}

func TestHooks_Validators_RunOnUpdate(t *testing.T) {
	h := newHkDB(t)
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.authors.Create(tx, hkAuthor{Name: "ann"})
		return err
	}))
	err := h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.authors.UpdateAll(tx, query.Cond{}, map[string]any{"name": ""})
		return err
	})
	var ve *memrel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.NoError(t, h.db.View(func(tx *memrel.Txn) error {
		a, _, err := h.authors.FindByPK(tx, 1)
		require.Equal(t, "ann", a.Name)
		return err
	}))
}

func TestHooks_UpdateAndDestroy_PerRow_NotForCascades(t *testing.T) {
	h := newHkDB(t)
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) error {
		a, err := h.authors.Create(tx, hkAuthor{Name: "ann"})
		if err != nil {
			return err
		}
		_, err = h.ab.Create(tx, a, hkBook{Title: "b1"})
		return err
	}))
	h.log = nil
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) error {
		if _, err := h.authors.UpdateAll(tx, query.Eq("name", "ann"), map[string]any{"name": "Ann"}); err != nil {
			return err
		}
		return h.authors.DestroyKey(tx, 1)
	}))
	// The update hooks see the new row.
	require.Equal(t, []string{"before update Ann", "after update Ann", "before destroy Ann", "after destroy Ann"}, h.log)
	require.NoError(t, h.db.View(func(tx *memrel.Txn) error {
		n, err := h.books.Count(tx, nil)
		require.Zero(t, n, "the cascade ran")
		return err
	}))
}

func TestHooks_ErrorAbortsTheCallAtomically(t *testing.T) {
	boom := errors.New("boom")
	h := newHkDB(t, memrel.WithHooks(memrel.Hooks[hkAuthor]{
		AfterCreate: func(tx *memrel.Txn, a *hkAuthor) error {
			if a.Name == "bob" {
				return boom
			}
			return nil
		},
	}))
	var n int
	err := h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.authors.BulkCreate(tx, []hkAuthor{{Name: "ann"}, {Name: "bob"}})
		require.ErrorIs(t, err, boom)
		n, err = h.audit.Count(tx, nil)
		require.NoError(t, err)
		c, err := h.authors.Count(tx, nil)
		require.Zero(t, c)
		return err
	})
	require.NoError(t, err)
	require.Zero(t, n, "ann's audit rows went with the failed call")
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) error {
		a, err := h.authors.Create(tx, hkAuthor{Name: "cy"})
		require.Equal(t, int64(1), a.ID, "the failed call took no id")
		return err
	}))
}

func TestHooks_KeepTheCallsInstant(t *testing.T) {
	var h *hkDB
	h = newHkDB(t, memrel.WithHooks(memrel.Hooks[hkAuthor]{
		BeforeCreate: func(tx *memrel.Txn, a *hkAuthor) error {
			_, err := h.audit.Create(tx, hkAudit{What: "x"}) // a call of its own
			return err
		},
	}))
	var got []hkAuthor
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) (err error) {
		got, err = h.authors.BulkCreate(tx, []hkAuthor{{Name: "ann"}, {Name: "bob"}})
		return err
	}))
	require.Equal(t, got[0].CreatedAt, got[1].UpdatedAt, "one instant per call, whatever its hooks call")
}

func TestHooks_PanicRollsBack(t *testing.T) {
	h := newHkDB(t, memrel.WithHooks(memrel.Hooks[hkAuthor]{
		BeforeCreate: func(tx *memrel.Txn, a *hkAuthor) error { panic("hook") },
	}))
	require.PanicsWithValue(t, "hook", func() {
		_ = h.db.Update(func(tx *memrel.Txn) error {
			_, err := h.audit.Create(tx, hkAudit{What: "before"})
			require.NoError(t, err)
			_, err = h.authors.Create(tx, hkAuthor{Name: "ann"})
			return err
		})
	})
	require.Empty(t, h.audits(t))
	require.NoError(t, h.db.Update(func(tx *memrel.Txn) error {
		_, err := h.audit.Create(tx, hkAudit{What: "after"})
		return err
	}), "the store is usable after the panic")
}

func TestHooks_SoftDeleteRunsDestroyHooks(t *testing.T) {
	type pAuthor struct {
		ID        int64
		Name      string
		CreatedAt time.Time
		UpdatedAt time.Time
		DeletedAt *time.Time
	}
	var log []string
	s := memrel.NewSchema()
	m := memrel.Define[pAuthor](s, "Author", memrel.Timestamps(), memrel.Paranoid(),
		memrel.WithHooks(memrel.Hooks[pAuthor]{
			BeforeDestroy: func(tx *memrel.Txn, a *pAuthor) error {
				log = append(log, "before deleted="+boolStr(a.DeletedAt != nil))
				return nil
			},
			AfterDestroy: func(tx *memrel.Txn, a *pAuthor) error {
				log = append(log, "after")
				return nil
			},
			AfterUpdate: func(tx *memrel.Txn, a *pAuthor) error {
				log = append(log, "update")
				return nil
			},
		}))
	db, err := s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		if _, err := m.Create(tx, pAuthor{Name: "ann"}); err != nil {
			return err
		}
		if err := m.DestroyKey(tx, 1); err != nil {
			return err
		}
		_, err := m.RestoreKey(tx, 1)
		return err
	}))
	require.Equal(t, []string{"before deleted=no", "after"}, log, "no update hooks for the soft delete or the restore")
}

func TestHooks_SchemaProblems(t *testing.T) {
	for name, opt := range map[string]memrel.ModelOption{
		"no such field": memrel.Check("nope", func(string) error { return nil }),
		"wrong type":    memrel.Check("name", func(*string) error { return nil }),
		"other model":   memrel.WithHooks(memrel.Hooks[hkBook]{}),
	} {
		s := memrel.NewSchema()
		memrel.Define[hkAuthor](s, "Author", opt)
		_, err := s.Open()
		var sp *memrel.SchemaError
		require.ErrorAs(t, err, &sp, name)
	}
}
