package meta

// ThroughOptions are a belongsToMany's options, as
// memrel.BelongsToManyOptions spells them.
type ThroughOptions struct {
	ForeignKey, OtherKey string
	As, Inverse          string
}

// NewThrough declares a belongsToMany between src and dst through the join
// table join: two relations to the join rows, src's over the foreign key
// and dst's over the other key, each NOT NULL with onDelete and onUpdate
// CASCADE, as Sequelize declares them. It returns them with the two
// aliases (src's, dst's). Problems go to the schema.
func NewThrough(s *Schema, src, dst, join *Table, o ThroughOptions) (srcRel, dstRel *Relation, as, inverse string) {
	as, inverse = o.As, o.Inverse
	if as == "" {
		as = LowerCamel(Plural(dst.Name))
	}
	if inverse == "" {
		inverse = LowerCamel(Plural(src.Name))
	}
	if src.PK == nil || dst.PK == nil || join.PK == nil {
		return nil, nil, as, inverse // the missing key is reported already
	}
	fk, other := o.ForeignKey, o.OtherKey
	if fk == "" {
		fk = LowerCamel(src.Name) + UpperFirst(src.PK.Name)
	}
	if other == "" {
		other = LowerCamel(dst.Name) + UpperFirst(dst.PK.Name)
	}
	name := src.Name + "." + as
	ok := true
	// Each side's alias is one more association of its model: it may
	// not be taken by another one, of any kind.
	for _, side := range []struct {
		t     *Table
		alias string
	}{{src, as}, {dst, inverse}} {
		if s.aliasTaken(side.t, side.alias) {
			s.Problem(side.t.Name, "", "belongsToMany %s: alias %q of %s already used", name, side.alias, side.t.Name)
			ok = false
		}
	}
	if ok {
		s.claimAlias(src, as, name)
		s.claimAlias(dst, inverse, dst.Name+"."+inverse)
	}
	for _, n := range []string{fk, other} {
		f, found := join.ByName[n]
		switch {
		case !found:
			s.Problem(join.Name, n, "belongsToMany %s: unknown join field %q on %s", name, n, join.Name)
			ok = false
		case f.Nullable():
			s.Problem(join.Name, n, "belongsToMany %s: join field %s must be NOT NULL", name, f.Name)
			ok = false
		}
	}
	if ok && join.ByName[fk] == join.ByName[other] {
		s.Problem(join.Name, fk, "belongsToMany %s: foreignKey and otherKey are one field", name)
		ok = false
	}
	if !ok {
		return nil, nil, as, inverse
	}
	srcRel = NewRelation(s, src, join, RelationOptions{ForeignKey: fk, As: as + "Join", Inverse: as + "Source",
		OnDelete: Cascade, OnUpdate: Cascade})
	dstRel = NewRelation(s, dst, join, RelationOptions{ForeignKey: other, As: inverse + "Join", Inverse: as + "Target",
		OnDelete: Cascade, OnUpdate: Cascade})
	return srcRel, dstRel, as, inverse
}

// aliasTaken reports whether an association of t already has alias.
func (s *Schema) aliasTaken(t *Table, alias string) bool {
	if _, ok := s.Through[t][alias]; ok {
		return true
	}
	for _, a := range s.Relations {
		if a.Source == t && a.As == alias || a.Target == t && a.Inverse == alias {
			return true
		}
	}
	return false
}

// claimAlias records a belongsToMany side's alias on t.
func (s *Schema) claimAlias(t *Table, alias, name string) {
	if s.Through == nil {
		s.Through = map[*Table]map[string]string{}
	}
	if s.Through[t] == nil {
		s.Through[t] = map[string]string{}
	}
	s.Through[t][alias] = name
}
