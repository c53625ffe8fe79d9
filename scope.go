package synqly

import (
	"context"
	"iter"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/ids"
)

// AccountScope is a handle confined to one account: every call through it
// sees only that account's integrations, credentials and audit events, and
// any id belonging to another account answers ErrNotFound, never the object.
// Hand it to code that serves one tenant. Get it from Client.Account.
type AccountScope struct {
	// ID is the account's id.
	ID string
	// Integrations manages the account's integrations.
	Integrations *AccountIntegrations
	// Credentials manages credentials owned by the account or by its
	// integrations.
	Credentials *CredentialsService
	// Audit lists the account's audit events.
	Audit *AuditService

	c *Client
}

// Account returns a handle confined to the account with the given id. It does
// not check that the account exists; calls through it do. A handle whose id
// is empty (what an application's tenant lookup returns when it finds
// nothing) or malformed answers every call with an error — ErrInvalidInput
// for an empty id, ErrNotFound for a malformed one — before touching the
// store: it never falls back to organization-level objects.
func (c *Client) Account(id string) *AccountScope {
	return &AccountScope{
		ID:           id,
		Integrations: &AccountIntegrations{s: c.Integrations, accountID: id},
		Credentials:  &CredentialsService{c: c, scoped: true, accountID: id},
		Audit:        &AuditService{c: c, scoped: true, accountID: id},
		c:            c,
	}
}

// checkScope refuses the calls of an account handle whose account id no
// generator makes, before anything reaches the store. Every method reachable
// from an AccountScope calls it first.
func checkScope(accountID string) error {
	switch {
	case accountID == "":
		return errs.Invalid("account_id", "the account handle has an empty account id: Client.Account needs the id of an existing account")
	case !ids.Valid(accountID):
		return errs.New(errs.NotFound, "account %q not found", clip(accountID))
	}
	return nil
}

// Get returns the account.
func (a *AccountScope) Get(ctx context.Context) (*Account, error) {
	if err := checkScope(a.ID); err != nil {
		return nil, err
	}
	return a.c.Accounts.Get(ctx, a.ID)
}

// Patch applies a JSON Patch to the account.
func (a *AccountScope) Patch(ctx context.Context, ops []PatchOperation) (*Account, error) {
	if err := checkScope(a.ID); err != nil {
		return nil, err
	}
	return a.c.Accounts.Patch(ctx, a.ID, ops)
}

// AccountIntegrations manages one account's integrations. Get it from
// AccountScope.Integrations.
type AccountIntegrations struct {
	s         *IntegrationsService
	accountID string
}

// Create creates an integration in the account; see IntegrationsService.Create.
func (a *AccountIntegrations) Create(ctx context.Context, req CreateIntegrationRequest) (*IntegrationResult, error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	return a.s.Create(ctx, a.accountID, req)
}

// Get returns the account's integration with the given id.
func (a *AccountIntegrations) Get(ctx context.Context, id string) (*Integration, error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	return a.s.Get(ctx, a.accountID, id)
}

// Update replaces the integration; see IntegrationsService.Update.
func (a *AccountIntegrations) Update(ctx context.Context, id string, in Integration) (*IntegrationResult, error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	return a.s.Update(ctx, a.accountID, id, in)
}

// Patch applies a JSON Patch to the integration; see IntegrationsService.Patch.
func (a *AccountIntegrations) Patch(ctx context.Context, id string, ops []PatchOperation) (*IntegrationResult, error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	return a.s.Patch(ctx, a.accountID, id, ops)
}

// Delete deletes the integration and the credentials it owns.
func (a *AccountIntegrations) Delete(ctx context.Context, id string) error {
	if err := checkScope(a.accountID); err != nil {
		return err
	}
	return a.s.Delete(ctx, a.accountID, id)
}

// List returns one page of the account's integrations.
func (a *AccountIntegrations) List(ctx context.Context, opts ListOptions) (*Page[Integration], error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	return a.s.ListAccount(ctx, a.accountID, opts)
}

// All iterates over every integration of the account matching opts.
func (a *AccountIntegrations) All(ctx context.Context, opts ListOptions) iter.Seq2[*Integration, error] {
	return all(ctx, opts, a.List)
}
