package elastic

import (
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
)

func TestQuickSummary(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{`{"took":1,"errors":false,"items":[]}`, 0, true},
		{` {"errors" : false , "items" : [ ] } `, 0, true},
		{`{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`, 1, true},
		{`{"items":[{"create":{"status":201}},{"create":{"status":201}}],"errors":false,"took":5}`, 2, true},
		{`{"errors":false,"items":[{"a":"x,y]}"},{"b":["\"],",1,[2,3]]},3, "s", null]}`, 5, true},
		{`{"errors":false,"items":[{"a":"\\"},{"b":"\\\","}],"x":{"items":[1,2,3],"errors":true}}`, 2, true},
		{`{"errors":true,"items":[{"create":{"status":429}}]}`, 0, false},
		{`{"errors":false}`, 0, false},
		{`{"items":[]}`, 0, false},
		{`{"errors":false,"items":[]`, 0, false},
		{`{"errors":false,"items":[]}x`, 0, false},
		{`{"errors":false,"items":{}}`, 0, false},
		{`{"errors":"false","items":[]}`, 0, false},
		{`{"errors":false,"items":[],"items":[1]}`, 0, false},
		{`[{"errors":false,"items":[]}]`, 0, false},
		{`{"errors":false,"items":["unclosed]}`, 0, false},
		{`{"id":"1","name":"half a<html><body>502 Bad Gateway</body></html>`, 0, false},
		{``, 0, false},
	} {
		n, ok := quickSummary([]byte(c.in))
		if n != c.want || ok != c.ok {
			t.Errorf("%s: %d %t, want %d %t", c.in, n, ok, c.want, c.ok)
		}
	}
}

func TestParseBulk(t *testing.T) {
	var a answer
	parseBulk(&a, []byte(`{"took":3,"errors":false,"items":[{"create":{"_id":"a","status":201}},{"create":{"_id":"b","status":201}}]}`))
	if !a.parsed || !a.allOK || a.count != 2 {
		t.Errorf("%+v", a)
	}
	a = answer{}
	parseBulk(&a, []byte(`{"took":3,"errors":true,"items":[{"create":{"_id":"a","status":201}},{"create":{"_id":"b","status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}}]}`))
	if !a.parsed || a.allOK || len(a.items) != 2 || a.items[1].Status != 429 || a.items[1].Error.Type != "es_rejected_execution_exception" || a.items[0].Action != "create" {
		t.Errorf("%+v", a)
	}
	for _, bad := range []string{``, `{`, `{"took":1}`, `{"errors":false}`, `{"errors":true,"items":[{}]}`, `{"errors":"no","items":[]}`} {
		a = answer{}
		if parseBulk(&a, []byte(bad)); a.parsed || a.bad == "" {
			t.Errorf("%q: %+v", bad, a)
		}
	}
}

func TestCleanReason(t *testing.T) {
	r := cleanReason("[1:42] failed to parse field [metadata.uid] of type [long] in document with id 'abc'. Preview of field's value: 'secret-ish'")
	if strings.Contains(r, "secret-ish") || !strings.HasPrefix(r, "[1:42] failed to parse field [metadata.uid]") || !strings.HasSuffix(r, "(the value is not shown)") {
		t.Errorf("%q", r)
	}
	if r := cleanReason(strings.Repeat("x", 1000)); len(r) > maxReason+len("…") {
		t.Errorf("%d bytes", len(r))
	}
	if r := cleanReason("a\n\tb   c"); r != "a b c" {
		t.Errorf("%q", r)
	}
}

func TestErrorDetail(t *testing.T) {
	for _, c := range []struct{ body, code, msg string }{
		{`{"error":{"root_cause":[],"type":"security_exception","reason":"missing credentials"},"status":401}`, "security_exception", "missing credentials"},
		{`{"error":"no handler found for uri [/x] and method [GET]"}`, "", "no handler found for uri [/x] and method [GET]"},
		{`{"message":"User: anonymous is not authorized"}`, "", "User: anonymous is not authorized"},
		{`<html>bad gateway</html>`, "", ""},
	} {
		code, msg := errorDetail(0, []byte(c.body))
		if code != c.code || msg != c.msg {
			t.Errorf("%s: %q %q", c.body, code, msg)
		}
	}
}

func TestEncodeAPIKey(t *testing.T) {
	if got := encodeAPIKey("id:key"); got != "aWQ6a2V5" {
		t.Errorf("%q", got)
	}
	if got := encodeAPIKey("aWQ6a2V5"); got != "aWQ6a2V5" {
		t.Errorf("%q", got)
	}
	s := apiKeyAuth{raw: "aWQ6a2V5", encoded: "aWQ6a2V5"}.Secrets()
	if !strings.Contains(strings.Join(s, " "), "key") {
		t.Errorf("the decoded key is not among the secrets: %q", s)
	}
}

func TestEncodeBatchCompacts(t *testing.T) {
	doc := []byte("{\n  \"a\": [1,\n 2]\n}")
	b := &sink.Batch{Items: []sink.Item{{JSON: []byte(`{"x":1}`)}, {JSON: doc}}, Bytes: 7 + len(doc)}
	buf, ids := encodeBatch(b)
	defer buf.release()
	want := `{"create":{"_id":"` + DocumentID([]byte(`{"x":1}`)) + `"}}` + "\n" + `{"x":1}` + "\n" +
		`{"create":{"_id":"` + DocumentID(doc) + `"}}` + "\n" + `{"a":[1,2]}` + "\n"
	if string(buf.data) != want {
		t.Errorf("body\n%s\nwant\n%s", buf.data, want)
	}
	if string(idAt(buf.data, ids[1])) != DocumentID(doc) {
		t.Errorf("ids %v", ids)
	}
}
