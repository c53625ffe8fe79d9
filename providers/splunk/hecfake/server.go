package hecfake

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The seeded collector. The token is a fake shaped like HEC's GUID tokens
// so that no secret scanner mistakes it for a real one.
const (
	// Token is the HEC token the fake accepts.
	Token = "00000000-feed-4fac-8e00-hecfaketoken"
	// DefaultIndex is the token's default index: where an event without
	// an "index" lands, as Splunk's "main" is.
	DefaultIndex = "main"
	// DefaultMaxContentLength is the largest request body the fake takes
	// unless WithMaxContentLength says otherwise: Splunk Cloud Platform's
	// 1 MB (Splunk Enterprise 7.0 and later default to 838,860,800 bytes,
	// [http_input] max_content_length in limits.conf; 1,000,000 before).
	DefaultMaxContentLength = 1_000_000
)

// Paths of the collector's endpoints, under the server's URL.
const (
	EventPath  = "/services/collector/event"
	AckPath    = "/services/collector/ack"
	HealthPath = "/services/collector/health"
)

// ChannelHeader is the header that names a request's data channel.
const ChannelHeader = "X-Splunk-Request-Channel"

// Event is one event as the fake holds it: HEC's envelope, taken apart.
type Event struct {
	// Index is where the event landed (DefaultIndex when the envelope
	// named none).
	Index string
	// Host, Source and SourceType are the envelope's, "" when it had
	// none.
	Host, Source, SourceType string
	// Time is the envelope's "time" as sent (epoch seconds, maybe
	// fractional, or a numeric string), "" when it had none.
	Time string
	// Channel is the request's data channel, "" without one.
	Channel string
	// Event is the envelope's "event": a JSON value (for this module's
	// sinks, an OCSF event).
	Event json.RawMessage
	// Fields are the envelope's indexed "fields", nil without.
	Fields map[string]json.RawMessage
}

// Server is a fake HTTP Event Collector served over HTTP on the loopback
// interface. Create it with New and Close it when done. It is safe for
// concurrent use.
type Server struct {
	// Kit injects faults and logs requests (Inject, RateLimit, FailNext,
	// SetDelay, Requests, Count, ...), the way every fake of this module
	// does; the requests it logs include the Authorization header.
	*fakekit.Kit

	// URL is the collector's base URL, e.g. http://127.0.0.1:34567 (like
	// https://splunk.example.com:8088).
	URL string

	ts *httptest.Server

	mu           sync.Mutex
	token        string
	disabled     bool
	ack          bool
	defaultIndex string
	allowed      map[string]bool // nil: any well-named index
	refused      map[string]bool
	rejectUID    []string
	busyAfter    int // -1: not busy
	holdAcks     bool
	ackAfter     int // polls before an id is acknowledged
	maxContent   int64
	tls          bool
	channels     map[string]*channel
	events       []Event
}

// channel is one data channel's acknowledgement state.
type channel struct {
	next    int64
	pending map[int64]int // ackId → polls so far
}

// Option configures a Server.
type Option func(*Server)

// WithToken makes the fake accept tok instead of Token.
func WithToken(tok string) Option { return func(s *Server) { s.token = tok } }

// WithAck turns indexer acknowledgement on for the token (useACK): every
// event request must name a data channel, is answered with an "ackId",
// and POST /services/collector/ack answers for those ids.
func WithAck() Option { return func(s *Server) { s.ack = true } }

// WithDefaultIndex sets the token's default index (DefaultIndex unless
// set).
func WithDefaultIndex(name string) Option { return func(s *Server) { s.defaultIndex = name } }

// WithIndexes restricts the token to the named indexes (the token's
// allowed indexes); an event to another is refused with code 7. Without
// it, any well-named index is taken (and created).
func WithIndexes(names ...string) Option {
	return func(s *Server) {
		s.allowed = map[string]bool{}
		for _, n := range names {
			s.allowed[n] = true
		}
	}
}

// WithMaxContentLength sets the largest request body the fake takes
// (DefaultMaxContentLength unless set); a larger one is answered 413.
func WithMaxContentLength(n int64) Option { return func(s *Server) { s.maxContent = n } }

// WithTLS serves the collector over HTTPS with httptest's self-signed
// certificate, as Splunk serves HEC with its own by default: Client
// trusts it, a client of its own does not.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// New starts a fake collector with the seeded token.
func New(opts ...Option) *Server {
	s := &Server{token: Token, defaultIndex: DefaultIndex, busyAfter: -1, maxContent: DefaultMaxContentLength,
		channels: map[string]*channel{}}
	for _, o := range opts {
		o(s)
	}
	s.Kit = fakekit.New(fakekit.Vendor{Name: "splunk", WriteError: writeFault, MaxBody: s.maxContent})
	if s.tls {
		s.ts = httptest.NewUnstartedServer(s.Kit.Handler(s.handler()))
		// Clients that do not trust the certificate are expected.
		s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		s.ts.StartTLS()
	} else {
		s.ts = httptest.NewServer(s.Kit.Handler(s.handler()))
	}
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns an *http.Client for the server, with its own connection
// pool (trusting the server's certificate, WithTLS).
func (s *Server) Client() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if s.tls {
		t.TLSClientConfig = s.ts.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	}
	return &http.Client{Transport: t}
}

// handler is the collector behind the kit (which logs and injects
// faults); authentication is the collector's own, with HEC's codes.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+EventPath, s.postEvents)
	mux.HandleFunc("POST "+EventPath+"/1.0", s.postEvents)
	mux.HandleFunc("POST /services/collector", s.postEvents)
	mux.HandleFunc("POST /services/collector/1.0", s.postEvents)
	mux.HandleFunc("POST "+AckPath, s.postAck)
	mux.HandleFunc("GET "+HealthPath, s.health)
	mux.HandleFunc("GET "+HealthPath+"/1.0", s.health)
	mux.HandleFunc(EventPath, methodNotAllowed)
	mux.HandleFunc(AckPath, methodNotAllowed)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusNotFound, answer{Text: notFoundText, Code: http.StatusNotFound})
	})
	return mux
}

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	reply(w, http.StatusMethodNotAllowed, answer{Text: notFoundText, Code: http.StatusNotFound})
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	reply(w, http.StatusOK, answer{Text: "HEC is healthy", Code: codeHealthy})
}

// authenticate checks the request's "Authorization: Splunk <token>" and
// answers a refused one as HEC does: no header 401 code 2, another
// scheme 401 code 3, an unknown token 403 code 4, a disabled one 403 code
// 1. It reports whether the request may go on.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		reply(w, http.StatusUnauthorized, answer{Text: "Token is required", Code: codeTokenRequired})
		return false
	}
	tok, ok := strings.CutPrefix(h, "Splunk ")
	if !ok || strings.TrimSpace(tok) == "" {
		reply(w, http.StatusUnauthorized, answer{Text: "Invalid authorization", Code: codeInvalidAuthorization})
		return false
	}
	s.mu.Lock()
	known, disabled := tok == s.token, s.disabled
	s.mu.Unlock()
	switch {
	case !known:
		reply(w, http.StatusForbidden, answer{Text: "Invalid token", Code: codeInvalidToken})
		return false
	case disabled:
		reply(w, http.StatusForbidden, answer{Text: "Token disabled", Code: codeTokenDisabled})
		return false
	}
	return true
}

// guid is a data channel's form: a GUID.
var guid = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// channelOf returns the request's data channel (the header, or the
// channel query parameter), answering a malformed one with 400 code 11;
// ok is false when the request was answered.
func channelOf(w http.ResponseWriter, r *http.Request) (ch string, ok bool) {
	ch = r.Header.Get(ChannelHeader)
	if ch == "" {
		ch = r.URL.Query().Get("channel")
	}
	if ch != "" && !guid.MatchString(ch) {
		reply(w, http.StatusBadRequest, answer{Text: "Invalid data channel", Code: codeInvalidChannel})
		return "", false
	}
	return ch, true
}

// DisableToken turns the token off, as disabling it in Splunk does:
// requests with it are then answered 403 code 1 "Token disabled".
func (s *Server) DisableToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disabled = true
}

// RefuseIndex makes the token refuse the index: an event to it is
// answered 400 code 7 "Incorrect index", and the events after it in its
// request are not taken.
func (s *Server) RefuseIndex(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[string]bool{}
	}
	s.refused[name] = true
}

// RejectUIDPrefix makes the fake refuse, as HEC refuses an event it cannot
// parse (400 code 6 "Invalid data format" with its invalid-event-number),
// every event whose "event" is an object whose metadata.uid starts with
// prefix: the events before it in its request are taken, it and those
// after are not. Several prefixes may be set.
func (s *Server) RejectUIDPrefix(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectUID = append(s.rejectUID, prefix)
}

// BusyAfter makes the next event request take its first n events and
// then answer 503 code 9 "Server is busy" with invalid-event-number n, as
// HEC does when its queue fills up mid-request (n 0: nothing taken).
func (s *Server) BusyAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busyAfter = max(n, 0)
}

// HoldAcks, while on, keeps every ackId unacknowledged: polls answer
// false, as they do while the events are not yet indexed (or were lost).
func (s *Server) HoldAcks(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdAcks = on
}

// AckAfter makes the first n polls of every ackId answer false (0, the
// default: its first poll answers true).
func (s *Server) AckAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackAfter = max(n, 0)
}

// Events returns copies of every event taken, oldest first.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	for i, e := range s.events {
		out[i] = e.clone()
	}
	return out
}

// EventsIn returns copies of the events taken into the index, oldest
// first.
func (s *Server) EventsIn(index string) []Event {
	var out []Event
	for _, e := range s.Events() {
		if e.Index == index {
			out = append(out, e)
		}
	}
	return out
}

// Indexes returns the indexes holding events, sorted.
func (s *Server) Indexes() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.Events() {
		if !seen[e.Index] {
			seen[e.Index] = true
			out = append(out, e.Index)
		}
	}
	slices.Sort(out)
	return out
}

// Reset forgets every event taken (the channels and their ackIds stay).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = nil
}

// PendingAcks returns how many ackIds of the channel are not yet
// reported acknowledged.
func (s *Server) PendingAcks(channelID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[channelID]; c != nil {
		return len(c.pending)
	}
	return 0
}

func (e Event) clone() Event {
	e.Event = slices.Clone(e.Event)
	if e.Fields != nil {
		f := make(map[string]json.RawMessage, len(e.Fields))
		for k, v := range e.Fields {
			f[k] = slices.Clone(v)
		}
		e.Fields = f
	}
	return e
}
