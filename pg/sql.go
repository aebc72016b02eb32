package pg

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/memrel/memrel/internal/meta"
)

// statements are the SQL texts of one schema's engine calls, built once
// at Open: per table its reads and writes, per index its lookups.
type statements struct {
	tables []tableSQL
}

// tableSQL is one table's statement texts.
type tableSQL struct {
	all, insert, update, delete string
	// The sequence statements, "" when the table has no auto-increment
	// key (see sequenceSQL).
	nextval, lastval, setval, advance string
	indexes                           []indexSQL
}

// indexSQL is one index's lookups: prefix[n] selects the rows whose
// first n columns equal $1…$n, in key then primary key order; children
// is prefix[len(cols)] in primary key order with the row limit in the
// next parameter (NULL: every row).
type indexSQL struct {
	prefix   []string
	children string
	deleteBy string // DELETE of the rows holding a whole key
}

// buildStatements builds the statements of s's tables; seqs holds each
// table's sequence name as pg_get_serial_sequence gives it ("" for none).
func buildStatements(s *meta.Schema, seqs []string) *statements {
	st := &statements{tables: make([]tableSQL, len(s.Tables))}
	for _, t := range s.Tables {
		ts := &st.tables[t.Pos]
		cols, name := columns(t), quote(t.Name)
		ts.all = fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", cols, name, columnList(t.Key))
		ts.insert = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", name, cols, placeholders(1, len(t.Fields)))
		set := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			set[i] = quote(f.Name) + " = $" + strconv.Itoa(i+1)
		}
		// A row's UPDATE and DELETE return a value per row written, so
		// that the writer sees one that found its row gone (writeStored).
		ts.update = fmt.Sprintf("UPDATE %s SET %s WHERE %s RETURNING true", name, strings.Join(set, ", "), equalities(t.Key, len(t.Fields)+1))
		ts.delete = fmt.Sprintf("DELETE FROM %s WHERE %s RETURNING true", name, equalities(t.Key, 1))
		if seq := seqs[t.Pos]; seq != "" {
			ts.nextval, ts.lastval, ts.setval, ts.advance = sequenceSQL(seq)
		}
		ts.indexes = make([]indexSQL, len(t.Indexes))
		for _, ix := range t.Indexes {
			is := &ts.indexes[ix.Pos]
			is.prefix = make([]string, len(ix.Cols)+1)
			for n := range is.prefix {
				is.prefix[n] = lookupSQL(ix, n, 0)
			}
			full := len(ix.Cols)
			is.children = fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT $%d",
				cols, name, indexWhere(ix, full, 0), columnList(t.Key), full+1)
			is.deleteBy = fmt.Sprintf("DELETE FROM %s WHERE %s", name, indexWhere(ix, full, 0))
		}
	}
	return st
}

// sequenceSQL are the statements on the sequence seq: draw a value, read
// the last one drawn (0 before the first), set it, and move it to $1 when
// $1 is beyond it.
func sequenceSQL(seq string) (nextval, lastval, setval, advance string) {
	lit := stringLiteral(seq)
	nextval = "SELECT nextval(" + lit + ")"
	lastval = "SELECT coalesce(pg_sequence_last_value(" + lit + "), 0)"
	// setval to 0 is out of an identity's range: the sequence is then
	// reset instead, its next value 1.
	setval = "SELECT CASE WHEN $1::bigint > 0 THEN setval(" + lit + ", $1::bigint) ELSE setval(" + lit + ", 1, false) END"
	advance = "SELECT setval(" + lit + ", $1::bigint) FROM " + seq +
		" WHERE $1::bigint > CASE WHEN is_called THEN last_value ELSE 0 END"
	return
}

// lookupSQL selects the rows of ix whose first n columns equal $1…
// (those of nulls, a bit per column, are NULL instead and take no
// parameter), in key then primary key order.
func lookupSQL(ix *meta.Index, n int, nulls uint64) string {
	t := ix.Table
	order := columnList(ix.Cols)
	if !ix.Unique {
		order += ", " + columnList(t.Key)
	}
	return fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", columns(t), quote(t.Name), indexWhere(ix, n, nulls), order)
}

// indexWhere is the condition of a lookup of the first n columns of ix
// (see lookupSQL), and of belonging to ix: a unique index leaves out
// rows with a NULL in any of its columns, a partial one rows whose last
// column is NULL, as the memory engine's do.
func indexWhere(ix *meta.Index, n int, nulls uint64) string {
	var conds []string
	arg := 1
	for i, f := range ix.Cols[:n] {
		if nulls&(1<<i) != 0 {
			conds = append(conds, quote(f.Name)+" IS NULL")
			continue
		}
		conds = append(conds, quote(f.Name)+" = $"+strconv.Itoa(arg))
		arg++
	}
	for i, f := range ix.Cols {
		last := i == len(ix.Cols)-1
		if f.Nullable() && (ix.Unique || ix.Partial && last) && (i >= n || nulls&(1<<i) != 0) {
			conds = append(conds, quote(f.Name)+" IS NOT NULL")
		}
	}
	if len(conds) == 0 {
		return "TRUE"
	}
	return strings.Join(conds, " AND ")
}

// equalities is "c1 = $from AND c2 = $from+1 …" over fs.
func equalities(fs []*meta.Field, from int) string {
	conds := make([]string, len(fs))
	for i, f := range fs {
		conds[i] = quote(f.Name) + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(conds, " AND ")
}

// placeholders is "$from, …, $(from+n-1)".
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}
