package synqly_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestAccountNames(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()

	a, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "Acme Corp — Europe!"})
	require.NoError(t, err)
	assert.Equal(t, "acme-corp-europe", a.Name, "name is generated from fullname")
	assert.Equal(t, "Acme Corp — Europe!", a.Fullname)
	assert.Equal(t, synqly.EnvironmentProd, a.Environment, "environment defaults to prod")
	assert.False(t, a.CreatedAt.IsZero())
	assert.Equal(t, a.CreatedAt, a.UpdatedAt)

	b, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "globex"})
	require.NoError(t, err)
	assert.Equal(t, "globex", b.Fullname, "fullname defaults to name")

	anon, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{})
	require.NoError(t, err)
	assert.Equal(t, anon.ID, anon.Name, "name defaults to the id")
	assert.Equal(t, anon.ID, anon.Fullname)

	// Duplicates are refused case-insensitively: "ACME CORP — europe" slugs to the same name.
	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "ACME CORP — europe"})
	requireCode(t, err, errs.Conflict)

	for _, name := range []string{"Acme", "acme corp", "acme/x", "acmé", strings.Repeat("a", synqly.MaxNameLen+1)} {
		_, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: name})
		e := requireCode(t, err, errs.InvalidInput)
		assert.Equal(t, "name", e.Field, name)
	}
	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "x", Environment: "staging"})
	assert.Equal(t, "environment", requireCode(t, err, errs.InvalidInput).Field)
	_, err = c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "y", Labels: []string{strings.Repeat("l", 49)}})
	requireCode(t, err, errs.InvalidInput)

	page, err := c.Accounts.List(ctx, synqly.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, page.Result, 3, "refused creates left nothing behind")
}

func TestAccountUpdatePatchDelete(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := mustAccount(t, c, "Acme")
	mustAccount(t, c, "Globex")

	// Update replaces; timestamps and id stay the library's.
	upd := *a
	upd.Fullname, upd.Labels, upd.Environment = "Acme Inc", []string{"gold"}, synqly.EnvironmentTest
	upd.CreatedAt = upd.CreatedAt.Add(-1000000)
	got, err := c.Accounts.Update(ctx, a.ID, upd)
	require.NoError(t, err)
	assert.Equal(t, "Acme Inc", got.Fullname)
	assert.Equal(t, a.CreatedAt, got.CreatedAt)
	assert.True(t, got.UpdatedAt.After(a.UpdatedAt) || got.UpdatedAt.Equal(a.UpdatedAt))
	upd.ID = "other"
	_, err = c.Accounts.Update(ctx, a.ID, upd)
	requireCode(t, err, errs.InvalidInput)
	upd.ID, upd.Name = "", "globex"
	_, err = c.Accounts.Update(ctx, a.ID, upd)
	requireCode(t, err, errs.Conflict)

	// Patch: all six ops.
	got, err = c.Accounts.Patch(ctx, a.ID, []synqly.PatchOperation{
		{Op: "test", Path: "/fullname", Value: "Acme Inc"},
		{Op: "add", Path: "/labels/-", Value: "emea"},
		{Op: "copy", From: "/labels/0", Path: "/labels/-"},
		{Op: "remove", Path: "/labels/2"},
		{Op: "move", From: "/labels/1", Path: "/labels/0"},
		{Op: "replace", Path: "/fullname", Value: "Acme Patched"},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"emea", "gold"}, got.Labels)
	assert.Equal(t, "Acme Patched", got.Fullname)

	before, err := c.Accounts.Get(ctx, a.ID)
	require.NoError(t, err)
	for _, tc := range []struct {
		ops  []synqly.PatchOperation
		code errs.Code
	}{
		{[]synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "X"}, {Op: "test", Path: "/fullname", Value: "Y"}}, errs.Conflict},
		{[]synqly.PatchOperation{{Op: "replace", Path: "/id", Value: "x"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "replace", Path: "/created_at", Value: "2020-01-01T00:00:00Z"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "move", From: "/id", Path: "/fullname"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "replace", Path: "/name", Value: "Bad Name"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "replace", Path: "/name", Value: "globex"}}, errs.Conflict},
		{[]synqly.PatchOperation{{Op: "replace", Path: "/environment", Value: "staging"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "add", Path: "/nickname", Value: "x"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "remove", Path: "/nothing"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "frobnicate", Path: "/name"}}, errs.InvalidInput},
		{[]synqly.PatchOperation{{Op: "replace", Path: "name", Value: "x"}}, errs.InvalidInput},
		{nil, errs.InvalidInput},
	} {
		_, err := c.Accounts.Patch(ctx, a.ID, tc.ops)
		requireCode(t, err, tc.code)
	}
	after, err := c.Accounts.Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, before, after, "refused patches changed nothing")

	require.NoError(t, c.Accounts.Delete(ctx, a.ID))
	_, err = c.Accounts.Get(ctx, a.ID)
	requireCode(t, err, errs.NotFound)
	requireCode(t, c.Accounts.Delete(ctx, a.ID), errs.NotFound)
	_, err = c.Accounts.Get(ctx, "'; DROP TABLE accounts; --")
	requireCode(t, err, errs.NotFound)
}
