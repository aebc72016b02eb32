package pg

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/memrel/memrel/internal/clone"
	"github.com/memrel/memrel/internal/errs"
	"github.com/memrel/memrel/internal/meta"
)

// constraint is what a constraint name, as DDL gives it, stands for.
type constraint struct {
	t   *meta.Table
	ix  *meta.Index    // a primary key or unique constraint
	f   *meta.Field    // a CHECK of a column
	rel *meta.Relation // a foreign key
}

// constraintsOf maps every constraint name DDL gives s's tables to what
// it constrains.
func constraintsOf(s *meta.Schema) map[string]constraint {
	m := map[string]constraint{}
	for _, t := range s.Tables {
		m[constraintName(t.Name, nil, "pkey")] = constraint{t: t, ix: t.Indexes[0]}
		for _, ix := range t.Indexes {
			if ix.Unique && !ix.IsPK() {
				m[indexName(ix, "key")] = constraint{t: t, ix: ix}
			}
		}
		for _, f := range t.Fields {
			m[constraintName(t.Name, []string{f.Name}, "check")] = constraint{t: t, f: f}
		}
	}
	for _, d := range foreignKeyDecls(s) {
		m[d.name] = constraint{t: d.a.Target, rel: d.a}
	}
	return m
}

// translate turns the failure of a row write of t (op, with the rows as
// Put and Delete have them) into memrel's error for the constraint the
// database enforced: a *UniqueConstraintError, *ForeignKeyConstraintError
// or *ValidationError shaped as the rules' own checks shape them (kid is
// the child that blocks a delete or key change, when known). Others come
// back wrapped.
func (db *DB) translate(err error, t *meta.Table, op byte, before, after, kid any) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return statementError(err)
	}
	c, known := db.constraints[pe.ConstraintName]
	row := after
	if row == nil {
		row = before
	}
	switch {
	case pe.Code == "23505" && known && c.ix != nil && after != nil: // unique_violation
		return uniqueError(c.t, c.ix, after)
	case pe.Code == "23503" && known && c.rel != nil: // foreign_key_violation
		return foreignKeyError(c.rel, t, op, before, after, kid)
	case pe.Code == "23502" && row != nil: // not_null_violation
		return notNullError(t, row, pe)
	case pe.Code == "23514" && known && c.f != nil: // check_violation
		return &errs.ValidationError{Model: c.t.Name, Items: []errs.ValidationErrorItem{{Field: c.f.Name,
			Message: "violates the check constraint " + pe.ConstraintName, Err: pe}}}
	}
	return statementError(err)
}

// uniqueError is the rules' error for row colliding in ix: the key's
// fields and value (a list of values for several fields).
func uniqueError(t *meta.Table, ix *meta.Index, row any) error { return ix.Violation(t.Ptr(row)) }

// foreignKeyError is the rules' error for a foreign key of a violated by
// a write of t:
// a child written with a key no source row holds, or a source row
// deleted or re-keyed while children reference it (the database then
// names no child, so the reason names none).
func foreignKeyError(a *meta.Relation, t *meta.Table, op byte, before, after, kid any) error {
	e := &errs.ForeignKeyConstraintError{Model: a.Target.Name, ForeignKey: a.FK.Name,
		Referenced: a.Source.Name, Association: a.Name}
	child := t == a.Target && (op == opInsert || op == opUpdate && fkChanged(a, before, after))
	if child {
		e.Value = clone.Value(a.FK.Get(a.Target.Ptr(after)))
		e.Reason = "references no " + a.Source.Name + "." + a.SK.Name
		return e
	}
	rule, act := "onDelete", a.OnDelete
	if op == opUpdate {
		rule, act = "onUpdate", a.OnUpdate
	}
	if kid != nil {
		p := a.Target.Ptr(kid)
		e.Value = clone.Value(a.FK.Get(p))
		e.Reason = fmt.Sprintf("is still referenced by %s %v (%s %s)", a.Target.Name, a.Target.KeyValue(p), rule, act)
		return e
	}
	if before != nil && t == a.Source {
		e.Value = clone.Value(a.SK.Get(a.Source.Ptr(before)))
	}
	e.Reason = fmt.Sprintf("is still referenced by a %s (%s %s)", a.Target.Name, rule, act)
	return e
}

// restricting returns the association whose foreign key made the database
// refuse a delete or key change of a row of t, or nil.
func (db *DB) restricting(err error, t *meta.Table, op byte) *meta.Relation {
	var pe *pgconn.PgError
	if op == opInsert || !errors.As(err, &pe) || pe.Code != "23503" {
		return nil
	}
	c, ok := db.constraints[pe.ConstraintName]
	if !ok || c.rel == nil || c.rel.Source != t {
		return nil
	}
	if op == opUpdate && c.rel.Target == t {
		return nil // a self-reference: its own foreign key may be the one
	}
	return c.rel
}

// fkChanged reports whether a's foreign key differs between before and
// after, rows of its target.
func fkChanged(a *meta.Relation, before, after any) bool {
	if before == nil {
		return true
	}
	return !meta.SameValue(a.FK.Get(a.Target.Ptr(before)), a.FK.Get(a.Target.Ptr(after)))
}

// notNullError lists every NOT NULL column row holds NULL in, as the
// rules' check does; the column PostgreSQL names when the row holds none
// (another client's write, a trigger).
func notNullError(t *meta.Table, row any, pe *pgconn.PgError) error {
	p := t.Ptr(row)
	var items []errs.ValidationErrorItem
	for _, f := range t.Fields {
		if !f.Nullable() && f.Null != meta.NullNone && f.IsNull(p) {
			items = append(items, errs.ValidationErrorItem{Field: f.Name, Message: "cannot be null"})
		}
	}
	if items == nil {
		items = []errs.ValidationErrorItem{{Field: pe.ColumnName, Message: "cannot be null", Err: pe}}
	}
	return &errs.ValidationError{Model: t.Name, Items: items}
}

// statementError wraps the failure of a statement, unless it is memrel's
// own already; a serialization failure or a deadlock is ErrRetry.
func statementError(err error) error {
	if retryable(err) {
		return &retryError{err}
	}
	if strings.HasPrefix(err.Error(), "memrel: ") {
		return err
	}
	return fmt.Errorf("memrel: pg: %w", err)
}

// retryable reports whether err is PostgreSQL breaking the transaction
// off for another: serialization_failure or deadlock_detected.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// retryError is a statement's failure that is memrel.ErrRetry.
type retryError struct{ err error }

func (e *retryError) Error() string {
	return "memrel: pg: the transaction conflicted with another; run it again: " + e.err.Error()
}
func (e *retryError) Unwrap() []error { return []error{errs.ErrRetry, e.err} }

// changedError is the failure of e, a write whose row another client
// changed or deleted since the rules read it: memrel.ErrRetry, since
// the call acted on what it read.
func changedError(e entry) error {
	row := e.before
	what := "a row of " + e.t.Name
	if row != nil {
		what = fmt.Sprintf("the %s row %v", e.t.Name, e.t.KeyValue(e.t.Ptr(row)))
	}
	return &retryError{fmt.Errorf("%s was %w", what, errChanged)}
}
