package aws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/aws/sqsfake"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// refuseMarker makes the SQS fake refuse a message on its own (the
// conformance suite's PartialFailure).
const refuseMarker = "sqsfake-refuses-this"

// newSQS starts an SQS fake (closed with the test) that refuses the
// messages holding refuseMarker, and creates a queue; it returns both.
func newSQS(t testing.TB, queue string) (*sqsfake.Server, string) {
	fake := sqsfake.New(sqsfake.Options{Refuse: func(body string) (string, string, bool, bool) {
		return "InvalidMessageContents", "the fake refuses this message", true, strings.Contains(body, refuseMarker)
	}})
	t.Cleanup(fake.Close)
	return fake, fake.CreateQueue(queue)
}

// sqsRequest is the OpenRequest of a sink_aws_sqs integration of queue.
func sqsRequest(t testing.TB, fake *sqsfake.Server, queue string, cred credential.Config, req providers.OpenRequest) providers.OpenRequest {
	t.Helper()
	if cred == nil {
		cred = accessKey(sqsfake.AccessKeyID, sqsfake.SecretKey)
	}
	if req.HTTPClient == nil {
		req.HTTPClient = fake.Client()
		t.Cleanup(req.HTTPClient.CloseIdleConnections)
	}
	return s3Request(t, nil, &awsp.SQSConfig{URL: queue, Region: sqsfake.Region}, cred, req)
}

// openSQSDriver builds a sink_aws_sqs driver over the fake's queue,
// closed with the test.
func openSQSDriver(t testing.TB, fake *sqsfake.Server, queue string, cred credential.Config, req providers.OpenRequest) sink.Driver {
	t.Helper()
	d, err := awsp.SinkSQS.Open(context.Background(), sqsRequest(t, fake, queue, cred, req))
	if err != nil {
		t.Fatalf("SinkSQS.Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// received reads the queue: each message is one record.
func received(fake *sqsfake.Server, queue string) sinktest.Received {
	return func(t *testing.T) []sinktest.Record {
		var out []sinktest.Record
		for _, m := range fake.Messages(queue) {
			out = append(out, sinktest.Record{Event: json.RawMessage(m.Body)})
		}
		return out
	}
}

func TestSQSConformance(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: awsp.SinkSQS,
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			fake, q := newSQS(t, "security-events")
			return openSQSDriver(t, fake, q, nil, providers.OpenRequest{}), received(fake, q)
		},
		Refused: func() ocsf.Event {
			ev := sinktest.Event("refused")
			ev.Message = refuseMarker
			return ev
		},
	})
}

// TestSQSConformanceFIFO: a FIFO queue takes the messages with the
// driver's group and deduplication ids, in order.
func TestSQSConformanceFIFO(t *testing.T) {
	sinktest.Run(t, sinktest.Harness{
		Registration: awsp.SinkSQS,
		Open: func(t *testing.T) (sink.Driver, sinktest.Received) {
			fake, q := newSQS(t, "security-events.fifo")
			return openSQSDriver(t, fake, q, nil, providers.OpenRequest{}), received(fake, q)
		},
	})
}

// wrongSQSSecret signs with the fake's key id and a secret it does not
// know: SignatureDoesNotMatch.
const wrongSQSSecret = "sqsfake/Wrong+Secret/0123456789abcdefWRONG"

// TestSQSFaults runs the shared fault and secret-leak suite over
// sink_aws_sqs: SendMessageBatch is its write. SQS does not deduplicate
// a standard queue's messages, so it is retried only after a 429.
func TestSQSFaults(t *testing.T) {
	open := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			fake, q := newSQS(t, "faults")
			return openSQSDriver(t, fake, q, cred, req), fake.Kit
		}
	}
	sinktest.RunFaults(t, sinktest.FaultHarness{
		Registration:        awsp.SinkSQS,
		Open:                open(nil),
		OpenUnauthorized:    open(accessKey(sqsfake.AccessKeyID, wrongSQSSecret)),
		Secrets:             []string{sqsfake.SecretKey},
		UnauthorizedSecrets: []string{wrongSQSSecret},
	})
}

// post posts events through a connector over d.
func post(t *testing.T, d sink.Driver, evs ...ocsf.Event) (*sink.Result, error) {
	t.Helper()
	return sink.NewConnector(awsp.SinkSQS, d).PostEvents(t.Context(), evs, sink.PostOptions{})
}

func events(prefix string, n int) []ocsf.Event {
	evs := make([]ocsf.Event, n)
	for i := range evs {
		evs[i] = sinktest.Event(fmt.Sprintf("%s-%02d", prefix, i))
	}
	return evs
}

// TestSQSRetryableEntries: an entry SQS fails on its own account
// (SenderFault false) is sent again by the connector and lands; one the
// sender is at fault for is reported, not sent again.
func TestSQSRetryableEntries(t *testing.T) {
	fake, q := newSQS(t, "retry")
	d := openSQSDriver(t, fake, q, nil, providers.OpenRequest{})
	fake.FailNextEntries(q, 2, "InternalError", false)
	res, err := post(t, d, events("retry", 5)...)
	require.NoError(t, err)
	assert.Equal(t, 5, res.Written)
	assert.Len(t, fake.Messages(q), 5)
	assert.Equal(t, 2, fake.Count(http.MethodPost, "/"), "the two failed entries went in a second batch")

	fake.FailNextEntries(q, 1, "InvalidParameterValue", true)
	res, err = post(t, d, events("sender", 3)...)
	var pe *sink.PostError
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, 0, res.Failed[0].Index)
	assert.True(t, errors.Is(res.Failed[0].Err, errs.ErrInvalidInput), "%v", res.Failed[0].Err)
	var vendor *errs.ProviderError
	require.True(t, errors.As(res.Failed[0].Err, &vendor))
	assert.Equal(t, "InvalidParameterValue", vendor.Code)
	assert.NotEmpty(t, vendor.RequestID)
	assert.Len(t, fake.Messages(q), 7)
}

// TestSQSRequests: what the driver sends: SendMessageBatch over AWS JSON
// 1.0, at most 10 entries with the events' JSON as bodies, signed for the
// URL's region.
func TestSQSRequests(t *testing.T) {
	fake, q := newSQS(t, "wire")
	d := openSQSDriver(t, fake, q, nil, providers.OpenRequest{})
	evs := events("wire", 23)
	_, err := post(t, d, evs...)
	require.NoError(t, err)
	reqs := fake.Requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs {
		assert.Equal(t, "AmazonSQS.SendMessageBatch", r.Header.Get("X-Amz-Target"))
		assert.Equal(t, "application/x-amz-json-1.0", r.Header.Get("Content-Type"))
		assert.Contains(t, r.Header.Get("Authorization"), "/us-east-1/sqs/aws4_request")
		var in struct {
			QueueURL string `json:"QueueUrl"`
			Entries  []struct {
				ID   string `json:"Id"`
				Body string `json:"MessageBody"`
			}
		}
		require.NoError(t, json.Unmarshal(r.Body, &in))
		assert.Equal(t, q, in.QueueURL)
		assert.LessOrEqual(t, len(in.Entries), 10)
	}
	msgs := fake.Messages(q)
	require.Len(t, msgs, 23)
	want, _ := evs[0].MarshalJSON()
	assert.JSONEq(t, string(want), msgs[0].Body)
}

// TestSQSMessageText: characters SQS refuses in a message are escaped in
// the JSON, which then means the same.
func TestSQSMessageText(t *testing.T) {
	fake, q := newSQS(t, "text")
	d := openSQSDriver(t, fake, q, nil, providers.OpenRequest{})
	ev := sinktest.Event("text")
	ev.Message = "noncharacters \uFFFE and \uFFFF, kept"
	_, err := post(t, d, ev)
	require.NoError(t, err)
	msgs := fake.Messages(q)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].Body, `\ufffe`)
	got, err := ocsf.Decode(json.RawMessage(msgs[0].Body))
	require.NoError(t, err)
	assert.Equal(t, ev.Message, got.(*ocsf.DetectionFinding).Message)
}

// TestSQSErrors: a missing queue is NotFound (SQS answers 400), a
// throttled call RateLimited, a refused credential Unauthorized, none
// showing the secret.
func TestSQSErrors(t *testing.T) {
	fake, q := newSQS(t, "errors")
	missing := strings.TrimSuffix(q, "errors") + "nope"
	d := openSQSDriver(t, fake, missing, nil, providers.OpenRequest{})
	_, err := post(t, d, sinktest.Event("e1"))
	assert.True(t, errors.Is(err, errs.ErrNotFound), "%v", err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, http.StatusBadRequest, pe.Status)
	assert.Contains(t, pe.Code, "NonExistentQueue")
	assert.NotEmpty(t, pe.RequestID)

	// One queue: no locations.
	_, err = sink.NewConnector(awsp.SinkSQS, openSQSDriver(t, fake, q, nil, providers.OpenRequest{})).
		PostEvents(t.Context(), []ocsf.Event{sinktest.Event("loc")}, sink.PostOptions{Location: "eu"})
	assert.True(t, errors.Is(err, errs.ErrInvalidInput), "%v", err)
	assert.Empty(t, fake.Messages(q))

	d = openSQSDriver(t, fake, q, accessKey("AKIAUNKNOWNKEY000001", "some/secret/value/0123456789"), providers.OpenRequest{})
	_, err = post(t, d, sinktest.Event("e2"))
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.NotContains(t, err.Error(), "some/secret/value")
}

// TestSQSRegionFromURL: without a region the URL's is used (an Amazon
// host names it).
func TestSQSRegionFromURL(t *testing.T) {
	fake := sqsfake.New(sqsfake.Options{Region: "eu-west-3"})
	t.Cleanup(fake.Close)
	q := fake.CreateQueue("regional")
	// The queue's URL as Amazon names it; the requests go to the fake.
	aws := "https://sqs.eu-west-3.amazonaws.com/" + sqsfake.AccountID + "/regional"
	cfg := &awsp.SQSConfig{URL: aws}
	req := s3Request(t, nil, cfg, accessKey(sqsfake.AccessKeyID, sqsfake.SecretKey), providers.OpenRequest{HTTPClient: redirect(fake.URL)})
	d, err := awsp.SinkSQS.Open(t.Context(), req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	_, err = post(t, d, sinktest.Event("r1"))
	require.NoError(t, err)
	assert.Len(t, fake.Messages(q), 1)
	assert.Contains(t, fake.Requests()[0].Header.Get("Authorization"), "/eu-west-3/sqs/aws4_request")
}

// redirect is an HTTP client that sends every request to base (a fake),
// keeping its path: a test's stand-in for DNS.
func redirect(base string) *http.Client {
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Host = r.URL.Host // the signed Host
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(base, "http://")
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
