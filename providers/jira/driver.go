package jira

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// Driver is the Jira Cloud ticketing driver: a ticketing.Driver over the
// Jira Cloud platform REST API v3. It is safe for concurrent use. Get one
// from the provider registry (through synqly.Client.Ticketing), or build one
// with New and wrap it with ticketing.New.
type Driver struct {
	ticketing.Unimplemented
	cfg     Config
	hc      *httpx.Client
	catalog *catalog
}

var _ ticketing.Driver = (*Driver)(nil)

// Options tune a Driver built with New. Zero values take the defaults of
// the shared HTTP plumbing: 3 retries with backoff between 250ms and 10s, a
// 60s deadline for calls without one, responses capped at 32 MiB.
type Options struct {
	// HTTPClient is the client for Jira calls (transport, proxy, TLS).
	HTTPClient *http.Client
	// Logger receives one debug line per Jira call (method, path, status,
	// attempts, duration), never headers or bodies.
	Logger *slog.Logger
	// MaxRetries bounds the retries of one call; -1 disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between retries. A
	// Retry-After longer than RetryWaitMax is not waited for: the call fails
	// with errs.ErrRateLimited and the wait in errs.Error.RetryAfter.
	RetryWaitMin, RetryWaitMax time.Duration
	// Timeout bounds a call whose context has no deadline.
	Timeout time.Duration
	// MaxResponseBytes caps a response body (attachments included).
	MaxResponseBytes int64
	// CatalogTTL is how long the driver caches the site's status, issue
	// type and priority names used for filter pushdown (default 5 minutes).
	CatalogTTL time.Duration
}

// New returns a driver for the Jira site cfg describes, authenticating
// with cred: a *credential.BasicCredential (account e-mail and API token,
// sent as HTTP basic authentication) or a *credential.TokenCredential (sent
// as a bearer token).
func New(cfg *Config, cred credential.Config, opts Options) (*Driver, error) {
	if cfg == nil {
		return nil, errs.Invalid("config", "the jira configuration is missing")
	}
	if err := providers.ValidateURL("url", cfg.URL); err != nil {
		return nil, err
	}
	if err := providers.ValidateMappings(cfg.CustomFieldMappings); err != nil {
		return nil, err
	}
	auth, err := authFor(cred)
	if err != nil {
		return nil, err
	}
	hc, err := httpx.New(cfg.URL, auth, httpx.Options{
		HTTPClient:       opts.HTTPClient,
		MaxRetries:       opts.MaxRetries,
		RetryWaitMin:     opts.RetryWaitMin,
		RetryWaitMax:     opts.RetryWaitMax,
		Timeout:          opts.Timeout,
		MaxResponseBytes: opts.MaxResponseBytes,
		Logger:           opts.Logger,
		UserAgent:        "synqly-go (ticketing_jira)",
		Vendor:           "jira",
		ErrorDetail:      errorDetail,
	})
	if err != nil {
		return nil, err
	}
	c := *cfg
	c.CustomFieldMappings = slices.Clone(cfg.CustomFieldMappings)
	c.Credential = nil
	return &Driver{cfg: c, hc: hc, catalog: newCatalog(opts.CatalogTTL)}, nil
}

// authFor turns the integration's credential into the HTTP authentication
// Jira expects.
func authFor(cred credential.Config) (httpx.Auth, error) {
	switch c := cred.(type) {
	case *credential.BasicCredential:
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return httpx.Basic(c.Username, c.Secret.Reveal()), nil
	case *credential.TokenCredential:
		if err := c.Validate(); err != nil {
			return nil, err
		}
		return httpx.Bearer(c.Secret.Reveal()), nil
	case nil:
		return nil, errs.Invalid("credential", "jira needs a credential: basic (account e-mail and API token) or token (bearer token)")
	default:
		return nil, errs.Invalid("credential", "jira accepts basic (account e-mail and API token) or token (bearer token) credentials, not %s", cred.Type())
	}
}

// Open is the provider's providers.Opener: it builds a Driver from the
// integration's Config and its unsealed "credential".
func Open(_ context.Context, req providers.OpenRequest) (any, error) {
	cfg, ok := req.Config.(*Config)
	if !ok || cfg == nil {
		return nil, errs.New(errs.Internal, "jira: Open needs a *jira.Config, got %T", req.Config)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return New(cfg, req.Credentials["credential"], Options{HTTPClient: req.HTTPClient, Logger: req.Logger})
}

// supported lists the ticketing operations Jira supports. Jira has no notes
// separate from comments, and no escalation policies or on-call schedules
// (those live in Jira Service Management / Opsgenie, other providers).
var supported = []ticketing.Operation{
	ticketing.OpListRemoteFields, ticketing.OpListProjects, ticketing.OpListIssueTypes,
	ticketing.OpQueryTickets, ticketing.OpGetTicket, ticketing.OpCreateTicket, ticketing.OpPatchTicket,
	ticketing.OpCreateAttachment, ticketing.OpListAttachmentsMetadata, ticketing.OpDownloadAttachment,
	ticketing.OpDeleteAttachment, ticketing.OpListComments, ticketing.OpCreateComment, ticketing.OpDeleteComment,
}

// operationNames returns the names of the supported operations, for the
// registry.
func operationNames() []string {
	out := make([]string, len(supported))
	for i, op := range supported {
		out[i] = string(op)
	}
	return out
}

// Capabilities implements ticketing.Driver. Tickets can be ordered by every
// field JQL's ORDER BY accepts; Jira orders priorities, statuses and issue
// types by their rank in the site's scheme, not by name, and puts empty
// values last in ascending order.
func (d *Driver) Capabilities() ticketing.Capabilities {
	return ticketing.Capabilities{Operations: slices.Clone(supported), Orders: orderFieldNames()}
}

// Close implements ticketing.Driver: it closes the idle connections of the
// HTTP client the driver made (an application's client is left alone).
func (d *Driver) Close() error {
	d.hc.Close()
	return nil
}
