package azure

import (
	"net/url"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The provider config ids.
const (
	// StorageID is the Azure Blob Storage storage provider.
	StorageID = "storage_azure_blob"
	// SinkID is the Azure Blob Storage sink provider.
	SinkID = "sink_azure_blob"
)

// StorageConfig is the storage_azure_blob provider configuration: files
// are the blobs of one container, their paths the blobs' names.
//
//	{
//	  "type": "storage_azure_blob",
//	  "bucket": "reports",
//	  "credential": {"type": "token", "secret": "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=...&sig=..."}
//	}
type StorageConfig struct {
	// Bucket is the name of the blob container (3 to 63 lowercase
	// letters, digits and single hyphens, or $root). It must exist.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is a token credential whose secret is an Azure Storage
	// connection string (a SAS one, recommended, or an account-key one),
	// a SAS URL, or a SAS token together with URL; see the package
	// documentation. The SAS needs the read, write, delete and list
	// permissions on the container (sp=rwdl) for every operation.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// URL, if set, is the account's blob endpoint,
	// https://<account>.blob.core.windows.net: required when the
	// credential is a bare SAS token, and otherwise replacing the
	// endpoint the credential names (a private endpoint, a proxy, an
	// emulator). Not a field of the hosted system's configuration, whose
	// connection strings always name the endpoint.
	URL string `json:"url,omitempty"`
}

// SinkConfig is the sink_azure_blob provider configuration: each batch of
// events becomes one blob of gzip-compressed NDJSON under Path (see the
// package documentation for the names).
//
//	{
//	  "type": "sink_azure_blob",
//	  "bucket": "security-lake",
//	  "path": "synqly/events",
//	  "credential": {"type": "token", "secret": "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=...&sp=cw&sig=..."}
//	}
type SinkConfig struct {
	// Bucket is the name of the blob container. It must exist.
	Bucket string `json:"bucket" schema:"required"`
	// Credential is a token credential holding a connection string, a SAS
	// URL or a SAS token (with URL), as for StorageConfig. The sink only
	// creates blobs: a SAS with the create and write permissions (sp=cw)
	// is enough.
	Credential *credential.Ref `json:"credential" schema:"required"`
	// Path is the folder of the container the events are written under
	// (e.g. "synqly/events"); a post's location is a folder below it.
	Path string `json:"path" schema:"required"`
	// URL, if set, is the account's blob endpoint, as for StorageConfig.
	URL string `json:"url,omitempty"`
}

// Validate implements providers.Config. An inline credential is checked
// too, without ever quoting it.
func (c *StorageConfig) Validate() error {
	_, err := validate(c.Bucket, c.Credential, c.URL)
	return err
}

// CredentialRefs implements providers.Config.
func (c *StorageConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// Validate implements providers.Config.
func (c *SinkConfig) Validate() error {
	if _, err := validate(c.Bucket, c.Credential, c.URL); err != nil {
		return err
	}
	_, err := sinkPath(c.Path)
	return err
}

// CredentialRefs implements providers.Config.
func (c *SinkConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("credential", c.Credential)
}

// validate checks the fields both configurations share and returns the
// url setting parsed (nil if unset).
func validate(bucket string, cred *credential.Ref, rawURL string) (*url.URL, error) {
	if err := validContainer(bucket); err != nil {
		return nil, err
	}
	if err := providers.RequireRef("credential", cred); err != nil {
		return nil, err
	}
	if err := cred.Validate(credential.TypeToken); err != nil {
		return nil, err
	}
	var u *url.URL
	if rawURL != "" {
		var err error
		if u, err = checkEndpoint("url", rawURL); err != nil {
			return nil, err
		}
	}
	if cred.IsInline() {
		if tok, ok := cred.Inline.(*credential.TokenCredential); ok {
			if _, err := resolve(tok.Secret.Reveal(), u); err != nil {
				return nil, err
			}
		}
	}
	return u, nil
}

// resolve reads the token and checks that, with the url setting, it names
// an endpoint.
func resolve(token string, override *url.URL) (*account, error) {
	a, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	if a.endpoint == nil && override == nil {
		return nil, errs.Invalid("url", "url is required when the credential is a bare SAS token: "+
			"the account's blob endpoint, such as https://<account>.blob.core.windows.net")
	}
	return a, nil
}

// validContainer checks a container name as Azure names them: 3 to 63
// lowercase letters, digits and hyphens, starting and ending with a letter
// or a digit, no two hyphens in a row; or one of the service's own
// containers ($root, $web, $logs).
func validContainer(name string) error {
	bad := func(why string) error {
		return errs.Invalid("bucket", "bucket %s: a container name is 3 to 63 lowercase letters, digits and single hyphens, "+
			"starting and ending with a letter or a digit", why)
	}
	switch name {
	case "":
		return errs.Invalid("bucket", "bucket is required: the name of the blob container")
	case "$root", "$web", "$logs":
		return nil
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case c == '-' && i > 0 && i < len(name)-1 && name[i-1] != '-':
		default:
			return bad("is not a container name")
		}
	}
	return nil
}

// maxSinkPath bounds the sink's folder, so that its blobs' names (the
// folder, a post's location and the time-partitioned name) stay well
// within the 1024 characters Azure allows.
const maxSinkPath = 256

// sinkPath checks the sink's folder and returns it without the slashes at
// its ends.
func sinkPath(p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", errs.Invalid("path", "path is required: the folder of the container the events are written under, such as synqly/events")
	}
	folder := strings.TrimSuffix(p, "/")
	if err := storage.CheckPath("path", folder); err != nil {
		return "", err
	}
	if len(folder) > maxSinkPath {
		return "", errs.Invalid("path", "path is %d bytes; the limit is %d", len(folder), maxSinkPath)
	}
	return folder, nil
}

// Storage is the registration of the Azure Blob Storage storage provider,
// and its one constructor: Storage.Open builds the driver of an
// integration from a providers.OpenRequest whose Config is a
// *StorageConfig and whose Credentials["credential"] is a token
// credential. See the package documentation.
var Storage = storage.Registration{
	ID:              StorageID,
	Fullname:        "Microsoft Azure Blob Storage",
	NewConfig:       func() providers.Config { return new(StorageConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities:    storage.Capabilities{Operations: storage.Operations},
	Open:            openStorage,
}

// Sink is the registration of the Azure Blob Storage sink provider, and
// its one constructor: Sink.Open builds the driver of an integration from
// a providers.OpenRequest whose Config is a *SinkConfig and whose
// Credentials["credential"] is a token credential.
var Sink = sink.Registration{
	ID:              SinkID,
	Fullname:        "Microsoft Azure Blob Storage",
	NewConfig:       func() providers.Config { return new(SinkConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openSink,
}

func init() {
	storage.Register(Storage)
	sink.Register(Sink)
}
