package synqly

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

var (
	key1 = []byte("11111111111111111111111111111111")
	key2 = []byte("22222222222222222222222222222222")
)

func open(t *testing.T, path string, opts ...Option) *Client {
	t.Helper()
	c, err := Open(context.Background(), append([]Option{WithDatabasePath(path), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}, opts...)...)
	require.NoError(t, err)
	return c
}

func TestUnsealAndRotateKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }

	c := open(t, path, WithSecretKey(key1), WithClock(clock))
	a, err := c.Accounts.Create(ctx, CreateAccountRequest{Name: "acme"})
	require.NoError(t, err)
	var ids []string
	for i, secret := range []string{"one", "two", "three"} {
		cr, err := c.Credentials.Create(ctx, a.ID, CreateCredentialRequest{Name: "c" + itoa(i), Config: &credential.TokenCredential{Secret: credential.Secret(secret)},
			Expires: ptrTime(now.Add(time.Hour))})
		require.NoError(t, err)
		ids = append(ids, cr.ID)
	}
	cfg, _, err := c.unseal(ctx, ids[1])
	require.NoError(t, err)
	assert.Equal(t, "two", cfg.(*credential.TokenCredential).Secret.Reveal())
	require.NoError(t, c.Close())

	// Without the key that sealed them, secrets cannot be opened.
	c = open(t, path, WithSecretKey(key2), WithClock(clock))
	_, _, err = c.unseal(ctx, ids[0])
	require.Error(t, err)
	require.NoError(t, c.Close())

	// Rotate: new key current, old key previous.
	c = open(t, path, WithSecretKey(key2, key1), WithClock(clock))
	n, err := c.RotateKey(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = c.RotateKey(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "a second rotation has nothing to do")
	events, err := c.Audit.List(ctx, ListOptions{Filter: []string{"operation[eq]rotate_key"}})
	require.NoError(t, err)
	assert.Len(t, events.Result, 2)
	require.NoError(t, c.Close())

	c = open(t, path, WithSecretKey(key2), WithClock(clock))
	defer c.Close()
	for i, want := range []string{"one", "two", "three"} {
		cfg, _, err := c.unseal(ctx, ids[i])
		require.NoError(t, err)
		assert.Equal(t, want, cfg.(*credential.TokenCredential).Secret.Reveal())
	}
	// Expired credentials are refused.
	now = now.Add(2 * time.Hour)
	_, _, err = c.unseal(ctx, ids[0])
	assert.ErrorIs(t, err, ErrCredentialExpired)
}

func TestOpenDefaultKeyFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv(EnvDatabase, filepath.Join(dir, "sub", "synqly.db"))
	t.Setenv(EnvSecretKey, "")
	c := open(t, "")
	a, err := c.Accounts.Create(ctx, CreateAccountRequest{Name: "acme"})
	require.NoError(t, err)
	cr, err := c.Credentials.Create(ctx, a.ID, CreateCredentialRequest{Name: "t", Config: &credential.TokenCredential{Secret: "kept"}})
	require.NoError(t, err)
	require.NoError(t, c.Close())

	keyPath := filepath.Join(dir, "sub", "synqly.db.key")
	fi, err := os.Stat(keyPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	c = open(t, "") // the same key is found again
	cfg, _, err := c.unseal(ctx, cr.ID)
	require.NoError(t, err)
	assert.Equal(t, "kept", cfg.(*credential.TokenCredential).Secret.Reveal())
	require.NoError(t, c.Close())

	require.NoError(t, os.Chmod(keyPath, 0o644))
	_, err = Open(ctx, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	assert.ErrorIs(t, err, ErrInvalidInput)

	_, err = Open(ctx, WithStore(nil), WithSecretKey([]byte("short")), WithDatabasePath(filepath.Join(dir, "x.db")))
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = Open(ctx, WithDatabasePath(filepath.Join(dir, "y.db")), WithSecretKey([]byte("short")))
	var e *errs.Error
	require.ErrorAs(t, err, &e)
	assert.NotContains(t, e.Error(), "short")
}

func ptrTime(t time.Time) *time.Time { return &t }
func itoa(i int) string              { return string(rune('0' + i)) }
