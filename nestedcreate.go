package memrel

import "github.com/memrel/memrel/internal/meta"

// createNested creates the caller's value v (a boxed *T of t) with the
// rows its association fields hold for incs, to incs' depth, atomically,
// on an entered write call. It returns a copy of the stored row whose
// included fields hold copies of the stored rows. Model.Create and
// AnyModel.Create (the conformance driver's nested create) both call it,
// so the scenarios run this path.
func createNested(tx *Txn, t *meta.Table, v any, incs []Include) (any, error) {
	if err := createIncludes(incs); err != nil {
		return nil, err
	}
	plan, err := compileIncludes(t, incs)
	if err != nil {
		return nil, err
	}
	return tx.r.CreateNested(t, v, plan)
}

// createIncludes refuses, at every depth, an Include option a create
// cannot honour: each one beyond Assoc and Include filters or shapes a
// read, and ignoring it would create rows the caller asked to leave out.
// It recurses over the caller's includes, never over rows.
func createIncludes(incs []Include) error {
	for i := range incs {
		in := &incs[i]
		if opt := in.readOption(); opt != "" {
			name := "<nil>"
			if in.Assoc != nil {
				info := in.Assoc.Info()
				name = info.Source + "." + info.As
			}
			return &AssociationError{Association: name,
				Reason: "Create cannot honour the include option " + opt + ", which shapes a read"}
		}
		if err := createIncludes(in.Include); err != nil {
			return err
		}
	}
	return nil
}

// readOption names the first option of in a create cannot honour, or "".
// TestModel_Create_IncludeReadOptionRefused sets each field of Include in
// turn, so a field added to Include fails it until it is listed here.
func (in *Include) readOption() string {
	switch {
	case !in.Where.IsZero():
		return "Where"
	case in.Required != RequiredIfWhere:
		return "Required"
	case !in.ThroughWhere.IsZero():
		return "ThroughWhere"
	case in.WithDeleted:
		return "WithDeleted"
	case len(in.Order) > 0:
		return "Order"
	case in.Limit != 0:
		return "Limit"
	case in.Offset != 0:
		return "Offset"
	case in.Fields != nil:
		return "Fields"
	}
	return ""
}
