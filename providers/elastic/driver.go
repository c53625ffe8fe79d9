package elastic

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// Limits are the drivers' batch limits. Elasticsearch refuses a request
// body over http.max_content_length (100mb by default), but its guidance is
// to keep bulk requests to a few megabytes: "avoid going beyond a couple
// tens of megabytes per request even if larger requests seem to perform
// better" (Tune for indexing speed), with 5–15 MB and 1,000–5,000
// documents the usual starting point, and a 100MB request being "much
// larger than necessary" (elastic/elasticsearch#67804). A batch is at most
// 1,000 events and 8 MiB of event JSON (the action lines add about 60 bytes
// an event); one event at most 1 MiB.
var Limits = sink.Limits{MaxEvents: 1000, MaxBytes: 8 << 20, MaxEventBytes: 1 << 20}

// Defaults of the shared HTTP plumbing the driver applies itself (the
// SDKs' requests go through httpx.Transport, which leaves the per-call
// deadline and the answer's size cap to the caller).
const (
	defaultTimeout     = 60 * time.Second
	defaultMaxResponse = 32 << 20
)

// idHexLen is the length of a document's _id: hex of the first 20 bytes
// of the SHA-256 of the event's JSON.
const idHexLen = 40

// bulker is one vendor's bulk call, through its SDK.
type bulker interface {
	// bulk sends the NDJSON body to index's bulk API and returns the
	// answer: its status, headers and, for a 2xx, its items; for another
	// status, its body. An error means there was no answer.
	bulk(ctx context.Context, index string, body *bulkBody) (*answer, error)
	close() error
}

// answer is a bulk call's answer.
type answer struct {
	status int
	header http.Header
	// body is the error answer's body (non-2xx).
	body []byte
	// items are the items of a 2xx answer, or, when allOK, count is their
	// number and all succeeded; parsed is false when the 2xx body was not a
	// bulk answer, bad says why, read the error reading it.
	items  []bulkItem
	allOK  bool
	count  int
	parsed bool
	bad    string
	n      int
	read   error
}

// bulkItem is one item of a bulk answer.
type bulkItem struct {
	// Action names the action answered ("create").
	Action string `json:"-"`
	Index  string `json:"_index"`
	ID     string `json:"_id"`
	Status int    `json:"status"`
	Result string `json:"result"`
	Error  *struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"error"`
}

// bulkResponse is the answer of the bulk API: {"took", "errors", "items":
// [{"create": {...}}, ...]}.
type bulkResponse struct {
	Errors *bool          `json:"errors"`
	Items  []itemEnvelope `json:"items"`
}

type itemEnvelope struct {
	Create *bulkItem `json:"create"`
	Index  *bulkItem `json:"index"`
	Delete *bulkItem `json:"delete"`
	Update *bulkItem `json:"update"`
}

func (e *itemEnvelope) item() *bulkItem {
	for _, c := range []struct {
		it   *bulkItem
		name string
	}{{e.Create, "create"}, {e.Index, "index"}, {e.Delete, "delete"}, {e.Update, "update"}} {
		if c.it != nil {
			c.it.Action = c.name
			return c.it
		}
	}
	return nil
}

// quickSummary reads a bulk answer in which no item failed without
// decoding it: it returns the number of items when the body is one JSON
// object whose top level holds "errors": false and an "items" array (its
// strings closed and brackets balanced), and ok false otherwise — for an
// answer with failed items, or one it cannot vouch for, which parseBulk
// then decodes in full.
func quickSummary(b []byte) (count int, ok bool) {
	const (
		otherKey = iota
		errorsKey
		itemsKey
	)
	depth, key := 0, otherKey
	expectKey, inItems, itemSeen := false, false, false
	sawErrors, sawItems := false, false
	element := func() {
		if inItems && depth == 2 && !itemSeen {
			itemSeen, count = true, 1
		}
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r':
		case '"':
			j := stringEnd(b, i+1)
			if j < 0 {
				return 0, false
			}
			if depth == 1 && expectKey {
				switch string(b[i+1 : j]) {
				case "errors":
					key = errorsKey
				case "items":
					key = itemsKey
				default:
					key = otherKey
				}
				expectKey = false
			} else {
				element()
			}
			i = j
		case ':':
			if depth != 1 {
				continue
			}
			k := i + 1
			for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
				k++
			}
			switch key {
			case errorsKey:
				if !bytes.HasPrefix(b[k:], []byte("false")) {
					return 0, false // failed items, or not a boolean
				}
				sawErrors = true
			case itemsKey:
				if k >= len(b) || b[k] != '[' || sawItems {
					return 0, false
				}
				sawItems, inItems = true, true
			}
		case '{', '[':
			element()
			depth++
			if depth == 1 {
				if c != '{' || i != firstNonSpace(b) {
					return 0, false
				}
				expectKey = true
			}
		case '}', ']':
			depth--
			switch {
			case depth < 0:
				return 0, false
			case depth == 1 && inItems:
				inItems = false
			case depth == 0:
				if len(bytes.TrimSpace(b[i+1:])) != 0 {
					return 0, false
				}
				return count, sawErrors && sawItems && !inItems
			}
		case ',':
			switch {
			case depth == 1:
				expectKey = true
			case depth == 2 && inItems:
				count++
			}
		default:
			element()
		}
	}
	return 0, false
}

// stringEnd returns the index of the quote that ends the JSON string whose
// contents start at i, or -1.
func stringEnd(b []byte, i int) int {
	for {
		k := bytes.IndexByte(b[i:], '"')
		if k < 0 {
			return -1
		}
		j := i + k
		bs := 0 // the backslashes before it: an odd number escape it
		for j-1-bs >= i && b[j-1-bs] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			return j
		}
		i = j + 1
	}
}

func firstNonSpace(b []byte) int {
	return len(b) - len(bytes.TrimLeft(b, " \t\n\r"))
}

// parseBulk reads a 2xx bulk answer into a: its items, or, when none
// failed, only their number.
func parseBulk(a *answer, body []byte) {
	if n, ok := quickSummary(body); ok {
		a.allOK, a.count, a.parsed = true, n, true
		return
	}
	var r bulkResponse
	if err := json.Unmarshal(body, &r); err != nil {
		a.bad = "is not a valid bulk answer (not the JSON the bulk API documents)"
		return
	}
	if r.Errors == nil || r.Items == nil {
		a.bad = `has no "errors" and "items": it is not a bulk answer`
		return
	}
	a.items = make([]bulkItem, len(r.Items))
	for i := range r.Items {
		it := r.Items[i].item()
		if it == nil {
			a.bad = "has an item that answers no action"
			return
		}
		a.items[i] = *it
	}
	a.parsed = true
}

// driver is the sink driver of both providers: one bulk request a batch,
// through the vendor's SDK. It is safe for concurrent use.
type driver struct {
	sink.Unimplemented // never reached: every operation is implemented

	vendorName string // "elasticsearch", "opensearch"
	index      string
	b          bulker
	hx         *httpx.Client // for redaction and the vendor's error answers
	timeout    time.Duration
	logger     *slog.Logger
	closeIdle  func() // of the driver's own connection pool; nil for the application's
}

var _ sink.Driver = (*driver)(nil)

// Limits implements sink.Driver.
func (d *driver) Limits() sink.Limits { return Limits }

// Close implements sink.Driver: it releases the SDK's client and closes the
// idle connections of the driver's own connection pool (never those of an
// application's client).
func (d *driver) Close() error {
	err := d.b.close()
	if d.closeIdle != nil {
		d.closeIdle()
	}
	return err
}

// WriteBatch implements sink.Driver: one bulk request of create actions to
// the batch's index (Location, or the configured create_index), each
// document's _id derived from the event's JSON, so that a batch sent again
// writes nothing twice. An item answered 409 version_conflict_engine_exception
// was written before and counts as written; other refused items are a
// *sink.BatchError, 429 and 5xx ones retryable.
func (d *driver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	index := d.index
	if b.Location != "" {
		if err := ValidIndexName("location", b.Location); err != nil {
			return err
		}
		index = b.Location
	}
	if len(b.Items) == 0 {
		return nil
	}
	body, ids := encodeBatch(b)
	defer body.release()
	caller := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	o := &observed{}
	ctx = withObserved(ctx, o)
	start := time.Now()
	a, err := d.b.bulk(ctx, index, newBulkBody(body))
	if d.logger.Enabled(ctx, slog.LevelDebug) {
		d.logger.LogAttrs(ctx, slog.LevelDebug, "provider call", slog.String("vendor", d.vendorName),
			slog.String("method", o.methodOr(http.MethodPost)), slog.String("path", o.path), slog.Int("status", o.status),
			slog.Int("events", len(b.Items)), slog.Int("bytes", len(body.data)), slog.Duration("duration", time.Since(start)))
	}
	if err != nil {
		return d.transportError(caller, ctx, o, index, err)
	}
	if a.status < 200 || a.status > 299 {
		return d.statusError(o, index, a.status, a.header, a.body)
	}
	switch {
	case a.read != nil:
		return d.readError(o, index, a.status, a.n, a.read)
	case !a.parsed:
		return d.malformed(o, index, a.status, a.bad)
	case a.allOK && a.count == len(b.Items):
		return nil
	case a.allOK:
		return d.malformed(o, index, a.status, "answers "+strconv.Itoa(a.count)+" items for the "+strconv.Itoa(len(b.Items))+" actions sent")
	case len(a.items) != len(b.Items):
		return d.malformed(o, index, a.status, "answers "+strconv.Itoa(len(a.items))+" items for the "+strconv.Itoa(len(b.Items))+" actions sent")
	}
	var failures []sink.ItemFailure
	for i := range a.items {
		it := &a.items[i]
		if it.ID != "" && it.ID != string(idAt(body.data, ids[i])) {
			return d.malformed(o, index, a.status, "answers item "+strconv.Itoa(i)+" for another document than the one sent")
		}
		switch {
		case it.Status >= 200 && it.Status <= 299:
		case it.Status == http.StatusConflict && it.Error != nil && it.Error.Type == "version_conflict_engine_exception":
			// A document with the event's _id exists: this event was
			// written by an earlier send of it.
		default:
			failures = append(failures, sink.ItemFailure{Item: i, Err: d.itemError(o, index, i, it), Retryable: retryableItem(it.Status)})
		}
	}
	if len(failures) > 0 {
		return &sink.BatchError{Failures: failures}
	}
	return nil
}

// DocumentID returns the _id the drivers give the document of an event
// whose OCSF JSON (as the connector encodes it) is eventJSON: the first 40
// hex digits of its SHA-256. Identical events are one document.
func DocumentID(eventJSON []byte) string {
	sum := sha256.Sum256(eventJSON)
	return hex.EncodeToString(sum[:idHexLen/2])
}
