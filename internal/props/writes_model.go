package props

// The reference model of the writes machine (writes.go): the tables of
// wrSpec as plain maps, every row with its timestamps (createdAt,
// updatedAt, deletedAt as Unix milliseconds, deletedAt nil for a live
// row). It implements SPEC N1, N5-N9 and N13 directly and knows nothing of
// how memrel does it. Like prModel, an operation runs on a copy of the
// rows and sequences and keeps the copy only when it succeeds, so a failed
// call changes nothing and takes no id.

import (
	"maps"
	"slices"
)

// wrTableSpec is a table of the writes machine: the auto-increment "id",
// cols (every one but the timestamps), and the columns Increment may name.
type wrTableSpec struct {
	name    string
	cols    []prCol
	numeric []string
}

// col returns the column named name.
func (ts *wrTableSpec) col(name string) prCol {
	for _, c := range ts.cols {
		if c.name == name {
			return c
		}
	}
	panic("props: no column " + name + " in " + ts.name)
}

// wrRel is a hasMany of the writes machine as the model sees it: dst's fk
// holds src's id; the constraint is always on.
type wrRel struct {
	name     string
	src, dst string
	fk       string
	nullable bool
	onDelete prAct
}

// wrSpec is the whole schema of the writes machine.
type wrSpec struct {
	tables []*wrTableSpec
	byName map[string]*wrTableSpec
	rels   []*wrRel
}

// wrEq is one equality of a where: col = v (v never NULL).
type wrEq struct {
	col string
	v   any
}

// wrMatch reports whether r satisfies every equality (nil: all rows).
func wrMatch(r prRow, eqs []wrEq) bool {
	for _, e := range eqs {
		if r[e.col] == nil || r[e.col] != e.v {
			return false
		}
	}
	return true
}

// wrLive reports whether r is not soft-deleted.
func wrLive(r prRow) bool { return r["deletedAt"] == nil }

// wrModel is the reference store. seq is outside the rows, like a
// PostgreSQL sequence: a rolled-back transaction keeps the ids it took.
type wrModel struct {
	spec *wrSpec
	rows prState
	seq  map[string]int64
}

func wrNewModel(sp *wrSpec) *wrModel {
	m := &wrModel{spec: sp, rows: prState{}, seq: map[string]int64{}}
	for _, t := range sp.tables {
		m.rows[t.name] = map[int64]prRow{}
	}
	return m
}

// wrMTx is one call in progress: a copy of the rows and sequences, and the
// call's instant (SPEC N1: one clock reading per call).
type wrMTx struct {
	m   *wrModel
	s   prState
	seq map[string]int64
	now int64
}

// run applies fn to a copy and keeps it only on success.
func (m *wrModel) run(now int64, fn func(x *wrMTx) prErr) prErr {
	x := &wrMTx{m: m, s: m.rows.clone(), seq: maps.Clone(m.seq), now: now}
	if e := fn(x); e != prOK {
		return e
	}
	m.rows, m.seq = x.s, x.seq
	return prOK
}

// matching lists the keys of the rows of table that satisfy eqs, in key
// order: all of them with all, else only the live ones.
func (x *wrMTx) matching(table string, eqs []wrEq, all bool) []int64 {
	var ks []int64
	for _, k := range x.s.ids(table) {
		if r := x.s[table][k]; (all || wrLive(r)) && wrMatch(r, eqs) {
			ks = append(ks, k)
		}
	}
	return ks
}

// check runs the checks PostgreSQL runs on a row written under key self
// (0 for an insert): NOT NULL, then the primary key, then the unique
// columns, then the foreign keys. Soft-deleted rows are rows: they keep
// their unique values and may be referenced (SPEC N13).
func (x *wrMTx) check(table string, r prRow, self int64) prErr {
	ts := x.m.spec.byName[table]
	for _, c := range ts.cols {
		if !c.nullable && r[c.name] == nil {
			return prValidation
		}
	}
	if _, taken := x.s[table][r.id()]; taken && self == 0 {
		return prUnique
	}
	for _, c := range ts.cols {
		if !c.unique || r[c.name] == nil {
			continue
		}
		for k, other := range x.s[table] {
			if k != self && other[c.name] == r[c.name] {
				return prUnique
			}
		}
	}
	for _, rel := range x.m.spec.rels {
		if rel.dst != table || r[rel.fk] == nil {
			continue
		}
		if _, ok := x.s[rel.src][r[rel.fk].(int64)]; !ok {
			return prFK
		}
	}
	return prOK
}

// insert creates r (id 0: the next sequence value): createdAt is now
// unless given, updatedAt always now (SPEC N1).
func (x *wrMTx) insert(table string, r prRow) (prRow, prErr) {
	r = r.clone()
	if r.id() == 0 {
		r["id"] = x.seq[table] + 1
	}
	if r["createdAt"] == nil {
		r["createdAt"] = x.now
	}
	r["updatedAt"] = x.now
	if e := x.check(table, r, 0); e != prOK {
		return nil, e
	}
	x.s[table][r.id()] = r
	x.seq[table] = max(x.seq[table], r.id())
	return r.clone(), prOK
}

// write replaces the row with key r.id() by r as an update through the
// model: updatedAt is now (also when nothing else changes), createdAt is
// kept unless r gives one.
func (x *wrMTx) write(table string, r prRow) (prRow, prErr) {
	r = r.clone()
	if r["createdAt"] == nil {
		r["createdAt"] = x.s[table][r.id()]["createdAt"]
	}
	r["updatedAt"] = x.now
	if e := x.check(table, r, r.id()); e != prOK {
		return nil, e
	}
	x.s[table][r.id()] = r
	return r.clone(), prOK
}

// live returns the live row of table with key k, or nil.
func (x *wrMTx) live(table string, k int64) prRow {
	if r, ok := x.s[table][k]; ok && wrLive(r) {
		return r
	}
	return nil
}

// softDelete sets deletedAt and nothing else: no stamp, no referential
// action (SPEC N13).
func (x *wrMTx) softDelete(table string, k int64) { x.s[table][k]["deletedAt"] = x.now }

// del deletes a row for real and applies the onDelete rules to every child
// row, soft-deleted ones included (they exist): the database's actions,
// which stamp nothing and delete cascaded children for real.
func (x *wrMTx) del(table string, key int64) prErr {
	delete(x.s[table], key)
	for _, rel := range x.m.spec.rels {
		if rel.src != table {
			continue
		}
		for _, k := range x.s.ids(rel.dst) {
			r, ok := x.s[rel.dst][k]
			if !ok || r[rel.fk] != key {
				continue
			}
			switch rel.onDelete {
			case prRestrict:
				return prFK
			case prCascade:
				if e := x.del(rel.dst, k); e != prOK {
					return e
				}
			case prSetNull:
				r[rel.fk] = nil
			}
		}
	}
	return prOK
}

// Model operations: each is one call at instant now.

func (m *wrModel) create(now int64, table string, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(now, func(x *wrMTx) (e prErr) { out, e = x.insert(table, r); return })
	return prResult(out, e)
}

// bulkCreate inserts rs in order, all or none (SPEC N5).
func (m *wrModel) bulkCreate(now int64, table string, rs []prRow) ([]prRow, prErr) {
	out := make([]prRow, 0, len(rs))
	e := m.run(now, func(x *wrMTx) prErr {
		for _, r := range rs {
			got, e := x.insert(table, r)
			if e != prOK {
				return e
			}
			out = append(out, got)
		}
		return prOK
	})
	if e != prOK {
		return nil, e
	}
	return out, prOK
}

// upsert is SPEC N6. onConflict names the conflict column ("" chooses:
// the primary key when r holds it, else the table's one unique column
// when r holds it non-NULL); fields limits what an update writes (nil:
// every column but id, createdAt and deletedAt).
func (m *wrModel) upsert(now int64, table string, r prRow, fields []string, onConflict string) (prRow, bool, prErr) {
	var out prRow
	created := false
	e := m.run(now, func(x *wrMTx) prErr {
		ts := x.m.spec.byName[table]
		// The candidate is checked as a whole insert row first.
		for _, c := range ts.cols {
			if !c.nullable && r[c.name] == nil {
				return prValidation
			}
		}
		key := onConflict
		if key == "" {
			if r.id() != 0 {
				key = "id"
			} else {
				for _, c := range ts.cols {
					if c.unique && r[c.name] != nil {
						key = c.name
					}
				}
			}
		}
		var cur prRow
		if key != "" && r[key] != nil && r[key] != int64(0) {
			for _, k := range x.s.ids(table) {
				if x.s[table][k][key] == r[key] {
					cur = x.s[table][k] // soft-deleted or not
				}
			}
		}
		var e prErr
		if cur == nil {
			created = true
			out, e = x.insert(table, r)
			return e
		}
		next := cur.clone()
		for _, c := range ts.cols {
			if fields == nil || slices.Contains(fields, c.name) {
				next[c.name] = r[c.name]
			}
		}
		next["createdAt"] = nil // kept: Upsert never writes it on update
		out, e = x.write(table, next)
		return e
	})
	out, e = prResult(out, e)
	return out, created && e == prOK, e
}

// findOrCreate is SPEC N7: the first live row matching eqs, or a create
// of defaults with eqs written into it.
func (m *wrModel) findOrCreate(now int64, table string, eqs []wrEq, defaults prRow) (prRow, bool, prErr) {
	var out prRow
	created := false
	e := m.run(now, func(x *wrMTx) prErr {
		if ks := x.matching(table, eqs, false); len(ks) > 0 {
			out = x.s[table][ks[0]].clone()
			return prOK
		}
		r := defaults.clone()
		for _, q := range eqs {
			r[q.col] = q.v
		}
		created = true
		var e prErr
		out, e = x.insert(table, r)
		return e
	})
	out, e = prResult(out, e)
	return out, created && e == prOK, e
}

// increment is SPEC N8 (sign -1: Decrement): the live rows matching eqs,
// or with key set the live row with that key (none: 0). NULL stays NULL;
// every row is stamped.
func (m *wrModel) increment(now int64, table string, eqs []wrEq, key *int64, by map[string]int64, sign int64) (int, prErr) {
	n := 0
	e := m.run(now, func(x *wrMTx) prErr {
		ks := x.matching(table, eqs, false)
		if key != nil {
			ks = nil
			if x.live(table, *key) != nil {
				ks = []int64{*key}
			}
		}
		for _, k := range ks {
			r := x.s[table][k].clone()
			for col, d := range by {
				if r[col] != nil {
					r[col] = r[col].(int64) + sign*d
				}
			}
			if _, e := x.write(table, r); e != prOK {
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

// nullInNotNull reports whether set gives NULL to a NOT NULL column: the
// ValidationError UpdateAll and Patch report before they look at a row.
func (m *wrModel) nullInNotNull(table string, set map[string]any) bool {
	ts := m.spec.byName[table]
	for col, v := range set {
		if v == nil && !ts.col(col).nullable {
			return true
		}
	}
	return false
}

// updateAll is SPEC N9's update: the live rows matching eqs, counted.
func (m *wrModel) updateAll(now int64, table string, eqs []wrEq, set map[string]any) (int, prErr) {
	if m.nullInNotNull(table, set) {
		return 0, prValidation
	}
	n := 0
	e := m.run(now, func(x *wrMTx) prErr {
		for _, k := range x.matching(table, eqs, false) {
			r := x.s[table][k].clone()
			maps.Copy(r, set)
			if _, e := x.write(table, r); e != prOK {
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

// patch writes set into the live row with key k; the values are checked
// before the lookup.
func (m *wrModel) patch(now int64, table string, k int64, set map[string]any) (prRow, prErr) {
	if m.nullInNotNull(table, set) {
		return nil, prValidation
	}
	var out prRow
	e := m.run(now, func(x *wrMTx) prErr {
		cur := x.live(table, k)
		if cur == nil {
			return prNotFound
		}
		r := cur.clone()
		maps.Copy(r, set)
		var e prErr
		out, e = x.write(table, r)
		return e
	})
	return prResult(out, e)
}

// update replaces the live row with r's key by r (Model.Update: every
// column written, deletedAt as r gives it: NULL).
func (m *wrModel) update(now int64, table string, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(now, func(x *wrMTx) prErr {
		if x.live(table, r.id()) == nil {
			return prNotFound
		}
		var e prErr
		out, e = x.write(table, r)
		return e
	})
	return prResult(out, e)
}

// destroy soft-deletes the live row with key k, or with force deletes the
// row, soft-deleted or not, for real.
func (m *wrModel) destroy(now int64, table string, k int64, force bool) prErr {
	return m.run(now, func(x *wrMTx) prErr {
		if force {
			if _, ok := x.s[table][k]; !ok {
				return prNotFound
			}
			return x.del(table, k)
		}
		if x.live(table, k) == nil {
			return prNotFound
		}
		x.softDelete(table, k)
		return prOK
	})
}

// destroyAll soft-deletes the live rows matching eqs, or with force
// deletes every matching row for real; it counts the rows matched.
func (m *wrModel) destroyAll(now int64, table string, eqs []wrEq, force bool) (int, prErr) {
	n := 0
	e := m.run(now, func(x *wrMTx) prErr {
		ks := x.matching(table, eqs, force)
		n = len(ks)
		for _, k := range ks {
			switch {
			case !force:
				x.softDelete(table, k)
			case x.s[table][k] != nil: // else gone with an earlier row's cascade
				if e := x.del(table, k); e != prOK {
					return e
				}
			}
		}
		return prOK
	})
	if e != prOK {
		return 0, e
	}
	return n, prOK
}

// restore clears deletedAt of the soft-deleted rows matching eqs and
// counts them (SPEC N13's deviation restore-counts-restored).
func (m *wrModel) restore(now int64, table string, eqs []wrEq) (int, prErr) {
	n := 0
	e := m.run(now, func(x *wrMTx) prErr {
		for _, k := range x.matching(table, eqs, true) {
			if r := x.s[table][k]; !wrLive(r) {
				r["deletedAt"] = nil
				n++
			}
		}
		return prOK
	})
	return n, e
}

// restoreKey restores the row with key k: true when it was soft-deleted.
func (m *wrModel) restoreKey(now int64, table string, k int64) (bool, prErr) {
	was := false
	e := m.run(now, func(x *wrMTx) prErr {
		r, ok := x.s[table][k]
		if !ok {
			return prNotFound
		}
		was = !wrLive(r)
		r["deletedAt"] = nil
		return prOK
	})
	return was && e == prOK, e
}

// Reads.

// findAll is the rows matching eqs in key order (soft-deleted ones only
// with all).
func (m *wrModel) findAll(table string, eqs []wrEq, all bool) []prRow {
	x := &wrMTx{m: m, s: m.rows}
	var rows []prRow
	for _, k := range x.matching(table, eqs, all) {
		rows = append(rows, m.rows[table][k])
	}
	return rows
}

// Association writes (SPEC §4 with N13): the source must exist, soft-
// deleted or not; a target must be live.

// targets fails unless src exists and every key is a live target.
func (x *wrMTx) targets(rel *wrRel, src int64, keys []int64) prErr {
	if _, ok := x.s[rel.src][src]; !ok {
		return prNotFound
	}
	for _, k := range keys {
		if x.live(rel.dst, k) == nil {
			return prNotFound
		}
	}
	return prOK
}

// attach points the target k at src, stamped.
func (x *wrMTx) attach(rel *wrRel, src, k int64) prErr {
	r := x.s[rel.dst][k].clone()
	r[rel.fk] = src
	_, e := x.write(rel.dst, r)
	return e
}

// unassociate nulls the target's foreign key (stamped), or soft-deletes it
// when the key is NOT NULL: a destroy of a paranoid row.
func (x *wrMTx) unassociate(rel *wrRel, k int64) prErr {
	if !rel.nullable {
		x.softDelete(rel.dst, k)
		return prOK
	}
	r := x.s[rel.dst][k].clone()
	r[rel.fk] = nil
	_, e := x.write(rel.dst, r)
	return e
}

// add points every listed target at src, each stamped, also those
// associated already (Sequelize's add updates every listed row).
func (m *wrModel) add(now int64, rel *wrRel, src int64, keys []int64) prErr {
	return m.run(now, func(x *wrMTx) prErr {
		if e := x.targets(rel, src, keys); e != prOK {
			return e
		}
		for _, k := range prDedup(keys) {
			if e := x.attach(rel, src, k); e != prOK {
				return e
			}
		}
		return prOK
	})
}

// set un-associates the live children of src that are not listed, then
// attaches the listed targets not associated yet (those associated
// already are not written).
func (m *wrModel) set(now int64, rel *wrRel, src int64, keys []int64) prErr {
	return m.run(now, func(x *wrMTx) prErr {
		if e := x.targets(rel, src, keys); e != prOK {
			return e
		}
		for _, k := range x.matching(rel.dst, []wrEq{{rel.fk, src}}, false) {
			if !slices.Contains(keys, k) {
				if e := x.unassociate(rel, k); e != prOK {
					return e
				}
			}
		}
		for _, k := range prDedup(keys) {
			if x.s[rel.dst][k][rel.fk] != src {
				if e := x.attach(rel, src, k); e != prOK {
					return e
				}
			}
		}
		return prOK
	})
}

// remove un-associates the listed live targets that src holds; other keys
// (missing, soft-deleted, another source's) are ignored.
func (m *wrModel) remove(now int64, rel *wrRel, src int64, keys []int64) prErr {
	return m.run(now, func(x *wrMTx) prErr {
		if _, ok := x.s[rel.src][src]; !ok {
			return prNotFound
		}
		for _, k := range prDedup(keys) {
			if r := x.live(rel.dst, k); r != nil && r[rel.fk] == src {
				if e := x.unassociate(rel, k); e != prOK {
					return e
				}
			}
		}
		return prOK
	})
}

// createChild inserts r as a target of src (soft-deleted or not).
func (m *wrModel) createChild(now int64, rel *wrRel, src int64, r prRow) (prRow, prErr) {
	var out prRow
	e := m.run(now, func(x *wrMTx) prErr {
		if _, ok := x.s[rel.src][src]; !ok {
			return prNotFound
		}
		r = r.clone()
		r[rel.fk] = src
		var e prErr
		out, e = x.insert(rel.dst, r)
		return e
	})
	return prResult(out, e)
}
