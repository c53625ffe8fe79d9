package synqly

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/webhook"
)

// Webhook is an organization webhook (the hosted system's
// OrganizationWebhook): events of the types in Filters are POSTed to URL,
// signed with the webhook's secret (see package webhook for the scheme a
// receiver verifies). The secret is sealed like a credential's and never
// returned.
type Webhook struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	URL      string `json:"url"`
	// Filters lists the event types delivered; "all" (or none) is every
	// type.
	Filters   []string  `json:"filters,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateWebhookRequest creates a webhook. Secret signs the deliveries: at
// least 16 bytes.
type CreateWebhookRequest struct {
	Name     string            `json:"name,omitempty"`
	Fullname string            `json:"fullname,omitempty"`
	URL      string            `json:"url"`
	Filters  []string          `json:"filters,omitempty"`
	Secret   credential.Secret `json:"secret"`
}

// WebhookDeliveryStatus is the state of a delivery.
type WebhookDeliveryStatus string

// The delivery states.
const (
	DeliveryPending   WebhookDeliveryStatus = "pending"
	DeliveryDelivered WebhookDeliveryStatus = "delivered"
	DeliveryFailed    WebhookDeliveryStatus = "failed"
)

// WebhookDelivery is the delivery of one event to one webhook, with its
// attempts.
type WebhookDelivery struct {
	ID        string                `json:"id"`
	WebhookID string                `json:"webhook_id"`
	EventID   string                `json:"event_id"`
	EventType EventType             `json:"event_type"`
	AccountID string                `json:"account_id,omitempty"`
	Status    WebhookDeliveryStatus `json:"status"`
	Attempts  int                   `json:"attempts"`
	// History lists the attempts, oldest first (at most the last 20).
	History   []DeliveryAttempt `json:"history,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
	Response   string    `json:"response,omitempty"`
}

// WebhooksService manages the organization's webhooks and lists their
// deliveries.
type WebhooksService struct{ c *Client }

type webhookSecret struct {
	Secret string `json:"secret"`
}

const maxDeliveryHistory = 20

func (c *Client) normalizeWebhook(w *Webhook) error {
	var err error
	if w.Name, w.Fullname, err = resolveNames(w.Name, w.Fullname, w.ID); err != nil {
		return err
	}
	if err := checkWebhookURL(w.URL); err != nil {
		return err
	}
	for i, f := range w.Filters {
		if f != "all" && !slices.Contains(EventTypes, EventType(f)) {
			return errs.Invalid("filters["+strconv.Itoa(i)+"]", "filter %q is not an event type; use all or one of the EventTypes", clip(f))
		}
	}
	return nil
}

func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return errs.Invalid("url", "the webhook url must be an absolute http or https URL without user info, at most 2048 bytes")
	}
	return nil
}

// Create creates a webhook.
func (s *WebhooksService) Create(ctx context.Context, req CreateWebhookRequest) (*Webhook, error) {
	now := s.c.now()
	w := &Webhook{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, URL: req.URL,
		Filters: slices.Clone(req.Filters), CreatedAt: now, UpdatedAt: now}
	if len(req.Secret.Reveal()) < 16 || len(req.Secret.Reveal()) > 1024 {
		return nil, errs.Invalid("secret", "the webhook secret must be 16 to 1024 bytes")
	}
	ch := &change{op: AuditCreate, resourceType: "webhook", resourceID: w.ID}
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if err := s.c.normalizeWebhook(w); err != nil {
			return err
		}
		return s.c.insertSealed(ctx, tx, store.Webhooks, w.ID, w, webhookSecret{Secret: req.Secret.Reveal()})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Get returns a webhook.
func (s *WebhooksService) Get(ctx context.Context, id string) (*Webhook, error) {
	w, _, err := get[Webhook](ctx, s.c.store, store.Webhooks, id)
	return w, err
}

// List returns one page of webhooks. Fields: id, name, fullname, url,
// created_at, updated_at.
func (s *WebhooksService) List(ctx context.Context, opts ListOptions) (*Page[Webhook], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Webhooks}, opts, decodeDoc[Webhook])
}

// Update replaces a webhook's name, fullname, url and filters (the secret
// stays unless secret is not empty). UpdatedAt is the precondition, as for
// accounts.
func (s *WebhooksService) Update(ctx context.Context, id string, w Webhook, secret credential.Secret) (*Webhook, error) {
	if secret != "" && (len(secret.Reveal()) < 16 || len(secret.Reveal()) > 1024) {
		return nil, errs.Invalid("secret", "the webhook secret must be 16 to 1024 bytes")
	}
	var out *Webhook
	err := s.c.mutate(ctx, &change{op: AuditUpdate, resourceType: "webhook", resourceID: id}, func(tx store.Tx) error {
		cur, obj, err := get[Webhook](ctx, tx, store.Webhooks, id)
		if err != nil {
			return err
		}
		if err := unchangedSince("webhook", id, w.UpdatedAt, cur.UpdatedAt); err != nil {
			return err
		}
		w.ID, w.CreatedAt, w.UpdatedAt = id, cur.CreatedAt, touched(s.c.now(), cur.UpdatedAt)
		if err := s.c.normalizeWebhook(&w); err != nil {
			return err
		}
		if secret != "" {
			if err := s.c.sealInto(obj, webhookSecret{Secret: secret.Reveal()}); err != nil {
				return err
			}
		}
		out = &w
		return replaceDoc(ctx, tx, obj, &w)
	})
	return out, err
}

// Delete removes a webhook and its deliveries.
func (s *WebhooksService) Delete(ctx context.Context, id string) error {
	return s.c.mutate(ctx, &change{op: AuditDelete, resourceType: "webhook", resourceID: id}, func(tx store.Tx) error {
		return tx.Delete(ctx, store.Webhooks, id)
	})
}

// Deliveries returns one page of deliveries. Fields: id, webhook_id,
// event_id, event_type, status, attempts, created_at, updated_at,
// account_id; default order created_at.
func (s *WebhooksService) Deliveries(ctx context.Context, opts ListOptions) (*Page[WebhookDelivery], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.WebhookDeliveries}, opts, decodeDoc[WebhookDelivery])
}

// AllDeliveries iterates over every delivery matching opts.
func (s *WebhooksService) AllDeliveries(ctx context.Context, opts ListOptions) iter.Seq2[*WebhookDelivery, error] {
	return all(ctx, opts, s.Deliveries)
}

func (w *Webhook) wants(t EventType) bool {
	return len(w.Filters) == 0 || slices.Contains(w.Filters, "all") || slices.Contains(w.Filters, string(t))
}

// queueWebhookDeliveries records a pending delivery of ev for every webhook
// that wants it, once (the delivery id is the event's and the webhook's),
// and enqueues each webhook's delivery job in the same transaction.
func (c *Client) queueWebhookDeliveries(ctx context.Context, ev *Event) error {
	for w, err := range all(ctx, ListOptions{Limit: filter.MaxLimit}, c.Webhooks.List) {
		if err != nil {
			return err
		}
		if !w.wants(ev.Type) {
			continue
		}
		id := compositeID(ev.ID, w.ID)
		err := c.store.Update(ctx, func(tx store.Tx) error {
			if _, err := tx.Get(ctx, store.WebhookDeliveries, id); err == nil {
				return nil
			} else if errs.CodeOf(err) != errs.NotFound {
				return err
			}
			d := &WebhookDelivery{ID: id, WebhookID: w.ID, EventID: ev.ID, EventType: ev.Type, AccountID: ev.AccountID,
				Status: DeliveryPending, CreatedAt: ev.CreatedAt, UpdatedAt: ev.CreatedAt}
			if err := insert(ctx, tx, store.WebhookDeliveries, id, "", d); err != nil {
				return err
			}
			return c.enqueue(ctx, tx, webhookArgs{WebhookID: w.ID}, uniqueJob())
		})
		if err != nil && errs.CodeOf(err) != errs.NotFound { // a webhook deleted meanwhile
			return err
		}
	}
	return nil
}

// enqueuePendingWebhooks enqueues the delivery job of every webhook with a
// pending delivery: the periodic safety net for a delivery job that found
// nothing just before a new delivery was added.
func (c *Client) enqueuePendingWebhooks(ctx context.Context) error {
	seen := map[string]bool{}
	for d, err := range all(ctx, ListOptions{Filter: []string{"status[eq]pending"}, Limit: filter.MaxLimit}, c.Webhooks.Deliveries) {
		if err != nil {
			return err
		}
		if seen[d.WebhookID] {
			continue
		}
		seen[d.WebhookID] = true
		if err := c.store.Update(ctx, func(tx store.Tx) error {
			return c.enqueue(ctx, tx, webhookArgs{WebhookID: d.WebhookID}, uniqueJob())
		}); err != nil {
			return err
		}
	}
	return nil
}

// uniqueJob makes a job unique by its arguments among the jobs not yet
// finished: at most one is queued, waiting to retry or running. (River's
// default states also count completed jobs, which would hold a new run
// back until the completed one is cleaned out.)
func uniqueJob() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// webhookArgs is the job that delivers a webhook's pending deliveries, in
// the order of their events, one at a time: a receiver that is down holds
// the later events back until it takes the earlier ones, so it sees them in
// order.
type webhookArgs struct {
	WebhookID string `json:"webhook_id"`
}

func (webhookArgs) Kind() string { return "synqly_webhook" }

type webhookWorker struct {
	river.WorkerDefaults[webhookArgs]
	c *Client
}

// NextRetry backs off from 1s to 10 minutes: the job is retried until the
// receiver recovers (MaxAttempts is raised to keep it going about a day).
func (w *webhookWorker) NextRetry(job *river.Job[webhookArgs]) time.Time {
	d := time.Second << min(job.Attempt, 10)
	return time.Now().Add(min(d, 10*time.Minute))
}

func (w *webhookWorker) Work(ctx context.Context, job *river.Job[webhookArgs]) error {
	c := w.c
	hook, obj, err := get[Webhook](ctx, c.store, store.Webhooks, job.Args.WebhookID)
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	var sec webhookSecret
	if err := c.unsealInto(obj, &sec); err != nil {
		return err
	}
	for {
		p, err := c.Webhooks.Deliveries(ctx, ListOptions{
			Filter: []string{"webhook_id[eq]" + hook.ID, "status[eq]pending"}, Order: []string{"created_at", "id"}, Limit: 100})
		if err != nil {
			return err
		}
		if len(p.Result) == 0 {
			return nil
		}
		for _, d := range p.Result {
			retry, err := c.deliver(ctx, hook, []byte(sec.Secret), d)
			if err != nil {
				if retry > 0 {
					return river.JobSnooze(retry)
				}
				return err
			}
		}
	}
}

// deliver makes one attempt of d and records it. A failure the receiver may
// recover from returns an error (and, for 429/503 with Retry-After, how long
// to wait); one it will not (another 4xx) marks the delivery failed and
// returns nil so the next one goes.
func (c *Client) deliver(ctx context.Context, hook *Webhook, secret []byte, d *WebhookDelivery) (time.Duration, error) {
	ev, _, err := get[Event](ctx, c.store, store.Events, d.EventID)
	if err != nil {
		return 0, err
	}
	body, err := c.webhookBody(ev)
	if err != nil {
		return 0, err
	}
	res, perr := webhook.Post(ctx, c.httpClient, webhook.Request{URL: hook.URL, Event: string(ev.Type),
		DeliveryID: d.ID, Body: body, Secrets: [][]byte{secret}})
	att := DeliveryAttempt{At: c.now(), StatusCode: res.StatusCode, DurationMS: res.Duration.Milliseconds(), Response: res.Response}
	status := DeliveryDelivered
	if perr != nil {
		att.Error = perr.Error()
		status = DeliveryPending
		if !res.Retry {
			status = DeliveryFailed
		}
	}
	err = c.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		cur, obj, err := get[WebhookDelivery](ctx, tx, store.WebhookDeliveries, d.ID)
		if err != nil {
			return err
		}
		cur.Attempts++
		cur.History = append(cur.History, att)
		if len(cur.History) > maxDeliveryHistory {
			cur.History = cur.History[len(cur.History)-maxDeliveryHistory:]
		}
		cur.Status, cur.UpdatedAt = status, touched(c.now(), cur.UpdatedAt)
		return replaceDoc(ctx, tx, obj, cur)
	})
	if err != nil {
		return 0, err
	}
	if status == DeliveryPending {
		return res.RetryAfter, errs.New(errs.Provider, "webhook %s: %s", hook.ID, att.Error)
	}
	return 0, nil
}

// webhookBody is the payload of one delivery attempt: the event, with
// created_at and nonce those of the attempt (signed afresh, so a receiver's
// replay window never refuses a late retry) and the event's own time in
// occurred_at. The event's id is the same on every attempt.
func (c *Client) webhookBody(ev *Event) ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encode event %s", ev.ID)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "encode event %s", ev.ID)
	}
	m["occurred_at"] = m["created_at"]
	now, _ := json.Marshal(c.now().Format(time.RFC3339Nano))
	nonce, _ := json.Marshal(webhook.NewNonce())
	m["created_at"], m["nonce"] = now, nonce
	return json.Marshal(m)
}

// insertSealed inserts v with secret sealed beside it, bound to the id.
func (c *Client) insertSealed(ctx context.Context, tx store.Tx, kind store.Kind, id string, v, secret any) error {
	obj, err := newObject(kind, id, "", v)
	if err != nil {
		return err
	}
	if err := c.sealInto(obj, secret); err != nil {
		return err
	}
	return tx.Insert(ctx, obj)
}

// sealInto seals secret's JSON into obj.
func (c *Client) sealInto(obj *store.Object, secret any) error {
	plain, err := json.Marshal(secret)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding a secret")
	}
	box, keyID, err := c.keys.Seal(plain, []byte(obj.ID))
	clear(plain)
	if err != nil {
		return err
	}
	obj.Sealed, obj.KeyID = box, keyID
	return nil
}

// unsealInto opens obj's sealed secret into v.
func (c *Client) unsealInto(obj *store.Object, v any) error {
	plain, err := c.keys.Open(obj.Sealed, obj.KeyID, []byte(obj.ID))
	if err != nil {
		return err
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, v); err != nil {
		return errs.New(errs.Internal, "the sealed secret of %s %s is corrupt", singular(obj.Kind), obj.ID)
	}
	return nil
}
