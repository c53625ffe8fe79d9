package bulkfake

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The query parameters of the bulk API, from each vendor's API
// description: anything else is refused the way the cluster refuses an
// unrecognized parameter.
var (
	esParams = []string{"include_source_on_error", "list_executed_pipelines", "pipeline", "refresh", "routing",
		"_source", "_source_excludes", "_source_includes", "timeout", "wait_for_active_shards", "require_alias",
		"require_data_stream", "error_trace", "filter_path", "human", "pretty"}
	osParams = []string{"pipeline", "refresh", "require_alias", "routing", "_source", "_source_excludes",
		"_source_includes", "timeout", "type", "wait_for_active_shards", "pretty", "human", "error_trace", "source",
		"filter_path"}
)

// The members an action line may hold, per action (the vendors' bulk
// action vocabularies).
var (
	esActionKeys = map[string][]string{
		"create": {"_id", "_index", "dynamic_templates", "if_primary_term", "if_seq_no", "pipeline", "require_alias", "routing", "version", "version_type"},
		"delete": {"_id", "_index", "if_primary_term", "if_seq_no", "routing", "version", "version_type"},
		"index":  {"_id", "_index", "dynamic_templates", "if_primary_term", "if_seq_no", "pipeline", "require_alias", "routing", "version", "version_type"},
		"update": {"_id", "_index", "if_primary_term", "if_seq_no", "require_alias", "retry_on_conflict", "routing", "version", "version_type"},
	}
	osActionKeys = map[string][]string{
		"create": {"_id", "_index", "pipeline", "require_alias", "routing"},
		"delete": {"_id", "_index", "if_primary_term", "if_seq_no", "routing", "version", "version_type"},
		"index":  {"_id", "_index", "if_primary_term", "if_seq_no", "op_type", "pipeline", "require_alias", "routing", "version", "version_type"},
		"update": {"_id", "_index", "if_primary_term", "if_seq_no", "require_alias", "retry_on_conflict", "routing"},
	}
)

// maxIDBytes bounds a document id, as both vendors do.
const maxIDBytes = 512

// op is one action of a bulk request.
type op struct {
	action    string
	index, id string
	source    []byte // nil for delete
	line      int    // of the action line, from 1
}

// badRequest is a bulk request refused as a whole.
type badRequest struct {
	status       int
	typ, reason  string
	plainMessage bool // {"error": "<reason>", "status": N}
}

func (b *badRequest) write(w http.ResponseWriter) {
	if b.plainMessage {
		writeJSON(w, b.status, obj{"error": b.reason, "status": b.status})
		return
	}
	failWith(w, b.status, b.typ, b.reason)
}

// bulk serves POST (and PUT) /_bulk and /{index}/_bulk: NDJSON action and
// source lines, each action answered on its own, in order.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if bad := s.checkRequest(r); bad != nil {
		bad.write(w)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	ops, bad := s.parse(body, r.PathValue("index"))
	if bad != nil {
		bad.write(w)
		return
	}
	items := make([]json.RawMessage, len(ops))
	errors := false
	s.mu.Lock()
	s.bulks++
	for i, o := range ops {
		var failed bool
		items[i], failed = s.apply(o)
		errors = errors || failed
	}
	s.mu.Unlock()
	var out bytes.Buffer
	out.Grow(64 + len(ops)*160)
	fmt.Fprintf(&out, `{"took":%d,"errors":%t,"items":[`, time.Since(start).Milliseconds(), errors)
	for i, it := range items {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(it)
	}
	out.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

// checkRequest checks the query parameters and the content type.
func (s *Server) checkRequest(r *http.Request) *badRequest {
	allowed := esParams
	if s.flavor == OpenSearch {
		allowed = osParams
	}
	for name := range r.URL.Query() {
		if !slices.Contains(allowed, name) {
			return &badRequest{status: http.StatusBadRequest, typ: "illegal_argument_exception",
				reason: fmt.Sprintf("request [%s] contains unrecognized parameter: [%s]", r.URL.Path, name)}
		}
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	ok := err == nil && (mt == "application/json" || mt == "application/x-ndjson")
	if s.flavor == Elasticsearch && err == nil && (mt == "application/vnd.elasticsearch+json" || mt == "application/vnd.elasticsearch+x-ndjson") {
		ok = true
	}
	if !ok {
		return &badRequest{status: http.StatusNotAcceptable, plainMessage: true,
			reason: fmt.Sprintf("Content-Type header [%s] is not supported", ct)}
	}
	return nil
}

// parse reads the NDJSON body into its actions, refusing the request as
// the cluster does when a line is not what the bulk API documents.
func (s *Server) parse(body []byte, pathIndex string) ([]op, *badRequest) {
	invalid := func(format string, args ...any) *badRequest {
		return &badRequest{status: http.StatusBadRequest, typ: "illegal_argument_exception", reason: fmt.Sprintf(format, args...)}
	}
	if len(body) == 0 {
		return nil, &badRequest{status: http.StatusBadRequest, typ: "parse_exception", reason: "request body is required"}
	}
	if body[len(body)-1] != '\n' {
		return nil, invalid(`The bulk request must be terminated by a newline [\n]`)
	}
	keys := esActionKeys
	if s.flavor == OpenSearch {
		keys = osActionKeys
	}
	var ops []op
	var missing []string
	lines := bytes.Split(body[:len(body)-1], []byte("\n"))
	for n := 0; n < len(lines); n++ {
		line := bytes.TrimSpace(lines[n])
		if len(line) == 0 {
			continue
		}
		var action map[string]json.RawMessage
		if err := json.Unmarshal(line, &action); err != nil || action == nil {
			return nil, invalid("Malformed action/metadata line [%d], expected START_OBJECT", n+1)
		}
		if len(action) != 1 {
			return nil, invalid("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [START_OBJECT]", n+1, firstKey(action))
		}
		name := firstKey(action)
		allowed, known := keys[name]
		if !known {
			return nil, invalid("Malformed action/metadata line [%d], expected one of [create, delete, index, update] but found [%s]", n+1, name)
		}
		var meta map[string]json.RawMessage
		if err := json.Unmarshal(action[name], &meta); err != nil || meta == nil {
			return nil, invalid("Malformed action/metadata line [%d], expected START_OBJECT but found [VALUE_STRING]", n+1)
		}
		o := op{action: name, index: pathIndex, line: n + 1}
		for k, v := range meta {
			if !slices.Contains(allowed, k) {
				return nil, invalid("Action/metadata line [%d] contains an unknown parameter [%s]", n+1, k)
			}
			var str string
			switch k {
			case "_index", "_id":
				if err := json.Unmarshal(v, &str); err != nil {
					return nil, invalid("Malformed action/metadata line [%d], [%s] must be a string", n+1, k)
				}
				if k == "_index" {
					o.index = str
				} else {
					o.id = str
				}
			}
		}
		if o.action != "delete" {
			n++
			if n >= len(lines) || len(bytes.TrimSpace(lines[n])) == 0 {
				return nil, invalid("The bulk request must be terminated by a newline [\\n]")
			}
			o.source = lines[n]
		}
		switch {
		case o.index == "":
			missing = append(missing, "index is missing")
		case (o.action == "delete" || o.action == "update") && o.id == "":
			missing = append(missing, "id is missing")
		case len(o.id) > maxIDBytes:
			missing = append(missing, fmt.Sprintf("id [%s] is too long, must be no longer than 512 bytes but was: %d", clipID(o.id), len(o.id)))
		}
		ops = append(ops, o)
	}
	if len(ops) == 0 {
		missing = append(missing, "no requests added")
	}
	if len(missing) > 0 {
		var b strings.Builder
		b.WriteString("Validation Failed: ")
		for i, m := range missing {
			fmt.Fprintf(&b, "%d: %s;", i+1, m)
		}
		return nil, &badRequest{status: http.StatusBadRequest, typ: "action_request_validation_exception", reason: b.String()}
	}
	return ops, nil
}

func firstKey(m map[string]json.RawMessage) string {
	for k := range m {
		return k
	}
	return ""
}

func clipID(id string) string {
	if len(id) > 32 {
		return id[:32] + "..."
	}
	return id
}

// The answers of one item.
type (
	shards struct {
		Total      int `json:"total"`
		Successful int `json:"successful"`
		Failed     int `json:"failed"`
	}
	okItem struct {
		Index       string `json:"_index"`
		ID          string `json:"_id"`
		Version     int64  `json:"_version"`
		Result      string `json:"result"`
		Shards      shards `json:"_shards"`
		SeqNo       int64  `json:"_seq_no"`
		PrimaryTerm int    `json:"_primary_term"`
		Status      int    `json:"status"`
	}
	itemError struct {
		Type      string `json:"type"`
		Reason    string `json:"reason"`
		Index     string `json:"index,omitempty"`
		IndexUUID string `json:"index_uuid,omitempty"`
		Shard     string `json:"shard,omitempty"`
	}
	failedItem struct {
		Index  string    `json:"_index"`
		ID     string    `json:"_id"`
		Status int       `json:"status"`
		Error  itemError `json:"error"`
	}
)

// apply runs one action (s.mu held) and returns its item of the answer
// and whether it failed.
func (s *Server) apply(o op) (json.RawMessage, bool) {
	fail := func(status int, typ, reason string) (json.RawMessage, bool) {
		e := itemError{Type: typ, Reason: reason, Index: o.index}
		if _, ok := s.indices[o.index]; ok {
			e.IndexUUID, e.Shard = indexUUID(o.index), "0"
		}
		return item(o.action, failedItem{Index: o.index, ID: o.id, Status: status, Error: e}), true
	}
	if reason := invalidIndexName(o.index); reason != "" {
		return fail(http.StatusBadRequest, "invalid_index_name_exception", fmt.Sprintf("Invalid index name [%s], %s", o.index, reason))
	}
	ix := s.indices[o.index]
	if ix == nil && (s.noAutoCreate || o.action == "delete" || o.action == "update") {
		if o.action == "delete" && !s.noAutoCreate {
			return item(o.action, okItem{Index: o.index, ID: o.id, Version: 1, Result: "not_found",
				Shards: shards{2, 1, 0}, PrimaryTerm: 1, Status: http.StatusNotFound}), false
		}
		return fail(http.StatusNotFound, "index_not_found_exception", "no such index ["+o.index+"]")
	}
	if o.action == "update" {
		return fail(http.StatusBadRequest, "illegal_argument_exception", "the fake does not serve the update action")
	}
	if o.action == "delete" {
		d := ix.docs[o.id]
		if d == nil {
			return item(o.action, okItem{Index: o.index, ID: o.id, Version: 1, Result: "not_found",
				Shards: shards{2, 1, 0}, PrimaryTerm: 1, Status: http.StatusNotFound}), false
		}
		delete(ix.docs, o.id)
		ix.order = slices.DeleteFunc(ix.order, func(x *Document) bool { return x == d })
		s.seq++
		return item(o.action, okItem{Index: o.index, ID: o.id, Version: 2, Result: "deleted",
			Shards: shards{2, 1, 0}, SeqNo: s.seq, PrimaryTerm: 1, Status: http.StatusOK}), false
	}
	if !json.Valid(o.source) || bytes.TrimSpace(o.source)[0] != '{' {
		return fail(http.StatusBadRequest, s.parsingException(), fmt.Sprintf("[1:1] failed to parse: the document of line [%d] is not a JSON object", o.line+1))
	}
	if o.id == "" {
		s.autoID++
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(s.autoID))
		o.id = "bulkfake" + base64.RawURLEncoding.EncodeToString(b[:])
	}
	if s.rejectPrefix != "" || s.busyPrefix != "" {
		uid := metadataUID(o.source)
		if s.rejectPrefix != "" && strings.HasPrefix(uid, s.rejectPrefix) {
			return fail(http.StatusBadRequest, s.parsingException(), fmt.Sprintf(
				"[1:42] failed to parse field [metadata.uid] of type [long] in document with id '%s'. Preview of field's value: '%s'", o.id, uid))
		}
		key := o.index + "/" + o.id
		if s.busyPrefix != "" && strings.HasPrefix(uid, s.busyPrefix) && !s.busied[key] {
			s.busied[key] = true
			return fail(http.StatusTooManyRequests, "es_rejected_execution_exception",
				"rejected execution of primary operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, primary_operation_bytes=1024, max_coordinating_and_primary_bytes=0]")
		}
	}
	if ix == nil {
		ix = s.indexLocked(o.index)
	}
	version, result, status := int64(1), "created", http.StatusCreated
	if d := ix.docs[o.id]; d != nil {
		if o.action == "create" {
			return fail(http.StatusConflict, "version_conflict_engine_exception",
				fmt.Sprintf("[%s]: version conflict, document already exists (current version [%d])", o.id, d.version))
		}
		version, result, status = d.version+1, "updated", http.StatusOK
		ix.order = slices.DeleteFunc(ix.order, func(x *Document) bool { return x == d })
	}
	s.seq++
	d := &Document{Index: o.index, ID: o.id, Source: slices.Clone(o.source), Seq: s.seq, version: version}
	ix.docs[o.id] = d
	ix.order = append(ix.order, d)
	return item(o.action, okItem{Index: o.index, ID: o.id, Version: version, Result: result,
		Shards: shards{2, 1, 0}, SeqNo: s.seq - 1, PrimaryTerm: 1, Status: status}), false
}

// parsingException is the type of a document the mapping cannot take:
// Elasticsearch 8.8 and later call it document_parsing_exception,
// OpenSearch mapper_parsing_exception.
func (s *Server) parsingException() string {
	if s.flavor == OpenSearch {
		return "mapper_parsing_exception"
	}
	return "document_parsing_exception"
}

// item encodes one item of the answer: {"<action>": v}.
func item(action string, v any) json.RawMessage {
	b, err := json.Marshal(map[string]any{action: v})
	if err != nil {
		panic(err)
	}
	return b
}

func indexUUID(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name + "-uuid"))[:min(22, len(name)+6)]
}

// metadataUID returns the metadata.uid of an OCSF event's JSON, "" if it
// has none.
func metadataUID(source []byte) string {
	var ev struct {
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(source, &ev)
	return ev.Metadata.UID
}

// invalidIndexName says why name is not a valid index name, as the cluster
// does: lowercase, none of \ / * ? " < > | space , # :, not starting with
// - _ +, not . or .., at most 255 bytes. "" for a valid one.
func invalidIndexName(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case !utf8.ValidString(name):
		return "must be UTF-8"
	case strings.ToLower(name) != name:
		return "must be lowercase"
	case name == "." || name == "..":
		return "must not be '.' or '..'"
	case strings.ContainsAny(name[:1], "-_+"):
		return "must not start with '_', '-', or '+'"
	case len(name) > 255:
		return "index name is too long, (" + fmt.Sprint(len(name)) + " > 255)"
	}
	if i := strings.IndexAny(name, "\\/*?\"<>| ,#:"); i >= 0 {
		return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?, #, :]"
	}
	return ""
}
