package sink

import (
	"context"
	"fmt"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
)

// Capabilities describe what a provider can do, declared once in its
// Registration.
type Capabilities struct {
	// Operations lists the operations the provider supports.
	Operations []Operation
}

// Supports reports whether op is in c.Operations.
func (c Capabilities) Supports(op Operation) bool { return slices.Contains(c.Operations, op) }

// Limits bound one batch, as the vendor does. Zero fields take
// DefaultLimits'.
type Limits struct {
	// MaxEvents bounds the events of a batch.
	MaxEvents int
	// MaxBytes bounds the sum of the batch's encoded events (the vendor's
	// envelope around them is the driver's to leave room for).
	MaxBytes int
	// MaxEventBytes bounds one encoded event; a larger one is refused
	// before anything is sent.
	MaxEventBytes int
}

// DefaultLimits are the limits of a driver that declares none.
var DefaultLimits = Limits{MaxEvents: 500, MaxBytes: 5 << 20, MaxEventBytes: 1 << 20}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = DefaultLimits.MaxEvents
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxEventBytes <= 0 {
		l.MaxEventBytes = min(DefaultLimits.MaxEventBytes, l.MaxBytes)
	}
	l.MaxEventBytes = min(l.MaxEventBytes, l.MaxBytes)
	return l
}

// Item is one event of a batch.
type Item struct {
	// Index is the event's position in the post (PostEvents' slice, or the
	// Writer's sequence of accepted events).
	Index int
	// Event is the event; JSON is its OCSF JSON, compact, as the driver
	// should send it.
	Event ocsf.Event
	JSON  []byte
}

// Batch is what a driver writes in one call.
type Batch struct {
	// Location is the post's PostOptions.Location: where in the sink the
	// events go, in the provider's terms (an index, a path prefix), or ""
	// for the integration's default.
	Location string
	Items    []Item
	// Bytes is the sum of the items' JSON lengths.
	Bytes int
}

// Driver is what a sink provider implements. The Connector has validated
// and encoded every event, and cut the batch within the driver's Limits,
// before WriteBatch runs; it wraps the errors the driver returns with the
// provider and the operation.
type Driver interface {
	// Limits returns the driver's batch limits.
	Limits() Limits
	// WriteBatch writes the batch. It returns nil when every event was
	// written; a *BatchError when the vendor wrote some and refused others
	// (saying which, and whether each is safe to send again); any other
	// error when the batch failed as a whole. A driver never re-sends a
	// batch itself unless the vendor makes that safe: the connector decides.
	WriteBatch(ctx context.Context, b *Batch) error
	// Close releases what the driver holds.
	Close() error
}

// ItemFailure is one event of a batch the vendor refused.
type ItemFailure struct {
	// Item is the position of the event in Batch.Items.
	Item int
	// Err says why, as an *errs.Error where the driver can (the vendor's
	// status and message in it, redacted).
	Err error
	// Retryable reports whether sending the event again is safe and may
	// succeed (the vendor was busy, not offended by the event).
	Retryable bool
}

// BatchError is WriteBatch's error when some events of the batch were
// written and others were not.
type BatchError struct {
	Failures []ItemFailure
}

// Error says how many events were refused, and the first one's reason.
func (e *BatchError) Error() string {
	if len(e.Failures) == 0 {
		return "sink: the batch had failed events"
	}
	return fmt.Sprintf("%d events of the batch were refused; the first: %v", len(e.Failures), e.Failures[0].Err)
}

// Unimplemented answers every operation with errs.ErrUnsupported; drivers
// embed it and override what their provider supports.
type Unimplemented struct{}

// Limits implements Driver.
func (Unimplemented) Limits() Limits { return DefaultLimits }

// WriteBatch implements Driver.
func (Unimplemented) WriteBatch(context.Context, *Batch) error {
	return errs.New(errs.Unsupported, "this provider does not support %s", OpPostEvents)
}

// Close implements Driver.
func (Unimplemented) Close() error { return nil }
