package props

// The reference model of the property tests in machine.go: a tiny
// relational store of plain maps that implements SPEC.md directly. It is
// written without looking at how memrel does it: every operation runs on a
// copy of the rows, checks what PostgreSQL would check, and either replaces
// the rows by the copy or reports the kind of error and keeps them.

import (
	"fmt"
	"maps"
	"slices"
)

// prAct is a referential action.
type prAct int

const (
	prCascade prAct = iota
	prSetNull
	prRestrict
)

// prErr is the kind of error an operation fails with; "" is success.
type prErr string

const (
	prOK         prErr = ""
	prNotFound   prErr = "notfound"
	prUnique     prErr = "unique"
	prFK         prErr = "fk"
	prValidation prErr = "validation"
)

// prRow is one row: column name to value (nil, int64 or string).
type prRow map[string]any

func (r prRow) clone() prRow {
	n := make(prRow, len(r))
	for k, v := range r {
		n[k] = v
	}
	return n
}

func (r prRow) id() int64 { return r["id"].(int64) }

// prCol describes one column for the model and the row generator.
type prCol struct {
	name     string
	ptr      bool     // a pointer field: the generator may draw NULL
	nullable bool     // NULL is allowed (false on a pointer: ValidationError)
	unique   bool     // no two non-NULL values alike
	ref      string   // the table whose keys the column usually holds
	domain   []string // values of a string column; nil for an integer column
}

// prTableSpec is a table: the "id" column (auto-increment), cols, and
// groups of columns that are unique together (a collision needs every
// column equal and non-NULL).
type prTableSpec struct {
	name   string
	cols   []prCol
	groups [][]string
}

// prRel is a hasMany association as the model sees it.
type prRel struct {
	name        string // Source.as, e.g. User.posts
	src, dst    string
	fk          string
	nullable    bool
	onDelete    prAct
	onUpdate    prAct
	scope       map[string]any
	constrained bool
}

// inScope reports whether a target row carries the scope values.
func (rel *prRel) inScope(r prRow) bool {
	for k, v := range rel.scope {
		if r[k] != v {
			return false
		}
	}
	return true
}

// holds reports whether target row r is associated with source key src.
func (rel *prRel) holds(r prRow, src int64) bool {
	return r[rel.fk] == src && rel.inScope(r)
}

// prSpec is a whole schema.
type prSpec struct {
	tables []*prTableSpec
	byName map[string]*prTableSpec
	rels   []*prRel
}

// prState is every table's rows by primary key.
type prState map[string]map[int64]prRow

func (s prState) clone() prState {
	n := make(prState, len(s))
	for t, rows := range s {
		m := make(map[int64]prRow, len(rows))
		for k, r := range rows {
			m[k] = r.clone()
		}
		n[t] = m
	}
	return n
}

// ids returns a table's keys in ascending order.
func (s prState) ids(table string) []int64 {
	ks := make([]int64, 0, len(s[table]))
	for k := range s[table] {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// String is a canonical text form (fmt prints maps in key order).
func (s prState) String() string { return fmt.Sprintf("%#v", map[string]map[int64]prRow(s)) }

// prModel is the reference store. seq lives outside the rows, like a
// PostgreSQL sequence: a rolled-back transaction does not give back the ids
// it took. A single call that fails moves no sequence.
type prModel struct {
	spec *prSpec
	rows prState
	seq  map[string]int64
}

func prNewModel(sp *prSpec) *prModel {
	m := &prModel{spec: sp, rows: prState{}, seq: map[string]int64{}}
	for _, t := range sp.tables {
		m.rows[t.name] = map[int64]prRow{}
	}
	return m
}

// prMTx is one operation in progress on a copy of the rows and sequences.
type prMTx struct {
	m   *prModel
	s   prState
	seq map[string]int64
}

// run applies fn to a copy of the rows and keeps the copy only on success.
func (m *prModel) run(fn func(x *prMTx) prErr) prErr {
	x := &prMTx{m: m, s: m.rows.clone(), seq: maps.Clone(m.seq)}
	if e := fn(x); e != prOK {
		return e
	}
	// Statement end: every constrained foreign key references a row.
	if e := x.integrity(); e != prOK {
		return e
	}
	m.rows, m.seq = x.s, x.seq
	return prOK
}

// integrity fails when a constrained foreign key references no row.
func (x *prMTx) integrity() prErr {
	for _, rel := range x.m.spec.rels {
		if !rel.constrained {
			continue
		}
		for _, r := range x.s[rel.dst] {
			fk := r[rel.fk]
			if fk == nil {
				continue
			}
			if _, ok := x.s[rel.src][fk.(int64)]; !ok {
				return prFK
			}
		}
	}
	return prOK
}

// check runs the row checks of an insert or update: NOT NULL, then the
// primary key, then unique columns. old is the key the row had (0 for an
// insert).
func (x *prMTx) check(table string, r prRow, old int64, insert bool) prErr {
	ts := x.m.spec.byName[table]
	for _, c := range ts.cols {
		if !c.nullable && r[c.name] == nil {
			return prValidation
		}
	}
	if _, taken := x.s[table][r.id()]; taken && (insert || r.id() != old) {
		return prUnique
	}
	for _, c := range ts.cols {
		if !c.unique || r[c.name] == nil {
			continue
		}
		for k, other := range x.s[table] {
			if (insert || k != old) && other[c.name] == r[c.name] {
				return prUnique
			}
		}
	}
	for _, g := range ts.groups {
		for k, other := range x.s[table] {
			if (insert || k != old) && prSameGroup(g, r, other) {
				return prUnique
			}
		}
	}
	return prOK
}

// prSameGroup reports whether a and b hold the same non-NULL values in
// every column of g.
func prSameGroup(g []string, a, b prRow) bool {
	for _, c := range g {
		if a[c] == nil || a[c] != b[c] {
			return false
		}
	}
	return true
}

// insert creates r (id 0: the next sequence value) and returns the stored
// row.
func (x *prMTx) insert(table string, r prRow) (prRow, prErr) {
	r = r.clone()
	if r.id() == 0 {
		r["id"] = x.seq[table] + 1
	}
	if e := x.check(table, r, 0, true); e != prOK {
		return nil, e
	}
	x.s[table][r.id()] = r
	if e := x.integrity(); e != prOK {
		return nil, e
	}
	if r.id() > x.seq[table] {
		x.seq[table] = r.id()
	}
	return r.clone(), prOK
}

// update replaces the row with key old by r, applying onUpdate when the key
// changes.
func (x *prMTx) update(table string, old int64, r prRow) (prRow, prErr) {
	r = r.clone()
	if _, ok := x.s[table][old]; !ok {
		return nil, prNotFound
	}
	if e := x.check(table, r, old, false); e != prOK {
		return nil, e
	}
	delete(x.s[table], old)
	x.s[table][r.id()] = r.clone()
	if r.id() != old && r.id() > x.seq[table] {
		x.seq[table] = r.id() // an explicit key moves the sequence, as on insert
	}
	if r.id() != old {
		for _, rel := range x.m.spec.rels {
			if rel.src != table || !rel.constrained {
				continue
			}
			kids := x.kidsByFK(rel, old)
			if len(kids) == 0 {
				continue
			}
			switch rel.onUpdate {
			case prRestrict:
				return nil, prFK
			case prCascade:
				for _, k := range kids {
					x.s[rel.dst][k][rel.fk] = r.id()
				}
			case prSetNull:
				if !rel.nullable {
					return nil, prValidation
				}
				for _, k := range kids {
					x.s[rel.dst][k][rel.fk] = nil
				}
			}
		}
	}
	if e := x.integrity(); e != prOK {
		return nil, e
	}
	// The row as written: like Sequelize's instance.update, the result
	// does not show what an onUpdate cascade did to the row itself (a
	// self-reference to its old key); the stored row does.
	return r.clone(), prOK
}

// kidsByFK lists the rows of rel's target whose foreign key is key, scope
// or not: a database constraint knows no scope.
func (x *prMTx) kidsByFK(rel *prRel, key int64) []int64 {
	var kids []int64
	for _, k := range x.s.ids(rel.dst) {
		if x.s[rel.dst][k][rel.fk] == key {
			kids = append(kids, k)
		}
	}
	return kids
}

// destroy deletes a row that must exist.
func (x *prMTx) destroy(table string, key int64) prErr {
	if _, ok := x.s[table][key]; !ok {
		return prNotFound
	}
	return x.del(table, key)
}

// del deletes a row and applies onDelete to its children.
func (x *prMTx) del(table string, key int64) prErr {
	delete(x.s[table], key)
	for _, rel := range x.m.spec.rels {
		if rel.src != table || !rel.constrained {
			continue
		}
		kids := x.kidsByFK(rel, key)
		if len(kids) > 0 && rel.onDelete == prRestrict {
			return prFK
		}
		for _, k := range kids {
			r, ok := x.s[rel.dst][k]
			if !ok || r[rel.fk] != key {
				continue // gone or moved by an earlier step of the cascade
			}
			switch rel.onDelete {
			case prCascade:
				if e := x.del(rel.dst, k); e != prOK {
					return e
				}
			case prSetNull:
				if !rel.nullable {
					return prValidation
				}
				r[rel.fk] = nil
			}
		}
	}
	return prOK
}

// held lists the targets associated with source key src, in key order.
func (x *prMTx) held(rel *prRel, src int64) []int64 {
	var ks []int64
	for _, k := range x.s.ids(rel.dst) {
		if rel.holds(x.s[rel.dst][k], src) {
			ks = append(ks, k)
		}
	}
	return ks
}

func (x *prMTx) source(rel *prRel, src int64) prErr {
	if _, ok := x.s[rel.src][src]; !ok {
		return prNotFound
	}
	return prOK
}

// attach points a target at src and writes the scope.
func (x *prMTx) attach(rel *prRel, k, src int64) {
	r := x.s[rel.dst][k]
	r[rel.fk] = src
	for f, v := range rel.scope {
		r[f] = v
	}
}

// unassociate nulls a held target's foreign key, or deletes it.
func (x *prMTx) unassociate(rel *prRel, k int64, destroy bool) prErr {
	if destroy || !rel.nullable {
		return x.del(rel.dst, k)
	}
	x.s[rel.dst][k][rel.fk] = nil
	return prOK
}

func prDedup(keys []int64) []int64 {
	var out []int64
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Association operations of SPEC §4.

func (m *prModel) get(rel *prRel, src int64) ([]prRow, prErr) {
	x := &prMTx{m: m, s: m.rows}
	if e := x.source(rel, src); e != prOK {
		return nil, e
	}
	var rows []prRow
	for _, k := range x.held(rel, src) {
		rows = append(rows, m.rows[rel.dst][k].clone())
	}
	return rows, prOK
}

func (m *prModel) has(rel *prRel, src int64, keys []int64) (bool, prErr) {
	if _, ok := m.rows[rel.src][src]; !ok {
		return false, prNotFound
	}
	for _, k := range keys {
		r, ok := m.rows[rel.dst][k]
		if !ok || !rel.holds(r, src) {
			return false, prOK
		}
	}
	return true, prOK
}

func (m *prModel) add(rel *prRel, src int64, keys []int64) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.source(rel, src); e != prOK {
			return e
		}
		for _, k := range keys {
			if _, ok := x.s[rel.dst][k]; !ok {
				return prNotFound
			}
		}
		for _, k := range prDedup(keys) {
			x.attach(rel, k, src)
		}
		return prOK
	})
}

func (m *prModel) set(rel *prRel, src int64, keys []int64, destroy bool) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.source(rel, src); e != prOK {
			return e
		}
		for _, k := range keys {
			if _, ok := x.s[rel.dst][k]; !ok {
				return prNotFound
			}
		}
		for _, k := range x.held(rel, src) {
			if slices.Contains(keys, k) {
				continue
			}
			r, ok := x.s[rel.dst][k]
			if !ok || !rel.holds(r, src) {
				continue // changed by an earlier step
			}
			if e := x.unassociate(rel, k, destroy); e != prOK {
				return e
			}
		}
		for _, k := range prDedup(keys) {
			if _, ok := x.s[rel.dst][k]; ok { // a cascade may have deleted it
				x.attach(rel, k, src)
			}
		}
		return prOK
	})
}

func (m *prModel) remove(rel *prRel, src int64, keys []int64, destroy bool) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.source(rel, src); e != prOK {
			return e
		}
		for _, k := range prDedup(keys) {
			r, ok := x.s[rel.dst][k]
			if !ok || !rel.holds(r, src) {
				continue
			}
			if e := x.unassociate(rel, k, destroy); e != prOK {
				return e
			}
		}
		return prOK
	})
}

func (m *prModel) createChild(rel *prRel, src int64, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		if e := x.source(rel, src); e != prOK {
			return e
		}
		r = r.clone()
		r[rel.fk] = src
		for f, v := range rel.scope {
			r[f] = v
		}
		var e prErr
		out, e = x.insert(rel.dst, r)
		return e
	})
	return prResult(out, e)
}

// Inverse (belongsTo) operations of SPEC §6.

func (m *prModel) parent(rel *prRel, child int64) (prRow, bool, prErr) {
	c, ok := m.rows[rel.dst][child]
	if !ok {
		return nil, false, prNotFound
	}
	fk := c[rel.fk]
	if fk == nil {
		return nil, false, prOK
	}
	p, ok := m.rows[rel.src][fk.(int64)]
	if !ok {
		return nil, false, prOK
	}
	return p.clone(), true, prOK
}

// pointAt sets child's foreign key to key (nil clears it) and returns the
// child; a belongsTo writes no scope, as Sequelize's set assigns only the
// key. byParent is belongsTo's Set, given a
// parent instance: a parent that is not stored is a foreign key violation
// (checked before the child) unless the association has no constraints.
func (m *prModel) pointAt(rel *prRel, child int64, key any, byParent bool) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		if byParent && rel.constrained {
			if _, ok := x.s[rel.src][key.(int64)]; !ok {
				return prFK
			}
		}
		c, ok := x.s[rel.dst][child]
		if !ok {
			return prNotFound
		}
		if key == nil {
			if !rel.nullable {
				return prValidation
			}
		}
		c[rel.fk] = key
		out = c.clone()
		return prOK
	})
	return prResult(out, e)
}

func (m *prModel) createParent(rel *prRel, child int64, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		if _, ok := x.s[rel.dst][child]; !ok {
			return prNotFound
		}
		var e prErr
		if out, e = x.insert(rel.src, r); e != prOK {
			return e
		}
		x.s[rel.dst][child][rel.fk] = out.id()
		return prOK
	})
	return prResult(out, e)
}

// Model operations of SPEC §1, §3 and §7.

func (m *prModel) create(table string, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		var e prErr
		out, e = x.insert(table, r)
		return e
	})
	return prResult(out, e)
}

func (m *prModel) update(table string, old int64, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		var e prErr
		out, e = x.update(table, old, r)
		return e
	})
	return prResult(out, e)
}

func (m *prModel) destroy(table string, key int64) prErr {
	return m.run(func(x *prMTx) prErr { return x.destroy(table, key) })
}

// matching lists the keys of rows whose col equals v (NULL matches none).
func (m *prModel) matching(table, col string, v any) []int64 {
	var ks []int64
	for _, k := range m.rows.ids(table) {
		if cv := m.rows[table][k][col]; cv != nil && cv == v {
			ks = append(ks, k)
		}
	}
	return ks
}

// destroyAll deletes the matching rows and reports them all, also those
// an earlier row's cascade deleted: PostgreSQL's DELETE removes every
// matching row itself and runs the cascades after.
func (m *prModel) destroyAll(table, col string, v any) (int, prErr) {
	keys := m.matching(table, col, v)
	e := m.run(func(x *prMTx) prErr {
		for _, k := range keys {
			if _, ok := x.s[table][k]; !ok {
				continue // deleted by an earlier row's cascade
			}
			if e := x.del(table, k); e != prOK {
				return e
			}
		}
		return prOK
	})
	if e != prOK {
		return 0, e
	}
	return len(keys), prOK
}

func (m *prModel) updateAll(table, col string, v any, setCol string, setV any) (int, prErr) {
	// The values are validated before any row is looked at, as Sequelize
	// does: a NULL for a NOT NULL column fails even when nothing matches.
	for _, c := range m.spec.byName[table].cols {
		if c.name == setCol && !c.nullable && setV == nil {
			return 0, prValidation
		}
	}
	n := 0
	e := m.run(func(x *prMTx) prErr {
		for _, k := range m.matching(table, col, v) {
			cur, ok := x.s[table][k]
			if !ok {
				continue
			}
			r := cur.clone()
			r[setCol] = setV
			if _, e := x.update(table, k, r); e != prOK {
				return e
			}
			n++
		}
		return prOK
	})
	if e != prOK {
		return 0, e
	}
	return n, prOK
}

// prResult drops a row computed by an operation that then failed.
func prResult(r prRow, e prErr) (prRow, prErr) {
	if e != prOK {
		return nil, e
	}
	return r, e
}
