package synqly

import "github.com/seed-e6251c81/synqly/errs"

// Error is the error type every call returns (through its error interface):
// a Code for errors.Is, a Message that says what was wrong, the offending
// Field when there is one, the Provider and Operation of a connector call,
// and the Cause. See package errs.
type Error = errs.Error

// ProviderError is what a vendor answered (status, its error code and
// message, its request id, a redacted snippet), behind the Error of a
// connector call: reach it with errors.As. See package errs.
type ProviderError = errs.ProviderError

// Sentinel errors. Test for them with errors.Is:
//
//	if errors.Is(err, synqly.ErrConflict) { /* the name is taken */ }
//
// They are constants: no importer can reassign them.
const (
	// ErrNotFound: no such object, or it belongs to another account.
	ErrNotFound = errs.ErrNotFound
	// ErrConflict: a duplicate name, an object still in use, or a
	// concurrent change won the race.
	ErrConflict = errs.ErrConflict
	// ErrInvalidInput: a request field is missing, malformed or not allowed.
	ErrInvalidInput = errs.ErrInvalidInput
	// ErrInvalidQuery: a filter, order, limit, start_after or expand is bad.
	ErrInvalidQuery = errs.ErrInvalidQuery
	// ErrUnauthorized: a provider refused the credentials.
	ErrUnauthorized = errs.ErrUnauthorized
	// ErrForbidden: the caller's scope does not allow the operation.
	ErrForbidden = errs.ErrForbidden
	// ErrUnsupported: the provider or the library lacks the operation.
	ErrUnsupported = errs.ErrUnsupported
	// ErrCredentialExpired: the credential's expires time has passed.
	ErrCredentialExpired = errs.ErrCredentialExpired
	// ErrProvider: a provider answered with an error, or not at all.
	ErrProvider = errs.ErrProvider
	// ErrRateLimited: a provider asked to slow down; see Error.RetryAfter.
	ErrRateLimited = errs.ErrRateLimited
	// ErrInternal: the library or its store failed.
	ErrInternal = errs.ErrInternal
	// ErrClosed: the client was closed; every call after Client.Close
	// returns it, whether the client opened its store or was given one.
	ErrClosed = errs.ErrClosed
	// ErrCanceled: the caller's context was canceled (errors.Is(err,
	// context.Canceled) holds too).
	ErrCanceled = errs.ErrCanceled
	// ErrDeadlineExceeded: the caller's context's deadline passed
	// (errors.Is(err, context.DeadlineExceeded) holds too).
	ErrDeadlineExceeded = errs.ErrDeadlineExceeded
)
