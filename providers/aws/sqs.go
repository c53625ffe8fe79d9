package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// SQS's limits, from the API reference of SendMessageBatch (and the SDK's
// doc comment of it, aws-sdk-go-v2 service/sqs v1.53.0): "The maximum
// allowed individual message size and the maximum total payload size (the
// sum of the individual lengths of all of the batched messages) are both
// 1 MiB 1,048,576 bytes", and at most 10 messages a batch. The message
// size was raised from 256 KiB to 1 MiB in 2025 (AWS What's New, "Amazon
// SQS increases maximum message payload size to 1 MiB"); a queue's
// MaximumMessageSize attribute, 1 MiB by default, may be set lower.
const (
	// MaxSQSBatch is the most messages of one SendMessageBatch.
	MaxSQSBatch = 10
	// MaxSQSBytes is the most bytes of one message, and of the messages of
	// one batch together.
	MaxSQSBytes = 1 << 20
)

// SQSLimits are the sink_aws_sqs driver's batch limits: SQS's.
var SQSLimits = sink.Limits{MaxEvents: MaxSQSBatch, MaxBytes: MaxSQSBytes, MaxEventBytes: MaxSQSBytes}

// FIFOGroupID is the MessageGroupId of the messages sent to a FIFO queue:
// one group, so that events are delivered in the order they were posted.
const FIFOGroupID = "synqly"

// sqsSink is the sink_aws_sqs driver: each event is one message, its OCSF
// JSON the body, sent with SendMessageBatch. It is safe for concurrent
// use.
type sqsSink struct {
	sink.Unimplemented // never reached: every operation is implemented
	c                  *conn
	client             *sqs.Client
	q                  *queueURL
}

var _ sink.Driver = (*sqsSink)(nil)

// openSQS is SinkSQS.Open.
func openSQS(ctx context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*SQSConfig](req)
	if err != nil {
		return nil, err
	}
	q, err := parseQueueURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	c, err := newConn(ctx, req, "sqs", cfg.region(), nil)
	if err != nil {
		return nil, err
	}
	client := sqs.NewFromConfig(c.cfg, func(o *sqs.Options) {
		if !legacyQueueHost(q) {
			// The queue's own host: a regional endpoint (the SDK's
			// resolution would give the same), a FIPS or VPC endpoint, an
			// emulator.
			o.BaseEndpoint = aws.String(q.origin)
		}
	})
	return &sqsSink{c: c, client: client, q: q}, nil
}

// legacyQueueHost reports whether the URL has the legacy
// <region>.queue.amazonaws.com host, whose API endpoint the SDK resolves
// from the region.
func legacyQueueHost(q *queueURL) bool {
	u, err := url.Parse(q.origin)
	return err == nil && q.aws && strings.Contains(strings.ToLower(u.Hostname()), ".queue.amazonaws.com")
}

// Limits implements sink.Driver: SQSLimits.
func (d *sqsSink) Limits() sink.Limits { return SQSLimits }

// Close implements sink.Driver.
func (d *sqsSink) Close() error {
	d.c.close()
	return nil
}

// WriteBatch implements sink.Driver: one SendMessageBatch of the batch's
// events, an entry each (its Id the event's position in the batch). An
// entry SQS lists in Failed is an item failure, safe to send again when
// SQS says the fault is not the sender's. The call itself is retried only
// after a 429: SQS does not deduplicate a standard queue's messages, so a
// batch resent after a 5xx or a lost answer could be delivered twice.
func (d *sqsSink) WriteBatch(ctx context.Context, b *sink.Batch) error {
	if b.Location != "" {
		return errs.Invalid("location", "sqs: the integration writes to one queue: post without a location")
	}
	var failures []sink.ItemFailure
	entries := make([]types.SendMessageBatchRequestEntry, 0, len(b.Items))
	pos := make(map[string]int, len(b.Items))
	total := 0
	for i, it := range b.Items {
		body := messageText(it.JSON)
		if len(body) > MaxSQSBytes {
			failures = append(failures, sink.ItemFailure{Item: i,
				Err: errs.Invalid("event", "sqs: the event is %d bytes as a message; the limit is %d", len(body), MaxSQSBytes)})
			continue
		}
		if total+len(body) > MaxSQSBytes {
			// Escaping made the batch longer than SQS takes: the event
			// goes in a later batch.
			failures = append(failures, sink.ItemFailure{Item: i, Retryable: true,
				Err: errs.New(errs.Provider, "sqs: the event did not fit in the batch's %d bytes", MaxSQSBytes)})
			continue
		}
		total += len(body)
		id := strconv.Itoa(i)
		e := types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String(body)}
		if d.q.fifo {
			sum := sha256.Sum256([]byte(body))
			e.MessageGroupId = aws.String(FIFOGroupID)
			e.MessageDeduplicationId = aws.String(hex.EncodeToString(sum[:]))
		}
		entries = append(entries, e)
		pos[id] = i
	}
	if len(entries) == 0 {
		return &sink.BatchError{Failures: failures}
	}
	cctx, cl := withCall(ctx)
	out, err := d.client.SendMessageBatch(cctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(d.q.url), Entries: entries})
	if err != nil {
		return d.fail(ctx, cl, err)
	}
	reqID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	told := make(map[string]bool, len(entries))
	for _, s := range out.Successful {
		if s.Id != nil {
			told[*s.Id] = true
		}
	}
	for _, f := range out.Failed {
		id := aws.ToString(f.Id)
		i, ok := pos[id]
		if !ok || told[id] {
			continue
		}
		told[id] = true
		failures = append(failures, sink.ItemFailure{Item: i, Err: d.entryError(f, reqID), Retryable: !f.SenderFault})
	}
	if len(told) == 0 {
		return &errs.Error{Code: errs.Provider, Status: http.StatusOK,
			Message: fmt.Sprintf("sqs: SendMessageBatch: HTTP 200: the response lists none of the %d messages", len(entries))}
	}
	for id, i := range pos {
		if !told[id] {
			failures = append(failures, sink.ItemFailure{Item: i,
				Err: errs.New(errs.Provider, "sqs: SendMessageBatch: HTTP 200: the response does not say whether the message was sent")})
		}
	}
	if len(failures) > 0 {
		return &sink.BatchError{Failures: failures}
	}
	return nil
}

// entryError is the error of an entry SQS refused.
func (d *sqsSink) entryError(f types.BatchResultErrorEntry, reqID string) error {
	code := errs.Provider
	if f.SenderFault {
		code = errs.InvalidInput
	}
	pe := &errs.ProviderError{Method: http.MethodPost, Path: "/", Status: http.StatusOK,
		Code: d.c.redact(aws.ToString(f.Code)), Message: d.c.redact(aws.ToString(f.Message)), RequestID: d.c.redact(reqID)}
	msg := "sqs: the queue refused the message"
	if pe.Code != "" {
		msg += ": " + pe.Code
	}
	return &errs.Error{Code: code, Message: msg, Cause: pe}
}

// fail is the error of a SendMessageBatch that failed as a whole.
func (d *sqsSink) fail(ctx context.Context, cl *call, err error) error {
	var e *errs.Error
	switch {
	case ctx.Err() != nil:
		return errs.FromContext(ctx.Err(), nil, "sqs: SendMessageBatch: gave up")
	case errors.As(err, &e): // the transport's (a timeout, the size cap)
		return d.c.finish(cl, e)
	}
	a := answerOf(err, errors.As)
	if a == nil {
		return &errs.Error{Code: errs.Provider, Message: "sqs: SendMessageBatch: " + d.c.redact(transportText(err))}
	}
	pe := d.c.providerError(a)
	msg := fmt.Sprintf("sqs: SendMessageBatch: HTTP %d", pe.Status)
	if pe.Code != "" {
		msg += ": " + pe.Code
	}
	return d.c.finish(cl, &errs.Error{Code: sqsCode(pe.Status, pe.Code), Status: pe.Status, Message: msg, Cause: pe})
}

// transportText says why a request got no answer, without the SDK's
// framing.
func transportText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return "the request failed: " + ue.Err.Error()
	}
	return "the request failed: " + err.Error()
}

// sqsCode is the code of an SQS error answer: by the vendor's code where
// it says more than the status (SQS answers a missing queue with 400).
func sqsCode(status int, code string) errs.Code {
	switch code {
	case "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue":
		return errs.NotFound
	case "AccessDenied", "AccessDeniedException", "KmsAccessDenied", "KMS.AccessDeniedException":
		return errs.Forbidden
	case "UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation":
		return errs.Unsupported
	}
	switch {
	case status == http.StatusUnauthorized:
		return errs.Unauthorized
	case status == http.StatusForbidden:
		return errs.Forbidden
	case status == http.StatusNotFound:
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

// messageText is an event's JSON as an SQS message body. SQS takes the
// characters #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and #x10000
// to #x10FFFF, and refuses a message with any other; in JSON, which Go
// writes with control characters escaped already, the others can only be
// inside strings, where the same character escaped (\ufffe) means the same.
func messageText(js []byte) string {
	i := 0
	for i < len(js) {
		r, n := utf8.DecodeRune(js[i:])
		if !sqsChar(r, n) {
			break
		}
		i += n
	}
	if i == len(js) {
		return string(js)
	}
	var b strings.Builder
	b.Grow(len(js) + 16)
	b.Write(js[:i])
	for i < len(js) {
		r, n := utf8.DecodeRune(js[i:])
		if sqsChar(r, n) {
			b.Write(js[i : i+n])
		} else {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// sqsChar reports whether SQS takes r (n its UTF-8 length, 1 for an
// invalid byte).
func sqsChar(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		return false
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
