package mock

import (
	"context"
	"strings"
	"unicode"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// NotificationsID is the provider config id of the mock notifications
// provider.
const NotificationsID = "notifications_mock_notifications"

// NotificationIDPrefix starts the id of every mock notification: "MSG-"
// and eight digits, in creation order.
const NotificationIDPrefix = "MSG-"

// prefixNotification keys a notification in the State:
// notification/<id> → notifications.Notification.
const prefixNotification = "notification/"

// NotificationsConfig is the notifications_mock_notifications provider
// configuration. The mock needs no credential.
type NotificationsConfig struct {
	// Channel names where the messages would go; the mock records it on
	// each message's Project when the request names none.
	Channel string `json:"channel,omitempty"`
}

// Validate implements providers.Config.
func (c *NotificationsConfig) Validate() error {
	if len(c.Channel) > 256 || strings.ContainsFunc(c.Channel, unicode.IsControl) {
		return errs.Invalid("channel", "channel must be one line of at most 256 bytes")
	}
	return textcheck.String("channel", c.Channel)
}

// CredentialRefs implements providers.Config; the mock has none.
func (c *NotificationsConfig) CredentialRefs() map[string]*credential.Ref { return nil }

// Notifications is the registration of the mock notifications provider, and
// its constructor: Notifications.Open builds a driver. It supports every
// notifications operation and keeps the messages in the integration's
// State (under notification/<id>), so they survive a restart.
var Notifications = notifications.Registration{
	ID:           NotificationsID,
	Fullname:     "Mock Notifications",
	NewConfig:    func() providers.Config { return new(NotificationsConfig) },
	Capabilities: notifications.Capabilities{Operations: notifications.Operations},
	Open:         openNotifications,
}

func init() { notifications.Register(Notifications) }

// notifier is the mock notifications driver.
type notifier struct {
	notifications.Unimplemented // never reached: the mock implements every operation
	stateStore
	channel string
}

var _ notifications.Driver = (*notifier)(nil)

func openNotifications(_ context.Context, req providers.OpenRequest) (notifications.Driver, error) {
	cfg := &NotificationsConfig{}
	if req.Config != nil {
		c, ok := req.Config.(*NotificationsConfig)
		if !ok {
			return nil, errs.New(errs.Internal, "provider %s got a %T configuration, want *mock.NotificationsConfig", NotificationsID, req.Config)
		}
		if c != nil {
			cfg = c
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &notifier{stateStore: newStateStore(req), channel: cfg.Channel}, nil
}

// CreateMessage implements notifications.Driver: the message is kept, OPEN,
// under a fresh id.
func (d *notifier) CreateMessage(ctx context.Context, req notifications.CreateMessageRequest) (*notifications.Notification, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if req.Summary == "" {
		return nil, errs.Invalid("summary", "summary is required")
	}
	n := req.Notification()
	n.NotificationStatus = notifications.StatusOpen
	if n.Project == "" {
		n.Project = d.channel
	}
	err := d.state.Update(ctx, func(tx providers.StateTx) error {
		seq, err := d.next(ctx, tx, func(m *meta) *int64 { return &m.Notifications })
		if err != nil {
			return err
		}
		n.ID = formatID(NotificationIDPrefix, seq)
		return d.putJSON(ctx, tx, prefixNotification+n.ID, n)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// GetMessage implements notifications.Driver.
func (d *notifier) GetMessage(ctx context.Context, id string) (*notifications.Notification, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if _, ok := parseID(NotificationIDPrefix, id); !ok {
		return nil, notificationNotFound(id)()
	}
	var n notifications.Notification
	if err := d.getJSON(ctx, d.state, prefixNotification+id, &n, notificationNotFound(id)); err != nil {
		return nil, err
	}
	return &n, nil
}

// ClearMessage implements notifications.Driver: the message becomes
// CLOSED, in one State transaction.
func (d *notifier) ClearMessage(ctx context.Context, id string) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if _, ok := parseID(NotificationIDPrefix, id); !ok {
		return notificationNotFound(id)()
	}
	return d.state.Update(ctx, func(tx providers.StateTx) error {
		var n notifications.Notification
		if err := d.getJSON(ctx, tx, prefixNotification+id, &n, notificationNotFound(id)); err != nil {
			return err
		}
		if n.NotificationStatus == notifications.StatusClosed {
			return nil
		}
		n.NotificationStatus = notifications.StatusClosed
		return d.putJSON(ctx, tx, prefixNotification+id, &n)
	})
}

// Close implements notifications.Driver; the State stays as it is.
func (d *notifier) Close() error { return nil }

func notificationNotFound(id string) func() error {
	return func() error { return errs.New(errs.NotFound, "notification %q not found", clip(id)) }
}
