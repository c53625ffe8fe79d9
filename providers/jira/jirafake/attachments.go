package jirafake

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxAttachment is the largest file the site accepts.
const maxAttachment = 32 << 20

// addAttachment is POST /rest/api/3/issue/{key}/attachments: a
// multipart/form-data upload of "file" parts. Jira blocks it (403, "XSRF
// check failed") without the header X-Atlassian-Token: no-check.
func (s *Server) addAttachment(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("X-Atlassian-Token"), "no-check") {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "XSRF check failed")
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		writeError(w, http.StatusUnsupportedMediaType, []string{"Unsupported Media Type: attachments are uploaded as multipart/form-data."}, nil)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, []string{"The multipart body is malformed."}, nil)
		return
	}
	type upload struct {
		name, ctype string
		data        []byte
	}
	var files []upload
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, []string{"The multipart body is malformed."}, nil)
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, maxAttachment+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, []string{"The multipart body is malformed."}, nil)
			return
		}
		if len(data) > maxAttachment {
			writeError(w, http.StatusRequestEntityTooLarge, []string{"The file is too large: the limit is 33554432 bytes."}, nil)
			return
		}
		ctype := part.Header.Get("Content-Type")
		if ctype == "" || ctype == "application/octet-stream" {
			ctype = http.DetectContentType(data)
		}
		files = append(files, upload{name: part.FileName(), ctype: ctype, data: data})
	}
	if len(files) == 0 {
		writeError(w, http.StatusBadRequest, []string{"No file was attached: send it in a multipart part named 'file'."}, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	is := st.issue(r.PathValue("key"))
	if is == nil {
		notFoundIssue(w)
		return
	}
	out := []any{}
	for _, f := range files {
		st.nextAttach++
		a := &attachmentRec{id: st.nextAttach, issue: is, filename: f.name, mimeType: f.ctype, content: f.data,
			author: st.me, created: st.now()}
		is.attachments = append(is.attachments, a)
		st.attachments[a.id] = a
		out = append(out, st.renderAttachment(a, false))
	}
	is.updated = st.now()
	st.changed()
	writeJSON(w, http.StatusOK, out)
}

// attachment returns the attachment with the id in the path.
func (st *state) attachment(r *http.Request) *attachmentRec {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil
	}
	return st.attachments[id]
}

func noAttachment(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, []string{"The attachment with id '" + r.PathValue("id") + "' does not exist"}, nil)
}

// getAttachment is GET /rest/api/3/attachment/{id} (metadata).
func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.attachment(r)
	if a == nil {
		noAttachment(w, r)
		return
	}
	writeJSON(w, http.StatusOK, s.st.renderAttachment(a, true))
}

// deleteAttachment is DELETE /rest/api/3/attachment/{id}.
func (s *Server) deleteAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	a := st.attachment(r)
	if a == nil {
		noAttachment(w, r)
		return
	}
	delete(st.attachments, a.id)
	is := a.issue
	for i, x := range is.attachments {
		if x == a {
			is.attachments = append(is.attachments[:i], is.attachments[i+1:]...)
			break
		}
	}
	is.updated = st.now()
	st.changed()
	w.WriteHeader(http.StatusNoContent)
}

// attachmentContent is GET /rest/api/3/attachment/content/{id}: with
// redirect=false the bytes, otherwise a 303 to the download URL.
func (s *Server) attachmentContent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.st.attachment(r)
	var data []byte
	var name, ctype string
	if a != nil {
		data, name, ctype = a.content, a.filename, a.mimeType
	}
	base := s.st.base
	s.mu.Unlock()
	if a == nil {
		noAttachment(w, r)
		return
	}
	if r.URL.Query().Get("redirect") != "false" {
		http.Redirect(w, r, base+"/secure/attachment/"+r.PathValue("id")+"/"+url.PathEscape(name), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// attachmentDownload serves the URL attachmentContent redirects to.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.st.attachment(r)
	var data []byte
	var ctype string
	if a != nil {
		data, ctype = a.content, a.mimeType
	}
	s.mu.Unlock()
	if a == nil {
		noAttachment(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(data)
}
