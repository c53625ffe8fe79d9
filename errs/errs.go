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
// The root package re-exports every sentinel (synqly.ErrNotFound, ...), so most
// applications never import this package directly. Messages never contain secret
// values: constructors take only what the caller chooses to say.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error. Codes are stable strings suitable for logs and for
// mapping to HTTP statuses.
type Code string

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
	// Provider: the provider answered with an error.
	Provider Code = "provider_error"
	// RateLimited: the provider asked the caller to slow down.
	RateLimited Code = "rate_limited"
	// Internal: a failure inside the library or its store.
	Internal Code = "internal"
	// Closed: the client (or store) was closed before the call.
	Closed Code = "closed"
)

// Sentinels for errors.Is. Each matches any *Error carrying the same Code.
var (
	ErrNotFound          = &Error{Code: NotFound}
	ErrConflict          = &Error{Code: Conflict}
	ErrInvalidInput      = &Error{Code: InvalidInput}
	ErrInvalidQuery      = &Error{Code: InvalidQuery}
	ErrUnauthorized      = &Error{Code: Unauthorized}
	ErrForbidden         = &Error{Code: Forbidden}
	ErrUnsupported       = &Error{Code: Unsupported}
	ErrCredentialExpired = &Error{Code: CredentialExpired}
	ErrProvider          = &Error{Code: Provider}
	ErrRateLimited       = &Error{Code: RateLimited}
	ErrInternal          = &Error{Code: Internal}
	ErrClosed            = &Error{Code: Closed}
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
	// Cause is the underlying error, if any; reachable with errors.Unwrap.
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

// Error implements the error interface: "code: message: cause".
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := string(e.Code)
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

// Is reports whether target is a sentinel (or any *Error) with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code
}

// CodeOf returns the Code of the first *Error in err's chain, or "" if none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
