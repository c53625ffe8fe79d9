package gcsfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// NewXML starts a fake of the Cloud Storage XML API, the S3-compatible
// one (https://storage.googleapis.com/<bucket>/<object>, path-style), with
// the given buckets. fake-gcs-server serves only part of the XML API
// (object PUT, GET and DELETE and an unpaged listing: no ListObjectsV2
// continuation tokens, no multipart uploads), so the objects are kept by
// gofakes3, an S3 emulator: what it answers is S3's, which the XML API
// mirrors for the operations the drivers use (PutObject, multipart
// uploads, GetObject, HeadObject, DeleteObject, ListObjectsV2). The kit in front of it checks
// each request's AWS Signature Version 4 against the HMAC key
// (HMACAccessID, HMACSecret): the signature of the canonical request and,
// for a signed payload, its SHA-256. Errors are the XML API's
// <Error><Code/><Message/></Error> documents.
func NewXML(buckets ...string) *Server {
	be := s3mem.New()
	for _, b := range buckets {
		if err := be.CreateBucket(b); err != nil {
			panic("gcsfake: " + err.Error())
		}
	}
	s := &Server{s3b: be, tokens: map[string]bool{}, hmacID: HMACAccessID, hmacSecret: HMACSecret}
	s.s3 = gofakes3.New(be, gofakes3.WithLogger(gofakes3.DiscardLog()))
	s.Kit = fakekit.New(fakekit.Vendor{
		Name:            "gcs-xml",
		WriteError:      writeXMLError,
		RequestIDHeader: RequestIDHeader,
		Authenticate:    s.sigV4,
	})
	s.start(xmlLists(be, s.s3.Server()))
	return s
}

// SetHMACKey replaces the HMAC key the XML fake accepts.
func (s *Server) SetHMACKey(accessID, secret string) {
	s.mu.Lock()
	s.hmacID, s.hmacSecret = accessID, secret
	s.mu.Unlock()
}

// sigV4 verifies a request's AWS Signature Version 4 (header form):
//
//	Authorization: AWS4-HMAC-SHA256 Credential=<access id>/<date>/<region>/s3/aws4_request,
//	  SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=<hex>
func (s *Server) sigV4(r *http.Request) bool {
	s.mu.Lock()
	id, secret := s.hmacID, s.hmacSecret
	s.mu.Unlock()
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
	if !ok {
		return false
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] != id || scope[3] != "s3" || scope[4] != "aws4_request" {
		return false
	}
	signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || signedAt.Format("20060102") != scope[1] || time.Since(signedAt).Abs() > 15*time.Minute {
		return false
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		return false
	}
	if payload != "UNSIGNED-PAYLOAD" && !strings.HasPrefix(payload, "STREAMING-") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != payload {
			return false
		}
	}
	// Sign the request again, with the signed headers only, and compare.
	again, err := http.NewRequestWithContext(context.Background(), r.Method, "https://"+r.Host+r.RequestURI, nil)
	if err != nil {
		return false
	}
	again.Host = r.Host
	for _, name := range strings.Split(fields["SignedHeaders"], ";") {
		switch name {
		case "host":
		case "content-length":
			again.ContentLength = r.ContentLength
		default:
			again.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
		}
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	err = v4.NewSigner().SignHTTP(context.Background(), creds, again, payload, "s3", scope[2], signedAt,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		return false
	}
	want := again.Header.Get("Authorization")
	_, wantSig, _ := strings.Cut(want, "Signature=")
	return hmac.Equal([]byte(wantSig), []byte(fields["Signature"]))
}

// xmlCodes are the XML API's error codes by status.
var xmlCodes = map[int]string{
	http.StatusBadRequest: "InvalidArgument", http.StatusUnauthorized: "AuthenticationRequired",
	http.StatusForbidden: "AccessDenied", http.StatusNotFound: "NoSuchKey", http.StatusConflict: "Conflict",
	http.StatusPreconditionFailed: "PreconditionFailed", http.StatusRequestEntityTooLarge: "EntityTooLarge",
	http.StatusTooManyRequests: "SlowDown", http.StatusInternalServerError: "InternalError",
	http.StatusBadGateway: "InternalError", http.StatusServiceUnavailable: "ServiceUnavailable",
	http.StatusGatewayTimeout: "InternalError",
}

// writeXMLError writes the XML API's error document.
func writeXMLError(w http.ResponseWriter, r *http.Request, status int, message string) {
	code := xmlCodes[status]
	if code == "" {
		code = "UnknownError"
	}
	if status == http.StatusNotFound && strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0 {
		code = "NoSuchBucket"
	}
	if message == "" {
		switch status {
		case http.StatusUnauthorized:
			message = "The request signature we calculated does not match the signature you provided, or the access key is unknown."
		default:
			message = http.StatusText(status)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	_ = xml.NewEncoder(&buf).Encode(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
	}{Code: code, Message: message})
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
