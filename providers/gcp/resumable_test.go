package gcp_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/gcp"
)

// roundTrip uploads 20 MiB to path and checks what comes back.
func roundTrip(t *testing.T, c *storage.Connector, path string) {
	t.Helper()
	data := make([]byte, 20<<20)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(data)
	_, err := c.UploadFile(t.Context(), path, bytes.NewReader(data), storage.UploadOptions{ContentType: "application/octet-stream", Size: int64(len(data))})
	require.NoError(t, err)
	dl, err := c.DownloadFile(t.Context(), path)
	require.NoError(t, err)
	defer dl.Close()
	h := sha256.New()
	n, err := io.Copy(h, dl)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), n)
	assert.Equal(t, sha256.Sum256(data), [32]byte(h.Sum(nil)))
}

// TestMultipartUpload: over the XML API, a file over the S3 SDK's 16 MiB
// threshold goes up as a multipart upload (a POST that opens it, a PUT of
// each 8 MiB part, a POST that completes it), each request signed.
func TestMultipartUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 20 MiB")
	}
	srv := xmlFake(t)
	d := openStorage(t, storageRequest(srv, hmacCredential("", ""), providers.OpenRequest{}))
	defer d.Close()
	roundTrip(t, storage.NewConnector(gcp.Storage, d), "big/blob.bin")
	var calls []string
	for _, q := range srv.Requests() {
		switch {
		case q.Query.Has("uploads"):
			calls = append(calls, q.Method+" uploads")
		case q.Query.Has("partNumber"):
			calls = append(calls, q.Method+" part "+q.Query.Get("partNumber"))
		case q.Query.Has("uploadId"):
			calls = append(calls, q.Method+" complete")
		}
	}
	slices.Sort(calls)
	assert.Equal(t, []string{"POST complete", "POST uploads", "PUT part 1", "PUT part 2", "PUT part 3"}, calls)
}

// TestResumableUpload: a file larger than the SDK's 16 MiB chunk goes up
// as a resumable upload (a POST that opens the session, then a POST of
// each chunk to the session's URL, as the Go SDK sends them), and comes
// back whole.
func TestResumableUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 20 MiB")
	}
	srv := jsonFake(t)
	d := openStorage(t, storageRequest(srv, keyCredential(), providers.OpenRequest{}))
	defer d.Close()
	c := storage.NewConnector(gcp.Storage, d)
	roundTrip(t, c, "big/blob.bin")
	var chunks []string
	for _, q := range srv.Requests() {
		if q.Query.Get("uploadType") == "resumable" && q.Header.Get("Content-Range") != "" {
			assert.Equal(t, http.MethodPost, q.Method)
			chunks = append(chunks, q.Header.Get("Content-Range"))
		}
	}
	assert.Equal(t, []string{"bytes 0-16777215/*", "bytes 16777216-20971519/20971520"}, chunks)
}
