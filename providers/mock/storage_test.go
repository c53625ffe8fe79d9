package mock_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

func openStorage(t *testing.T) storage.Driver {
	d, err := mock.Storage.Open(t.Context(), providers.OpenRequest{Config: &mock.StorageConfig{Bucket: "reports"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStorageConformance(t *testing.T) {
	storagetest.Run(t, storagetest.Harness{Registration: mock.Storage, Open: openStorage})
}

// TestStorageChunks: a file is kept in chunks; a long path is refused with
// the mock's limit; a config without a bucket is refused.
func TestStorageChunks(t *testing.T) {
	state := providers.NewMemoryState()
	d, err := mock.Storage.Open(t.Context(), providers.OpenRequest{Config: &mock.StorageConfig{Bucket: "b"}, State: state})
	if err != nil {
		t.Fatal(err)
	}
	c := storage.NewConnector(mock.Storage, d)
	content := bytes.Repeat([]byte("0123456789abcdef"), mock.StorageChunkSize/16*2+3)
	if _, err := c.UploadFile(t.Context(), "x/y.bin", bytes.NewReader(content), storage.UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := state.Len(); n != 1+3 {
		t.Errorf("%d state entries, want the file's record and 3 chunks", n)
	}
	if _, err := c.UploadFile(t.Context(), "x/y.bin", strings.NewReader("small"), storage.UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := state.Len(); n != 2 {
		t.Errorf("%d state entries after the replacement, want 2: the old chunks go", n)
	}
	dl, err := c.DownloadFile(t.Context(), "x/y.bin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(dl)
	if string(b) != "small" {
		t.Errorf("read %q", b)
	}
	_, err = c.UploadFile(t.Context(), strings.Repeat("é", 40)+".txt", strings.NewReader("x"), storage.UploadOptions{})
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("a path over the mock's limit: %v", err)
	}
	if _, err := mock.Storage.Open(t.Context(), providers.OpenRequest{Config: &mock.StorageConfig{}}); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("no bucket: %v", err)
	}
}
