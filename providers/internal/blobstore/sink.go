package blobstore

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gocloud.dev/blob"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
)

// ObjectLimits are the default batch limits of a Sink: one object a
// batch, so a batch may be large (fewer, bigger objects are what data
// lakes want), yet bounded, because the connector holds a batch in memory.
var ObjectLimits = sink.Limits{MaxEvents: 10_000, MaxBytes: 32 << 20, MaxEventBytes: 4 << 20}

// Sink is a sink.Driver over a bucket: each batch becomes one object of
// gzip-compressed NDJSON (one event a line), written whole or not at all,
// under a time partition:
//
//	<Prefix>/<location>/2026/12/02/14/1764684000123456789-9f86d081884c7d65.ndjson.gz
//
// where the date and hour are the UTC time of the write and the name is
// that time in nanoseconds and 8 random bytes, so that objects sort by time
// and never collide, across processes too.
type Sink struct {
	sink.Unimplemented // never reached: every operation is implemented
	Bucket             *blob.Bucket
	Vendor             Vendor
	// Prefix, if set, is the folder of the bucket the objects go under.
	Prefix string
	// BatchLimits, if set, replace ObjectLimits.
	BatchLimits sink.Limits
	// Now, if set, replaces time.Now (tests).
	Now func() time.Time
	// OnClose, if set, runs after the bucket is closed.
	OnClose func()
}

var _ sink.Driver = (*Sink)(nil)

// Limits implements sink.Driver.
func (s *Sink) Limits() sink.Limits {
	if s.BatchLimits != (sink.Limits{}) {
		return s.BatchLimits
	}
	return ObjectLimits
}

// ObjectSuffix ends the name of every object a Sink writes.
const ObjectSuffix = ".ndjson.gz"

// objectKey returns the key of a new object for location.
func (s *Sink) objectKey(location string) (string, error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", errs.Wrap(errs.Internal, err, "%s: no randomness for an object name", s.Vendor.Name)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().UTC()
	name := fmt.Sprintf("%04d/%02d/%02d/%02d/%d-%s%s", t.Year(), t.Month(), t.Day(), t.Hour(), t.UnixNano(), hex.EncodeToString(rnd[:]), ObjectSuffix)
	return join(s.Prefix, location, name), nil
}

// WriteBatch implements sink.Driver: the batch is streamed, compressed,
// into one new object; a failure cancels the upload, so no partial object
// is left.
func (s *Sink) WriteBatch(ctx context.Context, b *sink.Batch) error {
	if b.Location != "" {
		if err := storage.CheckPath("location", b.Location); err != nil {
			return err
		}
	}
	key, err := s.objectKey(b.Location)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.Bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: "application/x-ndjson", ContentEncoding: "gzip"})
	if err != nil {
		return wrap(ctx, s.Bucket, &s.Vendor, err, "writing", key)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	zw, _ := gzip.NewWriterLevel(bw, gzip.DefaultCompression)
	for _, it := range b.Items {
		if _, err = zw.Write(it.JSON); err == nil {
			_, err = zw.Write(newline)
		}
		if err != nil {
			break
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		cancel() // gocloud aborts the upload when its context ends
		_ = w.Close()
		return wrap(ctx, s.Bucket, &s.Vendor, err, "writing", key)
	}
	return wrap(ctx, s.Bucket, &s.Vendor, w.Close(), "writing", key)
}

var newline = []byte{'\n'}

// Close implements sink.Driver.
func (s *Sink) Close() error {
	err := s.Bucket.Close()
	if s.OnClose != nil {
		s.OnClose()
	}
	return err
}

// Record is one event of an object a Sink wrote.
type Record struct {
	// Key is the object's key; Location the post's location (the key
	// without the prefix, the time partition and the name).
	Key, Location string
	Event         json.RawMessage
}

// ReadSink reads back every event the Sinks with this prefix wrote to the
// bucket: for tests, and for applications that check what landed.
func ReadSink(ctx context.Context, b *blob.Bucket, prefix string) ([]Record, error) {
	var out []Record
	lp := join(prefix)
	if lp != "" {
		lp += "/"
	}
	it := b.List(&blob.ListOptions{Prefix: lp})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(obj.Key, ObjectSuffix) {
			continue
		}
		segs := strings.Split(strings.TrimPrefix(obj.Key, lp), "/")
		if len(segs) < 5 {
			continue
		}
		loc := strings.Join(segs[:len(segs)-5], "/")
		recs, err := readObject(ctx, b, obj.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", obj.Key, err)
		}
		for _, r := range recs {
			out = append(out, Record{Key: obj.Key, Location: loc, Event: r})
		}
	}
}

func readObject(ctx context.Context, b *blob.Bucket, key string) ([]json.RawMessage, error) {
	r, err := b.NewReader(ctx, key, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var src io.Reader = r
	// Some stores hand back the object decompressed when it says
	// Content-Encoding: gzip; read either.
	br := bufio.NewReader(src)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		src = zr
	} else {
		src = br
	}
	var out []json.RawMessage
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			out = append(out, json.RawMessage(append([]byte(nil), sc.Bytes()...)))
		}
	}
	return out, sc.Err()
}
