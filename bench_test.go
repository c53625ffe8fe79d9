package synqly_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/sqlite"
)

// benchN is the number of integrations in the List benchmarks (spread over
// benchN/100 accounts); SYNQLY_BENCH_N overrides the default 100,000.
func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("SYNQLY_BENCH_N")); err == nil && n >= 100 {
		return n
	}
	return 100_000
}

var benchProviders = []string{"ticketing_jira", "ticketing_servicenow", "ticketing_pagerduty", "ticketing_mock_ticketing"}

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

// benchFixture returns a SQLite file holding benchN integrations in benchN/100
// accounts, built once per machine and dataset size (under os.TempDir).
func benchFixture(b *testing.B) string {
	fixtureOnce.Do(func() {
		n := benchN()
		fixturePath = filepath.Join(os.TempDir(), fmt.Sprintf("synqly-bench-v1-%d.db", n))
		if _, err := os.Stat(fixturePath + ".done"); err == nil {
			return
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(fixturePath + suffix)
		}
		fixtureErr = buildFixture(fixturePath, n)
		if fixtureErr == nil {
			fixtureErr = os.WriteFile(fixturePath+".done", nil, 0o600)
		}
	})
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixturePath
}

func buildFixture(path string, n int) error {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.WithLogger(quiet()))
	if err != nil {
		return err
	}
	defer s.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	accounts := n / 100
	return s.Update(ctx, func(tx store.Tx) error {
		for a := range accounts {
			acct := synqly.Account{ID: fmt.Sprintf("acct-%05d", a), Name: fmt.Sprintf("tenant-%05d", a), Environment: "prod",
				CreatedAt: t0, UpdatedAt: t0}
			acct.Fullname = acct.Name
			doc, _ := json.Marshal(acct)
			if err := tx.Insert(ctx, &store.Object{Kind: store.Accounts, ID: acct.ID, Doc: doc}); err != nil {
				return err
			}
			for i := range 100 {
				k := a*100 + i
				prov := benchProviders[k%len(benchProviders)]
				at := t0.Add(time.Duration(k) * time.Millisecond)
				in := synqly.Integration{ID: fmt.Sprintf("int-%07d", k), Name: fmt.Sprintf("int-%d", k), AccountID: acct.ID,
					Category: providers.Ticketing, ProviderType: prov, ProviderFullname: prov, CreatedAt: at, UpdatedAt: at,
					ProviderConfig: mockConfig()}
				in.Fullname = in.Name
				doc, _ := json.Marshal(in)
				if err := tx.Insert(ctx, &store.Object{Kind: store.Integrations, ID: in.ID, Scope: acct.ID, Doc: doc}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var benchListOpts = synqly.ListOptions{
	Filter: []string{"provider_type[eq]ticketing_jira", "name[like]int-1*"},
	Order:  []string{"created_at[desc]"},
	Limit:  100,
}

// The hand-written equivalent of benchListOpts, decoding the same rows into
// the same type.
const benchListSQL = `SELECT t.id, t.scope, t.version, t.doc, t.created_at, t.id FROM integrations t
WHERE (t.provider_type = ? AND t.name LIKE ? ESCAPE '\') ORDER BY t.created_at DESC, t.id DESC LIMIT 101`

func openBench(b *testing.B) (*synqly.Client, *sqlite.Store) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, benchFixture(b), sqlite.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	c, err := synqly.Open(ctx, synqly.WithStore(s), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

// BenchmarkIntegrationsList is Client.Integrations.List with two filters, an
// order and limit 100; compare with BenchmarkIntegrationsListHandWritten.
func BenchmarkIntegrationsList(b *testing.B) {
	c, _ := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.Integrations.List(ctx, benchListOpts)
		if err != nil || len(p.Result) != 100 {
			b.Fatal(err, len(p.Result))
		}
	}
}

// BenchmarkIntegrationsListHandWritten runs the same SELECT by hand with
// database/sql and decodes the rows into the same type.
func BenchmarkIntegrationsListHandWritten(b *testing.B) {
	_, s := openBench(b)
	ctx := context.Background()
	db := s.DB()
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.QueryContext(ctx, benchListSQL, "ticketing_jira", "int-1%")
		if err != nil {
			b.Fatal(err)
		}
		var out []*synqly.Integration
		for rows.Next() {
			var id, scope, id2 string
			var version, created int64
			var doc []byte
			if err := rows.Scan(&id, &scope, &version, &doc, &created, &id2); err != nil {
				b.Fatal(err)
			}
			in := new(synqly.Integration)
			if err := json.Unmarshal(doc, in); err != nil {
				b.Fatal(err)
			}
			out = append(out, in)
		}
		rows.Close()
		if len(out) != 101 {
			b.Fatal(len(out))
		}
	}
}

// BenchmarkIntegrationsPage1 and BenchmarkIntegrationsPage1000 compare the
// first page with a deep one (page 1000 of 100 at the default 100,000):
// keyset paging makes them cost the same.
func BenchmarkIntegrationsPage1(b *testing.B) { benchPage(b, 1) }

// BenchmarkIntegrationsPage1000: see BenchmarkIntegrationsPage1.
func BenchmarkIntegrationsPage1000(b *testing.B) { benchPage(b, benchN()/100) }

func benchPage(b *testing.B, page int) {
	c, _ := openBench(b)
	ctx := context.Background()
	opts := synqly.ListOptions{Limit: 100, Order: []string{"name"}}
	if page > 1 {
		opts.StartAfter = pageCursor(b, c, page-1)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.Integrations.List(ctx, opts)
		if err != nil || len(p.Result) == 0 {
			b.Fatal(err)
		}
	}
}

// pageCursor pages through the first pages by cursor and returns the Next of
// the last one.
func pageCursor(b *testing.B, c *synqly.Client, pages int) string {
	opts := synqly.ListOptions{Limit: 100, Order: []string{"name"}}
	for range pages {
		p, err := c.Integrations.List(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		opts.StartAfter = p.Next
	}
	return opts.StartAfter
}

// BenchmarkAccountsCreate measures Client.Accounts.Create (validation, one
// transaction with the account and its audit event); compare with the store
// benchmarks BenchmarkInsert and BenchmarkInsertRaw in store/sqlite.
func BenchmarkAccountsCreate(b *testing.B) {
	c, _ := newClient(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Name: "acct-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccountsCreateRawInsert inserts the same account row and an audit
// row with hand-written INSERTs in one transaction, the floor for Create.
func BenchmarkAccountsCreateRawInsert(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "raw.db")
	s, err := sqlite.Open(ctx, path, sqlite.WithLogger(quiet())) // creates the schema
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	// The same settings as the store's writer connection.
	db, err := sql.Open("sqlite3", path+"?_journal_mode=WAL&_foreign_keys=on&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	t0 := time.Now().UTC()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		name := "acct-" + strconv.Itoa(i)
		acct := synqly.Account{ID: "id-" + name, Name: name, Fullname: name, Environment: "prod", CreatedAt: t0, UpdatedAt: t0}
		doc, _ := json.Marshal(acct)
		ev, _ := json.Marshal(synqly.AuditEvent{ID: "ev-" + name, CreatedAt: t0, Actor: "unknown", Operation: "create", ResourceType: "account",
			ResourceID: acct.ID, AccountID: acct.ID, Outcome: "success"})
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO accounts (id, scope, version, doc, name, name_key, account_id, fullname, environment, created_at, updated_at)
			VALUES (?, '', 1, ?, ?, ?, ?, ?, 'prod', ?, ?)`, acct.ID, string(doc), name, name, acct.ID, name, t0.UnixNano(), t0.UnixNano())
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (id, scope, version, doc, created_at, actor, operation, resource_type, resource_id, account_id, outcome)
				VALUES (?, '', 1, ?, ?, 'unknown', 'create', 'account', ?, ?, 'success')`, "ev-"+name, string(ev), t0.UnixNano(), acct.ID, acct.ID)
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
