package pg

import (
	"errors"
	"strings"
)

// ErrSchemaMismatch is matched by the *MismatchError that [Ensure] returns
// when a database's tables differ from the schema's.
var ErrSchemaMismatch = errors.New("memrel: database does not match the schema")

// Difference is one way a database differs from a schema: an object the
// schema has and the database lacks (Got empty), one the database has
// and the schema does not (Want empty), or one both have, defined
// otherwise.
type Difference struct {
	Table string // the table, as the model is named
	// Kind is "table", "column", "constraint" or "index"; Name the
	// column's, constraint's or index's name (the table's for a table).
	Kind, Name string
	// Want is the schema's definition, Got the database's, as PostgreSQL
	// prints them (format_type, pg_get_constraintdef, pg_get_indexdef).
	Want, Got string
}

func (d Difference) String() string {
	switch {
	case d.Got == "":
		return d.Kind + " " + d.Name + " is missing (want " + d.Want + ")"
	case d.Want == "":
		return d.Kind + " " + d.Name + " is not in the schema (" + d.Got + ")"
	}
	return d.Kind + " " + d.Name + ": " + d.Got + ", want " + d.Want
}

// MismatchError lists every difference between a database and a schema.
type MismatchError struct {
	Differences []Difference
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	b.WriteString(ErrSchemaMismatch.Error())
	b.WriteString(":")
	for _, d := range e.Differences {
		b.WriteString("\n\t" + d.Table + ": " + d.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrSchemaMismatch) hold.
func (e *MismatchError) Is(target error) bool { return target == ErrSchemaMismatch }
