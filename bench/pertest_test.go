package bench

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/mattn/go-sqlite3"
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/memreltest"
)

// The cost per test of a data layer's test double (issue 17): what a test
// pays before its first assertion, the store with its fixtures, one read
// and the cleanup. memrel through the memreltest kit, against SQLite
// :memory: on both drivers with the same table, the same fixtures and the
// same read, written as a careful test helper would: one transaction, one
// prepared INSERT.
//
//	PerTest/Fixtures10/<impl>: a new store with 10 fixture rows
//	PerTest/Seed10k/<impl>:    a store holding a 10 000-row seed
//
// For the seed, memrel forks a store seeded once (memreltest.NewSeed); SQLite
// has no fork, so it loads the rows per test (load), or, on the cgo driver,
// copies a database seeded once with SQLite's online backup API (backup,
// the fastest copy SQLite offers; the pure-Go driver has none here).

// ptAccount is the fixture row: an account with a unique email.
type ptAccount struct {
	ID      int64
	Email   string `memrel:"email,unique"`
	Credits int64
}

const ptSchemaSQL = `CREATE TABLE accounts (
	id      INTEGER PRIMARY KEY,
	email   TEXT NOT NULL UNIQUE,
	credits INTEGER NOT NULL
)`

func ptEmail(i int) string { return "user" + strconv.Itoa(i) + "@example.com" }

func ptRows(n int) []ptAccount {
	rows := make([]ptAccount, n)
	for i := range rows {
		rows[i] = ptAccount{ID: int64(i + 1), Email: ptEmail(i), Credits: int64(i)}
	}
	return rows
}

// endable is a testing.TB whose cleanups run when the benchmark says the
// "test" ended, so that stores do not pile up over b.N iterations.
type endable struct {
	testing.TB
	cleanups []func()
}

func (e *endable) Helper()           {}
func (e *endable) Cleanup(fn func()) { e.cleanups = append(e.cleanups, fn) }
func (e *endable) end() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
	e.cleanups = e.cleanups[:0]
}

func BenchmarkPerTest(b *testing.B) {
	s := memrel.NewSchema()
	accounts := memrel.Define[ptAccount](s, "Account")
	mrRead := func(b *testing.B, db *memrel.Store, id int64) {
		a, err := memrel.ViewValue(db, func(tx *memrel.Txn) (ptAccount, error) { return accounts.Get(tx, id) })
		if err != nil || a.ID != id {
			b.Fatalf("read %d: %v %v", id, a, err)
		}
	}
	for _, n := range []int{10, 10_000} {
		name := "Fixtures10"
		if n > 10 {
			name = "Seed10k"
		}
		rows := ptRows(n)
		id := int64(n / 2)
		b.Run(name, func(b *testing.B) {
			b.Run("memrel", func(b *testing.B) {
				fx := memreltest.Rows(accounts, rows...)
				pt := &endable{TB: b}
				if n == 10 {
					b.ReportAllocs()
					for b.Loop() {
						mrRead(b, memreltest.New(pt, s, fx), id)
						pt.end()
					}
					return
				}
				seed := memreltest.NewSeed(s, fx)
				seed.Fork(pt) // builds the seed, untimed
				pt.end()
				b.ReportAllocs()
				for b.Loop() {
					mrRead(b, seed.Fork(pt), id)
					pt.end()
				}
			})
			if n > 10 {
				b.Run("memrel-load", func(b *testing.B) {
					fx := memreltest.Rows(accounts, rows...)
					pt := &endable{TB: b}
					b.ReportAllocs()
					for b.Loop() {
						mrRead(b, memreltest.New(pt, s, fx), id)
						pt.end()
					}
				})
			}
			for _, d := range []struct{ impl, driver, dsn string }{
				{"sqlitec", sqliteCDriver, sqliteCDSN},
				{"sqlitego", sqliteGoDriver, sqliteGoDSN},
			} {
				impl := d.impl
				if n > 10 {
					impl += "-load"
				}
				b.Run(impl, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := sqlPerTest(d.driver, d.dsn, rows, id); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			if n > 10 {
				b.Run("sqlitec-backup", func(b *testing.B) { benchBackup(b, rows, id) })
			}
		})
	}
}

// sqlPerTest is one test's SQLite double: open :memory:, create the table,
// insert rows in one transaction through one prepared statement, read
// account id, close.
func sqlPerTest(drv, dsn string, rows []ptAccount, id int64) error {
	db, err := openMemory(drv, dsn, ptSchemaSQL)
	if err != nil {
		return err
	}
	defer db.Close()
	err = sqlUpdate(db, func(tx *sql.Tx) error {
		ins, err := tx.Prepare(`INSERT INTO accounts (id, email, credits) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range rows {
			if _, err := ins.Exec(r.ID, r.Email, r.Credits); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var a ptAccount
	err = db.QueryRow(`SELECT id, email, credits FROM accounts WHERE id = ?`, id).Scan(&a.ID, &a.Email, &a.Credits)
	if err == nil && a.ID != id {
		err = fmt.Errorf("read %d: got %v", id, a)
	}
	return err
}

// benchBackup copies a database seeded once into a new :memory: one per
// test with SQLite's backup API (mattn's SQLiteConn.Backup), then reads
// and closes it.
func benchBackup(b *testing.B, rows []ptAccount, id int64) {
	var drv sqlite3.SQLiteDriver
	open := func() *sqlite3.SQLiteConn {
		c, err := drv.Open(":memory:")
		must(b, err)
		return c.(*sqlite3.SQLiteConn)
	}
	src := open()
	defer src.Close()
	_, err := src.Exec(ptSchemaSQL, nil)
	must(b, err)
	_, err = src.Exec("BEGIN", nil)
	must(b, err)
	for _, r := range rows {
		_, err := src.Exec(`INSERT INTO accounts (id, email, credits) VALUES (?, ?, ?)`,
			[]driver.Value{r.ID, r.Email, r.Credits})
		must(b, err)
	}
	_, err = src.Exec("COMMIT", nil)
	must(b, err)
	b.ReportAllocs()
	for b.Loop() {
		dst := open()
		bk, err := dst.Backup("main", src, "main")
		must(b, err)
		done, err := bk.Step(-1)
		must(b, err)
		must(b, bk.Finish())
		if !done {
			b.Fatal("backup not done")
		}
		must(b, backupRead(dst, id))
		must(b, dst.Close())
	}
}

// backupRead reads account id on the raw connection.
func backupRead(c *sqlite3.SQLiteConn, id int64) error {
	rs, err := c.Query(`SELECT id, email, credits FROM accounts WHERE id = ?`, []driver.Value{id})
	if err != nil {
		return err
	}
	defer rs.Close()
	v := make([]driver.Value, 3)
	if err := rs.Next(v); err != nil {
		if err == io.EOF {
			return fmt.Errorf("read %d: no row", id)
		}
		return err
	}
	if v[0] != id {
		return fmt.Errorf("read %d: got %v", id, v)
	}
	return nil
}
