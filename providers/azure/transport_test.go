package azure

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The transport alone, over an httptest server (the emulator-backed fault
// suites run it inside the SDK).
func TestTransport(t *testing.T) {
	big := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		case "/list":
			_, _ = io.WriteString(w, `<?xml version="1.0"?><EnumerationResults>`+big+`</EnumerationResults>`)
		case "/json":
			_, _ = io.WriteString(w, `{"not": "xml"}`)
		case "/blob":
			_, _ = io.WriteString(w, big+big) // a blob's content: any bytes, any length
		case "/stall":
			w.Header().Set("Content-Length", "100")
			_, _ = io.WriteString(w, "abc")
			w.(http.Flusher).Flush()
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}
	}))
	defer srv.Close()
	var logs fakekit.Logs
	tr := &transport{rt: http.DefaultTransport, timeout: 200 * time.Millisecond, maxBody: 1024, logger: logs.Logger(), red: newRedactor(testSAS)}
	do := func(ctx context.Context, path string) (*http.Response, error) {
		path, op, _ := strings.Cut(path, "?")
		if op != "" {
			op += "&"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path+"?"+op+testSAS, nil)
		require.NoError(t, err)
		return tr.Do(req)
	}
	ctx, c := withCall(t.Context())

	start := time.Now()
	_, err := do(ctx, "/slow")
	var na *noAnswerError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, "no answer within the 200ms timeout", err.Error())
	assert.False(t, errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded), "the driver's timeout is not the caller's")
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, err, c.failure)

	dctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	_, err = do(dctx, "/slow")
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline stays the caller's")

	var ae *answerError
	_, err = do(t.Context(), "/list?restype=container&comp=list")
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Contains(t, err.Error(), "the response exceeds the 1024-byte limit")
	_, err = do(t.Context(), "/json?comp=list")
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Contains(t, err.Error(), "the response is not XML")

	resp, err := do(t.Context(), "/blob")
	require.NoError(t, err, "a blob's content is neither capped nor XML")
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Len(t, b, 2*len(big))

	resp, err = do(t.Context(), "/stall")
	require.NoError(t, err)
	start = time.Now()
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "no data within the 200ms timeout", err.Error(), "a download that stops making progress")
	assert.Less(t, time.Since(start), time.Second)

	assert.Contains(t, logs.String(), `"path":"/slow"`)
	assert.NotContains(t, logs.String(), "sig=")
	assert.NotContains(t, logs.String(), "sv=2022")
}
