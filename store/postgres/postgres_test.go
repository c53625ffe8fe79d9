package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/internal/sqlstore"
	"github.com/seed-e6251c81/synqly/store/postgres/pgtest"
	"github.com/seed-e6251c81/synqly/store/storetest"
)

func baseDSN(tb testing.TB) string                    { return pgtest.BaseDSN(tb) }
func withSearchPath(dsn, schema string) string        { return pgtest.WithSearchPath(dsn, schema) }
func adminDB(tb testing.TB) *sql.DB                   { return pgtest.AdminDB(tb) }
func freshSchema(tb testing.TB, prefix string) string { return pgtest.FreshSchema(tb, prefix) }

// openDSN opens a store on dsn, closed when the test ends.
func openDSN(tb testing.TB, dsn string, opts ...Option) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// openTemp opens a store on a fresh schema.
func openTemp(tb testing.TB, opts ...Option) *Store {
	tb.Helper()
	return openDSN(tb, freshSchema(tb, "test"), opts...)
}

func TestConformance(t *testing.T) {
	baseDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// applied returns schema_migrations: applied_at by version.
func applied(t *testing.T, s *Store) map[int]int64 {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), "SELECT version, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[int]int64{}
	for rows.Next() {
		var v int
		var at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		m[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMigrationsOnceWithConcurrentOpens(t *testing.T) {
	dsn := freshSchema(t, "test")
	const n = 8
	stores := make([]*Store, n)
	errc := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errc[i] = Open(context.Background(), dsn) })
	}
	wg.Wait()
	for i, s := range stores {
		if errc[i] != nil {
			t.Fatalf("concurrent Open %d: %v", i, errc[i])
		}
		t.Cleanup(func() { _ = s.Close() })
	}
	first := applied(t, stores[0])
	if len(first) != SchemaVersion() || SchemaVersion() < 1 {
		t.Fatalf("applied %v, want versions 1..%d", first, SchemaVersion())
	}
	insertAccount(t, stores[0], "acc1", "acme")
	for range 2 {
		s := openDSN(t, dsn)
		if again := applied(t, s); !maps.Equal(again, first) {
			t.Fatalf("reopening changed schema_migrations: %v, then %v", first, again)
		}
		if _, err := s.Get(context.Background(), store.Accounts, "acc1"); err != nil {
			t.Fatalf("data lost on reopen: %v", err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dsn := freshSchema(t, "test")
	s := openDSN(t, dsn)
	if _, err := s.DB().ExecContext(context.Background(),
		"INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)", SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), dsn)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("opening a newer database: %v, want an error saying it is newer", err)
	}
}

func TestMigrationFiles(t *testing.T) {
	if errMigrations != nil {
		t.Fatal(errMigrations)
	}
	bad := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("SELECT 1")},
		"migrations/0003_c.sql": {Data: []byte("SELECT 1")},
	}
	if _, err := loadMigrations(bad); err == nil {
		t.Fatal("a gap in migration numbers was accepted")
	}
	bad = fstest.MapFS{"migrations/first.sql": {Data: []byte("SELECT 1")}}
	if _, err := loadMigrations(bad); err == nil {
		t.Fatal("a migration without a number was accepted")
	}
}

// TestSchemaMatchesTables checks the migrated tables against package
// store's schema: every column, with its type, nullability and, for text,
// the "C" collation.
func TestSchemaMatchesTables(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	type col struct {
		typ       string
		notNull   bool
		collation string
	}
	for _, k := range store.Kinds {
		tb, err := store.TableOf(k)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.DB().QueryContext(ctx, `SELECT column_name, data_type, is_nullable = 'NO', COALESCE(collation_name, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		cols := map[string]col{}
		for rows.Next() {
			var name string
			var c col
			if err := rows.Scan(&name, &c.typ, &c.notNull, &c.collation); err != nil {
				t.Fatal(err)
			}
			cols[name] = c
		}
		rows.Close()
		text := func(notNull bool) col { return col{"text", notNull, "C"} }
		want := map[string]col{"id": text(true), "scope": text(true), "version": {"bigint", true, ""}, "doc": {"text", true, ""}}
		if tb.Named {
			want["name_key"] = text(true)
		}
		if tb.Sealed {
			want["sealed"] = col{"bytea", false, ""}
			want["key_id"] = text(false)
		}
		for _, c := range tb.Columns {
			switch c.Type {
			case filter.String:
				want[c.Name] = text(!c.Nullable)
			case filter.Time:
				want[c.Name] = col{"bigint", !c.Nullable, ""}
			case filter.Number:
				want[c.Name] = col{"double precision", !c.Nullable, ""}
			case filter.Bool:
				want[c.Name] = col{"boolean", !c.Nullable, ""}
			}
		}
		if !maps.Equal(cols, want) {
			t.Errorf("table %s:\n has %v\nwant %v", tb.Name, cols, want)
		}
	}
}

func TestTwoStoresOneDatabase(t *testing.T) {
	dsn := freshSchema(t, "test")
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	ctx := context.Background()
	insertAccount(t, a, "acc1", "acme")
	if _, err := b.Get(ctx, store.Accounts, "acc1"); err != nil {
		t.Fatalf("b does not see a's write: %v", err)
	}
	insertAccount(t, b, "acc2", "bravo")
	if _, err := a.Get(ctx, store.Accounts, "acc2"); err != nil {
		t.Fatalf("a does not see b's write: %v", err)
	}
	var wg sync.WaitGroup
	for i, s := range []*Store{a, b, a, b} {
		wg.Go(func() {
			for j := range 25 {
				insertAccount(t, s, fmt.Sprintf("w%d-%d", i, j), fmt.Sprintf("w%d-%d", i, j))
			}
		})
	}
	wg.Wait()
	page, err := b.List(ctx, store.ListRequest{Kind: store.Accounts})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(page.Objects); n != 100 || page.Next == "" {
		t.Fatalf("listed %d accounts (next %q), want a full page of 100 of 102", n, page.Next)
	}
	err = b.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, account("acc3", "ACME")) })
	if errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("duplicate name across stores: %v", err)
	}
}

// TestConcurrentReplace replaces one object from two stores at once:
// exactly one Replace wins, the other is an errs.Conflict error.
func TestConcurrentReplace(t *testing.T) {
	dsn := freshSchema(t, "test")
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	ctx := context.Background()
	insertAccount(t, a, "acc1", "acme")

	// Deterministic: a holds the row when b's UPDATE arrives and waits.
	objA, err := a.Get(ctx, store.Accounts, "acc1")
	if err != nil {
		t.Fatal(err)
	}
	objB := *objA
	holding, release := make(chan struct{}), make(chan struct{})
	errA := make(chan error, 1)
	go func() {
		errA <- a.Update(ctx, func(tx store.Tx) error {
			if err := tx.Replace(ctx, objA); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	errB := make(chan error, 1)
	go func() { errB <- b.Update(ctx, func(tx store.Tx) error { return tx.Replace(ctx, &objB) }) }()
	waitForLockWait(t, a.DB())
	close(release)
	if err := <-errA; err != nil {
		t.Fatalf("the first Replace: %v", err)
	}
	if err := <-errB; errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("the Replace that waited: %v, want a conflict", err)
	}

	// Racing: many rounds, no order imposed.
	for round := range 20 {
		cur, err := a.Get(ctx, store.Accounts, "acc1")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i, s := range []*Store{a, b} {
			o := *cur
			wg.Go(func() { results[i] = s.Update(ctx, func(tx store.Tx) error { return tx.Replace(ctx, &o) }) })
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case errs.CodeOf(err) == errs.Conflict:
				lost++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 || lost != 1 {
			t.Fatalf("round %d: %d won, %d conflicted; want one of each", round, won, lost)
		}
		if got, _ := b.Get(ctx, store.Accounts, "acc1"); got.Version != cur.Version+1 {
			t.Fatalf("round %d: version %d, want %d", round, got.Version, cur.Version+1)
		}
	}
}

// waitForLockWait waits until some backend of the database waits for a
// lock.
func waitForLockWait(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := db.QueryRow("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the second Replace never waited for the first's row lock")
}

func TestAfterClose(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	insertAccount(t, s, "acc1", "acme")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Get(ctx, store.Accounts, "acc1"); errs.CodeOf(err) != errs.Internal {
		t.Fatalf("Get after Close: %v, want an internal error", err)
	}
	if err := s.Update(ctx, func(store.Tx) error { return nil }); errs.CodeOf(err) != errs.Internal {
		t.Fatalf("Update after Close: %v, want an internal error", err)
	}
}

func TestOpenRefusesBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "  ", "host=x port=notaport password=hunter2", "postgres://u:hunter2@h:bad/db"} {
		_, err := Open(context.Background(), dsn)
		if errs.CodeOf(err) != errs.InvalidInput {
			t.Errorf("Open(%q): %v, want an invalid-input error", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q): the error %q quotes the password", dsn, err)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2")
	if errs.CodeOf(err) != errs.Internal || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Open of an unreachable server: %v, want an internal error without the password", err)
	}
}

func TestClassify(t *testing.T) {
	d := dialect{filter.Postgres}
	for _, c := range []struct {
		err  error
		want sqlstore.Failure
	}{
		{&pgconn.PgError{Code: "23505", ConstraintName: "integrations_pkey"}, sqlstore.DuplicateID},
		{&pgconn.PgError{Code: "23505", ConstraintName: "integrations_name_unique"}, sqlstore.DuplicateName},
		{fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "23503"}), sqlstore.ForeignKey},
		{&pgconn.PgError{Code: "23001"}, sqlstore.ForeignKey},
		{&pgconn.PgError{Code: "40001"}, sqlstore.Busy},
		{&pgconn.PgError{Code: "40P01"}, sqlstore.Busy},
		{&pgconn.PgError{Code: "25P02"}, sqlstore.Other},
		{errors.New("other"), sqlstore.Other},
	} {
		if got := d.Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if d.Name() != "postgres" || d.Placeholder(3) != "$3" {
		t.Error("the dialect is not PostgreSQL's")
	}
}

// TestListUsesIndexes checks that the common lists are index scans.
func TestListUsesIndexes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, index string }{
		{"SELECT t.id FROM integrations t WHERE t.account_id = 'x' ORDER BY t.name ASC, t.id ASC LIMIT 101", "integrations_account_name"},
		{"SELECT t.id FROM integrations t ORDER BY t.name ASC, t.id ASC LIMIT 101", "integrations_name"},
		{"SELECT t.id FROM audit_events t ORDER BY t.created_at ASC, t.id ASC LIMIT 101", "audit_events_created_at"},
		{"SELECT t.id FROM credentials t WHERE t.account_id = 'x' ORDER BY t.name ASC, t.id ASC LIMIT 101", "credentials_account_name"},
		{"SELECT t.id FROM integrations t WHERE t.scope = 'x' AND t.name_key = 'y'", "integrations_name_unique"},
	} {
		var plan []string
		err := conn.Raw(func(dc any) error {
			rows, err := dc.(*stdlib.Conn).Conn().Query(ctx, "EXPLAIN "+c.query)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					return err
				}
				plan = append(plan, line)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, c.index) || strings.Contains(p, "Sort") {
			t.Errorf("%s\nplan:\n%s\ndoes not read %s in order", c.query, p, c.index)
		}
	}
}

// account returns a minimal account object.
func account(id, name string) *store.Object {
	return &store.Object{Kind: store.Accounts, ID: id, Doc: []byte(`{"id":"` + id + `","name":"` + name +
		`","environment":"prod","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}`)}
}

// insertAccount inserts an account, failing the test on error.
func insertAccount(t testing.TB, s *Store, id, name string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.Insert(context.Background(), account(id, name)) })
	if err != nil {
		t.Error(err)
	}
}

// TestTxAfterFailedStatement pins what Update's documentation says: a
// constraint violation aborts the transaction, while not-found and stale
// versions do not.
func TestTxAfterFailedStatement(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	insertAccount(t, s, "acc1", "acme")
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, store.Accounts, "missing"); errs.CodeOf(err) != errs.NotFound {
			return fmt.Errorf("get missing: %v", err)
		}
		stale := account("acc1", "acme")
		stale.Version = 5
		if err := tx.Replace(ctx, stale); errs.CodeOf(err) != errs.Conflict {
			return fmt.Errorf("stale replace: %v", err)
		}
		if err := tx.Insert(ctx, account("acc2", "bravo")); err != nil {
			return fmt.Errorf("insert after not-found and stale version: %v", err)
		}
		if err := tx.Insert(ctx, account("acc3", "ACME")); errs.CodeOf(err) != errs.Conflict {
			return fmt.Errorf("duplicate name: %v", err)
		}
		if _, err := tx.Get(ctx, store.Accounts, "acc1"); errs.CodeOf(err) != errs.Internal {
			return fmt.Errorf("get after a failed statement: %v, want an internal error", err)
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "commit") {
		t.Fatalf("committing an aborted transaction: %v, want a commit error", err)
	}
	if _, err := s.Get(ctx, store.Accounts, "acc2"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("an aborted transaction kept a write: %v", err)
	}
}
