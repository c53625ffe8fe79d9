package servicenow

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// count returns how many requests the fake received with method on path.
func count(f *snowfake.Server, method, path string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestRateLimitRetriedAfterRetryAfter(t *testing.T) {
	f := newFake(t)
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.RetryWaitMax = 5 * time.Second
	c := connector(openWith(t, req))
	f.RateLimit(1, "1")
	start := time.Now()
	if _, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "after 429"}); err != nil {
		t.Fatalf("CreateTicket after one 429: %v", err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want the 1 s Retry-After", waited)
	}
	if n := count(f, http.MethodPost, incidentPath); n != 2 {
		t.Errorf("%d POSTs, want 2 (a 429 means the request was not processed, so even a POST is retried)", n)
	}
}

func TestLongRetryAfterIsRateLimited(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	f.RateLimit(5, "120")
	_, err := c.GetTicket(t.Context(), "0123456789abcdef0123456789abcdef")
	var e *errs.Error
	if !errors.Is(err, errs.ErrRateLimited) || !errors.As(err, &e) || e.RetryAfter != 120*time.Second || e.Status != 429 {
		t.Fatalf("want ErrRateLimited with RetryAfter 120s, got %#v", err)
	}
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d requests, want 1: a Retry-After beyond RetryWaitMax is not waited for", n)
	}
}

func TestServerErrorsRetriedOnGet(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
	if err != nil {
		t.Fatal(err)
	}
	f.FailNext(1, http.StatusInternalServerError)
	f.FailNext(1, http.StatusBadGateway)
	f.FailNext(1, http.StatusServiceUnavailable)
	f.ResetLog()
	got, err := c.GetTicket(t.Context(), tk.ID)
	if err != nil || got.ID != tk.ID {
		t.Fatalf("GetTicket after a burst of 5xx: %v", err)
	}
	if n := count(f, http.MethodGet, incidentPath+"/"+tk.ID); n != 4 {
		t.Errorf("%d GETs, want 4", n)
	}
	// A burst longer than the retries is a provider error.
	f.FailNext(10, http.StatusServiceUnavailable)
	if _, err := c.GetTicket(t.Context(), tk.ID); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("after 4 x 503: want ErrProvider, got %v", err)
	}
}

func TestServerErrorOnPostNotRetried(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	f.FailNext(1, http.StatusInternalServerError)
	_, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "maybe created"})
	var e *errs.Error
	if !errors.Is(err, errs.ErrProvider) || !errors.As(err, &e) || e.Status != 500 {
		t.Fatalf("want ErrProvider with status 500, got %v", err)
	}
	if n := count(f, http.MethodPost, incidentPath); n != 1 {
		t.Errorf("%d POSTs, want 1: a POST that may have been processed is not retried", n)
	}
	// Nor is a comment, whose retry would add it twice.
	tk, _ := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
	f.FailNext(1, http.StatusBadGateway)
	if _, err := c.CreateComment(t.Context(), tk.ID, ticketing.CreateCommentRequest{Content: "once"}); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("comment after 502: want ErrProvider, got %v", err)
	}
	if n := count(f, http.MethodPatch, incidentPath+"/"+tk.ID); n != 1 {
		t.Errorf("%d comment PATCHes, want 1", n)
	}
}

func TestTimeoutLeaksNoGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	f := snowfake.New()
	hc := plainClient()
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.HTTPClient = hc
	d := openWith(t, req)
	c := connector(d)
	f.SetDelay(5 * time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	start := time.Now()
	_, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "slow"})
	cancel()
	if err == nil || !errors.Is(err, errs.ErrDeadlineExceeded) {
		t.Errorf("want ErrDeadlineExceeded after the caller's deadline, got %v", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("the call returned after %v; the deadline was 150ms", waited)
	}
	// The driver's own timeout applies when the context has none.
	req.Timeout = 100 * time.Millisecond
	d2 := openWith(t, req)
	if _, err := connector(d2).GetTicket(t.Context(), "0123456789abcdef0123456789abcdef"); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("with Timeout 100ms: want ErrProvider, got %v", err)
	}
	_ = d.Close()
	_ = d2.Close()
	hc.CloseIdleConnections()
	f.Close()
	goleak.VerifyNone(t, ignore)
}

func TestMalformedAndTruncatedBodies(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for name, fault := range map[string]snowfake.Fault{
		"malformed": {Body: snowfake.BodyMalformed, Count: 10},
		"truncated": {Body: snowfake.BodyTruncated, Count: 10},
	} {
		f.Inject(fault)
		_, err := c.GetTicket(t.Context(), tk.ID)
		if !errors.Is(err, errs.ErrProvider) {
			t.Errorf("%s body: want ErrProvider, got %v", name, err)
		}
		f.ClearFaults()
	}
	// A list whose body is JSON but not the documented envelope.
	f.Inject(snowfake.Fault{Body: snowfake.BodyOversized, Size: 100})
	if _, err := c.QueryTickets(t.Context(), ticketing.QueryTicketsRequest{}); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("an object where a list belongs: want ErrProvider, got %v", err)
	}
}

func TestOversizedBody(t *testing.T) {
	f := newFake(t)
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.MaxResponseBytes = 64 << 10
	c := connector(openWith(t, req))
	f.Inject(snowfake.Fault{Body: snowfake.BodyOversized, Size: 1 << 20})
	_, err := c.GetTicket(t.Context(), "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, errs.ErrProvider) {
		t.Fatalf("want ErrProvider for a 1 MiB body over a 64 KiB cap, got %v", err)
	}
	// Under the cap, the same kind of body is read (and found wanting).
	f.Inject(snowfake.Fault{Body: snowfake.BodyOversized, Size: 1 << 10})
	d := openDriver(t, f, modeBasic)
	resp, err := d.c.Do(t.Context(), httpx.Request{Method: http.MethodGet, Path: incidentPath})
	if err != nil || len(resp.Body) != 1<<10 {
		t.Errorf("a 1 KiB body: %v", err)
	}
}

func TestNotFoundAndErrorBodies(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	missing := "0123456789abcdef0123456789abcdef"
	_, err := c.GetTicket(t.Context(), missing)
	var e *errs.Error
	if !errors.Is(err, errs.ErrNotFound) || !errors.As(err, &e) || e.Status != 404 {
		t.Fatalf("want ErrNotFound with status 404, got %v", err)
	}
	if want := "No Record found"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks the vendor's %q", err, want)
	}
	var pe *errs.ProviderError
	if !errors.As(err, &pe) || pe.Status != 404 || !strings.Contains(pe.Message, "No Record found") {
		t.Errorf("the vendor's answer is not reachable as a ProviderError with its message: %#v", pe)
	}
	for _, id := range []string{"INC0010001", "../../sys_user", "0123456789ABCDEF0123456789ABCDEF", "x^ORactive=true"} {
		if _, err := c.GetTicket(t.Context(), id); !errors.Is(err, errs.ErrNotFound) && !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("GetTicket(%q): want ErrNotFound, got %v", id, err)
		}
	}
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d requests: ids that are not sys_ids must not reach the instance", n)
	}
}
