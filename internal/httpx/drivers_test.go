package httpx_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/pagerduty"
	"github.com/seed-e6251c81/synqly/providers/servicenow"
)

// driverSecret is the credential every driver of the test sends.
const driverSecret = "drv-S3cret/key+0123456789"

// malformedDrivers opens the Jira, ServiceNow and PagerDuty drivers on
// base, each with the path of the GetTicket it is asked for.
func malformedDrivers(t *testing.T, base string) map[string]struct {
	d    ticketing.Driver
	id   string
	path string
} {
	t.Helper()
	open := func(reg ticketing.Registration, cfg providers.Config) ticketing.Driver {
		d, err := reg.Open(context.Background(), providers.OpenRequest{Config: cfg,
			Credentials: map[string]credential.Config{"credential": &credential.TokenCredential{Secret: driverSecret}},
			HTTPOptions: providers.HTTPOptions{MaxRetries: -1}})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ref := func() *credential.Ref { return credential.RefTo("cred-1", credential.TypeToken) }
	jd := open(jira.Ticketing, &jira.TicketingConfig{URL: base, Credential: ref()})
	sd := open(servicenow.Ticketing, &servicenow.TicketingConfig{URL: base, Credential: ref()})
	pd := open(pagerduty.Ticketing, &pagerduty.TicketingConfig{URL: base, Credential: ref()})
	const sysID = "0123456789abcdef0123456789abcdef"
	out := map[string]struct {
		d    ticketing.Driver
		id   string
		path string
	}{
		"jira":       {jd, "SEC-1", "/rest/api/3/issue/SEC-1"},
		"servicenow": {sd, sysID, "/api/now/table/incident/" + sysID},
		"pagerduty":  {pd, "Q1", "/incidents/Q1"},
	}
	for _, v := range out {
		t.Cleanup(func() { _ = v.d.Close() })
	}
	return out
}

// message is the shape every driver's error for a malformed answer has:
// vendor, method, path (no query), status, then what was wrong.
var message = regexp.MustCompile(`^(jira|servicenow|pagerduty): (GET) (/[^ ?]*): HTTP (\d{3}): the response (.+)$`)

// TestMalformedBodiesReadTheSameInEveryDriver answers the same malformed
// 2xx body to GetTicket of every driver and checks their errors carry the
// same parts: errs.Provider, the status, the vendor, the method, the path
// without its query, and the same account of what was wrong.
func TestMalformedBodiesReadTheSameInEveryDriver(t *testing.T) {
	var body string
	cut := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if cut {
			// The vendor announces the whole body, sends half, and drops
			// the connection.
			w.Header().Set("Content-Length", strconv.Itoa(2*len(body)))
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, body)
			rc := http.NewResponseController(w)
			_ = rc.Flush()
			if conn, _, err := rc.Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	drivers := malformedDrivers(t, srv.URL)
	for _, tc := range []struct {
		name, body string
		cut        bool
		// reason is what every driver must say was wrong; prefix, when
		// set, is what it starts with (the missing member is the vendor's
		// own).
		reason, prefix string
	}{
		{name: "not JSON", body: "<html><body>Gateway says hi " + driverSecret + "</body></html>", reason: "is not valid JSON (syntax error at byte 1)"},
		{name: "truncated JSON", body: `{"result":{"sys_id":"0123`, reason: "is truncated: its JSON ends unfinished after 25 bytes"},
		{name: "cut short", body: `{"result":{"sys_id":"0123`, cut: true, reason: "was cut short after 25 bytes"},
		{name: "wrong type", body: `[1,2,3]`, reason: "has a JSON array where the API documents an object"},
		{name: "empty", body: ` `, prefix: "has no "},
		{name: "no documented member", body: `{"unexpected":true}`, prefix: "has no "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, cut = tc.body, tc.cut
			for vendor, dr := range drivers {
				_, err := dr.d.GetTicket(context.Background(), dr.id)
				var e *errs.Error
				if !errors.As(err, &e) {
					t.Fatalf("%s: want an *errs.Error, got %v", vendor, err)
				}
				if e.Code != errs.Provider || e.Status != http.StatusOK {
					t.Errorf("%s: code %s status %d, want %s and 200: %v", vendor, e.Code, e.Status, errs.Provider, err)
				}
				m := message.FindStringSubmatch(e.Message)
				if m == nil {
					t.Errorf("%s: message %q lacks vendor, method, path, status or reason", vendor, e.Message)
					continue
				}
				if m[1] != vendor || m[3] != dr.path || m[4] != "200" {
					t.Errorf("%s: message %q names %s %s HTTP %s, want %s %s HTTP 200", vendor, e.Message, m[1], m[3], m[4], vendor, dr.path)
				}
				switch {
				case tc.reason != "" && m[5] != tc.reason:
					t.Errorf("%s: says the response %q, want %q", vendor, m[5], tc.reason)
				case tc.prefix != "" && !strings.HasPrefix(m[5], tc.prefix):
					t.Errorf("%s: says the response %q, want it to start with %q", vendor, m[5], tc.prefix)
				}
				if strings.Contains(err.Error(), driverSecret) || strings.Contains(err.Error(), "sysparm") || strings.Contains(err.Error(), "include") {
					t.Errorf("%s: the error shows the query or a secret: %v", vendor, err)
				}
			}
		})
	}
}
