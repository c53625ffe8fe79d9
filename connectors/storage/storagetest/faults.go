package storagetest

import (
	"context"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/faultsuite"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// FaultHarness describes a storage provider and the vendor's API (an
// emulator behind a fakekit.Kit, or a fake) to RunFaults; see
// fakekit.Harness for its fields.
type FaultHarness = fakekit.Harness[storage.Driver, storage.Capabilities]

// RunFaults runs the shared fault and secret-leak suite against a storage
// provider, through a Connector: ListFiles of the root is its read (a
// listing the vendor answers with a document the driver parses),
// UploadFile of a small file its write.
func RunFaults(t *testing.T, h FaultHarness) {
	t.Helper()
	faultsuite.RunHarness(t, h, func(t *testing.T, d storage.Driver, env faultsuite.Env, _ bool) faultsuite.Target {
		c := storage.NewConnector(h.Registration, d, env.Telemetry)
		return faultsuite.Target{
			ReadOp: string(storage.OpListFiles), WriteOp: string(storage.OpUploadFile),
			Read: func(ctx context.Context) error {
				_, err := c.ListFiles(ctx, "", storage.ListRequest{Limit: 10})
				return err
			},
			Write: func(ctx context.Context) error {
				_, err := c.UploadFile(ctx, "faults/file.txt", strings.NewReader("fault suite"), storage.UploadOptions{ContentType: "text/plain", Size: 11})
				return err
			},
			Close: d.Close,
		}
	})
}
