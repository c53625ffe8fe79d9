package mock_test

import (
	"context"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// newTicketing builds a mock ticketing driver with the provider's one
// constructor, over state (a fresh MemoryState if nil), with cfg (none if
// nil) and clock (the wall clock if nil).
func newTicketing(state providers.State, cfg *mock.TicketingConfig, clock func() time.Time) ticketing.Driver {
	req := providers.OpenRequest{State: state, Clock: clock}
	if cfg != nil {
		req.Config = cfg
	}
	d, err := mock.Ticketing.Open(context.Background(), req)
	if err != nil {
		panic(err)
	}
	return d
}

// connect wraps a mock driver in a Connector.
func connect(d ticketing.Driver) *ticketing.Connector {
	return ticketing.NewConnector(mock.Ticketing, d)
}
