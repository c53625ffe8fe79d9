package sinktest

import (
	"context"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a sink provider and the vendor's API (an emulator
// behind a fakekit.Kit, or a fake) to RunFaults; see fakekit.Harness for
// its fields.
type FaultHarness = fakekit.Harness[sink.Driver, sink.Capabilities]

// RunFaults runs the shared fault and secret-leak suite against a sink
// provider, through a Connector. A sink has no read: PostEvents of one
// event is the write every fault is aimed at.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	h.NoVendorRead = true
	faultsuite.RunHarness(t, h, func(t *testing.T, d sink.Driver, env faultsuite.Env, _ bool) faultsuite.Target {
		c := sink.NewConnector(h.Registration, d, env.Telemetry)
		return faultsuite.Target{
			ReadOp: string(sink.OpPostEvents), WriteOp: string(sink.OpPostEvents),
			Write: func(ctx context.Context) error {
				_, err := c.PostEvents(ctx, []ocsf.Event{Event("faults")}, sink.PostOptions{})
				return err
			},
			Close: d.Close,
		}
	})
}
