package synqly_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func sinkEvent(uid string) ocsf.Event {
	ev := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	ev.Time = 1764650000000
	ev.Metadata = &ocsf.Metadata{UID: uid, Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "t"}}
	ev.FindingInfo = &ocsf.FindingInfo{UID: uid, Title: "t"}
	return ev
}

// TestMockSinkTwoClients posts to one mock sink integration from two
// clients on one database at once: every event is kept once, under a
// sequence number no other event has (one State transaction a batch).
func TestMockSinkTwoClients(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	acct := mustAccount(t, c1, "Sink Acme")
	res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "shared-sink",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.SinkID, Config: &mock.SinkConfig{}}})
	require.NoError(t, err)

	const perClient, posts = 3, 4
	n := mock.SinkLimits.MaxEvents + 50 // two batches a post
	var wg sync.WaitGroup
	errc := make(chan error, 2*perClient)
	for ci, c := range []*synqly.Client{c1, c2} {
		sk, err := sink.Open(ctx, c.Account(acct.ID), res.Integration.ID)
		require.NoError(t, err)
		for g := range perClient {
			wg.Go(func() {
				for p := range posts {
					evs := make([]ocsf.Event, n)
					for i := range evs {
						evs[i] = sinkEvent(fmt.Sprintf("c%d-g%d-p%d-%04d", ci, g, p, i))
					}
					if _, err := sk.PostEvents(ctx, evs, sink.PostOptions{}); err != nil {
						errc <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}

	sk, err := sink.Open(ctx, c2.Account(acct.ID), res.Integration.ID)
	require.NoError(t, err)
	var log mock.SinkLog
	ok, err := sk.As(ctx, &log)
	require.NoError(t, err)
	require.True(t, ok)
	seen := map[string]int64{}
	var after int64
	for {
		recs, err := log.Posted(ctx, after, 1000)
		require.NoError(t, err)
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			require.Equal(t, after+1, r.Seq, "sequence numbers are dense and unique")
			after = r.Seq
			ev, err := ocsf.Decode(r.Event)
			require.NoError(t, err)
			uid := ev.EventBase().Metadata.UID
			_, dup := seen[uid]
			require.False(t, dup, "event %s kept twice", uid)
			seen[uid] = r.Seq
		}
	}
	assert.Len(t, seen, 2*perClient*posts*n)
}
