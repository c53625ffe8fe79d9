package bulkfake

import (
	"encoding/json"
	"net/http"
)

type obj = map[string]any

// writeJSON writes v as the JSON body with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errorBody is the cluster's error answer: the error's type and reason,
// once as the root cause and once at the top, and the status.
func errorBody(status int, typ, reason string) obj {
	cause := obj{"type": typ, "reason": reason}
	return obj{"error": obj{"root_cause": []obj{cause}, "type": typ, "reason": reason}, "status": status}
}

// failWith writes an error answer.
func failWith(w http.ResponseWriter, status int, typ, reason string) {
	writeJSON(w, status, errorBody(status, typ, reason))
}

// errorTypes are the error types the cluster answers each status with.
var errorTypes = map[int][2]string{
	http.StatusBadRequest:            {"illegal_argument_exception", "the request is not valid"},
	http.StatusUnauthorized:          {"security_exception", "missing authentication credentials for REST request [/_bulk]"},
	http.StatusForbidden:             {"security_exception", "action [indices:data/write/bulk] is unauthorized for user [elastic]"},
	http.StatusNotFound:              {"index_not_found_exception", "no such index"},
	http.StatusConflict:              {"version_conflict_engine_exception", "version conflict"},
	http.StatusRequestEntityTooLarge: {"request_entity_too_large", "the request is larger than http.max_content_length"},
	http.StatusTooManyRequests:       {"es_rejected_execution_exception", "rejected execution of coordinating operation"},
	http.StatusInternalServerError:   {"exception", "internal error"},
	http.StatusBadGateway:            {"bad_gateway", "bad gateway"},
	http.StatusServiceUnavailable:    {"unavailable_shards_exception", "primary shard is not active"},
	http.StatusGatewayTimeout:        {"timeout_exception", "the request timed out"},
}

// writeError is the kit's Vendor.WriteError: the cluster's error answer
// for a status, with message as its reason when set. A 401 carries the
// WWW-Authenticate challenges the cluster sends.
func (s *Server) writeError(w http.ResponseWriter, _ *http.Request, status int, message string) {
	t, ok := errorTypes[status]
	if !ok {
		t = [2]string{"exception", http.StatusText(status)}
	}
	if message != "" {
		t[1] = message
	}
	if status == http.StatusUnauthorized {
		w.Header().Add("WWW-Authenticate", `Basic realm="security", charset="UTF-8"`)
		if s.flavor == Elasticsearch {
			w.Header().Add("WWW-Authenticate", "ApiKey")
		}
	}
	failWith(w, status, t[0], t[1])
}
