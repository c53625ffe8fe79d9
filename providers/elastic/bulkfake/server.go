package bulkfake

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// Flavor is the product a Server plays.
type Flavor int

// The flavors.
const (
	// Elasticsearch answers like Elasticsearch 8: every answer carries
	// X-Elastic-Product: Elasticsearch (which the official clients check),
	// and basic authentication or an API key is accepted.
	Elasticsearch Flavor = iota
	// OpenSearch answers like OpenSearch 2 with its security plugin: basic
	// authentication only, and no product header.
	OpenSearch
)

// String names the flavor: "elasticsearch" or "opensearch".
func (f Flavor) String() string {
	if f == OpenSearch {
		return "opensearch"
	}
	return "elasticsearch"
}

// The credentials the fake accepts. They are fakes shaped so that no
// secret scanner mistakes them for real ones.
const (
	// Username and Password are the basic credentials of the cluster's
	// user.
	Username = "elastic"
	Password = "bulkfake-password-not-a-real-one"
	// APIKeyID and APIKeySecret make the Elasticsearch API key; APIKey is
	// its encoded form, base64 of "<id>:<secret>", sent as "Authorization:
	// ApiKey <APIKey>". OpenSearch takes no API key.
	APIKeyID     = "bulkfake-key-id"
	APIKeySecret = "bulkfake-api-key-not-a-real-one"
	APIKey       = "YnVsa2Zha2Uta2V5LWlkOmJ1bGtmYWtlLWFwaS1rZXktbm90LWEtcmVhbC1vbmU="
)

// ProductHeader is the header Elasticsearch (7.14 and later) sets on every
// answer, and the official Elasticsearch clients check on the first
// successful one before trusting the server.
const ProductHeader = "X-Elastic-Product"

// Document is one document the fake holds.
type Document struct {
	// Index and ID say where it is.
	Index, ID string
	// Source is the document as it was sent (its source line).
	Source json.RawMessage
	// Seq numbers the documents in the order they were written, from 1,
	// across indices.
	Seq int64

	version int64
}

// Server is a fake Elasticsearch or OpenSearch cluster served over HTTP on
// the loopback interface. Create it with New and Close it when done. It is
// safe for concurrent use.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, Requests, Count, ...), the way every fake of this module
	// does; the requests it logs include the Authorization header.
	*fakekit.Kit

	// URL is the cluster's root, e.g. http://127.0.0.1:34567.
	URL string

	flavor Flavor
	ts     *httptest.Server

	mu           sync.Mutex
	indices      map[string]*index
	seq          int64
	bulks        int
	rejectPrefix string
	busyPrefix   string
	busied       map[string]bool // index/_id answered 429 once already
	noAutoCreate bool
	autoID       int64
}

type index struct {
	docs  map[string]*Document
	order []*Document
}

// Option configures a Server.
type Option func(*Server)

// WithoutAutoCreate makes the cluster refuse to write to an index that
// does not exist (action.auto_create_index: false): such items are answered
// 404 index_not_found_exception. Create indices with CreateIndex.
func WithoutAutoCreate() Option { return func(s *Server) { s.noAutoCreate = true } }

// New starts a cluster of the flavor, with no index.
func New(flavor Flavor, opts ...Option) *Server {
	s := &Server{flavor: flavor, indices: map[string]*index{}, busied: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	s.Kit = fakekit.New(fakekit.Vendor{Name: flavor.String(), WriteError: s.writeError, Authenticate: s.authenticate})
	api := s.Kit.Handler(s.handler())
	if flavor == Elasticsearch {
		inner := api
		api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(ProductHeader, "Elasticsearch")
			inner.ServeHTTP(w, r)
		})
	}
	s.ts = httptest.NewServer(api)
	s.URL = s.ts.URL
	return s
}

// Flavor returns the product the server plays.
func (s *Server) Flavor() Flavor { return s.flavor }

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns an *http.Client for the server, with its own connection
// pool.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// handler is the API behind the kit (which logs, injects faults and
// authenticates).
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.info)
	mux.HandleFunc("HEAD /{$}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("POST /_bulk", s.bulk)
	mux.HandleFunc("PUT /_bulk", s.bulk)
	mux.HandleFunc("POST /{index}/_bulk", s.bulk)
	mux.HandleFunc("PUT /{index}/_bulk", s.bulk)
	mux.HandleFunc("/", s.noHandler)
	return mux
}

// authenticate is the kit's Vendor.Authenticate: the basic credentials, or
// (Elasticsearch) the API key. Schemes are case-insensitive (RFC 9110):
// the Go client sends "APIKey", Elastic's documentation says "ApiKey".
func (s *Server) authenticate(r *http.Request) bool {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "ApiKey") && s.flavor == Elasticsearch:
		return equal(cred, APIKey)
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return false
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		return ok && equal(user, Username) && equal(pass, Password)
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// RejectUIDPrefix makes the cluster refuse, each on its own, the documents
// whose metadata.uid starts with prefix, the way a mapping conflict is
// refused: 400 mapper_parsing_exception, whose reason quotes the field's
// value as Elasticsearch's does. "" rejects none.
func (s *Server) RejectUIDPrefix(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectPrefix = prefix
}

// BusyOnce makes the cluster answer the first arrival of each document
// whose metadata.uid starts with prefix with 429
// es_rejected_execution_exception (the write queue was full), and write it
// when it comes again. "" stops it.
func (s *Server) BusyOnce(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busyPrefix = prefix
}

// CreateIndex creates an empty index (see WithoutAutoCreate); an existing
// one is left alone.
func (s *Server) CreateIndex(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.indexLocked(name)
}

func (s *Server) indexLocked(name string) *index {
	ix := s.indices[name]
	if ix == nil {
		ix = &index{docs: map[string]*Document{}}
		s.indices[name] = ix
	}
	return ix
}

// Documents returns the documents of an index in the order they were
// written (copies); nil for an index that does not exist.
func (s *Server) Documents(index string) []Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.indices[index]
	if ix == nil {
		return nil
	}
	out := make([]Document, len(ix.order))
	for i, d := range ix.order {
		out[i] = *d
		out[i].Source = slices.Clone(d.Source)
	}
	return out
}

// Document returns the document of an index with the id.
func (s *Server) Document(index, id string) (Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[index]; ix != nil {
		if d := ix.docs[id]; d != nil {
			c := *d
			c.Source = slices.Clone(d.Source)
			return c, true
		}
	}
	return Document{}, false
}

// Indices returns the names of the indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.indices))
	for n := range s.indices {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DocumentCount returns the number of documents of an index.
func (s *Server) DocumentCount(index string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[index]; ix != nil {
		return len(ix.order)
	}
	return 0
}

// Bulks returns the number of bulk requests the cluster served (those the
// kit answered for it, with a fault or a refused credential, are not
// counted).
func (s *Server) Bulks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bulks
}

// info answers GET /, the cluster's identity, which clients read to learn
// the product and its version.
func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	version := obj{
		"number": "8.19.7", "build_flavor": "default", "build_type": "docker",
		"build_hash": "0000000000000000000000000000000000000000", "build_date": "2025-11-01T00:00:00.000Z",
		"build_snapshot": false, "lucene_version": "9.12.2",
		"minimum_wire_compatibility_version": "7.17.0", "minimum_index_compatibility_version": "7.0.0",
	}
	tagline := "You Know, for Search"
	if s.flavor == OpenSearch {
		version = obj{
			"distribution": "opensearch", "number": "2.19.0", "build_type": "tar",
			"build_hash": "0000000000000000000000000000000000000000", "build_date": "2025-02-01T00:00:00.000Z",
			"build_snapshot": false, "lucene_version": "9.12.1",
			"minimum_wire_compatibility_version": "7.10.0", "minimum_index_compatibility_version": "7.0.0",
		}
		tagline = "The OpenSearch Project: https://opensearch.org/"
	}
	writeJSON(w, http.StatusOK, obj{"name": "bulkfake-node-1", "cluster_name": "bulkfake",
		"cluster_uuid": "YnVsa2Zha2UtY2x1c3Rlcg", "version": version, "tagline": tagline})
}

// noHandler answers a request no API of the fake serves, as the cluster
// answers an unknown endpoint: 400 with a plain "error" string.
func (s *Server) noHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusBadRequest, obj{"error": "no handler found for uri [" + r.URL.Path + "] and method [" + r.Method + "]"})
}
