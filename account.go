package synqly

import (
	"context"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/ids"
	"github.com/seed-e6251c81/synqly/store"
)

// Environment is an account's environment.
type Environment string

// Environments.
const (
	EnvironmentTest Environment = "test"
	EnvironmentProd Environment = "prod"
)

// Valid reports whether e is test or prod.
func (e Environment) Valid() bool { return e == EnvironmentTest || e == EnvironmentProd }

// Account is one tenant of the application. Its integrations and credentials
// are never visible to another account.
type Account struct {
	// ID is set by the library.
	ID string `json:"id"`
	// Name is unique (case-insensitively) among accounts: lowercase a-z, 0-9,
	// '_' and '-'. Generated from Fullname when absent.
	Name string `json:"name"`
	// Fullname is for people; defaults to Name.
	Fullname string `json:"fullname"`
	// Environment is test or prod (default prod). Integration points keep
	// separate provider allow-lists per environment. Switching it (Update,
	// Patch) is refused with ErrConflict while one of the account's
	// integrations uses a provider that its integration point does not
	// allow in the new environment.
	Environment Environment `json:"environment"`
	// Labels are free labels, 1 to 48 characters each.
	Labels []string `json:"labels,omitempty"`
	// CreatedAt and UpdatedAt are set by the library.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateAccountRequest creates an account.
type CreateAccountRequest struct {
	Name        string      `json:"name,omitempty"`
	Fullname    string      `json:"fullname,omitempty"`
	Environment Environment `json:"environment,omitempty"`
	Labels      []string    `json:"labels,omitempty"`
}

// Label limits.
const (
	MaxLabels   = 64
	MaxLabelLen = 48
)

// AccountsService manages accounts. Get it from Client.Accounts.
type AccountsService struct{ c *Client }

var accountReadOnly = []string{"id", "created_at", "updated_at"}

// Create creates an account. A name already taken (ignoring case) is an
// ErrConflict error.
func (s *AccountsService) Create(ctx context.Context, req CreateAccountRequest) (*Account, error) {
	now := s.c.now()
	a := &Account{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, Environment: req.Environment,
		Labels: req.Labels, CreatedAt: now, UpdatedAt: now}
	ch := &change{op: AuditCreate, resourceType: "account", resourceID: a.ID, accountID: a.ID}
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if err := normalizeAccount(a); err != nil {
			return err
		}
		return insert(ctx, tx, store.Accounts, a.ID, "", a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Get returns the account with the given id.
func (s *AccountsService) Get(ctx context.Context, id string) (*Account, error) {
	a, _, err := get[Account](ctx, s.c.store, store.Accounts, id)
	return a, err
}

// Update replaces the account's name, fullname, environment and labels with
// those of a, which must be the account as read (Get, List) and then
// changed: its UpdatedAt is the precondition. If the account changed since
// (another client's Update or Patch), Update is an ErrConflict error and
// changes nothing: Get it again, reapply the change and retry — or use
// Patch, which changes only the fields it names and can test values first.
// A zero UpdatedAt is an ErrInvalidInput error. a.ID must be empty or id;
// CreatedAt is ignored.
func (s *AccountsService) Update(ctx context.Context, id string, a Account) (*Account, error) {
	return s.replace(ctx, &change{op: AuditUpdate}, id, func(cur *Account) (*Account, error) {
		if a.ID != "" && a.ID != id {
			return nil, errs.Invalid("id", "the body's id does not match the account being updated")
		}
		if err := unchangedSince("account", id, a.UpdatedAt, cur.UpdatedAt); err != nil {
			return nil, err
		}
		return &a, nil
	})
}

// Patch applies a JSON Patch to the account. id, created_at and updated_at
// cannot be patched; a failed test operation changes nothing.
func (s *AccountsService) Patch(ctx context.Context, id string, ops []PatchOperation) (*Account, error) {
	ch := &change{op: AuditPatch}
	return s.replace(ctx, ch, id, func(cur *Account) (*Account, error) {
		var next Account
		paths, err := applyPatch(cur, ops, accountReadOnly, &next)
		ch.paths = paths
		return &next, err
	})
}

// replace loads the account, lets edit produce its new state, and stores it.
func (s *AccountsService) replace(ctx context.Context, ch *change, id string, edit func(*Account) (*Account, error)) (*Account, error) {
	ch.resourceType, ch.resourceID, ch.accountID = "account", id, id
	var out *Account
	err := s.c.mutate(ctx, ch, withPatchRetries(ch, func(tx store.Tx) error {
		cur, obj, err := get[Account](ctx, tx, store.Accounts, id)
		if err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		next.ID, next.CreatedAt, next.UpdatedAt = cur.ID, cur.CreatedAt, touched(s.c.now(), cur.UpdatedAt)
		if err := normalizeAccount(next); err != nil {
			return err
		}
		if next.Environment != cur.Environment {
			// Locked first: an integration written concurrently either
			// committed before (and is checked) or reads the new
			// environment after this commits (see prepareIntegration).
			if _, err := tx.Lock(ctx, store.Accounts, id, store.LockExclusive); err != nil {
				return err
			}
			if err := checkEnvironmentSwitch(ctx, tx, next); err != nil {
				return err
			}
		}
		if err := replaceDoc(ctx, tx, obj, next); err != nil {
			return err
		}
		out = next
		return nil
	}))
	return out, err
}

// Delete deletes the account together with its integrations and
// credentials, atomically.
func (s *AccountsService) Delete(ctx context.Context, id string) error {
	ch := &change{op: AuditDelete, resourceType: "account", resourceID: id, accountID: id}
	return s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if _, _, err := get[Account](ctx, tx, store.Accounts, id); err != nil {
			return err
		}
		// Integrations first: they reference the account's credentials.
		if _, err := tx.DeleteWhere(ctx, store.Integrations, "account_id", id); err != nil {
			return err
		}
		if _, err := tx.DeleteWhere(ctx, store.Credentials, "account_id", id); err != nil {
			return err
		}
		if _, err := tx.DeleteWhere(ctx, store.ProviderState, "account_id", id); err != nil {
			return err
		}
		return tx.Delete(ctx, store.Accounts, id)
	})
}

// checkEnvironmentSwitch refuses to move an account to an environment in
// which an integration point one of its integrations uses does not allow
// that integration's provider: the rule an integration point's own change
// follows (IntegrationPointsService.Update), so that no integration is left
// in use that its point would not admit today.
func checkEnvironmentSwitch(ctx context.Context, tx store.Tx, a *Account) error {
	points := map[string]*IntegrationPoint{}
	return eachIntegration(ctx, tx, []string{"account_id[eq]" + a.ID}, func(in *Integration, _ *Account) error {
		if in.IntegrationPointID == "" {
			return nil
		}
		p, ok := points[in.IntegrationPointID]
		if !ok {
			var err error
			if p, _, err = get[IntegrationPoint](ctx, tx, store.IntegrationPoints, in.IntegrationPointID); err != nil {
				return err
			}
			points[p.ID] = p
		}
		if !allowed(p.Environments.For(a.Environment), in.ProviderType) {
			return &errs.Error{Code: errs.Conflict, Field: "environment", Message: "the account's integration " + in.ID +
				" uses provider " + in.ProviderType + ", which its integration point " + p.Name + " does not allow for " +
				string(a.Environment) + " accounts: allow it in the point's " + string(a.Environment) +
				" list, or move or delete the integration, before switching the account"}
		}
		return nil
	})
}

// List returns one page of accounts. Fields: id, name, fullname,
// environment, created_at, updated_at.
func (s *AccountsService) List(ctx context.Context, opts ListOptions) (*Page[Account], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.Accounts}, opts, decodeDoc[Account])
}

// All iterates over every account matching opts, page by page.
func (s *AccountsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*Account, error] {
	return all(ctx, opts, s.List)
}

func normalizeAccount(a *Account) error {
	var err error
	if a.Name, a.Fullname, err = resolveNames(a.Name, a.Fullname, a.ID); err != nil {
		return err
	}
	if a.Environment == "" {
		a.Environment = EnvironmentProd
	}
	if !a.Environment.Valid() {
		return errs.Invalid("environment", "environment %q is not valid; use test or prod", clip(string(a.Environment)))
	}
	if len(a.Labels) > MaxLabels {
		return errs.Invalid("labels", "an account has at most %d labels", MaxLabels)
	}
	for i, l := range a.Labels {
		if err := checkText("labels", l, MaxLabelLen); err != nil || l == "" {
			return errs.Invalid("labels["+strconv.Itoa(i)+"]", "label %d must be 1 to %d characters of valid UTF-8", i, MaxLabelLen)
		}
	}
	if len(a.Labels) == 0 {
		a.Labels = nil
	} else {
		a.Labels = slices.Clone(a.Labels)
	}
	return nil
}

// validID refuses ids that no generator makes, before they reach a store.
func validID(kind store.Kind, id string) error {
	if !ids.Valid(id) {
		return errs.New(errs.NotFound, "%s %q not found", singular(kind), clip(id))
	}
	return nil
}
