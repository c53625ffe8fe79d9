// Package setup is what the example programs share: a client on the
// embedded default (or the database file they are given), and the account
// and integration each example finds from an earlier run or makes.
package setup

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/seed-e6251c81/synqly"
)

// Open opens a client on the SQLite file db ("" for $SYNQLY_DB or
// synqly.DefaultDatabasePath()), logging warnings to stderr, and returns
// ctx with actor as the actor of the audit trail.
func Open(ctx context.Context, db, actor string) (*synqly.Client, context.Context, error) {
	opts := []synqly.Option{synqly.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}
	if db != "" {
		opts = append(opts, synqly.WithDatabasePath(db))
	}
	c, err := synqly.Open(ctx, opts...)
	if err != nil {
		return nil, ctx, err
	}
	return c, synqly.WithActor(ctx, actor), nil
}

// Integration returns the account named account (made on the first run)
// and the id of its integration named name, made with cfg on the first
// run and updated to cfg on the later ones. The update replaces the
// integration as it was read: its updated_at is the precondition, so a
// concurrent change is an ErrConflict, not lost.
func Integration(ctx context.Context, c *synqly.Client, account, name string, cfg *synqly.ProviderConfig) (*synqly.AccountScope, string, error) {
	acct, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: account})
	if errors.Is(err, synqly.ErrConflict) {
		var p *synqly.Page[synqly.Account]
		p, err = c.Accounts.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]" + account}})
		if err == nil && len(p.Result) == 0 {
			err = errors.New("account " + account + " exists but was not found")
		}
		if err == nil {
			acct = p.Result[0]
		}
	}
	if err != nil {
		return nil, "", err
	}
	tenant := c.Account(acct.ID)
	page, err := tenant.Integrations.List(ctx, synqly.ListOptions{Filter: []string{"name[eq]" + name}})
	if err != nil {
		return nil, "", err
	}
	if len(page.Result) > 0 {
		in := *page.Result[0]
		in.ProviderConfig = cfg
		res, err := tenant.Integrations.Update(ctx, in.ID, in)
		if err != nil {
			return nil, "", err
		}
		return tenant, res.Integration.ID, nil
	}
	res, err := tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: name, ProviderConfig: cfg})
	if err != nil {
		return nil, "", err
	}
	return tenant, res.Integration.ID, nil
}
