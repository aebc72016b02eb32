package conformance

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// T0 is the scenario clock's start; it advances by one second before
// every step and every transaction sub-step.
var T0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Result is the outcome of one scenario.
type Result struct {
	File   string // the scenario file's base name, without .json
	Steps  int    // steps in the scenario, transaction sub-steps included
	Passed int    // steps that ran and passed
	// Failure says why the scenario failed; "" when it passed (every step
	// and the final tables).
	Failure string
}

// OK reports whether the scenario passed.
func (r Result) OK() bool { return r.Failure == "" }

// Summary counts the results of one scenario set.
type Summary struct {
	Dir                string
	Scenarios, Passed  int
	Steps, StepsPassed int
	Results            []Result
}

func (s *Summary) add(r Result) {
	s.Results = append(s.Results, r)
	s.Scenarios++
	s.Steps += r.Steps
	s.StepsPassed += r.Passed
	if r.OK() {
		s.Passed++
	}
}

// String is a one-line account of the set.
func (s *Summary) String() string {
	return fmt.Sprintf("%s: %d/%d scenarios, %d/%d steps passed", s.Dir, s.Passed, s.Scenarios, s.StepsPassed, s.Steps)
}

// Load reads the scenario set in dir with the catalogue [CatalogueFor]
// finds for it.
func Load(dir string, fallback ...string) ([]*Scenario, error) {
	path, err := CatalogueFor(dir, fallback...)
	if err != nil {
		return nil, err
	}
	cat, err := LoadCatalogue(path)
	if err != nil {
		return nil, err
	}
	return LoadScenarios(dir, cat)
}

// Run runs every scenario of dir on d, each as a subtest named by its
// file, with the catalogue [CatalogueFor] finds (fallback: the catalogues
// to use when dir has none beside it). A scenario the set cannot parse or
// the driver cannot run fails. It returns the counts, for the caller to
// log.
func Run(t *testing.T, dir string, d Driver, fallback ...string) *Summary {
	t.Helper()
	scs, err := Load(dir, fallback...)
	require.NoError(t, err)
	sum := &Summary{Dir: dir}
	for _, sc := range scs {
		res := Result{File: sc.File, Steps: countSteps(sc.Steps)}
		ok := t.Run(sc.File, func(t *testing.T) {
			(&runner{t: t, d: d, s: sc.Schema, res: &res}).scenario(sc)
		})
		if !ok && res.Failure == "" {
			res.Failure = "failed"
		}
		sum.add(res)
	}
	return sum
}

// Check runs every scenario of dir on d and reports each outcome instead
// of failing: the mode for a set the engine does not pass yet. Only a set
// that does not parse is an error. fallback is as for [Run].
func Check(dir string, d Driver, fallback ...string) (*Summary, error) {
	scs, err := Load(dir, fallback...)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Dir: dir}
	for _, sc := range scs {
		res := Result{File: sc.File, Steps: countSteps(sc.Steps)}
		rec := &recorder{}
		func() {
			defer func() {
				if p := recover(); p != nil && p != errStop {
					rec.Errorf("panic: %v", p)
				}
			}()
			(&runner{t: rec, d: d, s: sc.Schema, res: &res}).scenario(sc)
		}()
		res.Failure = rec.msg
		sum.add(res)
	}
	return sum, nil
}

func countSteps(steps []*Step) int {
	n := 0
	for _, st := range steps {
		n += 1 + len(st.Steps)
	}
	return n
}

// recorder is the require.TestingT of Check: the first failure stops the
// scenario.
type recorder struct{ msg string }

var errStop = new(int)

func (r *recorder) Errorf(format string, args ...any) {
	if r.msg == "" {
		r.msg = brief(fmt.Sprintf(format, args...))
	}
}

// brief shortens a testify failure to its message and error, on one line.
func brief(s string) string {
	var msg, e string
	label := ""
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "Error Trace:"), strings.HasPrefix(t, "Test:"):
			label = "skip"
			continue
		case strings.HasPrefix(t, "Error:"):
			label, t = "error", strings.TrimSpace(strings.TrimPrefix(t, "Error:"))
		case strings.HasPrefix(t, "Messages:"):
			label, t = "msg", strings.TrimSpace(strings.TrimPrefix(t, "Messages:"))
		}
		switch label {
		case "error":
			e = strings.TrimSpace(e + " " + t)
		case "msg":
			msg = strings.TrimSpace(msg + " " + t)
		case "":
			msg = strings.TrimSpace(msg + " " + t)
		}
	}
	switch {
	case msg != "" && e != "":
		return msg + ": " + e
	case msg+e != "":
		return msg + e
	}
	return "failed"
}

func (r *recorder) FailNow() { panic(errStop) }

// runner executes one scenario.
type runner struct {
	t   require.TestingT
	d   Driver
	s   *Schema
	st  Store
	now time.Time
	res *Result
}

func (r *runner) clock() time.Time { return r.now }

func (r *runner) scenario(sc *Scenario) {
	r.now = T0
	st, err := r.d.Open(sc.Schema, r.clock)
	require.NoError(r.t, err, "the driver cannot open schema %s", sc.Schema.Name)
	r.st = st
	for i, step := range sc.Steps {
		r.step(fmt.Sprintf("step %d (%s)", i, step.Op), step, nil)
	}
	want := map[string]any{}
	for m, rows := range sc.Final {
		list := make([]any, len(rows))
		for i, row := range rows {
			list[i] = row
		}
		want[m] = list
	}
	require.Equal(r.t, want, r.dump(), "final tables")
}

// step runs one step and checks its expectation; inside a transaction tx
// is the open one. It returns the step's error.
func (r *runner) step(where string, st *Step, tx Tx) error {
	r.now = r.now.Add(time.Second)
	if st.Op == OpTransaction {
		before := r.tables()
		var last error
		err := r.st.Update(func(tx Tx) error {
			for i, sub := range st.Steps {
				if last = r.step(fmt.Sprintf("%s.%d (%s)", where, i, sub.Op), sub, tx); last != nil {
					require.Equal(r.t, len(st.Steps)-1, i, "%s: only the last sub-step may fail", where)
					return last
				}
			}
			return nil
		})
		r.expect(where, st, err, nil)
		if err != nil {
			require.Equal(r.t, tablesJSON(before), r.dump(), "%s: a failed transaction changed the store", where)
		}
		r.res.Passed++
		return err
	}
	var before map[string][]Row
	if tx == nil {
		before = r.tables()
	}
	var res map[string]any
	var err error
	run := func(tx Tx) error {
		res, err = r.exec(where, st, tx)
		return err
	}
	switch {
	case tx != nil:
		_ = run(tx)
	case writes(st.Op):
		_ = r.st.Update(run)
	default:
		_ = r.st.View(run)
	}
	r.expect(where, st, err, res)
	if err != nil && tx == nil {
		require.Equal(r.t, tablesJSON(before), r.dump(), "%s: a failed step changed the store", where)
	}
	r.res.Passed++
	return err
}

func writes(op string) bool {
	switch op {
	case OpFindByPk, OpFindAll, OpCount, OpAssocGet, OpAssocCount, OpAssocHas, OpInverseGet, OpAggregate:
		return false
	}
	return true
}

// expectKeys are the expectations the runner compares.
var expectKeys = map[string]bool{"ok": true, "pk": true, "pks": true, "count": true, "bool": true,
	"row": true, "tree": true, "rows": true, "created": true, "groups": true}

func (r *runner) expect(where string, st *Step, err error, res map[string]any) {
	if name, ok := st.Expect["error"]; ok {
		require.Error(r.t, err, "%s: want %v", where, name)
		s, _ := name.(string)
		require.True(r.t, r.d.Is(err, s), "%s: want %v, got %T: %v", where, name, err, err)
		return
	}
	require.NoError(r.t, err, where)
	for _, k := range sortedKeys(st.Expect) {
		v := st.Expect[k]
		switch {
		case k == "ok":
			require.Equal(r.t, true, v, "%s: ok", where)
		case k == "value":
			got, ok := res[k]
			require.True(r.t, ok, "%s: the step gives no value to compare", where)
			want := JSON(v)
			if w, isNum := want.(float64); isNum {
				g, gotNum := got.(float64)
				require.True(r.t, gotNum, "%s: value: want %v, got %v (%T)", where, w, got, got)
				// avg is compared with a relative tolerance (the format's rule).
				if w == 0 {
					require.Equal(r.t, w, g, "%s: value", where)
				} else {
					require.InEpsilon(r.t, w, g, 1e-9, "%s: value", where)
				}
				continue
			}
			require.Equal(r.t, want, got, "%s: value", where)
		case expectKeys[k]:
			got, ok := res[k]
			require.True(r.t, ok, "%s: the step gives no %q to compare", where, k)
			require.Equal(r.t, JSON(v), got, "%s: %s", where, k)
		default:
			r.t.Errorf("%s: the runner cannot compare the expectation %q yet", where, k)
			r.t.FailNow()
		}
	}
}

// need returns tx's optional part X, or fails the step, a form of the
// format the driver does not implement, naming it.
func need[X any](r *runner, where string, tx Tx, form string) X {
	x, ok := tx.(X)
	if !ok {
		r.unsupported(where, form)
	}
	return x
}

// unsupported fails a step form the Driver interface has no method for.
func (r *runner) unsupported(where, form string) {
	r.t.Errorf("%s: %s is not in the Driver interface yet", where, form)
	r.t.FailNow()
}

// exec performs one op and returns what its expectations compare, by
// expectation key, in JSON form.
func (r *runner) exec(where string, st *Step, tx Tx) (map[string]any, error) {
	o := st.Options
	switch st.Op {
	case OpCreate:
		if len(o.Include) > 0 {
			n, err := need[NestedTx](r, where, tx, "create with include (nested create, NestedTx)").CreateNested(st.Model, st.Values, o.Include)
			if err != nil {
				return nil, err
			}
			return map[string]any{"tree": r.tree(st.Model, []*Node{n}, o.Include, nil)}, nil
		}
		k, err := tx.Create(st.Model, st.Values)
		return map[string]any{"pk": r.key(st.Model, k)}, err
	case OpUpdate:
		if st.HasPK {
			return nil, tx.Update(st.Model, st.PK, st.Values)
		}
		n, err := need[BulkTx](r, where, tx, "update and destroy by where (BulkTx)").UpdateWhere(st.Model, r.bulkWhere(where, o), st.Values)
		return map[string]any{"count": JSON(n)}, err
	case OpDestroy:
		if o.Force {
			if !st.HasPK {
				r.bulkWhere(where, o)
			}
			n, err := need[ParanoidTx](r, where, tx, "soft delete (ParanoidTx)").ForceDestroy(st.Model, st.PK, st.HasPK, o.Where)
			if st.HasPK {
				return nil, err
			}
			return map[string]any{"count": JSON(n)}, err
		}
		if st.HasPK {
			return nil, tx.Destroy(st.Model, st.PK)
		}
		n, err := need[BulkTx](r, where, tx, "update and destroy by where (BulkTx)").DestroyWhere(st.Model, r.bulkWhere(where, o))
		return map[string]any{"count": JSON(n)}, err
	case OpFindByPk:
		if o.Paranoid != nil && !*o.Paranoid {
			row, err := need[ParanoidTx](r, where, tx, "soft delete (ParanoidTx)").FindDeleted(st.Model, st.PK)
			return map[string]any{"row": r.row(row)}, err
		}
		row, err := tx.FindByPk(st.Model, st.PK)
		return map[string]any{"row": r.row(row)}, err
	case OpFindAll:
		nodes, err := tx.FindAll(st.Model, o)
		if err != nil {
			return nil, err
		}
		rows := make([]any, len(nodes))
		for i, n := range nodes {
			rows[i] = r.row(project(n.Row, o.Attributes))
		}
		return map[string]any{"pks": r.pks(st.Model, nodes), "tree": r.tree(st.Model, nodes, o.Include, o.Attributes),
			"rows": rows}, nil
	case OpCount:
		if len(o.Group) > 0 {
			rows, err := need[AggregateTx](r, where, tx, "grouped count and aggregates (AggregateTx)").CountGroups(st.Model, o)
			groups := make([]any, len(rows))
			for i, row := range rows {
				groups[i] = r.row(row)
			}
			return map[string]any{"groups": groups}, err
		}
		n, err := tx.Count(st.Model, o)
		return map[string]any{"count": JSON(n)}, err
	case OpAssocGet:
		rows, err := tx.AssocGet(st.Assoc, st.Source, o)
		nodes := make([]*Node, len(rows))
		for i, row := range rows {
			nodes[i] = &Node{Row: row}
		}
		m := r.target(st.Assoc)
		res := map[string]any{"pks": r.pks(m, nodes)}
		if a, inverse, _ := r.s.Association(st.Assoc); a.Type == HasOne && !inverse {
			res = map[string]any{"row": nil}
			if len(rows) > 0 {
				res["row"] = r.row(rows[0])
			}
		}
		return res, err
	case OpAssocCount:
		n, err := tx.AssocCount(st.Assoc, st.Source, o)
		return map[string]any{"count": JSON(n)}, err
	case OpAssocHas:
		ok, err := tx.AssocHas(st.Assoc, st.Source, st.Targets)
		return map[string]any{"bool": ok}, err
	case OpAssocAdd:
		return nil, tx.AssocAdd(st.Assoc, st.Source, st.Targets, o)
	case OpAssocSet:
		targets := st.Targets
		if a, _, _ := r.s.Association(st.Assoc); a.Type == HasOne {
			// A hasOne's one target, or none for null.
			targets = nil
			if st.Target != nil {
				targets = []Key{st.Target}
			}
		}
		return nil, tx.AssocSet(st.Assoc, st.Source, targets, o)
	case OpAssocRemove:
		return nil, tx.AssocRemove(st.Assoc, st.Source, st.Targets, o)
	case OpAssocCreate:
		k, err := tx.AssocCreate(st.Assoc, st.Source, st.Values, o)
		return map[string]any{"pk": r.key(r.target(st.Assoc), k)}, err
	case OpInverseGet:
		row, err := tx.InverseGet(st.Assoc, st.Target)
		return map[string]any{"row": r.row(row)}, err
	case OpInverseSet:
		return nil, tx.InverseSet(st.Assoc, st.Target, st.Source)
	case OpBulkCreate:
		ks, err := need[WritesTx](r, where, tx, "bulkCreate, upsert, findOrCreate and increment (WritesTx)").BulkCreate(st.Model, st.Rows)
		pks := make([]any, len(ks))
		for i, k := range ks {
			pks[i] = r.key(st.Model, k)
		}
		return map[string]any{"pks": pks}, err
	case OpUpsert:
		row, created, err := need[WritesTx](r, where, tx, "bulkCreate, upsert, findOrCreate and increment (WritesTx)").Upsert(st.Model, st.Values)
		return map[string]any{"row": r.row(row), "created": created}, err
	case OpFindOrCreate:
		row, created, err := need[WritesTx](r, where, tx, "bulkCreate, upsert, findOrCreate and increment (WritesTx)").FindOrCreate(st.Model, o.Where, o.Defaults)
		return map[string]any{"row": r.row(row), "created": created}, err
	case OpIncrement, OpDecrement:
		sign := 1
		if st.Op == OpDecrement {
			sign = -1
		}
		if !st.HasPK {
			r.bulkWhere(where, o)
		}
		n, err := need[WritesTx](r, where, tx, "bulkCreate, upsert, findOrCreate and increment (WritesTx)").Increment(st.Model, st.PK, st.HasPK, o.Where, st.By, sign)
		return map[string]any{"count": JSON(n)}, err
	case OpAggregate:
		v, err := need[AggregateTx](r, where, tx, "grouped count and aggregates (AggregateTx)").Aggregate(st.Model, st.Fn, st.Field, o)
		return map[string]any{"value": JSON(v)}, err
	case OpRestore:
		if !st.HasPK {
			r.bulkWhere(where, o)
		}
		n, err := need[ParanoidTx](r, where, tx, "soft delete (ParanoidTx)").Restore(st.Model, st.PK, st.HasPK, o.Where)
		return map[string]any{"count": JSON(n)}, err
	}
	r.unsupported(where, "op "+st.Op)
	return nil, nil
}

// bulkWhere is the where of a bulk step, which must have one.
func (r *runner) bulkWhere(where string, o *Options) *Where {
	require.NotNil(r.t, o.Where, "%s: neither pk nor options.where", where)
	return o.Where
}

// target is the name of the model an association name's ops return.
func (r *runner) target(name string) string {
	a, inverse, _ := r.s.Association(name)
	if inverse {
		return a.Source
	}
	return a.Target
}

func (r *runner) model(name string) *Model {
	m, ok := r.s.Model(name)
	require.True(r.t, ok, "unknown model %q", name)
	return m
}

// key renders a key of model in scenario form (a composite one as an
// object of its fields).
func (r *runner) key(model string, k Key) any {
	pk := r.model(model).PK()
	if len(pk) == 1 {
		return JSON(k)
	}
	parts, ok := k.([]any)
	if !ok || len(parts) != len(pk) {
		return JSON(k)
	}
	obj := map[string]any{}
	for i, f := range pk {
		obj[f.Name] = JSON(parts[i])
	}
	return obj
}

// pkOf renders the primary key of a row of model.
func (r *runner) pkOf(model string, row Row) any {
	pk := r.model(model).PK()
	if len(pk) == 1 {
		return JSON(row[pk[0].Name])
	}
	obj := map[string]any{}
	for _, f := range pk {
		obj[f.Name] = JSON(row[f.Name])
	}
	return obj
}

func (r *runner) pks(model string, nodes []*Node) []any {
	out := make([]any, len(nodes))
	for i, n := range nodes {
		out[i] = r.pkOf(model, n.Row)
	}
	return out
}

// project keeps the fields of row that attrs lists (nil: all of them).
func project(row Row, attrs []string) Row {
	if row == nil || attrs == nil {
		return row
	}
	out := make(Row, len(attrs))
	for _, a := range attrs {
		out[a] = row[a]
	}
	return out
}

func (r *runner) row(row Row) any {
	if row == nil {
		return nil
	}
	return JSON(map[string]any(row))
}

// tree renders nodes as a tree expectation: {"pk": …} (or, when the rows
// are a projection, {"row": …} with exactly the attrs fields), and per
// include its alias with a list of nodes (a node or null for a to-one
// association), each include projected by its own attributes.
func (r *runner) tree(model string, nodes []*Node, incs []*Include, attrs []string) []any {
	out := make([]any, len(nodes))
	for i, n := range nodes {
		out[i] = r.node(model, n, incs, attrs)
	}
	return out
}

func (r *runner) node(model string, n *Node, incs []*Include, attrs []string) map[string]any {
	node := map[string]any{}
	if len(attrs) > 0 {
		node["row"] = r.row(project(n.Row, attrs))
	} else {
		node["pk"] = r.pkOf(model, n.Row)
	}
	for _, in := range incs {
		alias, to, one, ok := r.s.Reach(in.Assoc)
		require.True(r.t, ok, "unknown association %q", in.Assoc)
		kids := r.tree(to, n.Included[in.Assoc], in.Include, in.Attributes)
		if !one {
			node[alias] = kids
			continue
		}
		require.LessOrEqual(r.t, len(kids), 1, "%s: a to-one include loaded %d rows", in.Assoc, len(kids))
		node[alias] = nil
		if len(kids) == 1 {
			node[alias] = kids[0]
		}
	}
	return node
}

// tables reads every table.
func (r *runner) tables() map[string][]Row {
	var tables map[string][]Row
	require.NoError(r.t, r.st.View(func(tx Tx) error {
		var err error
		tables, err = tx.Dump()
		return err
	}), "dump")
	return tables
}

// dump reads every table, in JSON form.
func (r *runner) dump() map[string]any { return tablesJSON(r.tables()) }

func tablesJSON(tables map[string][]Row) map[string]any {
	out := make(map[string]any, len(tables))
	for m, rows := range tables {
		list := make([]any, len(rows))
		for i, row := range rows {
			list[i] = JSON(row)
		}
		out[m] = list
	}
	return out
}

// JSON converts a Go value to the form encoding/json decodes its JSON
// into, so results compare with expectations: numbers become float64,
// dates ISO-8601 UTC strings with milliseconds, maps map[string]any and
// slices []any.
func JSON(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case Row:
		return JSON(map[string]any(x))
	case Values:
		return JSON(map[string]any(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) {
			return v
		}
		return f
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return JSON(rv.Elem().Interface())
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			out[fmt.Sprint(it.Key().Interface())] = JSON(it.Value().Interface())
		}
		return out
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = JSON(rv.Index(i).Interface())
		}
		return out
	}
	return v
}
