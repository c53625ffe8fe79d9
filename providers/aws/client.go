package aws

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/hashicorp/go-cleanhttp"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// conn is what every driver of the package holds of its integration: the
// aws.Config its SDK clients are built from (the region, the credential,
// the SDK's own retries off, the shared HTTP plumbing), and the redaction
// of its secrets.
type conn struct {
	vendor string // "s3", "sqs": names the vendor in messages
	cfg    aws.Config
	// own is the HTTP client made here when the request gave none; Close
	// closes its idle connections (never an application's).
	own *http.Client
	red *httpx.Client // redacts the integration's secrets (Snippet, VendorError)
}

// defaultTimeout bounds one vendor call whose context has no deadline,
// as the shared HTTP client does.
const defaultTimeout = 60 * time.Second

// defaultMaxResponse caps the answers the SDK reads whole (all but an
// object's content), as the shared HTTP client does.
const defaultMaxResponse = 32 << 20

// newConn builds the aws.Config of a driver: region, the integration's
// credential (its "credential"), and an *http.Client whose transport is
// the shared plumbing (httpx.Transport: bounded retries, Retry-After, no
// resending of a POST after a 5xx) under the call deadline and the answer
// size cap of req's HTTPOptions. roots names the root elements of XML
// answers (see callTransport); uncapped lists the SDK operations whose
// answers stream (an object's download) and are not capped.
func newConn(ctx context.Context, req providers.OpenRequest, vendor, region string, roots map[string]string, uncapped ...string) (*conn, error) {
	hc := req.HTTPClient
	c := &conn{vendor: vendor}
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
		c.own = hc
	}
	opts := httpx.OptionsFor(req, vendor)
	// Under the shared plumbing, each attempt gets its own handle on a
	// request's body (replay.go).
	inner := *hc
	inner.Transport = &attemptTransport{next: hc.Transport}
	if inner.Transport.(*attemptTransport).next == nil {
		inner.Transport.(*attemptTransport).next = http.DefaultTransport
	}
	opts.HTTPClient = &inner
	t := &callTransport{next: httpx.Transport(opts), vendor: vendor, timeout: req.Timeout, max: req.MaxResponseBytes, uncapped: uncapped, roots: roots}
	if t.timeout <= 0 {
		t.timeout = defaultTimeout
	}
	if t.max <= 0 {
		t.max = defaultMaxResponse
	}
	sdkHTTP := &http.Client{Transport: t}

	cred := req.Credential("credential")
	var secrets []string
	var provider aws.CredentialsProvider
	switch cr := cred.(type) {
	case *credential.AWSCredential:
		if err := cr.Validate(); err != nil {
			return nil, renameCredential(err)
		}
		secrets = append(secrets, cr.SecretAccessKey.Reveal(), cr.Session.Reveal())
		provider = credentials.NewStaticCredentialsProvider(cr.AccessKeyID, cr.SecretAccessKey.Reveal(), cr.Session.Reveal())
	case *credential.AWSRoleCredential:
		if err := cr.Validate(); err != nil {
			return nil, renameCredential(err)
		}
		secrets = append(secrets, cr.ExternalID.Reveal())
		p, err := assumeRole(ctx, cr, region, sdkHTTP, req.IntegrationID)
		if err != nil {
			return nil, err
		}
		provider = p
	default:
		return nil, errs.Invalid("credential", "%s: the credential must be an aws credential (an access key) or an aws_role credential", vendor)
	}
	red, err := httpx.New("https://redaction.invalid", secretAuth(secrets), httpx.Options{Vendor: vendor})
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "%s: redaction", vendor)
	}
	c.red = red
	c.cfg = aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(provider),
		HTTPClient:  sdkHTTP,
		// One attempt: the transport retries, under one policy for every
		// provider of the module.
		Retryer:          func() aws.Retryer { return aws.NopRetryer{} },
		RetryMaxAttempts: 1,
		Logger:           nopLogger{},
		APIOptions:       []func(*middleware.Stack) error{addReplayableBody},
	}
	return c, nil
}

// assumeRole returns the credentials of the role: STS AssumeRole, called
// with the application's own AWS identity — the SDK's default chain of
// the environment (AWS_ACCESS_KEY_ID..., the shared config and
// credentials files, the web identity token, the container's or the
// instance's role) — refreshed before they expire.
func assumeRole(ctx context.Context, cr *credential.AWSRoleCredential, region string, hc *http.Client, integrationID string) (aws.CredentialsProvider, error) {
	// The environment's configuration is read for the source identity
	// only; STS is called through the driver's own HTTP stack (the
	// application's client, the shared retries), not the SDK's.
	src, err := awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRegion(region),
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		awsconfig.WithLogger(nopLogger{}),
	)
	if err != nil {
		return nil, errs.Wrap(errs.InvalidInput, errors.New("the AWS configuration of the environment is not readable"),
			"credential: the role is assumed with the application's own AWS credentials, whose configuration could not be read")
	}
	client := sts.NewFromConfig(src, func(o *sts.Options) {
		o.HTTPClient = hc
		o.Retryer = aws.NopRetryer{}
		o.RetryMaxAttempts = 1
	})
	ext := cr.ExternalID.Reveal()
	name := cr.RoleSessionName
	if name == "" {
		name = sessionName(integrationID)
	}
	return stscreds.NewAssumeRoleProvider(client, cr.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = &ext
		o.RoleSessionName = name
		if cr.Duration > 0 {
			o.Duration = time.Duration(cr.Duration) * time.Second
		}
	}), nil
}

// sessionName is the role session's name when the credential names none:
// "synqly-<integration id>" (so CloudTrail tells integrations apart), in
// the characters and the length STS takes.
func sessionName(integrationID string) string {
	s := "synqly"
	if integrationID != "" {
		s += "-" + strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("+=,.@_-", r) {
				return r
			}
			return '-'
		}, integrationID)
	}
	return s[:min(len(s), 64)]
}

// renameCredential moves the field of a credential's own validation error
// ("config.secret_access_key") under "credential".
func renameCredential(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		c := *e
		c.Field = "credential" + strings.TrimPrefix(e.Field, "config")
		return &c
	}
	return err
}

// secretAuth is an httpx.Auth that authorizes nothing: the integration's
// secrets, for redaction (the SDK signs requests itself).
type secretAuth []string

func (secretAuth) Authorize(context.Context, *http.Request) error { return nil }

func (a secretAuth) Secrets() []string {
	var out []string
	for _, s := range a {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// redact removes the integration's secrets from s (in every encoding),
// makes it one printable line and cuts it to 300 bytes.
func (c *conn) redact(s string) string {
	if s == "" {
		return ""
	}
	return c.red.Snippet([]byte(s))
}

// close closes the idle connections of the HTTP client made here.
func (c *conn) close() {
	if c.own != nil {
		c.own.CloseIdleConnections()
	}
}

// nopLogger keeps the SDK quiet: it logs nothing unless asked, but a
// deprecation or a checksum warning must not reach the process's stderr.
type nopLogger = logging.Nop

// call is what the transport learns of one driver operation, for its
// error: the wait a rate limit asked for, and whether assuming the role
// failed. Operations put one in their context with withCall.
type call struct {
	mu         sync.Mutex
	retryAfter time.Duration
	stsRefused bool
}

type callKey struct{}

func withCall(ctx context.Context) (context.Context, *call) {
	c := &call{}
	return context.WithValue(ctx, callKey{}, c), c
}

func callOf(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// callTransport is the SDK clients' transport: it bounds a call whose
// context has no deadline with the Timeout (until the answer's headers:
// an object's content streams as long as it takes), caps the answers the
// SDK reads whole, and records what errors need (Retry-After) in the
// operation's call. next is the shared plumbing, which retries.
type callTransport struct {
	next     http.RoundTripper
	vendor   string
	timeout  time.Duration
	max      int64
	uncapped []string
	// roots, if set, names the root XML element of an operation's
	// successful answer: an answer without it (a proxy's HTML page) is
	// malformed, where the SDK would read it as an empty result.
	roots map[string]string
}

func (t *callTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	op := awsmiddleware.GetOperationName(ctx)
	service := awsmiddleware.GetServiceID(ctx)
	var cancel context.CancelFunc = func() {}
	var timedOut atomic.Bool
	var timer *time.Timer
	if _, ok := ctx.Deadline(); !ok && t.timeout > 0 {
		ctx, cancel = context.WithCancel(ctx)
		timer = time.AfterFunc(t.timeout, func() { timedOut.Store(true); cancel() })
	}
	r = r.WithContext(ctx)
	if r.GetBody != nil && r.Body != nil && r.Body != http.NoBody {
		r = replayable(r)
	}
	resp, err := t.next.RoundTrip(r)
	if timer != nil && !timer.Stop() || timedOut.Load() {
		if resp != nil {
			resp.Body.Close()
		}
		cancel()
		return nil, &errs.Error{Code: errs.Provider, Cause: context.DeadlineExceeded,
			Message: fmt.Sprintf("%s: %s %s: no answer within the %v timeout", t.vendor, service, op, t.timeout)}
	}
	if err != nil {
		cancel()
		return nil, err
	}
	if c := callOf(r.Context()); c != nil {
		c.mu.Lock()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			if ra, ok := retryAfter(resp.Header); ok {
				c.retryAfter = ra
			}
		}
		if service == "STS" {
			// A 4xx (but a rate limit) refuses the role or the
			// application's own credentials.
			c.stsRefused = resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests
		}
		c.mu.Unlock()
	}
	capped := !containsString(t.uncapped, op)
	if capped && resp.ContentLength > t.max {
		resp.Body.Close()
		cancel()
		return nil, t.tooLarge(service, op, resp.StatusCode)
	}
	if root := t.roots[op]; root != "" && resp.StatusCode/100 == 2 {
		br := bufio.NewReaderSize(resp.Body, 512)
		head, _ := br.Peek(512)
		if len(head) > 0 && !hasRoot(head, root) {
			resp.Body.Close()
			cancel()
			return nil, &errs.Error{Code: errs.Provider, Status: resp.StatusCode,
				Message: fmt.Sprintf("%s: %s %s: HTTP %d: the response is not the XML the API documents (no %s)", t.vendor, service, op, resp.StatusCode, root)}
		}
		resp.Body = readCloser{br, resp.Body}
	}
	b := &body{ReadCloser: resp.Body, cancel: cancel}
	if capped {
		b.left, b.t, b.status, b.service, b.op = t.max, t, resp.StatusCode, service, op
	} else {
		b.left = -1
	}
	resp.Body = b
	return resp, nil
}

func (t *callTransport) tooLarge(service, op string, status int) error {
	return &errs.Error{Code: errs.Provider, Status: status,
		Message: fmt.Sprintf("%s: %s %s: HTTP %d: the response exceeds the %d-byte limit", t.vendor, service, op, status, t.max)}
}

// body is an answer's body: capped at left bytes (-1 for no cap), and
// releasing the call's timer context when closed.
type body struct {
	io.ReadCloser
	cancel      context.CancelFunc
	left        int64
	t           *callTransport
	status      int
	service, op string
	closeOnce   sync.Once
}

func (b *body) Read(p []byte) (int, error) {
	if b.left < 0 {
		return b.ReadCloser.Read(p)
	}
	if b.left == 0 {
		// One byte more says whether the body is longer than the cap.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, b.t.tooLarge(b.service, b.op, b.status)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.closeOnce.Do(b.cancel)
	return err
}

// readCloser reads from a buffer over a body it closes.
type readCloser struct {
	io.Reader
	io.Closer
}

// hasRoot reports whether the XML document starting with head has the
// root element root (after an XML declaration, comments and space).
func hasRoot(head []byte, root string) bool {
	s := string(head)
	for {
		s = strings.TrimLeft(s, " \t\r\n\ufeff")
		switch {
		case strings.HasPrefix(s, "<?"):
			i := strings.Index(s, "?>")
			if i < 0 {
				return true // a declaration longer than the head: let the SDK judge
			}
			s = s[i+2:]
		case strings.HasPrefix(s, "<!--"):
			i := strings.Index(s, "-->")
			if i < 0 {
				return true
			}
			s = s[i+3:]
		default:
			if !strings.HasPrefix(s, "<"+root) {
				return false
			}
			rest := s[len(root)+1:]
			return rest == "" || strings.ContainsAny(rest[:1], " \t\r\n>/")
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// retryAfter parses a Retry-After header: seconds, or an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// answer is the vendor's answer behind an SDK error, as the SDK read it.
type answer struct {
	resp    *smithyhttp.Response
	code    string // the vendor's error code ("NoSuchKey", "QueueDoesNotExist")
	message string
	// malformed says the answer could not be read (the body is not the
	// XML or JSON the API documents, or stopped short).
	malformed bool
	// sts says the answer is STS's, to the AssumeRole of the credential.
	sts bool
}

// stsPrefix starts the message of an answer of STS.
const stsPrefix = "STS AssumeRole: "

// answerOf finds the vendor's answer in an SDK error with as
// (errors.As, or a gocloud bucket's ErrorAs); nil when the error is not
// one (a dropped connection, a cancelled context).
func answerOf(err error, as func(error, any) bool) *answer {
	var re *smithyhttp.ResponseError
	if !as(err, &re) || re.Response == nil || re.Response.Response == nil {
		return nil
	}
	a := &answer{resp: re.Response}
	var oe *smithy.OperationError
	a.sts = as(err, &oe) && oe.ServiceID == "STS"
	var ae smithy.APIError
	var de *smithy.DeserializationError
	switch {
	case as(err, &ae):
		a.code, a.message = ae.ErrorCode(), ae.ErrorMessage()
	case as(err, &de):
		a.malformed = true
	}
	return a
}

// providerError describes the answer as an errs.ProviderError, redacted.
func (c *conn) providerError(a *answer) *errs.ProviderError {
	req := a.resp.Request
	method, path := "", ""
	if req != nil && req.URL != nil {
		method, path = req.Method, req.URL.Path
	}
	pe := c.red.VendorError(method, path, a.resp.StatusCode, a.resp.Header, nil)
	pe.Code = c.redact(a.code)
	pe.Message = c.redact(a.message)
	if a.malformed {
		pe.Message = "the response is not what the API documents (it does not decode, or stops short)"
	}
	if a.sts {
		pe.Message = stsPrefix + pe.Message
	}
	return pe
}

// authCodes are the vendors' codes for a credential that is not (or no
// longer) valid, whatever status they come with (S3 and SQS answer 403).
var authCodes = map[string]bool{
	"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "ExpiredToken": true, "ExpiredTokenException": true,
	"InvalidToken": true, "TokenRefreshRequired": true, "InvalidClientTokenId": true, "UnrecognizedClientException": true,
	"MissingAuthenticationToken": true, "IncompleteSignature": true, "InvalidSecurity": true, "AuthFailure": true,
	"MissingAuthenticationTokenException": true,
}

// throttleCodes are the vendors' codes for a rate limit.
var throttleCodes = map[string]bool{
	"SlowDown": true, "Throttling": true, "ThrottlingException": true, "RequestThrottled": true,
	"RequestThrottledException": true, "TooManyRequestsException": true, "RequestLimitExceeded": true,
	"KmsThrottled": true, "KMS.ThrottlingException": true,
}

// finish completes the error of an operation: the wait a rate limit asked
// for, a refused credential as Unauthorized (S3 and SQS answer a key they
// do not know with 403), the role that could not be assumed said so.
func (c *conn) finish(cl *call, err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	var pe *errs.ProviderError
	if errors.As(e, &pe) && authCodes[pe.Code] && (out.Code == errs.Forbidden || out.Code == errs.Provider || out.Code == errs.InvalidInput) {
		out.Code = errs.Unauthorized
	}
	if pe != nil && throttleCodes[pe.Code] && out.Code != errs.RateLimited {
		out.Code = errs.RateLimited
	}
	// STS refused the role (or the application's own credentials): seen
	// by this call's transport, or in the answer of a call it shared the
	// credentials' retrieval with.
	sts := pe != nil && strings.HasPrefix(pe.Message, stsPrefix) && pe.Status >= 400 && pe.Status < 500 && pe.Status != http.StatusTooManyRequests
	if cl != nil {
		cl.mu.Lock()
		ra := cl.retryAfter
		sts = sts || cl.stsRefused
		cl.mu.Unlock()
		if out.Code == errs.RateLimited && out.RetryAfter == 0 {
			out.RetryAfter = ra
		}
	}
	if sts && out.Code != errs.Canceled && out.Code != errs.DeadlineExceeded {
		// The role was not assumed: the integration's credential is not
		// usable, whatever STS's status.
		out.Code = errs.Unauthorized
		out.Message += ": the role could not be assumed (STS AssumeRole refused)"
	}
	return &out
}
