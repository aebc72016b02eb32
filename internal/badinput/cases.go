package badinput

import (
	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
)

// TxnCases are every entry point in every transaction it must refuse.
func TxnCases() []Case {
	var cases []Case
	readOnly := []string{"read-only"}
	done := []string{"committed or aborted"}
	wrong := []string{"does not belong to this store"}
	nilTx := []string{"nil or zero transaction"}
	for _, w := range WriteCalls() {
		cases = append(cases,
			Case{Name: w.Name, Mode: Read, Op: w.Fn, Is: memrel.ErrReadOnly, Msg: readOnly},
			Case{Name: w.Name, Mode: Committed, Op: w.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: w.Name, Mode: Aborted, Op: w.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: w.Name, Mode: DoneRead, Op: w.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: w.Name, Mode: Foreign, Op: w.Fn, Is: memrel.ErrWrongStore, Msg: wrong},
			Case{Name: w.Name, Mode: NilTx, Op: w.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
			Case{Name: w.Name, Mode: ZeroTx, Op: w.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
			Case{Name: w.Name, Mode: NoStoreTx, Op: w.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
		)
	}
	for _, r := range ReadCalls() {
		cases = append(cases,
			Case{Name: r.Name, Mode: Committed, Op: r.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: r.Name, Mode: Aborted, Op: r.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: r.Name, Mode: DoneRead, Op: r.Fn, Is: memrel.ErrTxDone, Msg: done},
			Case{Name: r.Name, Mode: Foreign, Op: r.Fn, Is: memrel.ErrWrongStore, Msg: wrong},
			Case{Name: r.Name, Mode: NilTx, Op: r.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
			Case{Name: r.Name, Mode: ZeroTx, Op: r.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
			Case{Name: r.Name, Mode: NoStoreTx, Op: r.Fn, Is: memrel.ErrTxDone, Msg: nilTx},
		)
	}
	return cases
}

// HandleCases are every method of nil and zero handles, in a live write
// transaction (store unchanged).
func HandleCases() []Case {
	var cases []Case
	wrong := []string{"does not belong to this store"}
	handles := []struct {
		kind string
		ops  []Call
	}{
		{"nil", HandleCalls(nil, nil, nil)},
		{"zero", HandleCalls(new(memrel.Model[fixture.StrictPost]), new(memrel.HasMany[fixture.StrictPost, fixture.StrictComment]), new(memrel.BelongsTo[fixture.StrictComment, fixture.StrictPost]))},
		{"nil store", StoreCalls(nil, nil)},
		{"zero store", StoreCalls(new(memrel.Store), nil)},
	}
	for _, h := range handles {
		for _, o := range h.ops {
			cases = append(cases, Case{Name: h.kind + " " + o.Name, Mode: Write, Op: o.Fn, Is: memrel.ErrWrongStore, Msg: wrong})
		}
	}
	return cases
}

// as is an errors.As target for the error type T.
func as[T any]() any { return new(T) }
