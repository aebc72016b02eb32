package memreltest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/memrel/memrel"
)

// ErrBadJSON is wrapped by the errors of a JSON fixture that is not the
// expected shape: an object of model names, each holding a list of row
// objects.
var ErrBadJSON = errors.New("memreltest: bad JSON fixture")

// JSON is a fixture in the conformance scenarios' "final" format: an
// object whose keys are model names, in load order, each a list of rows
// keyed by column (or Go field) name:
//
//	{"User": [{"id": 1, "name": "ann"}], "Post": [{"title": "a", "userId": 1}]}
//
// Numbers load exactly into integer columns; a time column takes an
// RFC 3339 string, a bytes column base64; null is NULL. The rows load
// through the models without their Go types ([memrel.AnyModel]), with
// every check a typed Create makes.
func JSON(data []byte) Fixture { return jsonRows(bytes.Clone(data)) }

type jsonRows []byte

func (f jsonRows) apply(c *config) { c.fixtures = append(c.fixtures, f) }

func (f jsonRows) load(s *memrel.Schema, tx *memrel.Txn) error {
	models, err := parseJSON(f)
	if err != nil {
		return err
	}
	for _, mr := range models {
		m, ok := s.Model(mr.name)
		if !ok {
			return fmt.Errorf("%w: no model %q", ErrBadJSON, mr.name)
		}
		cols := map[string]memrel.Column{}
		for _, c := range m.Columns() {
			cols[c.Name], cols[c.GoName] = c, c
		}
		for i, raw := range mr.rows {
			row, err := rowOf(raw, cols)
			if err == nil {
				_, err = m.Create(tx, row)
			}
			if err != nil {
				return &Error{Model: mr.name, Index: i, Row: string(mr.text[i]), Err: err}
			}
		}
	}
	return nil
}

// modelRows is one model's list in a JSON fixture.
type modelRows struct {
	name string
	rows []map[string]any  // numbers as json.Number
	text []json.RawMessage // each row as written, for errors
}

// parseJSON reads a fixture's models in the order the object lists them
// (a map would lose it, and parents must load first).
func parseJSON(data []byte) ([]modelRows, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%w: not an object", ErrBadJSON)
	}
	var out []modelRows
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadJSON, err)
		}
		mr := modelRows{name: tok.(string)} // object keys are strings
		if err := d.Decode(&mr.text); err != nil {
			return nil, fmt.Errorf("%w: model %s: %v", ErrBadJSON, mr.name, err)
		}
		for i, t := range mr.text {
			r := json.NewDecoder(bytes.NewReader(t))
			r.UseNumber()
			var row map[string]any
			if err := r.Decode(&row); err != nil || row == nil {
				return nil, fmt.Errorf("%w: %s[%d] is not an object", ErrBadJSON, mr.name, i)
			}
			mr.rows = append(mr.rows, row)
		}
		out = append(out, mr)
	}
	if _, err := d.Token(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadJSON, err)
	}
	return out, nil
}

// rowOf converts a JSON row's values to the columns' types; a name that
// is no column is passed on for Create to refuse.
func rowOf(raw map[string]any, cols map[string]memrel.Column) (memrel.Row, error) {
	row := make(memrel.Row, len(raw))
	for name, v := range raw {
		c, ok := cols[name]
		if !ok || v == nil {
			row[name] = v
			continue
		}
		cv, err := jsonValue(c, v)
		if err != nil {
			return nil, fmt.Errorf("%w: column %s: %v", ErrBadJSON, name, err)
		}
		row[name] = cv
	}
	return row, nil
}

// jsonValue converts one JSON value for column c.
func jsonValue(c memrel.Column, v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		switch c.Type {
		case memrel.TypeInt:
			return x.Int64()
		case memrel.TypeUint:
			return strconv.ParseUint(x.String(), 10, 64)
		case memrel.TypeFloat:
			return x.Float64()
		}
		return nil, fmt.Errorf("a number for a %s column", c.Type)
	case string:
		switch c.Type {
		case memrel.TypeTime:
			return time.Parse(time.RFC3339Nano, x)
		case memrel.TypeBytes:
			return base64.StdEncoding.DecodeString(x)
		}
	}
	return v, nil
}
