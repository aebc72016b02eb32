//go:build !lead_nested_create

package anydriver

import (
	"errors"

	"github.com/memrel/memrel/internal/conformance"
)

func (x *tx) CreateNested(model string, values conformance.Values, incs []*conformance.Include) (*conformance.Node, error) {
	return nil, errors.New("anydriver: nested create waits for AnyModel.Create with includes")
}
