package snowfake

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// attachmentAPI serves /api/now/attachment, /api/now/attachment/file,
// /api/now/attachment/{sys_id} and /api/now/attachment/{sys_id}/file.
func (s *Server) attachmentAPI(w http.ResponseWriter, r *http.Request, user, rest string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables["sys_attachment"]
	id, sub, _ := strings.Cut(rest, "/")
	switch {
	case rest == "" && r.Method == http.MethodGet:
		s.list(w, r, t, view{}, func(rec record) any { return s.attachmentMeta(rec) })
	case rest == "file" && r.Method == http.MethodPost:
		s.upload(w, r, user)
	case id != "" && sub == "" && r.Method == http.MethodGet:
		rec, ok := t.byID[id]
		if !ok {
			notFound(w)
			return
		}
		writeResult(w, http.StatusOK, s.attachmentMeta(rec))
	case id != "" && sub == "" && r.Method == http.MethodDelete:
		if !t.remove(id) {
			notFound(w)
			return
		}
		delete(s.files, id)
		w.WriteHeader(http.StatusNoContent)
	case id != "" && sub == "file" && r.Method == http.MethodGet:
		rec, ok := t.byID[id]
		if !ok {
			notFound(w)
			return
		}
		data := s.files[id]
		w.Header().Set("Content-Type", rec["content_type"])
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(data)
	case rest == "" || rest == "file" || sub == "" || sub == "file":
		writeError(w, http.StatusMethodNotAllowed, "Method not Supported", "The "+r.Method+" method is not supported for this resource")
	default:
		writeError(w, http.StatusBadRequest, "Requested URI does not represent any resource", r.URL.Path)
	}
}

// upload serves POST /api/now/attachment/file: the raw body is the file,
// table_name, table_sys_id and file_name are query parameters, and the
// Content-Type header is the file's type. Call with s.mu held.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, user string) {
	q := r.URL.Query()
	tableName, tableID, fileName := q.Get("table_name"), q.Get("table_sys_id"), q.Get("file_name")
	ctype := r.Header.Get("Content-Type")
	if tableName == "" || tableID == "" || fileName == "" || ctype == "" {
		writeError(w, http.StatusBadRequest, "Failed to create the attachment. File part might be missing in the request.",
			"table_name, table_sys_id, file_name and the Content-Type header are required")
		return
	}
	target, ok := s.tables[tableName]
	if !ok {
		writeError(w, http.StatusBadRequest, "Invalid table "+tableName, "")
		return
	}
	if _, ok := target.byID[tableID]; !ok {
		notFound(w)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Failed to create the attachment.", "the request body could not be read")
		return
	}
	if len(data) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "Failed to create the attachment.", "the file exceeds the maximum attachment size")
		return
	}
	sum := sha256.Sum256(data)
	rec := record{"file_name": fileName, "content_type": ctype, "size_bytes": strconv.Itoa(len(data)),
		"size_compressed": strconv.Itoa(len(data)), "table_name": tableName, "table_sys_id": tableID,
		"hash": hex.EncodeToString(sum[:]), "state": "available", "sys_created_by": user, "sys_updated_by": user}
	s.seedRecord("sys_attachment", "", rec)
	s.files[rec["sys_id"]] = data
	w.Header().Set("Location", s.URL+"/api/now/attachment/"+rec["sys_id"])
	writeResult(w, http.StatusCreated, s.attachmentMeta(rec))
}

// attachmentMeta renders attachment metadata as the Attachment API does:
// every column as a string, plus download_link.
func (s *Server) attachmentMeta(rec record) map[string]any {
	out := s.render(s.tables["sys_attachment"], rec, view{display: "false"})
	out["download_link"] = s.URL + "/api/now/attachment/" + rec["sys_id"] + "/file"
	return out
}
