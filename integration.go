package synqly

import (
	"context"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// Integration is one configured connection of an account to one provider.
type Integration struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	// AccountID is the account the integration belongs to.
	AccountID string `json:"account_id"`
	// Account is filled when a List expands "account".
	Account *Account `json:"account,omitempty"`
	// Category is the connector of the provider, derived from ProviderConfig.
	Category providers.Category `json:"category"`
	// ProviderConfig names the provider and holds its settings; credentials
	// in it are references to stored credentials.
	ProviderConfig *ProviderConfig `json:"provider_config,omitempty"`
	// ProviderFullname and ProviderType are derived from ProviderConfig.
	ProviderFullname string `json:"provider_fullname"`
	ProviderType     string `json:"provider_type"`
	// IntegrationPointID optionally names the integration point whose
	// allow-list must admit the provider.
	IntegrationPointID string `json:"integration_point_id,omitempty"`
	// IntegrationPoint is filled when a List expands "integration_point".
	IntegrationPoint *IntegrationPoint `json:"integration_point,omitempty"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

// CreateIntegrationRequest creates an integration.
type CreateIntegrationRequest struct {
	Name     string `json:"name,omitempty"`
	Fullname string `json:"fullname,omitempty"`
	// ProviderConfig is required.
	ProviderConfig     *ProviderConfig `json:"provider_config"`
	IntegrationPointID string          `json:"integration_point_id,omitempty"`
}

// IntegrationResult is what creating, updating or patching an integration
// returns: the integration, and the credentials stored from inline
// credentials of its provider config (their no-secret view).
type IntegrationResult struct {
	Integration        *Integration  `json:"integration"`
	CredentialsCreated []*Credential `json:"credentials_created,omitempty"`
}

// IntegrationsService manages integrations. Get it from Client.Integrations
// (every account, named in each call) or from Client.Account(id).Integrations
// (one account).
type IntegrationsService struct{ c *Client }

var integrationReadOnly = []string{"id", "account_id", "account", "category", "provider_fullname",
	"provider_type", "integration_point", "created_at", "updated_at"}

// Create creates an integration in the account. The provider must be
// registered (see package providers) and accept the configuration's
// credentials; an integration point, if named, must allow the provider in the
// account's environment. Inline credentials become Managed credentials owned
// by the integration, deleted with it.
func (s *IntegrationsService) Create(ctx context.Context, accountID string, req CreateIntegrationRequest) (*IntegrationResult, error) {
	now := s.c.now()
	in := &Integration{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, AccountID: accountID,
		ProviderConfig: req.ProviderConfig, IntegrationPointID: req.IntegrationPointID, CreatedAt: now, UpdatedAt: now}
	ch := &change{op: AuditCreate, resourceType: "integration", resourceID: in.ID, accountID: accountID}
	var res *IntegrationResult
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if _, _, err := get[Account](ctx, tx, store.Accounts, accountID); err != nil {
			return err
		}
		plan, err := s.c.prepareIntegration(ctx, tx, in, nil)
		if err != nil {
			return err
		}
		if err := insert(ctx, tx, store.Integrations, in.ID, in.AccountID, in); err != nil {
			return err
		}
		created, err := plan.apply(ctx, tx)
		if err != nil {
			return err
		}
		res = &IntegrationResult{Integration: in, CredentialsCreated: created}
		// The sync configs that match the integration start its syncs, and
		// the connection event goes out with it.
		if err := s.c.attachSyncs(ctx, tx, in); err != nil {
			return err
		}
		return s.c.recordEvent(ctx, tx, &Event{Type: EventConnectionCreated, AccountID: in.AccountID, IntegrationID: in.ID,
			ResourceID: in.ID, Provider: in.ProviderType, Category: string(in.Category), Result: "SUCCESS", Integration: in})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Get returns the integration with the given id in the account.
func (s *IntegrationsService) Get(ctx context.Context, accountID, id string) (*Integration, error) {
	in, _, err := getIntegration(ctx, s.c.store, accountID, id)
	return in, err
}

// Update replaces the integration's name, fullname, provider config and
// integration point with those of in, which must be the integration as read
// and then changed: its UpdatedAt is the precondition, as for
// AccountsService.Update (an integration changed since is an ErrConflict
// error). Managed credentials the new configuration no longer references
// are deleted.
func (s *IntegrationsService) Update(ctx context.Context, accountID, id string, in Integration) (*IntegrationResult, error) {
	return s.replace(ctx, &change{op: AuditUpdate}, accountID, id, func(cur *Integration) (*Integration, error) {
		if in.ID != "" && in.ID != id {
			return nil, errs.Invalid("id", "the body's id does not match the integration being updated")
		}
		if err := unchangedSince("integration", id, in.UpdatedAt, cur.UpdatedAt); err != nil {
			return nil, err
		}
		return &in, nil
	})
}

// Patch applies a JSON Patch to the integration, e.g. replacing
// /provider_config/url or /provider_config/credential. Read-only fields
// (id, account_id, category, provider_type, timestamps) cannot be patched.
func (s *IntegrationsService) Patch(ctx context.Context, accountID, id string, ops []PatchOperation) (*IntegrationResult, error) {
	ch := &change{op: AuditPatch}
	return s.replace(ctx, ch, accountID, id, func(cur *Integration) (*Integration, error) {
		var next Integration
		paths, err := applyPatch(cur, ops, integrationReadOnly, &next)
		ch.paths = paths
		return &next, err
	})
}

func (s *IntegrationsService) replace(ctx context.Context, ch *change, accountID, id string, edit func(*Integration) (*Integration, error)) (*IntegrationResult, error) {
	ch.resourceType, ch.resourceID, ch.accountID = "integration", id, accountID
	var res *IntegrationResult
	err := s.c.mutate(ctx, ch, withPatchRetries(ch, func(tx store.Tx) error {
		cur, obj, err := getIntegration(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		next.ID, next.AccountID, next.CreatedAt = cur.ID, cur.AccountID, cur.CreatedAt
		next.UpdatedAt = touched(s.c.now(), cur.UpdatedAt)
		plan, err := s.c.prepareIntegration(ctx, tx, next, cur)
		if err != nil {
			return err
		}
		if err := replaceDoc(ctx, tx, obj, next); err != nil {
			return err
		}
		created, err := plan.apply(ctx, tx)
		if err != nil {
			return err
		}
		res = &IntegrationResult{Integration: next, CredentialsCreated: created}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Delete deletes the integration together with the credentials it owns and
// its provider's state (a mock's tickets), in one transaction. The store's
// foreign keys make this hold under concurrency: a credential or state entry
// written for the integration by a transaction racing with the delete either
// lands before it (and goes with it) or fails with ErrNotFound.
func (s *IntegrationsService) Delete(ctx context.Context, accountID, id string) error {
	ch := &change{op: AuditDelete, resourceType: "integration", resourceID: id, accountID: accountID}
	return s.c.mutate(ctx, ch, func(tx store.Tx) error {
		in, _, err := getIntegration(ctx, tx, accountID, id)
		if err != nil {
			return err
		}
		// The store's foreign keys delete the credentials the integration
		// owns, its provider state and its syncs with it (ON DELETE
		// CASCADE); a queued or running sync job finds its sync gone and
		// stops.
		if err := tx.Delete(ctx, store.Integrations, id); err != nil {
			return err
		}
		return s.c.recordEvent(ctx, tx, &Event{Type: EventConnectionDeleted, AccountID: in.AccountID, IntegrationID: in.ID,
			ResourceID: in.ID, Provider: in.ProviderType, Category: string(in.Category), Result: "SUCCESS", Integration: in})
	})
}

// List returns one page of integrations of every account. Fields: id, name,
// fullname, account_id, category, provider_type, provider_fullname,
// integration_point_id, created_at, updated_at, and with the prefixes
// account. and integration_point. the fields of those (expand them to have
// the objects filled in).
func (s *IntegrationsService) List(ctx context.Context, opts ListOptions) (*Page[Integration], error) {
	return s.list(ctx, "", opts)
}

// All iterates over every integration matching opts, page by page.
func (s *IntegrationsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*Integration, error] {
	return all(ctx, opts, s.List)
}

// ListAccount returns one page of the account's integrations.
func (s *IntegrationsService) ListAccount(ctx context.Context, accountID string, opts ListOptions) (*Page[Integration], error) {
	if err := validID(store.Accounts, accountID); err != nil {
		return nil, err
	}
	return s.list(ctx, accountID, opts)
}

// AllAccount iterates over every integration of the account matching opts.
func (s *IntegrationsService) AllAccount(ctx context.Context, accountID string, opts ListOptions) iter.Seq2[*Integration, error] {
	return all(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Integration], error) {
		return s.ListAccount(ctx, accountID, o)
	})
}

func (s *IntegrationsService) list(ctx context.Context, accountID string, opts ListOptions) (*Page[Integration], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Integrations, AccountID: accountID}, opts, decodeIntegration)
}

// decodeIntegration decodes a stored integration and its expanded relations.
func decodeIntegration(o *store.Object) (*Integration, error) {
	in, err := decodeDoc[Integration](o)
	if err != nil {
		return nil, err
	}
	if d, ok := o.Expanded["account"]; ok {
		in.Account, err = decodeDoc[Account](&store.Object{Kind: store.Accounts, ID: in.AccountID, Doc: d})
	}
	if d, ok := o.Expanded["integration_point"]; ok && err == nil {
		in.IntegrationPoint, err = decodeDoc[IntegrationPoint](&store.Object{Kind: store.IntegrationPoints, ID: in.IntegrationPointID, Doc: d})
	}
	return in, err
}

// getIntegration loads an integration of the account; one of another
// account is not found.
func getIntegration(ctx context.Context, r store.Reader, accountID, id string) (*Integration, *store.Object, error) {
	if err := validID(store.Accounts, accountID); err != nil {
		return nil, nil, err
	}
	in, obj, err := get[Integration](ctx, r, store.Integrations, id)
	if err != nil {
		return nil, nil, err
	}
	if in.AccountID != accountID {
		return nil, nil, errs.New(errs.NotFound, "integration %q not found", id)
	}
	return in, obj, nil
}

// credentialPlan is what writing an integration does to credentials, once
// the integration itself is written (the store's foreign keys want the
// owner first): store the inline credentials of its configuration, then
// delete the managed credentials it no longer references.
type credentialPlan struct {
	c      *Client
	create []pendingCredential
	remove []string
}

type pendingCredential struct {
	cred  *Credential
	cfg   credential.Config
	field string
}

// apply stores the planned credentials and deletes the stale ones, and
// returns the no-secret views of those it stored.
func (p *credentialPlan) apply(ctx context.Context, tx store.Tx) ([]*Credential, error) {
	var created []*Credential
	for _, pc := range p.create {
		cr, err := p.c.insertCredential(ctx, tx, pc.cred, pc.cfg, pc.field)
		if err != nil {
			return nil, err
		}
		created = append(created, cr)
	}
	for _, id := range p.remove {
		if err := tx.Delete(ctx, store.Credentials, id); err != nil {
			return nil, err
		}
	}
	return created, nil
}

// prepareIntegration validates in (cur is its previous state on update),
// derives its provider fields, checks its integration point, and resolves
// its credential references: inline credentials get an id and are planned
// as Managed credentials of the integration; references must name usable
// credentials of a type the provider accepts. It returns the plan to apply
// after writing the integration.
func (c *Client) prepareIntegration(ctx context.Context, tx store.Tx, in, cur *Integration) (*credentialPlan, error) {
	var err error
	if in.Name, in.Fullname, err = resolveNames(in.Name, in.Fullname, in.ID); err != nil {
		return nil, err
	}
	in.Account, in.IntegrationPoint = nil, nil
	prov, err := in.ProviderConfig.provider(c.registry)
	if err != nil {
		return nil, err
	}
	in.Category, in.ProviderType, in.ProviderFullname = prov.Category, prov.ID, prov.Fullname

	// What the checks below read is locked until the write commits, so a
	// concurrent change of the account's environment, of the point's
	// allow-lists or of a referenced credential's type cannot slip between
	// the check and the write (those changes lock exclusively first).
	// (The environment matters only under an integration point.)
	var acct *Account
	if in.IntegrationPointID != "" {
		acct, _, err = getLocked[Account](ctx, tx, store.Accounts, in.AccountID, store.LockShared)
	} else {
		acct, _, err = get[Account](ctx, tx, store.Accounts, in.AccountID)
	}
	if err != nil {
		return nil, err
	}
	if in.IntegrationPointID != "" {
		p, _, err := getLocked[IntegrationPoint](ctx, tx, store.IntegrationPoints, in.IntegrationPointID, store.LockShared)
		if err != nil {
			return nil, prefixField("integration_point_id", err)
		}
		if p.Connector != prov.Category || !allowed(p.Environments.For(acct.Environment), prov.ID) {
			return nil, errs.Invalid("integration_point_id", "integration point %s does not allow provider %s for %s accounts", p.Name, prov.ID, acct.Environment)
		}
	}

	refs := in.ProviderConfig.Config.CredentialRefs()
	plan := &credentialPlan{c: c}
	used := map[string]bool{}
	for _, field := range slices.Sorted(maps.Keys(refs)) {
		ref := refs[field]
		path := "provider_config." + field
		if ref == nil || ref.IsZero() || (ref.ID == "" && !ref.IsInline()) {
			return nil, errs.Invalid(path, "%s is required: give a credential inline or reference a stored one by id", path)
		}
		if ref.IsInline() {
			t := ref.Inline.Type()
			if !prov.Accepts(t) {
				return nil, errs.Invalid(path+".type", "provider %s does not accept %s credentials; it accepts %s", prov.ID, t, typeList(prov.CredentialTypes))
			}
			if err := ref.Inline.Validate(); err != nil {
				return nil, renameField(err, "config", path)
			}
			cred := &Credential{
				ID: c.newID(), Name: in.Name + "-" + strings.ReplaceAll(field, "_", "-"), Fullname: in.Fullname + " " + field,
				OwnerType: OwnerIntegration, AccountID: in.AccountID, IntegrationID: in.ID, Managed: Managed,
			}
			plan.create = append(plan.create, pendingCredential{cred: cred, cfg: ref.Inline, field: path})
			*ref = credential.Ref{ID: cred.ID, Type: t, Alias: ref.Alias}
			used[cred.ID] = true
			continue
		}
		cred, _, err := getLocked[Credential](ctx, tx, store.Credentials, ref.ID, store.LockShared)
		if err == nil && !usableBy(cred, in) {
			err = errs.New(errs.NotFound, "credential %q not found", ref.ID)
		}
		if err != nil {
			return nil, prefixField(path, err)
		}
		if cred.Config.Type != ref.Type {
			return nil, errs.Invalid(path+".type", "credential %s is of type %s, not %s", cred.ID, cred.Config.Type, ref.Type)
		}
		if !prov.Accepts(cred.Config.Type) {
			return nil, errs.Invalid(path+".type", "provider %s does not accept %s credentials; it accepts %s", prov.ID, cred.Config.Type, typeList(prov.CredentialTypes))
		}
		if cred.Expires != nil && !c.now().Before(*cred.Expires) {
			return nil, &errs.Error{Code: errs.CredentialExpired, Field: path, Message: "credential " + cred.ID + " expired at " + cred.Expires.Format(time.RFC3339)}
		}
		used[cred.ID] = true
	}
	if cur != nil { // managed credentials the integration no longer uses go with the old config
		for _, ref := range cur.ProviderConfig.refs() {
			if ref.ID == "" || used[ref.ID] || slices.Contains(plan.remove, ref.ID) {
				continue
			}
			old, _, err := get[Credential](ctx, tx, store.Credentials, ref.ID)
			if err == nil && old.Managed == Managed && old.IntegrationID == in.ID {
				plan.remove = append(plan.remove, old.ID)
			}
		}
	}
	return plan, nil
}

// refs returns the configuration's credential references (none if the
// provider is not registered).
func (p *ProviderConfig) refs() []*credential.Ref {
	if p == nil || p.Config == nil {
		return nil
	}
	return slices.Collect(maps.Values(p.Config.CredentialRefs()))
}

// usableBy reports whether integration in may use credential cr: one owned
// by its account, by the integration itself, or by its integration point.
func usableBy(cr *Credential, in *Integration) bool {
	switch cr.OwnerType {
	case OwnerAccount:
		return cr.AccountID == in.AccountID
	case OwnerIntegration:
		return cr.IntegrationID == in.ID && cr.AccountID == in.AccountID
	case OwnerIntegrationPoint:
		return in.IntegrationPointID != "" && cr.IntegrationPointID == in.IntegrationPointID
	}
	return false
}

func typeList(ts []credential.Type) string {
	if len(ts) == 0 {
		return "none"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}
