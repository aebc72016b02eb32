package pg

import (
	"fmt"
	"slices"
	"strings"

	"github.com/memrel/memrel/internal/meta"
)

// manySQL are a table's set-based writes: runs of row writes of one kind
// sent as one statement, each column's values in an array parameter
// (unnest), so that a Set, an UpdateAll or a cascade over many rows is a
// statement, not one per row. insert takes the new rows' columns; update
// the new rows' columns then the rows as read (each updated only if still
// as read, as a row's own UPDATE); delete the rows as read.
type manySQL struct {
	insert, update, delete string
}

// buildMany builds t's set-based writes.
func buildMany(t *meta.Table) manySQL {
	n := len(t.Fields)
	name, cols := quote(t.Name), columns(t)
	arrays := func(from int) string {
		ps := make([]string, n)
		for i, f := range t.Fields {
			ps[i] = fmt.Sprintf("$%d::%s[]", from+i, arrayType(f))
		}
		return strings.Join(ps, ", ")
	}
	names := func(prefix string) string {
		ns := make([]string, n)
		for i := range t.Fields {
			ns[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return strings.Join(ns, ", ")
	}
	// The rows as read: the key equal, every other column NOT DISTINCT.
	asRead := func() string {
		conds := make([]string, n)
		for i, f := range t.Fields {
			op := " IS NOT DISTINCT FROM "
			if slices.Contains(t.Key, f) {
				op = " = "
			}
			conds[i] = "x." + quote(f.Name) + op + fmt.Sprintf("u.o%d", i)
		}
		return strings.Join(conds, " AND ")
	}
	set := make([]string, n)
	for i, f := range t.Fields {
		set[i] = fmt.Sprintf("%s = u.n%d", quote(f.Name), i)
	}
	return manySQL{
		insert: fmt.Sprintf("INSERT INTO %s (%s) SELECT * FROM unnest(%s)", name, cols, arrays(1)),
		update: fmt.Sprintf("UPDATE %s AS x SET %s FROM unnest(%s, %s) AS u(%s, %s) WHERE %s",
			name, strings.Join(set, ", "), arrays(1), arrays(n+1), names("n"), names("o"), asRead()),
		delete: fmt.Sprintf("DELETE FROM %s AS x USING unnest(%s) AS u(%s) WHERE %s",
			name, arrays(1), names("o"), asRead()),
	}
}

// arrayType is the element type of an array of f's values.
func arrayType(f *meta.Field) string {
	typ, _, _ := columnType(f)
	switch {
	case strings.HasPrefix(typ, "text"):
		return "text"
	case strings.HasPrefix(typ, "numeric"):
		return "numeric"
	}
	return typ
}

// coalesce groups the pending entries into statements: a run of two or
// more row writes of one table and kind (the same statement text) is one
// set-based statement, when no two of them are the same row and no
// update among them changes a key; anything else goes alone.
func (w *writer) coalesce(pending []entry) []stmt {
	out := make([]stmt, 0, len(pending))
	seen := map[string]bool{}
	for i := 0; i < len(pending); {
		j := i + 1
		e := &pending[i]
		if e.t != nil && !w.logFull {
			clear(seen)
			if w.groupable(e, seen) {
				for j < len(pending) && pending[j].sql == e.sql && w.groupable(&pending[j], seen) {
					j++
				}
			}
		}
		if j-i < 2 {
			out = append(out, single(i, *e))
			i++
			continue
		}
		out = append(out, w.many(pending[i:j], i))
		i = j
	}
	return out
}

// groupable reports whether e can join a set-based statement whose rows
// are in seen (the keys so far), and adds its row's key.
func (w *writer) groupable(e *entry, seen map[string]bool) bool {
	t := e.t
	ts := &w.db.sql.tables[t.Pos]
	if e.sql != ts.insert && e.sql != ts.update && e.sql != ts.delete {
		return false // a DeleteMatching's
	}
	var kb [32]byte
	var k []byte
	switch e.op {
	case opInsert:
		k = t.PKKey(e.after, kb[:0])
	case opUpdate:
		k = t.PKKey(e.before, kb[:0])
		var ka [32]byte
		if string(k) != string(t.PKKey(e.after, ka[:0])) {
			return false
		}
	case opDelete:
		k = t.PKKey(e.before, kb[:0])
	default:
		return false
	}
	if seen[string(k)] {
		return false
	}
	seen[string(k)] = true
	return true
}

// many is the set-based statement of the row writes es, pending entries
// from at on.
func (w *writer) many(es []entry, at int) stmt {
	t := es[0].t
	m := &w.db.sql.tables[t.Pos].many
	width := len(es[0].args) // every entry of a run has the same shape
	cols := make([][]any, width)
	for c := range cols {
		cols[c] = make([]any, len(es))
		for r := range es {
			cols[c][r] = es[r].args[c]
		}
	}
	args := make([]any, width)
	for c := range cols {
		args[c] = cols[c]
	}
	st := stmt{from: at, to: at + len(es), args: args, rows: int64(len(es))}
	switch es[0].op {
	case opInsert:
		st.sql, st.rows = m.insert, -1
	case opUpdate:
		st.sql = m.update
	default:
		st.sql = m.delete
	}
	return st
}
