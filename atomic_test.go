package synqly_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/sqlite"
)

// faultStore fails the first write that matches failOn, after the writes
// before it in the same transaction have succeeded.
type faultStore struct {
	store.Store
	failOn func(op string, kind store.Kind) bool
}

type faultTx struct {
	store.Tx
	s *faultStore
}

var errInjected = errors.New("injected fault")

func (f *faultStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	return f.Store.Update(ctx, func(tx store.Tx) error { return fn(&faultTx{Tx: tx, s: f}) })
}

func (t *faultTx) check(op string, kind store.Kind) error {
	if t.s.failOn != nil && t.s.failOn(op, kind) {
		return errInjected
	}
	return nil
}

func (t *faultTx) Insert(ctx context.Context, o *store.Object) error {
	if err := t.check("insert", o.Kind); err != nil {
		return err
	}
	return t.Tx.Insert(ctx, o)
}

func (t *faultTx) Replace(ctx context.Context, o *store.Object) error {
	if err := t.check("replace", o.Kind); err != nil {
		return err
	}
	return t.Tx.Replace(ctx, o)
}

func (t *faultTx) Delete(ctx context.Context, k store.Kind, id string) error {
	if err := t.check("delete", k); err != nil {
		return err
	}
	return t.Tx.Delete(ctx, k, id)
}

// TestMultiRowWritesAreAtomic makes the last write of each multi-row
// operation fail and checks that nothing of it was kept.
func TestMultiRowWritesAreAtomic(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), sqlite.WithLogger(quiet()))
	require.NoError(t, err)
	defer s.Close()
	fs := &faultStore{Store: s}
	c, err := synqly.Open(ctx, synqly.WithStore(fs), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	defer c.Close()

	a := mustAccount(t, c, "Acme")
	for i := range 3 {
		_, err := c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "j" + string(rune('0'+i)),
			ProviderConfig: jiraConfig(credential.Inline(&credential.TokenCredential{Secret: "t"}))})
		require.NoError(t, err)
	}
	_, err = c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: "shared", Config: &credential.TokenCredential{Secret: "t"}})
	require.NoError(t, err)
	before := snapshot(t, c)

	// Account delete: credentials and integrations go first, then the account fails.
	fs.failOn = func(op string, k store.Kind) bool { return op == "delete" && k == store.Accounts }
	require.ErrorIs(t, c.Accounts.Delete(ctx, a.ID), errInjected)
	require.Equal(t, before, snapshot(t, c))

	// Integration create with an inline credential: the credential is stored, then the integration fails.
	fs.failOn = func(op string, k store.Kind) bool { return op == "insert" && k == store.Integrations }
	_, err = c.Integrations.Create(ctx, a.ID, synqly.CreateIntegrationRequest{Name: "j9", ProviderConfig: jiraConfig(credential.Inline(&credential.TokenCredential{Secret: "t"}))})
	require.ErrorIs(t, err, errInjected)
	require.Equal(t, before, snapshot(t, c))

	// A change whose audit event cannot be written is not kept either.
	fs.failOn = func(op string, k store.Kind) bool { return op == "insert" && k == store.AuditEvents }
	_, err = c.Accounts.Patch(ctx, a.ID, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "changed"}})
	require.ErrorIs(t, err, errInjected)
	fs.failOn = nil
	require.Equal(t, before, snapshot(t, c))

	// Key rotation re-seals all or nothing.
	c2, err := synqly.Open(ctx, synqly.WithStore(fs), synqly.WithSecretKey([]byte("99999999999999999999999999999999"), testKey), synqly.WithLogger(quiet()))
	require.NoError(t, err)
	n := 0
	fs.failOn = func(op string, k store.Kind) bool { n++; return op == "replace" && k == store.Credentials && n > 2 }
	_, err = c2.RotateKey(ctx)
	require.ErrorIs(t, err, errInjected)
	fs.failOn = nil
	rotated, err := c2.RotateKey(ctx)
	require.NoError(t, err)
	require.Equal(t, 4, rotated, "the failed rotation kept none of its re-seals")
}
