package kit

import (
	"context"
	"reflect"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// Registration is a connector's typed provider registration, in the form
// every connector package shares: the connector's own Registration type
// converts to it, and Provider turns it into the registry's untyped view.
type Registration[D any] struct {
	Category        providers.Category
	ID, Fullname    string
	NewConfig       func() providers.Config
	CredentialTypes []credential.Type
	// Operations are the names of the operations the provider declares.
	Operations []string
	// Capabilities is the connector's typed capabilities value (a copy).
	Capabilities any
	Open         func(ctx context.Context, req providers.OpenRequest) (D, error)
}

// Provider returns the registry's view of r. Its opener returns what r.Open
// returns, as the registry's untyped driver, refusing a nil driver.
func (r Registration[D]) Provider() providers.Provider {
	p := providers.Provider{ID: r.ID, Fullname: r.Fullname, Category: r.Category, NewConfig: r.NewConfig,
		CredentialTypes: r.CredentialTypes, Operations: r.Operations, Capabilities: r.Capabilities}
	if open := r.Open; open != nil {
		p.Open = func(ctx context.Context, req providers.OpenRequest) (any, error) {
			d, err := open(ctx, req)
			if err != nil {
				return nil, err
			}
			if v := reflect.ValueOf(d); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
				return nil, errs.New(errs.Internal, "provider %s opened no driver", r.ID)
			}
			return d, nil
		}
	}
	return p
}

// Names returns the operations' names.
func Names[O ~string](ops []O) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = string(o)
	}
	return out
}

// Connector returns the registry's description of a connector.
func Connector[O ~string](c providers.Category, ops []O) providers.Connector {
	return providers.Connector{Category: c, Operations: Names(ops)}
}
