package gcp

import (
	"context"
	"io"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// vendor names Cloud Storage in errors and log lines.
const vendor = "gcs"

// Sink is the registration of the Google Cloud Storage sink provider, and
// its one constructor: Sink.Open builds the driver of an integration from
// a providers.OpenRequest whose Config is a *SinkConfig and whose
// Credentials["credential"] is a token credential holding a service
// account JSON key (or an OAuth access token). See the package
// documentation.
var Sink = sink.Registration{
	ID:              SinkID,
	Fullname:        "Google Cloud Storage",
	NewConfig:       func() providers.Config { return new(SinkConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openSink,
}

// Storage is the registration of the Google Cloud Storage storage
// provider, and its one constructor: Storage.Open builds the driver of an
// integration from a providers.OpenRequest whose Config is a
// *StorageConfig and whose Credentials["credential"] is an aws credential
// holding an HMAC key (the XML API), or a token credential holding a
// service account JSON key (the JSON API). See the package documentation.
var Storage = storage.Registration{
	ID:              StorageID,
	Fullname:        "Google Cloud Storage",
	NewConfig:       func() providers.Config { return new(StorageConfig) },
	CredentialTypes: []credential.Type{credential.TypeAWS, credential.TypeToken},
	Capabilities:    storage.Capabilities{Operations: storage.Operations},
	Open:            openStorage,
}

func init() {
	sink.Register(Sink)
	storage.Register(Storage)
}

// tokenCredential returns the request's token credential, parsed.
func tokenCredential(c credential.Config) (*googleCredential, string, error) {
	tc, ok := c.(*credential.TokenCredential)
	if !ok || tc == nil {
		return nil, "", errs.Invalid("credential", "credential must be a token credential holding a service account JSON key")
	}
	if err := tc.Validate(); err != nil {
		return nil, "", errs.Invalid("credential.secret", "the token credential's secret is missing, blank or the %s placeholder", credential.Redacted)
	}
	raw := tc.Secret.Reveal()
	gc, err := parseGoogleCredential(raw)
	return gc, raw, err
}

// jsonPlumbing builds the stack of a JSON API driver and its token auth.
func jsonPlumbing(req providers.OpenRequest, gc *googleCredential, raw string) (*plumbing, *tokenAuth, error) {
	var auth *tokenAuth
	p, err := newPlumbing(req, vendor)
	if err != nil {
		return nil, nil, err
	}
	auth = newTokenAuth(gc, p.retry, p.redact)
	p.secrets = func() []string { return append(gc.secrets(raw), auth.tokens()...) }
	return p, auth, nil
}

func openSink(ctx context.Context, req providers.OpenRequest) (sink.Driver, error) {
	cfg, err := providers.ConfigAs[*SinkConfig](req)
	if err != nil {
		return nil, err
	}
	gc, raw, err := tokenCredential(req.Credential("credential"))
	if err != nil {
		return nil, err
	}
	p, auth, err := jsonPlumbing(req, gc, raw)
	if err != nil {
		return nil, err
	}
	b, closeClient, err := openJSON(ctx, cfg.Bucket, p, auth)
	if err != nil {
		p.close()
		return nil, err
	}
	s := &blobstore.Sink{Bucket: b, Vendor: p.jsonVendor(), Prefix: strings.Trim(cfg.Path, "/"),
		OnClose: func() { closeClient(); p.close() }}
	return &sinkDriver{Sink: s, p: p}, nil
}

func openStorage(ctx context.Context, req providers.OpenRequest) (storage.Driver, error) {
	cfg, err := providers.ConfigAs[*StorageConfig](req)
	if err != nil {
		return nil, err
	}
	switch c := req.Credential("credential").(type) {
	case *credential.AWSCredential:
		if c == nil {
			break
		}
		if err := c.Validate(); err != nil {
			return nil, errs.Invalid("credential", "the aws credential (an HMAC key) is not valid: access_key_id and secret_access_key are required")
		}
		p, err := newPlumbing(req, vendor)
		if err != nil {
			return nil, err
		}
		p.xmlDocs = true
		p.secrets = func() []string { return []string{c.SecretAccessKey.Reveal(), c.Session.Reveal()} }
		b, err := openXML(ctx, cfg.Bucket, cfg.Region, c, p)
		if err != nil {
			p.close()
			return nil, err
		}
		s := &blobstore.Storage{Bucket: b, Vendor: p.xmlVendor(), OnClose: p.close}
		return &storageDriver{Storage: s, p: p}, nil
	case *credential.TokenCredential:
		gc, raw, err := tokenCredential(c)
		if err != nil {
			return nil, err
		}
		p, auth, err := jsonPlumbing(req, gc, raw)
		if err != nil {
			return nil, err
		}
		b, closeClient, err := openJSON(ctx, cfg.Bucket, p, auth)
		if err != nil {
			p.close()
			return nil, err
		}
		s := &blobstore.Storage{Bucket: b, Vendor: p.jsonVendor(), OnClose: func() { closeClient(); p.close() }}
		return &storageDriver{Storage: s, p: p}, nil
	}
	return nil, errs.Invalid("credential", "credential must be an aws credential holding a Cloud Storage HMAC key (or a token credential holding a service account JSON key)")
}

// sinkDriver is the blob layer's Sink, its errors completed with what the
// HTTP exchanges saw.
type sinkDriver struct {
	*blobstore.Sink
	p *plumbing
}

// WriteBatch implements sink.Driver.
func (d *sinkDriver) WriteBatch(ctx context.Context, b *sink.Batch) error {
	ctx, x := begin(ctx, false)
	return d.p.refine(d.Sink.WriteBatch(ctx, b), x)
}

// storageDriver is the blob layer's Storage, its errors completed with
// what the HTTP exchanges saw.
type storageDriver struct {
	*blobstore.Storage
	p *plumbing
}

// ListFiles implements storage.Driver.
func (d *storageDriver) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	ctx, x := begin(ctx, false)
	page, err := d.Storage.ListFiles(ctx, folder, req)
	return page, d.p.refine(err, x)
}

// UploadFile implements storage.Driver.
func (d *storageDriver) UploadFile(ctx context.Context, path string, r io.Reader, opts storage.UploadOptions) (*storage.File, error) {
	ctx, x := begin(ctx, false)
	f, err := d.Storage.UploadFile(ctx, path, r, opts)
	return f, d.p.refine(err, x)
}

// DownloadFile implements storage.Driver: the file streams, uncapped.
func (d *storageDriver) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	ctx, x := begin(ctx, true)
	dl, err := d.Storage.DownloadFile(ctx, path)
	if err != nil {
		return nil, d.p.refine(err, x)
	}
	dl.ReadCloser = &download{rc: dl.ReadCloser, p: d.p, x: x}
	return dl, nil
}

// DeleteFile implements storage.Driver.
func (d *storageDriver) DeleteFile(ctx context.Context, path string) error {
	ctx, x := begin(ctx, false)
	return d.p.refine(d.Storage.DeleteFile(ctx, path), x)
}

// download refines the errors of a download's body.
type download struct {
	rc io.ReadCloser
	p  *plumbing
	x  *exchange
}

func (r *download) Read(b []byte) (int, error) {
	n, err := r.rc.Read(b)
	if err != nil && err != io.EOF {
		err = r.p.refine(err, r.x)
	}
	return n, err
}

func (r *download) Close() error { return r.rc.Close() }
