package pagerduty_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// listQueries returns the query strings of the GET /incidents requests.
func listQueries(srv *pdfake.Server) []url.Values {
	var out []url.Values
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/incidents" {
			out = append(out, r.Query)
		}
	}
	return out
}

func query(t *testing.T, c *ticketing.Connector, req ticketing.QueryTicketsRequest) []ticketing.Ticket {
	t.Helper()
	var out []ticketing.Ticket
	for tk, err := range c.AllTickets(t.Context(), req) {
		if err != nil {
			t.Fatalf("Tickets(%v): %v", req, err)
		}
		out = append(out, *tk)
	}
	return out
}

func TestQueryPushdown(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	old := time.Now().UTC().Add(-60 * 24 * time.Hour).Truncate(time.Second)
	ancient := time.Now().UTC().Add(-300 * 24 * time.Hour).Truncate(time.Second)
	idOld := srv.SeedIncident(pdfake.IncidentSeed{Title: "old", CreatedAt: old, Status: "resolved"})
	idAncient := srv.SeedIncident(pdfake.IncidentSeed{Title: "ancient", CreatedAt: ancient, ServiceID: pdfake.ServicePayments})
	idNew := srv.SeedIncident(pdfake.IncidentSeed{Title: "new", Details: "disk full on db-01", Status: "acknowledged",
		ServiceID: pdfake.ServiceDatabase})

	for _, tc := range []struct {
		name   string
		filter []string
		order  []string
		want   []string
		check  func(t *testing.T, q url.Values)
	}{
		{"everything, whatever its age", nil, nil, []string{idAncient, idOld, idNew}, func(t *testing.T, q url.Values) {
			if q.Get("date_range") != "all" || q.Get("sort_by") != "created_at:asc" {
				t.Errorf("query %v: want date_range=all and sort_by=created_at:asc", q)
			}
		}},
		{"status eq", []string{"status[eq]resolved"}, nil, []string{idOld}, func(t *testing.T, q url.Values) {
			if !slices.Equal(q["statuses[]"], []string{"resolved"}) {
				t.Errorf("statuses[] = %v", q["statuses[]"])
			}
		}},
		{"status ne", []string{"status[ne]resolved"}, nil, []string{idAncient, idNew}, func(t *testing.T, q url.Values) {
			if !slices.Equal(q["statuses[]"], []string{"triggered", "acknowledged"}) {
				t.Errorf("statuses[] = %v", q["statuses[]"])
			}
		}},
		{"project in", []string{"project[in]" + pdfake.ServicePayments + "," + pdfake.ServiceDatabase}, []string{"created_at[desc]"},
			[]string{idNew, idAncient}, func(t *testing.T, q url.Values) {
				if !slices.Equal(q["service_ids[]"], []string{pdfake.ServicePayments, pdfake.ServiceDatabase}) || q.Get("sort_by") != "created_at:desc" {
					t.Errorf("query %v", q)
				}
			}},
		{"created_at within six months", []string{"created_at[gte]" + old.Format(time.RFC3339)}, nil, []string{idOld, idNew},
			func(t *testing.T, q url.Values) {
				if q.Get("since") != old.Add(-time.Second).Format(time.RFC3339) || q.Get("until") == "" || q.Get("date_range") != "" {
					t.Errorf("query %v: want since one second before %s", q, old)
				}
			}},
		{"created_at beyond six months", []string{"created_at[gt]" + ancient.Add(-time.Hour).Format(time.RFC3339)}, nil,
			[]string{idAncient, idOld, idNew}, func(t *testing.T, q url.Values) {
				if q.Get("date_range") != "all" || q.Get("since") != "" {
					t.Errorf("query %v: want date_range=all", q)
				}
			}},
		{"created_at open below", []string{"created_at[lt]" + old.Add(time.Hour).Format(time.RFC3339)}, nil,
			[]string{idAncient, idOld}, func(t *testing.T, q url.Values) {
				if q.Get("date_range") != "all" {
					t.Errorf("query %v: want date_range=all", q)
				}
			}},
		{"completion_date order", nil, []string{"completion_date[desc]"}, []string{idOld, idNew, idAncient},
			func(t *testing.T, q url.Values) {
				if q.Get("sort_by") != "resolved_at:desc" {
					t.Errorf("sort_by = %v", q["sort_by"])
				}
			}},
		{"description, read per incident", []string{"description[like]*disk full*"}, nil, []string{idNew}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetRequests()
			got := query(t, c, ticketing.QueryTicketsRequest{Filter: tc.filter, Order: tc.order})
			var ids []string
			for _, tk := range got {
				ids = append(ids, tk.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
			qs := listQueries(srv)
			if len(qs) != 1 {
				t.Fatalf("%d list requests, want 1", len(qs))
			}
			if tc.check != nil {
				tc.check(t, qs[0])
			}
		})
	}

	t.Run("a status PagerDuty does not have asks nothing", func(t *testing.T) {
		srv.ResetRequests()
		if got := query(t, c, ticketing.QueryTicketsRequest{Filter: []string{"status[eq]Open"}}); len(got) != 0 {
			t.Errorf("got %d tickets", len(got))
		}
		if n := srv.Count("", ""); n != 0 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("id eq reads one incident", func(t *testing.T) {
		srv.ResetRequests()
		got := query(t, c, ticketing.QueryTicketsRequest{Filter: []string{"id[eq]" + idOld}})
		if len(got) != 1 || got[0].ID != idOld || len(listQueries(srv)) != 0 {
			t.Errorf("got %v with %d list requests", got, len(listQueries(srv)))
		}
		if got := query(t, c, ticketing.QueryTicketsRequest{Filter: []string{"id[eq]QNOSUCH"}}); len(got) != 0 {
			t.Errorf("an unknown id: got %v", got)
		}
	})
	t.Run("a malformed cursor", func(t *testing.T) {
		_, err := c.QueryTickets(t.Context(), ticketing.QueryTicketsRequest{Cursor: "abc"})
		if !errors.Is(err, errs.ErrInvalidQuery) {
			t.Errorf("want ErrInvalidQuery, got %v", err)
		}
	})
}

func TestQueryPagesOverHundred(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	for range 250 {
		srv.SeedIncident(pdfake.IncidentSeed{})
	}
	p, err := c.QueryTickets(t.Context(), ticketing.QueryTicketsRequest{Limit: 120})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Result) != 120 || p.Next != "120" {
		t.Fatalf("first page: %d tickets, cursor %q; want 120 and 120", len(p.Result), p.Next)
	}
	if qs := listQueries(srv); len(qs) != 2 || qs[0].Get("limit") != "100" || qs[1].Get("limit") != "20" || qs[1].Get("offset") != "100" {
		t.Errorf("a page of 120 should be read as 100 + 20: %v", qs)
	}
	p, err = c.QueryTickets(t.Context(), ticketing.QueryTicketsRequest{Limit: 1000, Cursor: p.Next})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Result) != 130 || p.Next != "" {
		t.Errorf("last page: %d tickets, cursor %q; want 130 and none", len(p.Result), p.Next)
	}
	if n := srv.Count(http.MethodGet, "/users/"+pdfake.UserAlice); n > 1 {
		t.Errorf("the creator's e-mail was looked up %d times, want at most once (cached)", n)
	}
}
