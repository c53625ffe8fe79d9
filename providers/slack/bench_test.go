package slack_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/slack/slackfake"
)

// BenchmarkCreateMessage posts the same message to the same fake: through
// the Connector and the driver ("connector": validation, rendering the
// Markdown into blocks, the metadata, the shared HTTP client's retry
// machinery, the connector's span and metrics), and with a hand-written
// net/http request carrying the same chat.postMessage body ("raw"). Their
// ratio is the library's overhead.
func BenchmarkCreateMessage(b *testing.B) {
	const (
		summary = "CVE-2026-1234 on web-01"
		details = "Patch *openssl* on `web-01` before Friday: see [the advisory](https://example.com/a?b=1&c=2)."
	)
	b.Run("connector", func(b *testing.B) {
		srv := fake(b)
		d := open(b, slack.Notifications, webRequest(b, srv, slackfake.ChannelSecurity, "", providers.OpenRequest{}))
		c := notifications.NewConnector(slack.Notifications, d)
		req := notifications.CreateMessageRequest{Summary: summary, Description: details, Priority: ticketing.PriorityHigh}
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.CreateMessage(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		srv := fake(b)
		client := srv.Client()
		defer client.CloseIdleConnections()
		type text struct {
			Type     string `json:"type"`
			Text     string `json:"text"`
			Emoji    bool   `json:"emoji,omitempty"`
			Verbatim bool   `json:"verbatim,omitempty"`
		}
		type block struct {
			Type     string `json:"type"`
			Text     *text  `json:"text,omitempty"`
			Elements []text `json:"elements,omitempty"`
		}
		payload := map[string]any{
			"channel": slackfake.ChannelSecurity,
			"text":    "🟠 [HIGH] " + summary,
			"blocks": []block{
				{Type: "header", Text: &text{Type: "plain_text", Text: summary, Emoji: true}},
				{Type: "section", Text: &text{Type: "mrkdwn", Verbatim: true,
					Text: "Patch *openssl* on `web-01` before Friday: see <https://example.com/a?b=1&amp;c=2|the advisory>."}},
				{Type: "context", Elements: []text{{Type: "mrkdwn", Text: "🟠 *Priority:* HIGH", Verbatim: true}}},
			},
			"metadata": map[string]any{"event_type": "synqly_notification", "event_payload": map[string]any{
				"version": 1, "summary": summary, "notification_status": "OPEN", "priority": "HIGH", "description": details}},
			"unfurl_links": false, "unfurl_media": false,
		}
		url := srv.APIURL + "/chat.postMessage"
		ctx := b.Context()
		b.ReportAllocs()
		for b.Loop() {
			body, err := json.Marshal(payload)
			if err != nil {
				b.Fatal(err)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+slackfake.BotToken)
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v", resp.StatusCode, err)
			}
			var out struct {
				OK      bool   `json:"ok"`
				Error   string `json:"error"`
				Channel string `json:"channel"`
				TS      string `json:"ts"`
			}
			if err := json.Unmarshal(data, &out); err != nil || !out.OK || out.TS == "" {
				b.Fatalf("decoding %q: %v", data, err)
			}
		}
	})
}
