package pagerduty

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// Driver is the PagerDuty ticketing driver: a ticketing.Driver over the
// PagerDuty REST API v2 for one integration. It is safe for concurrent use.
// Build it with Open (through the provider registry) or New.
type Driver struct {
	ticketing.Unimplemented

	cfg       Config
	http      *httpx.Client
	transport *http.Transport // owned, closed by Close; nil when the application gave the client

	prio  priorityCache
	users userCache
}

// Options tune a Driver built with New. Zero values take the shared HTTP
// client's defaults.
type Options struct {
	// HTTPClient carries the vendor calls (transport, proxy, TLS); nil for
	// a pooled client of the driver's own.
	HTTPClient *http.Client
	// Logger receives one debug line per API call (method, path, status,
	// attempts, duration; never headers or bodies).
	Logger *slog.Logger
	// MaxRetries bounds the retries of one call (-1 for none).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff. A Retry-After (or
	// ratelimit-reset) longer than RetryWaitMax fails the call at once
	// with errs.ErrRateLimited and the wait in errs.Error.RetryAfter.
	RetryWaitMin, RetryWaitMax time.Duration
	// Timeout bounds a call whose context has no deadline.
	Timeout time.Duration
	// MaxResponseBytes caps a response body.
	MaxResponseBytes int64
}

// Open builds the driver of an integration; it is the provider's
// providers.Opener. The configuration must be a *Config and the
// "credential" a token credential (a PagerDuty REST API key).
func Open(_ context.Context, req providers.OpenRequest) (any, error) {
	cfg, ok := req.Config.(*Config)
	if !ok || cfg == nil {
		return nil, errs.New(errs.InvalidInput, "pagerduty: the provider configuration is not a pagerduty.Config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tok, ok := req.Credentials["credential"].(*credential.TokenCredential)
	if !ok || tok == nil {
		return nil, errs.Invalid("credential", "pagerduty: the credential must be a token credential holding a REST API key")
	}
	return New(cfg, tok.Secret, Options{HTTPClient: req.HTTPClient, Logger: req.Logger})
}

// New returns a driver for the PagerDuty account that token (a REST API
// key) gives access to.
func New(cfg *Config, token credential.Secret, opts Options) (*Driver, error) {
	if cfg == nil {
		return nil, errs.New(errs.InvalidInput, "pagerduty: nil configuration")
	}
	if err := cfg.validateSettings(); err != nil {
		return nil, err
	}
	if token.Reveal() == "" {
		return nil, errs.Invalid("credential", "pagerduty: the REST API key is empty")
	}
	d := &Driver{cfg: *cfg}
	hc := opts.HTTPClient
	if hc == nil {
		d.transport = http.DefaultTransport.(*http.Transport).Clone()
		hc = &http.Client{Transport: d.transport}
	}
	key := token.Reveal()
	c, err := httpx.New(cfg.URL, httpx.Header("Authorization", "Token token="+key, key), httpx.Options{
		HTTPClient: hc, Logger: opts.Logger, MaxRetries: opts.MaxRetries,
		RetryWaitMin: opts.RetryWaitMin, RetryWaitMax: opts.RetryWaitMax, Timeout: opts.Timeout,
		MaxResponseBytes: opts.MaxResponseBytes, Vendor: "pagerduty", UserAgent: "synqly-go pagerduty",
		ErrorDetail: errorDetail,
	})
	if err != nil {
		return nil, err
	}
	d.http = c
	return d, nil
}

// supported lists the operations the driver implements.
var supported = []ticketing.Operation{
	ticketing.OpListProjects, ticketing.OpListIssueTypes, ticketing.OpListRemoteFields,
	ticketing.OpQueryTickets, ticketing.OpGetTicket, ticketing.OpCreateTicket, ticketing.OpPatchTicket,
	ticketing.OpListComments, ticketing.OpCreateComment, ticketing.OpDeleteComment,
	ticketing.OpCreateNote, ticketing.OpListNotes, ticketing.OpPatchNote, ticketing.OpDeleteNote,
	ticketing.OpQueryEscalationPolicies, ticketing.OpListOnCall,
}

// orders are the ticket fields QueryTickets can order by: PagerDuty sorts
// incidents by created_at and resolved_at (completion_date).
var orders = []string{"created_at", "completion_date"}

func operationNames() []string {
	out := make([]string, len(supported))
	for i, op := range supported {
		out[i] = string(op)
	}
	return out
}

// Capabilities implements ticketing.Driver.
func (d *Driver) Capabilities() ticketing.Capabilities {
	return ticketing.Capabilities{Operations: append([]ticketing.Operation(nil), supported...),
		Orders: append([]string(nil), orders...)}
}

// Close implements ticketing.Driver: it closes the idle connections of the
// driver's own connection pool (never those of an application's client).
func (d *Driver) Close() error {
	if d.transport != nil {
		d.transport.CloseIdleConnections()
	}
	return nil
}

// errorDetail reads PagerDuty's error object for errs.ProviderError:
// {"error": {"message": "...", "code": 2001, "errors": ["..."]}}.
func errorDetail(_ int, body []byte) (code, message string) {
	var e struct {
		Error struct {
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
			Errors  []string        `json:"errors"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	message = e.Error.Message
	if len(e.Error.Errors) > 0 {
		message = strings.TrimPrefix(message+": "+strings.Join(e.Error.Errors, "; "), ": ")
	}
	return strings.Trim(string(e.Error.Code), `"`), message
}
