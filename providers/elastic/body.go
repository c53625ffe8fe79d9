package elastic

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/seed-e6251c81/synqly/connectors/sink"
)

// bodyBuf holds the NDJSON of one bulk request. Its bytes come from a pool
// and go back to it once nothing reads them: the driver holds one
// reference for its call, and each attempt's reader one until the HTTP
// transport closes it (which RoundTrip must always do, possibly after it
// returns, from another goroutine).
type bodyBuf struct {
	data []byte
	refs atomic.Int32
}

// bodyPool keeps bodies of at most maxPooledBody bytes.
var bodyPool sync.Pool

const maxPooledBody = 16 << 20

func getBodyBuf(size int) *bodyBuf {
	b, _ := bodyPool.Get().(*bodyBuf)
	if b == nil || cap(b.data) < size {
		b = &bodyBuf{data: make([]byte, 0, size)}
	}
	b.data = b.data[:0]
	b.refs.Store(1)
	return b
}

// release drops a reference; the last returns the bytes to the pool.
func (b *bodyBuf) release() {
	if b.refs.Add(-1) == 0 && cap(b.data) <= maxPooledBody {
		bodyPool.Put(b)
	}
}

// acquire takes a reference, unless the bytes were released already.
func (b *bodyBuf) acquire() bool {
	for {
		n := b.refs.Load()
		if n <= 0 {
			return false
		}
		if b.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

var errBodyGone = errors.New("the bulk request's body was released")

// reader returns a reader of the bytes for one attempt (and is the
// attempt's GetBody).
func (b *bodyBuf) reader() (io.ReadCloser, error) {
	if !b.acquire() {
		return nil, errBodyGone
	}
	return &attemptBody{r: bytes.NewReader(b.data), buf: b}, nil
}

// attemptBody is one attempt's reader of a bodyBuf. Read and Close hold a
// lock, so that once Close returns no Read touches the bytes.
type attemptBody struct {
	mu     sync.Mutex
	r      *bytes.Reader
	buf    *bodyBuf
	closed bool
}

// Read implements io.Reader.
func (a *attemptBody) Read(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return 0, errBodyGone
	}
	return a.r.Read(p)
}

// Close implements io.Closer: the attempt's reference is released.
func (a *attemptBody) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.closed {
		a.closed = true
		a.buf.release()
	}
	return nil
}

// bulkBody is the body the SDKs are handed: a reader the driver's
// transports recognize. The shared plumbing (retryablehttp) rewinds it
// before each attempt without copying it (it is an io.ReadSeeker);
// bodyTransport, under the plumbing, then sends each attempt with a reader
// of its own over the same bytes, so that an attempt whose answer came
// before its body was sent (the transport may go on reading it after
// RoundTrip returns) never shares a reader with the next. Nothing reads
// the bulkBody itself.
type bulkBody struct {
	*bytes.Reader
	buf *bodyBuf
}

func newBulkBody(b *bodyBuf) *bulkBody { return &bulkBody{Reader: bytes.NewReader(b.data), buf: b} }

// Close implements io.Closer: the bytes are the driver's.
func (b *bulkBody) Close() error { return nil }

type bodyKey struct{}

// bodyTransport is the transport of the *http.Client under the shared
// plumbing: it sends a bulk request's bytes (the *bodyBuf in the request's
// context) with a reader of the attempt's own.
type bodyTransport struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t *bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	buf, ok := r.Context().Value(bodyKey{}).(*bodyBuf)
	if !ok || r.Body == nil {
		return t.next.RoundTrip(r)
	}
	_ = r.Body.Close() // the plumbing's wrapper of the rewound bulkBody, unread
	body, err := buf.reader()
	if err != nil {
		return nil, err
	}
	c := *r
	c.Body, c.GetBody, c.ContentLength = body, buf.reader, int64(len(buf.data))
	return t.next.RoundTrip(&c)
}

// CloseIdleConnections closes the idle connections of the transport under
// it.
func (t *bodyTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// encodeBatch returns the batch's NDJSON bulk body — for each event a
// create action naming the document's _id and the event's JSON — and where
// each _id is in it.
func encodeBatch(b *sink.Batch) (*bodyBuf, []int32) {
	const head, tail = `{"create":{"_id":"`, `"}}` + "\n"
	buf := getBodyBuf(b.Bytes + len(b.Items)*(len(head)+idHexLen+len(tail)+1))
	data := buf.data
	ids := make([]int32, len(b.Items))
	for i := range b.Items {
		doc := b.Items[i].JSON
		sum := sha256.Sum256(doc)
		data = append(data, head...)
		ids[i] = int32(len(data))
		data = hex.AppendEncode(data, sum[:idHexLen/2])
		data = append(data, tail...)
		start := len(data)
		data = append(data, doc...)
		if bytes.IndexByte(data[start:], '\n') >= 0 {
			// A newline ends an NDJSON line: compact what the encoder did
			// not (JSON strings never hold a raw newline). The connector's
			// events are compact already; this looks at bytes just
			// copied, still in the cache.
			var c bytes.Buffer
			if json.Compact(&c, doc) == nil {
				data = append(data[:start], c.Bytes()...)
			}
		}
		data = append(data, '\n')
	}
	buf.data = data
	return buf, ids
}

// idAt returns the _id written at offset off of a body.
func idAt(data []byte, off int32) []byte { return data[off : off+idHexLen] }
