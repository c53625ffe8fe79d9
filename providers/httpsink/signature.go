package httpsink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// The headers the provider sets on every request.
const (
	// HeaderSignature carries "v1=" and the hex HMAC-SHA256, keyed with
	// the signing credential's secret, of the timestamp, ".", and the
	// body: the scheme of Stripe's and Slack's webhooks, so that a
	// replayed request with another timestamp does not verify.
	HeaderSignature = "X-Synqly-Signature"
	// HeaderTimestamp is the Unix time, in seconds, the request was
	// signed at.
	HeaderTimestamp = "X-Synqly-Timestamp"
	// HeaderLocation carries the post's location (PostOptions.Location),
	// when it has one, for receivers that route by it.
	HeaderLocation = "X-Synqly-Location"
	// HeaderBatch carries a random id of the batch, the same on every
	// attempt, for receivers that deduplicate.
	HeaderBatch = "X-Synqly-Batch-Id"
)

// Sign returns the HeaderSignature value of body, sent at t, with secret.
func Sign(secret []byte, t time.Time, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(t.Unix(), 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a request a receiver got from this provider: its
// HeaderSignature and HeaderTimestamp values against the body, with the
// shared secret, refusing a timestamp further than tolerance from now.
// Receivers written in Go can use it as it is; it is the specification of
// the signature for the others.
func Verify(secret []byte, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errs.Invalid(HeaderTimestamp, "%s is not a Unix time in seconds", HeaderTimestamp)
	}
	t := time.Unix(sec, 0)
	if d := now.Sub(t); d > tolerance || -d > tolerance {
		return errs.Invalid(HeaderTimestamp, "%s is %s away from now, more than the %s tolerated", HeaderTimestamp, d.Round(time.Second), tolerance)
	}
	want := Sign(secret, t, body)
	// Several signatures may be sent while a secret is rotated.
	for s := range strings.SplitSeq(signature, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(s)), []byte(want)) {
			return nil
		}
	}
	return errs.New(errs.Unauthorized, "the %s does not match the body", HeaderSignature)
}
