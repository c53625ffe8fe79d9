// Package faultsuite is the fault and secret-leak suite every provider of
// every connector runs, written once. A connector's conformance package
// (ticketingtest.RunFaults, notificationstest.RunFaults) turns its own
// harness into a Harness — a read and a write of that connector, through a
// Connector whose telemetry the suite watches — and the suite drives the
// provider's vendor fake (a fakekit.Kit) through the vendor's failures:
// rate limits with Retry-After and the vendor's own headers, bursts of 5xx,
// dropped connections, answers lost after a write, timeouts and
// cancellation, malformed, truncated and oversized bodies, refused
// credentials, and vendors echoing secrets back.
//
// What is retried follows the shared HTTP plumbing's rules: reads are
// retried after a 429, a 5xx or a dropped connection; writes only after a
// 429 (the vendor did not run them), unless the vendor deduplicates them
// (Harness.IdempotentWrite).
package faultsuite

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// Env is what the suite asks a harness to build a target with.
type Env struct {
	// HTTP tunes the driver's HTTP plumbing (OpenRequest.HTTPOptions).
	HTTP providers.HTTPOptions
	// Logger receives the driver's logs (OpenRequest.Logger) and the
	// connector's debug lines.
	Logger *slog.Logger
	// Telemetry is what the connector reports to (its Logger is Logger).
	Telemetry providers.Telemetry
}

// Target is one provider's connector, seen through two operations.
type Target struct {
	// ReadOp and WriteOp name the operations, as the connector's errors
	// name them ("get_ticket", "create_ticket").
	ReadOp, WriteOp string
	// Read runs an idempotent read of something that exists; nil for a
	// provider with no vendor read (a webhook): the suite then aims every
	// fault at the write, with the write's rules, and skips what only a
	// read can show (retries after 5xx and dropped connections).
	Read func(ctx context.Context) error
	// Write creates something.
	Write func(ctx context.Context) error
	// Close releases the driver.
	Close func() error
	// Secrets lists secrets this target's driver holds besides
	// Harness.Secrets (the refused credential of OpenUnauthorized's).
	Secrets []string
}

// Harness is a provider, as the suite runs it.
type Harness struct {
	// Provider is the provider config id, e.g. "ticketing_jira".
	Provider string
	// Open starts a fresh vendor fake and returns its kit and a target
	// built with env, over the fake. The fake is closed by t's cleanup.
	Open func(t *testing.T, env Env) (*fakekit.Kit, Target)
	// OpenUnauthorized, if set, returns a target whose credential the fake
	// refuses.
	OpenUnauthorized func(t *testing.T, env Env) (*fakekit.Kit, Target)
	// Secrets lists every secret the target's driver holds; none may show
	// in an error, a log line or a span.
	Secrets []string
	// IdempotentWrite says the vendor deduplicates the write (PagerDuty's
	// incident_key), so a write is retried after a 5xx or a lost answer.
	IdempotentWrite bool
	// RateLimitWithoutRetryAfter says the vendor may announce a rate
	// limit's wait only in its own headers (PagerDuty's ratelimit-reset).
	RateLimitWithoutRetryAfter bool
	// RefreshesOn401 says the driver answers a 401 by fetching a new
	// token (OAuth) and trying once more.
	RefreshesOn401 bool
	// SecretPath says the vendor's URL path is a secret: errors show it
	// redacted.
	SecretPath bool
	// WriteAnswerIgnored says the write's successful answer carries
	// nothing the driver reads (a webhook's 202 Accepted): body faults on
	// it are not errors, and are not injected.
	WriteAnswerIgnored bool
}

// Targets turns a driver a fakekit.Harness opened into the connector's
// target: a Connector over it reporting to env.Telemetry, and the
// connector's read and write. refused says the driver's credential is the
// one the fake refuses (its target needs no read).
type Targets[D any] func(t *testing.T, d D, env Env, refused bool) Target

// RunHarness runs the suite over a connector's provider: h opens drivers,
// targets makes the connector's operations of them.
func RunHarness[D any, C providers.Declared[C]](t *testing.T, h fakekit.Harness[D, C], targets Targets[D]) {
	t.Helper()
	if h.Open == nil || h.Registration.ID == "" {
		t.Fatal("FaultHarness.Open and FaultHarness.Registration are required")
	}
	target := func(open func(*testing.T, providers.OpenRequest) (D, *fakekit.Kit), secrets []string, refused bool) func(*testing.T, Env) (*fakekit.Kit, Target) {
		return func(t *testing.T, env Env) (*fakekit.Kit, Target) {
			d, kit := open(t, providers.OpenRequest{HTTPOptions: env.HTTP, Logger: env.Logger})
			if kit == nil {
				t.Fatal("FaultHarness.Open returned no kit")
			}
			tg := targets(t, d, env, refused)
			if h.NoVendorRead || refused {
				tg.Read = nil
			}
			tg.Secrets = secrets
			return kit, tg
		}
	}
	fh := Harness{
		Provider: h.Registration.ID, Open: target(h.Open, nil, false), Secrets: h.Secrets,
		IdempotentWrite: h.IdempotentCreate, RateLimitWithoutRetryAfter: h.RateLimitWithoutRetryAfter,
		RefreshesOn401: h.RefreshesOn401, WriteAnswerIgnored: h.WriteAnswerIgnored, SecretPath: h.SecretPath,
	}
	if h.OpenUnauthorized != nil {
		fh.OpenUnauthorized = target(h.OpenUnauthorized, h.UnauthorizedSecrets, true)
	}
	Run(t, fh)
}

// Run runs the suite, one subtest per failure.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Open == nil || h.Provider == "" {
		t.Fatal("faultsuite: Harness.Open and Harness.Provider are required")
	}
	s := &suite{h: h}
	t.Run("RateLimitRetried", s.rateLimitRetried)
	t.Run("LongRetryAfter", s.longRetryAfter)
	t.Run("VendorRateLimitHeaders", s.vendorRateLimitHeaders)
	t.Run("ServerErrorsRetriedOnRead", s.serverErrorsRetried)
	t.Run("ServerErrorsExhausted", s.serverErrorsExhausted)
	t.Run("ServerErrorOnWrite", s.serverErrorOnWrite)
	t.Run("AnswerLostAfterWrite", s.answerLost)
	t.Run("DroppedConnectionOnRead", s.droppedConnection)
	t.Run("Timeouts", s.timeouts)
	t.Run("BadBodies", s.badBodies)
	t.Run("OversizedBody", s.oversized)
	t.Run("Unauthorized", s.unauthorized)
	t.Run("VendorError", s.vendorError)
	t.Run("SecretsNeverShown", s.secretsNeverShown)
}

type suite struct{ h Harness }

// fast is the plumbing of most subtests: quick retries, the default count.
var fast = providers.HTTPOptions{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond}

// fixture is an opened target with the vendor requests its operations
// make.
type fixture struct {
	kit *fakekit.Kit
	tg  Target
	// read and write are the first vendor request of Read and of Write
	// (the write's first that is not a GET): what faults aim at.
	read, write endpoint
	// readCalls is how many requests one Read makes.
	readCalls int
}

type endpoint struct{ method, path string }

func (e endpoint) String() string { return e.method + " " + e.path }

func (s *suite) open(t *testing.T, opts providers.HTTPOptions) *fixture {
	t.Helper()
	env := Env{HTTP: opts, Logger: slog.New(slog.DiscardHandler)}
	env.Telemetry.Logger = env.Logger
	kit, tg := s.h.Open(t, env)
	t.Cleanup(func() { _ = tg.Close() })
	return s.probe(t, kit, tg)
}

// probe learns which vendor requests the target's operations make, after
// a warm-up (drivers may load and cache catalogs on their first call).
func (s *suite) probe(t *testing.T, kit *fakekit.Kit, tg Target) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{kit: kit, tg: tg}
	if tg.Read != nil {
		if err := tg.Read(ctx); err != nil {
			t.Fatalf("%s: the read fails without any fault: %v", tg.ReadOp, err)
		}
		kit.ResetRequests()
		if err := tg.Read(ctx); err != nil {
			t.Fatalf("%s: %v", tg.ReadOp, err)
		}
		reqs := kit.Requests()
		if len(reqs) == 0 {
			t.Fatalf("%s sent no request to the fake", tg.ReadOp)
		}
		f.read, f.readCalls = endpoint{reqs[0].Method, reqs[0].Path}, len(reqs)
		kit.ResetRequests()
	}
	if tg.Read == nil {
		// The warm-up, for a target whose write is all it has (a token
		// fetched, a catalog loaded).
		if err := tg.Write(ctx); err != nil {
			t.Fatalf("%s: the write fails without any fault: %v", tg.WriteOp, err)
		}
		kit.ResetRequests()
	}
	if err := tg.Write(ctx); err != nil {
		t.Fatalf("%s: the write fails without any fault: %v", tg.WriteOp, err)
	}
	reqs := kit.Requests()
	if len(reqs) == 0 {
		t.Fatalf("%s sent no request to the fake", tg.WriteOp)
	}
	f.write = endpoint{reqs[0].Method, reqs[0].Path}
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			f.write = endpoint{r.Method, r.Path}
			break
		}
	}
	kit.ResetRequests()
	if tg.Read == nil {
		// The write stands in for the read, with the write's rules.
		f.read, f.readCalls = f.write, len(reqs)
	}
	return f
}

// hasRead reports whether the target has a vendor read.
func (f *fixture) hasRead() bool { return f.tg.Read != nil }

// probeOp runs the read, or the write of a target without one.
func (f *fixture) probeOp(ctx context.Context) error {
	if f.tg.Read != nil {
		return f.tg.Read(ctx)
	}
	return f.tg.Write(ctx)
}

// probeName names what probeOp runs.
func (f *fixture) probeName() string {
	if f.tg.Read != nil {
		return f.tg.ReadOp
	}
	return f.tg.WriteOp
}

// needRead skips a subtest that only a read can run.
func needRead(t *testing.T, f *fixture, why string) {
	t.Helper()
	if !f.hasRead() {
		t.Skipf("the provider has no vendor read: %s", why)
	}
}

// at returns f aimed at e.
func at(e endpoint, f fakekit.Fault) fakekit.Fault {
	f.Method, f.Path = e.method, e.path
	return f
}

func (f *fixture) count(e endpoint) int { return f.kit.Count(e.method, e.path) }

// last returns the last logged request to e.
func (f *fixture) last(e endpoint) (fakekit.Request, bool) {
	reqs := f.kit.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == e.method && reqs[i].Path == e.path {
			return reqs[i], true
		}
	}
	return fakekit.Request{}, false
}

// wantCode checks err's code and returns it as an *errs.Error naming the
// provider and the operation.
func (s *suite) wantCode(t *testing.T, err error, code errs.Code, op string) *errs.Error {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Errorf("want an %s error, got %v (%T)", code, err, err)
		return nil
	}
	if e.Code != code {
		t.Errorf("want code %s, got %s: %v", code, e.Code, err)
	}
	if e.Provider != s.h.Provider || e.Operation != op {
		t.Errorf("the error names provider %q and operation %q, want %q and %q: %v", e.Provider, e.Operation, s.h.Provider, op, err)
	}
	return e
}

func (s *suite) rateLimitRetried(t *testing.T) {
	f := s.open(t, fast)
	if f.hasRead() {
		f.kit.Inject(at(f.read, fakekit.Fault{Times: 2, Status: http.StatusTooManyRequests}))
		if err := f.tg.Read(t.Context()); err != nil {
			t.Fatalf("%s after two 429s: %v", f.tg.ReadOp, err)
		}
		if n, want := len(f.kit.Requests()), f.readCalls+2; n != want {
			t.Errorf("%d requests, want %d (two 429s, then the read)", n, want)
		}
	}
	// A rate-limited write was not run by the vendor: it is retried.
	f.kit.ResetRequests()
	f.kit.Inject(at(f.write, fakekit.Fault{Status: http.StatusTooManyRequests}))
	if err := f.tg.Write(t.Context()); err != nil {
		t.Fatalf("%s after a 429: %v", f.tg.WriteOp, err)
	}
	if n := f.count(f.write); n != 2 {
		t.Errorf("%s sent %d times, want 2", f.write, n)
	}
}

func (s *suite) longRetryAfter(t *testing.T) {
	f := s.open(t, fast)
	f.kit.Inject(at(f.read, fakekit.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second}))
	start := time.Now()
	err := f.probeOp(t.Context())
	e := s.wantCode(t, err, errs.RateLimited, f.probeName())
	if e != nil && e.RetryAfter != 30*time.Second {
		t.Errorf("RetryAfter %v, want 30s: %v", e.RetryAfter, err)
	}
	if n := f.count(f.read); n != 1 {
		t.Errorf("a wait beyond RetryWaitMax is not waited for: %d attempts", n)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the call took %v", el)
	}
}

func (s *suite) vendorRateLimitHeaders(t *testing.T) {
	if !s.h.RateLimitWithoutRetryAfter {
		t.Skip("the vendor always sends Retry-After with a 429")
	}
	f := s.open(t, fast)
	f.kit.Inject(at(f.read, fakekit.Fault{Status: http.StatusTooManyRequests, RetryAfter: 20 * time.Second, OmitRetryAfter: true}))
	e := s.wantCode(t, f.probeOp(t.Context()), errs.RateLimited, f.probeName())
	if e != nil && e.RetryAfter != 20*time.Second {
		t.Errorf("RetryAfter %v, want the 20s of the vendor's own header", e.RetryAfter)
	}
	f.kit.Inject(at(f.read, fakekit.Fault{Status: http.StatusTooManyRequests, OmitRetryAfter: true}))
	if err := f.probeOp(t.Context()); err != nil {
		t.Errorf("a 429 whose vendor header says 0s: want a retry and success, got %v", err)
	}
}

func (s *suite) serverErrorsRetried(t *testing.T) {
	f := s.open(t, fast)
	needRead(t, f, "ServerErrorOnWrite checks the write")
	for _, st := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		f.kit.Inject(at(f.read, fakekit.Fault{Status: st}))
	}
	if err := f.tg.Read(t.Context()); err != nil {
		t.Fatalf("%s after a 500, a 502 and a 503: %v", f.tg.ReadOp, err)
	}
	if n, want := len(f.kit.Requests()), f.readCalls+3; n != want {
		t.Errorf("%d requests, want %d", n, want)
	}
}

func (s *suite) serverErrorsExhausted(t *testing.T) {
	f := s.open(t, fast)
	needRead(t, f, "ServerErrorOnWrite checks the write")
	f.kit.Inject(at(f.read, fakekit.Fault{Times: 10, Status: http.StatusInternalServerError}))
	err := f.tg.Read(t.Context())
	e := s.wantCode(t, err, errs.Provider, f.tg.ReadOp)
	if r, ok := f.last(f.read); e != nil && ok && e.Status != r.Status {
		t.Errorf("status %d, want the vendor's %d", e.Status, r.Status)
	}
	if n := f.count(f.read); n != 4 {
		t.Errorf("%s sent %d times, want 1 + 3 retries", f.read, n)
	}
}

func (s *suite) serverErrorOnWrite(t *testing.T) {
	s.writeFault(t, fakekit.Fault{Status: http.StatusInternalServerError}, "a write the vendor may have run was retried")
}

func (s *suite) answerLost(t *testing.T) {
	s.writeFault(t, fakekit.Fault{Body: fakekit.BodyLost}, "a write whose answer was lost was sent again: it may now exist twice")
}

// writeFault hits the write with fault, after which the vendor may have
// run it: a write the vendor deduplicates is retried and succeeds, any
// other is sent once and fails.
func (s *suite) writeFault(t *testing.T, fault fakekit.Fault, resent string) {
	f := s.open(t, fast)
	f.kit.Inject(at(f.write, fault))
	err := f.tg.Write(t.Context())
	if s.h.IdempotentWrite {
		if err != nil {
			t.Errorf("the vendor deduplicates %s: want a retry and success, got %v", f.tg.WriteOp, err)
		}
		if n := f.count(f.write); n != 2 {
			t.Errorf("%s sent %d times, want 2", f.write, n)
		}
		return
	}
	s.wantCode(t, err, errs.Provider, f.tg.WriteOp)
	if n := f.count(f.write); n != 1 {
		t.Errorf("%s (%s sent %d times)", resent, f.write, n)
	}
}

func (s *suite) droppedConnection(t *testing.T) {
	f := s.open(t, fast)
	needRead(t, f, "a dropped write is AnswerLostAfterWrite's business")
	f.kit.Inject(at(f.read, fakekit.Fault{Body: fakekit.BodyDropped}))
	if err := f.tg.Read(t.Context()); err != nil {
		t.Fatalf("%s after a dropped connection: %v", f.tg.ReadOp, err)
	}
	if n, want := len(f.kit.Requests()), f.readCalls+1; n != want {
		t.Errorf("%d requests, want %d", n, want)
	}
}

func (s *suite) timeouts(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	// Runs after the harness's cleanups (closing the fake and the driver).
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	f := s.open(t, providers.HTTPOptions{Timeout: 100 * time.Millisecond, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	f.kit.SetDelay(5 * time.Second)
	defer f.kit.SetDelay(0)
	start := time.Now()
	// The driver's own Timeout bounds a call without a deadline: the
	// vendor was slow, a provider error.
	s.wantCode(t, f.probeOp(t.Context()), errs.Provider, f.probeName())
	// The caller's deadline and cancellation keep their own codes.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	err := f.probeOp(ctx)
	cancel()
	s.wantCode(t, err, errs.DeadlineExceeded, f.probeName())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) is false: %v", err)
	}
	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(30*time.Millisecond, cancel)
	err = f.tg.Write(ctx)
	s.wantCode(t, err, errs.Canceled, f.tg.WriteOp)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) is false: %v", err)
	}
	if el := time.Since(start); el > 4*time.Second {
		t.Errorf("the three timed-out calls took %v", el)
	}
}

func (s *suite) badBodies(t *testing.T) {
	f := s.open(t, fast)
	if !f.hasRead() && s.h.WriteAnswerIgnored {
		t.Skip("the provider has no vendor read and reads nothing of the write's answer")
	}
	for _, b := range []fakekit.BodyFault{fakekit.BodyMalformed, fakekit.BodyTruncated} {
		if !f.hasRead() {
			break
		}
		f.kit.Inject(at(f.read, fakekit.Fault{Body: b}))
		err := f.tg.Read(t.Context())
		if e := s.wantCode(t, err, errs.Provider, f.tg.ReadOp); e != nil && !strings.Contains(e.Error(), "response") {
			t.Errorf("%s body: the error does not say the response was bad: %v", b, err)
		}
	}
	if err := f.probeOp(t.Context()); err != nil {
		t.Errorf("the call after the bad bodies: %v", err)
	}
	if s.h.WriteAnswerIgnored {
		return
	}
	f.kit.ResetRequests()
	f.kit.Inject(at(f.write, fakekit.Fault{Body: fakekit.BodyMalformed}))
	s.wantCode(t, f.tg.Write(t.Context()), errs.Provider, f.tg.WriteOp)
	if n := f.count(f.write); n != 1 {
		t.Errorf("a write answered with a malformed body was sent %d times, want 1", n)
	}
}

func (s *suite) oversized(t *testing.T) {
	opts := fast
	opts.MaxResponseBytes = 1 << 20
	f := s.open(t, opts)
	if !f.hasRead() && s.h.WriteAnswerIgnored {
		t.Skip("the provider has no vendor read and reads nothing of the write's answer")
	}
	f.kit.Inject(at(f.read, fakekit.Fault{Body: fakekit.BodyOversized, Size: 3 << 20}))
	err := f.probeOp(t.Context())
	if e := s.wantCode(t, err, errs.Provider, f.probeName()); e != nil && !strings.Contains(err.Error(), "limit") {
		t.Errorf("the error does not name the size limit: %v", err)
	}
	if err := f.probeOp(t.Context()); err != nil {
		t.Errorf("the call after the oversized answer: %v", err)
	}
}

func (s *suite) unauthorized(t *testing.T) {
	f := s.open(t, fast)
	tries := 1
	if s.h.RefreshesOn401 {
		tries = 2 // once more, with a fresh token
	}
	f.kit.Inject(at(f.read, fakekit.Fault{Status: http.StatusUnauthorized, Times: tries}))
	s.wantCode(t, f.probeOp(t.Context()), errs.Unauthorized, f.probeName())
	if n := f.count(f.read); n != tries {
		t.Errorf("a 401 was tried %d times, want %d", n, tries)
	}
	if s.h.OpenUnauthorized == nil {
		return
	}
	env := Env{HTTP: fast, Logger: slog.New(slog.DiscardHandler)}
	kit, tg := s.h.OpenUnauthorized(t, env)
	defer tg.Close()
	uf := &fixture{tg: tg}
	err := uf.probeOp(t.Context())
	s.wantCode(t, err, errs.Unauthorized, uf.probeName())
	if n := len(kit.Requests()); n != 1 && !s.h.RefreshesOn401 {
		t.Errorf("a refused credential was tried %d times, want once", n)
	}
	s.noSecrets(t, "error", fmt.Sprintf("%v %+v", err, err), tg.Secrets...)
}

func (s *suite) vendorError(t *testing.T) {
	f := s.open(t, fast)
	const says = "the vendor says no to this request"
	f.kit.Inject(at(f.read, fakekit.Fault{Status: http.StatusNotFound, Message: says}))
	err := f.probeOp(t.Context())
	s.wantCode(t, err, errs.NotFound, f.probeName())
	var pe *errs.ProviderError
	if !errors.As(err, &pe) {
		t.Fatalf("the vendor's answer is not reachable with errors.As(*errs.ProviderError): %v", err)
	}
	r, _ := f.last(f.read)
	if pe.Provider != s.h.Provider || pe.Operation != f.probeName() {
		t.Errorf("ProviderError names %q/%q, want %q/%q", pe.Provider, pe.Operation, s.h.Provider, f.probeName())
	}
	path := r.Path
	if s.h.SecretPath {
		// The path is the secret: it shows redacted.
		path = pe.Path
		if !strings.Contains(pe.Path, "[REDACTED]") || strings.Contains(pe.Path, r.Path) {
			t.Errorf("ProviderError.Path %q: the path is a secret, and must show redacted", pe.Path)
		}
	}
	if pe.Status != r.Status || pe.Method != r.Method || pe.Path != path {
		t.Errorf("ProviderError says %s %s HTTP %d, the fake saw %s %s and answered %d", pe.Method, pe.Path, pe.Status, r.Method, r.Path, r.Status)
	}
	if !strings.Contains(pe.Message, says) && !strings.Contains(pe.Body, says) {
		t.Errorf("ProviderError has neither the vendor's message nor a snippet of it: %+v", pe)
	}
	if r.RequestID != "" && pe.RequestID != r.RequestID {
		t.Errorf("ProviderError.RequestID %q, want the vendor's %q", pe.RequestID, r.RequestID)
	}
}

// secretsNeverShown makes the vendor echo every secret back, in every
// encoding, in error answers and a malformed body, and checks the errors,
// the driver's and the connector's logs and the spans.
func (s *suite) secretsNeverShown(t *testing.T) {
	if len(s.h.Secrets) == 0 {
		t.Fatal("Harness.Secrets is empty: the suite cannot check that they never show")
	}
	var logs fakekit.Logs
	spans := tracetest.NewInMemoryExporter()
	tp := trace.NewTracerProvider(trace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	env := Env{HTTP: fast, Logger: logs.Logger()}
	env.Telemetry = providers.Telemetry{Logger: env.Logger, TracerProvider: tp}
	kit, tg := s.h.Open(t, env)
	defer tg.Close()
	f := s.probe(t, kit, tg)

	var echoes []string
	for _, sec := range s.h.Secrets {
		js, _ := json.Marshal(sec)
		echoes = append(echoes, sec, string(js), url.QueryEscape(sec),
			base64.StdEncoding.EncodeToString([]byte(sec)), "Bearer "+sec, `{"token":"`+sec+`"}`)
	}
	var errsSeen []error
	for i, echo := range echoes {
		status := []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusInternalServerError}[i%5]
		times := 1
		if status >= 500 {
			times = 4 // past the retries
		}
		if !f.hasRead() && !s.h.IdempotentWrite {
			times = 1 // a write is not retried, unless the vendor deduplicates it
		}
		f.kit.Inject(at(f.read, fakekit.Fault{Status: status, Times: times, Message: "rejected: " + echo}))
		errsSeen = append(errsSeen, f.probeOp(t.Context()))
		f.kit.Inject(at(f.write, fakekit.Fault{Status: http.StatusBadRequest, Message: echo}))
		errsSeen = append(errsSeen, f.tg.Write(t.Context()))
	}
	if f.hasRead() || !s.h.WriteAnswerIgnored {
		f.kit.Inject(at(f.read, fakekit.Fault{Body: fakekit.BodyMalformed, Message: `{"echo":"` + s.h.Secrets[0] + `", "x": `}))
		errsSeen = append(errsSeen, f.probeOp(t.Context()))
	}
	if err := f.probeOp(t.Context()); err != nil {
		t.Fatalf("the call after the echoes: %v", err)
	}
	for i, err := range errsSeen {
		if err == nil {
			t.Errorf("call %d succeeded although the vendor refused it", i)
			continue
		}
		s.noSecrets(t, "error", fmt.Sprintf("%v\n%+v\n%#v", err, err, err))
		var pe *errs.ProviderError
		if errors.As(err, &pe) {
			s.noSecrets(t, "ProviderError", fmt.Sprintf("%+v", *pe))
		}
	}
	if logs.Len() == 0 {
		t.Error("nothing was logged at debug level: the check of the logs saw nothing")
	}
	s.noSecrets(t, "logs", logs.String())
	got := spans.GetSpans()
	if len(got) == 0 {
		t.Error("no span was recorded: the check of the spans saw nothing")
	}
	for _, sp := range got {
		text := fmt.Sprintf("%s %v %v %v", sp.Name, sp.Attributes, sp.Status, sp.Events)
		s.noSecrets(t, "span "+sp.Name, text)
	}
}

func (s *suite) noSecrets(t *testing.T, where, text string, more ...string) {
	t.Helper()
	for _, sec := range append(slices.Clone(s.h.Secrets), more...) {
		for _, form := range []string{sec, url.QueryEscape(sec), base64.StdEncoding.EncodeToString([]byte(sec))} {
			if form != "" && strings.Contains(text, form) {
				t.Errorf("the %s show a secret (%d bytes):\n%s", where, len(sec), clip(text))
				return
			}
		}
	}
}

func clip(s string) string { return textcheck.ClipN(s, 2000) }
