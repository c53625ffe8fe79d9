package jira

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// seeded returns a fake holding SEC-1 and a Connector over a driver with
// fast retries.
func seeded(t *testing.T, opts providers.HTTPOptions) (*jirafake.Server, *ticketing.Connector) {
	t.Helper()
	f := jirafake.New(t)
	_, err := f.AddIssue(jirafake.Issue{Summary: "seeded"})
	require.NoError(t, err)
	req := request(f, &TicketingConfig{URL: f.URL, DefaultProject: "SEC"}, basicCred(f))
	req.HTTPOptions = opts
	return f, connect(open(t, req))
}

func TestRateLimitRetried(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.RateLimit(1, 1)
	start := time.Now()
	got, err := c.GetTicket(context.Background(), "SEC-1")
	require.NoError(t, err)
	assert.Equal(t, "seeded", got.Summary)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After: 1 was not waited for")
	assert.Equal(t, 2, f.CountRequests(http.MethodGet, "/rest/api/3/issue/SEC-1"))
}

func TestRateLimitLongRetryAfter(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.RateLimit(5, 120)
	_, err := c.GetTicket(context.Background(), "SEC-1")
	require.ErrorIs(t, err, errs.ErrRateLimited)
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 120*time.Second, e.RetryAfter)
	assert.Equal(t, http.StatusTooManyRequests, e.Status)
	assert.Equal(t, 1, f.CountRequests(http.MethodGet, "/rest/api/3/issue/SEC-1"), "a Retry-After beyond RetryWaitMax must not be waited for")
}

func TestServerErrorsRetriedOnGet(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.Inject(jirafake.Fault{Method: http.MethodGet, Status: http.StatusInternalServerError})
	f.Inject(jirafake.Fault{Method: http.MethodGet, Status: http.StatusBadGateway})
	f.Inject(jirafake.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable})
	_, err := c.GetTicket(context.Background(), "SEC-1")
	require.NoError(t, err)
	assert.Equal(t, 4, f.CountRequests(http.MethodGet, "/rest/api/3/issue/SEC-1"))

	// Searches are POSTs, but read-only: retried too.
	f.ResetRequests()
	f.Inject(jirafake.Fault{PathPrefix: "/rest/api/3/search", Status: http.StatusServiceUnavailable})
	p, err := c.QueryTickets(context.Background(), ticketing.QueryTicketsRequest{})
	require.NoError(t, err)
	assert.Len(t, p.Result, 1)
	assert.Equal(t, 2, f.CountRequests(http.MethodPost, "/rest/api/3/search/jql"))
}

func TestServerErrorsExhausted(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.FailNext(10, http.StatusServiceUnavailable)
	_, err := c.GetTicket(context.Background(), "SEC-1")
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Equal(t, 4, f.CountRequests(http.MethodGet, "/rest/api/3/issue/SEC-1"), "3 retries")
}

func TestServerErrorOnCreateNotRetried(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.Inject(jirafake.Fault{Method: http.MethodPost, PathPrefix: "/rest/api/3/issue", Status: http.StatusInternalServerError})
	_, err := c.CreateTicket(context.Background(), ticketing.CreateTicketRequest{Summary: "maybe created"})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Equal(t, 1, f.CountRequests(http.MethodPost, "/rest/api/3/issue"), "a create must not be retried after a 5xx")
	assert.Equal(t, 1, f.IssueCount())

	// Nor is an attachment upload.
	f.ResetRequests()
	f.Inject(jirafake.Fault{Method: http.MethodPost, PathPrefix: "/rest/api/3/issue/SEC-1/attachments", Status: http.StatusBadGateway})
	_, err = c.CreateAttachment(context.Background(), "SEC-1", ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Equal(t, 1, f.CountRequests(http.MethodPost, "/rest/api/3/issue/SEC-1/attachments"))
}

// settled waits for the goroutine count to come back to at most n.
func settled(n int) (int, bool) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got, got <= n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTimeout(t *testing.T) {
	f := jirafake.New()
	defer f.Close()
	_, err := f.AddIssue(jirafake.Issue{Summary: "slow"})
	require.NoError(t, err)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	base := runtime.NumGoroutine()

	req := request(f, &TicketingConfig{URL: f.URL, DefaultProject: "SEC"}, basicCred(f))
	req.HTTPClient = &http.Client{Transport: tr}
	c := connect(open(t, req))
	_, err = c.GetTicket(context.Background(), "SEC-1")
	require.NoError(t, err)

	f.Inject(jirafake.Fault{Method: http.MethodGet, Delay: 10 * time.Second, Times: 5})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.GetTicket(ctx, "SEC-1")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, errs.ErrDeadlineExceeded, "the caller's deadline is not the vendor's failure")
	assert.Contains(t, err.Error(), "deadline exceeded")

	// The driver's own deadline (OpenRequest.Timeout) applies to calls
	// without one.
	req.Timeout = 150 * time.Millisecond
	req.MaxRetries = -1
	_, err = connect(open(t, req)).GetTicket(context.Background(), "SEC-1")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// Once the idle connections are closed, every goroutine the calls
	// started (the driver's and the fake's) is gone.
	f.ClearFaults()
	tr.CloseIdleConnections()
	if n, ok := settled(base); !ok {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines leaked: %d now, %d before the calls\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestMalformedAndTruncatedResponses(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	ctx := context.Background()

	f.Inject(jirafake.Fault{Method: http.MethodGet, Body: `{"id":"10001","key":"SEC-1","fields":{"summary":`})
	_, err := c.GetTicket(ctx, "SEC-1")
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "GET /rest/api/3/issue/SEC-1: HTTP 200: the response is truncated")

	f.Inject(jirafake.Fault{PathPrefix: "/rest/api/3/search", Body: `[1,2,3]`})
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{})
	require.ErrorIs(t, err, errs.ErrProvider)

	f.Inject(jirafake.Fault{Method: http.MethodGet, PathPrefix: "/rest/api/3/project", Body: `{"values": "nope"}`})
	_, err = c.ListProjects(ctx, ticketing.ListRequest{})
	require.ErrorIs(t, err, errs.ErrProvider)

	// A body cut short is a provider error (httpx reads bodies after its
	// retry loop, so a truncated body is not retried).
	f.Inject(jirafake.Fault{Method: http.MethodGet, Truncate: true})
	_, err = c.GetTicket(ctx, "SEC-1")
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "EOF")
	_, err = c.GetTicket(ctx, "SEC-1")
	require.NoError(t, err, "the next call works")
	f.ClearFaults()
}

func TestOversizedResponse(t *testing.T) {
	opts := fastHTTP()
	opts.MaxResponseBytes = 64 << 10
	f, c := seeded(t, opts)
	f.Inject(jirafake.Fault{Method: http.MethodGet, Oversize: 1 << 20})
	_, err := c.GetTicket(context.Background(), "SEC-1")
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "limit")
	// A response just under the cap is fine.
	f.Inject(jirafake.Fault{Method: http.MethodGet, PathPrefix: "/rest/api/3/field", Oversize: 32 << 10})
	_, err = c.ListRemoteFields(context.Background())
	require.ErrorIs(t, err, errs.ErrProvider, "a padded object is not a field list")
	assert.NotContains(t, err.Error(), "limit")
}

func TestAuthentication(t *testing.T) {
	f := jirafake.New(t)
	_, err := f.AddIssue(jirafake.Issue{Summary: "auth"})
	require.NoError(t, err)
	ctx := context.Background()
	open := func(cred credential.Config) (*ticketing.Ticket, error) {
		return connect(open(t, request(f, &TicketingConfig{URL: f.URL}, cred))).GetTicket(ctx, "SEC-1")
	}
	_, err = open(&credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)})
	assert.NoError(t, err)
	_, err = open(&credential.TokenCredential{Secret: credential.Secret(f.BearerToken)})
	assert.NoError(t, err)

	_, err = open(&credential.BasicCredential{Username: f.Email, Secret: "wrong-token"})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	_, err = open(&credential.BasicCredential{Username: "someone@example.com", Secret: credential.Secret(f.Token)})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	_, err = open(&credential.TokenCredential{Secret: "wrong-bearer"})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, http.StatusUnauthorized, e.Status)
	assert.Equal(t, 0, f.CountRequests(http.MethodGet, "/rest/api/3/issue/SEC-2"))

	// Credentials of other kinds are refused before any call.
	f.ResetRequests()
	_, err = Ticketing.Open(ctx, request(f, &TicketingConfig{URL: f.URL}, &credential.SecretCredential{Secret: "x"}))
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	// A configuration that references a credential the request does not
	// hand over.
	ref := credential.RefTo("cred_missing", credential.TypeBasic)
	_, err = Ticketing.Open(ctx, request(f, &TicketingConfig{URL: f.URL, Credential: ref}, nil))
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "credential", e.Field)
	_, err = Ticketing.Open(ctx, request(f, &TicketingConfig{URL: f.URL}, &credential.BasicCredential{Username: f.Email}))
	assert.ErrorIs(t, err, errs.ErrInvalidInput)
	assert.Empty(t, f.Requests())
}
