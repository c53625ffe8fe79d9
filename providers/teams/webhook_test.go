package teams

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

// TestWebhookPostsCard: a message is a card posted to the webhook URL as it
// is (its query, sig included, untouched), recorded in the State; clearing
// posts a follow-up card, once.
func TestWebhookPostsCard(t *testing.T) {
	f := newFake(t)
	state := providers.NewMemoryState()
	c := connector(openMode(t, f, modeHook, providers.OpenRequest{State: state}))
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "Disk full on db-02",
		Priority: ticketing.PriorityHigh, Description: "Free *space* now", Project: "OPS", Tags: []string{"disk"}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(n.ID, webhookIDPrefix), n.ID)
	assert.Equal(t, notifications.StatusOpen, n.NotificationStatus)

	reqs := f.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/workflows/"+teamsfake.WorkflowID+"/triggers/manual/paths/invoke", r.Path)
	assert.Equal(t, teamsfake.WebhookSig, r.Query.Get("sig"))
	assert.Equal(t, "/triggers/manual/run", r.Query.Get("sp"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Get("Authorization"))
	var body struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string         `json:"contentType"`
			ContentURL  *string        `json:"contentUrl"`
			Content     map[string]any `json:"content"`
		} `json:"attachments"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &body))
	assert.Equal(t, "message", body.Type)
	require.Len(t, body.Attachments, 1)
	assert.Equal(t, CardContentType, body.Attachments[0].ContentType)
	assert.Equal(t, "AdaptiveCard", body.Attachments[0].Content["type"])

	msgs := f.Messages(teamsfake.ChannelID)
	require.Len(t, msgs, 1)
	assert.Equal(t, "webhook", msgs[0].Via)
	assert.Equal(t, []string{"🟠 Priority: HIGH", "Disk full on db-02", "Free **space** now"}, msgs[0].Texts())
	assert.Equal(t, map[string]string{"Project": "OPS", "Tags": "disk"}, msgs[0].Facts())

	got, err := c.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, n, got)

	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	msgs = f.Messages(teamsfake.ChannelID)
	require.Len(t, msgs, 2, "one follow-up, however often it is cleared")
	assert.Equal(t, "✅ Cleared", msgs[1].Texts()[0])
	assert.Equal(t, "Disk full on db-02", msgs[1].Texts()[1])
	assert.Empty(t, f.FailedRuns())

	got, err = c.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)
	raw, err := state.Get(t.Context(), stateKey(n.ID))
	require.NoError(t, err)
	var rec record
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, modeWebhook, rec.Mode)
	assert.NotNil(t, rec.ClearedAt)
}

// TestWebhookStateOutlivesTheDriver: the messages live in the
// integration's State: another driver over it reads and clears them.
func TestWebhookStateOutlivesTheDriver(t *testing.T) {
	f := newFake(t)
	state := providers.NewMemoryState()
	first := connector(openMode(t, f, modeHook, providers.OpenRequest{State: state}))
	n, err := first.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "kept"})
	require.NoError(t, err)
	second := connector(openMode(t, f, modeHook, providers.OpenRequest{State: state}))
	require.NoError(t, second.ClearMessage(t.Context(), n.ID))
	got, err := first.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)
	other := connector(openMode(t, f, modeHook, providers.OpenRequest{}))
	_, err = other.GetMessage(t.Context(), n.ID)
	assert.ErrorIs(t, err, errs.ErrNotFound, "another integration's State does not hold it")
}

// TestWebhookLargeCardFits: a description Teams would refuse is shortened,
// and the flow posts the card.
func TestWebhookLargeCardFits(t *testing.T) {
	f := newFake(t)
	c := connector(openMode(t, f, modeHook, providers.OpenRequest{}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "big", Description: strings.Repeat("<at>x</at> *y* ", 15000)})
	require.NoError(t, err)
	assert.Empty(t, f.FailedRuns())
	require.Len(t, f.Messages(teamsfake.ChannelID), 1)
}

// TestWebhookRefused: a refused URL is Unauthorized, says what to check,
// names the path Teams saw and its request id, and never shows the
// signature or the URL.
func TestWebhookRefused(t *testing.T) {
	f := newFake(t)
	const wrong = "tfSig-not-the-right-one-0123456789abcdefghij"
	var logs logBuffer
	c := connector(openMode(t, f, modeHook, providers.OpenRequest{Config: &NotificationsConfig{Credential: WebhookCredential(f.WebhookURLWithSig(wrong))},
		Logger: debugLogger(&logs)}))
	_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
	require.ErrorIs(t, err, errs.ErrUnauthorized)
	assert.Contains(t, err.Error(), "check that the workflow exists")
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	r := f.Requests()[0]
	assert.Equal(t, r.Path, pe.Path, "a Workflows URL's path is not its secret")
	assert.Equal(t, r.RequestID, pe.RequestID)
	assert.Equal(t, "DirectApiInvalidAuthorizationSignature", pe.Code)
	for _, text := range []string{err.Error(), logs.String()} {
		assert.NotContains(t, text, wrong)
		assert.NotContains(t, text, "sig=")
		assert.NotContains(t, text, f.WebhookURLWithSig(wrong))
	}
	assert.Contains(t, logs.String(), r.Path, "the log line names the path")
}

// TestWebhookEchoedURLRedacted: a vendor echoing the URL or its signature
// back sees them redacted.
func TestWebhookEchoedURLRedacted(t *testing.T) {
	f := newFake(t)
	c := connector(openMode(t, f, modeHook, providers.OpenRequest{}))
	for _, echo := range []string{f.WebhookURL(), teamsfake.WebhookSig, teamsfake.WebhookTarget(teamsfake.WebhookSig)} {
		f.Inject(fakekit.Fault{Path: "/workflows/", Status: http.StatusBadRequest, Message: "bad request to " + echo})
		_, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "x"})
		require.ErrorIs(t, err, errs.ErrInvalidInput)
		text := err.Error()
		var pe *errs.ProviderError
		require.ErrorAs(t, err, &pe)
		text += pe.Body + pe.Message
		assert.NotContains(t, text, teamsfake.WebhookSig)
		assert.Contains(t, text, "[REDACTED]")
	}
}

// connectorServer is an Office 365 connector's incoming webhook: its URL's
// path is the credential; it answers 200 "1", or what answer says.
type connectorServer struct {
	*httptest.Server
	mu     sync.Mutex
	answer func(w http.ResponseWriter)
	bodies []string
}

const connectorPath = "/webhookb2/11111111-2222-3333-4444-555555555555@5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/IncomingWebhook/0a1b2c3d4e5f60718293a4b5c6d7e8f9/99999999-8888-7777-6666-555555555555/V2connectorT0kenSecretPart0123456789"

func newConnectorServer(t *testing.T) *connectorServer {
	s := &connectorServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		answer := s.answer
		s.mu.Unlock()
		if r.URL.Path != connectorPath {
			http.Error(w, "Invalid webhook URL", http.StatusNotFound)
			return
		}
		if answer != nil {
			answer(w)
			return
		}
		_, _ = io.WriteString(w, "1")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *connectorServer) setAnswer(fn func(w http.ResponseWriter)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = fn
}

// TestLegacyConnector: an Office 365 connector's webhook answers 200 "1";
// it reports throttling with HTTP 200 and "Microsoft Teams endpoint
// returned HTTP error 429", which is a rate limit; its URL's path is the
// secret, redacted from errors and logs.
func TestLegacyConnector(t *testing.T) {
	s := newConnectorServer(t)
	var logs logBuffer
	d, err := Notifications.Open(t.Context(), providers.OpenRequest{Config: &NotificationsConfig{Credential: WebhookCredential(s.URL + connectorPath)},
		HTTPClient: s.Client(), HTTPOptions: fastHTTP, Logger: debugLogger(&logs)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	c := connector(d)
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "legacy"})
	require.NoError(t, err)
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	s.mu.Lock()
	assert.Len(t, s.bodies, 2)
	s.mu.Unlock()

	s.setAnswer(func(w http.ResponseWriter) {
		_, _ = io.WriteString(w, "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.0..")
	})
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "throttled"})
	require.ErrorIs(t, err, errs.ErrRateLimited)
	assert.Contains(t, err.Error(), "throttled")

	s.setAnswer(func(w http.ResponseWriter) {
		http.Error(w, "Summary or Text is required. "+connectorPath, http.StatusBadRequest)
	})
	_, err = c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "refused"})
	require.ErrorIs(t, err, errs.ErrInvalidInput)
	var pe *errs.ProviderError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "[REDACTED]", pe.Path, "a connector URL's path is its secret")
	assert.Contains(t, pe.Body, "Summary or Text is required")
	for _, text := range []string{err.Error(), pe.Body, logs.String()} {
		assert.NotContains(t, text, "V2connectorT0kenSecretPart0123456789")
		assert.NotContains(t, text, "IncomingWebhook/0a1b2c3d4e5f60718293a4b5c6d7e8f9")
	}
}

// TestConnectorError reads a connector's 200 answers.
func TestConnectorError(t *testing.T) {
	for body, want := range map[string]int{
		"1":  0,
		"":   0,
		"ok": 0,
		"Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0":                                        429,
		"Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413 with ContextId x": 413,
		"Microsoft Teams endpoint returned HTTP error 200":                                                              0,
	} {
		got, ok := connectorError([]byte(body))
		assert.Equal(t, want != 0, ok, body)
		assert.Equal(t, want, got, body)
	}
}

// TestModeMismatch: a message sent through a webhook cannot be cleared by
// the integration once it posts as a bot.
func TestModeMismatch(t *testing.T) {
	f := newFake(t)
	state := providers.NewMemoryState()
	n, err := connector(openMode(t, f, modeHook, providers.OpenRequest{State: state})).CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "s"})
	require.NoError(t, err)
	bot := connector(openMode(t, f, modeBF, providers.OpenRequest{State: state}))
	got, err := bot.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, "s", got.Summary)
	err = bot.ClearMessage(t.Context(), n.ID)
	assert.True(t, errors.Is(err, errs.ErrConflict), "%v", err)
}
