package synqly

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
)

// AuditOperation is what an audited call did.
type AuditOperation string

// Audited operations.
const (
	AuditCreate    AuditOperation = "create"
	AuditUpdate    AuditOperation = "update"
	AuditPatch     AuditOperation = "patch"
	AuditDelete    AuditOperation = "delete"
	AuditRotateKey AuditOperation = "rotate_key"
)

// AuditOutcome says whether an audited call succeeded.
type AuditOutcome string

// Audit outcomes.
const (
	AuditSuccess AuditOutcome = "success"
	AuditFailure AuditOutcome = "failure"
)

// AuditEvent records one change, or one refused attempt at a change. It never
// holds a value of a secret field: patches record the paths they touched,
// failures the error code and message (which never contain secrets).
type AuditEvent struct {
	ID        string         `json:"id"`
	CreatedAt time.Time      `json:"created_at"`
	Actor     string         `json:"actor"`
	Operation AuditOperation `json:"operation"`
	// ResourceType is account, integration_point, integration, credential,
	// or key (for RotateKey).
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	// AccountID is the account the resource belongs to, if any.
	AccountID string       `json:"account_id,omitempty"`
	Outcome   AuditOutcome `json:"outcome"`
	// Paths lists the JSON Pointers a patch touched.
	Paths []string `json:"paths,omitempty"`
	// Error is the code and message of a failure.
	Error string `json:"error,omitempty"`
}

type actorKey struct{}

// MaxActorLen is the longest actor WithActor accepts, in bytes.
const MaxActorLen = 256

// WithActor returns a context that attributes the changes made with it to
// actor (a user name, e-mail or service id) in the audit trail. Changes made
// with a context that names no actor are recorded with actor "unknown". An
// actor must be valid UTF-8 of at most MaxActorLen bytes without control
// characters; a change made with any other actor is refused with
// ErrInvalidInput (Field "actor") before it touches the store.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// checkActor validates the actor of ctx, once per change.
func checkActor(ctx context.Context) error {
	a := ActorFrom(ctx)
	switch {
	case len(a) > MaxActorLen:
		return errs.Invalid("actor", "the actor set by WithActor is %d bytes long; the limit is %d", len(a), MaxActorLen)
	case !utf8.ValidString(a):
		return errs.Invalid("actor", "the actor set by WithActor is not valid UTF-8")
	case strings.ContainsFunc(a, unicode.IsControl):
		return errs.Invalid("actor", "the actor set by WithActor contains a control character (such as NUL)")
	}
	return nil
}

// ActorFrom returns the actor set by WithActor, or "unknown".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "unknown"
}

// AuditService lists the audit trail. Get it from Client.Audit.
type AuditService struct {
	c         *Client
	scoped    bool   // only accountID's events (see Client.Account)
	accountID string // the account of a scoped service
}

// List returns one page of audit events, oldest first unless opts.Order says
// otherwise. Fields: id, created_at, actor, operation, resource_type,
// resource_id, account_id, outcome.
func (s *AuditService) List(ctx context.Context, opts ListOptions) (*Page[AuditEvent], error) {
	if s.scoped {
		if err := checkScope(s.accountID); err != nil {
			return nil, err
		}
	}
	return listPage(ctx, s.c, store.ListRequest{Kind: store.AuditEvents, AccountID: s.accountID}, opts, decodeDoc[AuditEvent])
}

// All iterates over every audit event matching opts, page by page.
func (s *AuditService) All(ctx context.Context, opts ListOptions) iter.Seq2[*AuditEvent, error] {
	return all(ctx, opts, s.List)
}

// change describes a mutation for the audit trail; the mutation fills in what
// it learns (the id of a new object, its account).
type change struct {
	op           AuditOperation
	resourceType string
	resourceID   string
	accountID    string
	paths        []string
}

// mutate runs fn in one store transaction together with the audit event that
// records it, so a change and its record land together or not at all. A
// failure is recorded afterwards in a transaction of its own.
func (c *Client) mutate(ctx context.Context, ch *change, fn func(tx store.Tx) error) error {
	if ctx == nil {
		return errs.Invalid("ctx", "nil context")
	}
	if c.closed.Load() {
		return errClosed()
	}
	if err := checkActor(ctx); err != nil {
		// Nothing is recorded: the audit trail cannot name this actor.
		return err
	}
	err := c.store.Update(ctx, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if ev := changeEvent(ch); ev != nil {
			if err := c.recordEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		return c.appendAudit(ctx, tx, ch, nil)
	})
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "synqly: change refused", slog.String("op", string(ch.op)),
			slog.String("resource_type", ch.resourceType), slog.String("resource_id", ch.resourceID),
			slog.String("error", err.Error()))
		if aerr := c.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
			return c.appendAudit(ctx, tx, ch, err)
		}); aerr != nil {
			c.log.Warn("synqly: could not record a failed change in the audit trail", "error", aerr.Error())
		}
		return err
	}
	c.drivers.invalidate() // cached connector drivers revalidate against the store
	c.log.LogAttrs(ctx, slog.LevelDebug, "synqly: change", slog.String("op", string(ch.op)),
		slog.String("resource_type", ch.resourceType), slog.String("resource_id", ch.resourceID))
	return nil
}

func (c *Client) appendAudit(ctx context.Context, tx store.Tx, ch *change, failure error) error {
	ev := AuditEvent{
		ID:           c.newID(),
		CreatedAt:    c.now(),
		Actor:        ActorFrom(ctx),
		Operation:    ch.op,
		ResourceType: ch.resourceType,
		ResourceID:   ch.resourceID,
		AccountID:    ch.accountID,
		Outcome:      AuditSuccess,
		Paths:        ch.paths,
	}
	if failure != nil {
		ev.Outcome = AuditFailure
		var e *errs.Error
		if errors.As(failure, &e) {
			ev.Error = string(e.Code) + ": " + e.Message
		} else {
			ev.Error = string(errs.Internal)
		}
	}
	doc, err := json.Marshal(ev)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding an audit event")
	}
	return tx.Insert(ctx, &store.Object{Kind: store.AuditEvents, ID: ev.ID, Doc: doc})
}
