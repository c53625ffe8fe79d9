package splunk

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
)

// The bounds of one request to the collector.
const (
	// MaxRequestBytes bounds one request's body, envelopes included: the
	// 1,000,000 bytes of the smallest max_content_length a collector has
	// by default — Splunk Cloud Platform's 1 MB, and Splunk Enterprise's
	// before 7.0 (from 7.0 it is 838,860,800: [http_input]
	// max_content_length in limits.conf). A body over the collector's
	// limit is refused whole (HTTP 413).
	MaxRequestBytes = 1_000_000
	// MaxBatchEvents bounds the events of one request.
	MaxBatchEvents = 1000
)

// Paths of the collector's endpoints, under hec_url.
const (
	eventPath = "/services/collector/event"
	ackPath   = "/services/collector/ack"
)

// channelHeader names a request's data channel.
const channelHeader = "X-Splunk-Request-Channel"

// maxTimeLen is the longest "time" the driver writes: an int64 of
// milliseconds as seconds with three decimals.
const maxTimeLen = 20

// driver is the sink_splunk driver: a sink.Driver over one collector and
// token. It is safe for concurrent use. Sink.Open builds it.
type driver struct {
	sink.Unimplemented // never reached: the one operation is implemented

	http *httpx.Client
	own  *http.Client // the insecure client the driver made, closed on Close

	eventPath, ackPath string
	header             http.Header // the data channel
	channel            string

	index string // the configured index, "" for the token's
	// meta is the envelope after the index: ,"source":…,"sourcetype":…,"event":
	meta []byte
	// head is the envelope after the time for the configured index.
	head   []byte
	limits sink.Limits

	useACK     bool
	ackTimeout time.Duration
}

var _ sink.Driver = (*driver)(nil)

// openSink is Sink.Open.
func openSink(_ context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*SinkConfig](req)
	if err != nil {
		return nil, err
	}
	tok, ok := req.Credential("hec_credential").(*credential.TokenCredential)
	if !ok || tok == nil {
		return nil, errs.Invalid("hec_credential", "splunk: hec_credential must be a token credential holding the HEC token")
	}
	token := tok.Secret.Reveal()
	if !validToken(token) {
		return nil, errs.Invalid("hec_credential", "splunk: the HEC token must be 1 to 1024 printable ASCII characters without spaces")
	}
	origin, prefix, err := hecBase(cfg.HECURL)
	if err != nil {
		return nil, err
	}
	opts := httpx.OptionsFor(req, "splunk")
	opts.ErrorDetail = errorDetail
	var own *http.Client
	if cfg.SkipTLSVerify {
		hc, err := httpx.InsecureClient(req.HTTPClient)
		if err != nil {
			return nil, err
		}
		opts.HTTPClient = hc
		if req.HTTPClient == nil {
			own = hc
		}
		if req.Logger != nil {
			req.Logger.Warn("splunk: skip_tls_verify is on: the collector's TLS certificate is not verified, "+
				"so whoever is on the path can read the HEC token and the events", "integration", req.IntegrationID)
		}
	}
	c, err := httpx.New(origin, httpx.Header("Authorization", "Splunk "+token, token), opts)
	if err != nil {
		return nil, errs.Invalid("hec_url", "hec_url must be an absolute http(s) URL such as https://splunk.example.com:8088")
	}
	ch, err := newChannel()
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "splunk: making a data channel id")
	}
	d := &driver{http: c, own: own, eventPath: prefix + eventPath, ackPath: prefix + ackPath,
		header: http.Header{channelHeader: {ch}}, channel: ch, index: cfg.Index, useACK: cfg.UseACK,
		ackTimeout: time.Duration(cfg.AckTimeoutSeconds) * time.Second}
	if d.ackTimeout == 0 {
		d.ackTimeout = DefaultAckTimeout * time.Second
	}
	if cfg.Source != "" {
		d.meta = append(append(d.meta, `,"source":`...), jsonString(cfg.Source)...)
	}
	d.meta = append(append(d.meta, `,"sourcetype":`...), jsonString(cfg.sourceType())...)
	d.meta = append(d.meta, `,"event":`...)
	d.head = d.headFor(cfg.Index)
	envelope := len(`{"time":`) + maxTimeLen + len(`,"index":""`) + MaxIndexLen + len(d.meta) + len("}\n")
	d.limits = sink.Limits{MaxEvents: MaxBatchEvents, MaxBytes: MaxRequestBytes - MaxBatchEvents*envelope}
	d.limits.MaxEventBytes = d.limits.MaxBytes
	return d, nil
}

// validToken reports whether s can be sent in the Authorization header:
// 1 to 1024 printable ASCII characters, no spaces (HEC tokens are GUIDs).
func validToken(s string) bool {
	if s == "" || len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// newChannel returns a random (version 4) GUID for the driver's data
// channel.
func newChannel() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// jsonString returns s as a JSON string, without HTML escapes.
func jsonString(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// headFor returns the envelope after the time for an index ("" for the
// token's default: no "index" member).
func (d *driver) headFor(index string) []byte {
	if index == "" {
		return d.meta
	}
	h := make([]byte, 0, len(`,"index":""`)+len(index)+len(d.meta))
	h = append(h, `,"index":"`...)
	h = append(h, index...) // a validated index name needs no escape
	h = append(h, '"')
	return append(h, d.meta...)
}

// Limits implements sink.Driver: at most MaxBatchEvents events, and a
// body of at most MaxRequestBytes once each event is in its envelope.
func (d *driver) Limits() sink.Limits { return d.limits }

// Close implements sink.Driver: it closes the idle connections of the
// driver's own connection pool (never those of an application's client).
func (d *driver) Close() error {
	d.http.Close()
	if d.own != nil {
		d.own.CloseIdleConnections()
	}
	return nil
}

// bodies holds request bodies for reuse: a full batch is a megabyte.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

// encode returns the request body of a batch, in a buffer of bodies: each
// event in its envelope,
// {"time":<seconds>,"index":…,"source":…,"sourcetype":…,"event":<OCSF>},
// one per line.
func encode(b *sink.Batch, head []byte) *[]byte {
	size := b.Bytes + len(b.Items)*(len(`{"time":`)+maxTimeLen+len(head)+len("}\n"))
	buf := bodies.Get().(*[]byte)
	if cap(*buf) < size {
		*buf = make([]byte, 0, size)
	}
	body := (*buf)[:0]
	for _, it := range b.Items {
		body = appendEnvelope(body, it, head)
	}
	*buf = body
	return buf
}

// appendEnvelope appends one event in its envelope. The time is the OCSF
// event's time (epoch milliseconds) in seconds with three decimals; an
// event without a usable time (negative) leaves it to HEC (the time it
// receives the event).
func appendEnvelope(body []byte, it sink.Item, head []byte) []byte {
	var ms ocsf.Timestamp = -1
	if it.Event != nil {
		if base := it.Event.EventBase(); base != nil {
			ms = base.Time
		}
	}
	if ms >= 0 {
		body = append(body, `{"time":`...)
		body = strconv.AppendInt(body, int64(ms)/1000, 10)
		frac := int64(ms) % 1000
		body = append(body, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		body = append(body, head...)
	} else {
		body = append(body, '{')
		body = append(body, head[1:]...) // head starts with its comma
	}
	body = append(body, it.JSON...)
	return append(body, '}', '\n')
}

// hecAnswer is HEC's answer to an event request.
type hecAnswer struct {
	Text  string `json:"text"`
	Code  *int   `json:"code"`
	AckID *int64 `json:"ackId"`
}

// WriteBatch implements sink.Driver: one POST /services/collector/event
// with every event of the batch, to the batch's Location (a Splunk index)
// or the configured index. With use_ack, it then waits for the indexer
// acknowledgement of the request (see awaitAck).
//
// The request is never sent again after a 5xx or a lost answer, with
// acknowledgement on or off: HEC has no idempotency key, so the events may
// have been taken, and a second request would index them twice (without
// an answer there is no ackId to ask about either). 429s are sent again
// by the shared client (HEC did not take the request). A 503 "Server is
// busy" is errs.RateLimited and not sent again here (see refused).
func (d *driver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	if len(b.Items) == 0 {
		return nil
	}
	index, field, head := d.index, "index", d.head
	if b.Location != "" {
		if err := ValidateIndex("location", b.Location); err != nil {
			return err
		}
		index, field, head = b.Location, "location", d.headFor(b.Location)
	}
	body := encode(b, head)
	resp, err := d.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.eventPath, Body: *body,
		ContentType: "application/json", Header: d.header})
	if err != nil {
		// Not reused: without a success answer the transport may still
		// be reading it (an answer before the whole body was sent).
		return d.refused(err, b, index, field)
	}
	// HEC answered success having read the whole body: it is free.
	bodies.Put(body)
	var ans hecAnswer
	if err := resp.Decode(&ans); err != nil {
		return err
	}
	switch {
	case ans.Code == nil:
		return resp.Malformed(`has no HEC status "code"`)
	case *ans.Code != 0:
		return resp.Malformed(fmt.Sprintf("has HEC status code %d with a success status", *ans.Code))
	case !d.useACK:
		return nil
	case ans.AckID == nil:
		return &errs.Error{Code: errs.Provider, Status: resp.Status, Message: fmt.Sprintf("splunk: HEC took the %d events "+
			"but answered without an ackId: the token does not have indexer acknowledgement on, which use_ack needs; "+
			"the events may or may not be indexed", len(b.Items))}
	}
	return d.awaitAck(ctx, *ans.AckID, len(b.Items))
}
