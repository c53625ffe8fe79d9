// Package storage is the portable Storage connector: files in a customer's
// bucket — Amazon S3, Azure Blob Storage, Google Cloud Storage — with the
// operations of the Synqly Connector API (list_files, upload_file,
// download_file, delete_file). Files stream: an upload reads an io.Reader,
// a download returns an io.ReadCloser, and no file is ever held whole in
// memory.
//
//	st, err := storage.Open(ctx, client.Account(accountID), integrationID)
//	f, err := st.UploadFile(ctx, "reports/2026-12-02.ndjson.gz", r, storage.UploadOptions{ContentType: "application/gzip"})
//	for f, err := range st.AllFiles(ctx, "reports/") { ... }
//	d, err := st.DownloadFile(ctx, f.Path)
//	defer d.Close()
//	_, err = io.Copy(w, d)
//
// Paths are relative to the integration's bucket, "/"-separated, without
// "." or ".." segments; a folder is a path prefix ending in "/" ("" for
// the bucket's root). Providers implement the Driver interface and
// declare what they support once, in their Registration; every provider
// runs the conformance suite of package storagetest.
package storage
