// Package bench holds whole-scenario benchmarks. Soak runs a realistic mix
// of management calls from many goroutines against one client for a bounded
// time, and then checks that the store holds exactly what the acknowledged
// operations imply.
package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// SoakConfig configures a soak run.
type SoakConfig struct {
	// Goroutines is the number of concurrent workers (default 32).
	Goroutines int
	// Accounts is the number of accounts the workers spread over (default 1000).
	Accounts int
	// Duration bounds the run (default 5s); Ops, when > 0, bounds it too.
	Duration time.Duration
	Ops      int64
	// Seed makes the operation mix reproducible.
	Seed uint64
}

// SoakReport is what a soak run measured.
type SoakReport struct {
	Ops        int64
	Elapsed    time.Duration
	Throughput float64 // operations per second
	P50, P99   time.Duration
	// Conflicts counts concurrent-update conflicts that were retried.
	Conflicts int64
	// ByKind counts acknowledged operations by kind.
	ByKind map[string]int64
}

// String summarizes the report on one line.
func (r SoakReport) String() string {
	return fmt.Sprintf("%d ops in %v: %.0f ops/s, p50 %v, p99 %v, %d conflicts retried, %v",
		r.Ops, r.Elapsed.Round(time.Millisecond), r.Throughput, r.P50, r.P99, r.Conflicts, r.ByKind)
}

// model is what the acknowledged operations imply: per account, the
// integrations, each with the fullnames it may hold (concurrent patches of
// one integration commit in an order the workers cannot see).
type model struct {
	mu   sync.Mutex
	ints map[string]map[string]map[string]bool // account -> integration id -> acknowledged fullnames
}

func (m *model) pick(rng *rand.Rand, acct string, remove bool) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.ints[acct]
	if len(ids) == 0 {
		return "", false
	}
	n := rng.IntN(len(ids))
	for id := range ids {
		if n == 0 {
			if remove {
				delete(ids, id)
			}
			return id, true
		}
		n--
	}
	return "", false
}

// Soak runs the mix against c. Accounts are created first (not measured).
func Soak(ctx context.Context, c *synqly.Client, cfg SoakConfig) (*SoakReport, error) {
	if cfg.Goroutines <= 0 {
		cfg.Goroutines = 32
	}
	if cfg.Accounts <= 0 {
		cfg.Accounts = 1000
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 5 * time.Second
	}
	accts := make([]string, cfg.Accounts)
	for i := range accts {
		a, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: fmt.Sprintf("soak-%d-%05d", cfg.Seed, i)})
		if err != nil {
			return nil, err
		}
		accts[i] = a.ID
	}
	m := &model{ints: map[string]map[string]map[string]bool{}}
	for _, a := range accts {
		m.ints[a] = map[string]map[string]bool{}
	}

	var ops, conflicts atomic.Int64
	var kinds sync.Map
	count := func(k string) {
		v, _ := kinds.LoadOrStore(k, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	lat := make([][]time.Duration, cfg.Goroutines)
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	errc := make(chan error, cfg.Goroutines)
	start := time.Now()
	var wg sync.WaitGroup
	for g := range cfg.Goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(g)))
			seq := 0
			for runCtx.Err() == nil && (cfg.Ops == 0 || ops.Load() < cfg.Ops) {
				acct := accts[rng.IntN(len(accts))]
				t0 := time.Now()
				kind, err := step(ctx, c, m, rng, acct, g, &seq, &conflicts)
				if err != nil {
					errc <- fmt.Errorf("%s in account %s: %w", kind, acct, err)
					cancel()
					return
				}
				lat[g] = append(lat[g], time.Since(t0))
				ops.Add(1)
				count(kind)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	if err := verify(ctx, c, m); err != nil {
		return nil, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := &SoakReport{Ops: ops.Load(), Elapsed: elapsed, Conflicts: conflicts.Load(), ByKind: map[string]int64{}}
	r.Throughput = float64(r.Ops) / elapsed.Seconds()
	if len(all) > 0 {
		r.P50, r.P99 = all[len(all)/2], all[len(all)*99/100]
	}
	kinds.Range(func(k, v any) bool { r.ByKind[k.(string)] = v.(*atomic.Int64).Load(); return true })
	return r, nil
}

// step performs one operation of the mix: 20% create, 30% patch, 35%
// filtered list, 15% delete.
func step(ctx context.Context, c *synqly.Client, m *model, rng *rand.Rand, acct string, g int, seq *int, conflicts *atomic.Int64) (string, error) {
	tenant := c.Account(acct)
	switch p := rng.IntN(100); {
	case p < 20:
		*seq++
		name := fmt.Sprintf("int-g%d-%d", g, *seq)
		res, err := tenant.Integrations.Create(ctx, synqly.CreateIntegrationRequest{Name: name, Fullname: name,
			ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID, Config: &mock.TicketingConfig{}}})
		if err != nil {
			return "create", err
		}
		m.mu.Lock()
		m.ints[acct][res.Integration.ID] = map[string]bool{name: true}
		m.mu.Unlock()
		return "create", nil
	case p < 50:
		// Concurrent patches of one integration are applied one after the
		// other (a patch that lost the race is applied again to the new
		// version); a conflict would only come from a name taken meanwhile,
		// and is retried.
		id, ok := m.pick(rng, acct, false)
		if !ok {
			return "patch-none", nil
		}
		full := fmt.Sprintf("patched-%d", rng.Uint32())
		m.mu.Lock()
		if names := m.ints[acct][id]; names != nil {
			names[full] = true // may land from here on
		}
		m.mu.Unlock()
		for try := 0; ; try++ {
			_, err := tenant.Integrations.Patch(ctx, id, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: full}})
			if errors.Is(err, synqly.ErrConflict) && try < 10 {
				conflicts.Add(1)
				continue
			}
			if errors.Is(err, synqly.ErrNotFound) {
				m.mu.Lock()
				_, still := m.ints[acct][id]
				m.mu.Unlock()
				if !still {
					return "patch-raced-delete", nil
				}
			}
			if err != nil {
				return "patch", err
			}
			return "patch", nil
		}
	case p < 85:
		page, err := tenant.Integrations.List(ctx, synqly.ListOptions{
			Filter: []string{"name[like]int-g*", "provider_type[eq]" + mock.TicketingID},
			Order:  []string{"created_at[desc]"}, Limit: 20,
		})
		if err != nil {
			return "list", err
		}
		for _, in := range page.Result {
			if in.AccountID != acct {
				return "list", fmt.Errorf("listed integration %s of account %s", in.ID, in.AccountID)
			}
		}
		return "list", nil
	default:
		id, ok := m.pick(rng, acct, true) // out of the model first: a patch racing it expects NotFound
		if !ok {
			return "delete-none", nil
		}
		if err := tenant.Integrations.Delete(ctx, id); err != nil {
			return "delete", err
		}
		return "delete", nil
	}
}

// verify checks that every account holds exactly the integrations the
// acknowledged operations imply, with their last acknowledged fullnames.
func verify(ctx context.Context, c *synqly.Client, m *model) error {
	for acct, want := range m.ints {
		got := map[string]string{}
		for in, err := range c.Account(acct).Integrations.All(ctx, synqly.ListOptions{Limit: 1000}) {
			if err != nil {
				return err
			}
			got[in.ID] = in.Fullname
		}
		if len(got) != len(want) {
			return fmt.Errorf("account %s holds %d integrations, the acknowledged operations imply %d", acct, len(got), len(want))
		}
		for id, names := range want {
			if !names[got[id]] {
				return fmt.Errorf("integration %s: fullname %q is none of the acknowledged ones", id, got[id])
			}
		}
	}
	return nil
}
