package synqly

import (
	"context"
	"errors"
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
)

// Upsert creates the account named req.Name, or, when one has that name,
// replaces its fullname, environment and labels with req's (seed 004's
// upsertCustomer: the name is the application's own id for its tenant).
// It is safe against concurrent upserts of one name: the loser of a race
// to create updates what the winner made. req.Name is required.
func (s *AccountsService) Upsert(ctx context.Context, req CreateAccountRequest) (*Account, error) {
	if req.Name == "" {
		return nil, errs.Invalid("name", "Upsert needs the account's name: the application's id for the tenant")
	}
	for attempt := 0; ; attempt++ {
		p, err := s.List(ctx, ListOptions{Filter: []string{"name[eq]" + req.Name}, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(p.Result) == 0 {
			a, err := s.Create(ctx, req)
			if errors.Is(err, ErrConflict) && attempt < upsertAttempts {
				continue // created meanwhile by another: update it
			}
			return a, err
		}
		a := *p.Result[0]
		if (req.Fullname == "" || req.Fullname == a.Fullname) && (req.Environment == "" || req.Environment == a.Environment) &&
			(req.Labels == nil || slices.Equal(req.Labels, a.Labels)) {
			return &a, nil // already as asked: no write, no conflict
		}
		if req.Fullname != "" {
			a.Fullname = req.Fullname
		}
		if req.Environment != "" {
			a.Environment = req.Environment
		}
		if req.Labels != nil {
			a.Labels = req.Labels
		}
		out, err := s.Update(ctx, a.ID, a)
		if (errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound)) && attempt < upsertAttempts {
			continue // changed or deleted meanwhile: read it again
		}
		return out, err
	}
}

// upsertAttempts bounds how often Upsert reads again after losing a race.
const upsertAttempts = 10

// ForProvider returns the account's integration of the given provider type
// (seed 004's getConnection by provider_name). When the account has
// several, the first by name is returned; none is ErrNotFound.
func (a *AccountIntegrations) ForProvider(ctx context.Context, providerType string) (*Integration, error) {
	if err := checkScope(a.accountID); err != nil {
		return nil, err
	}
	p, err := a.s.list(ctx, a.accountID, ListOptions{Filter: []string{"provider_type[eq]" + providerType}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(p.Result) == 0 {
		return nil, errs.New(errs.NotFound, "the account has no integration of provider %q", clip(providerType))
	}
	return p.Result[0], nil
}
