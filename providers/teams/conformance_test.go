package teams

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/notifications"
	"github.com/seed-e6251c81/synqly/connectors/notifications/notificationstest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/teams/teamsfake"
)

// TestConformance runs the notifications conformance suite in both modes.
func TestConformance(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			notificationstest.Run(t, notificationstest.Harness{
				Registration: Notifications,
				Open: func(t *testing.T) notifications.Driver {
					return openMode(t, newFake(t), mode, providers.OpenRequest{})
				},
			})
		})
	}
}

// TestFaults runs the shared fault and secret-leak suite in both modes.
//
// Webhook: GetMessage reads the State (NoVendorRead), a 202 carries nothing
// the driver reads (WriteAnswerIgnored), Workflows does not deduplicate.
//
// Bot Framework: GetMessage reads the State too (the Bot Connector cannot
// read an activity back); a 401 makes the OAuth plumbing fetch a new token
// and try once more (RefreshesOn401); the Bot Connector does not
// deduplicate conversations. The harness sends one message before handing
// the driver over, so that the token is cached and the write's first
// request — what the suite aims its faults at — is POST /v3/conversations,
// not the token request.
func TestFaults(t *testing.T) {
	hookOpen := func(sig string) func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
			f := newFake(t)
			t.Cleanup(f.Client().CloseIdleConnections)
			req.Config = &NotificationsConfig{Credential: WebhookCredential(f.WebhookURLWithSig(sig))}
			req.HTTPClient = f.Client()
			d, err := Notifications.Open(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			return d, f.Kit
		}
	}
	// The suite checks that neither the signature nor the URL shows; a
	// URL is built per fake, so the secrets are the signature and what
	// every fake's URL shares past its host.
	const wrongSig = "tfSig-WRONG-0123456789abcdefghijklmnopqrstu"
	t.Run(modeHook, func(t *testing.T) {
		notificationstest.RunFaults(t, notificationstest.FaultHarness{
			Registration:        Notifications,
			Open:                hookOpen(teamsfake.WebhookSig),
			OpenUnauthorized:    hookOpen(wrongSig),
			Secrets:             []string{teamsfake.WebhookSig, teamsfake.WebhookTarget(teamsfake.WebhookSig)},
			UnauthorizedSecrets: []string{wrongSig, teamsfake.WebhookTarget(wrongSig)},
			NoVendorRead:        true,
			WriteAnswerIgnored:  true,
			IdempotentCreate:    false,
		})
	})

	botOpen := func(secret string, warm bool) func(*testing.T, providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (notifications.Driver, *fakekit.Kit) {
			f := newFake(t)
			t.Cleanup(f.Client().CloseIdleConnections)
			cred := botCredential(f, teamsfake.TenantID)
			cred.ClientSecret = credential.Secret(secret)
			req.Config = &NotificationsConfig{Credential: credential.Inline(cred), ChannelID: teamsfake.ChannelID,
				TeamID: teamsfake.TeamID, Endpoint: f.ServiceURL(), TenantID: teamsfake.TenantID}
			req.HTTPClient = f.Client()
			d, err := Notifications.Open(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if warm {
				if _, err := d.CreateMessage(t.Context(), notifications.CreateMessageRequest{Summary: "warm-up"}); err != nil {
					t.Fatalf("warm-up: %v", err)
				}
				f.ResetRequests()
			}
			return d, f.Kit
		}
	}
	const wrongSecret = "teamsfake~WRONG.S3cret-0000000000000000"
	t.Run(modeBF, func(t *testing.T) {
		notificationstest.RunFaults(t, notificationstest.FaultHarness{
			Registration:        Notifications,
			Open:                botOpen(teamsfake.ClientSecret, true),
			OpenUnauthorized:    botOpen(wrongSecret, false),
			Secrets:             []string{teamsfake.ClientSecret},
			UnauthorizedSecrets: []string{wrongSecret},
			NoVendorRead:        true,
			RefreshesOn401:      true,
			IdempotentCreate:    false,
		})
	})
}
