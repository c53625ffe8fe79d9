package pagerduty_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// lastFrom returns the From header of the last request with method and
// path.
func lastFrom(t *testing.T, srv *pdfake.Server, method, path string) string {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			return reqs[i].Header.Get("From")
		}
	}
	t.Fatalf("no %s %s request", method, path)
	return ""
}

func TestFromHeaderRules(t *testing.T) {
	ctx := t.Context()
	srv := fake(t)
	noDefault := ticketing.NewConnector(pagerduty.Ticketing, driverFor(t, srv, pagerduty.TicketingConfig{DefaultProject: pdfake.ServiceWeb}, providers.HTTPOptions{}))
	withDefault := ticketing.NewConnector(pagerduty.Ticketing, driverFor(t, srv, pagerduty.TicketingConfig{DefaultProject: pdfake.ServiceWeb,
		DefaultCreator: pdfake.EmailBob}, providers.HTTPOptions{}))

	t.Run("neither creator nor default_creator", func(t *testing.T) {
		srv.ResetRequests()
		_, err := noDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "no from"})
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.InvalidInput || !strings.Contains(e.Message, "creator") ||
			!strings.Contains(e.Message, "default_creator") {
			t.Fatalf("CreateTicket without creator nor default_creator: want an invalid_input error naming both, got %v", err)
		}
		if n := srv.Count("", ""); n != 0 {
			t.Errorf("the refused create sent %d requests", n)
		}
		_, err = noDefault.CreateComment(ctx, "Q1", ticketing.CreateCommentRequest{Content: "x"})
		if !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("CreateComment without creator nor default_creator: %v", err)
		}
		_, err = noDefault.CreateNote(ctx, "Q1", ticketing.CreateNoteRequest{Content: "x"})
		if !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("CreateNote without creator nor default_creator: %v", err)
		}
	})

	t.Run("request creator wins", func(t *testing.T) {
		tk, err := withDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "creator wins", Creator: pdfake.EmailCarol})
		if err != nil {
			t.Fatal(err)
		}
		if got := lastFrom(t, srv, http.MethodPost, "/incidents"); got != pdfake.EmailCarol {
			t.Errorf("From = %q, want the request's creator %q", got, pdfake.EmailCarol)
		}
		if tk.Creator != pdfake.EmailCarol {
			t.Errorf("created ticket's creator = %q", tk.Creator)
		}
		got, err := withDefault.GetTicket(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Creator != pdfake.EmailCarol {
			t.Errorf("GetTicket creator = %q, want the e-mail of who triggered it, %q", got.Creator, pdfake.EmailCarol)
		}
		if _, err := withDefault.CreateComment(ctx, tk.ID, ticketing.CreateCommentRequest{Content: "hi", Creator: pdfake.EmailAlice}); err != nil {
			t.Fatal(err)
		}
		if got := lastFrom(t, srv, http.MethodPost, "/incidents/"+tk.ID+"/notes"); got != pdfake.EmailAlice {
			t.Errorf("comment From = %q, want %q", got, pdfake.EmailAlice)
		}
	})

	t.Run("default_creator", func(t *testing.T) {
		tk, err := withDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "default creator"})
		if err != nil {
			t.Fatal(err)
		}
		if got := lastFrom(t, srv, http.MethodPost, "/incidents"); got != pdfake.EmailBob {
			t.Errorf("From = %q, want default_creator %q", got, pdfake.EmailBob)
		}
		n, err := withDefault.CreateNote(ctx, tk.ID, ticketing.CreateNoteRequest{Title: "T", Content: "body"})
		if err != nil {
			t.Fatal(err)
		}
		if n.Creator != pdfake.EmailBob || lastFrom(t, srv, http.MethodPost, "/incidents/"+tk.ID+"/notes") != pdfake.EmailBob {
			t.Errorf("note creator %q, From %q; want default_creator", n.Creator, lastFrom(t, srv, http.MethodPost, "/incidents/"+tk.ID+"/notes"))
		}
		if _, err := withDefault.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "acknowledged"}}); err != nil {
			t.Fatal(err)
		}
		if got := lastFrom(t, srv, http.MethodPut, "/incidents/"+tk.ID); got != pdfake.EmailBob {
			t.Errorf("update From = %q, want default_creator", got)
		}
	})

	t.Run("patch without default_creator uses the incident's creator", func(t *testing.T) {
		tk, err := noDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "patch from", Creator: pdfake.EmailCarol})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := noDefault.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "resolved"}}); err != nil {
			t.Fatal(err)
		}
		if got := lastFrom(t, srv, http.MethodPut, "/incidents/"+tk.ID); got != pdfake.EmailCarol {
			t.Errorf("update From = %q, want the incident's creator %q", got, pdfake.EmailCarol)
		}
	})

	t.Run("invalid and unknown e-mails", func(t *testing.T) {
		srv.ResetRequests()
		for _, bad := range []string{"not-an-email", "a@b\r\nX-Evil: 1", "two@@example.com"} {
			_, err := withDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "bad from", Creator: bad})
			if !errors.Is(err, errs.ErrInvalidInput) {
				t.Errorf("creator %q: want ErrInvalidInput, got %v", bad, err)
			}
		}
		if n := srv.Count("", ""); n != 0 {
			t.Errorf("refused creators sent %d requests", n)
		}
		_, err := withDefault.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "stranger", Creator: "stranger@example.com"})
		if !errors.Is(err, errs.ErrInvalidInput) || !strings.Contains(err.Error(), "Requester User Not Found") {
			t.Errorf("an e-mail PagerDuty does not know: want ErrInvalidInput with PagerDuty's message, got %v", err)
		}
	})

	t.Run("versioned Accept header", func(t *testing.T) {
		for _, r := range srv.Requests() {
			if got := r.Header.Get("Accept"); got != "application/vnd.pagerduty+json;version=2" {
				t.Fatalf("%s %s sent Accept %q", r.Method, r.Path, got)
			}
		}
	})
}
