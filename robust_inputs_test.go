package synqly_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/jira"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// robustSecret is the secret of every credential the robustness tests store;
// no error may ever contain it.
const robustSecret = "robust-Secret-4f1e9c-do-not-leak"

// robustMaxErrLen bounds an error string: an error that echoes a 1 MB input
// back floods logs.
const robustMaxErrLen = 8 << 10

// robustCase is one hostile call.
type robustCase struct {
	name string
	call func(ctx context.Context) error
	// want lists the acceptable error classes.
	want []error
	// okAllowed accepts a nil error (e.g. an empty patch is a no-op).
	okAllowed bool
}

var (
	mb         = strings.Repeat("a", 1<<20)
	mbUnicode  = strings.Repeat("é", 1<<19)
	invalidUTF = "bad\xff\xfe\xfdname"
	hostileIDs = []struct{ name, id string }{
		{"empty", ""},
		{"NUL", "\x00"},
		{"embedded NUL", "abc\x00def"},
		{"quotes and SQL", `'"; DROP TABLE accounts; --`},
		{"path traversal", "../../../etc/passwd"},
		{"url-encoded traversal", "..%2F..%2Fetc%2Fpasswd"},
		{"cyrillic look-alike", "аccount-іd"}, // Cyrillic а and і
		{"zero-width chars", "acme\u200b\u200d\ufeff"},
		{"RTL override", "\u202eevil"},
		{"invalid UTF-8", invalidUTF},
		{"1 MB", mb},
		{"like wildcards", "%*_"},
		{"whitespace", " \t\n"},
	}
	notFoundOrInvalid = []error{synqly.ErrNotFound, synqly.ErrInvalidInput}
	invalidInput      = []error{synqly.ErrInvalidInput}
	invalidQuery      = []error{synqly.ErrInvalidQuery}
)

// runRobust runs every case as a subtest: no panic, and either success where
// allowed or an *errs.Error of one of the wanted classes, bounded in size and
// never holding the secret.
func runRobust(t *testing.T, ctx context.Context, cases []robustCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err, panicked := callNoPanic(ctx, tc.call)
			if panicked != "" {
				t.Fatalf("PANIC: %s", panicked)
			}
			checkRobustErr(t, err, tc.want, tc.okAllowed)
		})
	}
}

func callNoPanic(ctx context.Context, f func(context.Context) error) (err error, panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	return f(ctx), ""
}

func checkRobustErr(t *testing.T, err error, want []error, okAllowed bool) {
	t.Helper()
	if err == nil {
		if !okAllowed {
			t.Fatalf("want one of %v, got success", want)
		}
		return
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *errs.Error, got %T: %.300s", err, err)
	}
	msg := err.Error()
	if strings.Contains(msg, robustSecret) {
		t.Fatalf("error holds the secret: %.300s", msg)
	}
	if len(msg) > robustMaxErrLen {
		t.Errorf("error string is %d bytes (echoes the input?): %.200s...", len(msg), msg)
	}
	for _, w := range want {
		if errors.Is(err, w) {
			return
		}
	}
	t.Fatalf("want one of %v, got code %q: %.300s", want, e.Code, msg)
}

// robustFixture is a client with one object of each kind.
type robustFixture struct {
	c      *synqly.Client
	acct   *synqly.Account
	point  *synqly.IntegrationPoint
	mockIn *synqly.Integration
	jiraIn *synqly.Integration
	cred   *synqly.Credential
}

func newRobustFixture(t *testing.T) *robustFixture {
	t.Helper()
	c, _ := newClient(t)
	return robustFixtureOn(t, c)
}

func robustFixtureOn(t *testing.T, c *synqly.Client) *robustFixture {
	t.Helper()
	ctx := context.Background()
	f := &robustFixture{c: c, acct: mustAccount(t, c, "Robust Acme")}
	var err error
	f.point, err = c.IntegrationPoints.Create(ctx, synqly.CreateIntegrationPointRequest{Name: "tickets", Connector: "ticketing",
		Environments: &synqly.IntegrationEnvironments{Prod: []string{"*"}}})
	require.NoError(t, err)
	res, err := c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: "mock", ProviderConfig: mockConfig()})
	require.NoError(t, err)
	f.mockIn = res.Integration
	res, err = c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{Name: "jira",
		ProviderConfig: jiraConfig(credential.Inline(&credential.BasicCredential{Username: "bot@example.com", Secret: robustSecret}))})
	require.NoError(t, err)
	f.jiraIn = res.Integration
	f.cred, err = c.Credentials.Create(ctx, f.acct.ID, synqly.CreateCredentialRequest{Name: "tok", Config: &credential.TokenCredential{Secret: robustSecret}})
	require.NoError(t, err)
	return f
}

// stillThere checks that hostile calls destroyed nothing.
func (f *robustFixture) stillThere(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := f.c.Accounts.Get(ctx, f.acct.ID)
	require.NoError(t, err, "the account survives")
	_, err = f.c.IntegrationPoints.Get(ctx, f.point.ID)
	require.NoError(t, err, "the integration point survives")
	_, err = f.c.Integrations.Get(ctx, f.acct.ID, f.mockIn.ID)
	require.NoError(t, err, "the mock integration survives")
	_, err = f.c.Integrations.Get(ctx, f.acct.ID, f.jiraIn.ID)
	require.NoError(t, err, "the jira integration survives")
	_, err = f.c.Credentials.Get(ctx, f.acct.ID, f.cred.ID)
	require.NoError(t, err, "the credential survives")
}

// hostileIDCases calls every id-taking method of every service with every
// hostile id.
func hostileIDCases(f *robustFixture) []robustCase {
	c := f.c
	var cases []robustCase
	add := func(name string, want []error, call func(ctx context.Context) error) {
		cases = append(cases, robustCase{name: name, want: want, call: call})
	}
	replaceFullname := []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "x"}}
	for _, h := range hostileIDs {
		id := h.id
		n := func(m string) string { return m + "/" + h.name }
		// For these, "" means "no integration point" / "any owner"
		// (reported separately, see TestRobustEmptyAccountScope).
		addIf := func(name string, want []error, call func(ctx context.Context) error) {
			if id != "" {
				add(name, want, call)
			}
		}
		add(n("Accounts.Get"), notFoundOrInvalid, func(ctx context.Context) error { _, err := c.Accounts.Get(ctx, id); return err })
		add(n("Accounts.Delete"), notFoundOrInvalid, func(ctx context.Context) error { return c.Accounts.Delete(ctx, id) })
		add(n("Accounts.Patch"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Accounts.Patch(ctx, id, replaceFullname)
			return err
		})
		add(n("Accounts.Update"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Accounts.Update(ctx, id, synqly.Account{Name: "x"})
			return err
		})
		add(n("IntegrationPoints.Get"), notFoundOrInvalid, func(ctx context.Context) error { _, err := c.IntegrationPoints.Get(ctx, id); return err })
		add(n("IntegrationPoints.Delete"), notFoundOrInvalid, func(ctx context.Context) error { return c.IntegrationPoints.Delete(ctx, id) })
		add(n("IntegrationPoints.Patch"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.IntegrationPoints.Patch(ctx, id, replaceFullname)
			return err
		})
		add(n("IntegrationPoints.Update"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.IntegrationPoints.Update(ctx, id, synqly.IntegrationPoint{Name: "x", Connector: "ticketing"})
			return err
		})
		// The id as account id and as integration id.
		add(n("Integrations.Get(account)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Get(ctx, id, f.mockIn.ID)
			return err
		})
		add(n("Integrations.Get(id)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Get(ctx, f.acct.ID, id)
			return err
		})
		add(n("Integrations.Delete(account)"), notFoundOrInvalid, func(ctx context.Context) error {
			return c.Integrations.Delete(ctx, id, f.mockIn.ID)
		})
		add(n("Integrations.Delete(id)"), notFoundOrInvalid, func(ctx context.Context) error {
			return c.Integrations.Delete(ctx, f.acct.ID, id)
		})
		add(n("Integrations.Patch"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Patch(ctx, f.acct.ID, id, replaceFullname)
			return err
		})
		add(n("Integrations.Update"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Update(ctx, f.acct.ID, id, synqly.Integration{Name: "x", ProviderConfig: mockConfig()})
			return err
		})
		add(n("Integrations.Create(account)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Create(ctx, id, synqly.CreateIntegrationRequest{ProviderConfig: mockConfig()})
			return err
		})
		addIf(n("Integrations.Create(point)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Integrations.Create(ctx, f.acct.ID, synqly.CreateIntegrationRequest{ProviderConfig: mockConfig(), IntegrationPointID: id})
			return err
		})
		add(n("Integrations.ListAccount"), notFoundOrInvalid, func(ctx context.Context) error {
			p, err := c.Integrations.ListAccount(ctx, id, synqly.ListOptions{})
			if err == nil && len(p.Result) > 0 {
				return fmt.Errorf("listed %d integrations of a hostile account id", len(p.Result))
			}
			return errOrEmpty(err)
		})
		add(n("Credentials.Create(owner)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Credentials.Create(ctx, id, synqly.CreateCredentialRequest{Config: &credential.TokenCredential{Secret: robustSecret}})
			return err
		})
		addIf(n("Credentials.Get(owner)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Credentials.Get(ctx, id, f.cred.ID)
			return err
		})
		add(n("Credentials.Get(id)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Credentials.Get(ctx, f.acct.ID, id)
			return err
		})
		add(n("Credentials.Lookup"), notFoundOrInvalid, func(ctx context.Context) error { _, err := c.Credentials.Lookup(ctx, id); return err })
		addIf(n("Credentials.Delete(owner)"), notFoundOrInvalid, func(ctx context.Context) error { return c.Credentials.Delete(ctx, id, f.cred.ID) })
		add(n("Credentials.Delete(id)"), notFoundOrInvalid, func(ctx context.Context) error { return c.Credentials.Delete(ctx, f.acct.ID, id) })
		add(n("Credentials.Patch"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Credentials.Patch(ctx, f.acct.ID, id, replaceFullname)
			return err
		})
		add(n("Credentials.Update"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Credentials.Update(ctx, f.acct.ID, id, synqly.UpdateCredentialRequest{Name: "x"})
			return err
		})
		add(n("Credentials.List(owner)"), notFoundOrInvalid, func(ctx context.Context) error {
			p, err := c.Credentials.List(ctx, id, synqly.ListOptions{})
			if err == nil && len(p.Result) > 0 {
				return fmt.Errorf("listed %d credentials of a hostile owner id", len(p.Result))
			}
			return errOrEmpty(err)
		})
		add(n("Account(id).Get"), notFoundOrInvalid, func(ctx context.Context) error { _, err := c.Account(id).Get(ctx); return err })
		add(n("Account(id).Patch"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Account(id).Patch(ctx, replaceFullname)
			return err
		})
		add(n("Account(id).Integrations.Get"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Account(id).Integrations.Get(ctx, f.mockIn.ID)
			return err
		})
		add(n("Account(id).Integrations.Delete"), notFoundOrInvalid, func(ctx context.Context) error {
			return c.Account(id).Integrations.Delete(ctx, f.mockIn.ID)
		})
		add(n("Account(id).Credentials.Get"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := c.Account(id).Credentials.Get(ctx, f.acct.ID, f.cred.ID)
			return err
		})
		add(n("Account(id).Credentials.Delete"), notFoundOrInvalid, func(ctx context.Context) error {
			return c.Account(id).Credentials.Delete(ctx, f.acct.ID, f.cred.ID)
		})
		addIf(n("Account(id).Audit.List"), notFoundOrInvalid, func(ctx context.Context) error {
			// The failed attempts made through this very scope may be
			// listed; nothing of another account may.
			p, err := c.Account(id).Audit.List(ctx, synqly.ListOptions{})
			if err == nil {
				for _, ev := range p.Result {
					if ev.AccountID != id {
						return fmt.Errorf("a hostile account scope lists event %s of account %q", ev.ID, ev.AccountID)
					}
				}
			}
			return errOrEmpty(err)
		})
		add(n("Account(id).Ticketing"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := ticketing.Open(ctx, c.Account(id), f.mockIn.ID)
			return err
		})
		add(n("Client.Ticketing"), notFoundOrInvalid, func(ctx context.Context) error { _, err := ticketing.Open(ctx, c, id); return err })
		add(n("Account.Ticketing(id)"), notFoundOrInvalid, func(ctx context.Context) error {
			_, err := ticketing.Open(ctx, c.Account(f.acct.ID), id)
			return err
		})
	}
	return cases
}

// errSentinelEmpty marks a list that answered an empty page for a hostile
// id: acceptable, and turned into a NotFound so the table stays uniform.
func errOrEmpty(err error) error {
	if err == nil {
		return errs.New(errs.NotFound, "empty page")
	}
	return err
}

func TestRobustHostileIDs(t *testing.T) {
	f := newRobustFixture(t)
	runRobust(t, context.Background(), hostileIDCases(f))
	f.stillThere(t)
}

func manyLabels(n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = fmt.Sprintf("l%d", i)
	}
	return l
}

func manyOps(n int) []synqly.PatchOperation {
	ops := make([]synqly.PatchOperation, n)
	for i := range ops {
		ops[i] = synqly.PatchOperation{Op: "replace", Path: "/fullname", Value: fmt.Sprint(i)}
	}
	return ops
}

// hostilePatches are patch operation lists no object accepts.
var hostilePatches = []struct {
	name string
	ops  []synqly.PatchOperation
}{
	{"10000 ops", manyOps(10000)},
	{"MaxPatchOperations+1 ops", manyOps(synqly.MaxPatchOperations + 1)},
	{"unknown op", []synqly.PatchOperation{{Op: "explode", Path: "/fullname", Value: "x"}}},
	{"empty op", []synqly.PatchOperation{{}}},
	{"nil value replace", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: nil}}},
	{"NaN value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: math.NaN()}}},
	{"+Inf value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: math.Inf(1)}}},
	{"-Inf in map", []synqly.PatchOperation{{Op: "add", Path: "/labels", Value: map[string]any{"x": math.Inf(-1)}}}},
	{"channel value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: make(chan int)}}},
	{"func value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: func() {}}}},
	{"complex value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: complex(1, 2)}}},
	{"invalid UTF-8 path", []synqly.PatchOperation{{Op: "replace", Path: "/" + invalidUTF, Value: "x"}}},
	{"path without slash", []synqly.PatchOperation{{Op: "replace", Path: "fullname", Value: "x"}}},
	{"nonexistent path", []synqly.PatchOperation{{Op: "replace", Path: "/no/such/path", Value: "x"}}},
	{"1 MB path", []synqly.PatchOperation{{Op: "replace", Path: "/" + mb, Value: "x"}}},
	{"replace id", []synqly.PatchOperation{{Op: "replace", Path: "/id", Value: "other"}}},
	{"replace created_at", []synqly.PatchOperation{{Op: "replace", Path: "/created_at", Value: "1970-01-01T00:00:00Z"}}},
	{"remove root", []synqly.PatchOperation{{Op: "remove", Path: ""}}},
	{"replace root with null", []synqly.PatchOperation{{Op: "replace", Path: "", Value: nil}}},
	{"replace root with string", []synqly.PatchOperation{{Op: "replace", Path: "", Value: "x"}}},
	{"move from nowhere", []synqly.PatchOperation{{Op: "move", From: "/nope", Path: "/fullname"}}},
	{"copy from 1 MB pointer", []synqly.PatchOperation{{Op: "copy", From: "/" + mb, Path: "/fullname"}}},
	{"failing test op (conflict)", []synqly.PatchOperation{{Op: "test", Path: "/fullname", Value: "surely not this"}, {Op: "replace", Path: "/fullname", Value: "changed"}}},
	{"1 MB fullname", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: mb}}},
	{"1 MB name", []synqly.PatchOperation{{Op: "replace", Path: "/name", Value: mb}}},
	{"name with NUL", []synqly.PatchOperation{{Op: "replace", Path: "/name", Value: "a\x00b"}}},
	{"name wrong type", []synqly.PatchOperation{{Op: "replace", Path: "/name", Value: 42}}},
	{"name invalid UTF-8", []synqly.PatchOperation{{Op: "replace", Path: "/name", Value: invalidUTF}}},
	{"deeply nested value", []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: deepValue(200)}}},
}

func deepValue(n int) any {
	var v any = "leaf"
	for range n {
		v = map[string]any{"x": v}
	}
	return v
}

func TestRobustHostilePatches(t *testing.T) {
	f := newRobustFixture(t)
	c := f.c
	type target struct {
		name string
		do   func(ctx context.Context, ops []synqly.PatchOperation) error
	}
	targets := []target{
		{"Accounts.Patch", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.Accounts.Patch(ctx, f.acct.ID, ops)
			return err
		}},
		{"Account(id).Patch", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.Account(f.acct.ID).Patch(ctx, ops)
			return err
		}},
		{"IntegrationPoints.Patch", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.IntegrationPoints.Patch(ctx, f.point.ID, ops)
			return err
		}},
		{"Integrations.Patch(mock)", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.Integrations.Patch(ctx, f.acct.ID, f.mockIn.ID, ops)
			return err
		}},
		{"Account.Integrations.Patch(jira)", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.Account(f.acct.ID).Integrations.Patch(ctx, f.jiraIn.ID, ops)
			return err
		}},
		{"Credentials.Patch", func(ctx context.Context, ops []synqly.PatchOperation) error {
			_, err := c.Credentials.Patch(ctx, f.acct.ID, f.cred.ID, ops)
			return err
		}},
	}
	var cases []robustCase
	for _, tg := range targets {
		for _, p := range hostilePatches {
			want := invalidInput
			if strings.Contains(p.name, "(conflict)") {
				want = []error{synqly.ErrConflict}
			}
			cases = append(cases, robustCase{name: tg.name + "/" + p.name, want: want,
				call: func(ctx context.Context) error { return tg.do(ctx, p.ops) }})
		}
		// An empty patch is a no-op or refused; either is fine.
		for _, empty := range []struct {
			name string
			ops  []synqly.PatchOperation
		}{{"nil ops", nil}, {"empty ops", []synqly.PatchOperation{}}} {
			cases = append(cases, robustCase{name: tg.name + "/" + empty.name, want: invalidInput, okAllowed: true,
				call: func(ctx context.Context) error { return tg.do(ctx, empty.ops) }})
		}
	}
	// Integration-specific hostile patches.
	for _, p := range []struct {
		name string
		ops  []synqly.PatchOperation
	}{
		{"provider_config to null", []synqly.PatchOperation{{Op: "replace", Path: "/provider_config", Value: nil}}},
		{"remove provider_config", []synqly.PatchOperation{{Op: "remove", Path: "/provider_config"}}},
		{"provider_config type empty", []synqly.PatchOperation{{Op: "replace", Path: "/provider_config/type", Value: ""}}},
		{"provider_config type unknown", []synqly.PatchOperation{{Op: "replace", Path: "/provider_config/type", Value: "ticketing_nope"}}},
		{"provider_config NaN field", []synqly.PatchOperation{{Op: "add", Path: "/provider_config/url", Value: math.NaN()}}},
		{"provider_config url 1 MB", []synqly.PatchOperation{{Op: "replace", Path: "/jira", Value: mb}}},
		{"account_id", []synqly.PatchOperation{{Op: "replace", Path: "/account_id", Value: "other"}}},
		{"category", []synqly.PatchOperation{{Op: "replace", Path: "/category", Value: "siem"}}},
		{"integration_point_id hostile", []synqly.PatchOperation{{Op: "add", Path: "/integration_point_id", Value: "../x\x00"}}},
	} {
		cases = append(cases, robustCase{name: "Integrations.Patch(jira)/" + p.name, want: notFoundOrInvalid,
			call: func(ctx context.Context) error {
				_, err := c.Integrations.Patch(ctx, f.acct.ID, f.jiraIn.ID, p.ops)
				return err
			}})
	}
	for _, p := range []struct {
		name string
		ops  []synqly.PatchOperation
	}{
		{"config null", []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: nil}}},
		{"config type empty", []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": ""}}}},
		{"config type unknown", []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "magic", "secret": robustSecret}}}},
		{"config secret wrong type", []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": 42}}}},
		{"config secret NaN", []synqly.PatchOperation{{Op: "replace", Path: "/config", Value: map[string]any{"type": "token", "secret": math.NaN()}}}},
		{"owner_type", []synqly.PatchOperation{{Op: "replace", Path: "/owner_type", Value: "integration"}}},
		{"managed", []synqly.PatchOperation{{Op: "replace", Path: "/managed", Value: "Sideways"}}},
		{"expires garbage", []synqly.PatchOperation{{Op: "add", Path: "/expires", Value: "yesterday-ish"}}},
	} {
		cases = append(cases, robustCase{name: "Credentials.Patch/" + p.name, want: invalidInput,
			call: func(ctx context.Context) error {
				_, err := c.Credentials.Patch(ctx, f.acct.ID, f.cred.ID, p.ops)
				return err
			}})
	}
	runRobust(t, context.Background(), cases)
	f.stillThere(t)
	// Nothing half-applied: the fullnames are unchanged.
	a, err := c.Accounts.Get(context.Background(), f.acct.ID)
	require.NoError(t, err)
	require.Equal(t, f.acct.Fullname, a.Fullname)
	require.Equal(t, f.acct.Name, a.Name)
}

func TestRobustHostileCreates(t *testing.T) {
	f := newRobustFixture(t)
	c := f.c
	acct := f.acct.ID
	tok := func() credential.Config { return &credential.TokenCredential{Secret: robustSecret} }
	var nilTok *credential.TokenCredential
	var nilJira *jira.TicketingConfig
	var nilMock *mock.TicketingConfig
	acctCase := func(name string, req synqly.CreateAccountRequest) robustCase {
		return robustCase{name: "Accounts.Create/" + name, want: invalidInput,
			call: func(ctx context.Context) error { _, err := c.Accounts.Create(ctx, req); return err }}
	}
	pointCase := func(name string, req synqly.CreateIntegrationPointRequest) robustCase {
		return robustCase{name: "IntegrationPoints.Create/" + name, want: invalidInput,
			call: func(ctx context.Context) error { _, err := c.IntegrationPoints.Create(ctx, req); return err }}
	}
	inCase := func(name string, req synqly.CreateIntegrationRequest) robustCase {
		return robustCase{name: "Integrations.Create/" + name, want: notFoundOrInvalid,
			call: func(ctx context.Context) error { _, err := c.Integrations.Create(ctx, acct, req); return err }}
	}
	credCase := func(name string, req synqly.CreateCredentialRequest) robustCase {
		return robustCase{name: "Credentials.Create/" + name, want: notFoundOrInvalid,
			call: func(ctx context.Context) error { _, err := c.Credentials.Create(ctx, acct, req); return err }}
	}
	cases := []robustCase{
		acctCase("zero value", synqly.CreateAccountRequest{}),
		acctCase("1 MB name", synqly.CreateAccountRequest{Name: mb}),
		acctCase("1 MB fullname", synqly.CreateAccountRequest{Fullname: mb}),
		acctCase("1 MB unicode fullname", synqly.CreateAccountRequest{Fullname: mbUnicode}),
		acctCase("name with NUL", synqly.CreateAccountRequest{Name: "ac\x00me"}),
		acctCase("name with quotes", synqly.CreateAccountRequest{Name: `ac'me"`}),
		acctCase("name traversal", synqly.CreateAccountRequest{Name: "../acme"}),
		acctCase("name cyrillic", synqly.CreateAccountRequest{Name: "аcme"}),
		acctCase("name invalid UTF-8", synqly.CreateAccountRequest{Name: invalidUTF}),
		acctCase("fullname invalid UTF-8", synqly.CreateAccountRequest{Fullname: invalidUTF}),
		acctCase("fullname only NUL", synqly.CreateAccountRequest{Fullname: "\x00"}),
		acctCase("fullname only punctuation", synqly.CreateAccountRequest{Fullname: "!!!@@@"}),
		acctCase("bad environment", synqly.CreateAccountRequest{Fullname: "x", Environment: "staging"}),
		acctCase("10000 labels", synqly.CreateAccountRequest{Fullname: "x", Labels: manyLabels(10000)}),
		acctCase("1 MB label", synqly.CreateAccountRequest{Fullname: "x", Labels: []string{mb}}),
		acctCase("empty label", synqly.CreateAccountRequest{Fullname: "x", Labels: []string{""}}),
		acctCase("invalid UTF-8 label", synqly.CreateAccountRequest{Fullname: "x", Labels: []string{invalidUTF}}),

		pointCase("zero value", synqly.CreateIntegrationPointRequest{}),
		pointCase("1 MB name", synqly.CreateIntegrationPointRequest{Name: mb, Connector: "ticketing"}),
		pointCase("1 MB fullname", synqly.CreateIntegrationPointRequest{Name: "p1", Fullname: mb, Connector: "ticketing"}),
		pointCase("1 MB description", synqly.CreateIntegrationPointRequest{Name: "p2", Description: mb, Connector: "ticketing"}),
		pointCase("bad connector", synqly.CreateIntegrationPointRequest{Name: "p3", Connector: "../ticketing"}),
		pointCase("invalid UTF-8 description", synqly.CreateIntegrationPointRequest{Name: "p4", Description: invalidUTF, Connector: "ticketing"}),
		pointCase("10000 providers", synqly.CreateIntegrationPointRequest{Name: "p5", Connector: "ticketing",
			Environments: &synqly.IntegrationEnvironments{Prod: manyLabels(10000)}}),
		pointCase("hostile provider id", synqly.CreateIntegrationPointRequest{Name: "p6", Connector: "ticketing",
			Environments: &synqly.IntegrationEnvironments{Test: []string{"'; DROP TABLE x; --", "\x00"}}}),
		pointCase("provider of another connector", synqly.CreateIntegrationPointRequest{Name: "p7", Connector: "siem",
			Environments: &synqly.IntegrationEnvironments{Prod: []string{jira.TicketingID}}}),

		inCase("zero value", synqly.CreateIntegrationRequest{}),
		inCase("nil provider config", synqly.CreateIntegrationRequest{Name: "i1", ProviderConfig: nil}),
		inCase("empty provider config", synqly.CreateIntegrationRequest{Name: "i2", ProviderConfig: &synqly.ProviderConfig{}}),
		inCase("empty type with config", synqly.CreateIntegrationRequest{Name: "i3", ProviderConfig: &synqly.ProviderConfig{Config: &mock.TicketingConfig{}}}),
		inCase("unknown type", synqly.CreateIntegrationRequest{Name: "i4", ProviderConfig: &synqly.ProviderConfig{Type: "ticketing_nope"}}),
		inCase("type traversal", synqly.CreateIntegrationRequest{Name: "i5", ProviderConfig: &synqly.ProviderConfig{Type: "../ticketing_jira"}}),
		inCase("jira type nil config", synqly.CreateIntegrationRequest{Name: "i6", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID}}),
		inCase("jira type typed-nil config", synqly.CreateIntegrationRequest{Name: "i7", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID, Config: nilJira}}),
		inCase("mock type typed-nil config", synqly.CreateIntegrationRequest{Name: "i8", ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID, Config: nilMock}}),
		inCase("mismatched config type", synqly.CreateIntegrationRequest{Name: "i9", ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://x.atlassian.net", Credential: credential.Inline(tok())}}}),
		inCase("jira nil credential", synqly.CreateIntegrationRequest{Name: "i10", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://x.atlassian.net"}}}),
		inCase("jira zero credential ref", synqly.CreateIntegrationRequest{Name: "i11", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://x.atlassian.net", Credential: &credential.Ref{}}}}),
		inCase("jira inline typed-nil credential", synqly.CreateIntegrationRequest{Name: "i12", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://x.atlassian.net", Credential: &credential.Ref{Type: credential.TypeToken, Inline: nilTok}}}}),
		inCase("jira ref to hostile id", synqly.CreateIntegrationRequest{Name: "i13", ProviderConfig: jiraConfig(credential.RefTo("../\x00'", credential.TypeToken))}),
		inCase("jira ref wrong type", synqly.CreateIntegrationRequest{Name: "i14", ProviderConfig: jiraConfig(credential.RefTo(f.cred.ID, credential.TypeBasic))}),
		inCase("jira bad url", synqly.CreateIntegrationRequest{Name: "i15", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "javascript:alert(1)", Credential: credential.Inline(tok())}}}),
		inCase("jira 1 MB url", synqly.CreateIntegrationRequest{Name: "i16", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://" + mb, Credential: credential.Inline(tok())}}}),
		inCase("jira url with userinfo", synqly.CreateIntegrationRequest{Name: "i17", ProviderConfig: &synqly.ProviderConfig{Type: jira.TicketingID,
			Config: &jira.TicketingConfig{URL: "https://u:" + robustSecret + "@x.atlassian.net", Credential: credential.Inline(tok())}}}),
		inCase("1 MB name", synqly.CreateIntegrationRequest{Name: mb, ProviderConfig: mockConfig()}),
		inCase("1 MB fullname", synqly.CreateIntegrationRequest{Name: "i18", Fullname: mb, ProviderConfig: mockConfig()}),
		inCase("invalid UTF-8 name", synqly.CreateIntegrationRequest{Name: invalidUTF, ProviderConfig: mockConfig()}),
		inCase("hostile point id", synqly.CreateIntegrationRequest{Name: "i19", ProviderConfig: mockConfig(), IntegrationPointID: "'\x00"}),
		inCase("10000 custom field mappings", synqly.CreateIntegrationRequest{Name: "i20", ProviderConfig: &synqly.ProviderConfig{Type: mock.TicketingID,
			Config: &mock.TicketingConfig{CustomFieldMappings: manyMappings(10000)}}}),

		credCase("nil config", synqly.CreateCredentialRequest{Config: nil}),
		credCase("zero value", synqly.CreateCredentialRequest{}),
		credCase("typed-nil config", synqly.CreateCredentialRequest{Config: nilTok}),
		credCase("empty token", synqly.CreateCredentialRequest{Config: &credential.TokenCredential{}}),
		credCase("empty basic", synqly.CreateCredentialRequest{Config: &credential.BasicCredential{}}),
		credCase("bad owner type", synqly.CreateCredentialRequest{Config: tok(), OwnerType: "root"}),
		credCase("owner type integration but account id", synqly.CreateCredentialRequest{Config: tok(), OwnerType: synqly.OwnerIntegration}),
		credCase("1 MB name", synqly.CreateCredentialRequest{Name: mb, Config: tok()}),
		credCase("1 MB fullname", synqly.CreateCredentialRequest{Name: "c1", Fullname: mb, Config: tok()}),
		credCase("invalid UTF-8 name", synqly.CreateCredentialRequest{Name: invalidUTF, Config: tok()}),
		credCase("expires zero time", synqly.CreateCredentialRequest{Name: "c2", Config: tok(), Expires: &time.Time{}}),
	}
	// The mock ticketing provider may bound the mappings differently; a
	// success there is tolerable, a panic or untyped error is not.
	for i := range cases {
		switch {
		case strings.HasSuffix(cases[i].name, "10000 custom field mappings"), strings.HasSuffix(cases[i].name, "expires zero time"),
			// A missing name is generated (documented), even from nothing.
			cases[i].name == "Accounts.Create/zero value", cases[i].name == "Accounts.Create/fullname only punctuation":
			cases[i].okAllowed = true
		}
	}
	runRobust(t, context.Background(), cases)
	f.stillThere(t)
}

func manyMappings(n int) []providers.CustomFieldMapping {
	m := make([]providers.CustomFieldMapping, n)
	for i := range m {
		m[i] = providers.CustomFieldMapping{Name: fmt.Sprintf("f%d", i), ProjectID: "*", ProviderFieldPath: fmt.Sprintf("customfield_%d", i)}
	}
	return m
}

func TestRobustHostileUpdates(t *testing.T) {
	f := newRobustFixture(t)
	c := f.c
	cases := []robustCase{
		{name: "Accounts.Update/zero value", want: invalidInput, okAllowed: true, call: func(ctx context.Context) error {
			_, err := c.Accounts.Update(ctx, f.acct.ID, synqly.Account{})
			return err
		}},
		{name: "Accounts.Update/other id", want: []error{synqly.ErrInvalidInput, synqly.ErrNotFound}, call: func(ctx context.Context) error {
			_, err := c.Accounts.Update(ctx, f.acct.ID, synqly.Account{ID: "other", Name: "x", UpdatedAt: f.acct.UpdatedAt})
			return err
		}},
		{name: "Accounts.Update/1 MB fullname and 10000 labels", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.Accounts.Update(ctx, f.acct.ID, synqly.Account{Name: "x", Fullname: mb, Labels: manyLabels(10000), UpdatedAt: f.acct.UpdatedAt})
			return err
		}},
		{name: "IntegrationPoints.Update/zero value", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.IntegrationPoints.Update(ctx, f.point.ID, synqly.IntegrationPoint{})
			return err
		}},
		{name: "IntegrationPoints.Update/1 MB description", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.IntegrationPoints.Update(ctx, f.point.ID, synqly.IntegrationPoint{Name: "x", Connector: "ticketing", Description: mb, UpdatedAt: f.point.UpdatedAt})
			return err
		}},
		{name: "Integrations.Update/zero value", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.Integrations.Update(ctx, f.acct.ID, f.mockIn.ID, synqly.Integration{})
			return err
		}},
		{name: "Integrations.Update/nil provider config", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.Integrations.Update(ctx, f.acct.ID, f.mockIn.ID, synqly.Integration{Name: "mock", UpdatedAt: f.mockIn.UpdatedAt})
			return err
		}},
		{name: "Integrations.Update/empty provider type", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.Integrations.Update(ctx, f.acct.ID, f.mockIn.ID, synqly.Integration{Name: "mock", ProviderConfig: &synqly.ProviderConfig{}, UpdatedAt: f.mockIn.UpdatedAt})
			return err
		}},
		// The body's account_id is ignored (stillThere checks the
		// integration did not move).
		{name: "Integrations.Update/other account id in body", want: notFoundOrInvalid, okAllowed: true, call: func(ctx context.Context) error {
			_, err := c.Integrations.Update(ctx, f.acct.ID, f.mockIn.ID, synqly.Integration{Name: "mock", AccountID: "other", ProviderConfig: mockConfig(), UpdatedAt: f.mockIn.UpdatedAt})
			return err
		}},
		{name: "Credentials.Update/typed-nil config", want: invalidInput, call: func(ctx context.Context) error {
			var nilTok *credential.TokenCredential
			_, err := c.Credentials.Update(ctx, f.acct.ID, f.cred.ID, synqly.UpdateCredentialRequest{Name: "tok", Config: nilTok, UpdatedAt: f.cred.UpdatedAt})
			return err
		}},
		{name: "Credentials.Update/1 MB fullname", want: invalidInput, call: func(ctx context.Context) error {
			_, err := c.Credentials.Update(ctx, f.acct.ID, f.cred.ID, synqly.UpdateCredentialRequest{Name: "tok", Fullname: mb, UpdatedAt: f.cred.UpdatedAt})
			return err
		}},
		{name: "Credentials.Update/change type", want: []error{synqly.ErrInvalidInput, synqly.ErrConflict}, okAllowed: true, call: func(ctx context.Context) error {
			_, err := c.Credentials.Update(ctx, f.acct.ID, f.cred.ID, synqly.UpdateCredentialRequest{Name: "tok", Config: &credential.BasicCredential{}, UpdatedAt: f.cred.UpdatedAt})
			return err
		}},
	}
	runRobust(t, context.Background(), cases)
	f.stillThere(t)
}

// hostileListOptions are queries every List must refuse with ErrInvalidQuery.
var hostileListOptions = []struct {
	name string
	opts synqly.ListOptions
}{
	{"unknown field", synqly.ListOptions{Filter: []string{"secret[eq]x"}}},
	{"SQL in field", synqly.ListOptions{Filter: []string{"name) OR 1=1 --[eq]x"}}},
	{"unknown op", synqly.ListOptions{Filter: []string{"name[regex].*"}}},
	{"no op", synqly.ListOptions{Filter: []string{"name"}}},
	{"empty filter", synqly.ListOptions{Filter: []string{""}}},
	{"NUL filter", synqly.ListOptions{Filter: []string{"\x00[eq]\x00"}}},
	{"invalid UTF-8 field", synqly.ListOptions{Filter: []string{invalidUTF + "[eq]x"}}},
	{"1 MB field", synqly.ListOptions{Filter: []string{mb + "[eq]x"}}},
	{"bad time", synqly.ListOptions{Filter: []string{"created_at[gt]yesterday"}}},
	{"10000 filters", synqly.ListOptions{Filter: repeat("nope[eq]x", 10000)}},
	{"unknown order", synqly.ListOptions{Order: []string{"nope[desc]"}}},
	{"bad order dir", synqly.ListOptions{Order: []string{"name[sideways]"}}},
	{"SQL in order", synqly.ListOptions{Order: []string{"name; DROP TABLE accounts"}}},
	{"negative limit", synqly.ListOptions{Limit: -1}},
	{"huge limit", synqly.ListOptions{Limit: math.MaxInt}},
	{"min int limit", synqly.ListOptions{Limit: math.MinInt}},
	{"unknown expand", synqly.ListOptions{Expand: []string{"secrets"}}},
	{"expand traversal", synqly.ListOptions{Expand: []string{"../account"}}},
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestRobustHostileLists(t *testing.T) {
	f := newRobustFixture(t)
	c := f.c
	type lister struct {
		name string
		list func(ctx context.Context, o synqly.ListOptions) error
		all  func(ctx context.Context, o synqly.ListOptions) error
	}
	listers := []lister{
		{"Accounts", func(ctx context.Context, o synqly.ListOptions) error { _, err := c.Accounts.List(ctx, o); return err },
			func(ctx context.Context, o synqly.ListOptions) error { return firstErr(c.Accounts.All(ctx, o)) }},
		{"IntegrationPoints", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.IntegrationPoints.List(ctx, o)
			return err
		},
			func(ctx context.Context, o synqly.ListOptions) error {
				return firstErr(c.IntegrationPoints.All(ctx, o))
			}},
		{"Integrations", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.Integrations.List(ctx, o)
			return err
		},
			func(ctx context.Context, o synqly.ListOptions) error { return firstErr(c.Integrations.All(ctx, o)) }},
		{"Integrations.ListAccount", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.Integrations.ListAccount(ctx, f.acct.ID, o)
			return err
		}, func(ctx context.Context, o synqly.ListOptions) error {
			return firstErr(c.Integrations.AllAccount(ctx, f.acct.ID, o))
		}},
		{"Account.Integrations", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.Account(f.acct.ID).Integrations.List(ctx, o)
			return err
		}, func(ctx context.Context, o synqly.ListOptions) error {
			return firstErr(c.Account(f.acct.ID).Integrations.All(ctx, o))
		}},
		{"Credentials", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.Credentials.List(ctx, f.acct.ID, o)
			return err
		},
			func(ctx context.Context, o synqly.ListOptions) error {
				return firstErr(c.Credentials.All(ctx, f.acct.ID, o))
			}},
		{"Audit", func(ctx context.Context, o synqly.ListOptions) error { _, err := c.Audit.List(ctx, o); return err },
			func(ctx context.Context, o synqly.ListOptions) error { return firstErr(c.Audit.All(ctx, o)) }},
		{"Account.Audit", func(ctx context.Context, o synqly.ListOptions) error {
			_, err := c.Account(f.acct.ID).Audit.List(ctx, o)
			return err
		},
			func(ctx context.Context, o synqly.ListOptions) error {
				return firstErr(c.Account(f.acct.ID).Audit.All(ctx, o))
			}},
	}
	var cases []robustCase
	for _, l := range listers {
		for _, h := range hostileListOptions {
			cases = append(cases,
				robustCase{name: l.name + ".List/" + h.name, want: invalidQuery, call: func(ctx context.Context) error { return l.list(ctx, h.opts) }},
				robustCase{name: l.name + ".All/" + h.name, want: invalidQuery, call: func(ctx context.Context) error { return l.all(ctx, h.opts) }},
			)
		}
		// Hostile start_after values are just names: an empty page or an
		// invalid query, never an untyped error.
		for _, h := range hostileIDs {
			cases = append(cases, robustCase{name: l.name + ".List/start_after " + h.name, want: invalidQuery, okAllowed: true,
				call: func(ctx context.Context) error { return l.list(ctx, synqly.ListOptions{StartAfter: h.id}) }})
			cases = append(cases, robustCase{name: l.name + ".List/filter value " + h.name, want: invalidQuery, okAllowed: true,
				call: func(ctx context.Context) error {
					return l.list(ctx, synqly.ListOptions{Filter: []string{"id[eq]" + h.id}})
				}})
		}
	}
	runRobust(t, context.Background(), cases)
	f.stillThere(t)
}

func firstErr[T any](seq func(func(*T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestRobustCanceledContext(t *testing.T) {
	f := newRobustFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A canceled context fails every store-touching call with a typed
	// error (any code, but errors.Is context.Canceled should hold too).
	cases := robustContextCases(f)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err, panicked := callNoPanic(ctx, tc.call)
			if panicked != "" {
				t.Fatalf("PANIC: %s", panicked)
			}
			require.Error(t, err, "a canceled context must fail the call")
			var e *errs.Error
			require.True(t, errors.As(err, &e), "want *errs.Error, got %T: %v", err, err)
			require.True(t, errors.Is(err, context.Canceled), "the cause should be context.Canceled: %v", err)
		})
	}
	f.stillThere(t)
}

// robustContextCases are ordinary, valid calls; the context is the hostile
// part.
func robustContextCases(f *robustFixture) []robustCase {
	c := f.c
	a := f.acct.ID
	return []robustCase{
		{name: "Accounts.Create", call: func(ctx context.Context) error {
			_, err := c.Accounts.Create(ctx, synqly.CreateAccountRequest{Fullname: "ctx test"})
			return err
		}},
		{name: "Accounts.Get", call: func(ctx context.Context) error { _, err := c.Accounts.Get(ctx, a); return err }},
		{name: "Accounts.List", call: func(ctx context.Context) error { _, err := c.Accounts.List(ctx, synqly.ListOptions{}); return err }},
		{name: "Accounts.All", call: func(ctx context.Context) error { return firstErr(c.Accounts.All(ctx, synqly.ListOptions{})) }},
		{name: "Accounts.Patch", call: func(ctx context.Context) error {
			_, err := c.Accounts.Patch(ctx, a, []synqly.PatchOperation{{Op: "replace", Path: "/fullname", Value: "y"}})
			return err
		}},
		{name: "Accounts.Delete", call: func(ctx context.Context) error { return c.Accounts.Delete(ctx, a) }},
		{name: "IntegrationPoints.Get", call: func(ctx context.Context) error { _, err := c.IntegrationPoints.Get(ctx, f.point.ID); return err }},
		{name: "IntegrationPoints.Delete", call: func(ctx context.Context) error { return c.IntegrationPoints.Delete(ctx, f.point.ID) }},
		{name: "Integrations.Create", call: func(ctx context.Context) error {
			_, err := c.Integrations.Create(ctx, a, synqly.CreateIntegrationRequest{Name: "ctx", ProviderConfig: mockConfig()})
			return err
		}},
		{name: "Integrations.Get", call: func(ctx context.Context) error { _, err := c.Integrations.Get(ctx, a, f.mockIn.ID); return err }},
		{name: "Integrations.List", call: func(ctx context.Context) error { _, err := c.Integrations.List(ctx, synqly.ListOptions{}); return err }},
		{name: "Integrations.Delete", call: func(ctx context.Context) error { return c.Integrations.Delete(ctx, a, f.jiraIn.ID) }},
		{name: "Credentials.Create", call: func(ctx context.Context) error {
			_, err := c.Credentials.Create(ctx, a, synqly.CreateCredentialRequest{Config: &credential.TokenCredential{Secret: robustSecret}})
			return err
		}},
		{name: "Credentials.Lookup", call: func(ctx context.Context) error { _, err := c.Credentials.Lookup(ctx, f.cred.ID); return err }},
		{name: "Credentials.Delete", call: func(ctx context.Context) error { return c.Credentials.Delete(ctx, a, f.cred.ID) }},
		{name: "Audit.List", call: func(ctx context.Context) error { _, err := c.Audit.List(ctx, synqly.ListOptions{}); return err }},
		{name: "Account.Get", call: func(ctx context.Context) error { _, err := c.Account(a).Get(ctx); return err }},
		{name: "Account.Integrations.List", call: func(ctx context.Context) error {
			_, err := c.Account(a).Integrations.List(ctx, synqly.ListOptions{})
			return err
		}},
		{name: "Client.Ticketing", call: func(ctx context.Context) error { _, err := ticketing.Open(ctx, c, f.mockIn.ID); return err }},
		{name: "Account.Ticketing", call: func(ctx context.Context) error { _, err := ticketing.Open(ctx, c.Account(a), f.mockIn.ID); return err }},
		{name: "RotateKey", call: func(ctx context.Context) error { _, err := c.RotateKey(ctx); return err }},
	}
}

// TestRobustNilContext passes a nil context where the API takes one. The
// library should answer a typed error, never panic. A panic inside
// database/sql with a nil context leaves the pool's mutex locked, so each
// case gets a client of its own, a wedged client is never closed (Close
// would block forever) and each call runs under a timeout.
func TestRobustNilContext(t *testing.T) {
	names := []string{}
	for _, tc := range robustContextCases(newRobustFixture(t)) {
		names = append(names, tc.name)
	}
	names = append(names, "Connector.CreateTicket", "Connector.GetTicket", "Connector.QueryTickets")
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nilctx.db")
			c, err := synqly.Open(context.Background(), synqly.WithDatabasePath(path), synqly.WithSecretKey(testKey), synqly.WithLogger(quiet()))
			require.NoError(t, err)
			f := robustFixtureOn(t, c)
			var call func(context.Context) error
			if i < len(names)-3 {
				call = robustContextCases(f)[i].call
			} else {
				tk, err := ticketing.Open(context.Background(), c, f.mockIn.ID)
				require.NoError(t, err)
				tkt, err := tk.CreateTicket(context.Background(), ticketing.CreateTicketRequest{Summary: "x"})
				require.NoError(t, err)
				call = map[string]func(context.Context) error{
					"Connector.CreateTicket": func(ctx context.Context) error {
						_, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
						return err
					},
					"Connector.GetTicket": func(ctx context.Context) error { _, err := tk.GetTicket(ctx, tkt.ID); return err },
					"Connector.QueryTickets": func(ctx context.Context) error {
						_, err := tk.QueryTickets(ctx, ticketing.QueryTicketsRequest{})
						return err
					},
				}[name]
			}
			type result struct {
				err      error
				panicked string
			}
			done := make(chan result, 1)
			go func() {
				err, p := callNoPanic(nil, call) //nolint:staticcheck
				done <- result{err, p}
			}()
			select {
			case r := <-done:
				if r.panicked != "" {
					t.Fatalf("PANIC on a nil context (the client is now wedged and is not closed): %.900s", r.panicked)
				}
				c.Close()
				if r.err != nil {
					var e *errs.Error
					require.True(t, errors.As(r.err, &e), "want *errs.Error, got %T: %v", r.err, r.err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("a call with a nil context hangs")
			}
		})
	}
}

// TestRobustMockTicketing sends hostile input through a mock ticketing
// connector obtained from the client.
func TestRobustMockTicketing(t *testing.T) {
	f := newRobustFixture(t)
	ctx := context.Background()
	tk, err := ticketing.Open(ctx, f.c, f.mockIn.ID)
	require.NoError(t, err)
	tkt, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "a real ticket", Project: "SEC"})
	require.NoError(t, err)
	notFoundInvalidUnsupported := []error{synqly.ErrNotFound, synqly.ErrInvalidInput, synqly.ErrUnsupported}
	var cases []robustCase
	add := func(name string, want []error, ok bool, call func(ctx context.Context) error) {
		cases = append(cases, robustCase{name: name, want: want, okAllowed: ok, call: call})
	}
	for _, h := range hostileIDs {
		id := h.id
		add("GetTicket/"+h.name, notFoundOrInvalid, false, func(ctx context.Context) error { _, err := tk.GetTicket(ctx, id); return err })
		add("PatchTicket/"+h.name, notFoundOrInvalid, false, func(ctx context.Context) error {
			_, err := tk.PatchTicket(ctx, id, []synqly.PatchOperation{{Op: "replace", Path: "/summary", Value: "x"}})
			return err
		})
		add("CreateComment/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.CreateComment(ctx, id, ticketing.CreateCommentRequest{Content: "x"})
			return err
		})
		add("ListComments/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.ListComments(ctx, id, ticketing.ListRequest{})
			return err
		})
		add("DeleteComment/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			return tk.DeleteComment(ctx, tkt.ID, id)
		})
		add("CreateNote/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.CreateNote(ctx, id, ticketing.CreateNoteRequest{Content: "x"})
			return err
		})
		add("PatchNote/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.PatchNote(ctx, tkt.ID, id, []synqly.PatchOperation{{Op: "replace", Path: "/content", Value: "x"}})
			return err
		})
		add("DeleteNote/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			return tk.DeleteNote(ctx, tkt.ID, id)
		})
		add("CreateAttachment/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.CreateAttachment(ctx, id, ticketing.CreateAttachmentRequest{FileName: "a.txt", Content: []byte("x")})
			return err
		})
		add("DownloadAttachment/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.DownloadAttachment(ctx, tkt.ID, id)
			return err
		})
		add("DeleteAttachment/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			return tk.DeleteAttachment(ctx, tkt.ID, id)
		})
		add("ListAttachmentsMetadata/"+h.name, notFoundInvalidUnsupported, false, func(ctx context.Context) error {
			_, err := tk.ListAttachmentsMetadata(ctx, id)
			return err
		})
		add("ListIssueTypes/"+h.name, notFoundInvalidUnsupported, true, func(ctx context.Context) error {
			_, err := tk.ListIssueTypes(ctx, id)
			return err
		})
		add("ListOnCall/"+h.name, notFoundInvalidUnsupported, true, func(ctx context.Context) error {
			_, err := tk.ListOnCall(ctx, id)
			return err
		})
		add("QueryTickets cursor/"+h.name, []error{synqly.ErrInvalidQuery, synqly.ErrInvalidInput}, h.id == "", func(ctx context.Context) error {
			_, err := tk.QueryTickets(ctx, ticketing.QueryTicketsRequest{Cursor: id})
			return err
		})
		add("ListProjects cursor/"+h.name, []error{synqly.ErrInvalidQuery, synqly.ErrInvalidInput}, h.id == "", func(ctx context.Context) error {
			_, err := tk.ListProjects(ctx, ticketing.ListRequest{Cursor: id})
			return err
		})
	}
	create := func(name string, req ticketing.CreateTicketRequest) {
		// The mock keeps any number of tags.
		add("CreateTicket/"+name, invalidInput, name == "10000 tags", func(ctx context.Context) error { _, err := tk.CreateTicket(ctx, req); return err })
	}
	create("zero value", ticketing.CreateTicketRequest{})
	create("1 MB summary", ticketing.CreateTicketRequest{Summary: mb})
	create("invalid UTF-8 summary", ticketing.CreateTicketRequest{Summary: invalidUTF})
	create("bad priority", ticketing.CreateTicketRequest{Summary: "x", Priority: "SUPER-URGENT"})
	create("10000 tags", ticketing.CreateTicketRequest{Summary: "x", Tags: manyLabels(10000)})
	create("NaN custom field", ticketing.CreateTicketRequest{Summary: "x", CustomFields: map[string]any{"f": math.NaN()}})
	create("channel custom field", ticketing.CreateTicketRequest{Summary: "x", CustomFields: map[string]any{"f": make(chan int)}})
	create("func custom field", ticketing.CreateTicketRequest{Summary: "x", CustomFields: map[string]any{"f": func() {}}})
	for _, p := range hostilePatches {
		ops := p.ops
		for i := range ops {
			if ops[i].Path == "/fullname" || ops[i].Path == "/name" {
				ops = append([]synqly.PatchOperation(nil), ops...)
				ops[i].Path = "/summary"
			}
		}
		want := invalidInput
		if strings.Contains(p.name, "(conflict)") {
			want = []error{synqly.ErrConflict}
		}
		// JSON turns invalid UTF-8 into U+FFFD, a fine summary.
		add("PatchTicket/"+p.name, want, p.name == "name invalid UTF-8", func(ctx context.Context) error {
			_, err := tk.PatchTicket(ctx, tkt.ID, ops)
			return err
		})
	}
	for _, h := range hostileListOptions {
		q := ticketing.QueryTicketsRequest{Filter: h.opts.Filter, Order: h.opts.Order, Limit: h.opts.Limit}
		if len(h.opts.Expand) > 0 {
			continue
		}
		add("QueryTickets/"+h.name, []error{synqly.ErrInvalidQuery}, false, func(ctx context.Context) error {
			_, err := tk.QueryTickets(ctx, q)
			return err
		})
		add("Tickets/"+h.name, []error{synqly.ErrInvalidQuery}, false, func(ctx context.Context) error {
			return firstErr(tk.AllTickets(ctx, q))
		})
	}
	add("CreateAttachment/nil content", invalidInput, true, func(ctx context.Context) error {
		_, err := tk.CreateAttachment(ctx, tkt.ID, ticketing.CreateAttachmentRequest{FileName: "a.txt"})
		return err
	})
	add("CreateAttachment/traversal file name", invalidInput, true, func(ctx context.Context) error {
		_, err := tk.CreateAttachment(ctx, tkt.ID, ticketing.CreateAttachmentRequest{FileName: "../../etc/passwd", Content: []byte("x")})
		return err
	})
	add("CreateAttachment/empty file name", invalidInput, false, func(ctx context.Context) error {
		_, err := tk.CreateAttachment(ctx, tkt.ID, ticketing.CreateAttachmentRequest{Content: []byte("x")})
		return err
	})
	add("CreateComment/empty", invalidInput, false, func(ctx context.Context) error {
		_, err := tk.CreateComment(ctx, tkt.ID, ticketing.CreateCommentRequest{})
		return err
	})
	add("CreateNote/empty", invalidInput, false, func(ctx context.Context) error {
		_, err := tk.CreateNote(ctx, tkt.ID, ticketing.CreateNoteRequest{})
		return err
	})
	add("ListComments/negative limit", []error{synqly.ErrInvalidInput, synqly.ErrInvalidQuery}, false, func(ctx context.Context) error {
		_, err := tk.ListComments(ctx, tkt.ID, ticketing.ListRequest{Limit: -5})
		return err
	})
	add("ListProjects/huge limit", []error{synqly.ErrInvalidInput, synqly.ErrInvalidQuery}, false, func(ctx context.Context) error {
		_, err := tk.ListProjects(ctx, ticketing.ListRequest{Limit: math.MaxInt})
		return err
	})
	runRobust(t, ctx, cases)

	// The connector with a canceled or nil context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	conCalls := []robustCase{
		{name: "CreateTicket", call: func(ctx context.Context) error {
			_, err := tk.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x"})
			return err
		}},
		{name: "GetTicket", call: func(ctx context.Context) error { _, err := tk.GetTicket(ctx, tkt.ID); return err }},
		{name: "QueryTickets", call: func(ctx context.Context) error {
			_, err := tk.QueryTickets(ctx, ticketing.QueryTicketsRequest{})
			return err
		}},
		{name: "Capabilities", call: func(ctx context.Context) error { _, err := tk.Capabilities(ctx); return err }},
	}
	for _, cc := range conCalls {
		t.Run("canceled/"+cc.name, func(t *testing.T) {
			err, panicked := callNoPanic(cctx, cc.call)
			require.Empty(t, panicked)
			if cc.name == "Capabilities" && err == nil {
				return // answered from memory
			}
			require.Error(t, err)
			var e *errs.Error
			require.True(t, errors.As(err, &e), "want *errs.Error, got %T: %v", err, err)
		})
	}
	// The real ticket is intact.
	got, err := tk.GetTicket(ctx, tkt.ID)
	require.NoError(t, err)
	// Only the accepted U+FFFD patch may have changed the summary.
	require.Contains(t, []string{"a real ticket", "bad\uFFFD\uFFFD\uFFFDname"}, got.Summary)
}

// TestRobustEmptyAccountScope: Client.Account("") must not be an unconfined
// handle. Its Audit and Credentials services treat an empty account id as "no
// confinement" and see every account's objects.
func TestRobustEmptyAccountScope(t *testing.T) {
	f := newRobustFixture(t)
	ctx := context.Background()
	scope := f.c.Account("")
	p, err := scope.Audit.List(ctx, synqly.ListOptions{})
	if err == nil {
		for _, ev := range p.Result {
			if ev.AccountID != "" {
				t.Errorf("Account(\"\").Audit.List lists event %s of account %s", ev.ID, ev.AccountID)
				break
			}
		}
	}
	_, err = scope.Credentials.Get(ctx, f.acct.ID, f.cred.ID)
	checkRobustErr(t, err, notFoundOrInvalid, false)
	_, err = scope.Credentials.Lookup(ctx, f.cred.ID)
	checkRobustErr(t, err, notFoundOrInvalid, false)
	cp, err := scope.Credentials.List(ctx, f.acct.ID, synqly.ListOptions{})
	if err == nil && len(cp.Result) > 0 {
		t.Errorf("Account(\"\").Credentials.List lists %d credentials of account %s", len(cp.Result), f.acct.ID)
	}
	_, err = scope.Integrations.Get(ctx, f.mockIn.ID)
	checkRobustErr(t, err, notFoundOrInvalid, false)
	f.stillThere(t)
}
