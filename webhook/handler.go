package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// HandlerOption configures a [Handler].
type HandlerOption func(*handlerConfig)

type handlerConfig struct {
	tolerance time.Duration
	now       func() time.Time
}

// WithTolerance sets how far from now a body's created_at may be
// ([DefaultTolerance] by default, or when d is 0 or less).
func WithTolerance(d time.Duration) HandlerOption {
	return func(c *handlerConfig) { c.tolerance = d }
}

// WithClock sets the clock created_at is checked against (time.Now by
// default, or when now is nil): for tests. Nonces expire twice the
// tolerance after this clock's now, while a [MemoryNonces] judges expiry by
// the wall clock: with a clock far in the past, a MemoryNonces forgets
// nonces as soon as it records them.
func WithClock(now func() time.Time) HandlerOption {
	return func(c *handlerConfig) {
		if now != nil {
			c.now = now
		}
	}
}

// Handler returns the http.Handler of a receiver: it verifies each
// delivery with [Verify] under secrets and nonces, then calls fn with the
// verified body. It answers:
//
//   - 405 Method Not Allowed to a method other than POST;
//   - 413 Request Entity Too Large to a body longer than [MaxBodyBytes],
//     and 400 Bad Request when the body cannot be read;
//   - 401 Unauthorized when Verify fails, with a short plain-text reason
//     naming the check that failed (never a secret);
//   - 500 Internal Server Error when fn returns an error (whose text is
//     not sent), so that the sender retries;
//   - 204 No Content when fn returns nil.
//
// fn gets the request's context (a nil fn accepts every verified body), the event type and the raw body. The
// event type is the body's "event" member when it is a string, which is
// signed; otherwise the Synqly-Event header, which is not.
//
// nonces may be nil, to skip the replay check of nonces (created_at is
// still checked); a [MemoryNonces] suits a receiver running as one
// process. When fn fails, the nonce is forgotten again if nonces is a
// [*MemoryNonces], so that the sender's retry of the body is accepted;
// another NonceStore keeps it, and the retry is refused as a replay.
func Handler(secrets [][]byte, nonces NonceStore, fn func(ctx context.Context, event string, body []byte) error, opts ...HandlerOption) http.Handler {
	cfg := handlerConfig{now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if fn == nil {
		fn = func(context.Context, string, []byte) error { return nil }
	}
	secrets = append([][]byte(nil), secrets...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			plain(w, http.StatusMethodNotAllowed, "method not allowed: use POST")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			var tooLong *http.MaxBytesError
			if errors.As(err, &tooLong) {
				plain(w, http.StatusRequestEntityTooLarge, "body too large")
				return
			}
			plain(w, http.StatusBadRequest, "cannot read the body")
			return
		}
		v, err := verify(r.Header.Get(SignatureHeader), body, secrets, cfg.now(), cfg.tolerance, nonces)
		if err != nil {
			plain(w, http.StatusUnauthorized, err.Error())
			return
		}
		event := v.event
		if !v.hasEvent {
			event = r.Header.Get(EventHeader)
		}
		processed := false
		defer func() {
			// Also when fn panics (net/http recovers the panic).
			if f, ok := nonces.(forgetter); ok && !processed && v.nonce != "" {
				f.forget(v.nonce)
			}
		}()
		if err := fn(r.Context(), event, body); err != nil {
			plain(w, http.StatusInternalServerError, "the delivery could not be processed")
			return
		}
		processed = true
		w.WriteHeader(http.StatusNoContent)
	})
}

// plain writes a short plain-text answer.
func plain(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg+"\n")
}
