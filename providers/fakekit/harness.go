package fakekit

import (
	"testing"

	"github.com/seed-e6251c81/synqly/providers"
)

// Harness describes a provider of one connector and its vendor fake to the
// shared fault suite, which each connector's conformance package runs
// (ticketingtest.RunFaults with a ticketingtest.FaultHarness,
// notificationstest.RunFaults with a notificationstest.FaultHarness: both
// are this type). The options say how the vendor behaves, the way
// CloudQuery's writer suite is told what a destination supports; the
// suite skips, with the reason, what does not apply.
type Harness[D any, C providers.Declared[C]] struct {
	// Registration is the provider's registration.
	Registration providers.Registration[D, C]
	// Open starts a fresh vendor fake (closed by t's cleanup) and returns a
	// driver over it and the fake's kit. req carries the suite's
	// HTTPOptions and Logger; Open adds the configuration, the credentials
	// and, if it likes, an HTTP client, and calls Registration.Open.
	Open func(t *testing.T, req providers.OpenRequest) (D, *Kit)
	// OpenUnauthorized, if set, is Open with a credential the fake refuses,
	// whose secrets are UnauthorizedSecrets.
	OpenUnauthorized    func(t *testing.T, req providers.OpenRequest) (D, *Kit)
	UnauthorizedSecrets []string
	// Secrets lists every secret the driver holds (API tokens, passwords,
	// client secrets, webhook URLs); none may show in an error, a log line
	// or a span, even when the vendor echoes it back.
	Secrets []string
	// IdempotentCreate says the vendor deduplicates the connector's create
	// (PagerDuty's incident_key), so it is retried after a 5xx or a lost
	// answer.
	IdempotentCreate bool
	// RateLimitWithoutRetryAfter says the vendor may announce a rate
	// limit's wait only in its own headers (PagerDuty's ratelimit-reset).
	RateLimitWithoutRetryAfter bool
	// RefreshesOn401 says the driver answers a 401 by fetching a new
	// token (OAuth client credentials) and trying once more.
	RefreshesOn401 bool
	// NoVendorRead says the connector's read makes no vendor call (a
	// webhook's messages are read from the integration's state): the suite
	// then aims every fault at the create, with a write's rules.
	NoVendorRead bool
	// SecretPath says the vendor's URL path is itself a secret (a Slack
	// incoming webhook's): errors show it redacted, never as the fake saw
	// it.
	SecretPath bool
	// WriteAnswerIgnored says the create reads nothing of the vendor's
	// successful answer (a webhook's 202 Accepted): body faults on it are
	// not errors, and are not injected.
	WriteAnswerIgnored bool
}
