package splunk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// The waits between two polls of an ackId: the first, doubling up to the
// last. Variables so that tests need not wait.
var (
	ackPollFirst = 100 * time.Millisecond
	ackPollMax   = 2 * time.Second
)

// awaitAck polls POST /services/collector/ack with {"acks":[id]} on the
// driver's channel until HEC reports the request's events indexed, or
// until the ack timeout: then the batch failed as a whole, and its error
// says the events may or may not be indexed (HEC took them; it did not
// confirm). A poll is a read: the shared client retries it after a 5xx or
// a dropped connection, and a poll that still fails is tried again at the
// next wait while the time lasts, unless HEC refused it (4xx: ACK
// disabled, the token refused).
//
// HEC forgets an ackId once it has answered true for it: if that answer is
// lost, the next polls answer false, and the batch fails at the timeout,
// its events in fact indexed.
func (d *driver) awaitAck(ctx context.Context, id int64, events int) error {
	deadline := time.Now().Add(d.ackTimeout)
	key := strconv.FormatInt(id, 10)
	body := []byte(`{"acks":[` + key + `]}`)
	unknown := func(why string) string {
		return fmt.Sprintf("splunk: HEC took the %d events (ackId %d on channel %s) but %s: they may or may not be indexed",
			events, id, d.channel, why)
	}
	wait := ackPollFirst
	var last error
	for {
		t := time.NewTimer(min(wait, max(time.Until(deadline), 0)))
		select {
		case <-ctx.Done():
			t.Stop()
			return errs.FromContext(ctx.Err(), last, "%s", unknown("the wait for their indexer acknowledgement was given up"))
		case <-t.C:
		}
		acked, err := d.pollAck(ctx, body, key)
		switch {
		case err == nil && acked:
			return nil
		case err != nil && !transient(err):
			if e := errs.FromContext(ctx.Err(), err, "%s", unknown("the wait for their indexer acknowledgement was given up")); e != nil {
				return e
			}
			return ackRefused(err, unknown)
		case err != nil:
			last = err
		}
		if !time.Now().Before(deadline) {
			why := fmt.Sprintf("did not acknowledge them within %v", d.ackTimeout)
			if last != nil {
				return &errs.Error{Code: errs.Provider, Message: unknown(why + ", its last answer an error"), Cause: last}
			}
			return &errs.Error{Code: errs.Provider, Message: unknown(why)}
		}
		wait = min(2*wait, ackPollMax)
	}
}

// pollAck asks HEC about one ackId.
func (d *driver) pollAck(ctx context.Context, body []byte, key string) (bool, error) {
	resp, err := d.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.ackPath, Body: body,
		ContentType: "application/json", Header: d.header, Idempotent: true})
	if err != nil {
		return false, err
	}
	var out struct {
		Acks map[string]bool `json:"acks"`
	}
	if err := resp.Decode(&out); err != nil {
		return false, err
	}
	if out.Acks == nil {
		return false, resp.Malformed(`has no "acks"`)
	}
	return out.Acks[key], nil
}

// transient reports whether a failed poll is worth trying again: HEC was
// busy or failed (a 429, a 5xx, a malformed answer), or did not answer.
func transient(err error) bool {
	var e *errs.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case errs.RateLimited:
		return true
	case errs.Provider:
		return e.Status < 300 || e.Status >= 500 // no answer (0), a malformed one, a 5xx
	}
	return false
}

// ackRefused is the batch's error when HEC refused a poll: ACK disabled
// (the token has no indexer acknowledgement) is the configuration's
// use_ack; the rest keep their code.
func ackRefused(err error, unknown func(string) string) error {
	var (
		e  *errs.Error
		pe *errs.ProviderError
	)
	if errors.As(err, &e) && errors.As(err, &pe) {
		if r := readRefusal(pe); r.hasCode && r.code == codeAckDisabled {
			return &errs.Error{Code: errs.InvalidInput, Field: "use_ack", Status: pe.Status, Cause: err,
				Message: unknown("refused to say whether they are indexed (ACK is disabled: the token does not have indexer acknowledgement on, which use_ack needs)")}
		}
	}
	c := errs.CodeOf(err)
	st := 0
	if e != nil {
		st = e.Status
	}
	return &errs.Error{Code: c, Status: st, Message: unknown("refused the acknowledgement query"), Cause: err}
}
