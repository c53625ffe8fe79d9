package servicenow

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

func TestOAuthTokenIsCached(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeOAuth))
	for range 5 {
		if _, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "cached"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.TokenRequests(); n != 1 {
		t.Errorf("%d token requests for five calls, want 1", n)
	}
	if got := f.TokenScopes(); !slices.Equal(got, []string{"useraccount"}) {
		t.Errorf("requested scopes %v, want the configured [useraccount]", got)
	}
}

func TestOAuthTokenIsRefreshedWhenItExpires(t *testing.T) {
	f := newFake(t)
	// golang.org/x/oauth2 treats a token as expired 10 s before its
	// expiry: a 12 s token is good for 2 s.
	f.SetTokenLifetime(12 * time.Second)
	c := connector(openDriver(t, f, modeOAuth))
	ctx := t.Context()
	start := time.Now()
	for range 3 {
		if _, err := c.ListIssueTypes(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	if time.Since(start) > 1500*time.Millisecond {
		t.Skip("the machine is too slow for a 2 s token window")
	}
	if n := f.TokenRequests(); n != 1 {
		t.Fatalf("%d token requests before expiry, want 1", n)
	}
	time.Sleep(time.Until(start.Add(2200 * time.Millisecond)))
	for range 3 {
		if _, err := c.ListIssueTypes(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.TokenRequests(); n != 2 {
		t.Errorf("%d token requests after the token expired, want 2 (one new token)", n)
	}
}

func TestOAuthTokenURL(t *testing.T) {
	f := newFake(t)
	cfg := testConfig(f)
	cred := &credential.OAuthClientCredential{TokenURL: f.URL + "/oauth_token.do", ClientID: snowfake.ClientID, ClientSecret: snowfake.ClientSecret}
	c := connector(openWith(t, fakeRequest(f, cfg, cred)))
	if _, err := c.ListIssueTypes(t.Context(), ""); err != nil {
		t.Fatalf("with an explicit token_url: %v", err)
	}
	cred.TokenURL = f.URL + "/no/such/token/endpoint"
	c = connector(openWith(t, fakeRequest(f, cfg, cred)))
	if _, err := c.ListIssueTypes(t.Context(), ""); !errors.Is(err, errs.ErrUnauthorized) {
		t.Errorf("with a wrong token_url: want ErrUnauthorized, got %v", err)
	}
}

func TestWrongCredentials(t *testing.T) {
	f := newFake(t)
	for name, cred := range map[string]credential.Config{
		"basic password": &credential.BasicCredential{Username: snowfake.BasicUsername, Secret: "wrong-password"},
		"basic user":     &credential.BasicCredential{Username: "someone.else", Secret: snowfake.BasicPassword},
		"token":          &credential.TokenCredential{Secret: "wrong-token"},
		"client secret":  &credential.OAuthClientCredential{ClientID: snowfake.ClientID, ClientSecret: "wrong-secret"},
		"client id":      &credential.OAuthClientCredential{ClientID: "other-client", ClientSecret: snowfake.ClientSecret},
	} {
		c := connector(openWith(t, fakeRequest(f, testConfig(f), cred)))
		_, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
		if !errors.Is(err, errs.ErrUnauthorized) {
			t.Errorf("%s: want ErrUnauthorized, got %v", name, err)
		}
	}
	// A token the instance revoked (or expired early) is replaced: the 401
	// makes the client fetch a new token and retry once.
	d := openDriver(t, f, modeOAuth)
	c := connector(d)
	if _, err := c.ListIssueTypes(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens()
	if _, err := c.ListIssueTypes(t.Context(), ""); err != nil {
		t.Errorf("with a revoked token: want a fresh token and success, got %v", err)
	}
	if got := len(f.Tokens()); got != 1 {
		t.Errorf("the fake issued %d tokens after the revocation, want 1", got)
	}
	// A 401 that persists after the refresh is an error. (Aimed at the API:
	// the token request in between is not hit.)
	f.Inject(fakekit.Fault{Path: "/api/", Status: http.StatusUnauthorized, Times: 2})
	var e *errs.Error
	_, err := c.ListIssueTypes(t.Context(), "")
	f.ClearFaults()
	if !errors.As(err, &e) || e.Status != 401 {
		t.Errorf("status = %d, want 401", e.Status)
	}
}
