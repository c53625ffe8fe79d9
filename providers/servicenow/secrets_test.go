package servicenow

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// TestOAuthTokensNeverShown drives an OAuth client-credentials driver
// through failures, with the instance echoing the client secret and the
// access tokens it issued at run time in its error bodies, and checks that
// no error string and no log line holds a secret. The shared fault suite
// (TestFaults) checks the secrets a harness knows beforehand (passwords,
// static tokens, the client secret); the access tokens exist only once the
// driver has fetched them, and the 401 answered to a cached token makes
// the driver fetch a new one.
func TestOAuthTokensNeverShown(t *testing.T) {
	f := newFake(t)
	var logs logBuffer
	req := fakeRequest(f, testConfig(f), credentialFor(modeOAuth))
	req.Logger = debugLogger(&logs)
	d := openWith(t, req)
	c := connector(d)
	ctx := t.Context()
	var errors []string
	record := func(err error) {
		if err != nil {
			errors = append(errors, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "secrets"})
	if err != nil {
		t.Fatal(err)
	}
	secrets := append([]string{snowfake.ClientSecret}, f.Tokens()...)
	if len(secrets) < 2 {
		t.Fatalf("the fake issued %d tokens, want 1", len(secrets)-1)
	}
	echo := "Authorization: " + strings.Join(secrets, " | ")
	// Aimed at the API: the token requests are left alone.
	for _, fault := range []fakekit.Fault{
		{Status: http.StatusBadRequest, Message: echo},
		{Status: http.StatusUnauthorized, Message: echo, Times: 2}, // OAuth retries a 401 once with a new token
		{Status: http.StatusTooManyRequests, RetryAfter: 600 * time.Second, Message: echo},
		{Status: http.StatusInternalServerError, Message: echo, Times: 10},
		{Body: fakekit.BodyMalformed, Message: `{"result":{"token":"` + secrets[1] + `"`},
		{Body: fakekit.BodyTruncated},
	} {
		fault.Path = "/api/"
		f.Inject(fault)
		_, err := c.GetTicket(ctx, tk.ID)
		record(err)
		f.ClearFaults()
	}
	_, err = c.GetTicket(ctx, "0123456789abcdef0123456789abcdef")
	record(err)
	// A wrong client secret.
	wrongReq := fakeRequest(f, testConfig(f), &credential.OAuthClientCredential{ClientID: snowfake.ClientID, ClientSecret: "wr0ng-Secret-1"})
	wrongReq.Logger = debugLogger(&logs)
	_, err = connector(openWith(t, wrongReq)).GetTicket(ctx, tk.ID)
	record(err)
	// The tokens issued after the 401 too.
	secrets = append(secrets, f.Tokens()...)
	secrets = append(secrets, "wr0ng-Secret-1")
	if len(errors) < 8*3 {
		t.Fatalf("only %d errors recorded", len(errors)/3)
	}
	all := strings.Join(errors, "\n") + "\n" + logs.String()
	if !strings.Contains(logs.String(), "provider call") {
		t.Fatalf("no provider call was logged; the logger is not wired: %q", logs.String())
	}
	if !strings.Contains(all, "[REDACTED]") {
		t.Errorf("no error shows the redacted echo: the test does not exercise redaction")
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("a secret (%d bytes, starting %q) appears in an error or a log line", len(s), s[:3])
		}
	}
}
