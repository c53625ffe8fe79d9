// Command notifications sends a notification through the portable
// notifications connector, reads it back and clears it. It runs on the mock
// provider by default (no network; messages kept in the embedded SQLite
// store) and against a real Slack, Microsoft Teams or Jira with flags and
// environment variables:
//
//	go run ./examples/notifications                                       # mock provider
//	SLACK_BOT_TOKEN=xoxb-... go run ./examples/notifications -provider slack -channel C0123ABCD
//	SLACK_WEBHOOK_URL=https://hooks.slack.com/services/... go run ./examples/notifications -provider slack-webhook
//	TEAMS_WEBHOOK_URL=https://...logic.azure.com/... go run ./examples/notifications -provider teams
//	TEAMS_APP_ID=... TEAMS_APP_SECRET=... TEAMS_TENANT_ID=... go run ./examples/notifications -provider teams-bot -team 19:...@thread.tacv2 -channel 19:...@thread.tacv2
//	JIRA_EMAIL=me@example.com JIRA_API_TOKEN=... go run ./examples/notifications -provider jira -url https://example.atlassian.net -project SEC
//
// Secrets are read from the environment only, stored sealed as credentials,
// and never printed. Tests never run this program against a real vendor.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/examples/internal/setup"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/providers/slack"
	"github.com/seed-e6251c81/synqly/providers/teams"
)

// flags are the command line.
type flags struct {
	provider, channel, team, url, project, db string
}

func main() {
	var f flags
	flag.StringVar(&f.provider, "provider", "mock", "mock, slack, slack-webhook, teams (a Workflows webhook), teams-bot (Bot Framework) or jira")
	flag.StringVar(&f.channel, "channel", "", "Slack channel id or name; Teams channel id (teams-bot)")
	flag.StringVar(&f.team, "team", "", "Teams team id (teams-bot)")
	flag.StringVar(&f.url, "url", "", "Jira site URL; Slack API base (default https://slack.com/api)")
	flag.StringVar(&f.project, "project", "", "Jira project key")
	flag.StringVar(&f.db, "db", "", "SQLite database file (default: $SYNQLY_DB or synqly.DefaultDatabasePath())")
	flag.Parse()
	if err := run(context.Background(), f); err != nil {
		fmt.Fprintln(os.Stderr, "notifications:", err)
		os.Exit(1)
	}
}

// env returns the first of the environment variables that is set.
func env(names ...string) (string, error) {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v, nil
		}
	}
	return "", fmt.Errorf("set %s", names[0])
}

// secret returns an inline credential holding the environment variable's
// value as a secret of type t.
func secret(name string, config func(credential.Secret) credential.Config) (*credential.Ref, error) {
	v, err := env(name)
	if err != nil {
		return nil, err
	}
	return credential.Inline(config(credential.Secret(v))), nil
}

// providerConfig builds the provider configuration from flags and the
// environment.
func providerConfig(f flags) (*synqly.ProviderConfig, error) {
	token := func(s credential.Secret) credential.Config { return &credential.TokenCredential{Secret: s} }
	plain := func(s credential.Secret) credential.Config { return &credential.SecretCredential{Secret: s} }
	switch f.provider {
	case "mock":
		return &synqly.ProviderConfig{Type: mock.NotificationsID, Config: &mock.NotificationsConfig{Channel: "#security"}}, nil
	case "slack":
		if f.channel == "" {
			return nil, errors.New("slack needs -channel")
		}
		ref, err := secret("SLACK_BOT_TOKEN", token)
		if err != nil {
			return nil, err
		}
		return &synqly.ProviderConfig{Type: slack.NotificationsID, Config: &slack.NotificationsConfig{Channel: f.channel, Credential: ref, URL: f.url}}, nil
	case "slack-webhook":
		ref, err := secret("SLACK_WEBHOOK_URL", plain)
		if err != nil {
			return nil, err
		}
		return &synqly.ProviderConfig{Type: slack.WebhookID, Config: &slack.WebhookConfig{WebhookURL: ref}}, nil
	case "teams":
		ref, err := secret("TEAMS_WEBHOOK_URL", plain)
		if err != nil {
			return nil, err
		}
		return &synqly.ProviderConfig{Type: teams.NotificationsID, Config: &teams.NotificationsConfig{
			Credential: credential.Aliased(ref, teams.WebhookURLAlias)}}, nil
	case "teams-bot":
		id, err := env("TEAMS_APP_ID")
		if err != nil {
			return nil, err
		}
		sec, err := env("TEAMS_APP_SECRET")
		if err != nil {
			return nil, err
		}
		return &synqly.ProviderConfig{Type: teams.NotificationsID, Config: &teams.NotificationsConfig{
			Credential: credential.Inline(&credential.OAuthClientCredential{ClientID: id, ClientSecret: credential.Secret(sec)}),
			TeamID:     f.team, ChannelID: f.channel, TenantID: os.Getenv("TEAMS_TENANT_ID")}}, nil
	case "jira":
		email, err := env("JIRA_EMAIL")
		if err != nil {
			return nil, err
		}
		tok, err := env("JIRA_API_TOKEN")
		if err != nil {
			return nil, err
		}
		return &synqly.ProviderConfig{Type: jira.NotificationsID, Config: &jira.NotificationsConfig{URL: f.url, DefaultProject: f.project,
			Credential: credential.Inline(&credential.BasicCredential{Username: email, Secret: credential.Secret(tok)})}}, nil
	}
	return nil, fmt.Errorf("unknown provider %q: use mock, slack, slack-webhook, teams, teams-bot or jira", f.provider)
}

func run(ctx context.Context, f flags) error {
	cfg, err := providerConfig(f)
	if err != nil {
		return err
	}
	c, ctx, err := setup.Open(ctx, f.db, "examples/notifications")
	if err != nil {
		return err
	}
	defer c.Close()
	tenant, integrationID, err := setup.Integration(ctx, c, "notifications-example", "example-"+f.provider, cfg)
	if err != nil {
		return err
	}

	nc, err := notifications.Open(ctx, tenant, integrationID)
	if err != nil {
		return err
	}
	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{
		Summary:     fmt.Sprintf("CVE-2026-1234 on web-01 (%s)", time.Now().Format(time.TimeOnly)),
		Priority:    ticketing.PriorityHigh,
		Description: "Found by the *nightly scan*:\n- host: `web-01`\n- advisory: [CVE-2026-1234](https://www.cve.org/CVERecord?id=CVE-2026-1234)",
		Tags:        []string{"cve", "web"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("sent     %s %q status=%s\n", n.ID, n.Summary, n.NotificationStatus)
	if got, err := nc.GetMessage(ctx, n.ID); err == nil {
		fmt.Printf("read     %s priority=%s status=%s\n", got.ID, got.Priority, got.NotificationStatus)
	} else if !errors.Is(err, synqly.ErrUnsupported) {
		return err
	}
	if err := nc.ClearMessage(ctx, n.ID); err != nil {
		return err
	}
	got, err := nc.GetMessage(ctx, n.ID)
	if err != nil {
		return err
	}
	fmt.Printf("cleared  %s status=%s\n", got.ID, got.NotificationStatus)
	return nil
}
