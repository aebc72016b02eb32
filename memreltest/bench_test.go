package memreltest_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
)

// perTest is a testing.TB whose cleanups run when the benchmark says the
// "test" ended, so that stores do not pile up over b.N iterations.
type perTest struct {
	testing.TB
	cleanups []func()
}

func (p *perTest) Helper()           {}
func (p *perTest) Cleanup(fn func()) { p.cleanups = append(p.cleanups, fn) }
func (p *perTest) end() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
	p.cleanups = p.cleanups[:0]
}

func tenAccounts() memreltest.Fixture {
	rows := make([]Account, 10)
	for i := range rows {
		rows[i] = Account{Email: string(rune('a'+i)) + "@example.com", Credits: int64(i)}
	}
	return memreltest.Rows(accounts, rows...)
}

// BenchmarkNew_TenFixtureRows is a store per test with 10 fixture rows
// loaded: Open, one Update of 10 Creates, Close.
func BenchmarkNew_TenFixtureRows(b *testing.B) {
	fx := tenAccounts()
	pt := &perTest{TB: b}
	b.ReportAllocs()
	for b.Loop() {
		memreltest.New(pt, accountsSchema, fx)
		pt.end()
	}
}

// BenchmarkSeedFork_TenThousandRows is a fork per test of a seed of
// 10 000 rows (built once, outside the timing): Fork, one read, Close.
func BenchmarkSeedFork_TenThousandRows(b *testing.B) {
	rows := make([]Account, 10_000)
	for i := range rows {
		rows[i] = Account{Email: string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('A'+i/260%26)) + string(rune('a'+i/6760%26)) + "@x", Credits: int64(i)}
	}
	seed := memreltest.NewSeed(accountsSchema, memreltest.Rows(accounts, rows...))
	pt := &perTest{TB: b}
	seed.Fork(pt) // builds the seed
	pt.end()
	b.ReportAllocs()
	for b.Loop() {
		db := seed.Fork(pt)
		if _, err := memrel.ViewValue(db, func(tx *memrel.Txn) (Account, error) { return accounts.Get(tx, int64(5000)) }); err != nil {
			b.Fatal(err)
		}
		pt.end()
	}
}
