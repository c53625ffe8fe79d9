package gcsfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// Listings. Both emulators page listings by a delimiter unlike Cloud
// Storage: fake-gcs-server applies maxResults to the objects before it
// folds them into prefixes (a page of 1 holds several entries), and
// gofakes3 repeats a prefix on every page that reaches objects under it.
// Cloud Storage's JSON API counts "items[] and prefixes[]" together in
// maxResults and resumes after the last entry of a page, a prefix's
// objects included; the XML API does as S3 does (KeyCount holds keys and
// common prefixes, NextContinuationToken resumes after both). The fakes
// answer the listings themselves, that way, from the emulators' objects.

// entry is one entry of a listing: an object (index into the names), or a
// prefix standing for every object under it.
type entry struct {
	key    string
	prefix bool
	obj    int
}

// listPage returns the page of a listing of names (sorted) under prefix,
// folded by delim, after the key after ("" for the first page), of at
// most max entries, and the key to resume after ("" on the last page).
func listPage(names []string, prefix, delim, after string, max int) ([]entry, string) {
	var all []entry
	for i, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		e := entry{key: n, obj: i}
		if delim != "" {
			if j := strings.Index(n[len(prefix):], delim); j >= 0 {
				e = entry{key: n[:len(prefix)+j+len(delim)], prefix: true}
			}
		}
		if len(all) > 0 && all[len(all)-1].prefix && all[len(all)-1].key == e.key {
			continue
		}
		if after != "" && e.key <= after {
			continue
		}
		all = append(all, e)
	}
	if len(all) <= max {
		return all, ""
	}
	return all[:max], all[max-1].key
}

func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeToken(tok string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	return string(b), err == nil && len(b) > 0
}

// jsonListPath is the JSON API's objects.list.
var jsonListPath = regexp.MustCompile(`^/storage/v1/b/([^/]+)/o/?$`)

// jsonLists answers objects.list (GET /storage/v1/b/<bucket>/o) with
// prefix, delimiter, maxResults and pageToken itself; other requests, and
// listings with parameters it does not take, go to the emulator.
func jsonLists(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := jsonListPath.FindStringSubmatch(r.URL.EscapedPath())
		q := r.URL.Query()
		if r.Method != http.MethodGet || m == nil || q.Get("versions") == "true" || q.Get("startOffset") != "" ||
			q.Get("endOffset") != "" || q.Get("matchGlob") != "" || q.Get("includeTrailingDelimiter") == "true" {
			api.ServeHTTP(w, r)
			return
		}
		max := 1000
		if s := q.Get("maxResults"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				writeJSONError(w, r, http.StatusBadRequest, "Invalid value for maxResults: "+s)
				return
			}
			if n > 0 && n < max {
				max = n
			}
		}
		after := ""
		if tok := q.Get("pageToken"); tok != "" {
			var ok bool
			if after, ok = decodeToken(tok); !ok {
				writeJSONError(w, r, http.StatusBadRequest, "Invalid pageToken")
				return
			}
		}
		// Every object under the prefix, as the emulator renders them.
		inner := httptest.NewRequestWithContext(r.Context(), http.MethodGet,
			"/storage/v1/b/"+m[1]+"/o?prefix="+url.QueryEscape(q.Get("prefix")), nil)
		inner.Host = r.Host
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, inner)
		if rec.Code != http.StatusOK {
			writeJSONError(w, r, rec.Code, "")
			return
		}
		var all struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &all); err != nil {
			writeJSONError(w, r, http.StatusInternalServerError, "gcsfake: the emulator's listing: "+err.Error())
			return
		}
		type named struct {
			name string
			raw  json.RawMessage
		}
		objs := make([]named, 0, len(all.Items))
		for _, it := range all.Items {
			var o struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(it, &o)
			objs = append(objs, named{o.Name, it})
		}
		slices.SortFunc(objs, func(a, b named) int { return strings.Compare(a.name, b.name) })
		names := make([]string, len(objs))
		for i, o := range objs {
			names[i] = o.name
		}
		page, next := listPage(names, q.Get("prefix"), q.Get("delimiter"), after, max)
		out := map[string]any{"kind": "storage#objects"}
		items, prefixes := []json.RawMessage{}, []string{}
		for _, e := range page {
			if e.prefix {
				prefixes = append(prefixes, e.key)
			} else {
				items = append(items, objs[e.obj].raw)
			}
		}
		if len(items) > 0 {
			out["items"] = items
		}
		if len(prefixes) > 0 {
			out["prefixes"] = prefixes
		}
		if next != "" {
			out["nextPageToken"] = encodeToken(next)
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_ = json.NewEncoder(w).Encode(out)
	})
}

// xmlLists answers ListObjectsV2 (GET /<bucket>?list-type=2) with
// prefix, delimiter, max-keys, continuation-token, start-after and
// encoding-type itself; other requests go to the emulator.
func xmlLists(be gofakes3.Backend, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		bkt := strings.Trim(r.URL.Path, "/")
		if r.Method != http.MethodGet || q.Get("list-type") != "2" || bkt == "" || strings.Contains(bkt, "/") {
			api.ServeHTTP(w, r)
			return
		}
		max := 1000
		if s := q.Get("max-keys"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				writeXMLError(w, r, http.StatusBadRequest, "Invalid max-keys: "+s)
				return
			}
			max = min(n, max)
		}
		after := q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			var ok bool
			if after, ok = decodeToken(tok); !ok {
				writeXMLError(w, r, http.StatusBadRequest, "The continuation token provided is incorrect")
				return
			}
		}
		prefix := q.Get("prefix")
		list, err := be.ListBucket(bkt, &gofakes3.Prefix{HasPrefix: prefix != "", Prefix: prefix}, gofakes3.ListBucketPage{})
		if err != nil {
			status := http.StatusInternalServerError
			if gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket) {
				status = http.StatusNotFound
			}
			writeXMLError(w, r, status, "")
			return
		}
		objs := list.Contents
		slices.SortFunc(objs, func(a, b *gofakes3.Content) int { return strings.Compare(a.Key, b.Key) })
		names := make([]string, len(objs))
		for i, o := range objs {
			names[i] = o.Key
		}
		enc := func(s string) string { return s }
		if q.Get("encoding-type") == "url" {
			enc = func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
		}
		type content struct {
			Key          string `xml:"Key"`
			LastModified string `xml:"LastModified"`
			ETag         string `xml:"ETag"`
			Size         int64  `xml:"Size"`
			StorageClass string `xml:"StorageClass"`
		}
		type commonPrefix struct {
			Prefix string `xml:"Prefix"`
		}
		res := struct {
			XMLName               xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
			Name                  string         `xml:"Name"`
			Prefix                string         `xml:"Prefix"`
			Delimiter             string         `xml:"Delimiter,omitempty"`
			MaxKeys               int            `xml:"MaxKeys"`
			KeyCount              int            `xml:"KeyCount"`
			IsTruncated           bool           `xml:"IsTruncated"`
			EncodingType          string         `xml:"EncodingType,omitempty"`
			ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
			NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
			StartAfter            string         `xml:"StartAfter,omitempty"`
			Contents              []content      `xml:"Contents"`
			CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
		}{Name: bkt, Prefix: enc(prefix), Delimiter: enc(q.Get("delimiter")), MaxKeys: max,
			EncodingType: q.Get("encoding-type"), ContinuationToken: q.Get("continuation-token"), StartAfter: enc(q.Get("start-after"))}
		if max > 0 {
			page, next := listPage(names, prefix, q.Get("delimiter"), after, max)
			for _, e := range page {
				if e.prefix {
					res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{enc(e.key)})
					continue
				}
				o := objs[e.obj]
				res.Contents = append(res.Contents, content{Key: enc(o.Key), LastModified: o.LastModified.UTC().Format("2006-01-02T15:04:05.000Z"),
					ETag: o.ETag, Size: o.Size, StorageClass: "STANDARD"})
			}
			res.KeyCount = len(page)
			if next != "" {
				res.IsTruncated, res.NextContinuationToken = true, encodeToken(next)
			}
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		_ = xml.NewEncoder(&buf).Encode(res)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(buf.Bytes())
	})
}
