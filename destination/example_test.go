package destination_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/seed-e6251c81/synqly/destination"
)

// A sync writes tickets into the application's SQLite database; the
// application reads them back with plain SQL.
func Example() {
	dir, err := os.MkdirTemp("", "destination-example")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, "app.db")
	ctx := context.Background()

	w, err := destination.OpenSQLite(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = w.Close() }()

	tickets := destination.Object{Name: "ticketing_tickets", Columns: []destination.Column{
		{Name: "summary", Type: destination.Text},
		{Name: "priority", Type: destination.Integer},
		{Name: "created_at", Type: destination.Time},
	}}
	if err := w.Prepare(ctx, tickets); err != nil {
		log.Fatal(err)
	}
	err = w.Write(ctx, destination.Batch{
		Object:        tickets,
		IntegrationID: "int-1",
		Provider:      "ticketing_jira",
		RunID:         "run-1",
		Rows: []destination.Row{
			{ID: "T-1", Values: []any{"Printer on fire", int64(1), time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)},
				Raw: json.RawMessage(`{"key":"T-1","fields":{"summary":"Printer on fire"}}`)},
			{ID: "T-2", Values: []any{"VPN down", nil, time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	db, err := sql.Open("sqlite3", path)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.QueryContext(ctx, `SELECT id, summary, priority, created_at FROM synqly_ticketing_tickets
		WHERE _synqly_integration_id = 'int-1' AND NOT _synqly_is_deleted ORDER BY created_at`)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id, summary, created string
		var priority sql.NullInt64
		if err := rows.Scan(&id, &summary, &priority, &created); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, summary, priority.Int64, priority.Valid, created)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// T-1 Printer on fire 1 true 2024-05-06T07:08:09.000000000Z
	// T-2 VPN down 0 false 2024-05-07T00:00:00.000000000Z
}

// A full run writes what it reads, then marks deleted the rows it no
// longer saw.
func ExampleSQL_SoftDeleteUnseen() {
	dir, err := os.MkdirTemp("", "destination-example")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx := context.Background()
	w, err := destination.OpenSQLite(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = w.Close() }()

	projects := destination.Object{Name: "ticketing_projects", Columns: []destination.Column{{Name: "name", Type: destination.Text}}}
	if err := w.Prepare(ctx, projects); err != nil {
		log.Fatal(err)
	}
	run := func(runID string, ids ...string) {
		b := destination.Batch{Object: projects, IntegrationID: "int-1", RunID: runID}
		for _, id := range ids {
			b.Rows = append(b.Rows, destination.Row{ID: id, Values: []any{"project " + id}})
		}
		if err := w.Write(ctx, b); err != nil {
			log.Fatal(err)
		}
		n, err := w.SoftDeleteUnseen(ctx, projects, "int-1", runID, time.Time{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s wrote %d, marked %d deleted\n", runID, len(ids), n)
	}
	run("run-1", "P1", "P2", "P3")
	run("run-2", "P1", "P3") // P2 is gone at the vendor
	// Output:
	// run-1 wrote 3, marked 0 deleted
	// run-2 wrote 2, marked 1 deleted
}

// OpenPostgres takes a libpq DSN; the tables go in the schema WithSchema
// names.
func ExampleOpenPostgres() {
	ctx := context.Background()
	w, err := destination.OpenPostgres(ctx, "host=db.internal user=synqly dbname=app sslmode=verify-full",
		destination.WithSchema("synced"))
	if err != nil {
		log.Fatal(err) // the error never quotes the DSN
	}
	defer func() { _ = w.Close() }()
	_ = w.Prepare(ctx, destination.Object{Name: "ticketing_tickets", Columns: []destination.Column{{Name: "summary", Type: destination.Text}}})
}
