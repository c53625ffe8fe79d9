package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"

	"github.com/seed-e6251c81/synqly/store"
	"github.com/seed-e6251c81/synqly/store/storetest"
)

// openTemp opens a store on a new file in a temporary directory.
func openTemp(t *testing.T, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "synqly.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestMigrationsOnceAndIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db", "synqly.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	applied := func(s *Store) map[int]int64 {
		t.Helper()
		rows, err := s.DB().QueryContext(ctx, "SELECT version, applied_at FROM schema_migrations ORDER BY version")
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
	first := applied(s)
	if len(first) != SchemaVersion() || SchemaVersion() < 1 {
		t.Fatalf("applied %v, want versions 1..%d", first, SchemaVersion())
	}
	insertAccount(t, s, "acc1", "acme")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if again := applied(s); !maps.Equal(again, first) {
			t.Fatalf("reopening changed schema_migrations: %v, then %v", first, again)
		}
		if _, err := s.Get(ctx, store.Accounts, "acc1"); err != nil {
			t.Fatalf("data lost on reopen: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "synqly.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, path)
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
// store's schema: every column there, with its type and nullability.
func TestSchemaMatchesTables(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, k := range store.Kinds {
		tb, err := store.TableOf(k)
		if err != nil {
			t.Fatal(err)
		}
		type col struct {
			typ     string
			notNull bool
		}
		cols := map[string]col{}
		rows, err := s.DB().QueryContext(ctx, "SELECT name, type, \"notnull\" FROM pragma_table_info(?)", tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, typ string
			var notNull bool
			if err := rows.Scan(&name, &typ, &notNull); err != nil {
				t.Fatal(err)
			}
			cols[name] = col{typ, notNull}
		}
		rows.Close()
		want := map[string]col{"id": {"TEXT", true}, "scope": {"TEXT", true}, "version": {"INTEGER", true}, "doc": {"TEXT", true}}
		if tb.Named {
			want["name_key"] = col{"TEXT", true}
		}
		if tb.Sealed {
			want["sealed"] = col{"BLOB", false}
			want["key_id"] = col{"TEXT", false}
		}
		for _, c := range tb.Columns {
			typ := map[filter.Type]string{filter.String: "TEXT", filter.Time: "INTEGER", filter.Number: "REAL", filter.Bool: "INTEGER"}[c.Type]
			want[c.Name] = col{typ, !c.Nullable}
		}
		if !maps.Equal(cols, want) {
			t.Errorf("table %s:\n has %v\nwant %v", tb.Name, cols, want)
		}
	}
}

func TestTwoStoresOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	insertAccount(t, a, "acc1", "acme")
	if _, err := b.Get(ctx, store.Accounts, "acc1"); err != nil {
		t.Fatalf("b does not see a's write: %v", err)
	}
	insertAccount(t, b, "acc2", "bravo")
	if _, err := a.Get(ctx, store.Accounts, "acc2"); err != nil {
		t.Fatalf("a does not see b's write: %v", err)
	}
	// Both write at once: the busy timeout lets each wait for the other.
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
	// A name taken through a conflicts through b.
	err = b.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, account("acc3", "ACME"))
	})
	if errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("duplicate name across stores: %v", err)
	}
}

func TestBusyIsInternal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path, WithBusyTimeout(time.Millisecond), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- a.Update(ctx, func(tx store.Tx) error {
			close(holding)
			<-release
			return tx.Insert(ctx, account("acc1", "acme"))
		})
	}()
	<-holding
	err = b.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, account("acc2", "bravo")) })
	close(release)
	if errs.CodeOf(err) != errs.Internal || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("writing while another store holds the lock: %v, want an internal error saying busy", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Reads are not blocked by a writer, and b works once a is done.
	insertAccount(t, b, "acc2", "bravo")
}

func TestFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "synqly.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insertAccount(t, s, "acc1", "acme")
	for p, want := range map[string]fs.FileMode{dir: 0o700 | fs.ModeDir, path: 0o600, path + "-wal": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
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
	_, err := s.Get(ctx, store.Accounts, "acc1")
	wantInternal(t, err, "Get")
	_, err = s.List(ctx, store.ListRequest{Kind: store.Accounts})
	wantInternal(t, err, "List")
	err = s.Update(ctx, func(tx store.Tx) error { return nil })
	wantInternal(t, err, "Update")
}

func TestOpenRefusesBadPaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", filepath.Join(t.TempDir(), "a?mode=ro")} {
		_, err := Open(context.Background(), p)
		if errs.CodeOf(err) != errs.InvalidInput {
			t.Errorf("Open(%q): %v, want an invalid-input error", p, err)
		}
	}
	// A path that cannot be created fails cleanly.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), filepath.Join(file, "db")); err == nil {
		t.Error("Open under a regular file succeeded")
	}
}

func TestListUsesIndexes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, c := range []struct{ query, index string }{
		{"SELECT t.id FROM integrations t WHERE t.account_id = ? ORDER BY t.name ASC, t.id ASC LIMIT 101", "integrations_account_name"},
		{"SELECT t.id FROM integrations t ORDER BY t.name ASC, t.id ASC LIMIT 101", "integrations_name"},
		{"SELECT t.id FROM audit_events t ORDER BY t.created_at ASC, t.id ASC LIMIT 101", "audit_events_created_at"},
		{"SELECT t.id FROM credentials t WHERE t.account_id = ? ORDER BY t.name ASC, t.id ASC LIMIT 101", "credentials_account_name"},
		{"SELECT t.id FROM integrations t WHERE t.scope = ? AND t.name_key = ?", "sqlite_autoindex_integrations_2"},
	} {
		rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, "x", "y")
		if err != nil {
			rows, err = s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, "x")
		}
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "; "), c.index) {
			t.Errorf("%s\nplan %q does not use %s", c.query, plan, c.index)
		}
	}
}

// wantInternal fails the test unless err is an errs.Internal error.
func wantInternal(t *testing.T, err error, what string) {
	t.Helper()
	if errs.CodeOf(err) != errs.Internal {
		t.Fatalf("%s after Close: %v, want an internal error", what, err)
	}
}

// account returns a minimal account object.
func account(id, name string) *store.Object {
	return &store.Object{Kind: store.Accounts, ID: id, Doc: []byte(`{"id":"` + id + `","name":"` + name +
		`","environment":"prod","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}`)}
}

// insertAccount inserts an account, failing the test on error.
func insertAccount(t *testing.T, s *Store, id, name string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.Insert(context.Background(), account(id, name)) })
	if err != nil {
		t.Error(err)
	}
}
