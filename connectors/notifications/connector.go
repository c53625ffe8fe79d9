package notifications

import (
	"context"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// Limits on user text sent to providers.
const (
	MaxSummaryLen = kit.MaxSummaryLen
	MaxTextLen    = kit.MaxTextLen
	MaxIDLen      = kit.MaxIDLen
)

// Connector is the portable notifications API, bound to one integration.
// It is safe for concurrent use. Get one with Open (an integration of the
// management plane) or NewConnector (a driver built directly).
type Connector struct {
	b *kit.Binding[Driver]
}

// Open returns the notifications connector of the integration with the
// given id, resolved through src: a *synqly.Client (any account's
// integration) or a *synqly.AccountScope (one of that account's). It fails
// at once if the integration does not exist in src's scope, is not a
// notifications integration, or has an expired credential; afterwards
// every call resolves the driver again (cheaply: src caches it), so the
// connector follows changes of the integration and fails once it is
// deleted.
//
//	nc, err := notifications.Open(ctx, client.Account(accountID), integrationID)
func Open(ctx context.Context, src providers.Source, integrationID string) (*Connector, error) {
	return kit.Open(ctx, providers.Notifications, src, integrationID, bound)
}

func bound(b *kit.Binding[Driver]) *Connector { return &Connector{b: b} }

// NewConnector returns a Connector over a driver built directly with the
// registration's Open (tests, programs without a store): r declares what
// the driver supports. Telemetry goes to the OpenTelemetry globals; tel,
// if given, says where else.
func NewConnector(r Registration, d Driver, tel ...providers.Telemetry) *Connector {
	return bound(kit.Fixed(r.Provider(), d, tel...))
}

func do[T any](ctx context.Context, c *Connector, op Operation, fn func(ctx context.Context, d Driver) (T, error)) (T, error) {
	if c == nil {
		var zero T
		return zero, errs.New(errs.InvalidInput, "notifications: nil Connector")
	}
	return kit.Do(ctx, c.b, string(op), func(ctx context.Context, d Driver, _ *providers.Resolved) (T, error) { return fn(ctx, d) })
}

// Capabilities returns what the connector's provider supports.
func (c *Connector) Capabilities(ctx context.Context) (Capabilities, error) {
	if c == nil {
		return Capabilities{}, errs.New(errs.InvalidInput, "notifications: nil Connector")
	}
	return kit.Capabilities[Driver, Capabilities](ctx, c.b)
}

// CreateMessage sends a notification. Summary is required; priority, if
// set, is one of ticketing.Priorities.
func (c *Connector) CreateMessage(ctx context.Context, req CreateMessageRequest) (*Notification, error) {
	if err := validateCreate(&req); err != nil {
		return nil, err
	}
	return do(ctx, c, OpCreateMessage, func(ctx context.Context, d Driver) (*Notification, error) {
		return checked(d.CreateMessage(ctx, req))
	})
}

func validateCreate(req *CreateMessageRequest) error {
	if err := kit.CheckFields(kit.Fields{Summary: req.Summary, Name: req.Name, Creator: req.Creator, Assignee: req.Assignee,
		Contact: req.Contact, Status: req.Status, Project: req.Project, IssueType: req.IssueType,
		Description: req.Description, Tags: req.Tags}); err != nil {
		return err
	}
	if err := req.Priority.Validate(); err != nil {
		return err
	}
	return textcheck.Check("", req)
}

// GetMessage returns the notification with the id.
func (c *Connector) GetMessage(ctx context.Context, id string) (*Notification, error) {
	if err := kit.CheckID("notification_id", id); err != nil {
		return nil, err
	}
	return do(ctx, c, OpGetMessage, func(ctx context.Context, d Driver) (*Notification, error) {
		return checked(d.GetMessage(ctx, id))
	})
}

// ClearMessage marks the notification resolved: its notification_status
// becomes CLOSED and the provider shows it cleared (Slack and Teams update
// or follow up the message, Jira resolves the issue). Clearing twice is not
// an error.
func (c *Connector) ClearMessage(ctx context.Context, id string) error {
	if err := kit.CheckID("notification_id", id); err != nil {
		return err
	}
	_, err := do(ctx, c, OpClearMessage, func(ctx context.Context, d Driver) (struct{}, error) {
		return struct{}{}, d.ClearMessage(ctx, id)
	})
	return err
}

// checked refuses a driver's nil notification without an error.
func checked(n *Notification, err error) (*Notification, error) {
	if err == nil && n == nil {
		return nil, errs.New(errs.Internal, "the driver returned no notification and no error")
	}
	return n, err
}
