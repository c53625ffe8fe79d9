package splunk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/splunk"
	"github.com/seed-e6251c81/synqly/providers/splunk/hecfake"
)

var ackConfig = &splunk.SinkConfig{UseACK: true, AckTimeoutSeconds: 1}

// TestAck: with use_ack, a batch HEC took is written once its ackId is
// acknowledged, polled on the driver's channel.
func TestAck(t *testing.T) {
	fastAcks(t)
	srv := fake(t, hecfake.WithAck())
	srv.AckAfter(3)
	d := openFake(t, srv, ackConfig)
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", events("ack", 3)...)))
	assert.Equal(t, 1, srv.Count("POST", hecfake.EventPath))
	assert.Equal(t, 4, srv.Count("POST", hecfake.AckPath), "three polls answered false, the fourth true")
	ch := splunk.Channel(d)
	for _, r := range srv.Requests() {
		assert.Equal(t, ch, r.Header.Get(hecfake.ChannelHeader), r.Path)
		if r.Path == hecfake.AckPath {
			assert.JSONEq(t, `{"acks":[0]}`, string(r.Body))
		}
	}
	assert.Zero(t, srv.PendingAcks(ch))

	// The next batch is the channel's ackId 1.
	srv.AckAfter(0)
	srv.ResetRequests()
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", events("ack2", 1)...)))
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, `{"acks":[1]}`, string(reqs[1].Body))
	assert.Len(t, srv.Events(), 4)
}

// TestAckTimeout: a batch never acknowledged fails as a whole when the
// ack timeout passes, its error saying the events may or may not be
// indexed; the connector stops the post there.
func TestAckTimeout(t *testing.T) {
	fastAcks(t)
	srv := fake(t, hecfake.WithAck())
	srv.HoldAcks(true)
	d := openFake(t, srv, ackConfig)
	start := time.Now()
	res, err := sink.NewConnector(splunk.Sink, d).PostEvents(t.Context(), events("held", 3), sink.PostOptions{})
	el := time.Since(start)
	assert.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.ErrorContains(t, err, "may or may not be indexed")
	assert.ErrorContains(t, err, "did not acknowledge them within 1s")
	assert.Equal(t, 0, res.Written)
	assert.Len(t, res.Failed, 3)
	assert.GreaterOrEqual(t, el, time.Second)
	assert.Less(t, el, 3*time.Second)
	assert.Len(t, srv.Events(), 3, "HEC took them: they may be indexed")
	assert.Equal(t, 1, srv.Count("POST", hecfake.EventPath), "not sent again")
	assert.Greater(t, srv.Count("POST", hecfake.AckPath), 10)
}

// TestAckCanceled: the caller giving up while the driver waits.
func TestAckCanceled(t *testing.T) {
	fastAcks(t)
	srv := fake(t, hecfake.WithAck())
	srv.HoldAcks(true)
	d := openFake(t, srv, &splunk.SinkConfig{UseACK: true})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := d.WriteBatch(ctx, batch(t, "", events("c", 1)...))
	assert.True(t, errors.Is(err, errs.ErrDeadlineExceeded), "%v", err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.ErrorContains(t, err, "may or may not be indexed")
}

// TestAckPollFailures: a poll that fails after the shared client's
// retries is tried again at the next wait; a lost answer to an event
// request is not resent.
func TestAckPollFailures(t *testing.T) {
	fastAcks(t)
	srv := fake(t, hecfake.WithAck())
	d := openFake(t, srv, ackConfig)
	srv.Inject(fakekit.Fault{Method: "POST", Path: hecfake.AckPath, Status: http.StatusInternalServerError, Times: 5})
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", events("p", 1)...)))
	assert.Equal(t, 6, srv.Count("POST", hecfake.AckPath), "4 attempts of the first poll, 2 of the second")

	srv.ResetRequests()
	srv.Inject(fakekit.Fault{Method: "POST", Path: hecfake.AckPath, Body: fakekit.BodyDropped})
	require.NoError(t, d.WriteBatch(t.Context(), batch(t, "", events("q", 1)...)))
	assert.Equal(t, 2, srv.Count("POST", hecfake.AckPath), "a poll is a read: retried after a dropped connection")

	srv.ResetRequests()
	srv.Inject(fakekit.Fault{Method: "POST", Path: hecfake.EventPath, Body: fakekit.BodyLost})
	err := d.WriteBatch(t.Context(), batch(t, "", events("lost", 1)...))
	assert.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.Equal(t, 1, srv.Count("POST", hecfake.EventPath))
	assert.Zero(t, srv.Count("POST", hecfake.AckPath), "no ackId to ask about")

	// A poll HEC refuses (the token refused) ends the wait.
	srv.ResetRequests()
	srv.Inject(fakekit.Fault{Method: "POST", Path: hecfake.AckPath, Status: http.StatusUnauthorized})
	err = d.WriteBatch(t.Context(), batch(t, "", events("u", 1)...))
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.ErrorContains(t, err, "may or may not be indexed")
	assert.Equal(t, 1, srv.Count("POST", hecfake.AckPath))
}

// TestAckNotOnToken: use_ack with a token that has no indexer
// acknowledgement: HEC answers without an ackId, or refuses the poll
// (code 14); both fail the batch, naming the cause.
func TestAckNotOnToken(t *testing.T) {
	fastAcks(t)
	srv := fake(t) // the token without useACK
	err := openFake(t, srv, ackConfig).WriteBatch(t.Context(), batch(t, "", events("n", 2)...))
	assert.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.ErrorContains(t, err, "without an ackId")
	assert.ErrorContains(t, err, "may or may not be indexed")

	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/ack") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"text":"ACK is disabled","code":14}`))
			return
		}
		_, _ = w.Write([]byte(`{"text":"Success","code":0,"ackId":7}`))
	}))
	defer ts.Close()
	cfg := goodConfig()
	cfg.HECURL, cfg.UseACK = ts.URL, true
	err = open(t, providers.OpenRequest{Config: cfg, HTTPOptions: fastRetries}).WriteBatch(t.Context(), batch(t, "", events("d", 1)...))
	assert.Equal(t, "use_ack", fieldOf(t, err))
	assert.ErrorContains(t, err, "ACK is disabled")
	assert.ErrorContains(t, err, "ackId 7")
}

// TestAckOffWithAckToken: a token with indexer acknowledgement but
// use_ack off: the driver's channel is sent anyway, HEC's ackId is not
// waited for.
func TestAckOffWithAckToken(t *testing.T) {
	srv := fake(t, hecfake.WithAck())
	require.NoError(t, openFake(t, srv, nil).WriteBatch(t.Context(), batch(t, "", events("o", 1)...)))
	assert.Zero(t, srv.Count("POST", hecfake.AckPath))
	assert.Len(t, srv.Events(), 1)
}
