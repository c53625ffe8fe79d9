package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// maxReason bounds a vendor's reason quoted in an error, in bytes: reasons
// may quote the document (a mapping error previews the field's value).
const maxReason = 160

// errorDetail reads the vendor's error type and reason from an error
// answer (httpx.Options.ErrorDetail): {"error": {"type", "reason"},
// "status"}, {"error": "<text>"} (an unknown endpoint), or a gateway's
// {"message": "<text>"} (Amazon OpenSearch Service).
func errorDetail(_ int, body []byte) (code, message string) {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		return "", ""
	}
	var e struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	var text string
	switch {
	case json.Unmarshal(v.Error, &e) == nil && (e.Type != "" || e.Reason != ""):
		return e.Type, cleanReason(e.Reason)
	case json.Unmarshal(v.Error, &text) == nil && text != "":
		return "", cleanReason(text)
	}
	return "", cleanReason(v.Message)
}

// cleanReason drops what a vendor's reason quotes of the document — the
// "Preview of field's value: '...'" of a mapping error, and a source
// echoed after "source:" — and clips the rest. The caller redacts the
// integration's secrets from it.
func cleanReason(reason string) string {
	for _, cut := range []string{"Preview of field's value", "; source:", " source:"} {
		if i := strings.Index(reason, cut); i >= 0 {
			reason = strings.TrimRight(reason[:i], " .;,") + " (the value is not shown)"
		}
	}
	return errs.Clip(strings.Join(strings.Fields(reason), " "), maxReason)
}

// codeFor maps a vendor status, of a whole answer or of one item, to an
// error code.
func codeFor(status int) errs.Code {
	switch {
	case status == http.StatusUnauthorized:
		return errs.Unauthorized
	case status == http.StatusForbidden:
		return errs.Forbidden
	case status == http.StatusNotFound || status == http.StatusGone:
		return errs.NotFound
	case status == http.StatusConflict:
		return errs.Conflict
	case status == http.StatusTooManyRequests:
		return errs.RateLimited
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnprocessableEntity:
		return errs.InvalidInput
	case status == http.StatusNotImplemented:
		return errs.Unsupported
	}
	return errs.Provider
}

// retryableItem reports whether an item the vendor refused may be sent
// again: the cluster was busy (429: a full write queue, a circuit breaker,
// the flood-stage disk block) or failing (5xx: an unavailable shard), not
// offended by the document.
func retryableItem(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// where names a bulk call in messages: "elasticsearch: POST /ocsf/_bulk".
func (d *driver) where(o *observed, index string) string {
	method, path := o.method, o.path
	if method == "" {
		method, path = http.MethodPost, "/"+index+"/_bulk"
	}
	return d.vendorName + ": " + method + " " + path
}

// statusError is the error of a bulk call the vendor answered with a
// non-2xx status: coded from the status, its cause the vendor's answer
// (status, error type and reason, a redacted snippet).
func (d *driver) statusError(o *observed, index string, status int, h http.Header, body []byte) error {
	e := &errs.Error{Code: codeFor(status), Status: status, Message: d.where(o, index)}
	if status == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(h)
	}
	path := o.path
	if path == "" {
		path = "/" + index + "/_bulk"
	}
	e.Cause = d.hx.VendorError(o.methodOr(http.MethodPost), path, status, h, body)
	return e
}

func (o *observed) methodOr(m string) string {
	if o.method != "" {
		return o.method
	}
	return m
}

// retryAfter reads a Retry-After of whole seconds or an HTTP date.
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// malformed is the error of a 2xx answer that is not what the bulk API
// documents; what completes "the response ...".
func (d *driver) malformed(o *observed, index string, status int, what string) error {
	return &errs.Error{Code: errs.Provider, Status: status,
		Message: fmt.Sprintf("%s: HTTP %d: the response %s", d.where(o, index), status, what)}
}

// readError describes a failure to read an answer's body.
func (d *driver) readError(o *observed, index string, status int, n int, err error) error {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return d.malformed(o, index, status, fmt.Sprintf("exceeds the %d-byte limit", tl.limit))
	}
	return d.malformed(o, index, status, fmt.Sprintf("was cut short after %d bytes", n))
}

// transportError is the error of a bulk call that got no answer. When
// the caller's context ended, it is coded Canceled or DeadlineExceeded;
// when only the driver's own timeout ran out, it is a provider error (the
// vendor's slowness). Its text is redacted.
func (d *driver) transportError(caller, ctx context.Context, o *observed, index string, err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return e
	}
	where := d.where(o, index)
	if e := errs.FromContext(caller.Err(), nil, "%s: gave up", where); e != nil {
		return e
	}
	if ctx.Err() != nil {
		return &errs.Error{Code: errs.Provider, Message: fmt.Sprintf("%s: no answer within the %v timeout", where, d.timeout), Cause: ctx.Err()}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "server is not Elasticsearch"):
		return &errs.Error{Code: errs.Provider, Status: o.status, Message: where + ": the server did not answer as Elasticsearch " +
			"(its answer lacks the X-Elastic-Product: Elasticsearch header): another product, or a proxy that drops the header"}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &errs.Error{Code: errs.Provider, Message: where + ": the connection closed before an answer"}
	}
	return &errs.Error{Code: errs.Provider, Message: where + ": " + d.hx.Snippet([]byte(msg))}
}

// itemError is the error of one event the vendor refused: coded from the
// item's status, its cause the item's status, error type and (cleaned,
// redacted) reason.
func (d *driver) itemError(o *observed, index string, i int, it *bulkItem) error {
	var reason, typ string
	if it.Error != nil {
		reason = d.hx.Snippet([]byte(cleanReason(it.Error.Reason)))
		typ = errs.Clip(d.hx.Snippet([]byte(it.Error.Type)), 80)
	} else if it.Result != "" {
		reason = d.hx.Snippet([]byte(errs.Clip(it.Result, 80)))
	}
	path := o.path
	if path == "" {
		path = "/" + index + "/_bulk"
	}
	return &errs.Error{Code: codeFor(it.Status), Status: it.Status,
		Message: fmt.Sprintf("%s: the vendor refused the create of item %d", d.where(o, index), i),
		Cause:   &errs.ProviderError{Method: o.methodOr(http.MethodPost), Path: path, Status: it.Status, Code: typ, Message: reason}}
}
