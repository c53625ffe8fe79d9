package pagerduty_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// seeded returns a fake with one incident, a Connector over it, and the
// incident's id and API path.
func seeded(t *testing.T, opts providers.HTTPOptions) (*pdfake.Server, *ticketing.Connector, string, string) {
	t.Helper()
	srv := fake(t)
	id := srv.SeedIncident(pdfake.IncidentSeed{Title: "seeded", Details: "details"})
	d := driverFor(t, srv, pagerduty.TicketingConfig{DefaultCreator: pdfake.EmailAlice, DefaultProject: pdfake.ServiceWeb}, opts)
	return srv, ticketing.NewConnector(pagerduty.Ticketing, d), id, "/incidents/" + id
}

func errCode(err error) (*errs.Error, bool) {
	var e *errs.Error
	return e, errors.As(err, &e)
}

func TestRateLimitRetried(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{})
	srv.Inject(2, pdfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 0, PathPrefix: path})
	if _, err := c.GetTicket(t.Context(), id); err != nil {
		t.Fatalf("GetTicket after two 429s: %v", err)
	}
	if n := srv.Count(http.MethodGet, path); n != 3 {
		t.Errorf("GET %s was sent %d times, want 3 (two 429s, then success)", path, n)
	}

	// PagerDuty did not process a rate-limited POST, so it is retried too.
	srv.Inject(1, pdfake.Fault{Status: http.StatusTooManyRequests, Method: http.MethodPost})
	if _, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "after 429"}); err != nil {
		t.Fatalf("CreateTicket after a 429: %v", err)
	}
	if n := srv.Count(http.MethodPost, "/incidents"); n != 2 {
		t.Errorf("POST /incidents was sent %d times, want 2", n)
	}
}

func TestLongRetryAfterIsRateLimited(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{})
	srv.Inject(1, pdfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second})
	_, err := c.GetTicket(t.Context(), id)
	e, ok := errCode(err)
	if !ok || !errors.Is(err, errs.ErrRateLimited) || e.RetryAfter != 30*time.Second || e.Status != http.StatusTooManyRequests {
		t.Fatalf("want ErrRateLimited with RetryAfter 30s and status 429, got %v (%+v)", err, e)
	}
	if n := srv.Count(http.MethodGet, path); n != 1 {
		t.Errorf("a Retry-After beyond RetryWaitMax must not be waited for: %d attempts", n)
	}
}

// PagerDuty announces the wait in ratelimit-reset, not Retry-After.
func TestRateLimitResetHeader(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{})
	srv.Inject(1, pdfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 20 * time.Second, OmitRetryAfter: true})
	_, err := c.GetTicket(t.Context(), id)
	if e, ok := errCode(err); !ok || e.Code != errs.RateLimited || e.RetryAfter != 20*time.Second {
		t.Fatalf("ratelimit-reset 20 beyond RetryWaitMax: want ErrRateLimited with RetryAfter 20s, got %v", err)
	}
	if n := srv.Count(http.MethodGet, path); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
	srv.Inject(1, pdfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 0, OmitRetryAfter: true})
	if _, err := c.GetTicket(t.Context(), id); err != nil {
		t.Fatalf("ratelimit-reset 0: want a retry and success, got %v", err)
	}
}

func TestServerErrorBurstOnGetRetried(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{})
	srv.Inject(1, pdfake.Fault{Status: http.StatusInternalServerError, PathPrefix: path})
	srv.Inject(1, pdfake.Fault{Status: http.StatusBadGateway, PathPrefix: path})
	srv.Inject(1, pdfake.Fault{Status: http.StatusServiceUnavailable, PathPrefix: path})
	if _, err := c.GetTicket(t.Context(), id); err != nil {
		t.Fatalf("GetTicket after a 500, a 502 and a 503: %v", err)
	}
	if n := srv.Count(http.MethodGet, path); n != 4 {
		t.Errorf("GET was sent %d times, want 4", n)
	}

	srv.ResetRequests()
	srv.Inject(10, pdfake.Fault{Status: http.StatusInternalServerError, PathPrefix: path})
	_, err := c.GetTicket(t.Context(), id)
	if e, ok := errCode(err); !ok || e.Code != errs.Provider || e.Status != http.StatusInternalServerError {
		t.Fatalf("a burst longer than the retries: want ErrProvider with status 500, got %v", err)
	}
	if n := srv.Count(http.MethodGet, path); n != 4 {
		t.Errorf("GET was sent %d times, want 1 + 3 retries", n)
	}
	srv.ClearFaults()
}

func TestTimeoutLeaksNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := pdfake.New()
	defer srv.Close()
	id := srv.SeedIncident(pdfake.IncidentSeed{})
	// No HTTPClient: the driver's own connection pool, which Close must
	// leave with no goroutine behind.
	tok := &credential.TokenCredential{Secret: pdfake.Token}
	ref := credential.Inline(tok)
	d, err := pagerduty.Ticketing.Open(t.Context(), providers.OpenRequest{
		Config:      &pagerduty.TicketingConfig{URL: srv.URL, Credential: ref},
		Credentials: map[string]credential.Config{"credential": tok},
		HTTPOptions: providers.HTTPOptions{Timeout: 100 * time.Millisecond, RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv.SetDelay(5 * time.Second)

	start := time.Now()
	_, err = d.GetTicket(t.Context(), id) // HTTPOptions.Timeout bounds a call without a deadline
	if !errors.Is(err, errs.ErrProvider) {
		t.Errorf("a call past HTTPOptions.Timeout: want ErrProvider, got %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = d.GetTicket(ctx, id) // and the context's deadline wins when it has one
	if !errors.Is(err, errs.ErrDeadlineExceeded) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a call past its context's deadline: want ErrDeadlineExceeded caused by DeadlineExceeded, got %v", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("the timed-out calls took %s", el)
	}
	srv.SetDelay(0)
	_ = d.Close()
	srv.Close()
}

func TestMalformedAndTruncatedBodies(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{})
	for _, f := range []pdfake.BodyFault{pdfake.BodyMalformed, pdfake.BodyTruncated} {
		srv.Inject(1, pdfake.Fault{Body: f, PathPrefix: path})
		_, err := c.GetTicket(t.Context(), id)
		if !errors.Is(err, errs.ErrProvider) {
			t.Errorf("body fault %d on GET: want ErrProvider, got %v", f, err)
		}
	}
	srv.ResetRequests()
	srv.Inject(1, pdfake.Fault{Body: pdfake.BodyMalformed, Method: http.MethodPost})
	if _, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"}); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("malformed create answer: want ErrProvider, got %v", err)
	}
	if n := srv.Count(http.MethodPost, "/incidents"); n != 1 {
		t.Errorf("POST sent %d times, want 1", n)
	}
}

func TestOversizedBody(t *testing.T) {
	srv, c, id, path := seeded(t, providers.HTTPOptions{MaxResponseBytes: 1 << 20})
	srv.Inject(1, pdfake.Fault{Body: pdfake.BodyOversized, Size: 3 << 20, PathPrefix: path})
	_, err := c.GetTicket(t.Context(), id)
	if !errors.Is(err, errs.ErrProvider) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("an answer over the size cap: want ErrProvider naming the limit, got %v", err)
	}
	if _, err := c.GetTicket(t.Context(), id); err != nil {
		t.Fatalf("the next call: %v", err)
	}
}

func TestWrongToken(t *testing.T) {
	srv := fake(t)
	const wrong = "wrong-token-0123456789"
	tok := &credential.TokenCredential{Secret: wrong}
	ref := credential.Inline(tok)
	req := requestFor(t, srv, pagerduty.TicketingConfig{Credential: ref})
	req.Credentials = map[string]credential.Config{"credential": tok}
	d := open(t, req)
	_, err := d.ListProjects(t.Context(), ticketing.ListRequest{})
	e, ok := errCode(err)
	if !ok || e.Code != errs.Unauthorized || e.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong token: want ErrUnauthorized with status 401, got %v", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("the error shows the token: %v", err)
	}
	if n := srv.Count("", ""); n != 1 {
		t.Errorf("a 401 was retried: %d requests", n)
	}
}

// No error and no log line shows the API key, even when PagerDuty echoes
// it back.
func TestTokenNeverShown(t *testing.T) {
	srv := fake(t)
	id := srv.SeedIncident(pdfake.IncidentSeed{})
	var logs logBuffer
	req := requestFor(t, srv, pagerduty.TicketingConfig{})
	req.Logger = debugLogger(&logs)
	d := open(t, req)
	c := ticketing.NewConnector(pagerduty.Ticketing, d)
	ctx := t.Context()
	var got []error
	srv.Inject(1, pdfake.Fault{Status: http.StatusBadRequest, Message: "bad key Token token=" + pdfake.Token})
	_, err := c.GetTicket(ctx, id)
	got = append(got, err)
	srv.Inject(1, pdfake.Fault{Status: http.StatusForbidden, Message: `{"api_key":"` + pdfake.Token + `"}`})
	_, err = c.ListProjects(ctx, ticketing.ListRequest{})
	got = append(got, err)
	srv.Inject(4, pdfake.Fault{Status: http.StatusServiceUnavailable, Message: pdfake.Token})
	_, err = c.GetTicket(ctx, id)
	got = append(got, err)
	srv.Inject(1, pdfake.Fault{Body: pdfake.BodyMalformed})
	_, err = c.GetTicket(ctx, id)
	got = append(got, err)
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "no from"})
	got = append(got, err)
	if _, err := c.GetTicket(ctx, id); err != nil {
		t.Fatal(err)
	}
	for i, err := range got {
		if err == nil {
			t.Errorf("call %d succeeded, want an error", i)
			continue
		}
		if strings.Contains(err.Error(), pdfake.Token) {
			t.Errorf("error %d shows the API key: %v", i, err)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "provider call") {
		t.Fatalf("the driver logged no calls: %q", out)
	}
	if strings.Contains(out, pdfake.Token) {
		t.Errorf("the logs show the API key:\n%s", out)
	}
}
