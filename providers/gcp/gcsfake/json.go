package gcsfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"gocloud.dev/blob"
	"gocloud.dev/blob/gcsblob"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// RequestIDHeader is the header Cloud Storage names its answers with, on
// both APIs; the kit sets a fresh id on every answer.
const RequestIDHeader = "X-GUploader-UploadID"

// NewJSON starts a fake of the Cloud Storage JSON API
// (https://storage.googleapis.com/storage/v1/, uploads under
// /upload/storage/v1/, downloads with alt=media or through the XML
// download path), served by fake-gcs-server, with the given buckets. The
// kit in front of it authenticates "Authorization: Bearer <token>" with
// the tokens its token endpoint issued (AccessToken) or AcceptToken
// added, and answers errors the way the JSON API does:
//
//	{"error": {"code": 404, "message": "...", "errors": [{"message": "...", "domain": "global", "reason": "notFound"}]}}
func NewJSON(buckets ...string) *Server {
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		NoListener: true,
		// Where resumable uploads continue: Client sends it to the fake.
		ExternalURL: "https://storage.googleapis.com",
	})
	if err != nil {
		panic("gcsfake: " + err.Error())
	}
	for _, b := range buckets {
		gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: b})
	}
	s := &Server{gcs: gcs, tokens: map[string]bool{AccessToken: true}}
	s.Kit = fakekit.New(fakekit.Vendor{
		Name:            "gcs",
		WriteError:      writeJSONError,
		RequestIDHeader: RequestIDHeader,
		Authenticate:    s.bearer,
	})
	s.start(jsonLists(gcs.HTTPHandler()))
	return s
}

// bearer checks a JSON API request's bearer token.
func (s *Server) bearer(r *http.Request) bool {
	tok, ok := cutPrefixFold(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok && s.tokens[tok]
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// Bucket opens a bucket of the JSON fake's emulator directly, behind the
// kit's back (no fault, no log, no authentication): for tests to read
// what a driver wrote (blobstore.ReadSink) with a handle of their own.
func (s *Server) Bucket(ctx context.Context, name string) (*blob.Bucket, error) {
	if s.gcs == nil {
		return nil, errors.New("gcsfake: Bucket is a JSON fake's (NewJSON); read an XML fake's objects with Object")
	}
	return gcsblob.OpenBucket(ctx, nil, name, &gcsblob.Options{Client: s.gcs.Client()})
}

// jsonReasons are the JSON API's error reasons by status.
var jsonReasons = map[int]string{
	http.StatusBadRequest: "invalid", http.StatusUnauthorized: "authError", http.StatusForbidden: "forbidden",
	http.StatusNotFound: "notFound", http.StatusConflict: "conflict", http.StatusPreconditionFailed: "conditionNotMet",
	http.StatusRequestEntityTooLarge: "uploadTooLarge", http.StatusTooManyRequests: "rateLimitExceeded",
	http.StatusInternalServerError: "backendError", http.StatusBadGateway: "backendError",
	http.StatusServiceUnavailable: "backendError", http.StatusGatewayTimeout: "backendError",
}

// writeJSONError writes the JSON API's error document.
func writeJSONError(w http.ResponseWriter, _ *http.Request, status int, message string) {
	if message == "" {
		switch status {
		case http.StatusUnauthorized:
			message = "Invalid Credentials"
		case http.StatusTooManyRequests:
			message = "The rate of requests exceeds the rate limit. Please reduce your request rate."
		default:
			message = http.StatusText(status)
		}
	}
	reason := jsonReasons[status]
	if reason == "" {
		reason = "error"
	}
	item := map[string]string{"message": message, "domain": "global", "reason": reason}
	if status == http.StatusUnauthorized {
		item["locationType"], item["location"] = "header", "Authorization"
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": status, "message": message, "errors": []any{item}}})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
