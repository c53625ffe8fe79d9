package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a
// logger.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoSecretsInJiraErrors checks what the shared suite's
// SecretsNeverShown (TestFaults) does not: Jira echoing the credentials
// back in the field errors of its error collection, which the driver reads
// into its errors (errorDetail, and withField on a create), for every
// credential, accepted or refused; and the driver's printed form. No error
// string and no debug log line holds the API token, the bearer token or
// the basic Authorization credentials.
func TestNoSecretsInJiraErrors(t *testing.T) {
	f := jirafake.New(t)
	_, err := f.AddIssue(jirafake.Issue{Summary: "secret test"})
	require.NoError(t, err)
	basic := func(user, token string) []string {
		return []string{token, base64.StdEncoding.EncodeToString([]byte(user + ":" + token))}
	}
	for _, tc := range []struct {
		name    string
		cred    credential.Config
		secrets []string
	}{
		{"basic", &credential.BasicCredential{Username: f.Email, Secret: credential.Secret(f.Token)}, basic(f.Email, f.Token)},
		{"bearer", &credential.TokenCredential{Secret: credential.Secret(f.BearerToken)}, []string{f.BearerToken}},
		{"wrong basic", &credential.BasicCredential{Username: f.Email, Secret: "wrong-token-1234"}, basic(f.Email, "wrong-token-1234")},
		{"wrong bearer", &credential.TokenCredential{Secret: "wrong-bearer-5678"}, []string{"wrong-bearer-5678"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs lockedBuffer
			req := request(f, &TicketingConfig{URL: f.URL, DefaultProject: "SEC"}, tc.cred)
			req.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			d := open(t, req)
			messages := []string{fmt.Sprintf("%v %+v %#v", d, d, d)}
			record := func(err error) {
				if assert.Error(t, err, "Jira refused the call") {
					messages = append(messages, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				}
			}
			c := connect(d)
			ctx := context.Background()

			// Jira's error collection, the secrets in its field errors
			// (keyed by field ids, not by names that say they are secret).
			fields := map[string]string{"summary": "bad credentials: " + strings.Join(tc.secrets, " / ")}
			for i, s := range tc.secrets {
				fields[fmt.Sprintf("customfield_1001%d", i)] = s
			}
			only, err := json.Marshal(map[string]any{"errorMessages": []string{}, "errors": fields})
			require.NoError(t, err)
			both, err := json.Marshal(map[string]any{"errorMessages": []string{"rejected: " + tc.secrets[0]}, "errors": fields})
			require.NoError(t, err)
			echo := func(method string, status int, body []byte, times int) {
				f.Inject(fakekit.Fault{Method: method, Status: status, Body: fakekit.BodyMalformed, Message: string(body), Times: times})
			}
			echo(http.MethodGet, http.StatusBadRequest, only, 1)
			_, err = c.GetTicket(ctx, "SEC-1")
			record(err)
			echo(http.MethodPost, http.StatusBadRequest, only, 1)
			_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "echoed"})
			record(err)
			echo(http.MethodPost, http.StatusInternalServerError, both, 4)
			_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]To Do"}})
			record(err)
			echo(http.MethodGet, http.StatusUnauthorized, only, 1)
			_, err = c.ListRemoteFields(ctx)
			record(err)
			f.ClearFaults()

			out := strings.Join(messages, "\n") + "\n" + logs.String()
			assert.Contains(t, logs.String(), "provider call", "the debug log is captured")
			assert.Contains(t, out, "[REDACTED]", "the echoed secrets are redacted")
			for _, s := range tc.secrets {
				assert.NotContains(t, out, s, "a secret leaked into an error or a log line")
			}
		})
	}
}
