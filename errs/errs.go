// Package errs defines the error codes and the single error type shared by
// every layer of synqly: the management plane, the query language, the stores,
// the connectors and the provider drivers.
//
// Callers test errors with errors.Is against the sentinels:
//
//	if errors.Is(err, errs.ErrNotFound) { ... }
//
// and reach the details with errors.As:
//
//	var e *errs.Error
//	if errors.As(err, &e) { log.Print(e.Code, e.Message) }
//
//	var pe *errs.ProviderError // what the vendor answered, if it did
//	if errors.As(err, &pe) { log.Print(pe.Status, pe.RequestID) }
//
// The sentinels are constants (a Code is an error), so no importer can
// change what they match. A caller's own cancellation or deadline is coded
// Canceled or DeadlineExceeded, and errors.Is(err, context.Canceled) holds.
//
// The root package re-exports every sentinel (synqly.ErrNotFound, ...), so most
// applications never import this package directly. Messages never contain secret
// values: constructors take only what the caller chooses to say.
package errs

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Code classifies an error. Codes are stable strings suitable for logs and for
// mapping to HTTP statuses. A Code is itself an error, the sentinel that
// errors.Is matches against every *Error of that code.
type Code string

// Error returns the code.
func (c Code) Error() string { return string(c) }

// The error codes.
const (
	// NotFound: the object does not exist, or is outside the caller's scope.
	NotFound Code = "not_found"
	// Conflict: a duplicate name, or a concurrent change won the race.
	Conflict Code = "conflict"
	// InvalidInput: a request field is missing, malformed or out of range.
	InvalidInput Code = "invalid_input"
	// InvalidQuery: a filter, order, limit, start_after or expand is malformed.
	InvalidQuery Code = "invalid_query"
	// Unauthorized: the provider refused the credentials.
	Unauthorized Code = "unauthorized"
	// Forbidden: the caller's scope does not allow the operation.
	Forbidden Code = "forbidden"
	// Unsupported: the provider or store lacks the operation.
	Unsupported Code = "unsupported"
	// CredentialExpired: the credential's expires time has passed.
	CredentialExpired Code = "credential_expired"
	// Provider: the provider answered with an error, or not at all.
	Provider Code = "provider_error"
	// RateLimited: the provider asked the caller to slow down.
	RateLimited Code = "rate_limited"
	// Internal: a failure inside the library or its store.
	Internal Code = "internal"
	// Closed: the client (or store) was closed before the call.
	Closed Code = "closed"
	// Canceled: the caller's context was canceled.
	Canceled Code = "canceled"
	// DeadlineExceeded: the caller's context's deadline passed.
	DeadlineExceeded Code = "deadline_exceeded"
)

// Sentinels for errors.Is. Each matches any *Error carrying the same Code.
// They are constants: no importer can reassign them.
const (
	ErrNotFound          = NotFound
	ErrConflict          = Conflict
	ErrInvalidInput      = InvalidInput
	ErrInvalidQuery      = InvalidQuery
	ErrUnauthorized      = Unauthorized
	ErrForbidden         = Forbidden
	ErrUnsupported       = Unsupported
	ErrCredentialExpired = CredentialExpired
	ErrProvider          = Provider
	ErrRateLimited       = RateLimited
	ErrInternal          = Internal
	ErrClosed            = Closed
	ErrCanceled          = Canceled
	ErrDeadlineExceeded  = DeadlineExceeded
)

// Error is the one error type of the library. It carries a Code for errors.Is,
// a human message that says what was wrong, and optionally the cause.
type Error struct {
	// Code classifies the error.
	Code Code
	// Message says what was wrong, for a person. It never contains secrets.
	Message string
	// Field names the offending input (a JSON name, a query part), if any.
	Field string
	// Status is the provider's HTTP status, for Provider, RateLimited and
	// Unauthorized errors raised by drivers; 0 otherwise.
	Status int
	// RetryAfter is how long the provider asked to wait, for RateLimited.
	RetryAfter time.Duration
	// Provider and Operation name the provider (e.g. "ticketing_jira") and
	// the connector operation (e.g. "create_ticket") of an error that came
	// through a connector; empty otherwise.
	Provider, Operation string
	// Cause is the underlying error, if any; reachable with errors.Unwrap.
	// For an answer of the vendor it is a *ProviderError.
	Cause error
}

// New returns an error with the given code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with the given code and message whose cause is err.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: err}
}

// Invalid returns an InvalidInput error naming the offending field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: InvalidInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// FromContext returns the error of a call that stopped because its context
// ended: coded Canceled or DeadlineExceeded, with the context's error as
// its cause (so that errors.Is(err, context.Canceled) holds) and message
// what, plus the last failure if there was one. It returns nil if
// ctxErr is neither context error.
func FromContext(ctxErr error, last error, format string, args ...any) *Error {
	var code Code
	switch {
	case errors.Is(ctxErr, context.Canceled):
		code = Canceled
	case errors.Is(ctxErr, context.DeadlineExceeded):
		code = DeadlineExceeded
	default:
		return nil
	}
	e := &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: ctxErr}
	if last != nil && !errors.Is(last, ctxErr) {
		e.Cause = errors.Join(ctxErr, last)
	}
	return e
}

// Error implements the error interface: "code: provider operation: message:
// cause".
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := string(e.Code)
	if e.Provider != "" || e.Operation != "" {
		s += ": " + e.Provider
		if e.Operation != "" {
			if e.Provider != "" {
				s += " "
			}
			s += e.Operation
		}
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is the sentinel of e's code (or any *Error with
// the same code).
func (e *Error) Is(target error) bool {
	if e == nil {
		return false
	}
	switch t := target.(type) {
	case Code:
		return t == e.Code
	case *Error:
		return t != nil && t.Code == e.Code
	}
	return false
}

// CodeOf returns the Code of the first *Error in err's chain; for an error
// without one, Canceled or DeadlineExceeded if it is a context error, else
// "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	return ""
}

// ProviderError is what a vendor answered, behind the *Error a driver
// returns for it (its Cause): reach it with errors.As. Every text in it is
// redacted of the integration's secrets.
type ProviderError struct {
	// Provider and Operation name the provider and the connector operation
	// the answer came to (filled in by the connector).
	Provider, Operation string
	// Method and Path are the request's (the path without its query).
	Method, Path string
	// Status is the HTTP status of the answer.
	Status int
	// Code and Message are the vendor's own error code and message, when
	// its answer holds them (Slack's "channel_not_found", PagerDuty's
	// 2001, Jira's errorMessages).
	Code, Message string
	// RequestID is the vendor's id of the request, when it sends one
	// (Jira X-AREQUESTID, ServiceNow X-Transaction-ID, PagerDuty
	// X-Request-Id, Microsoft Graph request-id, Slack x-slack-req-id), for
	// the vendor's support.
	RequestID string
	// Body is a redacted snippet of the answer's body.
	Body string
}

// Error returns "HTTP <status>: <vendor code>: <vendor message> (request
// <id>)", the parts the vendor gave; the body snippet stands in for a code
// and message it could not read.
func (e *ProviderError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Code == "" && e.Message == "" && e.Body != "" {
		s += ": " + e.Body
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Clip shortens user text quoted in an error message to at most n bytes,
// on a character boundary, marking the cut with "…": a hostile input can
// neither make a message large nor leave half a character in it.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
