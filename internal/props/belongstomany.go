package props

import (
	"errors"
	"fmt"
	"slices"

	"github.com/memrel/memrel"
)

// The belongsToMany side of the machine: Post.tags and its inverse
// Tag.posts, through the join model PostTag. PostTag has a key of its own
// and memrel.Unique(postId, tagId), so the machine's generic steps
// (Create, Update, UpdateKey, Destroy, ...) also write join rows directly,
// and a duplicate pair is a UniqueConstraintError wherever it comes from.
// Its two foreign keys are NOT NULL with onDelete and onUpdate CASCADE
// (SPEC N3): deleting or re-keying a post or a tag takes its join rows
// along.

type prTag struct {
	ID   int64
	Name string `memrel:"name,unique"`
}

type prPostTag struct {
	ID     int64
	PostID int64
	TagID  int64
	Weight int64
}

// prBTM is a belongsToMany side as the model sees it: src's targets in
// dst are those with a row in join whose fk is src's key and whose other
// is the target's.
type prBTM struct {
	name      string // Source.as, e.g. Post.tags
	src, dst  string
	join      string
	fk, other string
}

// prBT adapts one side of a typed belongsToMany.
type prBT[S, T any] struct {
	r    *prBTM
	b    *memrel.BelongsToMany[S, T, prPostTag]
	src  *prTbl[S]
	dst  *prTbl[T]
	join *prTbl[prPostTag]
}

// prMany is the untyped face of a prBT. A nil weight passes no through
// setter; a non-nil one sets the join row's weight (and junk in its
// foreign keys, which the association must overwrite).
type prMany interface {
	btm() *prBTM
	get(tx *memrel.Txn, src int64) ([]prRow, error)
	getWithJoin(tx *memrel.Txn, src int64) (targets, joins []prRow, err error)
	count(tx *memrel.Txn, src int64) (int, error)
	has(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool) (bool, error)
	add(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool, weight *int64) error
	set(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool, weight *int64) error
	remove(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool) error
	create(tx *memrel.Txn, src int64, r prRow, weight *int64) (prRow, error)
}

func (a *prBT[S, T]) btm() *prBTM { return a.r }

func (a *prBT[S, T]) get(tx *memrel.Txn, src int64) ([]prRow, error) {
	vs, err := a.b.Get(tx, a.src.inst(src), nil)
	if err != nil {
		return nil, err
	}
	return a.dst.out(vs), nil
}

func (a *prBT[S, T]) getWithJoin(tx *memrel.Txn, src int64) ([]prRow, []prRow, error) {
	ws, err := a.b.GetWithJoin(tx, a.src.inst(src), nil)
	if err != nil {
		return nil, nil, err
	}
	ts, js := make([]prRow, len(ws)), make([]prRow, len(ws))
	for i := range ws {
		ts[i], js[i] = a.dst.one(ws[i].Target), a.join.one(ws[i].Join)
	}
	return ts, js, nil
}

func (a *prBT[S, T]) count(tx *memrel.Txn, src int64) (int, error) {
	return a.b.Count(tx, a.src.inst(src), nil)
}

func (a *prBT[S, T]) has(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool) (bool, error) {
	if byKeys {
		return a.b.HasKeys(tx, a.src.inst(src), a.dst.targets(ts)...)
	}
	return a.b.Has(tx, a.src.inst(src), a.dst.instances(ts)...)
}

// through is the join-row setter for weight.
func prThrough(weight *int64) func(*prPostTag) {
	if weight == nil {
		return nil
	}
	w := *weight
	return func(j *prPostTag) {
		j.Weight = w
		j.PostID, j.TagID = -4242, -4242
	}
}

func (a *prBT[S, T]) add(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool, weight *int64) error {
	if byKeys {
		return a.b.AddKeys(tx, a.src.inst(src), a.dst.targets(ts), prThrough(weight))
	}
	return a.b.Add(tx, a.src.inst(src), a.dst.instances(ts), prThrough(weight))
}

func (a *prBT[S, T]) set(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool, weight *int64) error {
	if byKeys {
		return a.b.SetKeys(tx, a.src.inst(src), a.dst.targets(ts), prThrough(weight))
	}
	return a.b.Set(tx, a.src.inst(src), a.dst.instances(ts), prThrough(weight))
}

func (a *prBT[S, T]) remove(tx *memrel.Txn, src int64, ts []prTarget, byKeys bool) error {
	if byKeys {
		return a.b.RemoveKeys(tx, a.src.inst(src), a.dst.targets(ts)...)
	}
	return a.b.Remove(tx, a.src.inst(src), a.dst.instances(ts)...)
}

func (a *prBT[S, T]) create(tx *memrel.Txn, src int64, r prRow, weight *int64) (prRow, error) {
	create := func(tx *memrel.Txn, s S, v T) (T, error) { return a.b.Create(tx, s, v, prThrough(weight)) }
	return prCreate(tx, a.src, a.dst, create, src, r)
}

// prAddBelongsToMany declares Tag, PostTag and Post.tags / Tag.posts on ps.
func prAddBelongsToMany(ps *prSchema) {
	tags := &prTbl[prTag]{name: "Tag", m: memrel.Define[prTag](ps.s, "Tag"),
		toRow:    func(t prTag) prRow { return prRow{"id": t.ID, "name": t.Name} },
		fromRow:  func(r prRow) prTag { return prTag{ID: prI64(r["id"]), Name: prStr(r["name"])} },
		scribble: func(t *prTag) { t.Name = "scribbled" }}
	ps.addTable(tags, prCol{name: "name", unique: true, domain: []string{"go", "db", "x"}})

	joins := &prTbl[prPostTag]{name: "PostTag", m: memrel.Define[prPostTag](ps.s, "PostTag", memrel.Unique("postId", "tagId")),
		toRow: func(j prPostTag) prRow {
			return prRow{"id": j.ID, "postId": j.PostID, "tagId": j.TagID, "weight": j.Weight}
		},
		fromRow: func(r prRow) prPostTag {
			return prPostTag{ID: prI64(r["id"]), PostID: prI64(r["postId"]), TagID: prI64(r["tagId"]), Weight: prI64(r["weight"])}
		},
		scribble: func(j *prPostTag) { j.PostID, j.TagID, j.Weight = -4242, -4242, -4242 }}
	ps.addTable(joins, prCol{name: "postId", ref: "Post"}, prCol{name: "tagId", ref: "Tag"}, prCol{name: "weight"})
	ps.spec.byName["PostTag"].groups = [][]string{{"postId", "tagId"}}

	posts := ps.tables["Post"].(*prTbl[prPost])
	b := memrel.NewBelongsToMany(posts.m, tags.m, joins.m, memrel.BelongsToManyOptions{})
	// The join rows' two foreign keys, as the model's referential actions.
	for _, side := range [][2]string{{"Post", "postId"}, {"Tag", "tagId"}} {
		ps.spec.rels = append(ps.spec.rels, &prRel{name: side[0] + ".join", src: side[0], dst: "PostTag", fk: side[1],
			onDelete: prCascade, onUpdate: prCascade, constrained: true})
	}
	ps.btms = append(ps.btms,
		&prBT[prPost, prTag]{b: b, src: posts, dst: tags, join: joins,
			r: &prBTM{name: "Post.tags", src: "Post", dst: "Tag", join: "PostTag", fk: "postId", other: "tagId"}},
		&prBT[prTag, prPost]{b: b.Inverse(), src: tags, dst: posts, join: joins,
			r: &prBTM{name: "Tag.posts", src: "Tag", dst: "Post", join: "PostTag", fk: "tagId", other: "postId"}})
}

// Model: SPEC N3.

// joinsOf lists the keys of src's join rows, ordered by their target's key.
func (b *prBTM) joinsOf(s prState, src int64) []int64 {
	var js []int64
	for _, k := range s.ids(b.join) {
		if s[b.join][k][b.fk] == src {
			js = append(js, k)
		}
	}
	slices.SortFunc(js, func(x, y int64) int {
		return int(s[b.join][x][b.other].(int64) - s[b.join][y][b.other].(int64))
	})
	return js
}

// pair is the key of the join row of src and target t, if there is one.
func (b *prBTM) pair(s prState, src, t int64) (int64, bool) {
	for _, k := range b.joinsOf(s, src) {
		if s[b.join][k][b.other] == t {
			return k, true
		}
	}
	return 0, false
}

// btmGet returns src's targets in ascending key order.
func (m *prModel) btmGet(b *prBTM, src int64) ([]prRow, prErr) {
	if _, ok := m.rows[b.src][src]; !ok {
		return nil, prNotFound
	}
	var rows []prRow
	for _, j := range b.joinsOf(m.rows, src) {
		rows = append(rows, m.rows[b.dst][m.rows[b.join][j][b.other].(int64)].clone())
	}
	return rows, prOK
}

func (m *prModel) btmHas(b *prBTM, src int64, keys []int64) (bool, prErr) {
	if _, ok := m.rows[b.src][src]; !ok {
		return false, prNotFound
	}
	for _, k := range keys {
		if _, ok := b.pair(m.rows, src, k); !ok {
			return false, prOK
		}
	}
	return true, prOK
}

// targets checks that src and every target exist: an unknown target is
// the foreign key violation its join row would be.
func (x *prMTx) targets(b *prBTM, src int64, keys []int64) prErr {
	if _, ok := x.s[b.src][src]; !ok {
		return prNotFound
	}
	for _, k := range keys {
		if _, ok := x.s[b.dst][k]; !ok {
			return prFK
		}
	}
	return prOK
}

// pairUp gives src a join row with each target that has none (weight
// given or 0), and rewrites the weight of those that have one when a
// weight is given.
func (x *prMTx) pairUp(b *prBTM, src int64, keys []int64, weight *int64) prErr {
	for _, k := range prDedup(keys) {
		if j, ok := b.pair(x.s, src, k); ok {
			if weight != nil && x.s[b.join][j]["weight"] != *weight {
				r := x.s[b.join][j].clone()
				r["weight"] = *weight
				if _, e := x.update(b.join, j, r); e != prOK {
					return e
				}
			}
			continue
		}
		r := prRow{"id": int64(0), b.fk: src, b.other: k, "weight": int64(0)}
		if weight != nil {
			r["weight"] = *weight
		}
		if _, e := x.insert(b.join, r); e != prOK {
			return e
		}
	}
	return prOK
}

// unpair deletes src's join rows whose target is (or, with keep, is not)
// in keys.
func (x *prMTx) unpair(b *prBTM, src int64, keys []int64, keep bool) prErr {
	for _, j := range b.joinsOf(x.s, src) {
		if slices.Contains(keys, x.s[b.join][j][b.other].(int64)) != keep {
			if e := x.del(b.join, j); e != prOK {
				return e
			}
		}
	}
	return prOK
}

func (m *prModel) btmAdd(b *prBTM, src int64, keys []int64, weight *int64) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.targets(b, src, keys); e != prOK {
			return e
		}
		return x.pairUp(b, src, keys, weight)
	})
}

func (m *prModel) btmSet(b *prBTM, src int64, keys []int64, weight *int64) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.targets(b, src, keys); e != prOK {
			return e
		}
		if e := x.unpair(b, src, keys, true); e != prOK {
			return e
		}
		return x.pairUp(b, src, keys, weight)
	})
}

func (m *prModel) btmRemove(b *prBTM, src int64, keys []int64) prErr {
	return m.run(func(x *prMTx) prErr {
		if _, ok := x.s[b.src][src]; !ok {
			return prNotFound
		}
		return x.unpair(b, src, keys, false)
	})
}

func (m *prModel) btmCreate(b *prBTM, src int64, r prRow, weight *int64) (prRow, prErr) {
	var out prRow
	e := m.run(func(x *prMTx) prErr {
		if _, ok := x.s[b.src][src]; !ok {
			return prNotFound
		}
		var e prErr
		if out, e = x.insert(b.dst, r); e != prOK {
			return e
		}
		return x.pairUp(b, src, []int64{out.id()}, weight)
	})
	return prResult(out, e)
}

// prCheckBTM checks a belongsToMany side in a snapshot: no join row
// dangles or repeats a pair, and Get, GetWithJoin, Count and Has agree
// with a scan of the join rows (dump, read through the same tx).
func prCheckBTM(a prMany, tx *memrel.Txn, dump prState) error {
	b := a.btm()
	seen := map[[2]int64]bool{}
	for _, k := range dump.ids(b.join) {
		j := dump[b.join][k]
		p := [2]int64{j[b.fk].(int64), j[b.other].(int64)}
		if _, ok := dump[b.src][p[0]]; !ok {
			return fmt.Errorf("%s: join row %d has %s = %d, which references no %s", b.name, k, b.fk, p[0], b.src)
		}
		if _, ok := dump[b.dst][p[1]]; !ok {
			return fmt.Errorf("%s: join row %d has %s = %d, which references no %s", b.name, k, b.other, p[1], b.dst)
		}
		if seen[p] {
			return fmt.Errorf("%s: pair %v has two join rows", b.name, p)
		}
		seen[p] = true
	}
	srcs := dump.ids(b.src)
	for _, s := range srcs {
		var want, wantJoins []prRow
		var held []prTarget
		for i, j := range b.joinsOf(dump, s) {
			t := dump[b.join][j][b.other].(int64)
			want = append(want, dump[b.dst][t])
			wantJoins = append(wantJoins, dump[b.join][j])
			held = append(held, prTarget{Key: t, Form: i % 4})
		}
		got, err := a.get(tx, s)
		if err != nil || !prRowsEqual(got, want) {
			return fmt.Errorf("%s: Get(%d) = %v, %v; a scan finds %v", b.name, s, got, err, want)
		}
		gt, gj, err := a.getWithJoin(tx, s)
		if err != nil || !prRowsEqual(gt, want) || !prRowsEqual(gj, wantJoins) {
			return fmt.Errorf("%s: GetWithJoin(%d) = %v, %v, %v; a scan finds %v, %v", b.name, s, gt, gj, err, want, wantJoins)
		}
		if n, err := a.count(tx, s); err != nil || n != len(want) {
			return fmt.Errorf("%s: Count(%d) = %d, %v; Get has %d rows", b.name, s, n, err, len(want))
		}
		if ok, err := a.has(tx, s, held, true); err != nil || !ok {
			return fmt.Errorf("%s: HasKeys(%d, %v) = %v, %v; want true", b.name, s, held, ok, err)
		}
		for _, t := range dump.ids(b.dst) {
			if seen[[2]int64{s, t}] {
				continue
			}
			other := append(slices.Clone(held), prTarget{Key: t})
			if ok, err := a.has(tx, s, other, true); err != nil || ok {
				return fmt.Errorf("%s: HasKeys(%d, %v) = %v, %v; want false", b.name, s, other, ok, err)
			}
			break
		}
	}
	missing := int64(1)
	if len(srcs) > 0 {
		missing = srcs[len(srcs)-1] + 1
	}
	if _, err := a.get(tx, missing); !errors.Is(err, memrel.ErrNotFound) {
		return fmt.Errorf("%s: Get of missing source %d: %v, want ErrNotFound", b.name, missing, err)
	}
	return nil
}
