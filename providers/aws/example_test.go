package aws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/aws/sqsfake"
)

// A storage_aws_s3 driver built with the provider's one constructor and
// used through the portable Connector. The example's store is gofakes3,
// in process, reached as an S3-compatible endpoint; against Amazon S3 the
// endpoint is left out, the region is the bucket's and the credential an
// access key or a role.
func Example_storage() {
	ctx := context.Background()
	backend := s3mem.New()
	_ = backend.CreateBucket("acme-exports")
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()

	key := &credential.AWSCredential{AccessKeyID: "AKIAEXAMPLE000000001", SecretAccessKey: "example/secret/key"}
	d, err := aws.StorageS3.Open(ctx, providers.OpenRequest{Config: &aws.S3StorageConfig{
		Bucket: "acme-exports", Region: "us-east-1", Endpoint: srv.URL, Credential: credential.Inline(key),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	c := storage.NewConnector(aws.StorageS3, d)

	report := "host,finding\nweb-01,CVE-2026-1234\n"
	if _, err := c.UploadFile(ctx, "reports/2026/q4.csv", strings.NewReader(report), storage.UploadOptions{ContentType: "text/csv", Size: int64(len(report))}); err != nil {
		fmt.Println(err)
		return
	}
	page, err := c.ListFiles(ctx, "reports/", storage.ListRequest{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range page.Result {
		fmt.Println(f.Path, f.Folder)
	}
	dl, err := c.DownloadFile(ctx, "reports/2026/q4.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dl.Close()
	b, _ := io.ReadAll(dl)
	fmt.Printf("%d bytes, %s", dl.File.Size, b)
	_, err = c.DownloadFile(ctx, "reports/missing.csv")
	var vendor *errs.ProviderError
	fmt.Println(errors.Is(err, errs.ErrNotFound), errors.As(err, &vendor), vendor.Status, vendor.Code)
	// Output:
	// reports/2026/ true
	// 34 bytes, host,finding
	// web-01,CVE-2026-1234
	// true true 404 NoSuchKey
}

// A sink_aws_sqs driver posting OCSF events to a queue, one message each.
// The queue is sqsfake's, in process; against Amazon SQS the url is the
// queue's (https://sqs.<region>.amazonaws.com/<account>/<queue>), which
// also gives the region.
func Example_sinkSQS() {
	ctx := context.Background()
	fake := sqsfake.New(sqsfake.Options{})
	defer fake.Close()
	queue := fake.CreateQueue("security-events")

	key := &credential.AWSCredential{AccessKeyID: sqsfake.AccessKeyID, SecretAccessKey: sqsfake.SecretKey}
	d, err := aws.SinkSQS.Open(ctx, providers.OpenRequest{Config: &aws.SQSConfig{
		URL: queue, Region: "us-east-1", Credential: credential.Inline(key),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	c := sink.NewConnector(aws.SinkSQS, d)

	var evs []ocsf.Event
	for i := range 12 {
		evs = append(evs, sinktest.Event(fmt.Sprintf("finding-%02d", i)))
	}
	res, err := c.PostEvents(ctx, evs, sink.PostOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d events written in %d batches\n", res.Written, res.Batches)
	msgs := fake.Messages(queue)
	var first struct {
		ClassUID int `json:"class_uid"`
		Metadata struct {
			UID string `json:"uid"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal([]byte(msgs[0].Body), &first)
	fmt.Println(len(msgs), "messages; the first:", first.ClassUID, first.Metadata.UID)
	// Output:
	// 12 events written in 2 batches
	// 12 messages; the first: 2004 finding-00
}

// A sink_aws_s3 driver: each batch is one gzip-compressed NDJSON object
// under the configured path and the post's location.
func Example_sinkS3() {
	ctx := context.Background()
	backend := s3mem.New()
	_ = backend.CreateBucket("acme-lake")
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()

	key := &credential.AWSCredential{AccessKeyID: "AKIAEXAMPLE000000001", SecretAccessKey: "example/secret/key"}
	d, err := aws.SinkS3.Open(ctx, providers.OpenRequest{Config: &aws.S3SinkConfig{
		Bucket: "acme-lake", Region: "us-east-1", Endpoint: srv.URL, Path: "synqly/ocsf", Credential: credential.Inline(key),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	res, err := sink.NewConnector(aws.SinkS3, d).PostEvents(ctx, []ocsf.Event{sinktest.Event("f-1"), sinktest.Event("f-2")}, sink.PostOptions{Location: "eu"})
	if err != nil {
		fmt.Println(err)
		return
	}
	list, _ := backend.ListBucket("acme-lake", &gofakes3.Prefix{Prefix: "synqly/ocsf/eu/", HasPrefix: true}, gofakes3.ListBucketPage{})
	fmt.Println(res.Written, "events,", len(list.Contents), "object,", strings.HasSuffix(list.Contents[0].Key, ".ndjson.gz"))
	// Output:
	// 2 events, 1 object, true
}
