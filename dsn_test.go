package synqly_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/store/postgres/pgtest"
)

func TestWithStoreDSN(t *testing.T) {
	ctx := context.Background()
	dsns := []string{"sqlite:" + filepath.Join(t.TempDir(), "a.db"), "sqlite://" + filepath.Join(t.TempDir(), "b.db")}
	if testStore == "postgres" {
		dsns = append(dsns, asURL(pgtest.FreshSchema(t, "dsn")))
	}
	for _, dsn := range dsns {
		c, err := synqly.Open(ctx, synqly.WithStoreDSN(dsn), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
		require.NoError(t, err, dsn)
		_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "acme"})
		require.NoError(t, err)
		require.NoError(t, c.Close())
		c, err = synqly.Open(ctx, synqly.WithStoreDSN(dsn), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
		require.NoError(t, err)
		p, err := c.Accounts.List(ctx, synqly.ListOptions{})
		require.NoError(t, err)
		require.Len(t, p.Result, 1, "the account is still there after reopening %s", dsn)
		require.NoError(t, c.Close())
	}
	for _, bad := range []string{"mysql://x", "nothing", "sqlite:"} {
		_, err := synqly.Open(ctx, synqly.WithStoreDSN(bad), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
		require.ErrorIs(t, err, synqly.ErrInvalidInput, bad)
	}
	_, err := synqly.Open(ctx, synqly.WithStoreDSN("sqlite:"+filepath.Join(t.TempDir(), "c.db")), synqly.WithLogger(quiet()))
	require.ErrorIs(t, err, synqly.ErrInvalidInput, "a key is required")
}

// asURL turns a key=value PostgreSQL DSN into the URL form WithStoreDSN
// recognizes by its scheme.
func asURL(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return dsn
	}
	q := url.Values{}
	for _, kv := range strings.Fields(dsn) {
		k, v, _ := strings.Cut(kv, "=")
		q.Set(k, v)
	}
	db := q.Get("dbname")
	q.Del("dbname")
	return "postgres:///" + db + "?" + q.Encode()
}
