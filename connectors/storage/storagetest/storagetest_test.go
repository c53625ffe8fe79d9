package storagetest_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/internal/conformance"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func harness(wrap func(storage.Driver) storage.Driver) storagetest.Harness {
	return storagetest.Harness{
		Registration: mock.Storage,
		Open: func(t *testing.T) storage.Driver {
			d, err := mock.Storage.Open(t.Context(), providers.OpenRequest{Config: &mock.StorageConfig{Bucket: "b"}})
			if err != nil {
				t.Fatal(err)
			}
			return wrap(d)
		},
	}
}

func TestMock(t *testing.T) {
	storagetest.Run(t, harness(func(d storage.Driver) storage.Driver { return d }))
}

// keepsFiles answers deletes without deleting.
type keepsFiles struct{ storage.Driver }

func (keepsFiles) DeleteFile(context.Context, string) error { return nil }

// truncates loses the end of every download.
type truncates struct{ storage.Driver }

func (d truncates) DownloadFile(ctx context.Context, path string) (*storage.Download, error) {
	dl, err := d.Driver.DownloadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(dl)
	dl.Close()
	if len(b) > 1 {
		b = b[:len(b)-1]
	}
	dl.ReadCloser = io.NopCloser(strings.NewReader(string(b)))
	return dl, nil
}

// flatList lists every file below a folder, not only those directly under
// it.
type flatList struct{ storage.Driver }

func (d flatList) ListFiles(ctx context.Context, folder string, req storage.ListRequest) (*storage.Page, error) {
	p, err := d.Driver.ListFiles(ctx, folder, req)
	if err != nil {
		return nil, err
	}
	for _, f := range p.Result {
		if f.Folder {
			f.Folder = false
			f.Path = strings.TrimSuffix(f.Path, "/") + ".txt"
		}
	}
	return p, nil
}

var broken = map[string]struct {
	wrap func(storage.Driver) storage.Driver
	conformance.Broken
}{
	"keeps files":   {func(d storage.Driver) storage.Driver { return keepsFiles{d} }, conformance.Broken{Subtest: "Delete", Message: "a deleted file downloads"}},
	"truncates":     {func(d storage.Driver) storage.Driver { return truncates{d} }, conformance.Broken{Subtest: "RoundTrip", Message: "downloaded"}},
	"no folders":    {func(d storage.Driver) storage.Driver { return flatList{d} }, conformance.Broken{Subtest: "Listing", Message: "the root, 1000 a page"}},
	"large shorter": {func(d storage.Driver) storage.Driver { return truncates{d} }, conformance.Broken{Subtest: "LargeFile", Message: "want the 12582912 uploaded"}},
}

const brokenEnv = "STORAGETEST_BROKEN"

func TestBroken(t *testing.T) {
	name := conformance.BrokenCase(t, brokenEnv)
	b, ok := broken[name]
	if !ok {
		t.Fatalf("no broken driver %q", name)
	}
	storagetest.Run(t, harness(b.wrap))
}

func TestSuiteCatches(t *testing.T) {
	cases := map[string]conformance.Broken{}
	for name, b := range broken {
		cases[name] = b.Broken
	}
	conformance.Catches(t, brokenEnv, cases)
}
