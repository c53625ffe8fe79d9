package notifications

import (
	"context"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
)

// Capabilities describe what a provider can do. A provider declares them
// once, in its Registration; the registry, the capability listings and the
// Connector's gate all read them from there.
type Capabilities struct {
	// Operations lists the operations the provider supports; the Connector
	// answers every other one with errs.ErrUnsupported before calling the
	// driver, and the driver answers them with errs.ErrUnsupported too (by
	// embedding Unimplemented), which notificationstest checks.
	Operations []Operation
}

// Supports reports whether op is in c.Operations.
func (c Capabilities) Supports(op Operation) bool { return slices.Contains(c.Operations, op) }

func (c Capabilities) clone() Capabilities {
	return Capabilities{Operations: slices.Clone(c.Operations)}
}

// Driver is what a notifications provider implements. The Connector has
// checked every argument (ids well formed, a summary present, text within
// its limits) before a driver method runs, and wraps the errors a driver
// returns with the provider and the operation; drivers return errs codes
// (errs.ErrNotFound for an unknown id, errs.ErrInvalidInput for what the
// provider refuses).
type Driver interface {
	// CreateMessage sends a notification and returns it with its id and
	// notification_status OPEN.
	CreateMessage(ctx context.Context, req CreateMessageRequest) (*Notification, error)
	// GetMessage returns the notification with the id.
	GetMessage(ctx context.Context, id string) (*Notification, error)
	// ClearMessage marks the notification resolved (CLOSED) where the
	// provider shows it. Clearing a cleared notification is not an error.
	ClearMessage(ctx context.Context, id string) error
	// Close releases what the driver holds.
	Close() error
}

// Unimplemented answers every operation with errs.ErrUnsupported. Drivers
// embed it, so that a method added to Driver does not break them, and
// override what their provider supports.
type Unimplemented struct{}

func unsupported(op Operation) error {
	return errs.New(errs.Unsupported, "this provider does not support %s", op)
}

// CreateMessage implements Driver.
func (Unimplemented) CreateMessage(context.Context, CreateMessageRequest) (*Notification, error) {
	return nil, unsupported(OpCreateMessage)
}

// GetMessage implements Driver.
func (Unimplemented) GetMessage(context.Context, string) (*Notification, error) {
	return nil, unsupported(OpGetMessage)
}

// ClearMessage implements Driver.
func (Unimplemented) ClearMessage(context.Context, string) error { return unsupported(OpClearMessage) }

// Close implements Driver.
func (Unimplemented) Close() error { return nil }
