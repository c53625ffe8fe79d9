package synqly_test

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/store/postgres"
	"github.com/seed-e6251c81/synqly/store/postgres/pgtest"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testStore names the store the root tests run on: "sqlite" (default) or,
// with SYNQLY_TEST_STORE=postgres, a fresh schema of $SYNQLY_POSTGRES_DSN.
var testStore = cmp.Or(os.Getenv("SYNQLY_TEST_STORE"), "sqlite")

// newClient opens a client on a fresh store; it returns where the store is
// (a SQLite file path, or a PostgreSQL DSN prefixed with "postgres:") for
// reopen and rawStore.
func newClient(t testing.TB, opts ...synqly.Option) (*synqly.Client, string) {
	t.Helper()
	where := filepath.Join(t.TempDir(), "synqly.db")
	if testStore == "postgres" {
		where = "postgres:" + pgtest.FreshSchema(t, "root")
	}
	return reopen(t, where, opts...), where
}

// reopen opens another client on the store at where (see newClient).
func reopen(t testing.TB, where string, opts ...synqly.Option) *synqly.Client {
	t.Helper()
	base := []synqly.Option{synqly.WithSecretKey(testKey), synqly.WithLogger(quiet())}
	if dsn, ok := strings.CutPrefix(where, "postgres:"); ok {
		s, err := postgres.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		base = append(base, synqly.WithStore(s))
	} else {
		base = append(base, synqly.WithDatabasePath(where))
	}
	c, err := synqly.Open(context.Background(), append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// rawStore returns everything the store at where holds, as text: the
// SQLite files' bytes, or every PostgreSQL row cast to text.
func rawStore(t testing.TB, where string) []string {
	t.Helper()
	var blobs []string
	if dsn, ok := strings.CutPrefix(where, "postgres:"); ok {
		db, err := sql.Open("pgx", dsn)
		require.NoError(t, err)
		defer db.Close()
		for _, table := range []string{"accounts", "integration_points", "integrations", "credentials", "audit_events", "provider_state",
			"destinations", "sync_configs", "syncs", "sync_runs", "events", "webhooks", "webhook_deliveries", "river_job"} {
			rows, err := db.Query("SELECT t::text FROM " + table + " t")
			require.NoError(t, err)
			for rows.Next() {
				var s string
				require.NoError(t, rows.Scan(&s))
				blobs = append(blobs, table+":"+s)
			}
			require.NoError(t, rows.Err())
			rows.Close()
		}
		return blobs
	}
	files, _ := filepath.Glob(where + "*")
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		blobs = append(blobs, f+":"+string(b))
	}
	return blobs
}

func mustAccount(t testing.TB, c *synqly.Client, fullname string) *synqly.Account {
	t.Helper()
	a, err := c.Accounts.Create(context.Background(), synqly.CreateAccountRequest{Fullname: fullname})
	require.NoError(t, err)
	return a
}

func jiraConfig(ref *credential.Ref) *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: jira.TicketingID, Config: &jira.TicketingConfig{URL: "https://acme.atlassian.net", Credential: ref}}
}

func mockConfig() *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}
}

func pagerdutyConfig(ref *credential.Ref) *synqly.ProviderConfig {
	return &synqly.ProviderConfig{Type: pagerduty.TicketingID, Config: &pagerduty.TicketingConfig{URL: "https://api.pagerduty.com", Credential: ref}}
}

// requireCode checks err's code and returns it as *errs.Error.
func requireCode(t testing.TB, err error, code errs.Code) *errs.Error {
	t.Helper()
	require.Error(t, err)
	var e *errs.Error
	require.True(t, errors.As(err, &e), "want *errs.Error, got %T: %v", err, err)
	require.Equal(t, code, e.Code, "error: %v", err)
	return e
}

func slogDebug(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
