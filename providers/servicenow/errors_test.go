package servicenow

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The shared fault suite (TestFaults) covers rate limits, 5xx, dropped and
// lost answers, timeouts and bad bodies on the read and the create; these
// tests check what it does not.

// TestRetryAfterIsWaited: a short Retry-After is waited for before the
// retry, not just honoured in name.
func TestRetryAfterIsWaited(t *testing.T) {
	f := newFake(t)
	req := fakeRequest(f, testConfig(f), credentialFor(modeBasic))
	req.RetryWaitMax = 5 * time.Second
	c := connector(openWith(t, req))
	f.RateLimit(1, time.Second)
	start := time.Now()
	if _, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "after 429"}); err != nil {
		t.Fatalf("CreateTicket after one 429: %v", err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want the 1 s Retry-After", waited)
	}
	if n := f.Count(http.MethodPost, incidentPath); n != 2 {
		t.Errorf("%d POSTs, want 2 (a 429 means the request was not processed, so even a POST is retried)", n)
	}
}

// TestCommentNotRetried: a comment is a PATCH of the incident's comments
// journal field, whose retry would add it twice.
func TestCommentNotRetried(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
	if err != nil {
		t.Fatal(err)
	}
	f.FailNext(1, http.StatusBadGateway)
	if _, err := c.CreateComment(t.Context(), tk.ID, ticketing.CreateCommentRequest{Content: "once"}); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("comment after 502: want ErrProvider, got %v", err)
	}
	if n := f.Count(http.MethodPatch, incidentPath+"/"+tk.ID); n != 1 {
		t.Errorf("%d comment PATCHes, want 1", n)
	}
}

// TestListEnvelope: a list answered with valid JSON that is not the
// documented {"result": [...]} envelope is a provider error.
func TestListEnvelope(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	f.Inject(fakekit.Fault{Path: incidentPath, Body: fakekit.BodyMalformed, Message: `{"result":{"sys_id":"x"}}`})
	if _, err := c.QueryTickets(t.Context(), ticketing.QueryTicketsRequest{}); !errors.Is(err, errs.ErrProvider) {
		t.Errorf("an object where a list belongs: want ErrProvider, got %v", err)
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
	if r := f.Requests(); len(r) == 1 && (pe == nil || pe.RequestID != r[0].RequestID || pe.RequestID == "") {
		t.Errorf("ProviderError.RequestID is not the instance's X-Transaction-ID %q: %#v", r[0].RequestID, pe)
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
