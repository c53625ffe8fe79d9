// Package sqsfake is an in-memory Amazon SQS for tests, built on the
// module's fake kit (fakekit): the AWS JSON 1.0 protocol the AWS SDKs
// speak to SQS (POST / with "X-Amz-Target: AmazonSQS.<Action>" and
// "Content-Type: application/x-amz-json-1.0"), SigV4 request signatures
// checked against the access keys it knows, and the queue operations a
// producer and a consumer use: SendMessage, SendMessageBatch,
// ReceiveMessage, DeleteMessage, CreateQueue and GetQueueUrl.
//
// What it follows of the SQS API reference: batches of 1 to 10 entries
// with distinct ids of up to 80 letters, digits, '-' and '_'; the sum of a
// batch's bodies, like one body, at most the queue's MaximumMessageSize
// (1 MiB by default); bodies of the characters SQS allows; MD5OfMessageBody
// in the answers (which the SDKs check); FIFO queues (a name ending in
// ".fifo") requiring a MessageGroupId and a MessageDeduplicationId,
// deduplicating within 5 minutes and keeping a group's order; errors as
// {"__type": ..., "message": ...} with the legacy query code in
// x-amzn-query-error; batch entries that fail alone listed in Failed with
// SenderFault. What it does not: message attributes are accepted but not
// checked or hashed, delays, dead-letter queues, long polling
// (WaitTimeSeconds answers at once), queue attributes other than
// MaximumMessageSize and VisibilityTimeout, IAM policies.
//
// EXPERIMENTAL: for this module's tests; it may change between minor
// versions.
package sqsfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The fake's default identity.
const (
	// AccessKeyID and SecretKey are the access key the fake knows when
	// Options.Keys is empty.
	AccessKeyID = "AKIASQSFAKEEXAMPLE01"
	SecretKey   = "sqsfake/Secret+Key/0123456789abcdefEXAMPLE"
	// AccountID is the account of the fake's queues.
	AccountID = "000000000000"
	// Region is the region the fake expects signatures for by default.
	Region = "us-east-1"
	// DefaultMaxMessageSize is a queue's MaximumMessageSize by default:
	// 1 MiB, SQS's default and most since 2025.
	DefaultMaxMessageSize = 1 << 20
	// RequestIDHeader is the header SQS names its request ids in.
	RequestIDHeader = "x-amzn-RequestId"
)

// Options configure a Server.
type Options struct {
	// Keys maps the access key ids the fake accepts to their secret keys
	// (default: AccessKeyID → SecretKey).
	Keys map[string]string
	// Tokens maps access key ids of temporary credentials to the session
	// token that must come with them (X-Amz-Security-Token).
	Tokens map[string]string
	// Region is the region signatures must be for (default Region).
	Region string
	// Refuse, if set, is asked of every message body sent: a body it
	// refuses fails alone, as an entry of Failed (a batch) or the call's
	// error (SendMessage), with SQS's code and message and SenderFault.
	Refuse func(body string) (code, message string, senderFault, refused bool)
}

// Message is a message of a queue.
type Message struct {
	// MessageID is the id SQS gave the message.
	MessageID string
	// Body is its body.
	Body string
	// MD5 is the hex MD5 of the body.
	MD5 string
	// GroupID and DeduplicationID are a FIFO queue's.
	GroupID, DeduplicationID string
	// SequenceNumber orders a FIFO queue's messages.
	SequenceNumber string
	// Sent is when it was sent.
	Sent time.Time

	receipt   string
	invisible time.Time
}

type queue struct {
	name     string
	fifo     bool
	maxSize  int
	vis      time.Duration
	messages []*Message
	dedup    map[string]dedupEntry // a FIFO queue's deduplication ids
	sequence int64
	failNext []entryFault // entry faults for the next entries sent
}

type dedupEntry struct {
	id   string
	when time.Time
}

type entryFault struct {
	code        string
	senderFault bool
}

// Server is a fake SQS. It is safe for concurrent use.
type Server struct {
	*fakekit.Kit
	// URL is the fake's endpoint, e.g. http://127.0.0.1:41234; a queue's
	// URL is <URL>/<AccountID>/<name>.
	URL string

	opts Options
	srv  *httptest.Server
	mu   sync.Mutex
	qs   map[string]*queue
	now  func() time.Time
}

// New starts a fake SQS on a loopback port; Close stops it.
func New(opts Options) *Server {
	if len(opts.Keys) == 0 {
		opts.Keys = map[string]string{AccessKeyID: SecretKey}
	}
	if opts.Region == "" {
		opts.Region = Region
	}
	s := &Server{opts: opts, qs: map[string]*queue{}, now: time.Now}
	s.Kit = fakekit.New(fakekit.Vendor{Name: "sqs", WriteError: writeKitError, RequestIDHeader: RequestIDHeader})
	s.srv = httptest.NewServer(s.Kit.Handler(http.HandlerFunc(s.serve)))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// CreateQueue creates a queue (a FIFO queue if name ends in ".fifo") and
// returns its URL; a queue that exists is kept.
func (s *Server) CreateQueue(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.createLocked(name)
	return s.queueURL(name)
}

func (s *Server) createLocked(name string) *queue {
	if q, ok := s.qs[name]; ok {
		return q
	}
	q := &queue{name: name, fifo: strings.HasSuffix(name, ".fifo"), maxSize: DefaultMaxMessageSize, vis: 30 * time.Second, dedup: map[string]dedupEntry{}}
	s.qs[name] = q
	return q
}

func (s *Server) queueURL(name string) string { return s.URL + "/" + AccountID + "/" + name }

// SetMaxMessageSize sets a queue's MaximumMessageSize attribute (1,024 to
// 1,048,576 bytes).
func (s *Server) SetMaxMessageSize(queueURL string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.lookupLocked(queueURL); q != nil {
		q.maxSize = n
	}
}

// FailNextEntries makes the next n entries sent to the queue fail alone
// with code, SenderFault as given (false: SQS's own fault, which the
// sender may send again).
func (s *Server) FailNextEntries(queueURL string, n int, code string, senderFault bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.lookupLocked(queueURL); q != nil {
		for range n {
			q.failNext = append(q.failNext, entryFault{code, senderFault})
		}
	}
}

// Messages returns the messages in the queue (received or not, not
// deleted), oldest first.
func (s *Server) Messages(queueURL string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.lookupLocked(queueURL)
	if q == nil {
		return nil
	}
	out := make([]Message, len(q.messages))
	for i, m := range q.messages {
		out[i] = *m
	}
	return out
}

// lookupLocked finds a queue by its URL's path (/<account>/<name>), so
// that the host a client names it by does not matter.
func (s *Server) lookupLocked(queueURL string) *queue {
	i := strings.Index(queueURL, "/"+AccountID+"/")
	if i < 0 {
		return nil
	}
	return s.qs[queueURL[i+len(AccountID)+2:]]
}

// An apiError is an SQS error answer.
type apiError struct {
	status      int
	code        string // the JSON protocol's shape name
	queryCode   string // the legacy query protocol's code (x-amzn-query-error)
	message     string
	senderFault bool
}

func errBadRequest(code, query, msg string) *apiError {
	return &apiError{http.StatusBadRequest, code, query, msg, true}
}

func errQueue() *apiError {
	return errBadRequest("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func (e *apiError) write(w http.ResponseWriter) {
	fault := "Receiver"
	if e.senderFault {
		fault = "Sender"
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("x-amzn-query-error", e.queryCode+";"+fault)
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + e.code, "message": e.message})
}

// statusCodes are the codes the kit's faults answer a status with.
var statusCodes = map[int][2]string{
	http.StatusBadRequest:            {"InvalidParameterValue", "InvalidParameterValue"},
	http.StatusUnauthorized:          {"UnrecognizedClientException", "UnrecognizedClientException"},
	http.StatusForbidden:             {"AccessDenied", "AccessDenied"},
	http.StatusNotFound:              {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
	http.StatusConflict:              {"QueueNameExists", "QueueAlreadyExists"},
	http.StatusRequestEntityTooLarge: {"BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong"},
	http.StatusTooManyRequests:       {"RequestThrottled", "RequestThrottled"},
	http.StatusInternalServerError:   {"InternalError", "InternalError"},
	http.StatusServiceUnavailable:    {"ServiceUnavailable", "ServiceUnavailable"},
}

// writeKitError is the kit's WriteError: SQS's JSON error answer.
func writeKitError(w http.ResponseWriter, _ *http.Request, status int, message string) {
	c, ok := statusCodes[status]
	if !ok {
		c = [2]string{strings.ReplaceAll(http.StatusText(status), " ", ""), strings.ReplaceAll(http.StatusText(status), " ", "")}
	}
	if message == "" {
		message = http.StatusText(status)
	}
	(&apiError{status, c[0], c[1], message, status < 500}).write(w)
}

// serve is the API: one POST / per action.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	action, ok := strings.CutPrefix(target, "AmazonSQS.")
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		(&apiError{http.StatusNotFound, "UnknownOperationException", "UnknownOperationException", "not an SQS request", true}).write(w)
		return
	case !ok:
		errBadRequest("UnknownOperationException", "UnknownOperationException", "X-Amz-Target names no SQS action").write(w)
		return
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-1.0"):
		errBadRequest("InvalidParameterValue", "InvalidParameterValue", "the content type must be application/x-amz-json-1.0").write(w)
		return
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		return
	}
	if e := s.authenticate(r, body.Bytes()); e != nil {
		e.write(w)
		return
	}
	var out any
	var e *apiError
	switch action {
	case "SendMessageBatch":
		out, e = s.sendBatch(body.Bytes())
	case "SendMessage":
		out, e = s.send(body.Bytes())
	case "ReceiveMessage":
		out, e = s.receive(body.Bytes())
	case "DeleteMessage":
		out, e = s.delete(body.Bytes())
	case "CreateQueue":
		out, e = s.create(body.Bytes())
	case "GetQueueUrl":
		out, e = s.getURL(body.Bytes())
	default:
		e = errBadRequest("UnknownOperationException", "UnknownOperationException", "the fake does not implement "+action)
	}
	if e != nil {
		e.write(w)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

// sigV4 reads an Authorization header of Signature Version 4.
var sigV4 = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)

// authenticate checks the request's SigV4 signature, as SQS does: the
// access key must be known (403 InvalidClientTokenId), the scope the
// fake's region and "sqs", and the signature the one the secret key makes
// of the canonical request (403 SignatureDoesNotMatch).
func (s *Server) authenticate(r *http.Request, body []byte) *apiError {
	denied := func(code, msg string) *apiError {
		return &apiError{http.StatusForbidden, code, code, msg, true}
	}
	m := sigV4.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return denied("MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	keyID, date, region, service, signed, sig := m[1], m[2], m[3], m[4], m[5], m[6]
	secret, ok := s.opts.Keys[keyID]
	if !ok {
		return denied("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if tok, temp := s.opts.Tokens[keyID]; temp && r.Header.Get("X-Amz-Security-Token") != tok {
		return denied("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if service != "sqs" || region != s.opts.Region || !strings.HasPrefix(amzDate, date) {
		return denied("SignatureDoesNotMatch", "Credential should be scoped to a valid region and the sqs service.")
	}
	if t, err := time.Parse("20060102T150405Z", amzDate); err != nil || s.now().Sub(t).Abs() > 15*time.Minute {
		return denied("SignatureDoesNotMatch", "Signature expired or not yet valid.")
	}
	var canon strings.Builder
	canon.WriteString(r.Method + "\n" + canonicalURI(r.URL.EscapedPath()) + "\n" + canonicalQuery(r) + "\n")
	names := strings.Split(signed, ";")
	for _, n := range names {
		var v string
		switch n {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(int64(len(body)), 10)
		default:
			v = strings.Join(r.Header.Values(n), ",")
		}
		canon.WriteString(n + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	canon.WriteString("\n" + signed + "\n" + payload)
	crHash := sha256.Sum256([]byte(canon.String()))
	scope := date + "/" + region + "/" + service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := []byte("AWS4" + secret)
	for _, part := range []string{date, region, service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	if want := hex.EncodeToString(hmacSHA256(key, toSign)); !hmac.Equal([]byte(want), []byte(sig)) {
		return denied("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}
	return nil
}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

func canonicalURI(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func canonicalQuery(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(q[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape percent-encodes all but the unreserved characters, as SigV4
// does.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return errBadRequest("SerializationException", "SerializationException", "the request body is not the JSON of the action")
	}
	return nil
}

type entryIn struct {
	ID                     string          `json:"Id"`
	MessageBody            *string         `json:"MessageBody"`
	DelaySeconds           *int            `json:"DelaySeconds"`
	MessageGroupID         string          `json:"MessageGroupId"`
	MessageDeduplicationID string          `json:"MessageDeduplicationId"`
	MessageAttributes      json.RawMessage `json:"MessageAttributes"`
}

type successOut struct {
	ID             string `json:"Id"`
	MessageID      string `json:"MessageId"`
	MD5            string `json:"MD5OfMessageBody"`
	SequenceNumber string `json:"SequenceNumber,omitempty"`
}

type failedOut struct {
	ID          string `json:"Id"`
	SenderFault bool   `json:"SenderFault"`
	Code        string `json:"Code"`
	Message     string `json:"Message"`
}

// batchID is SQS's rule for a batch entry's id.
var batchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func (s *Server) sendBatch(body []byte) (any, *apiError) {
	var in struct {
		QueueURL string    `json:"QueueUrl"`
		Entries  []entryIn `json:"Entries"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.lookupLocked(in.QueueURL)
	switch {
	case q == nil:
		return nil, errQueue()
	case len(in.Entries) == 0:
		return nil, errBadRequest("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.")
	case len(in.Entries) > 10:
		return nil, errBadRequest("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
			fmt.Sprintf("Maximum number of entries per request are 10. You have sent %d.", len(in.Entries)))
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range in.Entries {
		if !batchID.MatchString(e.ID) {
			return nil, errBadRequest("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
				"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[e.ID] {
			return nil, errBadRequest("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id "+e.ID+" repeated.")
		}
		seen[e.ID] = true
		if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
	}
	if total > q.maxSize {
		return nil, errBadRequest("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong",
			fmt.Sprintf("Batch requests cannot be longer than %d bytes. You have sent %d bytes.", q.maxSize, total))
	}
	out := struct {
		Successful []successOut `json:"Successful"`
		Failed     []failedOut  `json:"Failed"`
	}{Successful: []successOut{}, Failed: []failedOut{}}
	for _, e := range in.Entries {
		ok, e2 := s.enqueueLocked(q, e)
		if e2 != nil {
			out.Failed = append(out.Failed, failedOut{ID: e.ID, SenderFault: e2.senderFault, Code: e2.queryCode, Message: e2.message})
			continue
		}
		ok.ID = e.ID
		out.Successful = append(out.Successful, *ok)
	}
	return out, nil
}

func (s *Server) send(body []byte) (any, *apiError) {
	var in struct {
		QueueURL string `json:"QueueUrl"`
		entryIn
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.lookupLocked(in.QueueURL)
	if q == nil {
		return nil, errQueue()
	}
	if in.MessageBody != nil && len(*in.MessageBody) > q.maxSize {
		return nil, errBadRequest("InvalidParameterValue", "InvalidParameterValue",
			fmt.Sprintf("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.maxSize))
	}
	ok, e := s.enqueueLocked(q, in.entryIn)
	if e != nil {
		return nil, e
	}
	return struct {
		MessageID      string `json:"MessageId"`
		MD5            string `json:"MD5OfMessageBody"`
		SequenceNumber string `json:"SequenceNumber,omitempty"`
	}{ok.MessageID, ok.MD5, ok.SequenceNumber}, nil
}

// dedupWindow is how long a FIFO queue remembers a deduplication id.
const dedupWindow = 5 * time.Minute

// enqueueLocked adds one message, or says why the queue refuses it.
func (s *Server) enqueueLocked(q *queue, e entryIn) (*successOut, *apiError) {
	if len(q.failNext) > 0 {
		f := q.failNext[0]
		q.failNext = q.failNext[1:]
		return nil, &apiError{http.StatusBadRequest, f.code, f.code, "injected failure of the entry", f.senderFault}
	}
	if e.MessageBody == nil || *e.MessageBody == "" {
		return nil, errBadRequest("MissingParameter", "MissingParameter", "The request must contain the parameter MessageBody.")
	}
	text := *e.MessageBody
	if !validText(text) {
		return nil, errBadRequest("InvalidMessageContents", "InvalidMessageContents", "Invalid binary character in the message body.")
	}
	if s.opts.Refuse != nil {
		if code, msg, sender, refused := s.opts.Refuse(text); refused {
			return nil, &apiError{http.StatusBadRequest, code, code, msg, sender}
		}
	}
	sum := md5.Sum([]byte(text))
	m := &Message{MessageID: newID(), Body: text, MD5: hex.EncodeToString(sum[:]), Sent: s.now()}
	if q.fifo {
		if e.MessageGroupID == "" {
			return nil, errBadRequest("MissingParameter", "MissingParameter", "The request must contain the parameter MessageGroupId.")
		}
		if e.MessageDeduplicationID == "" {
			return nil, errBadRequest("InvalidParameterValue", "InvalidParameterValue",
				"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		if d, ok := q.dedup[e.MessageDeduplicationID]; ok && s.now().Sub(d.when) < dedupWindow {
			return &successOut{MessageID: d.id, MD5: m.MD5}, nil
		}
		q.sequence++
		m.GroupID, m.DeduplicationID = e.MessageGroupID, e.MessageDeduplicationID
		m.SequenceNumber = fmt.Sprintf("%020d", q.sequence)
		q.dedup[e.MessageDeduplicationID] = dedupEntry{m.MessageID, s.now()}
	}
	q.messages = append(q.messages, m)
	return &successOut{MessageID: m.MessageID, MD5: m.MD5, SequenceNumber: m.SequenceNumber}, nil
}

// validText reports whether SQS takes every character of s: #x9, #xA,
// #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF.
func validText(s string) bool {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return false
		case r == 0x9 || r == 0xA || r == 0xD:
		case r < 0x20, r > 0xD7FF && r < 0xE000, r == 0xFFFE || r == 0xFFFF:
			return false
		}
	}
	return true
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) receive(body []byte) (any, *apiError) {
	var in struct {
		QueueURL            string `json:"QueueUrl"`
		MaxNumberOfMessages *int   `json:"MaxNumberOfMessages"`
		VisibilityTimeout   *int   `json:"VisibilityTimeout"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	n := 1
	if in.MaxNumberOfMessages != nil {
		n = *in.MaxNumberOfMessages
	}
	if n < 1 || n > 10 {
		return nil, errBadRequest("InvalidParameterValue", "InvalidParameterValue",
			"Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.lookupLocked(in.QueueURL)
	if q == nil {
		return nil, errQueue()
	}
	vis := q.vis
	if in.VisibilityTimeout != nil {
		vis = time.Duration(*in.VisibilityTimeout) * time.Second
	}
	type msgOut struct {
		MessageID     string `json:"MessageId"`
		ReceiptHandle string `json:"ReceiptHandle"`
		MD5OfBody     string `json:"MD5OfBody"`
		Body          string `json:"Body"`
	}
	out := struct {
		Messages []msgOut `json:"Messages"`
	}{Messages: []msgOut{}}
	now := s.now()
	for _, m := range q.messages {
		if len(out.Messages) == n {
			break
		}
		if now.Before(m.invisible) {
			continue
		}
		m.receipt = newID()
		m.invisible = now.Add(vis)
		out.Messages = append(out.Messages, msgOut{m.MessageID, m.receipt, m.MD5, m.Body})
	}
	return out, nil
}

func (s *Server) delete(body []byte) (any, *apiError) {
	var in struct {
		QueueURL      string `json:"QueueUrl"`
		ReceiptHandle string `json:"ReceiptHandle"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.lookupLocked(in.QueueURL)
	if q == nil {
		return nil, errQueue()
	}
	for i, m := range q.messages {
		if m.receipt != "" && m.receipt == in.ReceiptHandle {
			q.messages = slices.Delete(q.messages, i, i+1)
			return struct{}{}, nil
		}
	}
	return nil, errBadRequest("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle is invalid.")
}

// queueName is SQS's rule for a queue's name.
var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$`)

func (s *Server) create(body []byte) (any, *apiError) {
	var in struct {
		QueueName  string            `json:"QueueName"`
		Attributes map[string]string `json:"Attributes"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if !queueName.MatchString(in.QueueName) {
		return nil, errBadRequest("InvalidParameterValue", "InvalidParameterValue",
			"Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.createLocked(in.QueueName)
	if v, ok := in.Attributes["MaximumMessageSize"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1024 || n > DefaultMaxMessageSize {
			return nil, errBadRequest("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter MaximumMessageSize.")
		}
		q.maxSize = n
	}
	if v, ok := in.Attributes["VisibilityTimeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 43200 {
			return nil, errBadRequest("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout.")
		}
		q.vis = time.Duration(n) * time.Second
	}
	return struct {
		QueueURL string `json:"QueueUrl"`
	}{s.queueURL(in.QueueName)}, nil
}

func (s *Server) getURL(body []byte) (any, *apiError) {
	var in struct {
		QueueName string `json:"QueueName"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.qs[in.QueueName]; !ok {
		return nil, errQueue()
	}
	return struct {
		QueueURL string `json:"QueueUrl"`
	}{s.queueURL(in.QueueName)}, nil
}
