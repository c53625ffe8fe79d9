package jira

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// The shared fault suite (TestFaults) covers rate limits, 5xx bursts on
// reads and creates, dropped connections and lost answers, timeouts,
// malformed, truncated and oversized bodies and refused credentials. The
// tests here cover what is Jira's own: searches (POSTs) retried as reads,
// attachment uploads not retried, answers of the wrong shape, and Jira's
// credentials.

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

// A Retry-After within RetryWaitMax is waited for (the suite's 429s
// announce no wait).
func TestRateLimitWaitsRetryAfter(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.RateLimit(1, time.Second)
	start := time.Now()
	got, err := c.GetTicket(context.Background(), "SEC-1")
	require.NoError(t, err)
	assert.Equal(t, "seeded", got.Summary)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After: 1 was not waited for")
	assert.Equal(t, 2, f.Count(http.MethodGet, "/rest/api/3/issue/SEC-1"))
}

// Searches are POSTs, but read-only: retried after a 5xx like reads.
func TestSearchRetriedAfterServerError(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.Inject(fakekit.Fault{Path: "/rest/api/3/search", Status: http.StatusServiceUnavailable})
	p, err := c.QueryTickets(context.Background(), ticketing.QueryTicketsRequest{})
	require.NoError(t, err)
	assert.Len(t, p.Result, 1)
	assert.Equal(t, 2, f.Count(http.MethodPost, "/rest/api/3/search/jql"))
}

// An attachment upload Jira may have stored is not sent again after a 5xx.
func TestAttachmentUploadNotRetried(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	f.Inject(fakekit.Fault{Method: http.MethodPost, Path: "/rest/api/3/issue/SEC-1/attachments", Status: http.StatusBadGateway})
	_, err := c.CreateAttachment(context.Background(), "SEC-1", ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Equal(t, 1, f.Count(http.MethodPost, "/rest/api/3/issue/SEC-1/attachments"))
}

// Answers that are JSON, but not what Jira answers, are provider errors.
func TestWrongShapedResponses(t *testing.T) {
	f, c := seeded(t, fastHTTP())
	ctx := context.Background()

	f.Inject(fakekit.Fault{Method: http.MethodGet, Body: fakekit.BodyMalformed, Message: `{"id":"10001","key":"SEC-1","fields":{"summary":`})
	_, err := c.GetTicket(ctx, "SEC-1")
	require.ErrorIs(t, err, errs.ErrProvider)
	assert.Contains(t, err.Error(), "GET /rest/api/3/issue/SEC-1: HTTP 200: the response is truncated")

	f.Inject(fakekit.Fault{Path: "/rest/api/3/search", Body: fakekit.BodyMalformed, Message: `[1,2,3]`})
	_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{})
	require.ErrorIs(t, err, errs.ErrProvider)

	f.Inject(fakekit.Fault{Method: http.MethodGet, Path: "/rest/api/3/project", Body: fakekit.BodyMalformed, Message: `{"values": "nope"}`})
	_, err = c.ListProjects(ctx, ticketing.ListRequest{})
	require.ErrorIs(t, err, errs.ErrProvider)
}

// A response under MaxResponseBytes is read whole: a padded object is not
// a field list, and the error does not blame the size cap.
func TestResponseUnderTheCap(t *testing.T) {
	opts := fastHTTP()
	opts.MaxResponseBytes = 64 << 10
	f, c := seeded(t, opts)
	f.Inject(fakekit.Fault{Method: http.MethodGet, Path: "/rest/api/3/field", Body: fakekit.BodyOversized, Size: 32 << 10})
	_, err := c.ListRemoteFields(context.Background())
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
	// Basic authentication with the e-mail and API token, or the bearer
	// token, on every request.
	sent := func(want string) {
		t.Helper()
		reqs := f.Requests()
		require.NotEmpty(t, reqs)
		for _, r := range reqs {
			assert.Equal(t, want, r.Header.Get("Authorization"), "%s %s", r.Method, r.Path)
		}
		f.ResetRequests()
	}
	_, err = open(&credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)})
	assert.NoError(t, err)
	sent(f.BasicAuthorization())
	_, err = open(&credential.TokenCredential{Secret: credential.Secret(f.BearerToken)})
	assert.NoError(t, err)
	sent("Bearer " + f.BearerToken)

	_, err = open(&credential.BasicCredential{Username: f.Email, Secret: "wrong-token"})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	_, err = open(&credential.BasicCredential{Username: "someone@example.com", Secret: credential.Secret(f.Token)})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	_, err = open(&credential.TokenCredential{Secret: "wrong-bearer"})
	assert.ErrorIs(t, err, errs.ErrUnauthorized)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, http.StatusUnauthorized, e.Status)
	assert.Equal(t, 0, f.Count(http.MethodGet, "/rest/api/3/issue/SEC-2"))

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
