package gcp_test

import (
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/gcp/gcsfake"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// The fakes' bucket, the sink's folder and the XML API's region.
const (
	bucket   = "synqly-events"
	sinkPath = "synqly/ocsf"
	region   = "us-east1"
)

// fastRetries keep fault tests quick.
var fastRetries = providers.HTTPOptions{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}

// jsonFake and xmlFake start fakes with the bucket, closed with the test.
func jsonFake(t testing.TB) *gcsfake.Server {
	t.Helper()
	srv := gcsfake.NewJSON(bucket)
	t.Cleanup(srv.Close)
	return srv
}

func xmlFake(t testing.TB) *gcsfake.Server {
	t.Helper()
	srv := gcsfake.NewXML(bucket)
	t.Cleanup(srv.Close)
	return srv
}

// keyCredential is the fake's service account key; tokenCredential holds
// any secret.
func keyCredential() *credential.TokenCredential {
	return tokenCredential(gcsfake.ServiceAccountKey().JSON)
}

func tokenCredential(secret string) *credential.TokenCredential {
	return &credential.TokenCredential{Secret: credential.Secret(secret)}
}

// hmacCredential is an HMAC key (the fake's unless set).
func hmacCredential(id, secret string) *credential.AWSCredential {
	if id == "" {
		id, secret = gcsfake.HMACAccessID, gcsfake.HMACSecret
	}
	return &credential.AWSCredential{AccessKeyID: id, SecretAccessKey: credential.Secret(secret)}
}

// withFake completes req with srv's HTTP client and fastRetries unless
// req sets retry waits.
func withFake(srv *gcsfake.Server, req providers.OpenRequest) providers.OpenRequest {
	if req.HTTPClient == nil {
		req.HTTPClient = srv.Client()
	}
	if req.RetryWaitMin == 0 && req.RetryWaitMax == 0 {
		req.HTTPOptions = fastRetries
		if req.Timeout == 0 {
			req.Timeout = 10 * time.Second
		}
	}
	return req
}

// sinkRequest returns the OpenRequest of a sink_gcs integration of srv
// with cred (the fake's service account key unless set).
func sinkRequest(srv *gcsfake.Server, cred credential.Config, req providers.OpenRequest) providers.OpenRequest {
	if cred == nil {
		cred = keyCredential()
	}
	req.Config = &gcp.SinkConfig{Bucket: bucket, Path: sinkPath, Credential: credential.Inline(cred)}
	req.Credentials = map[string]credential.Config{"credential": cred}
	return withFake(srv, req)
}

// storageRequest returns the OpenRequest of a storage_gcs integration of
// srv with cred.
func storageRequest(srv *gcsfake.Server, cred credential.Config, req providers.OpenRequest) providers.OpenRequest {
	req.Config = &gcp.StorageConfig{Bucket: bucket, Region: region, Credential: credential.Inline(cred)}
	req.Credentials = map[string]credential.Config{"credential": cred}
	return withFake(srv, req)
}

func openSink(t testing.TB, req providers.OpenRequest) sink.Driver {
	t.Helper()
	d, err := gcp.Sink.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("opening the sink: %v", err)
	}
	return d
}

func openStorage(t testing.TB, req providers.OpenRequest) storage.Driver {
	t.Helper()
	d, err := gcp.Storage.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("opening the storage: %v", err)
	}
	return d
}

// received reads back every event the sinks wrote to srv's bucket, with
// a handle of its own.
func received(srv *gcsfake.Server) sinktest.Received {
	return func(t *testing.T) []sinktest.Record {
		t.Helper()
		b, err := srv.Bucket(t.Context(), bucket)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		recs, err := blobstore.ReadSink(t.Context(), b, sinkPath)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]sinktest.Record, len(recs))
		for i, r := range recs {
			out[i] = sinktest.Record{Location: r.Location, Event: r.Event}
		}
		return out
	}
}
