package aws

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Request bodies and retries. The shared plumbing (go-retryablehttp) can
// send a request again only if it can read the body again: it takes an
// io.ReadSeeker as it is, and reads any other body whole into memory
// first. The SDK's bodies are seekable streams (an upload part's bytes, a
// JSON document), but it hands net/http a body that is not; copying each
// 8 MiB part once more would cost the time and the memory of the copy.
// So the SDK's request gets a GetBody that rewinds its stream
// (addReplayableBody), the transport replaces the body with a replayBody
// the plumbing takes as seekable, and under the plumbing each attempt gets
// its own handle (attemptTransport): a new attempt closes the handle of
// the one before, so a transport still writing the old attempt's body can
// never read the new one's bytes. A body that cannot be rewound (a
// trailing-checksum stream) is copied as before.

// addReplayableBody is an SDK stack option: it gives the request, just
// before it is sent, a GetBody that rewinds its stream, when the stream
// can be rewound.
func addReplayableBody(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("synqlyReplayableBody",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok && req.GetStream() != nil && req.IsStreamSeekable() {
				req.Request.GetBody = func() (io.ReadCloser, error) {
					if err := req.RewindStream(); err != nil {
						return nil, err
					}
					return io.NopCloser(req.GetStream()), nil
				}
			}
			return next.HandleDeserialize(ctx, in)
		}), middleware.After)
}

type replayKey struct{}

// replayable returns r with a body the plumbing replays without a copy.
func replayable(r *http.Request) *http.Request {
	rb := &replayBody{get: r.GetBody, first: r.Body}
	r = r.WithContext(context.WithValue(r.Context(), replayKey{}, rb))
	r.Body = rb
	return r
}

// replayBody is what the plumbing sees of a replayable body: a seeker
// (rewinding is the next attempt's business) that is never read itself.
type replayBody struct {
	get   func() (io.ReadCloser, error)
	mu    sync.Mutex
	first io.ReadCloser // the SDK's body, for the first attempt
	cur   *handle
	n     int // attempts so far
}

var errReplayRead = errors.New("aws: a replayable body was read outside an attempt")

func (b *replayBody) Read([]byte) (int, error)       { return 0, errReplayRead }
func (b *replayBody) Seek(int64, int) (int64, error) { return 0, nil }
func (b *replayBody) Close() error                   { return b.closeCurrent() }
func (b *replayBody) closeCurrent() error {
	b.mu.Lock()
	cur := b.cur
	b.mu.Unlock()
	if cur != nil {
		return cur.Close()
	}
	return nil
}

// attempt returns the body of the next attempt: the SDK's own for the
// first, a rewound stream after it, the previous attempt's handle closed.
func (b *replayBody) attempt() (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur != nil {
		_ = b.cur.Close()
	}
	b.n++
	var rc io.ReadCloser
	if b.n == 1 {
		rc = b.first
	} else {
		var err error
		if rc, err = b.get(); err != nil {
			return nil, err
		}
	}
	b.cur = &handle{rc: rc}
	return b.cur, nil
}

// handle is one attempt's reader of the body: closed, it reads nothing
// more (reads and Close exclude each other).
type handle struct {
	mu     sync.Mutex
	rc     io.ReadCloser
	closed bool
}

func (h *handle) Read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return 0, io.ErrClosedPipe
	}
	return h.rc.Read(p)
}

func (h *handle) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	return nil // the stream is the SDK's: it is not closed here
}

// attemptTransport is the transport under the plumbing: each attempt of
// a replayable request gets its own handle on the body.
type attemptTransport struct{ next http.RoundTripper }

func (t *attemptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rb, _ := r.Context().Value(replayKey{}).(*replayBody)
	if rb == nil {
		return t.next.RoundTrip(r)
	}
	body, err := rb.attempt()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = body
	r.GetBody = rb.attempt // net/http's own resend of an unsent request
	return t.next.RoundTrip(r)
}

// CloseIdleConnections closes the idle connections of the transport
// under it.
func (t *attemptTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
