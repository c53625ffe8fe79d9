package synqly

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/webhook"
)

// EventType names what happened.
type EventType string

// The event types. The management changes are named <resource>.<change>;
// connection.*, sync.* are those of the sync plane's webhooks (seed 004's
// webhook_event_type).
const (
	EventAccountCreated     EventType = "account.created"
	EventAccountUpdated     EventType = "account.updated"
	EventAccountDeleted     EventType = "account.deleted"
	EventIntegrationCreated EventType = "integration.created"
	EventIntegrationUpdated EventType = "integration.updated"
	EventIntegrationDeleted EventType = "integration.deleted"
	EventCredentialCreated  EventType = "credential.created"
	EventCredentialUpdated  EventType = "credential.updated"
	EventCredentialDeleted  EventType = "credential.deleted"
	EventConnectionCreated  EventType = "connection.created"
	EventConnectionDeleted  EventType = "connection.deleted"
	EventSyncComplete       EventType = "sync.complete"
	EventSyncPaused         EventType = "sync.paused"
)

// EventTypes lists every event type, for webhook filters.
var EventTypes = []EventType{
	EventAccountCreated, EventAccountUpdated, EventAccountDeleted,
	EventIntegrationCreated, EventIntegrationUpdated, EventIntegrationDeleted,
	EventCredentialCreated, EventCredentialUpdated, EventCredentialDeleted,
	EventConnectionCreated, EventConnectionDeleted, EventSyncComplete, EventSyncPaused,
}

// Event is one thing that happened, as subscribers and webhooks receive
// it. It is written to the store's outbox in the transaction of the change
// that caused it, and delivered at least once. It never holds a secret.
//
// The JSON carries both seeds' names: event (the hosted system's
// organization webhook payload) and webhook_event_type (seed 004), the
// same value; customer_id and connection_id are seed 004's names for the
// account and the integration.
type Event struct {
	ID        string    `json:"id"`
	Type      EventType `json:"event"`
	CreatedAt time.Time `json:"created_at"`
	// Nonce is unique per event, against replays of a webhook delivery.
	Nonce         string `json:"nonce"`
	AccountID     string `json:"account_id,omitempty"`
	IntegrationID string `json:"integration_id,omitempty"`
	// ResourceID is the id of the object the event is about.
	ResourceID string `json:"resource_id"`
	// Provider and Category describe the integration, where there is one.
	Provider string `json:"provider_name,omitempty"`
	Category string `json:"category,omitempty"`
	// The sync plane's fields: the run, the object, the outcome.
	SyncID           string `json:"sync_id,omitempty"`
	RunID            string `json:"run_id,omitempty"`
	Object           string `json:"object,omitempty"`
	Result           string `json:"result,omitempty"`
	NumRecordsSynced *int64 `json:"num_records_synced,omitempty"`
	ErrorMessage     string `json:"error_message,omitempty"`
	PauseReason      string `json:"pause_reason,omitempty"`
	// Account and Integration hold the object as it is after the change
	// (before it, for a deletion), where the event is about one.
	Account     *Account     `json:"account,omitempty"`
	Integration *Integration `json:"integration,omitempty"`
}

// MarshalJSON adds seed 004's names for the same values.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		plain
		WebhookEventType EventType `json:"webhook_event_type"`
		CustomerID       string    `json:"customer_id,omitempty"`
		ConnectionID     string    `json:"connection_id,omitempty"`
		Type             string    `json:"type,omitempty"`
		ObjectType       string    `json:"object_type,omitempty"`
	}{plain: plain(e), WebhookEventType: e.Type, CustomerID: e.AccountID, ConnectionID: e.IntegrationID,
		Type: ifSet(e.Object, "object"), ObjectType: ifSet(e.Object, "common")})
}

func ifSet(cond, v string) string {
	if cond == "" {
		return ""
	}
	return v
}

// recordEvent writes ev to the outbox in tx and enqueues its delivery in
// the same transaction.
func (c *Client) recordEvent(ctx context.Context, tx store.Tx, ev *Event) error {
	ev.ID = c.newID()
	ev.CreatedAt = c.eventTime()
	ev.Nonce = webhook.NewNonce()
	if err := insert(ctx, tx, store.Events, ev.ID, "", ev); err != nil {
		return err
	}
	return c.enqueue(ctx, tx, eventArgs{EventID: ev.ID}, nil)
}

// eventTime returns now, strictly after the previous event's time, so the
// outbox's order (created_at, then id) is the order events were recorded
// in by this client.
func (c *Client) eventTime() time.Time {
	c.eventMu.Lock()
	defer c.eventMu.Unlock()
	t := c.now()
	if !t.After(c.lastEvent) {
		t = c.lastEvent.Add(time.Nanosecond)
	}
	c.lastEvent = t
	return t
}

// changeEvent is the event of a management change, if it has one.
func changeEvent(ch *change) *Event {
	var kind string
	switch ch.op {
	case AuditCreate:
		kind = "created"
	case AuditUpdate, AuditPatch:
		kind = "updated"
	case AuditDelete:
		kind = "deleted"
	default:
		return nil
	}
	switch ch.resourceType {
	case "account", "integration", "credential":
	default:
		return nil
	}
	ev := &Event{Type: EventType(ch.resourceType + "." + kind), AccountID: ch.accountID, ResourceID: ch.resourceID}
	if ch.resourceType == "integration" {
		ev.IntegrationID = ch.resourceID
	}
	return ev
}

// Subscriber receives events. An error makes the delivery job fail and
// retry later with every subscriber of the client: delivery is at least
// once, so a subscriber should be idempotent (Event.ID is unique).
type Subscriber func(ctx context.Context, ev *Event) error

// subscribers holds the client's subscribers.
type subscribers struct {
	mu   sync.RWMutex
	next int
	subs map[int]subscription
}

type subscription struct {
	fn    Subscriber
	types []EventType
}

// Subscribe registers fn for events of the given types (every type when
// none is given) and returns a function that unregisters it. Subscribers
// run in the processes whose workers run (StartWorkers): an event recorded
// by any client on the database reaches the subscribers of the client
// whose worker delivers it.
func (c *Client) Subscribe(fn Subscriber, types ...EventType) (unsubscribe func()) {
	c.subs.mu.Lock()
	defer c.subs.mu.Unlock()
	if c.subs.subs == nil {
		c.subs.subs = map[int]subscription{}
	}
	id := c.subs.next
	c.subs.next++
	c.subs.subs[id] = subscription{fn: fn, types: slices.Clone(types)}
	return func() {
		c.subs.mu.Lock()
		defer c.subs.mu.Unlock()
		delete(c.subs.subs, id)
	}
}

func (s *subscribers) matching(t EventType) []Subscriber {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]int, 0, len(s.subs))
	for k := range s.subs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []Subscriber
	for _, k := range keys {
		sub := s.subs[k]
		if len(sub.types) == 0 || slices.Contains(sub.types, t) {
			out = append(out, sub.fn)
		}
	}
	return out
}

// EventsService lists the outbox: every event recorded, delivered or not.
type EventsService struct{ c *Client }

// List returns one page of events. Fields: id, event (the type), created_at,
// account_id, integration_id, resource_id; default order created_at.
func (s *EventsService) List(ctx context.Context, opts ListOptions) (*Page[Event], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Events}, opts, decodeDoc[Event])
}

// All iterates over every event matching opts, page by page.
func (s *EventsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*Event, error] {
	return all(ctx, opts, s.List)
}

// Get returns one event.
func (s *EventsService) Get(ctx context.Context, id string) (*Event, error) {
	ev, _, err := get[Event](ctx, s.c.store, store.Events, id)
	return ev, err
}

// eventArgs is the job that delivers one event: to the Go subscribers of
// the worker's client, and, by adding a pending delivery per matching
// webhook, to the organization's webhooks.
type eventArgs struct {
	EventID string `json:"event_id"`
}

func (eventArgs) Kind() string { return "synqly_event" }

type eventWorker struct {
	river.WorkerDefaults[eventArgs]
	c *Client
}

func (w *eventWorker) Work(ctx context.Context, job *river.Job[eventArgs]) error {
	c := w.c
	ev, _, err := get[Event](ctx, c.store, store.Events, job.Args.EventID)
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err) // purged: nothing to deliver
	}
	if err != nil {
		return err
	}
	// Recording the webhook deliveries is idempotent (one per event and
	// webhook), so a retry of this job adds none twice.
	if err := c.queueWebhookDeliveries(ctx, ev); err != nil {
		return err
	}
	for _, fn := range c.subs.matching(ev.Type) {
		if err := fn(ctx, ev); err != nil {
			return errs.Wrap(errs.Internal, err, "a subscriber refused event %s (%s)", ev.ID, ev.Type)
		}
	}
	return nil
}
