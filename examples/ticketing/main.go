// Command ticketing creates, queries, comments on and patches tickets through
// the portable ticketing connector. It runs on the mock provider by default
// (no network, tickets kept in the embedded SQLite store) and against a real
// Jira, ServiceNow or PagerDuty with flags and environment variables:
//
//	go run ./examples/ticketing                                  # mock provider
//	JIRA_EMAIL=me@example.com JIRA_API_TOKEN=... go run ./examples/ticketing -provider jira -url https://example.atlassian.net -project SEC
//	SERVICENOW_USER=admin SERVICENOW_PASSWORD=... go run ./examples/ticketing -provider servicenow -url https://example.service-now.com
//	SERVICENOW_CLIENT_ID=... SERVICENOW_CLIENT_SECRET=... go run ./examples/ticketing -provider servicenow -url ...
//	PAGERDUTY_TOKEN=... PAGERDUTY_FROM=me@example.com go run ./examples/ticketing -provider pagerduty -project <service id>
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
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/examples/internal/setup"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/servicenow"
)

func main() {
	provider := flag.String("provider", "mock", "mock, jira, servicenow or pagerduty")
	url := flag.String("url", "", "the vendor's base URL (PagerDuty: default https://api.pagerduty.com)")
	project := flag.String("project", "", "project key (Jira), assignment group (ServiceNow) or service id (PagerDuty)")
	db := flag.String("db", "", "SQLite database file (default: $SYNQLY_DB or synqly.DefaultDatabasePath())")
	flag.Parse()
	if err := run(context.Background(), *provider, *url, *project, *db); err != nil {
		fmt.Fprintln(os.Stderr, "ticketing:", err)
		os.Exit(1)
	}
}

// providerConfig builds the provider configuration from flags and the
// environment.
func providerConfig(provider, url, project string) (*synqly.ProviderConfig, string, error) {
	env := func(names ...string) (string, error) {
		for _, n := range names {
			if v := os.Getenv(n); v != "" {
				return v, nil
			}
		}
		return "", fmt.Errorf("set %s", names[0])
	}
	switch provider {
	case "mock":
		if project == "" {
			project = "SEC"
		}
		return &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}, project, nil
	case "jira":
		email, err := env("JIRA_EMAIL")
		if err != nil {
			return nil, "", err
		}
		tok, err := env("JIRA_API_TOKEN")
		if err != nil {
			return nil, "", err
		}
		return &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: url, DefaultProject: project,
			Credential: credential.Inline(&credential.BasicCredential{Username: email, Secret: credential.Secret(tok)})}}, project, nil
	case "servicenow":
		var cred credential.Config
		if id := os.Getenv("SERVICENOW_CLIENT_ID"); id != "" {
			secret, err := env("SERVICENOW_CLIENT_SECRET")
			if err != nil {
				return nil, "", err
			}
			cred = &credential.OAuthClientCredential{ClientID: id, ClientSecret: credential.Secret(secret), TokenURL: url + "/oauth_token.do"}
		} else {
			user, err := env("SERVICENOW_USER")
			if err != nil {
				return nil, "", err
			}
			pw, err := env("SERVICENOW_PASSWORD")
			if err != nil {
				return nil, "", err
			}
			cred = &credential.BasicCredential{Username: user, Secret: credential.Secret(pw)}
		}
		return &synqly.ProviderConfig{Type: servicenow.TicketingID, Config: &servicenow.TicketingConfig{URL: url, DefaultProject: project,
			Credential: credential.Inline(cred)}}, project, nil
	case "pagerduty":
		tok, err := env("PAGERDUTY_TOKEN")
		if err != nil {
			return nil, "", err
		}
		from, err := env("PAGERDUTY_FROM")
		if err != nil {
			return nil, "", err
		}
		if url == "" {
			url = "https://api.pagerduty.com"
		}
		return &synqly.ProviderConfig{Type: pagerduty.TicketingID, Config: &pagerduty.TicketingConfig{URL: url, DefaultProject: project,
			DefaultCreator: from, Credential: credential.Inline(&credential.TokenCredential{Secret: credential.Secret(tok)})}}, project, nil
	}
	return nil, "", fmt.Errorf("unknown provider %q: use mock, jira, servicenow or pagerduty", provider)
}

func run(ctx context.Context, provider, url, project, db string) error {
	cfg, project, err := providerConfig(provider, url, project)
	if err != nil {
		return err
	}
	c, ctx, err := setup.Open(ctx, db, "examples/ticketing")
	if err != nil {
		return err
	}
	defer c.Close()
	tenant, integrationID, err := setup.Integration(ctx, c, "ticketing-example", "example-"+provider, cfg)
	if err != nil {
		return err
	}

	tk, err := ticketing.Open(ctx, tenant, integrationID)
	if err != nil {
		return err
	}
	t, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary:     fmt.Sprintf("CVE-2026-1234 on web-01 (%s)", time.Now().Format(time.TimeOnly)),
		Description: "Found by the **nightly scan**.\n\n- host: web-01\n- severity: high",
		Project:     project,
		Priority:    ticketing.PriorityHigh,
		Tags:        []string{"cve", "web"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("created   %s %q status=%s priority=%s\n", t.ID, t.Summary, t.Status, t.Priority)

	if _, err := tk.CreateComment(ctx, t.ID, ticketing.CreateCommentRequest{Content: "Patch scheduled for *tonight*."}); err != nil && !errors.Is(err, synqly.ErrUnsupported) {
		return err
	}
	t, err = tk.PatchTicket(ctx, t.ID, []synqly.PatchOperation{{Op: "replace", Path: "/priority", Value: "URGENT"}})
	if err != nil {
		return err
	}
	fmt.Printf("patched   %s priority=%s\n", t.ID, t.Priority)

	fmt.Println("open high-priority tickets matching *CVE-2026-1234*:")
	n := 0
	for t, err := range tk.AllTickets(ctx, ticketing.QueryTicketsRequest{
		Filter: []string{"summary[like]*CVE-2026-1234*", "priority[in]URGENT,HIGH"},
		Order:  []string{"created_at[desc]"},
		Limit:  20,
	}) {
		if err != nil {
			return err
		}
		fmt.Printf("  %-12s %-8s %s\n", t.ID, t.Priority, t.Summary)
		if n++; n == 10 {
			break
		}
	}
	return nil
}
