package all_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/servicenow"
)

// configWith builds, per provider that needs a credential, a valid
// configuration but for its credential. A provider registered with
// credential types must be listed here.
var configWith = map[string]func(*credential.Ref) providers.Config{
	jira.TicketingID: func(r *credential.Ref) providers.Config {
		return &jira.TicketingConfig{URL: "https://example.atlassian.net", Credential: r}
	},
	servicenow.TicketingID: func(r *credential.Ref) providers.Config {
		return &servicenow.TicketingConfig{URL: "https://example.service-now.com", Credential: r}
	},
	jira.NotificationsID: func(r *credential.Ref) providers.Config {
		return &jira.NotificationsConfig{URL: "https://example.atlassian.net", Credential: r}
	},
	pagerduty.TicketingID: func(r *credential.Ref) providers.Config {
		return &pagerduty.TicketingConfig{URL: "https://api.pagerduty.com", Credential: r}
	},
}

// TestConfigRequiresCredential: a configuration without a credential — none,
// the zero Ref, a reference without an id, an inline one holding nothing —
// is refused by Validate and by the registry's Open with an
// errs.InvalidInput error on "credential" saying one is required, never a
// lookup of credential "".
func TestConfigRequiresCredential(t *testing.T) {
	missing := map[string]*credential.Ref{
		"nil":             nil,
		"zero ref":        {},
		"empty id":        {Type: credential.TypeToken},
		"blank id":        {ID: "  ", Type: credential.TypeToken},
		"typed-nil value": {Type: credential.TypeToken, Inline: (*credential.TokenCredential)(nil)},
	}
	for _, p := range providers.All() {
		if len(p.CredentialTypes) == 0 {
			continue
		}
		with, ok := configWith[p.ID]
		if !ok {
			t.Errorf("%s takes credentials: add it to configWith", p.ID)
			continue
		}
		for name, ref := range missing {
			cfg := with(ref)
			for what, err := range map[string]error{"Validate": cfg.Validate(), "Open": openErr(p, cfg)} {
				var e *errs.Error
				if !errors.Is(err, errs.ErrInvalidInput) || !errors.As(err, &e) || e.Field != "credential" ||
					!strings.Contains(e.Message, "credential is required") {
					t.Errorf("%s: %s with %s: want ErrInvalidInput on credential saying it is required, got %#v", p.ID, what, name, err)
				}
			}
		}
		for name, ref := range map[string]*credential.Ref{
			"a reference": credential.RefTo("cred-1", credential.TypeToken),
			"inline":      credential.Inline(&credential.TokenCredential{Secret: "t0ken"}),
		} {
			if err := with(ref).Validate(); err != nil {
				t.Errorf("%s: %s: %v", p.ID, name, err)
			}
		}
	}
}

func openErr(p providers.Provider, cfg providers.Config) error {
	d, err := p.Open(context.Background(), providers.OpenRequest{Config: cfg,
		Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: "t0ken"}}})
	if c, ok := d.(interface{ Close() error }); ok && err == nil {
		_ = c.Close()
	}
	return err
}
