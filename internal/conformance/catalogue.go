// Package conformance runs the recorded Sequelize + PostgreSQL scenarios
// (../shared/conformance, format in its README.md and next/README.md) on
// any storage engine that implements [Driver]: it parses a catalogue of
// schemas and the scenarios, executes every step through the driver,
// compares each result and the final tables, and names what differs.
//
// It knows no engine: a driver builds each schema at run time from its
// [Schema] spec, so a scenario set with new schemas (or with every name
// renamed) runs without new Go code.
//
// An engine's test implements [Driver] (and [Tx], optionally [BulkTx])
// and calls
//
//	conformance.Run(t, conformance.DefaultDir("."), driver)
//
// for the contract's set, and Run on each of [EnvDirs] for the sets that
// MEMREL_CONFORMANCE_DIR names; [Check] runs a set the engine does not pass
// yet and reports each scenario instead of failing. [RenameSet] writes a
// copy of a set with every name changed.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Catalogue is a schemas.json: every schema a scenario set may name.
type Catalogue struct {
	// Schemas in document order.
	Schemas []*Schema
	byName  map[string]*Schema
}

// Schema returns the schema called name.
func (c *Catalogue) Schema(name string) (*Schema, bool) {
	s, ok := c.byName[name]
	return s, ok
}

// Schema is one entry of the catalogue: models and associations.
type Schema struct {
	Name         string
	Doc          string
	Models       []*Model // in document order
	Associations []*Association
	models       map[string]*Model
	assocs       map[string]*Association
}

// Model returns the model called name.
func (s *Schema) Model(name string) (*Model, bool) {
	m, ok := s.models[name]
	return m, ok
}

// Association returns the association an op or include names: an entry's
// name (Source.as), or, for a belongsToMany, hasMany or hasOne with an
// inverse, Target.inverse — then inverse is true.
func (s *Schema) Association(name string) (a *Association, inverse bool, ok bool) {
	if a, ok := s.assocs[name]; ok {
		return a, false, true
	}
	for _, a := range s.Associations {
		if a.Inverse != "" && a.Target+"."+a.Inverse == name {
			return a, true, true
		}
	}
	return nil, false, false
}

// Reach says where the association an include names leads: the alias
// its rows appear under (in a tree node, and in the values of a nested
// create), the model of those rows, and whether it is to-one (a hasOne
// or a belongsTo: a node or null, one object) rather than a list.
func (s *Schema) Reach(name string) (alias, model string, one, ok bool) {
	a, inverse, ok := s.Association(name)
	if !ok {
		return "", "", false, false
	}
	if inverse {
		return a.Inverse, a.Source, a.Type != BelongsToMany, true
	}
	return a.As, a.Target, a.Type == HasOne, true
}

// Model is one model (table) of a schema.
type Model struct {
	Name   string
	Table  string
	Fields []*Field // in document order
	// Unique holds the model-level unique groups (composite unique
	// constraints), each a list of field names.
	Unique     [][]string
	Timestamps bool // the store keeps createdAt and updatedAt
	Paranoid   bool // soft delete through deletedAt
	fields     map[string]*Field
}

// Field returns the field called name.
func (m *Model) Field(name string) (*Field, bool) {
	f, ok := m.fields[name]
	return f, ok
}

// PK returns the primary key fields, in schema order.
func (m *Model) PK() []*Field {
	var pk []*Field
	for _, f := range m.Fields {
		if f.PK {
			pk = append(pk, f)
		}
	}
	return pk
}

// Field types.
const (
	Int    = "int"    // int64
	String = "string" // string
	Date   = "date"   // time.Time, in JSON an ISO-8601 UTC string with milliseconds
)

// Field is one column: "<type> [pk] [autoincrement] [null|notnull]
// [unique] [default V]".
type Field struct {
	Name          string
	Type          string // Int, String or Date
	PK            bool
	AutoIncrement bool
	NotNull       bool // "notnull"; a pk is NOT NULL without it too
	Null          bool // "null" said explicitly
	Unique        bool
	// Default is the default's text as written ("0", "draft"), and
	// HasDefault whether there is one.
	Default    string
	HasDefault bool
	Spec       string // the spec as written
}

// Association types.
const (
	HasMany       = "hasMany"
	HasOne        = "hasOne"
	BelongsToMany = "belongsToMany"
)

// Association is one entry of a schema's associations, with Sequelize's
// option names; "" means the option is absent.
type Association struct {
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	Source          string         `json:"source"`
	Target          string         `json:"target"`
	As              string         `json:"as"`
	Singular        string         `json:"singular"`
	ForeignKey      string         `json:"foreignKey"`
	SourceKey       string         `json:"sourceKey"`
	Inverse         string         `json:"inverse"`
	InverseSingular string         `json:"inverseSingular"`
	Through         string         `json:"through"`
	OtherKey        string         `json:"otherKey"`
	Scope           map[string]any `json:"scope"`
	OnDelete        string         `json:"onDelete"`
	OnUpdate        string         `json:"onUpdate"`
	Constraints     *bool          `json:"constraints"`
}

// LoadCatalogue reads and parses a schemas.json.
func LoadCatalogue(path string) (*Catalogue, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCatalogue(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseCatalogue parses a schemas.json, checking that every name it uses
// resolves (models of associations, fields of keys and groups).
func ParseCatalogue(raw []byte) (*Catalogue, error) {
	names, objs, err := orderedObject(raw)
	if err != nil {
		return nil, err
	}
	c := &Catalogue{byName: map[string]*Schema{}}
	for i, name := range names {
		s, err := parseSchema(name, objs[i])
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		c.Schemas = append(c.Schemas, s)
		c.byName[name] = s
	}
	return c, nil
}

func parseSchema(name string, raw json.RawMessage) (*Schema, error) {
	var doc struct {
		Doc          string          `json:"doc"`
		Models       json.RawMessage `json:"models"`
		Associations []*Association  `json:"associations"`
	}
	if err := strictUnmarshal(raw, &doc); err != nil {
		return nil, err
	}
	s := &Schema{Name: name, Doc: doc.Doc, Associations: doc.Associations,
		models: map[string]*Model{}, assocs: map[string]*Association{}}
	names, objs, err := orderedObject(doc.Models)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	for i, mn := range names {
		m, err := parseModel(mn, objs[i])
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", mn, err)
		}
		s.Models = append(s.Models, m)
		s.models[mn] = m
	}
	for _, a := range s.Associations {
		if err := s.checkAssoc(a); err != nil {
			return nil, fmt.Errorf("association %s: %w", a.Name, err)
		}
		s.assocs[a.Name] = a
	}
	return s, nil
}

func (s *Schema) checkAssoc(a *Association) error {
	switch a.Type {
	case HasMany, HasOne, BelongsToMany:
	default:
		return fmt.Errorf("unknown type %q", a.Type)
	}
	for _, m := range []string{a.Source, a.Target} {
		if _, ok := s.models[m]; !ok {
			return fmt.Errorf("unknown model %q", m)
		}
	}
	if a.As == "" || a.Name != a.Source+"."+a.As {
		return fmt.Errorf("name is not Source.as (%s.%s)", a.Source, a.As)
	}
	if _, dup := s.assocs[a.Name]; dup {
		return fmt.Errorf("declared twice")
	}
	fkModel := s.models[a.Target]
	if a.Type == BelongsToMany {
		m, ok := s.models[a.Through]
		if !ok {
			return fmt.Errorf("unknown through model %q", a.Through)
		}
		fkModel = m
		if _, ok := m.Field(a.OtherKey); !ok {
			return fmt.Errorf("unknown otherKey %q on %s", a.OtherKey, m.Name)
		}
	}
	if a.ForeignKey != "" {
		if _, ok := fkModel.Field(a.ForeignKey); !ok {
			return fmt.Errorf("unknown foreignKey %q on %s", a.ForeignKey, fkModel.Name)
		}
	}
	if a.SourceKey != "" {
		if _, ok := s.models[a.Source].Field(a.SourceKey); !ok {
			return fmt.Errorf("unknown sourceKey %q", a.SourceKey)
		}
	}
	for f := range a.Scope {
		if _, ok := s.models[a.Target].Field(f); !ok {
			return fmt.Errorf("unknown scope field %q", f)
		}
	}
	for _, act := range []string{a.OnDelete, a.OnUpdate} {
		switch act {
		case "", "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT":
		default:
			return fmt.Errorf("unknown referential action %q", act)
		}
	}
	return nil
}

func parseModel(name string, raw json.RawMessage) (*Model, error) {
	var doc struct {
		Table      string          `json:"table"`
		Fields     json.RawMessage `json:"fields"`
		Unique     [][]string      `json:"unique"`
		Timestamps bool            `json:"timestamps"`
		Paranoid   bool            `json:"paranoid"`
	}
	if err := strictUnmarshal(raw, &doc); err != nil {
		return nil, err
	}
	m := &Model{Name: name, Table: doc.Table, Unique: doc.Unique, Timestamps: doc.Timestamps,
		Paranoid: doc.Paranoid, fields: map[string]*Field{}}
	names, specs, err := orderedObject(doc.Fields)
	if err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	for i, fn := range names {
		var spec string
		if err := json.Unmarshal(specs[i], &spec); err != nil {
			return nil, fmt.Errorf("field %s: %w", fn, err)
		}
		f, err := ParseField(fn, spec)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", fn, err)
		}
		m.Fields = append(m.Fields, f)
		m.fields[fn] = f
	}
	if len(m.PK()) == 0 {
		return nil, fmt.Errorf("no pk field")
	}
	for _, g := range m.Unique {
		if len(g) == 0 {
			return nil, fmt.Errorf("empty unique group")
		}
		for _, f := range g {
			if _, ok := m.fields[f]; !ok {
				return nil, fmt.Errorf("unique group %v: unknown field %q", g, f)
			}
		}
	}
	if m.Paranoid && !m.Timestamps {
		return nil, fmt.Errorf("paranoid without timestamps")
	}
	want := map[string]string{}
	if m.Timestamps {
		want["createdAt"], want["updatedAt"] = "notnull", "notnull"
	}
	if m.Paranoid {
		want["deletedAt"] = "null"
	}
	for fn, null := range want {
		f, ok := m.fields[fn]
		if !ok || f.Type != Date || f.NotNull != (null == "notnull") {
			return nil, fmt.Errorf("timestamps need %s declared as date %s", fn, null)
		}
	}
	return m, nil
}

// ParseField parses one field spec.
func ParseField(name, spec string) (*Field, error) {
	words := strings.Fields(spec)
	if len(words) == 0 {
		return nil, fmt.Errorf("empty spec")
	}
	f := &Field{Name: name, Type: words[0], Spec: spec}
	switch f.Type {
	case Int, String, Date:
	default:
		return nil, fmt.Errorf("unknown type %q in %q", f.Type, spec)
	}
	for i := 1; i < len(words); i++ {
		switch words[i] {
		case "pk":
			f.PK = true
		case "autoincrement":
			f.AutoIncrement = true
		case "null":
			f.Null = true
		case "notnull":
			f.NotNull = true
		case "unique":
			f.Unique = true
		case "default":
			if i+1 == len(words) {
				return nil, fmt.Errorf("default without a value in %q", spec)
			}
			i++
			f.Default, f.HasDefault = words[i], true
		default:
			return nil, fmt.Errorf("unknown word %q in %q", words[i], spec)
		}
	}
	if f.Null && f.NotNull {
		return nil, fmt.Errorf("both null and notnull in %q", spec)
	}
	if f.AutoIncrement && (f.Type != Int || !f.PK) {
		return nil, fmt.Errorf("autoincrement on a field that is not an int pk in %q", spec)
	}
	return f, nil
}

// orderedObject splits a JSON object into its keys and values, in
// document order (a Go map would lose it, and the order of models and
// fields is the schema order of composite keys).
func orderedObject(raw json.RawMessage) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("want an object, got %v", tok)
	}
	var keys []string
	var vals []json.RawMessage
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k := tok.(string)
		if seen[k] {
			return nil, nil, fmt.Errorf("key %q twice", k)
		}
		seen[k] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	return keys, vals, nil
}

// strictUnmarshal decodes raw into v and refuses unknown keys: a key the
// runner does not know is a key it would silently ignore.
func strictUnmarshal(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
