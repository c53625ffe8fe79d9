package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/patch"
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

// TestNoSecretsInErrorsOrLogs drives every kind of failure with debug
// logging on and checks that no error string and no log line holds the API
// token, the bearer token or the basic Authorization header, even when Jira
// echoes them back.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
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
			req.Timeout = 200 * time.Millisecond
			d := open(t, req)
			messages := []string{fmt.Sprintf("%v %+v %#v", d, d, d)}
			record := func(err error) {
				if err != nil {
					messages = append(messages, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				}
			}
			c := connect(d)
			ctx := context.Background()

			// Jira echoing the credentials back in error bodies.
			echo := fmt.Sprintf(`{"errorMessages":["bad credentials: %s"],"errors":{"token":%q}}`,
				strings.Join(tc.secrets, " / "), tc.secrets[0])
			f.Inject(jirafake.Fault{Status: http.StatusBadRequest, Body: echo})
			_, err = c.GetTicket(ctx, "SEC-1")
			record(err)
			f.Inject(jirafake.Fault{Status: http.StatusInternalServerError, Body: echo, Times: 4})
			_, err = c.QueryTickets(ctx, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]To Do"}})
			record(err)
			f.Inject(jirafake.Fault{Status: http.StatusUnauthorized, Body: echo})
			_, err = c.ListRemoteFields(ctx)
			record(err)

			// Ordinary failures.
			f.RateLimit(1, 300)
			_, err = c.ListProjects(ctx, ticketing.ListRequest{})
			record(err)
			f.Inject(jirafake.Fault{Delay: time.Second})
			_, err = c.GetTicket(ctx, "SEC-1")
			record(err)
			f.Inject(jirafake.Fault{Truncate: true})
			_, err = c.GetTicket(ctx, "SEC-1")
			record(err)
			_, err = c.GetTicket(ctx, "SEC-404")
			record(err)
			_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: strings.Repeat("x", 300)})
			record(err)
			_, err = c.PatchTicket(ctx, "SEC-1", []patch.Operation{{Op: "replace", Path: "/status", Value: "Nowhere"}})
			record(err)
			_, err = c.CreateComment(ctx, "SEC-1", ticketing.CreateCommentRequest{Content: "hello"})
			record(err)
			_, err = c.CreateAttachment(ctx, "SEC-1", ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("a")})
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
