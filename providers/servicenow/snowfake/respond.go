package snowfake

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// errorBody is ServiceNow's error envelope.
type errorBody struct {
	Error struct {
		Message string  `json:"message"`
		Detail  *string `json:"detail"`
	} `json:"error"`
	Status string `json:"status"`
}

// writeError answers with ServiceNow's error body. An empty detail is sent
// as null, as ServiceNow does.
func writeError(w http.ResponseWriter, status int, message, detail string) {
	var b errorBody
	b.Error.Message = message
	if detail != "" {
		b.Error.Detail = &detail
	}
	b.Status = "failure"
	writeJSON(w, status, b)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeResult answers with the {"result": v} envelope.
func writeResult(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, map[string]any{"result": v})
}
