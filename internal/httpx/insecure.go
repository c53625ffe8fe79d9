package httpx

import (
	"crypto/tls"
	"net/http"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/seed-e6251c81/synqly/errs"
)

// InsecureClient returns a client like hc (or a pooled one of its own)
// whose transport does not verify the server's TLS certificate, for a
// configuration's skip_tls_verify: whoever is on the path can then read
// and change the traffic. The other TLS settings of hc's transport are
// kept. A transport that is not an *http.Transport cannot be changed, and
// is an error naming skip_tls_verify.
func InsecureClient(hc *http.Client) (*http.Client, error) {
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
	} else {
		c := *hc
		hc = &c
	}
	var t *http.Transport
	switch base := hc.Transport.(type) {
	case nil:
		t = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		t = base.Clone()
	default:
		return nil, errs.Invalid("skip_tls_verify", "skip_tls_verify needs the application's HTTP client to have an *http.Transport "+
			"(or none), to turn certificate verification off in; it has a %T", base)
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		t.TLSClientConfig = t.TLSClientConfig.Clone()
	}
	t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // the configuration asks for it: skip_tls_verify, documented
	hc.Transport = t
	return hc, nil
}
