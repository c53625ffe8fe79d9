package jira

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/connectors/ticketing/ticketingtest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/jira/jirafake"
)

// TestConformance runs the ticketing conformance suite against the driver
// and a fresh fake Jira site per subtest.
func TestConformance(t *testing.T) {
	ticketingtest.Run(t, ticketingtest.Harness{
		Registration: Ticketing,
		Open: func(t *testing.T) ticketing.Driver {
			f := jirafake.New(t)
			// The suite's custom field, mapped to the fake's text field.
			return newDriver(t, f, providers.CustomFieldMapping{
				Name: "synqly_conformance", ProjectID: "*", ProviderFieldPath: "customfield_10010"})
		},
		Project:    "SEC",
		IssueType:  "Task",
		Creator:    "557058:alice",
		OpenStatus: "To Do",
		DoneStatus: "Done",
	})
}

// The tokens the fault suite's sites accept, and the ones they refuse: the
// suite must know a driver's secrets before it starts a site, and a site's
// own tokens are random.
const (
	faultToken       = "ATATT3xFaultSuite0123456789abcdef"
	faultBearer      = "eyJfake.FaultSuite0123456789abcdef"
	faultWrongToken  = "ATATT3xWrongToken0123456789abcdef"
	faultWrongBearer = "eyJfake.WrongToken0123456789abcdef"
)

// TestFaults runs the shared fault and secret-leak suite, once with each
// credential Jira accepts: basic (the account e-mail and an API token,
// whose Authorization credentials are a secret too) and a bearer token.
// Jira does not deduplicate creates (CreateTicket is not retried after a
// 5xx or a lost answer) and sends Retry-After with its 429s.
func TestFaults(t *testing.T) {
	email := jirafake.New(t).Email // the API user of every fake site
	basic := func(token string) (credential.Config, []string) {
		return &credential.BasicCredential{Username: email, Secret: credential.Secret(token)},
			[]string{token, base64.StdEncoding.EncodeToString([]byte(email + ":" + token))}
	}
	bearer := func(token string) (credential.Config, []string) {
		return &credential.TokenCredential{Secret: credential.Secret(token)}, []string{token}
	}
	for _, tc := range []struct {
		name      string
		cred      func(token string) (credential.Config, []string)
		ok, wrong string
	}{
		{"basic", basic, faultToken, faultWrongToken},
		{"bearer", bearer, faultBearer, faultWrongBearer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, secrets := tc.cred(tc.ok)
			wrong, wrongSecrets := tc.cred(tc.wrong)
			ticketingtest.RunFaults(t, ticketingtest.FaultHarness{
				Registration:        Ticketing,
				Open:                faultSite(cred),
				OpenUnauthorized:    faultSite(wrong),
				Secrets:             secrets,
				UnauthorizedSecrets: wrongSecrets,
			})
		})
	}
}

// faultSite is a FaultHarness.Open: a fresh fake site (SEC its driver's
// default project) that accepts the suite's tokens, and a driver for it
// authenticating with cred, over the site's client.
func faultSite(cred credential.Config) func(*testing.T, providers.OpenRequest) (ticketing.Driver, *fakekit.Kit) {
	return func(t *testing.T, req providers.OpenRequest) (ticketing.Driver, *fakekit.Kit) {
		srv := jirafake.New(t)
		srv.Token, srv.BearerToken = faultToken, faultBearer
		req.Config = &TicketingConfig{URL: srv.URL, DefaultProject: "SEC", Credential: credential.Inline(cred)}
		req.HTTPClient = srv.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
		d, err := Ticketing.Open(t.Context(), req)
		require.NoError(t, err)
		return d, srv.Kit
	}
}
