package jira

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// openNotifier builds a notifications driver for the site.
func openNotifier(t testing.TB, f *jirafake.Server, cred credential.Config, req providers.OpenRequest) notifications.Driver {
	t.Helper()
	req.Config = &NotificationsConfig{URL: f.URL, DefaultProject: "SEC", DefaultIssueType: "Task", Credential: credential.Inline(cred)}
	if req.HTTPClient == nil {
		req.HTTPClient = f.Client()
	}
	if req.RetryWaitMax == 0 {
		req.HTTPOptions = fastHTTP()
	}
	d, err := Notifications.Open(t.Context(), req)
	require.NoError(t, err)
	return d
}

func TestNotificationsConformance(t *testing.T) {
	notificationstest.Run(t, notificationstest.Harness{
		Registration: Notifications,
		Open: func(t *testing.T) notifications.Driver {
			f := jirafake.New(t)
			return openNotifier(t, f, basicCred(f), providers.OpenRequest{})
		},
	})
}

func TestNotificationsFaults(t *testing.T) {
	site := func(token string) func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
			f := jirafake.New(t)
			f.Token = faultToken
			t.Cleanup(f.Client().CloseIdleConnections)
			return openNotifier(t, f, &credential.BasicCredential{Username: f.Email, Secret: credential.Secret(token)}, req), f.Kit
		}
	}
	notificationstest.RunFaults(t, notificationstest.FaultHarness{
		Registration:        Notifications,
		Open:                site(faultToken),
		OpenUnauthorized:    site(faultWrongToken),
		Secrets:             []string{faultToken},
		UnauthorizedSecrets: []string{faultWrongToken},
	})
}

// TestNotificationIsAnIssue: the message is an issue of the default
// project with the request's fields, and clearing it resolves the issue.
func TestNotificationIsAnIssue(t *testing.T) {
	f := jirafake.New(t)
	c := notifications.NewConnector(Notifications, openNotifier(t, f, basicCred(f), providers.OpenRequest{}))
	n, err := c.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "Disk full on db-02",
		Description: "Free *space* now", Priority: ticketing.PriorityHigh, Tags: []string{"ops"}})
	require.NoError(t, err)
	assert.Equal(t, "SEC", n.Project)
	assert.Equal(t, notifications.StatusOpen, n.NotificationStatus)
	tk, err := connect(newDriver(t, f)).GetTicket(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, "Disk full on db-02", tk.Summary)
	assert.Equal(t, []string{"ops"}, tk.Tags)
	require.NoError(t, c.ClearMessage(t.Context(), n.ID))
	got, err := c.GetMessage(t.Context(), n.ID)
	require.NoError(t, err)
	assert.Equal(t, notifications.StatusClosed, got.NotificationStatus)
	assert.Equal(t, "Done", got.Status)
	assert.Contains(t, Notifications.Provider().Schema()[0].Name, "credential")
}
