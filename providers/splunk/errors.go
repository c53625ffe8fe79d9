package splunk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/errs"
)

// HEC's status codes (the "code" of its answers) the driver acts on, as
// Splunk's "Troubleshoot HTTP Event Collector" lists them.
const (
	codeTokenDisabled     = 1
	codeInvalidToken      = 4
	codeInvalidDataFormat = 6
	codeIncorrectIndex    = 7
	codeServerBusy        = 9
	codeEventRequired     = 12
	codeEventBlank        = 13
	codeAckDisabled       = 14
	codeIndexedFields     = 15
)

// errorDetail is the Options.ErrorDetail of the driver's client: HEC's
// {"text": ..., "code": N, "invalid-event-number": K} as the vendor code
// ("6") and message ("Invalid data format (invalid-event-number 2)").
func errorDetail(_ int, body []byte) (code, message string) {
	var a struct {
		Text   string `json:"text"`
		Code   *int   `json:"code"`
		Number *int   `json:"invalid-event-number"`
	}
	if json.Unmarshal(body, &a) != nil {
		return "", ""
	}
	message = a.Text
	if a.Number != nil {
		message += fmt.Sprintf(" (invalid-event-number %d)", *a.Number)
	}
	if a.Code != nil {
		code = strconv.Itoa(*a.Code)
	}
	return code, message
}

// refusal is what the driver reads of HEC's error answer.
type refusal struct {
	text            string
	code, number    int
	hasCode, hasNum bool
}

// eventNumber finds the invalid-event-number in a body snippet (as JSON)
// or in the message errorDetail made ("(invalid-event-number 2)").
var eventNumber = regexp.MustCompile(`invalid-event-number"?\s*:?\s*(\d{1,9})`)

// readRefusal reads HEC's code and invalid-event-number from the answer
// the shared client described (its code from errorDetail, the number from
// the body's snippet or the message).
func readRefusal(pe *errs.ProviderError) refusal {
	r := refusal{text: pe.Message}
	if c, err := strconv.Atoi(pe.Code); err == nil {
		r.code, r.hasCode = c, true
	}
	for _, s := range []string{pe.Body, pe.Message} {
		if m := eventNumber.FindStringSubmatch(s); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				r.number, r.hasNum = n, true
				break
			}
		}
	}
	if r.text == "" {
		r.text = http.StatusText(pe.Status)
	}
	return r
}

// perEvent reports whether HEC's code refuses one event of a request (the
// ones before it taken, it and the ones after not).
func perEvent(code int) bool {
	switch code {
	case codeInvalidDataFormat, codeEventRequired, codeEventBlank, codeIndexedFields:
		return true
	}
	return false
}

// refused turns the shared client's error for an event request into the
// batch's outcome, as HEC's answer says what happened to its events.
//
// What HEC does with a request's events: it takes the objects of the body
// in order, and at the first one it refuses it stops and answers with that
// object's position, from 0, in "invalid-event-number". Splunk's
// documentation names the member but does not say what happened to the
// other events; Splunk Enterprise 10.4 was seen keeping (indexing) the
// events before the refused one and dropping it and every one after it,
// for codes 6, 12, 13 and 15 alike. So, for an answer naming event k of n:
// events 0..k-1 are written; event k failed, for good (sending it again
// would be refused again); events k+1..n-1 were never looked at and are
// Retryable — the connector sends them again. A 503 "Server is busy" that
// names k took the events before k too: the rest are Retryable, coded
// errs.RateLimited.
//
// Code 7 (incorrect index) is the batch as a whole: every event of a
// batch carries the same index, so the first is refused and none is
// taken. Splunk 10.4 was seen naming the event after the refused one for
// this code; the driver does not read the number.
func (d *driver) refused(err error, b *sink.Batch, index, field string) error {
	var (
		e  *errs.Error
		pe *errs.ProviderError
	)
	if !errors.As(err, &e) || !errors.As(err, &pe) {
		return err // no answer (a transport error, a timeout): as it is
	}
	r := readRefusal(pe)
	n := len(b.Items)
	switch {
	case pe.Status == http.StatusForbidden && r.hasCode && (r.code == codeInvalidToken || r.code == codeTokenDisabled):
		// HEC answers an unknown or disabled token 403: the credential is
		// refused, not a permission missing.
		return recode(e, errs.Unauthorized, "HEC refused the token")
	case pe.Status == http.StatusServiceUnavailable:
		busy := recode(e, errs.RateLimited, "HEC is busy (its queues are full): the events were not taken; send them again later")
		if r.hasNum && r.number > 0 && r.number < n {
			rest := recode(e, errs.RateLimited, fmt.Sprintf("HEC became busy at event %d of the batch and did not take this one", r.number))
			return partial(n, r.number, nil, rest)
		}
		return busy
	case pe.Status == http.StatusBadRequest && r.hasCode && r.code == codeIncorrectIndex:
		what := fmt.Sprintf("the index %q", index)
		if index == "" {
			what = "the token's default index"
		}
		return &errs.Error{Code: errs.InvalidInput, Field: field, Status: pe.Status, Cause: pe,
			Message: fmt.Sprintf("splunk: HEC refused %s (incorrect index): the token may not write to it, or it does not exist", what)}
	case pe.Status == http.StatusBadRequest && r.hasCode && perEvent(r.code) && r.hasNum && r.number >= 0 && r.number < n:
		bad := &errs.Error{Code: errs.InvalidInput, Status: pe.Status, Cause: pe, Message: "splunk: HEC refused the event"}
		rest := &errs.Error{Code: errs.Provider, Status: pe.Status, Cause: pe,
			Message: fmt.Sprintf("splunk: HEC stopped at event %d of the batch, which it refused, and did not take this one", r.number)}
		return partial(n, r.number, bad, rest)
	case pe.Status == http.StatusRequestEntityTooLarge:
		return recode(e, errs.InvalidInput, "the request is larger than the collector's max_content_length "+
			"([http_input] in limits.conf, or a proxy's limit): none of the batch was taken")
	}
	return err
}

// partial is the BatchError of a request HEC stopped at event k of n:
// event k failed with bad (when not nil), the ones after it (all from k
// when bad is nil) are Retryable with rest.
func partial(n, k int, bad, rest error) *sink.BatchError {
	be := &sink.BatchError{Failures: make([]sink.ItemFailure, 0, n-k)}
	for i := k; i < n; i++ {
		if i == k && bad != nil {
			be.Failures = append(be.Failures, sink.ItemFailure{Item: i, Err: bad})
			continue
		}
		be.Failures = append(be.Failures, sink.ItemFailure{Item: i, Err: rest, Retryable: true})
	}
	return be
}

// recode returns a copy of e with another code and what HEC's answer
// means added to its message.
func recode(e *errs.Error, code errs.Code, means string) *errs.Error {
	c := *e
	c.Code = code
	c.Message = e.Message + ": " + means
	return &c
}
