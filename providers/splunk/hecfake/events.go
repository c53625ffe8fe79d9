package hecfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// envelopeKeys are the members an event's envelope may have.
var envelopeKeys = map[string]bool{"time": true, "host": true, "source": true, "sourcetype": true,
	"index": true, "event": true, "fields": true}

// indexName is a Splunk index name: numbers, lowercase letters,
// underscores and hyphens, not starting with a hyphen (internal indexes
// start with an underscore), without "kvstore" (indexes.conf).
var indexName = regexp.MustCompile(`^[a-z0-9_][a-z0-9_-]*$`)

// refusal is why an event of a request was not taken.
type refusal struct {
	status int
	text   string
	code   int
	// number is the invalid-event-number HEC names.
	number int
}

// postEvents is POST /services/collector/event: a body of JSON event
// objects one after another (whitespace between them or none), taken in
// order until the first one HEC refuses; the events before it stay taken.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	if !s.authenticate(w, r) {
		return
	}
	ch, ok := channelOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	needChannel := s.ack
	s.mu.Unlock()
	if needChannel && ch == "" {
		reply(w, http.StatusBadRequest, answer{Text: "Data channel is missing", Code: codeChannelMissing})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var taken []Event
	dec := json.NewDecoder(bytes.NewReader(body))
	var ref *refusal
	for i := 0; ; i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			ref = &refusal{http.StatusBadRequest, "Invalid data format", codeInvalidDataFormat, i}
			break
		}
		ev, skip, rf := s.parse(raw, i)
		if rf != nil {
			ref = rf
			break
		}
		if !skip {
			ev.Channel = ch
			taken = append(taken, ev)
		}
	}
	if ref == nil && len(taken) == 0 && !hasObjects(body) {
		reply(w, http.StatusBadRequest, answer{Text: "No data", Code: codeNoData})
		return
	}

	s.mu.Lock()
	if s.busyAfter >= 0 {
		n := min(s.busyAfter, len(taken))
		s.busyAfter = -1
		if ref == nil || n < len(taken) {
			taken = taken[:n]
			ref = &refusal{http.StatusServiceUnavailable, "Server is busy", codeServerBusy, n}
		}
	}
	s.events = append(s.events, taken...)
	var ackID *int64
	if s.ack && ref == nil {
		c := s.channels[ch]
		if c == nil {
			c = &channel{pending: map[int64]int{}}
			s.channels[ch] = c
		}
		id := c.next
		c.next++
		c.pending[id] = 0
		ackID = &id
	}
	s.mu.Unlock()

	if ref != nil {
		n := ref.number
		reply(w, ref.status, answer{Text: ref.text, Code: ref.code, InvalidEventNumber: &n})
		return
	}
	reply(w, http.StatusOK, answer{Text: "Success", Code: codeSuccess, AckID: ackID})
}

// hasObjects reports whether the body holds anything but whitespace.
func hasObjects(body []byte) bool { return len(bytes.TrimSpace(body)) > 0 }

// parse checks event object i of a request as HEC does. skip says the
// object is taken without an event (it has "fields" and no "event", which
// HEC accepts and indexes nothing of, for the /event endpoint's events).
func (s *Server) parse(raw json.RawMessage, i int) (ev Event, skip bool, ref *refusal) {
	invalid := func() (Event, bool, *refusal) {
		return Event{}, false, &refusal{http.StatusBadRequest, "Invalid data format", codeInvalidDataFormat, i}
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil || env == nil {
		return invalid()
	}
	for k := range env {
		// HEC itself answers 200 and silently drops the rest of the
		// request after an unknown member; the fake refuses it, so that a
		// driver's mistake shows.
		if !envelopeKeys[k] {
			return invalid()
		}
	}
	ev = Event{Index: s.defaultIndex}
	for _, k := range []string{"host", "source", "sourcetype"} {
		v, ok := env[k]
		if !ok {
			continue
		}
		var str string
		if err := json.Unmarshal(v, &str); err != nil {
			return invalid()
		}
		switch k {
		case "host":
			ev.Host = str
		case "source":
			ev.Source = str
		case "sourcetype":
			ev.SourceType = str
		}
	}
	if v, ok := env["time"]; ok {
		t, good := parseTime(v)
		if !good {
			return invalid()
		}
		ev.Time = t
	}
	if v, ok := env["fields"]; ok {
		var f map[string]json.RawMessage
		if err := json.Unmarshal(v, &f); err != nil {
			return invalid()
		}
		for _, x := range f {
			if t := bytes.TrimSpace(x); len(t) > 0 && t[0] == '{' {
				return Event{}, false, &refusal{http.StatusBadRequest, "Error in handling indexed fields", codeIndexedFields, i}
			}
		}
		ev.Fields = f
	}
	if v, ok := env["index"]; ok {
		var idx string
		if err := json.Unmarshal(v, &idx); err != nil {
			return invalid()
		}
		if !s.indexAllowed(idx) {
			// Splunk 10.4 was seen naming the event after the refused
			// one for this code (object 1 refused: invalid-event-number
			// 2); the fake does the same.
			return Event{}, false, &refusal{http.StatusBadRequest, "Incorrect index", codeIncorrectIndex, i + 1}
		}
		ev.Index = idx
	}
	e, ok := env["event"]
	if !ok {
		if _, has := env["fields"]; has {
			return Event{}, true, nil
		}
		return Event{}, false, &refusal{http.StatusBadRequest, "Event field is required", codeEventRequired, i}
	}
	e = bytes.TrimSpace(e)
	switch {
	case bytes.Equal(e, []byte("null")), bytes.Equal(e, []byte("false")):
		return invalid()
	case e[0] == '"':
		var str string
		if err := json.Unmarshal(e, &str); err != nil {
			return invalid()
		}
		if strings.TrimSpace(str) == "" {
			return Event{}, false, &refusal{http.StatusBadRequest, "Event field cannot be blank", codeEventBlank, i}
		}
	}
	if s.rejected(e) {
		return invalid()
	}
	ev.Event = e
	return ev, false, nil
}

// parseTime reads an envelope's time: a number, or a string holding one.
func parseTime(v json.RawMessage) (string, bool) {
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		if _, err := strconv.ParseFloat(n.String(), 64); err == nil {
			return n.String(), true
		}
		return "", false
	}
	var str string
	if err := json.Unmarshal(v, &str); err != nil {
		return "", false
	}
	if _, err := strconv.ParseFloat(str, 64); err != nil {
		return "", false
	}
	return str, true
}

// indexAllowed reports whether the token may write to the index.
func (s *Server) indexAllowed(idx string) bool {
	if !indexName.MatchString(idx) || strings.Contains(idx, "kvstore") {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused[idx] {
		return false
	}
	return s.allowed == nil || s.allowed[idx] || idx == s.defaultIndex
}

// rejected reports whether the event is one RejectUIDPrefix refuses.
func (s *Server) rejected(e json.RawMessage) bool {
	s.mu.Lock()
	prefixes := s.rejectUID
	s.mu.Unlock()
	if len(prefixes) == 0 || e[0] != '{' {
		return false
	}
	var ev struct {
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(e, &ev); err != nil {
		return false
	}
	for _, p := range prefixes {
		if strings.HasPrefix(ev.Metadata.UID, p) {
			return true
		}
	}
	return false
}
