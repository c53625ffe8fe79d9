package azure

import (
	"encoding/xml"
	"errors"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// vendorName names the vendor in messages.
const vendorName = "azblob"

// vendor returns the blobstore.Vendor of an account whose secrets red
// removes.
func vendor(red *redactor) blobstore.Vendor {
	return blobstore.Vendor{
		Name:     vendorName,
		Describe: func(b *blob.Bucket, err error) *errs.ProviderError { return describe(b, err, red) },
		Redact:   red.redact,
	}
}

// describe reads the Blob service's answer behind an SDK error: the
// *azcore.ResponseError of a non-success answer (status, x-ms-error-code,
// x-ms-request-id, and the <Message> of the XML error body), or the
// answerError of an answer the transport could not use. Only these
// fields reach errors: the SDK's own Error() text quotes the answer's body
// whole. Everything is redacted.
func describe(b *blob.Bucket, err error, red *redactor) *errs.ProviderError {
	var ae *answerError
	if errors.As(err, &ae) {
		return &errs.ProviderError{Method: ae.method, Path: ae.path, Status: ae.status, RequestID: ae.requestID,
			Message: "the response " + ae.what}
	}
	var re *azcore.ResponseError
	if !(b != nil && b.ErrorAs(err, &re)) && !errors.As(err, &re) {
		return nil
	}
	pe := &errs.ProviderError{Status: re.StatusCode, Code: red.redact(textcheck.ClipN(re.ErrorCode, 128))}
	if r := re.RawResponse; r != nil {
		pe.RequestID = red.redact(textcheck.ClipN(r.Header.Get(requestIDHeader), 128))
		if r.Request != nil {
			pe.Method, pe.Path = r.Request.Method, red.redact(r.Request.URL.Path)
		}
		if body, err := runtime.Payload(r); err == nil && len(body) > 0 {
			code, msg := errorBody(body)
			if pe.Code == "" {
				pe.Code = red.redact(textcheck.ClipN(code, 128))
			}
			pe.Message = red.redact(msg)
			pe.Message = textcheck.ClipN(pe.Message, 300)
			if pe.Message == "" && pe.Code == "" {
				pe.Body = textcheck.ClipN(oneLine(red.redact(string(body))), 300)
			}
		}
	}
	return pe
}

// errorBody reads the Blob service's XML error document:
//
//	<?xml version="1.0" encoding="utf-8"?>
//	<Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.
//	RequestId:...
//	Time:...</Message></Error>
//
// The message is its first line, then AuthenticationErrorDetail's
// (which says why a SAS was refused), when there is one.
func errorBody(body []byte) (code, message string) {
	var doc struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
		Detail  string   `xml:"AuthenticationErrorDetail"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return "", ""
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(doc.Message), "\n")
	if d, _, _ := strings.Cut(strings.TrimSpace(doc.Detail), "\n"); d != "" {
		msg = strings.TrimSpace(msg + " " + d)
	}
	return strings.TrimSpace(doc.Code), oneLine(msg)
}

// oneLine collapses s's whitespace and control characters.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }), " ")
}

// unauthenticated are the Blob service's codes for a credential it does
// not accept (as opposed to one it accepts that lacks a permission,
// AuthorizationPermissionMismatch and the like, which stay Forbidden):
// the service answers them with 403, and they are errs.Unauthorized.
var unauthenticated = map[string]bool{
	"AuthenticationFailed":        true,
	"InvalidAuthenticationInfo":   true,
	"NoAuthenticationInformation": true,
}

// fix completes an error of the blobstore layer with what the transport
// learnt of the call: the wait a 429 or 503 announced (Retry-After), a
// refused credential coded errs.Unauthorized (errs.CredentialExpired when
// the SAS's expiry has passed), and the reason of a request that got no
// answer (a timeout, a failed connection).
func (a *account) fix(c *call, err error) error {
	e, ok := err.(*errs.Error)
	if !ok || e == nil {
		return err
	}
	c.mu.Lock()
	wait, hasWait, failure := c.retryAfter, c.hasWait, c.failure
	c.mu.Unlock()
	if e.Code == errs.RateLimited && hasWait {
		e.RetryAfter = wait
	}
	var pe *errs.ProviderError
	if errors.As(e.Cause, &pe) && unauthenticated[pe.Code] && (e.Code == errs.Forbidden || e.Code == errs.Unauthorized) {
		e.Code = errs.Unauthorized
		if !a.expiry.IsZero() && time.Now().After(a.expiry) {
			e.Code = errs.CredentialExpired
			e.Message += ": the SAS token expired at " + a.expiry.UTC().Format(time.RFC3339)
		}
	}
	var na *noAnswerError
	if e.Cause == nil && errors.As(failure, &na) && e.Code == errs.Provider {
		e.Message = strings.TrimSuffix(e.Message, ": "+gcerrors.Unknown.String())
		e.Cause = na
	}
	return e
}
