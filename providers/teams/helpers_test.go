package teams

import (
	"log/slog"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

// The modes of the tests.
const (
	modeHook = "webhook"
	modeBF   = "botframework"
)

var modes = []string{modeHook, modeBF}

// newFake starts a fake closed at the end of the test.
func newFake(t testing.TB) *teamsfake.Server {
	t.Helper()
	f := teamsfake.New()
	t.Cleanup(f.Close)
	return f
}

// fastHTTP keeps retries quick.
var fastHTTP = providers.HTTPOptions{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond}

// botCredential is the fake's bot, its token endpoint the fake's for the
// tenant ("" for the multi-tenant authority).
func botCredential(f *teamsfake.Server, tenant string) *credential.OAuthClientCredential {
	if tenant == "" {
		tenant = teamsfake.BotDirectory
	}
	return &credential.OAuthClientCredential{ClientID: teamsfake.ClientID, ClientSecret: teamsfake.ClientSecret,
		TokenURL: f.TokenURL(tenant)}
}

// configFor returns the configuration of a mode on the fake, its
// credential inline.
func configFor(f *teamsfake.Server, mode string) *NotificationsConfig {
	if mode == modeHook {
		return &NotificationsConfig{Credential: WebhookCredential(f.WebhookURL())}
	}
	return &NotificationsConfig{Credential: credential.Inline(botCredential(f, teamsfake.TenantID)), ChannelID: teamsfake.ChannelID,
		TeamID: teamsfake.TeamID, Endpoint: f.ServiceURL(), TenantID: teamsfake.TenantID}
}

// openMode opens a driver of a mode on the fake with req (its Config set
// here unless given, its HTTP client the fake's).
func openMode(t testing.TB, f *teamsfake.Server, mode string, req providers.OpenRequest) *notifier {
	t.Helper()
	if req.Config == nil {
		req.Config = configFor(f, mode)
	}
	if req.HTTPClient == nil {
		req.HTTPClient = f.Client()
	}
	if req.RetryWaitMax == 0 {
		req.HTTPOptions = fastHTTP
	}
	d, err := Notifications.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("Notifications.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d.(*notifier)
}

// connector wraps a driver in the portable API.
func connector(d notifications.Driver) *notifications.Connector {
	return notifications.NewConnector(Notifications, d)
}

// logBuffer captures logs (fakekit.Logs).
type logBuffer = fakekit.Logs

// debugLogger returns a logger writing every level to b.
func debugLogger(b *logBuffer) *slog.Logger { return b.Logger() }
