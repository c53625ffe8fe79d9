package synqly_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/providers/mock"
)

// TestMockStorageTwoClients uploads to one mock bucket from two clients on
// one database at once — distinct files, and one path from every uploader:
// every distinct file reads back whole, the shared path holds exactly one
// of the uploads (never a mix), and no chunk of a replaced upload is left
// in the store.
func TestMockStorageTwoClients(t *testing.T) {
	ctx := context.Background()
	c1, where := newClient(t)
	c2 := reopen(t, where)
	acct := mustAccount(t, c1, "Storage Acme")
	res, err := c1.Integrations.Create(ctx, acct.ID, synqly.CreateIntegrationRequest{Name: "shared-bucket",
		ProviderConfig: &synqly.ProviderConfig{Type: mock.StorageID, Config: &mock.StorageConfig{Bucket: "b"}}})
	require.NoError(t, err)

	const perClient = 3
	size := 2*mock.StorageChunkSize + 1000 // three chunks
	content := func(ci, g int) []byte {
		pat := []byte(fmt.Sprintf("c%dg%d;", ci, g))
		return bytes.Repeat(pat, size/len(pat)+1)[:size]
	}
	var wg sync.WaitGroup
	errc := make(chan error, 4*perClient)
	var sts []*storage.Connector
	for ci, c := range []*synqly.Client{c1, c2} {
		st, err := storage.Open(ctx, c.Account(acct.ID), res.Integration.ID)
		require.NoError(t, err)
		sts = append(sts, st)
		for g := range perClient {
			wg.Go(func() {
				b := content(ci, g)
				for _, p := range []string{fmt.Sprintf("own/c%d-g%d.bin", ci, g), "shared/one.bin"} {
					if _, err := st.UploadFile(ctx, p, bytes.NewReader(b), storage.UploadOptions{Size: int64(len(b))}); err != nil {
						errc <- fmt.Errorf("%s: %w", p, err)
					}
				}
			})
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		dl, err := sts[1].DownloadFile(ctx, p)
		require.NoError(t, err)
		defer dl.Close()
		b, err := io.ReadAll(dl)
		require.NoError(t, err)
		return b
	}
	for ci := range 2 {
		for g := range perClient {
			assert.True(t, bytes.Equal(content(ci, g), read(fmt.Sprintf("own/c%d-g%d.bin", ci, g))), "own file c%d g%d", ci, g)
		}
	}
	shared := read("shared/one.bin")
	one := false
	for ci := range 2 {
		for g := range perClient {
			one = one || bytes.Equal(shared, content(ci, g))
		}
	}
	assert.True(t, one, "the shared path holds a mix of uploads")
	// 7 files of 3 chunks each, and their 7 records: nothing else.
	assert.Equal(t, 7*3+7, stateRows(t, openRaw(t, where), res.Integration.ID))
}
