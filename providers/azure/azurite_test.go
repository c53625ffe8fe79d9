package azure_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The tests run against Azurite, the Azure Storage emulator (npm package
// azurite), started once for the package by the first test that needs it
// and stopped by TestMain. Without it those tests skip, saying how to
// install it, except under CI=true, where they fail.

// azuriteArgs are the flags Azurite is started with (the port is added):
// nothing on disk, no access log, no telemetry, the account always from
// the path's first segment (http://127.0.0.1:<port>/devstoreaccount1),
// any x-ms-version (the SDK's is often newer than Azurite's), and unknown
// headers ignored.
var azuriteArgs = []string{"--inMemoryPersistence", "--silent", "--blobHost", "127.0.0.1", "--skipApiVersionCheck", "--loose",
	"--disableTelemetry", "--disableProductStyleUrl", "--extentMemoryLimit", "1024"}

const installHint = "Azurite (the Azure Storage emulator) is not installed: install it with `npm install -g azurite` " +
	"(or set AZURITE_BLOB to its azurite-blob binary)"

var emu struct {
	once     sync.Once
	endpoint string // http://127.0.0.1:<port>/devstoreaccount1
	missing  string // why Azurite is not there
	cmd      *exec.Cmd
	exited   chan struct{}
	dir      string
	out      bytes.Buffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopAzurite()
	os.Exit(code)
}

// azuriteBinary finds azurite-blob: $AZURITE_BLOB, then PATH, then a local
// npm install under /work/tools/azurite.
func azuriteBinary() (string, bool) {
	if p := os.Getenv("AZURITE_BLOB"); p != "" {
		return p, true
	}
	if p, err := exec.LookPath("azurite-blob"); err == nil {
		return p, true
	}
	p := filepath.Join("/work/tools/azurite/node_modules/.bin", "azurite-blob")
	if _, err := os.Stat(p); err == nil {
		return p, true
	}
	return "", false
}

// needAzurite returns the emulator's account endpoint, starting Azurite
// on first use; without it the test skips (fails under CI=true).
func needAzurite(t testing.TB) string {
	t.Helper()
	emu.once.Do(startAzurite)
	if emu.missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(emu.missing)
		}
		t.Skip(emu.missing)
	}
	return emu.endpoint
}

func startAzurite() {
	bin, ok := azuriteBinary()
	if !ok {
		emu.missing = installHint
		return
	}
	dir, err := os.MkdirTemp("", "azurite-")
	if err != nil {
		emu.missing = "azurite: " + err.Error()
		return
	}
	emu.dir = dir
	var last string
	for range 3 { // a free port can be taken between the probe and the start
		port, err := freePort()
		if err != nil {
			emu.missing = "azurite: no free port: " + err.Error()
			return
		}
		var again bool
		if last, again = launch(bin, dir, port); last == "" {
			emu.endpoint = "http://127.0.0.1:" + strconv.Itoa(port) + "/" + azure.EmulatorAccount
			return
		}
		if !again {
			break
		}
	}
	emu.missing = last
}

// launch starts Azurite on port and waits until it answers; it returns
// why it could not, and whether another port may do.
func launch(bin, dir string, port int) (string, bool) {
	emu.out.Reset()
	cmd := exec.Command(bin, append(append([]string(nil), azuriteArgs...), "--blobPort", strconv.Itoa(port))...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &emu.out, &emu.out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Sprintf("azurite: starting %s: %v (%s)", bin, err, installHint), false
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	base := "http://127.0.0.1:" + strconv.Itoa(port) + "/" + azure.EmulatorAccount + "?comp=list"
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Sprintf("azurite exited at start: %s", strings.TrimSpace(emu.out.String())), true
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(base); err == nil {
			resp.Body.Close() // any answer (a 403: the request is not signed) says it is up
			emu.cmd, emu.exited = cmd, exited
			return "", false
		}
	}
	_ = cmd.Process.Kill()
	<-exited
	return "azurite did not answer within 30s: " + strings.TrimSpace(emu.out.String()), false
}

func stopAzurite() {
	if emu.cmd != nil {
		_ = emu.cmd.Process.Signal(os.Interrupt)
		select {
		case <-emu.exited:
		case <-time.After(5 * time.Second):
			_ = emu.cmd.Process.Kill()
			<-emu.exited
		}
	}
	if emu.dir != "" {
		_ = os.RemoveAll(emu.dir)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// devKey is the emulator's well-known account key, as the SDK takes it.
func devKey(t testing.TB) *container.SharedKeyCredential {
	t.Helper()
	cred, err := container.NewSharedKeyCredential(azure.EmulatorAccount, azure.EmulatorKey)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

// newContainer creates a fresh, empty container in Azurite (directly,
// with the account key) and deletes it when t ends.
func newContainer(t testing.TB) string {
	t.Helper()
	ep := needAzurite(t)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "t-" + hex.EncodeToString(rnd[:])
	svc, err := service.NewClientWithSharedKeyCredential(ep+"/", devKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatalf("creating container %s: %v", name, err)
	}
	t.Cleanup(func() { _, _ = svc.DeleteContainer(context.Background(), name, nil) })
	return name
}

// containerSAS returns a SAS token for the container with the given
// permissions (e.g. "racwdl"), signed with key (the emulator's, or
// another to be refused).
func containerSAS(t testing.TB, name, perms, key string) string {
	t.Helper()
	cred, err := azblob.NewSharedKeyCredential(azure.EmulatorAccount, key)
	if err != nil {
		t.Fatal(err)
	}
	p := sas.ContainerPermissions{Read: strings.Contains(perms, "r"), Add: strings.Contains(perms, "a"), Create: strings.Contains(perms, "c"),
		Write: strings.Contains(perms, "w"), Delete: strings.Contains(perms, "d"), List: strings.Contains(perms, "l")}
	qp, err := sas.BlobSignatureValues{
		Protocol:      sas.ProtocolHTTPSandHTTP,
		StartTime:     time.Now().Add(-5 * time.Minute).UTC(),
		ExpiryTime:    time.Now().Add(2 * time.Hour).UTC(),
		Permissions:   p.String(),
		ContainerName: name,
	}.SignWithSharedKey(cred)
	if err != nil {
		t.Fatal(err)
	}
	return qp.Encode()
}

// sasSignature returns the sig of a SAS token.
func sasSignature(t testing.TB, token string) string {
	t.Helper()
	q, err := url.ParseQuery(token)
	if err != nil || q.Get("sig") == "" {
		t.Fatalf("no signature in the SAS")
	}
	return q.Get("sig")
}

func tokenRef(secret string) *credential.Ref {
	return credential.Inline(&credential.TokenCredential{Secret: credential.Secret(secret)})
}

// fake is Azurite behind a fakekit.Kit: every request goes through the
// kit (its log, its faults, a fresh x-ms-request-id on every answer) to
// the emulator.
type fake struct {
	*fakekit.Kit
	// URL is the account's endpoint through the kit.
	URL string
}

func newFake(t testing.TB) *fake {
	t.Helper()
	ep, err := url.Parse(needAzurite(t))
	if err != nil {
		t.Fatal(err)
	}
	kit := fakekit.New(fakekit.Vendor{Name: "azblob", WriteError: writeAzureError, RequestIDHeader: "x-ms-request-id"})
	tr := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&url.URL{Scheme: ep.Scheme, Host: ep.Host})
		},
		Transport:      tr,
		ModifyResponse: asAzure,
		ErrorLog:       log.New(io.Discard, "", 0), // the faults' dropped connections are the point
	}
	srv := httptest.NewServer(kit.Handler(proxy))
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
	})
	return &fake{Kit: kit, URL: srv.URL + ep.Path}
}

// asAzure makes Azurite's answer Azure's: the kit names every answer, so
// Azurite's own request id goes (it would be a second); and a request
// whose signature does not match, which Azure answers with 403
// AuthenticationFailed ("Server failed to authenticate the request..."),
// Azurite answers with that message under the code AuthorizationFailure,
// which Azure keeps for requests it authenticated but does not authorize.
func asAzure(r *http.Response) error {
	r.Header.Del("x-ms-request-id")
	if r.StatusCode != http.StatusForbidden || r.Header.Get("x-ms-error-code") != "AuthorizationFailure" {
		return nil
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return err
	}
	if bytes.Contains(body, []byte("Server failed to authenticate the request")) {
		r.Header.Set("x-ms-error-code", "AuthenticationFailed")
		body = bytes.ReplaceAll(body, []byte("<Code>AuthorizationFailure</Code>"), []byte("<Code>AuthenticationFailed</Code>"))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	r.Header.Del("Transfer-Encoding")
	return nil
}

// azureCodes are the Blob service's error codes the fake answers a
// status with.
var azureCodes = map[int]string{
	http.StatusBadRequest:            "InvalidInput",
	http.StatusUnauthorized:          "InvalidAuthenticationInfo",
	http.StatusForbidden:             "AuthorizationFailure",
	http.StatusNotFound:              "ResourceNotFound",
	http.StatusConflict:              "ResourceAlreadyExists",
	http.StatusPreconditionFailed:    "ConditionNotMet",
	http.StatusRequestEntityTooLarge: "RequestBodyTooLarge",
	http.StatusTooManyRequests:       "ServerBusy",
	http.StatusInternalServerError:   "InternalError",
	http.StatusServiceUnavailable:    "ServerBusy",
}

// writeAzureError answers as the Blob service does: the code in
// x-ms-error-code and an XML <Error> document whose message ends with the
// request id and the time.
func writeAzureError(w http.ResponseWriter, r *http.Request, status int, message string) {
	code := azureCodes[status]
	if code == "" {
		code = "InternalError"
	}
	if message == "" {
		message = http.StatusText(status)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-ms-error-code", code)
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	var body bytes.Buffer
	body.WriteString(`<?xml version="1.0" encoding="utf-8"?><Error><Code>` + code + `</Code><Message>`)
	_ = xml.EscapeText(&body, []byte(message+"\nRequestId:"+w.Header().Get("x-ms-request-id")+"\nTime:"+time.Now().UTC().Format(time.RFC3339)))
	body.WriteString(`</Message></Error>`)
	_, _ = io.Copy(w, &body)
}
