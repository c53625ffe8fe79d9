package synqly_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newClient opens a client on a fresh SQLite file; it returns the file path.
func newClient(t testing.TB, opts ...synqly.Option) (*synqly.Client, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "synqly.db")
	c, err := synqly.Open(context.Background(), append([]synqly.Option{
		synqly.WithDatabasePath(path), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()),
	}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c, path
}

func mustAccount(t testing.TB, c *synqly.Client, fullname string) *synqly.Account {
	t.Helper()
	a, err := c.Accounts.Create(context.Background(), synqly.CreateAccountRequest{Fullname: fullname})
	require.NoError(t, err)
	return a
}

func jiraConfig(ref credential.Ref) *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: jira.ProviderID, Config: &jira.Config{URL: "https://acme.atlassian.net", Credential: &ref}}
}

func mockConfig() *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: mock.ProviderID, Config: &mock.Config{}}
}

func pagerdutyConfig(ref credential.Ref) *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: pagerduty.ProviderID, Config: &pagerduty.Config{URL: "https://api.pagerduty.com", Credential: &ref}}
}

func inline(cfg credential.Config) credential.Ref { return credential.InlineRef(cfg) }

// requireCode checks err's code and returns it as *errs.Error.
func requireCode(t testing.TB, err error, code errs.Code) *errs.Error {
	t.Helper()
	require.Error(t, err)
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want *errs.Error, got %T: %v", err, err)
	require.Equal(t, code, e.Code, "error: %v", err)
	return e
}

func ptr[T any](v T) *T { return &v }

func slogDebug(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
