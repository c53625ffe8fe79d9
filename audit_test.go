package synqly_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestAuditTrail(t *testing.T) {
	c, _ := newClient(t)
	ctx := synqly.WithActor(context.Background(), "alice@example.com")
	assert.Equal(t, "unknown", synqly.ActorFrom(context.Background()))
	a := mustAccount(t, c, "Acme")
	cr, err := c.Credentials.Create(ctx, a.ID, synqly.CreateCredentialRequest{Name: "tok", Config: &credential.TokenCredential{Secret: "t0k"}})
	require.NoError(t, err)
	_, err = c.Credentials.Patch(ctx, a.ID, cr.ID, []synqly.PatchOperation{
		{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": "n3w-secret"}},
		{Op: "replace", Path: "/fullname", Value: "Token"},
	})
	require.NoError(t, err)
	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "acme"}) // conflict: recorded as a failure
	requireCode(t, err, errs.Conflict)
	require.NoError(t, c.Credentials.Delete(ctx, a.ID, cr.ID))

	page, err := c.Audit.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	var ops []string
	for _, ev := range page.Result {
		ops = append(ops, string(ev.Operation)+"/"+ev.ResourceType+"/"+string(ev.Outcome))
		assert.NotEmpty(t, ev.ID)
		assert.False(t, ev.CreatedAt.IsZero())
	}
	assert.Equal(t, []string{"create/account/success", "create/credential/success", "patch/credential/success",
		"create/account/failure", "delete/credential/success"}, ops, "oldest first by default")
	assert.Equal(t, "unknown", page.Result[0].Actor)
	patch := page.Result[2]
	assert.Equal(t, "alice@example.com", patch.Actor)
	assert.Equal(t, []string{"/config", "/fullname"}, patch.Paths)
	assert.Equal(t, cr.ID, patch.ResourceID)
	assert.Equal(t, a.ID, patch.AccountID)
	assert.Contains(t, page.Result[3].Error, "conflict")

	// The audit trail is queryable.
	got, err := c.Audit.List(ctx, synqly.ListOptions{Filter: []string{"operation[in]patch,delete", "actor[like]alice*"}, Order: []string{"created_at[desc]"}})
	require.NoError(t, err)
	require.Len(t, got.Result, 2)
	assert.Equal(t, synqly.AuditDelete, got.Result[0].Operation)
	_, err = c.Audit.List(ctx, synqly.ListOptions{Filter: []string{"operation[eq]explode"}})
	requireCode(t, err, errs.InvalidQuery)
	scoped, err := c.Account(a.ID).Audit.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, scoped.Result, 4, "the failed create names no account")
}
