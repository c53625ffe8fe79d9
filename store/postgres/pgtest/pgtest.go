// Package pgtest gives tests a throwaway PostgreSQL schema on the database
// named by $SYNQLY_POSTGRES_DSN, and skips them when it is not set.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// DSNEnv names the environment variable that holds the DSN of a PostgreSQL
// database the tests may create schemas in.
const DSNEnv = "SYNQLY_POSTGRES_DSN"

// BaseDSN returns the test database's DSN, or skips the test.
func BaseDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		tb.Skip(DSNEnv + " is not set: skipping the PostgreSQL store tests")
	}
	return dsn
}

// WithSearchPath returns dsn with search_path set to schema (a URL that
// does not parse is returned as is, for Open to refuse).
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// AdminDB opens a plain connection pool on the test database, closed when
// the test ends.
func AdminDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", BaseDSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// FreshSchema creates a new, empty schema named prefix_<random>, dropped
// when the test ends, and returns a DSN whose search_path is that schema.
func FreshSchema(tb testing.TB, prefix string) string {
	tb.Helper()
	db := AdminDB(tb)
	var r [6]byte
	_, _ = rand.Read(r[:])
	schema := prefix + "_" + hex.EncodeToString(r[:])
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(BaseDSN(tb), schema)
}
