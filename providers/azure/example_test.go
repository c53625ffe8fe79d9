package azure_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/azure"
)

// An integration's configuration names the container and holds the token
// the hosted system's setup guide asks for: an Azure Storage connection
// string, here a SAS one. Validate checks it without a request to Azure
// (and without ever quoting the token); Open builds the driver, still
// without one. (TestCredentialForms and the conformance tests run the
// drivers against Azurite, the Azure Storage emulator.)
func Example() {
	token := "BlobEndpoint=https://acme.blob.core.windows.net;" +
		"SharedAccessSignature=sv=2022-11-02&sr=c&sp=racwdl&se=2030-01-01T00:00:00Z&sig=bm90LWEtcmVhbC1zaWduYXR1cmU%3D"
	cfg := &azure.StorageConfig{
		Bucket:     "reports",
		Credential: credential.Inline(&credential.TokenCredential{Secret: credential.Secret(token)}),
	}
	fmt.Println("valid:", cfg.Validate() == nil)

	d, err := azure.Storage.Open(context.Background(), providers.OpenRequest{Config: cfg})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	fmt.Println("opened a", azure.Storage.Fullname, "driver")

	// A bare SAS token does not say which account it is for: the url
	// setting must.
	bare := &azure.SinkConfig{
		Bucket:     "security-lake",
		Path:       "synqly/events",
		Credential: credential.Inline(&credential.TokenCredential{Secret: "sv=2022-11-02&sr=c&sp=cw&sig=bm90LWEtcmVhbC1zaWduYXR1cmU%3D"}),
	}
	var e *errs.Error
	if errors.As(bare.Validate(), &e) {
		fmt.Println(e.Field, "is", e.Code)
	}
	bare.URL = "https://acme.blob.core.windows.net"
	fmt.Println("with the url:", bare.Validate() == nil)
	// Output:
	// valid: true
	// opened a Microsoft Azure Blob Storage driver
	// url is invalid_input
	// with the url: true
}
