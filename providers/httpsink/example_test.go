package httpsink_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/httpsink"
)

// Example posts events to a receiver that checks the signature with
// Verify.
func Example() {
	secret := []byte("shared-signing-secret")
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := httpsink.Verify(secret, r.Header.Get(httpsink.HeaderSignature), r.Header.Get(httpsink.HeaderTimestamp), body, time.Now(), 5*time.Minute)
		fmt.Println("signature ok:", err == nil, "format:", r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	ctx := context.Background()
	d, err := httpsink.Sink.Open(ctx, providers.OpenRequest{
		Config: &httpsink.SinkConfig{URL: receiver.URL + "/events", RequestBodyFormat: httpsink.FormatJSONL,
			SigningCredential: credential.RefTo("signing", credential.TypeSecret)},
		Credentials: map[string]credential.Config{"signing_credential": &credential.SecretCredential{Secret: credential.Secret(secret)}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	res, err := sink.NewConnector(httpsink.Sink, d).PostEvents(ctx, []ocsf.Event{sinktest.Event("1"), sinktest.Event("2")}, sink.PostOptions{})
	fmt.Println(res.Written, err)
	// Output:
	// signature ok: true format: application/x-ndjson
	// 2 <nil>
}
