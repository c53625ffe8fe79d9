package azure

import (
	"encoding/base64"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// The account of Azurite, the Azure Storage emulator, as a connection
// string of "UseDevelopmentStorage=true" names it: Microsoft's published
// development account and key, on Azurite's default blob port. The key is
// public: it is no secret, and it opens nothing but a local emulator.
const (
	// EmulatorAccount is the emulator's account name.
	EmulatorAccount = "devstoreaccount1"
	// EmulatorKey is the emulator account's published key.
	EmulatorKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
	// EmulatorEndpoint is the emulator account's blob endpoint on
	// Azurite's default port (path-style: the account is the path's first
	// segment).
	EmulatorEndpoint = "http://127.0.0.1:10000/" + EmulatorAccount
)

// account is where and how a driver reaches a storage account, read from
// the integration's token: the account's blob endpoint and either a shared
// access signature or the account's name and key.
type account struct {
	// endpoint is the account's blob endpoint (https://<account>.blob.core.windows.net,
	// or an emulator's http://127.0.0.1:10000/devstoreaccount1), with
	// neither query nor trailing "/"; nil when the token names none (a
	// bare SAS token).
	endpoint *url.URL
	// sas is the shared access signature, a query without its "?".
	sas string
	// name and key are the account's name and key (shared key
	// authorization) when the token is an account-key connection string.
	name, key string
	// expiry is the SAS's signed expiry (se), zero if none was read.
	expiry time.Time
	// secrets are the token and its secret parts, for redaction.
	secrets []string
}

// The settings an Azure Storage connection string may hold (in any case).
var connectionSettings = map[string]string{
	"defaultendpointsprotocol":   "DefaultEndpointsProtocol",
	"accountname":                "AccountName",
	"accountkey":                 "AccountKey",
	"blobendpoint":               "BlobEndpoint",
	"queueendpoint":              "QueueEndpoint",
	"tableendpoint":              "TableEndpoint",
	"fileendpoint":               "FileEndpoint",
	"endpointsuffix":             "EndpointSuffix",
	"sharedaccesssignature":      "SharedAccessSignature",
	"usedevelopmentstorage":      "UseDevelopmentStorage",
	"developmentstorageproxyuri": "DevelopmentStorageProxyUri",
}

// tokenForms says what the token may be, for every error about it.
const tokenForms = "the token must be an Azure Storage connection string (BlobEndpoint=https://<account>.blob.core.windows.net;SharedAccessSignature=sv=...&sig=..., " +
	"or DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=...;EndpointSuffix=core.windows.net), " +
	"a SAS URL (https://<account>.blob.core.windows.net/?sv=...&sig=...) or a SAS token (sv=...&sig=...) with the url setting"

// badToken is the error of a token that is none of the forms; it never
// quotes the token.
func badToken(why string) error {
	return errs.Invalid("credential", "azure blob: the credential %s; %s", why, tokenForms)
}

// parseToken reads the integration's token. Errors never quote it.
func parseToken(token string) (*account, error) {
	t := strings.TrimSpace(token)
	switch {
	case t == "":
		return nil, badToken("is empty")
	case len(t) > 16<<10:
		return nil, badToken("is too long")
	case strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return nil, badToken("holds a control character")
	}
	var (
		a   *account
		err error
	)
	switch first, _, _ := strings.Cut(t, "="); {
	case hasScheme(t):
		a, err = parseSASURL(t)
	case connectionSettings[strings.ToLower(strings.TrimSpace(first))] != "":
		a, err = parseConnectionString(t)
	default:
		a, err = parseSAS(strings.TrimPrefix(t, "?"))
	}
	if err != nil {
		return nil, err
	}
	a.secrets = append(a.secrets, token, t)
	return a, nil
}

func hasScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// parseSAS reads a bare SAS token: a query holding a signature (sig).
func parseSAS(sas string) (*account, error) {
	q, err := url.ParseQuery(sas)
	if err != nil {
		return nil, badToken("is not a valid SAS token (not a URL query)")
	}
	sig := q.Get("sig")
	if sig == "" {
		return nil, badToken("has no signature (sig=...)")
	}
	a := &account{sas: sas, secrets: []string{sas, sig, url.QueryEscape(sig)}}
	for _, part := range strings.Split(sas, "&") {
		if v, ok := strings.CutPrefix(part, "sig="); ok {
			a.secrets = append(a.secrets, v)
		}
	}
	if se := q.Get("se"); se != "" {
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
			if t, err := time.Parse(layout, se); err == nil {
				a.expiry = t
				break
			}
		}
	}
	return a, nil
}

// parseSASURL reads a SAS URL: the account's endpoint (or a container's
// URL: its last segment is dropped when it is the bucket, see
// account.containerURL) with the SAS as its query.
func parseSASURL(s string) (*account, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, badToken("is not a valid SAS URL")
	}
	if u.RawQuery == "" {
		return nil, badToken("is a URL without a SAS (?sv=...&sig=...)")
	}
	a, err := parseSAS(u.RawQuery)
	if err != nil {
		return nil, err
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	if a.endpoint, err = checkEndpoint("credential", u.String()); err != nil {
		return nil, err
	}
	return a, nil
}

// parseConnectionString reads an Azure Storage connection string: ";"-
// separated Setting=value pairs, settings in any case.
func parseConnectionString(s string) (*account, error) {
	set := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		name := connectionSettings[strings.ToLower(strings.TrimSpace(k))]
		if !ok || name == "" {
			return nil, badToken("is a connection string with a setting Azure Storage does not define")
		}
		if _, dup := set[name]; dup {
			return nil, badToken("is a connection string that sets " + name + " twice")
		}
		set[name] = strings.TrimSpace(v)
	}
	a := &account{}
	if strings.EqualFold(set["UseDevelopmentStorage"], "true") {
		a.name, a.key = EmulatorAccount, EmulatorKey
		ep := EmulatorEndpoint
		if _, ok := set["DevelopmentStorageProxyUri"]; ok {
			return nil, badToken("is a connection string with DevelopmentStorageProxyUri, which this provider does not support (set url instead)")
		}
		var err error
		if a.endpoint, err = checkEndpoint("credential", ep); err != nil {
			return nil, err
		}
		return a, nil
	}
	switch ep, acct := set["BlobEndpoint"], set["AccountName"]; {
	case ep != "":
		u, err := checkEndpoint("credential", ep)
		if err != nil {
			return nil, err
		}
		a.endpoint = u
	case acct != "":
		proto := strings.ToLower(set["DefaultEndpointsProtocol"])
		if proto == "" {
			proto = "https"
		}
		if proto != "https" && proto != "http" {
			return nil, badToken("is a connection string whose DefaultEndpointsProtocol is neither https nor http")
		}
		suffix := set["EndpointSuffix"]
		if suffix == "" {
			suffix = "core.windows.net"
		}
		if !validAccountName(acct) {
			return nil, badToken("is a connection string whose AccountName is not a storage account name (3 to 24 lowercase letters and digits)")
		}
		u, err := checkEndpoint("credential", proto+"://"+acct+".blob."+strings.Trim(suffix, "./"))
		if err != nil {
			return nil, err
		}
		a.endpoint = u
	}
	switch sas, acct, key := set["SharedAccessSignature"], set["AccountName"], set["AccountKey"]; {
	case acct != "" && key != "":
		if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) == 0 {
			return nil, badToken("is a connection string whose AccountKey is not base64")
		}
		a.name, a.key = acct, key
		a.secrets = []string{key}
	case sas != "":
		s, err := parseSAS(strings.TrimPrefix(sas, "?"))
		if err != nil {
			return nil, err
		}
		a.sas, a.expiry, a.secrets = s.sas, s.expiry, s.secrets
	case key != "":
		return nil, badToken("is a connection string with an AccountKey but no AccountName")
	default:
		return nil, badToken("is a connection string with neither a SharedAccessSignature nor an AccountName and AccountKey")
	}
	if a.endpoint == nil {
		return nil, badToken("is a connection string with neither BlobEndpoint nor AccountName")
	}
	return a, nil
}

// validAccountName reports whether s is a storage account name: 3 to 24
// lowercase letters and digits (Azurite's devstoreaccount1 is one).
func validAccountName(s string) bool {
	if len(s) < 3 || len(s) > 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// checkEndpoint checks an account's blob endpoint: an absolute https URL
// (http only to a loopback host: an emulator on this machine, since a SAS
// travels in the URL) without user information, query or fragment. The
// error never quotes it: an endpoint read from a SAS URL came with the
// credential.
func checkEndpoint(field, s string) (*url.URL, error) {
	bad := func(why string) error {
		return errs.Invalid(field, "the account's blob endpoint %s; it looks like https://<account>.blob.core.windows.net "+
			"(or http://127.0.0.1:10000/devstoreaccount1 for Azurite)", why)
	}
	if len(s) > providers.MaxURLLen {
		return nil, bad("is too long")
	}
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return nil, bad("is not an absolute URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		return nil, bad("must be https (http only to a loopback address, for an emulator)")
	case u.User != nil:
		return nil, bad("must not contain user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, bad("must have neither a query nor a fragment (a SAS belongs in the credential)")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// containerURL returns the URL of the container bucket, under the
// endpoint (or, when it is set, override), without the SAS. A SAS URL of
// the container itself (https://<account>.blob.core.windows.net/<bucket>?sv=...)
// names the container already: its last segment is not repeated.
func (a *account) containerURL(override *url.URL, bucket string) string {
	ep := a.endpoint
	if override != nil {
		ep = override
	}
	u := *ep
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if override == nil && a.sas != "" && len(segs) > 0 && segs[len(segs)-1] == bucket {
		u.Path = "/" + strings.Join(segs[:len(segs)-1], "/")
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/" + bucket
	u.RawPath = ""
	return u.String()
}
