package httpsink_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/httpsink"
)

// The receiver's secrets: fakes shaped to be no real ones.
const (
	token         = "httpsink-receiver-token-0123456789"
	signingSecret = "httpsink-signing-secret-9876543210"
)

// receiver is a generic HTTP receiver of events, as an application would
// write one: it checks the bearer token and the signature, reads a JSON
// array or JSON Lines, and keeps the events.
type receiver struct {
	*fakekit.Kit
	URL string

	mu      sync.Mutex
	records []sinktest.Record
	bad     []string // why requests were refused
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Kit = fakekit.New(fakekit.Vendor{
		Name: "receiver",
		WriteError: func(w http.ResponseWriter, _ *http.Request, status int, message string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"error": message})
		},
		RequestIDHeader: "X-Request-Id",
		Authenticate:    func(req *http.Request) bool { return req.Header.Get("Authorization") == "Bearer "+token },
	})
	ts := httptest.NewServer(r.Handler(http.HandlerFunc(r.serve)))
	t.Cleanup(ts.Close)
	r.URL = ts.URL + "/ingest/ocsf?tenant=acme"
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	var body bytes.Buffer
	body.ReadFrom(req.Body)
	if req.URL.Path != "/ingest/ocsf" || req.URL.Query().Get("tenant") != "acme" {
		http.Error(w, "no such endpoint", http.StatusNotFound)
		return
	}
	if sig := req.Header.Get(httpsink.HeaderSignature); sig != "" {
		if err := httpsink.Verify([]byte(signingSecret), sig, req.Header.Get(httpsink.HeaderTimestamp), body.Bytes(), time.Now(), 5*time.Minute); err != nil {
			r.refuse(w, err.Error())
			return
		}
	}
	var events []json.RawMessage
	switch req.Header.Get("Content-Type") {
	case "application/json":
		if err := json.Unmarshal(body.Bytes(), &events); err != nil {
			r.refuse(w, "not a JSON array")
			return
		}
	case "application/x-ndjson":
		sc := bufio.NewScanner(&body)
		sc.Buffer(nil, 8<<20)
		for sc.Scan() {
			if !json.Valid(sc.Bytes()) {
				r.refuse(w, "a line is not JSON")
				return
			}
			events = append(events, json.RawMessage(append([]byte(nil), sc.Bytes()...)))
		}
	default:
		r.refuse(w, "content type "+req.Header.Get("Content-Type"))
		return
	}
	r.mu.Lock()
	for _, e := range events {
		r.records = append(r.records, sinktest.Record{Location: req.Header.Get(httpsink.HeaderLocation), Event: e})
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (r *receiver) refuse(w http.ResponseWriter, why string) {
	r.mu.Lock()
	r.bad = append(r.bad, why)
	r.mu.Unlock()
	http.Error(w, why, http.StatusBadRequest)
}

func (r *receiver) received(t *testing.T) []sinktest.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 {
		t.Errorf("the receiver refused requests: %s", strings.Join(r.bad, "; "))
	}
	return append([]sinktest.Record(nil), r.records...)
}
