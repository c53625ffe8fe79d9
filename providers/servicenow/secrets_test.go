package servicenow

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

// TestNoSecretInErrorsOrLogs drives every authentication mode through
// failures, with the instance echoing the credentials in its error bodies,
// and checks that no error string and no log line holds a secret.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	basicHeader := base64.StdEncoding.EncodeToString([]byte(snowfake.BasicUsername + ":" + snowfake.BasicPassword))
	for _, mode := range []string{modeBasic, modeToken, modeOAuth} {
		t.Run(mode, func(t *testing.T) {
			f := newFake(t)
			var logs logBuffer
			req := fakeRequest(f, testConfig(f), credentialFor(mode))
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
			// The secrets this driver sends, which an instance could echo.
			secrets := map[string][]string{
				modeBasic: {snowfake.BasicPassword, basicHeader},
				modeToken: {snowfake.BearerToken},
				modeOAuth: append([]string{snowfake.ClientSecret}, f.Tokens()...),
			}[mode]
			if mode == modeOAuth && len(secrets) < 2 {
				t.Fatalf("the fake issued %d tokens, want 1", len(secrets)-1)
			}
			echo := "Authorization: " + strings.Join(secrets, " | ")
			for _, fault := range []snowfake.Fault{
				{Status: http.StatusBadRequest, Detail: echo},
				{Status: http.StatusUnauthorized, Detail: echo, Count: 2}, // OAuth retries a 401 once with a new token
				{Status: http.StatusTooManyRequests, RetryAfter: "600", Detail: echo},
				{Status: http.StatusInternalServerError, Detail: echo, Count: 10},
				{Body: snowfake.BodyMalformed},
				{Body: snowfake.BodyTruncated},
			} {
				f.Inject(fault)
				_, err := c.GetTicket(ctx, tk.ID)
				record(err)
				f.ClearFaults()
			}
			_, err = c.GetTicket(ctx, "0123456789abcdef0123456789abcdef")
			record(err)
			// Wrong credentials of the same kind.
			wrong := map[string]credential.Config{
				modeBasic: &credential.BasicCredential{Username: snowfake.BasicUsername, Secret: "wr0ng-Password-1"},
				modeToken: &credential.TokenCredential{Secret: "wr0ng-Token-1"},
				modeOAuth: &credential.OAuthClientCredential{ClientID: snowfake.ClientID, ClientSecret: "wr0ng-Secret-1"},
			}[mode]
			wrongReq := fakeRequest(f, testConfig(f), wrong)
			wrongReq.Logger = debugLogger(&logs)
			_, err = connector(openWith(t, wrongReq)).GetTicket(ctx, tk.ID)
			record(err)
			secrets = append(secrets, "wr0ng-Password-1", "wr0ng-Token-1", "wr0ng-Secret-1")
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
		})
	}
}
