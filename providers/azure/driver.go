package azure

import (
	"context"
	"io"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/hashicorp/go-cleanhttp"
	"gocloud.dev/blob"
	"gocloud.dev/blob/azureblob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// The defaults of the HTTPOptions the transport applies itself (httpx's).
const (
	defaultTimeout          = 60 * time.Second
	defaultMaxResponseBytes = 32 << 20
)

// opened is a bucket over one container, and what the driver needs around
// it.
type opened struct {
	bucket  *blob.Bucket
	account *account
	vendor  blobstore.Vendor
	close   func()
}

// open builds the container client of an integration: azblob over the
// library's transport, the SDK's retries off (httpx.Transport retries, as
// for every provider), and gocloud's bucket over it.
func open(ctx context.Context, req providers.OpenRequest, bucket, rawURL string) (*opened, error) {
	var override *url.URL
	if rawURL != "" {
		u, err := checkEndpoint("url", rawURL)
		if err != nil {
			return nil, err
		}
		override = u
	}
	tok, ok := req.Credential("credential").(*credential.TokenCredential)
	if !ok || tok == nil {
		return nil, errs.Invalid("credential", "azure blob: the credential must be a token credential; %s", tokenForms)
	}
	a, err := resolve(tok.Secret.Reveal(), override)
	if err != nil {
		return nil, err
	}
	red := newRedactor(a.secrets...)

	hc, owned := req.HTTPClient, req.HTTPClient == nil
	if owned {
		hc = cleanhttp.DefaultPooledClient()
	}
	opts := httpx.OptionsFor(req, vendorName)
	opts.HTTPClient = hc
	tr := &transport{rt: httpx.Transport(opts), timeout: req.Timeout, maxBody: req.MaxResponseBytes, logger: req.Logger, red: red}
	if tr.timeout <= 0 {
		tr.timeout = defaultTimeout
	}
	if tr.maxBody <= 0 {
		tr.maxBody = defaultMaxResponseBytes
	}
	copts := &container.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: tr,
		// One try: the retries are httpx.Transport's.
		Retry:     policy.RetryOptions{MaxRetries: -1},
		Telemetry: policy.TelemetryOptions{ApplicationID: "synqly-go"},
	}}
	cu := a.containerURL(override, bucket)
	var client *container.Client
	if a.key != "" {
		cred, err := container.NewSharedKeyCredential(a.name, a.key)
		if err != nil {
			return nil, errs.Invalid("credential", "azure blob: the connection string's AccountKey is not a storage account key")
		}
		client, err = container.NewClientWithSharedKeyCredential(cu, cred, copts)
		if err != nil {
			return nil, errs.New(errs.Internal, "azure blob: the SDK refused the container's URL")
		}
	} else {
		client, err = container.NewClientWithNoCredential(cu+"?"+a.sas, copts)
		if err != nil {
			return nil, errs.New(errs.Internal, "azure blob: the SDK refused the container's URL")
		}
	}
	b, err := azureblob.OpenBucket(ctx, client, nil)
	if err != nil {
		return nil, errs.New(errs.Internal, "azure blob: opening the container")
	}
	o := &opened{bucket: wrapBucket(b), account: a, vendor: vendor(red), close: func() {}}
	if owned {
		o.close = hc.CloseIdleConnections
	}
	return o, nil
}

// openStorage is Storage.Open.
func openStorage(ctx context.Context, req providers.OpenRequest) (storage.Driver, error) {
	cfg, err := providers.ConfigAs[*StorageConfig](req)
	if err != nil {
		return nil, err
	}
	o, err := open(ctx, req, cfg.Bucket, cfg.URL)
	if err != nil {
		return nil, err
	}
	return &storageDriver{s: &blobstore.Storage{Bucket: o.bucket, Vendor: o.vendor, OnClose: o.close}, a: o.account}, nil
}

// openSink is Sink.Open.
func openSink(ctx context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*SinkConfig](req)
	if err != nil {
		return nil, err
	}
	prefix, err := sinkPath(cfg.Path)
	if err != nil {
		return nil, err
	}
	o, err := open(ctx, req, cfg.Bucket, cfg.URL)
	if err != nil {
		return nil, err
	}
	return &sinkDriver{s: &blobstore.Sink{Bucket: o.bucket, Vendor: o.vendor, Prefix: prefix, OnClose: o.close}, a: o.account}, nil
}

// storageDriver is the storage_azure_blob driver: blobstore's Storage,
// each call's errors completed by account.fix. It is safe for concurrent
// use.
type storageDriver struct {
	storage.Unimplemented // never reached: every operation is implemented
	s                     *blobstore.Storage
	a                     *account
}

var _ storage.Driver = (*storageDriver)(nil)

// ListFiles implements storage.Driver.
func (d *storageDriver) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	ctx, c := withCall(ctx)
	p, err := d.s.ListFiles(ctx, folder, req)
	return p, d.a.fix(c, err)
}

// UploadFile implements storage.Driver: a file up to one block (8 MiB) is
// one Put Blob, a larger one staged blocks and a Put Block List, so that
// a failed upload leaves no blob (or the previous one).
func (d *storageDriver) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	ctx, c := withCall(ctx)
	f, err := d.s.UploadFile(ctx, path, r, opts)
	return f, d.a.fix(c, err)
}

// DownloadFile implements storage.Driver: the blob's content streams.
func (d *storageDriver) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	ctx, c := withCall(ctx)
	dl, err := d.s.DownloadFile(ctx, path)
	if err != nil {
		return nil, d.a.fix(c, err)
	}
	dl.ReadCloser = &fixReader{rc: dl.ReadCloser, a: d.a, c: c}
	return dl, nil
}

// DeleteFile implements storage.Driver.
func (d *storageDriver) DeleteFile(ctx context.Context, path string) error {
	ctx, c := withCall(ctx)
	return d.a.fix(c, d.s.DeleteFile(ctx, path))
}

// Close implements storage.Driver: it closes the idle connections of the
// driver's own connection pool (never those of an application's client).
func (d *storageDriver) Close() error { return d.s.Close() }

// fixReader completes the errors of a download's reads.
type fixReader struct {
	rc io.ReadCloser
	a  *account
	c  *call
}

func (r *fixReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if err != nil && err != io.EOF {
		err = r.a.fix(r.c, err)
	}
	return n, err
}

func (r *fixReader) Close() error { return r.rc.Close() }

// sinkDriver is the sink_azure_blob driver: blobstore's Sink, its errors
// completed by account.fix. It is safe for concurrent use.
type sinkDriver struct {
	sink.Unimplemented // never reached: every operation is implemented
	s                  *blobstore.Sink
	a                  *account
}

var _ sink.Driver = (*sinkDriver)(nil)

// Limits implements sink.Driver: blobstore.ObjectLimits (a batch is one
// blob, at most 32 MiB before compression).
func (d *sinkDriver) Limits() sink.Limits { return d.s.Limits() }

// WriteBatch implements sink.Driver: the batch is one new blob, written
// whole (one Put Blob up to 8 MiB compressed, staged blocks committed by
// a Put Block List beyond) or not at all. Its name is new to every batch,
// so resending a request of it (after a 5xx or a lost answer) cannot
// write an event twice.
func (d *sinkDriver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	ctx, c := withCall(ctx)
	return d.a.fix(c, d.s.WriteBatch(ctx, b))
}

// Close implements sink.Driver.
func (d *sinkDriver) Close() error { return d.s.Close() }
