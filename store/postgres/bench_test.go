package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// The benchmarks mirror store/sqlite's, on the same data set: benchN
// integrations (SYNQLY_BENCH_N, default 100,000) in benchAccounts accounts.
// It is built once in the schema benchSchema of the database that
// SYNQLY_POSTGRES_DSN names, and kept there for later runs; its name holds
// the size, the migrations' hash and benchGenVersion.
const (
	benchAccounts   = 1000
	benchGenVersion = 1
)

var benchProviders = []string{
	"ticketing_jira", "ticketing_servicenow", "ticketing_pagerduty", "siem_splunk",
	"notifications_slack", "edr_crowdstrike", "storage_aws_s3", "assets_nozomi_vantage",
}

var benchBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// benchN is the number of integrations in the data set.
func benchN(b *testing.B) int {
	s := os.Getenv("SYNQLY_BENCH_N")
	if s == "" {
		return 100_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < benchAccounts {
		b.Fatalf("SYNQLY_BENCH_N=%q: want a number of at least %d", s, benchAccounts)
	}
	return n
}

// benchIntegration returns the i-th integration of a data set of n.
func benchIntegration(i, n int) *store.Object {
	acc := fmt.Sprintf("acc-%04d", i%benchAccounts)
	id := fmt.Sprintf("int-%08d", i)
	pt := benchProviders[i%len(benchProviders)]
	at := benchBase.Add(time.Duration((i*7919)%n) * time.Second).Format(time.RFC3339Nano)
	d, _ := json.Marshal(map[string]any{
		"id": id, "name": "int-" + strconv.Itoa(i), "fullname": "Integration " + strconv.Itoa(i),
		"account_id": acc, "category": "ticketing", "provider_type": pt, "provider_fullname": "Provider " + pt,
		"created_at": at, "updated_at": at, "refresh_token_id": "rt-" + id,
		"provider_config": map[string]any{
			"type": pt, "url": "https://tenant-" + strconv.Itoa(i%97) + ".example.com",
			"credential":      map[string]any{"type": "basic_id", "value": "cred-" + id},
			"default_project": "OPS", "default_issue_type": "Task",
		},
	})
	return &store.Object{Kind: store.Integrations, ID: id, Scope: acc, Doc: d}
}

var (
	benchOnce sync.Once
	benchDSN  string
	benchErr  error
)

// benchData returns the DSN of the data set's schema, building it if needed.
func benchData(b *testing.B) string {
	base := baseDSN(b)
	n := benchN(b)
	benchOnce.Do(func() {
		h := sha256.New()
		for _, m := range migrations {
			h.Write([]byte(m.SQL))
		}
		schema := fmt.Sprintf("synqly_bench_%d_v%d_%s", n, benchGenVersion, hex.EncodeToString(h.Sum(nil))[:12])
		benchDSN = withSearchPath(base, schema)
		db, err := sql.Open("pgx", base)
		if err != nil {
			benchErr = err
			return
		}
		defer db.Close()
		var exists bool
		err = db.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists)
		if err != nil || exists {
			benchErr = err
			return
		}
		benchErr = buildBenchData(db, base, schema, n)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDSN
}

// buildBenchData writes the data set through the store, in one
// transaction, into a temporary schema that it then renames to schema.
func buildBenchData(db *sql.DB, base, schema string, n int) error {
	ctx := context.Background()
	tmp := fmt.Sprintf("%s_tmp%d", schema, os.Getpid())
	if _, err := db.Exec("DROP SCHEMA IF EXISTS " + tmp + " CASCADE; CREATE SCHEMA " + tmp); err != nil {
		return err
	}
	s, err := Open(ctx, withSearchPath(base, tmp))
	if err != nil {
		return err
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		for a := range benchAccounts {
			id := fmt.Sprintf("acc-%04d", a)
			d := fmt.Sprintf(`{"id":%q,"name":"account-%d","fullname":"Account %d","environment":"prod","created_at":%q,"updated_at":%q}`,
				id, a, a, benchBase.Format(time.RFC3339), benchBase.Format(time.RFC3339))
			if err := tx.Insert(ctx, &store.Object{Kind: store.Accounts, ID: id, Doc: []byte(d)}); err != nil {
				return err
			}
		}
		for i := range n {
			if err := tx.Insert(ctx, benchIntegration(i, n)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		_, err = s.DB().ExecContext(ctx, "ANALYZE")
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		_, err = db.Exec("ALTER SCHEMA " + tmp + " RENAME TO " + schema)
	}
	if err != nil {
		_, _ = db.Exec("DROP SCHEMA IF EXISTS " + tmp + " CASCADE")
	}
	return err
}

// openBench opens the data set.
func openBench(b *testing.B) *Store {
	return openDSN(b, benchData(b))
}

// benchBind binds params for integrations.
func benchBind(b *testing.B, p filter.Params) *filter.Bound {
	q, err := filter.Parse(p)
	if err != nil {
		b.Fatal(err)
	}
	bound, err := q.Bind(store.Fields(store.Integrations))
	if err != nil {
		b.Fatal(err)
	}
	return bound
}

// listParams is the benchmarked List: two filters and an order.
var listParams = filter.Params{
	Filter: []string{"provider_type[eq]ticketing_jira", "name[like]int-1*"},
	Order:  []string{"created_at[desc]"},
	Limit:  100,
}

// handWritten is the same query as listParams, written by hand. It asks for
// one row more than the page, as the store does to know whether there is a
// next page.
const handWritten = `SELECT id, scope, version, doc FROM integrations
WHERE provider_type = $1 AND name ILIKE $2 ESCAPE '\'
ORDER BY created_at DESC, id DESC LIMIT 101`

// listHandWritten runs handWritten and scans 100 rows into Objects.
func listHandWritten(ctx context.Context, s *Store) ([]*store.Object, error) {
	rows, err := s.DB().QueryContext(ctx, handWritten, "ticketing_jira", "int-1%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	objs := make([]*store.Object, 0, 100)
	for rows.Next() && len(objs) < 100 {
		o := &store.Object{Kind: store.Integrations}
		var doc []byte
		if err := rows.Scan(&o.ID, &o.Scope, &o.Version, &doc); err != nil {
			return nil, err
		}
		o.Doc = doc
		objs = append(objs, o)
	}
	return objs, rows.Err()
}

func BenchmarkList(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	req := store.ListRequest{Kind: store.Integrations, Query: benchBind(b, listParams)}
	page, err := s.List(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	hand, err := listHandWritten(ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	if len(page.Objects) != len(hand) || len(hand) == 0 {
		b.Fatalf("store listed %d, hand-written %d", len(page.Objects), len(hand))
	}
	for i := range hand {
		if page.Objects[i].ID != hand[i].ID {
			b.Fatalf("row %d: store %s, hand-written %s", i, page.Objects[i].ID, hand[i].ID)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.List(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListHandWritten(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := listHandWritten(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeysetPage1(b *testing.B) {
	benchKeysetPage(b, 1)
}

func BenchmarkKeysetPage1000(b *testing.B) {
	benchKeysetPage(b, 1000)
}

// BenchmarkKeysetPage10000 is the last page of a 1,000,000-row data set
// (SYNQLY_BENCH_N=1000000), or the last page of a smaller one.
func BenchmarkKeysetPage10000(b *testing.B) {
	benchKeysetPage(b, 10000)
}

// benchKeysetPage lists page page (of 100, default order), or the last
// page if the data set is smaller; the cursor is computed before the timer.
func benchKeysetPage(b *testing.B, page int) {
	s := openBench(b)
	ctx := context.Background()
	const limit = 100
	page = max(1, min(page, benchN(b)/limit))
	p := filter.Params{Limit: limit}
	if page > 1 {
		bound := benchBind(b, p)
		var name, id string
		err := s.DB().QueryRowContext(ctx, "SELECT name, id FROM integrations ORDER BY name, id LIMIT 1 OFFSET $1",
			(page-1)*limit-1).Scan(&name, &id)
		if err != nil {
			b.Fatal(err)
		}
		c, err := bound.CursorFromRow([]any{name, id})
		if err != nil {
			b.Fatal(err)
		}
		p.StartAfter = bound.Encode(c)
	}
	req := store.ListRequest{Kind: store.Integrations, Query: benchBind(b, p)}
	if got, err := s.List(ctx, req); err != nil || len(got.Objects) != limit {
		b.Fatalf("page %d: %v objects, %v", page, len(got.Objects), err)
	}
	b.ReportMetric(float64(page), "page")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.List(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// openInsertBench opens a store on a fresh schema with one account to
// insert into.
func openInsertBench(b *testing.B) *Store {
	s := openTemp(b)
	d := fmt.Sprintf(`{"id":"acc-0000","name":"account-0","environment":"prod","created_at":%q,"updated_at":%q}`,
		benchBase.Format(time.RFC3339), benchBase.Format(time.RFC3339))
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.Insert(context.Background(), &store.Object{Kind: store.Accounts, ID: "acc-0000", Doc: []byte(d)})
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchInsertObject returns the i-th object to insert, all in account
// acc-0000.
func benchInsertObject(i int) *store.Object {
	return benchIntegration(i*benchAccounts, 1_000_000)
}

func BenchmarkInsert(b *testing.B) {
	s := openInsertBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		o := benchInsertObject(i)
		i++
		b.StartTimer()
		if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, o) }); err != nil {
			b.Fatal(err)
		}
	}
}

// rawInsert is the INSERT a hand-written store would run.
const rawInsert = `INSERT INTO integrations (id, version, scope, doc, name_key, name, fullname, account_id,
category, provider_type, provider_fullname, integration_point_id, created_at, updated_at)
VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)`

func BenchmarkInsertRaw(b *testing.B) {
	s := openInsertBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		o := benchInsertObject(i)
		i++
		var f struct {
			Name, Fullname, Category string
			AccountID                string    `json:"account_id"`
			ProviderType             string    `json:"provider_type"`
			ProviderFullname         string    `json:"provider_fullname"`
			CreatedAt                time.Time `json:"created_at"`
			UpdatedAt                time.Time `json:"updated_at"`
		}
		if err := json.Unmarshal(o.Doc, &f); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, rawInsert, o.ID, o.Scope, string(o.Doc), f.Name, f.Name, f.Fullname, f.AccountID,
			f.Category, f.ProviderType, f.ProviderFullname, f.CreatedAt.UnixNano(), f.UpdatedAt.UnixNano())
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
