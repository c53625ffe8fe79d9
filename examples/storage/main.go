// Command storage uploads a file through the portable Storage connector,
// lists its folder, downloads it back (checking its SHA-256) and deletes
// it. It runs on the mock provider by default (no network; the file is
// kept, in chunks, in the embedded SQLite store):
//
//	go run ./examples/storage                   # mock provider, a 5 MiB file
//	go run ./examples/storage -size 67108864    # 64 MiB, streamed both ways
//
// The file is generated as it is uploaded and hashed as it is downloaded:
// neither is ever held whole in memory.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/examples/internal/setup"
	_ "github.com/seed-e6251c81/synqly/providers/all"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

type flags struct {
	provider, folder, db string
	size                 int64
}

func main() {
	var f flags
	flag.StringVar(&f.provider, "provider", "mock", "mock")
	flag.StringVar(&f.folder, "folder", "reports/", "the folder the file goes in (ends in /)")
	flag.StringVar(&f.db, "db", "", "SQLite database file (default: $SYNQLY_DB or synqly.DefaultDatabasePath())")
	flag.Int64Var(&f.size, "size", 5<<20, "the file's size in bytes")
	flag.Parse()
	if err := run(context.Background(), f); err != nil {
		fmt.Fprintln(os.Stderr, "storage:", err)
		os.Exit(1)
	}
}

func providerConfig(f flags) (*synqly.ProviderConfig, error) {
	switch f.provider {
	case "mock":
		return &synqly.ProviderConfig{Type: mock.StorageID, Config: &mock.StorageConfig{Bucket: "example-bucket"}}, nil
	}
	return nil, fmt.Errorf("unknown provider %q: use mock", f.provider)
}

func run(ctx context.Context, f flags) error {
	cfg, err := providerConfig(f)
	if err != nil {
		return err
	}
	c, ctx, err := setup.Open(ctx, f.db, "examples/storage")
	if err != nil {
		return err
	}
	defer c.Close()
	tenant, integrationID, err := setup.Integration(ctx, c, "storage-example", "example-"+f.provider, cfg)
	if err != nil {
		return err
	}

	st, err := storage.Open(ctx, tenant, integrationID)
	if err != nil {
		return err
	}
	path := f.folder + time.Now().UTC().Format("2006-01-02T150405") + ".bin"

	// Upload a generated stream, hashing what is sent.
	sent := sha256.New()
	src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), f.size), sent)
	start := time.Now()
	file, err := st.UploadFile(ctx, path, src, storage.UploadOptions{ContentType: "application/octet-stream", Size: f.size})
	if err != nil {
		return err
	}
	fmt.Printf("uploaded   %s (%d bytes) in %s\n", file.Path, file.Size, time.Since(start).Round(time.Millisecond))

	n := 0
	for entry, err := range st.AllFiles(ctx, f.folder) {
		if err != nil {
			return err
		}
		n++
		if entry.Path == path {
			fmt.Printf("listed     %s among %d entries of %s\n", entry.Path, n, f.folder)
		}
	}

	dl, err := st.DownloadFile(ctx, path)
	if err != nil {
		return err
	}
	got := sha256.New()
	read, err := io.Copy(got, dl)
	dl.Close()
	if err != nil {
		return err
	}
	same := hex.EncodeToString(got.Sum(nil)) == hex.EncodeToString(sent.Sum(nil))
	fmt.Printf("downloaded %d bytes, sha256 matches: %v\n", read, same)
	if !same || read != f.size {
		return errors.New("the download is not what was uploaded")
	}

	if err := st.DeleteFile(ctx, path); err != nil {
		return err
	}
	_, err = st.DownloadFile(ctx, path)
	fmt.Printf("deleted    %s (a download now: %v)\n", path, errors.Is(err, synqly.ErrNotFound))
	return nil
}
