package pdfake

import (
	"net/http"
	"slices"
	"strings"
)

// maxNotes is how many notes an incident may have.
const maxNotes = 2000

// noteIn is the body of POST and PUT /incidents/{id}/notes.
type noteIn struct {
	Note *struct {
		Content *string `json:"content"`
	} `json:"note"`
}

// content returns the note's content; ok is false (and a 400 written) when
// it is missing or blank.
func (n *noteIn) content(w http.ResponseWriter) (string, bool) {
	if n.Note == nil || n.Note.Content == nil || strings.TrimSpace(*n.Note.Content) == "" {
		invalid(w, "Note content can't be blank")
		return "", false
	}
	return *n.Note.Content, true
}

// GET /incidents/{id}/notes: every note, oldest first; not paged.
func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.incidentByID(r.PathValue("id"))
	if in == nil {
		notFound(w)
		return
	}
	out := make([]any, 0, len(in.Notes))
	for _, n := range in.Notes {
		out = append(out, s.renderNote(n))
	}
	writeJSON(w, http.StatusOK, obj{"notes": out})
}

// POST /incidents/{id}/notes: needs From; answers 200 {"note":{...}} as the
// API description says.
func (s *Server) createNote(w http.ResponseWriter, r *http.Request) {
	var body noteIn
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.requester(w, r)
	if from == nil {
		return
	}
	in := s.incidentByID(r.PathValue("id"))
	if in == nil {
		notFound(w)
		return
	}
	content, ok := body.content(w)
	if !ok {
		return
	}
	if len(in.Notes) >= maxNotes {
		invalid(w, "An incident can have at most 2000 notes")
		return
	}
	now := s.clock()
	n := &note{ID: s.newID("N"), UserID: from.ID, Content: content, CreatedAt: now, UpdatedAt: now}
	in.Notes = append(in.Notes, n)
	writeJSON(w, http.StatusOK, obj{"note": s.renderNote(n)})
}

// PUT /incidents/{id}/notes/{note_id}: needs From; replaces the content.
func (s *Server) updateNote(w http.ResponseWriter, r *http.Request) {
	var body noteIn
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requester(w, r) == nil {
		return
	}
	n, _ := s.noteByID(r.PathValue("id"), r.PathValue("note_id"))
	if n == nil {
		notFound(w)
		return
	}
	content, ok := body.content(w)
	if !ok {
		return
	}
	n.Content, n.UpdatedAt = content, s.clock()
	writeJSON(w, http.StatusOK, obj{"note": s.renderNote(n)})
}

// DELETE /incidents/{id}/notes/{note_id}: 204.
func (s *Server) deleteNote(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, in := s.noteByID(r.PathValue("id"), r.PathValue("note_id"))
	if n == nil {
		notFound(w)
		return
	}
	in.Notes = slices.DeleteFunc(in.Notes, func(x *note) bool { return x == n })
	w.WriteHeader(http.StatusNoContent)
}

// noteByID finds a note of an incident.
func (s *Server) noteByID(incidentID, noteID string) (*note, *incident) {
	in := s.incidentByID(incidentID)
	if in == nil {
		return nil, nil
	}
	for _, n := range in.Notes {
		if n.ID == noteID {
			return n, in
		}
	}
	return nil, nil
}
