package memrel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// snapCol is a column as a version-2 snapshot records it.
type snapCol struct {
	name     string
	kind     meta.Kind
	size     uint64 // of an integer or float
	fixed    uint64 // a [N]byte's length
	nullable bool
	pk       bool
	unique   bool // a single-column unique constraint
}

// Column flags in a version-2 schema header.
const (
	colNullable = 1 << iota
	colPK
	colUnique
	colMask = colNullable | colPK | colUnique
)

// snapModel is a model as a version-2 snapshot records it.
type snapModel struct {
	name    string
	cols    []snapCol
	uniques []string // every unique constraint but the key, as uniqueName
}

// colOf describes f as a snapshot records it.
func colOf(f *meta.Field) snapCol {
	c := snapCol{name: f.Name, kind: f.Kind, fixed: uint64(f.Fixed),
		nullable: f.Nullable(), pk: f.PK, unique: f.Unique && !f.PK}
	if f.Kind == meta.Int || f.Kind == meta.Uint || f.Kind == meta.Float {
		c.size = uint64(f.Size) // the others' sizes are Go's, not the column's
	}
	return c
}

// modelOf describes t as a snapshot records it.
func modelOf(t *meta.Table) snapModel {
	m := snapModel{name: t.Name, cols: make([]snapCol, len(t.Fields))}
	for i, f := range t.Fields {
		m.cols[i] = colOf(f)
	}
	for _, ix := range t.UniqueKeys {
		m.uniques = append(m.uniques, uniqueName(ix.Cols))
	}
	return m
}

// uniqueName names a unique constraint by its columns, sorted: the order
// they are declared in does not change which rows collide.
func uniqueName(cols []*meta.Field) string {
	names := make([]string, len(cols))
	for i, f := range cols {
		names[i] = f.Name
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// appendSchema appends the version-2 schema header of the tables: per
// model its name and columns (name, kind, size, fixed length, flags),
// then its composite unique constraints as lists of column positions.
func appendSchema(b []byte, tables []*meta.Table) []byte {
	b = binary.AppendUvarint(b, uint64(len(tables)))
	for _, t := range tables {
		b = appendName(b, t.Name)
		b = binary.AppendUvarint(b, uint64(len(t.Fields)))
		for _, f := range t.Fields {
			c := colOf(f)
			b = appendName(b, c.name)
			b = binary.AppendUvarint(b, uint64(c.kind))
			b = binary.AppendUvarint(b, c.size)
			b = binary.AppendUvarint(b, c.fixed)
			flags := uint64(0)
			if c.nullable {
				flags |= colNullable
			}
			if c.pk {
				flags |= colPK
			}
			if c.unique {
				flags |= colUnique
			}
			b = binary.AppendUvarint(b, flags)
		}
		var groups []*meta.Index
		for _, ix := range t.UniqueKeys {
			if len(ix.Cols) > 1 {
				groups = append(groups, ix)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(groups)))
		for _, ix := range groups {
			b = binary.AppendUvarint(b, uint64(len(ix.Cols)))
			for _, f := range ix.Cols {
				b = binary.AppendUvarint(b, uint64(slices.Index(t.Fields, f)))
			}
		}
	}
	return b
}

func appendName(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// schema reads a version-2 schema header. Counts are not trusted for
// allocation: every model and column costs bytes of the stream, so the
// slices grow only as the data delivers them.
func (d *decoder) schema() []snapModel {
	var models []snapModel
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		m := snapModel{name: string(d.bytes())}
		nc := d.uvarint()
		for j := uint64(0); j < nc && d.err == nil; j++ {
			c := snapCol{name: string(d.bytes())}
			kind, size, fixed, flags := d.uvarint(), d.uvarint(), d.uvarint(), d.uvarint()
			if d.err != nil {
				break
			}
			if kind < uint64(meta.Int) || kind > uint64(meta.Bytes) || size > 8 || flags&^colMask != 0 ||
				fixed > 0 && kind != uint64(meta.Bytes) || fixed > 1<<20 {
				d.fail("bad column in the schema")
				break
			}
			c.kind, c.size, c.fixed = meta.Kind(kind), size, fixed
			c.nullable, c.pk, c.unique = flags&colNullable != 0, flags&colPK != 0, flags&colUnique != 0
			if c.unique {
				m.uniques = append(m.uniques, c.name)
			}
			m.cols = append(m.cols, c)
		}
		ng := d.uvarint()
		for j := uint64(0); j < ng && d.err == nil; j++ {
			k := d.uvarint()
			var names []string
			for l := uint64(0); l < k && d.err == nil; l++ {
				pos := d.uvarint()
				if d.err == nil && pos >= uint64(len(m.cols)) {
					d.fail("bad unique constraint in the schema")
				}
				if d.err == nil {
					names = append(names, m.cols[pos].name)
				}
			}
			slices.Sort(names)
			m.uniques = append(m.uniques, strings.Join(names, ","))
		}
		models = append(models, m)
	}
	return models
}

// planCol maps one stored column: dst is the field it loads into, nil
// when the schema dropped it (its values are read and discarded).
type planCol struct {
	src snapCol
	dst *meta.Field
	// narrowed: the column held NULLs in the snapshot and is NOT NULL now.
	narrowed bool
}

// loadPlan maps one stored model onto the schema, resolved once per
// model so the rows are decoded by index, never by name.
type loadPlan struct {
	model snapModel
	t     *meta.Table // nil when the schema dropped the model
	cols  []planCol
	// defaults are the fields the snapshot lacks that have a default,
	// set on every loaded row.
	defaults []*meta.Field
	// newUniques are the unique constraints the snapshot did not have,
	// by uniqueName: a collision there is a difference, not corruption.
	newUniques map[string]bool
}

// identityPlans map a snapshot of exactly the schema's shape (a version-1
// snapshot whose fingerprint matched) column by column.
func identityPlans(tables []*meta.Table) []loadPlan {
	plans := make([]loadPlan, len(tables))
	for i, t := range tables {
		plans[i] = loadPlan{model: modelOf(t), t: t, cols: make([]planCol, len(t.Fields))}
		for j, f := range t.Fields {
			plans[i].cols[j] = planCol{src: colOf(f), dst: f}
		}
	}
	return plans
}

// plans maps stored models onto the schema by name and lists every
// difference the header shows (see Schema.Load for what maps). drop
// skips dropped models and columns instead of refusing them.
func plans(sch *meta.Schema, models []snapModel, drop bool) ([]loadPlan, []SchemaDifference) {
	var diffs []SchemaDifference
	out := make([]loadPlan, 0, len(models))
	seen := map[string]bool{}
	for _, m := range models {
		if seen[m.name] {
			diffs = append(diffs, SchemaDifference{Kind: ModelDropped, Model: m.name, Old: "model stored twice"})
			continue
		}
		seen[m.name] = true
		p := loadPlan{model: m, cols: make([]planCol, len(m.cols))}
		t := sch.ByName[m.name]
		if t == nil || t.Name != m.name {
			if !drop {
				diffs = append(diffs, SchemaDifference{Kind: ModelDropped, Model: m.name, Old: "model"})
			}
			for j, c := range m.cols {
				p.cols[j] = planCol{src: c}
			}
			out = append(out, p)
			continue
		}
		p.t = t
		diffs = p.mapColumns(diffs, drop)
		out = append(out, p)
	}
	return out, diffs
}

// mapColumns fills p.cols, p.defaults and p.newUniques for p.t and
// appends the differences of the model's columns and key.
func (p *loadPlan) mapColumns(diffs []SchemaDifference, drop bool) []SchemaDifference {
	t, m := p.t, p.model
	var oldKey []string
	stored := map[string]bool{}
	for j, c := range m.cols {
		p.cols[j] = planCol{src: c}
		if c.pk {
			oldKey = append(oldKey, c.name)
		}
		if stored[c.name] {
			diffs = append(diffs, SchemaDifference{Kind: ColumnDropped, Model: t.Name, Column: c.name, Old: "column stored twice"})
			continue
		}
		stored[c.name] = true
		f := fieldNamed(t, c.name)
		switch {
		case f == nil:
			if !drop {
				diffs = append(diffs, SchemaDifference{Kind: ColumnDropped, Model: t.Name, Column: c.name, Old: colType(c)})
			}
		case !widens(c, colOf(f)):
			diffs = append(diffs, SchemaDifference{Kind: TypeChanged, Model: t.Name, Column: c.name, Old: colType(c), New: colType(colOf(f))})
		default:
			p.cols[j] = planCol{src: c, dst: f, narrowed: c.nullable && !f.Nullable()}
		}
	}
	if newKey := t.KeyNames(); !slices.Equal(oldKey, newKey) {
		diffs = append(diffs, SchemaDifference{Kind: KeyChanged, Model: t.Name,
			Old: strings.Join(oldKey, ","), New: strings.Join(newKey, ",")})
	}
	for _, f := range t.Fields {
		switch {
		case stored[f.Name] || f.PK:
		case f.Default != nil:
			p.defaults = append(p.defaults, f)
		case f.NotNull && f.Null != meta.NullNone:
			diffs = append(diffs, SchemaDifference{Kind: ColumnAdded, Model: t.Name, Column: f.Name, New: colType(colOf(f))})
		}
	}
	for _, ix := range t.UniqueKeys {
		if n := uniqueName(ix.Cols); !slices.Contains(m.uniques, n) {
			if p.newUniques == nil {
				p.newUniques = map[string]bool{}
			}
			p.newUniques[n] = true
		}
	}
	return diffs
}

// fieldNamed is t's column named name: by column name only, so renaming
// a Go field that keeps its column name changes nothing.
func fieldNamed(t *meta.Table, name string) *meta.Field {
	if f := t.ByName[name]; f != nil && f.Name == name {
		return f
	}
	return nil
}

// widens reports whether values of column a load into b unchanged: the
// same type, or an integer or float of the same kind and a larger size.
func widens(a, b snapCol) bool {
	if a.kind != b.kind || a.fixed != b.fixed {
		return false
	}
	switch a.kind {
	case meta.Int, meta.Uint, meta.Float:
		return a.size <= b.size
	}
	return true
}

// colType describes a column's stored type: "int32", "[16]byte", "string
// NULL".
func colType(c snapCol) string {
	var s string
	switch c.kind {
	case meta.Int:
		s = fmt.Sprintf("int%d", 8*c.size)
	case meta.Uint:
		s = fmt.Sprintf("uint%d", 8*c.size)
	case meta.Float:
		s = fmt.Sprintf("float%d", 8*c.size)
	case meta.String:
		s = "string"
	case meta.Bool:
		s = "bool"
	case meta.Time:
		s = "time"
	case meta.Bytes:
		s = "bytes"
		if c.fixed > 0 {
			s = fmt.Sprintf("[%d]byte", c.fixed)
		}
	}
	if c.nullable {
		s += " NULL"
	}
	return s
}

// rowDifference turns the insert error of a loaded row into the
// difference it shows, if it is one: a collision in a unique constraint
// the snapshot did not have.
func (p *loadPlan) rowDifference(err error) (SchemaDifference, bool) {
	var ue *errs.UniqueConstraintError
	if !errors.As(err, &ue) {
		return SchemaDifference{}, false
	}
	names := slices.Clone(ue.Fields)
	slices.Sort(names)
	if !p.newUniques[strings.Join(names, ",")] {
		return SchemaDifference{}, false
	}
	return SchemaDifference{Kind: UniqueCollision, Model: p.t.Name, Column: strings.Join(ue.Fields, ","),
		Old: "not unique", New: "unique"}, true
}

// diffSet collects the differences rows show, each once.
type diffSet struct {
	list []SchemaDifference
	seen map[SchemaDifference]bool
}

func (s *diffSet) add(d SchemaDifference) {
	if s.seen == nil {
		s.seen = map[SchemaDifference]bool{}
	}
	if !s.seen[d] {
		s.seen[d] = true
		s.list = append(s.list, d)
	}
}
