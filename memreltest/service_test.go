package memreltest_test

// The pattern of the README's "memrel as a test double": the service
// depends on a repository interface; the memrel repository is the one the
// program runs, and its tests fork a seeded store per test.

import (
	"errors"
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// Account is the service's own row type.
type Account struct {
	ID      int64
	Email   string `memrel:"email,unique"`
	Credits int64
}

// Accounts is what the service needs from its data layer.
type Accounts interface {
	ByEmail(email string) (Account, error)
	Grant(email string, credits int64) error
}

// ErrNoAccount is the service's own not-found.
var ErrNoAccount = errors.New("no such account")

// repo is Accounts on memrel.
type repo struct {
	db       *memrel.Store
	accounts *memrel.Model[Account]
}

func (r repo) ByEmail(email string) (Account, error) {
	a, err := memrel.ViewValue(r.db, func(tx *memrel.Txn) (Account, error) {
		a, ok, err := r.accounts.FindOne(tx, &memrel.Options{Where: query.Eq("email", email)})
		if err == nil && !ok {
			err = ErrNoAccount
		}
		return a, err
	})
	return a, err
}

func (r repo) Grant(email string, credits int64) error {
	return r.db.Update(func(tx *memrel.Txn) error {
		n, err := r.accounts.Increment(tx, query.Eq("email", email), map[string]any{"credits": credits})
		if err == nil && n == 0 {
			err = ErrNoAccount
		}
		return err
	})
}

var (
	accountsSchema = memrel.NewSchema()
	accounts       = memrel.Define[Account](accountsSchema, "Account")
	// accountsSeed loads once for the package; each test forks it.
	accountsSeed = memreltest.NewSeed(accountsSchema, memreltest.Shuffled(), memreltest.JSON([]byte(`{
		"Account": [{"email": "ann@example.com", "credits": 5}, {"email": "bob@example.com"}]
	}`)))
)

func TestService_GrantAddsCredits(t *testing.T) {
	t.Parallel()
	db := accountsSeed.Fork(t)
	var svc Accounts = repo{db: db, accounts: accounts}
	require.NoError(t, svc.Grant("ann@example.com", 3))
	a, err := svc.ByEmail("ann@example.com")
	require.NoError(t, err)
	require.Equal(t, int64(8), a.Credits)
	memreltest.AssertCount(t, db, accounts, query.Gt("credits", 0), 1)
}

func TestService_GrantToNobodyChangesNothing(t *testing.T) {
	t.Parallel()
	db := accountsSeed.Fork(t)
	var svc Accounts = repo{db: db, accounts: accounts}
	mark := memreltest.MarkState(t, db)
	require.ErrorIs(t, svc.Grant("eve@example.com", 3), ErrNoAccount)
	mark.AssertUnchanged(t)
}
