package gcsfake

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/johannesboyne/gofakes3"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// Server is a fake Cloud Storage served over HTTP on the loopback
// interface: the JSON API (NewJSON) or the XML API (NewXML), and Google's
// OAuth token endpoint. Create it with NewJSON or NewXML, and Close it
// when done.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, Requests, Count, ...), the way every fake of this module
	// does. It is in front of the storage API only: token requests do not
	// show in its log.
	*fakekit.Kit

	// URL is the server's root, e.g. http://127.0.0.1:34567. Clients reach
	// it through Client, which sends Google's hosts there.
	URL string

	ts        *httptest.Server
	transport *http.Transport

	gcs *fakestorage.Server // the JSON API's emulator
	s3  *gofakes3.GoFakeS3  // the XML API's emulator
	s3b gofakes3.Backend

	mu           sync.Mutex
	tokens       map[string]bool // the bearer tokens the JSON API accepts
	tokenCalls   int
	tokenFaults  []int // statuses the token endpoint answers next
	hmacID       string
	hmacSecret   string
	authFailures int
}

// googleHosts are the hosts Client sends to the fake: the storage APIs
// and the OAuth token endpoints.
var googleHosts = map[string]bool{
	"storage.googleapis.com": true, "oauth2.googleapis.com": true,
	"accounts.google.com": true, "www.googleapis.com": true,
}

func isGoogleHost(h string) bool {
	return googleHosts[h] || strings.HasSuffix(h, ".storage.googleapis.com")
}

// start serves api behind the kit, and the token endpoints beside it.
func (s *Server) start(api http.Handler) {
	mux := http.NewServeMux()
	tokenH := http.HandlerFunc(s.serveToken)
	storage := s.Kit.Handler(api)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		switch {
		case host == "oauth2.googleapis.com" && r.URL.Path == "/token",
			host == "accounts.google.com" && r.URL.Path == "/o/oauth2/token",
			host == "www.googleapis.com" && r.URL.Path == "/oauth2/v4/token":
			tokenH.ServeHTTP(w, r)
		default:
			storage.ServeHTTP(w, r)
		}
	}))
	s.ts = httptest.NewServer(mux)
	s.URL = s.ts.URL
	s.transport = &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, ForceAttemptHTTP2: false}
}

// Client returns an HTTP client that sends the requests for Google's
// hosts (https://storage.googleapis.com, https://oauth2.googleapis.com,
// ...) to the fake, as they are but for the scheme and the address: the
// Host header, the path and the signed headers stay Google's. Requests
// for other hosts fail. Give it as providers.OpenRequest.HTTPClient.
func (s *Server) Client() *http.Client {
	target, _ := url.Parse(s.URL)
	return &http.Client{Transport: &redirect{target: target, next: s.transport}}
}

type redirect struct {
	target *url.URL
	next   http.RoundTripper
}

func (t *redirect) RoundTrip(r *http.Request) (*http.Response, error) {
	if !isGoogleHost(r.URL.Hostname()) {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("gcsfake: %s is not a Google host the fake serves", r.URL.Hostname())
	}
	r2 := r.Clone(r.Context())
	r2.Host = r.URL.Host
	r2.URL.Scheme, r2.URL.Host = t.target.Scheme, t.target.Host
	return t.next.RoundTrip(r2)
}

// Close stops the server and closes its connections.
func (s *Server) Close() {
	s.ts.Close()
	s.transport.CloseIdleConnections()
	if s.gcs != nil {
		s.gcs.Stop()
	}
}

// AcceptToken makes the JSON API accept tok as a bearer token, as if the
// token endpoint had issued it (an access token given as a credential).
func (s *Server) AcceptToken(tok string) {
	s.mu.Lock()
	s.tokens[tok] = true
	s.mu.Unlock()
}

// TokenRequests returns how many token requests the token endpoint got.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls
}

// FailTokens makes the token endpoint answer its next n requests with
// status (and Google's OAuth error body for it).
func (s *Server) FailTokens(n, status int) {
	s.mu.Lock()
	for range n {
		s.tokenFaults = append(s.tokenFaults, status)
	}
	s.mu.Unlock()
}

// Object returns the content of an object, read from the emulator behind
// the kit (no fault, no log).
func (s *Server) Object(ctx context.Context, bucket, key string) ([]byte, error) {
	if s.gcs != nil {
		obj, err := s.gcs.GetObject(bucket, key)
		if err != nil {
			return nil, err
		}
		return obj.Content, nil
	}
	obj, err := s.s3b.GetObject(bucket, key, nil)
	if err != nil {
		return nil, err
	}
	defer obj.Contents.Close()
	return io.ReadAll(obj.Contents)
}
