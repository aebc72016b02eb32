package props

import (
	"github.com/memrel/memrel"
)

// The hasOne side of the machine: two hasOne associations over foreign
// keys the hasMany associations already constrain (so they declare no
// constraints of their own, and the hasMany rules stay the only
// referential actions): User.firstPost over Post.userId (nullable: Set
// nulls the previous) and Post.firstComment over Comment.postId (NOT NULL:
// Set deletes the previous).

// prHO adapts a typed hasOne.
type prHO[P, C any] struct {
	r   *prRel
	h   *memrel.HasOne[P, C]
	src *prTbl[P]
	dst *prTbl[C]
}

// prOne is the untyped face of a prHO.
type prOne interface {
	rel() *prRel
	get(tx *memrel.Txn, src int64) (prRow, bool, error)
	set(tx *memrel.Txn, src int64, target *prTarget, destroy bool) error
	create(tx *memrel.Txn, src int64, r prRow) (prRow, error)
}

func (a *prHO[P, C]) rel() *prRel { return a.r }

func (a *prHO[P, C]) get(tx *memrel.Txn, src int64) (prRow, bool, error) {
	c, ok, err := a.h.Get(tx, a.src.inst(src), nil)
	if err != nil || !ok {
		return nil, ok, err
	}
	return a.dst.one(c), true, nil
}

// set passes the target in the form drawn: Set with an instance (form 1)
// or nil, SetKey with an int64 key, a pointer to an instance or an int.
func (a *prHO[P, C]) set(tx *memrel.Txn, src int64, target *prTarget, destroy bool) error {
	o := &memrel.SetOptions{DestroyPrevious: destroy}
	s := a.src.inst(src)
	if target == nil {
		return a.h.Set(tx, s, nil, o)
	}
	c := a.dst.inst(target.Key)
	switch target.Form {
	case 1:
		return a.h.Set(tx, s, &c, o)
	case 2:
		return a.h.SetKey(tx, s, &c, o)
	case 3:
		return a.h.SetKey(tx, s, int(target.Key), o)
	}
	return a.h.SetKey(tx, s, target.Key, o)
}

func (a *prHO[P, C]) create(tx *memrel.Txn, src int64, r prRow) (prRow, error) {
	return prCreate(tx, a.src, a.dst, a.h.Create, src, r)
}

// prAddHasOnes declares the two hasOne associations on ps.
func prAddHasOnes(ps *prSchema) {
	users := ps.tables["User"].(*prTbl[prUser])
	posts := ps.tables["Post"].(*prTbl[prPost])
	comments := ps.tables["Comment"].(*prTbl[prComment])
	add := func(a prOne) {
		ps.ones = append(ps.ones, a)
	}
	fp := memrel.NewHasOne(users.m, posts.m, memrel.HasOneOptions{As: "firstPost", Inverse: "firstAuthor", NoConstraints: true})
	add(&prHO[prUser, prPost]{h: fp, src: users, dst: posts,
		r: &prRel{name: "User.firstPost", src: "User", dst: "Post", fk: "userId", nullable: true}})
	fc := memrel.NewHasOne(posts.m, comments.m, memrel.HasOneOptions{As: "firstComment", Inverse: "firstOf", NoConstraints: true})
	add(&prHO[prPost, prComment]{h: fc, src: posts, dst: comments,
		r: &prRel{name: "Post.firstComment", src: "Post", dst: "Comment", fk: "postId", nullable: false}})
}

// Model: SPEC N2.

// getOne is the target with the lowest key among those src holds.
func (m *prModel) getOne(rel *prRel, src int64) (prRow, bool, prErr) {
	rows, e := m.get(rel, src)
	if e != prOK || len(rows) == 0 {
		return nil, false, e
	}
	return rows[0], true, prOK
}

// setOne un-associates the lowest-key target (nulled, or deleted when
// destroy is set or the key is NOT NULL) unless it is target, then points
// target (nil: none) at src. An unknown target changes nothing.
func (m *prModel) setOne(rel *prRel, src int64, target *int64, destroy bool) prErr {
	return m.run(func(x *prMTx) prErr {
		if e := x.source(rel, src); e != prOK {
			return e
		}
		if target != nil {
			if _, ok := x.s[rel.dst][*target]; !ok {
				return prNotFound
			}
		}
		if held := x.held(rel, src); len(held) > 0 {
			prev := held[0]
			if target != nil && prev == *target {
				return prOK
			}
			if e := x.unassociate(rel, prev, destroy); e != prOK {
				return e
			}
		}
		if target != nil {
			if _, ok := x.s[rel.dst][*target]; !ok {
				return prNotFound // the previous one's delete took it along
			}
			x.attach(rel, *target, src)
		}
		return prOK
	})
}
