package jira

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// missingCredentials are the references that name no credential: none, the
// zero Ref, a reference without an id, an inline one holding nothing.
func missingCredentials() map[string]*credential.Ref {
	return map[string]*credential.Ref{
		"nil":             nil,
		"zero ref":        {},
		"empty id":        {Type: credential.TypeToken},
		"blank id":        {ID: "  ", Type: credential.TypeToken},
		"typed-nil value": {Type: credential.TypeToken, Inline: (*credential.TokenCredential)(nil)},
	}
}

// TestConfigRequiresCredential: a configuration without a credential is
// refused by Validate (and so by the registry's Open) with an
// errs.InvalidInput error on "credential" saying one is required, never a
// lookup of credential "".
func TestConfigRequiresCredential(t *testing.T) {
	p, ok := providers.Lookup(ProviderID)
	if !ok {
		t.Fatal("ticketing_jira is not registered")
	}
	for name, ref := range missingCredentials() {
		cfg := &Config{URL: "https://example.atlassian.net", Credential: ref}
		for what, err := range map[string]error{"Validate": cfg.Validate(), "Open": openErr(p, cfg)} {
			var e *errs.Error
			if !errors.Is(err, errs.ErrInvalidInput) || !errors.As(err, &e) || e.Field != "credential" ||
				!strings.Contains(e.Message, "credential is required") {
				t.Errorf("%s with %s: want ErrInvalidInput on credential saying it is required, got %#v", what, name, err)
			}
		}
	}
	for name, ref := range map[string]credential.Ref{
		"a reference": credential.RefTo("cred-1", credential.TypeToken),
		"inline":      credential.InlineRef(&credential.TokenCredential{Secret: "t0ken"}),
	} {
		cfg := &Config{URL: "https://example.atlassian.net", Credential: &ref}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
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
