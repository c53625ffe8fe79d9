package gcp_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"gocloud.dev/blob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/gcp/gcsfake"
)

// A Google Cloud Storage sink driver built directly with the provider's
// one constructor, used through the portable Connector. The example talks
// to the fake of gcsfake (fake-gcs-server behind a fault-injecting kit,
// with Google's token endpoint) through the HTTP client it returns, which
// sends Google's hosts to it; against Cloud Storage the HTTP client is
// left out, and the secret is the service account's JSON key file.
func Example() {
	ctx := context.Background()
	srv := gcsfake.NewJSON("acme-security-events")
	defer srv.Close()

	key := &credential.TokenCredential{Secret: credential.Secret(gcsfake.ServiceAccountKey().JSON)}
	d, err := gcp.Sink.Open(ctx, providers.OpenRequest{
		Config:      &gcp.SinkConfig{Bucket: "acme-security-events", Path: "synqly/ocsf", Credential: credential.Inline(key)},
		Credentials: map[string]credential.Config{"credential": key},
		HTTPClient:  srv.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	sc := sink.NewConnector(gcp.Sink, d)

	finding := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDCreate}
	finding.Time = 1764650000000
	finding.SeverityID = ocsf.SeverityIDHigh
	finding.Metadata = &ocsf.Metadata{UID: "finding-1", Version: ocsf.SchemaVersion, Product: &ocsf.Product{Name: "edr"}}
	finding.FindingInfo = &ocsf.FindingInfo{UID: "f-1", Title: "Credential dumping on web-01"}
	res, err := sc.PostEvents(ctx, []ocsf.Event{finding}, sink.PostOptions{Location: "alerts"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("written:", res.Written)

	// What landed: one gzip NDJSON object a batch, under
	// <path>/<location>/<yyyy>/<mm>/<dd>/<hh>/.
	b, _ := srv.Bucket(ctx, "acme-security-events")
	defer b.Close()
	it := b.List(&blob.ListOptions{Prefix: "synqly/ocsf/alerts/"})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(strings.HasSuffix(obj.Key, ".ndjson.gz"), strings.Count(obj.Key, "/"))
		raw, _ := srv.Object(ctx, "acme-security-events", obj.Key)
		zr, err := gzip.NewReader(strings.NewReader(string(raw)))
		if err != nil {
			fmt.Println(err)
			return
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			ev, _ := ocsf.Decode(sc.Bytes())
			fmt.Println(ev.(*ocsf.DetectionFinding).FindingInfo.Title)
		}
	}
	// Output:
	// written: 1
	// true 7
	// Credential dumping on web-01
}

// A storage driver over the XML API with an HMAC key, against the fake's
// XML API (gofakes3 behind the kit, which checks the requests' SigV4
// signatures).
func Example_storage() {
	ctx := context.Background()
	srv := gcsfake.NewXML("acme-files")
	defer srv.Close()

	key := &credential.AWSCredential{AccessKeyID: gcsfake.HMACAccessID, SecretAccessKey: gcsfake.HMACSecret}
	d, err := gcp.Storage.Open(ctx, providers.OpenRequest{
		Config:      &gcp.StorageConfig{Bucket: "acme-files", Region: "us-east1", Credential: credential.Inline(key)},
		Credentials: map[string]credential.Config{"credential": key},
		HTTPClient:  srv.Client(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	c := storage.NewConnector(gcp.Storage, d)

	if _, err := c.UploadFile(ctx, "reports/2026-q1.txt", strings.NewReader("quarterly report"),
		storage.UploadOptions{ContentType: "text/plain", Size: 16}); err != nil {
		fmt.Println(err)
		return
	}
	page, err := c.ListFiles(ctx, "reports/", storage.ListRequest{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range page.Result {
		fmt.Println(f.Path, f.Size)
	}
	dl, err := c.DownloadFile(ctx, "reports/2026-q1.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dl.Close()
	body, _ := io.ReadAll(dl)
	fmt.Println(string(body))
	// Output:
	// reports/2026-q1.txt 16
	// quarterly report
}
