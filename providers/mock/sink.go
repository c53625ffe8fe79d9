package mock

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// SinkID is the provider config id of the mock sink provider.
const SinkID = "sink_mock_sink"

// prefixSinkEvent keys an event in the State: sinkevent/<00000001> →
// SinkRecord, in the order the events were written.
const prefixSinkEvent = "sinkevent/"

// SinkLimits are the mock's batch limits: small enough that a post of a
// few thousand events is several batches.
var SinkLimits = sink.Limits{MaxEvents: 200, MaxBytes: 1 << 20, MaxEventBytes: 256 << 10}

// SinkConfig is the sink_mock_sink provider configuration. The mock needs
// no credential.
type SinkConfig struct {
	// Destination is the location of the events posted without one (the
	// hosted system's mock has the same field).
	Destination string `json:"destination,omitempty"`
	// RejectClasses lists class_uids whose events the mock refuses, each
	// on its own, as a vendor refuses an event its mapping cannot take:
	// the way to see a post's partial failures without a real vendor.
	RejectClasses []int32 `json:"reject_classes,omitempty"`
}

// Validate implements providers.Config.
func (c *SinkConfig) Validate() error {
	if len(c.Destination) > sink.MaxLocationLen || strings.ContainsFunc(c.Destination, unicode.IsControl) {
		return errs.Invalid("destination", "destination must be one line of at most %d bytes", sink.MaxLocationLen)
	}
	if len(c.RejectClasses) > 64 {
		return errs.Invalid("reject_classes", "reject_classes holds at most 64 class_uids")
	}
	return nil
}

// CredentialRefs implements providers.Config; the mock has none.
func (c *SinkConfig) CredentialRefs() map[string]*credential.Ref { return nil }

// Sink is the registration of the mock sink provider, and its constructor.
// It keeps the events it is sent in the integration's State, in order (see
// SinkLog), one State transaction a batch, so that a batch lands whole or
// not at all.
var Sink = sink.Registration{
	ID:           SinkID,
	Fullname:     "Mock Sink",
	NewConfig:    func() providers.Config { return new(SinkConfig) },
	Capabilities: sink.Capabilities{Operations: sink.Operations},
	Open:         openSink,
}

func init() { sink.Register(Sink) }

// SinkRecord is one event the mock sink holds.
type SinkRecord struct {
	// Seq numbers the events in the order they were written, from 1.
	Seq int64 `json:"seq"`
	// Location is the post's PostOptions.Location (the configured
	// Destination for a post without one).
	Location string `json:"location,omitempty"`
	// Event is the event's OCSF JSON as it was sent.
	Event json.RawMessage `json:"event"`
}

// SinkLog is implemented by the mock sink's driver: reach it with
// sink.Connector.As to read what was posted.
//
//	var log mock.SinkLog
//	if ok, _ := sk.As(ctx, &log); ok { recs, err := log.Posted(ctx, "", 100) }
type SinkLog interface {
	// Posted returns up to limit events, in the order they were written,
	// after the one numbered after (0 for the first).
	Posted(ctx context.Context, after int64, limit int) ([]SinkRecord, error)
}

// sinkDriver is the mock sink driver.
type sinkDriver struct {
	sink.Unimplemented // never reached: the mock implements every operation
	stateStore
	reject      []int32
	destination string
}

var (
	_ sink.Driver = (*sinkDriver)(nil)
	_ SinkLog     = (*sinkDriver)(nil)
)

func openSink(_ context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg := &SinkConfig{}
	if req.Config != nil {
		c, err := providers.ConfigAs[*SinkConfig](req)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	return &sinkDriver{stateStore: newStateStore(req), reject: slices.Clone(cfg.RejectClasses), destination: cfg.Destination}, nil
}

// Limits implements sink.Driver.
func (d *sinkDriver) Limits() sink.Limits { return SinkLimits }

// WriteBatch implements sink.Driver: the events the configuration does
// not reject are stored in one transaction.
func (d *sinkDriver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if strings.ContainsFunc(b.Location, unicode.IsControl) {
		return errs.Invalid("location", "location holds a control character")
	}
	loc := cmp.Or(b.Location, d.destination)
	var refused []sink.ItemFailure
	keep := make([]int, 0, len(b.Items))
	for i, it := range b.Items {
		if slices.Contains(d.reject, it.Event.ClassUID()) {
			refused = append(refused, sink.ItemFailure{Item: i, Err: errs.Invalid("class_uid",
				"the mock sink is configured to refuse %s events (class_uid %d)", it.Event.ClassName(), it.Event.ClassUID())})
			continue
		}
		keep = append(keep, i)
	}
	if len(keep) > 0 {
		err := d.state.Update(ctx, func(tx providers.StateTx) error {
			m, err := d.loadMeta(ctx, tx)
			if err != nil {
				return err
			}
			if m.SinkEvents+int64(len(keep)) > maxSeq {
				return errs.New(errs.Conflict, "the mock sink holds at most %d events", maxSeq)
			}
			for _, i := range keep {
				m.SinkEvents++
				rec := SinkRecord{Seq: m.SinkEvents, Location: loc, Event: b.Items[i].JSON}
				if err := d.putJSON(ctx, tx, sinkKey(rec.Seq), rec); err != nil {
					return err
				}
			}
			return d.putJSON(ctx, tx, keyMeta, m)
		})
		if err != nil {
			return err
		}
	}
	if len(refused) > 0 {
		return &sink.BatchError{Failures: refused}
	}
	return nil
}

func sinkKey(seq int64) string { return fmt.Sprintf("%s%012d", prefixSinkEvent, seq) }

// Posted implements SinkLog.
func (d *sinkDriver) Posted(ctx context.Context, after int64, limit int) ([]SinkRecord, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 10_000 {
		return nil, errs.Invalid("limit", "limit must be 1 to 10000")
	}
	start := ""
	if after > 0 {
		start = sinkKey(after)
	}
	entries, err := d.state.List(ctx, prefixSinkEvent, start, limit)
	if err != nil {
		return nil, err
	}
	out := make([]SinkRecord, 0, len(entries))
	for _, e := range entries {
		var r SinkRecord
		if err := json.Unmarshal(e.Value, &r); err != nil {
			return nil, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", e.Key)
		}
		out = append(out, r)
	}
	return out, nil
}

// Close implements sink.Driver; the State stays as it is.
func (d *sinkDriver) Close() error { return nil }
