package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// The benchmark data set every engine measures: BenchN integrations
// (SYNQLY_BENCH_N, default 100,000) spread over BenchAccounts accounts.
const BenchAccounts = 1000

var benchProviders = []string{
	"ticketing_jira", "ticketing_servicenow", "ticketing_pagerduty", "siem_splunk",
	"notifications_slack", "edr_crowdstrike", "storage_aws_s3", "assets_nozomi_vantage",
}

var benchBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchN is the number of integrations in the data set.
func BenchN(b testing.TB) int {
	s := os.Getenv("SYNQLY_BENCH_N")
	if s == "" {
		return 100_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < BenchAccounts {
		b.Fatalf("SYNQLY_BENCH_N=%q: want a number of at least %d", s, BenchAccounts)
	}
	return n
}

// benchAccount returns the a-th account of the data set.
func benchAccount(a int) *store.Object {
	id := fmt.Sprintf("acc-%04d", a)
	d := fmt.Sprintf(`{"id":%q,"name":"account-%d","fullname":"Account %d","environment":"prod","created_at":%q,"updated_at":%q}`,
		id, a, a, benchBase.Format(time.RFC3339), benchBase.Format(time.RFC3339))
	return &store.Object{Kind: store.Accounts, ID: id, Doc: []byte(d)}
}

// benchIntegration returns the i-th integration of a data set of n.
func benchIntegration(i, n int) *store.Object {
	acc := fmt.Sprintf("acc-%04d", i%BenchAccounts)
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

// WriteBenchData inserts the data set of n integrations through tx: the
// accounts, then the integrations. Engines cache the result between runs.
func WriteBenchData(ctx context.Context, tx store.Tx, n int) error {
	for a := range BenchAccounts {
		if err := tx.Insert(ctx, benchAccount(a)); err != nil {
			return err
		}
	}
	for i := range n {
		if err := tx.Insert(ctx, benchIntegration(i, n)); err != nil {
			return err
		}
	}
	return nil
}

// BenchTarget is an engine under benchmark.
type BenchTarget struct {
	// Dialect writes the hand-written baselines' placeholders and LIKE.
	Dialect filter.Dialect
	// Fixture opens a store holding the data set of BenchN integrations,
	// and a database handle on it for the hand-written queries.
	Fixture func(b *testing.B) (store.Store, *sql.DB)
	// Empty opens an empty store and a handle for raw writes to it.
	Empty func(b *testing.B) (store.Store, *sql.DB)
}

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

// listHandWritten runs the same query as listParams, written by hand (one
// row more than the page, as the store asks to know whether there is a next
// page), and scans 100 rows into Objects.
func listHandWritten(ctx context.Context, t BenchTarget, db *sql.DB) ([]*store.Object, error) {
	q := fmt.Sprintf(`SELECT id, scope, version, doc FROM integrations
WHERE provider_type = %s AND name %s %s ESCAPE '\'
ORDER BY created_at DESC, id DESC LIMIT 101`, t.Dialect.Placeholder(1), t.Dialect.CaseInsensitiveLike(), t.Dialect.Placeholder(2))
	rows, err := db.QueryContext(ctx, q, "ticketing_jira", "int-1%")
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

// BenchList measures Store.List with two filters, an order and limit 100
// over the data set, after checking it lists what the hand-written query
// does.
func BenchList(b *testing.B, t BenchTarget) {
	s, db := t.Fixture(b)
	ctx := context.Background()
	req := store.ListRequest{Kind: store.Integrations, Query: benchBind(b, listParams)}
	page, err := s.List(ctx, req)
	if err != nil {
		b.Fatal(err)
	}
	hand, err := listHandWritten(ctx, t, db)
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

// BenchListHandWritten is BenchList's baseline: the same SELECT by hand.
func BenchListHandWritten(b *testing.B, t BenchTarget) {
	_, db := t.Fixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := listHandWritten(ctx, t, db); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchKeysetPage lists page page (of 100, default order), or the last page
// if the data set is smaller; the cursor is computed before the timer.
func BenchKeysetPage(b *testing.B, t BenchTarget, page int) {
	s, db := t.Fixture(b)
	ctx := context.Background()
	const limit = 100
	page = max(1, min(page, BenchN(b)/limit))
	p := filter.Params{Limit: limit}
	if page > 1 {
		bound := benchBind(b, p)
		var name, id string
		err := db.QueryRowContext(ctx, "SELECT name, id FROM integrations ORDER BY name, id LIMIT 1 OFFSET "+t.Dialect.Placeholder(1),
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

// emptyWithAccount opens an empty store holding the account acc-0000.
func emptyWithAccount(b *testing.B, t BenchTarget) (store.Store, *sql.DB) {
	s, db := t.Empty(b)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, benchAccount(0)) }); err != nil {
		b.Fatal(err)
	}
	return s, db
}

// benchInsertObject returns the i-th object to insert, all in acc-0000.
func benchInsertObject(i int) *store.Object { return benchIntegration(i*BenchAccounts, 1_000_000) }

// BenchInsert measures one Insert per transaction.
func BenchInsert(b *testing.B, t BenchTarget) {
	s, _ := emptyWithAccount(b, t)
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

// BenchInsertRaw is BenchInsert's baseline: the INSERT a hand-written store
// would run, in its own transaction.
func BenchInsertRaw(b *testing.B, t BenchTarget) {
	_, db := emptyWithAccount(b, t)
	ctx := context.Background()
	ph := make([]any, 12)
	for i := range ph {
		ph[i] = t.Dialect.Placeholder(i + 1)
	}
	rawInsert := fmt.Sprintf(`INSERT INTO integrations (id, version, scope, doc, name_key, name, fullname, account_id,
category, provider_type, provider_fullname, integration_point_id, created_at, updated_at)
VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s)`, ph...)
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
		tx, err := db.BeginTx(ctx, nil)
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
