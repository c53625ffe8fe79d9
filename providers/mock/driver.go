package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
)

// Defaults of the mock's tickets, comments, notes and attachments.
const (
	// DefaultStatus is the status of a ticket created without one.
	DefaultStatus = "Open"
	// DefaultCreator is the creator of comments, notes and attachments
	// created without one.
	DefaultCreator = "mock-user@example.com"
)

// doneStatuses are the statuses that complete a ticket (compared ignoring
// case): moving a ticket into one of them sets its completion_date, moving
// it out of them clears it, unless the same change sets completion_date
// itself.
var doneStatuses = []string{"Done", "Closed", "Resolved"}

func isDone(status string) bool {
	return slices.ContainsFunc(doneStatuses, func(s string) bool { return strings.EqualFold(s, status) })
}

// Keys of the mock's State. Ids are fixed-width so that keys sort in
// creation order.
const (
	keyMeta          = "meta"
	prefixTicket     = "ticket/"     // ticket/<ticket id> → ticketing.Ticket
	prefixComment    = "comment/"    // comment/<ticket id>/<comment id> → ticketing.Comment
	prefixNote       = "note/"       // note/<ticket id>/<note id> → ticketing.Note
	prefixAttachment = "attachment/" // attachment/<ticket id>/<attachment id> → ticketing.Attachment

	idDigits = 8
	maxSeq   = 99_999_999
)

// Id prefixes. A ticket id is "MOCK-" and 8 digits, e.g. "MOCK-00000001";
// comment, note and attachment ids are "C-", "N-" and "A-" and 8 digits.
const (
	TicketIDPrefix     = "MOCK-"
	CommentIDPrefix    = "C-"
	NoteIDPrefix       = "N-"
	AttachmentIDPrefix = "A-"
)

func formatID(prefix string, n int64) string {
	return prefix + fmt.Sprintf("%0*d", idDigits, n)
}

// parseID returns the number of an id made by formatID, or false.
func parseID(prefix, id string) (int64, bool) {
	digits, ok := strings.CutPrefix(id, prefix)
	if !ok || len(digits) != idDigits {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil && n > 0
}

// meta is the mock's counters, kept under keyMeta.
type meta struct {
	Tickets     int64 `json:"tickets"`
	Comments    int64 `json:"comments"`
	Notes       int64 `json:"notes"`
	Attachments int64 `json:"attachments"`
	// Notifications counts the messages of a notifications integration
	// (whose State holds nothing else).
	Notifications int64 `json:"notifications,omitempty"`
	// SinkEvents counts the events of a sink integration.
	SinkEvents int64 `json:"sink_events,omitempty"`
	// LastCreated is the created_at of the newest ticket; created_at never
	// decreases in creation order, so that key order is (created_at, id)
	// order whatever the clock does.
	LastCreated time.Time `json:"last_created"`
}

// stateStore is what every mock driver keeps its data in: the
// integration's State, as JSON documents, and the clock.
type stateStore struct {
	state providers.State
	now   func() time.Time
}

// newStateStore returns the store of a request: its State (a fresh
// MemoryState without one) and its Clock (time.Now without one).
func newStateStore(req providers.OpenRequest) stateStore {
	s := stateStore{state: req.State, now: req.Clock}
	if s.state == nil {
		s.state = providers.NewMemoryState()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// driver is the mock ticketing driver; see Ticketing.
type driver struct {
	ticketing.Unimplemented // never reached: the mock implements every operation
	stateStore
	mappings []providers.CustomFieldMapping
}

var _ ticketing.Driver = (*driver)(nil)

// openTicketing builds a mock ticketing driver over the integration's
// State (a fresh MemoryState if the request has none, so tickets then live
// as long as the driver). The driver is safe for concurrent use, also by
// several drivers (in several processes) over one State: every change is
// one State.Update, so ids are never handed out twice and no write is lost.
func openTicketing(_ context.Context, req providers.OpenRequest) (ticketing.Driver, error) {
	cfg := &TicketingConfig{}
	if req.Config != nil {
		c, ok := req.Config.(*TicketingConfig)
		if !ok {
			return nil, errs.New(errs.Internal, "provider %s got a %T configuration, want *mock.TicketingConfig", TicketingID, req.Config)
		}
		if c != nil {
			cfg = c
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &driver{stateStore: newStateStore(req), mappings: slices.Clone(cfg.CustomFieldMappings)}, nil
}

// ticketingCapabilities are the mock's: every operation, ordered by every
// orderable ticket field.
func ticketingCapabilities() ticketing.Capabilities {
	c := ticketing.Capabilities{Operations: slices.Clone(ticketing.Operations)}
	for _, f := range ticketing.TicketFields.Fields {
		if f.Orderable {
			c.Orders = append(c.Orders, f.Name)
		}
	}
	return c
}

// Close implements ticketing.Driver; the State stays as it is.
func (d *driver) Close() error { return nil }

// clock returns the current time in UTC, without a monotonic reading.
func (d *stateStore) clock() time.Time { return d.now().UTC() }

func (d *stateStore) loadMeta(ctx context.Context, r providers.StateReader) (meta, error) {
	var m meta
	raw, err := r.Get(ctx, keyMeta)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return m, nil
	case err != nil:
		return m, err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", keyMeta)
	}
	return m, nil
}

// next increments the counter that counter picks (it may change other
// counters too) and stores the counters, in the caller's transaction: the
// counter is compare-and-swapped, so concurrent creators get distinct ids.
func (d *stateStore) next(ctx context.Context, tx providers.StateTx, counter func(*meta) *int64) (int64, error) {
	m, err := d.loadMeta(ctx, tx)
	if err != nil {
		return 0, err
	}
	p := counter(&m)
	if *p >= maxSeq {
		return 0, errs.New(errs.Conflict, "the mock holds at most %d objects of a kind", maxSeq)
	}
	*p++
	if err := d.putJSON(ctx, tx, keyMeta, m); err != nil {
		return 0, err
	}
	return *p, nil
}

func (d *stateStore) putJSON(ctx context.Context, tx providers.StateTx, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return errs.Wrap(errs.Internal, err, "encoding %s", key)
	}
	return tx.Put(ctx, key, raw)
}

// getJSON decodes the value under key into v; a missing key is the
// errs.NotFound error notFound.
func (d *stateStore) getJSON(ctx context.Context, r providers.StateReader, key string, v any, notFound func() error) error {
	raw, err := r.Get(ctx, key)
	if errs.CodeOf(err) == errs.NotFound {
		return notFound()
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errs.Wrap(errs.Internal, err, "the mock's state is corrupt (%s)", key)
	}
	return nil
}

func ticketNotFound(id string) func() error {
	return func() error { return errs.New(errs.NotFound, "ticket %q not found", clip(id)) }
}

func clip(s string) string { return textcheck.Clip(s) }

func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return errs.Invalid("ctx", "nil context")
	}
	return nil
}
