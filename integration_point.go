package synqly

import (
	"context"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
)

// IntegrationEnvironments are an integration point's provider allow-lists,
// one per account environment. An entry is a provider config id of the
// point's connector, or "*" for every provider. An environment without a
// list allows no provider.
type IntegrationEnvironments struct {
	Test []string `json:"test,omitempty"`
	Prod []string `json:"prod,omitempty"`
}

// For returns the allow-list of environment e.
func (ie *IntegrationEnvironments) For(e Environment) []string {
	if ie == nil {
		return nil
	}
	if e == EnvironmentTest {
		return ie.Test
	}
	return ie.Prod
}

// IntegrationPoint describes a class of integrations: the connector they
// implement and the providers they may use. It belongs to the organization;
// integrations of many accounts may share it.
type IntegrationPoint struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	// Description is for the organization only.
	Description string `json:"description,omitempty"`
	// Connector is the category every provider of the point belongs to.
	Connector providers.Category `json:"connector"`
	// Environments hold the allowed providers.
	Environments *IntegrationEnvironments `json:"environments,omitempty"`
	CreatedAt    time.Time                `json:"created_at"`
	UpdatedAt    time.Time                `json:"updated_at"`
}

// CreateIntegrationPointRequest creates an integration point.
type CreateIntegrationPointRequest struct {
	Name         string                   `json:"name,omitempty"`
	Fullname     string                   `json:"fullname,omitempty"`
	Description  string                   `json:"description,omitempty"`
	Connector    providers.Category       `json:"connector"`
	Environments *IntegrationEnvironments `json:"environments,omitempty"`
}

// IntegrationPointsService manages integration points. Get it from
// Client.IntegrationPoints.
type IntegrationPointsService struct{ c *Client }

var integrationPointReadOnly = []string{"id", "created_at", "updated_at"}

// Create creates an integration point.
func (s *IntegrationPointsService) Create(ctx context.Context, req CreateIntegrationPointRequest) (*IntegrationPoint, error) {
	now := s.c.now()
	p := &IntegrationPoint{ID: s.c.newID(), Name: req.Name, Fullname: req.Fullname, Description: req.Description,
		Connector: req.Connector, Environments: req.Environments, CreatedAt: now, UpdatedAt: now}
	ch := &change{op: AuditCreate, resourceType: "integration_point", resourceID: p.ID}
	err := s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if err := normalizeIntegrationPoint(p); err != nil {
			return err
		}
		return insert(ctx, tx, store.IntegrationPoints, p.ID, "", p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Get returns the integration point with the given id.
func (s *IntegrationPointsService) Get(ctx context.Context, id string) (*IntegrationPoint, error) {
	p, _, err := get[IntegrationPoint](ctx, s.c.store, store.IntegrationPoints, id)
	return p, err
}

// Update replaces the point's name, fullname, description, connector and
// environments with those of p, which must be the point as read and then
// changed: its UpdatedAt is the precondition, as for AccountsService.Update
// (a point changed since is an ErrConflict error). Integrations that use the
// point must still be allowed by it.
func (s *IntegrationPointsService) Update(ctx context.Context, id string, p IntegrationPoint) (*IntegrationPoint, error) {
	return s.replace(ctx, &change{op: AuditUpdate}, id, func(cur *IntegrationPoint) (*IntegrationPoint, error) {
		if p.ID != "" && p.ID != id {
			return nil, errs.Invalid("id", "the body's id does not match the integration point being updated")
		}
		if err := unchangedSince("integration point", id, p.UpdatedAt, cur.UpdatedAt); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

// Patch applies a JSON Patch to the integration point.
func (s *IntegrationPointsService) Patch(ctx context.Context, id string, ops []PatchOperation) (*IntegrationPoint, error) {
	ch := &change{op: AuditPatch}
	return s.replace(ctx, ch, id, func(cur *IntegrationPoint) (*IntegrationPoint, error) {
		var next IntegrationPoint
		paths, err := applyPatch(cur, ops, integrationPointReadOnly, &next)
		ch.paths = paths
		return &next, err
	})
}

func (s *IntegrationPointsService) replace(ctx context.Context, ch *change, id string, edit func(*IntegrationPoint) (*IntegrationPoint, error)) (*IntegrationPoint, error) {
	ch.resourceType, ch.resourceID = "integration_point", id
	var out *IntegrationPoint
	err := s.c.mutate(ctx, ch, withPatchRetries(ch, func(tx store.Tx) error {
		// Locked as it is read: the integrations that use the point are
		// checked below, and one written concurrently either committed
		// before (and is checked) or reads the new lists after this commits
		// (see prepareIntegration).
		cur, obj, err := getLocked[IntegrationPoint](ctx, tx, store.IntegrationPoints, id, store.LockExclusive)
		if err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		next.ID, next.CreatedAt, next.UpdatedAt = cur.ID, cur.CreatedAt, touched(s.c.now(), cur.UpdatedAt)
		if err := normalizeIntegrationPoint(next); err != nil {
			return err
		}
		if err := s.checkUsers(ctx, tx, next); err != nil {
			return err
		}
		if err := replaceDoc(ctx, tx, obj, next); err != nil {
			return err
		}
		out = next
		return nil
	}))
	return out, err
}

// checkUsers refuses a change that would leave an integration using the
// point with a provider the point no longer allows.
func (s *IntegrationPointsService) checkUsers(ctx context.Context, tx store.Tx, p *IntegrationPoint) error {
	return eachIntegration(ctx, tx, []string{"integration_point_id[eq]" + p.ID}, func(in *Integration, acct *Account) error {
		env := EnvironmentProd
		if acct != nil {
			env = acct.Environment
		}
		if in.Category != p.Connector || !allowed(p.Environments.For(env), in.ProviderType) {
			return errs.New(errs.Conflict, "integration %s (%s) uses this integration point and would no longer be allowed", in.ID, in.ProviderType)
		}
		return nil
	})
}

// Delete deletes the integration point and the credentials it owns. A point
// still used by integrations is an ErrConflict error.
func (s *IntegrationPointsService) Delete(ctx context.Context, id string) error {
	ch := &change{op: AuditDelete, resourceType: "integration_point", resourceID: id}
	return s.c.mutate(ctx, ch, func(tx store.Tx) error {
		if _, _, err := get[IntegrationPoint](ctx, tx, store.IntegrationPoints, id); err != nil {
			return err
		}
		n := 0
		if err := eachIntegration(ctx, tx, []string{"integration_point_id[eq]" + id}, func(*Integration, *Account) error {
			n++
			return nil
		}); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, "integration point %s is used by %d integration(s); delete or move them first", id, n)
		}
		if _, err := tx.DeleteWhere(ctx, store.Credentials, "scope", id); err != nil {
			return err
		}
		return tx.Delete(ctx, store.IntegrationPoints, id)
	})
}

// List returns one page of integration points. Fields: id, name, fullname,
// description, connector, created_at, updated_at.
func (s *IntegrationPointsService) List(ctx context.Context, opts ListOptions) (*Page[IntegrationPoint], error) {
	return listPage(ctx, s.c, store.ListRequest{Kind: store.IntegrationPoints}, opts, decodeDoc[IntegrationPoint])
}

// All iterates over every integration point matching opts, page by page.
func (s *IntegrationPointsService) All(ctx context.Context, opts ListOptions) iter.Seq2[*IntegrationPoint, error] {
	return all(ctx, opts, s.List)
}

func normalizeIntegrationPoint(p *IntegrationPoint) error {
	var err error
	if p.Name, p.Fullname, err = resolveNames(p.Name, p.Fullname, p.ID); err != nil {
		return err
	}
	if err := checkText("description", p.Description, MaxFullnameLen); err != nil {
		return err
	}
	if !p.Connector.Valid() {
		return errs.Invalid("connector", "connector %q is not a known category; use one of %s", clip(string(p.Connector)), categoryList())
	}
	if p.Environments != nil {
		for env, list := range map[string][]string{"test": p.Environments.Test, "prod": p.Environments.Prod} {
			for i, id := range list {
				field := "environments." + env + "[" + strconv.Itoa(i) + "]"
				if id == "*" {
					continue
				}
				cat, _, ok := strings.Cut(id, "_")
				if !ok || providers.Category(cat) != p.Connector || !validName(id) {
					return errs.Invalid(field, "%q is not a %s provider id (such as %s_jira) or \"*\"", clip(id), p.Connector, p.Connector)
				}
			}
		}
	}
	return nil
}

func categoryList() string {
	names := make([]string, len(providers.Categories))
	for i, c := range providers.Categories {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// eachIntegration calls fn for every integration matching filters, with its
// expanded account, reading through tx page by page.
func eachIntegration(ctx context.Context, r store.Reader, filters []string, fn func(*Integration, *Account) error) error {
	opts := ListOptions{Filter: filters, Limit: filter.MaxLimit, Expand: []string{"account"}}
	for {
		b, err := bind(store.Integrations, opts)
		if err != nil {
			return err
		}
		p, err := r.List(ctx, store.ListRequest{Kind: store.Integrations, Query: b})
		if err != nil {
			return err
		}
		for _, o := range p.Objects {
			in, err := decodeIntegration(o)
			if err != nil {
				return err
			}
			if err := fn(in, in.Account); err != nil {
				return err
			}
		}
		if p.Next == "" || len(p.Objects) == 0 {
			return nil
		}
		opts.StartAfter = p.Next
	}
}
