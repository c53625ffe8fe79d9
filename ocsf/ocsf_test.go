package ocsf_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
)

func sample(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/detection_finding.json")
	require.NoError(t, err)
	return b
}

// jsonEqual compares two documents as encoding/json reads them.
func jsonEqual(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w))
	require.NoError(t, json.Unmarshal(got, &g), "%s", got)
	assert.Equal(t, w, g)
}

func TestDecodeRoundTrip(t *testing.T) {
	in := sample(t)
	ev, err := ocsf.Decode(in)
	require.NoError(t, err)
	df, ok := ev.(*ocsf.DetectionFinding)
	require.True(t, ok, "%T", ev)

	assert.Equal(t, ocsf.DetectionFindingActivityIDCreate, df.ActivityID)
	assert.Equal(t, ocsf.SeverityIDHigh, df.SeverityID)
	assert.Equal(t, "High", df.SeverityID.String())
	assert.Equal(t, int64(200401), df.TypeUID())
	assert.Equal(t, "f-7d1c", df.FindingInfo.UID)
	assert.Equal(t, ocsf.Timestamp(1764650001234), df.Time)
	assert.Equal(t, "powershell.exe", df.Evidences[0].Process.Name)
	assert.Equal(t, 4242, df.Evidences[0].Process.PID)

	// What the schema does not define is kept, at every level.
	assert.JSONEq(t, `{"nested":[1,2.5,"x"],"empty":{}}`, string(df.Extra["vendor_extension"]))
	assert.JSONEq(t, `true`, string(df.Evidences[0].Process.Extra["vendor_flag"]))
	assert.JSONEq(t, `1`, string(df.Resources[0].Extra["x_asset_tier"]))
	assert.JSONEq(t, `0.87`, string(df.FindingInfo.Extra["vendor_score"]))

	out, err := json.Marshal(df)
	require.NoError(t, err)
	jsonEqual(t, in, out)

	// And once more: the output decodes to what encodes the same bytes.
	again, err := ocsf.Decode(out)
	require.NoError(t, err)
	out2, err := json.Marshal(again)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(out2))
	require.NoError(t, df.Validate())
}

func TestEncodeMatchesEncodingJSONEscaping(t *testing.T) {
	df := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDUpdate}
	df.Message = "a <b> & \"c\" \u2028 \x01 \xff é"
	df.Time = ocsf.Timestamp(1)
	df.Metadata = &ocsf.Metadata{Version: "1.8.0", Product: &ocsf.Product{Name: "p"}}
	b, err := json.Marshal(df)
	require.NoError(t, err)
	want, err := json.Marshal(df.Message)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"message":`+string(want))
	assert.Contains(t, string(b), `"class_uid":2004`)
	assert.Contains(t, string(b), `"category_uid":2`)
	assert.Contains(t, string(b), `"type_uid":200402`)
	assert.Contains(t, string(b), `"type_name":"Detection Finding: Update"`)
	// A required number is written even when zero; an optional one is not.
	assert.Contains(t, string(b), `"severity_id":0`)
	assert.NotContains(t, string(b), `"confidence_id"`)
}

func TestEveryClass(t *testing.T) {
	require.Len(t, ocsf.ClassUIDs, 30)
	for _, uid := range ocsf.ClassUIDs {
		ev, err := ocsf.New(uid)
		require.NoError(t, err)
		assert.Equal(t, uid, ev.ClassUID())
		assert.Equal(t, uid/1000, ev.CategoryUID(), ev.ClassName())
		assert.NotEmpty(t, ev.ClassName())
		assert.NotEmpty(t, ev.CategoryName())
		ev.EventBase().Time = 1700000000000
		ev.EventBase().Message = "m"
		b, err := json.Marshal(ev)
		require.NoError(t, err)
		back, err := ocsf.Decode(b)
		require.NoError(t, err, "%s", b)
		assert.Equal(t, reflect.TypeOf(ev), reflect.TypeOf(back))
		assert.Equal(t, ev.TypeUID(), back.TypeUID())
		b2, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(b2))
		// An empty event lacks its required attributes.
		err = ev.Validate()
		require.Error(t, err)
		assert.True(t, errors.Is(err, errs.InvalidInput))
	}
	_, err := ocsf.New(98902001)
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.InvalidInput))
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	require.Error(t, err)
	require.True(t, errors.Is(err, errs.InvalidInput), "%v", err)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	return e.Field
}

// mutate decodes the sample as a map, changes it and returns its JSON.
func mutate(t *testing.T, f func(m map[string]any)) []byte {
	var m map[string]any
	require.NoError(t, json.Unmarshal(sample(t), &m))
	f(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestDecodeErrorsNameThePath(t *testing.T) {
	cases := []struct {
		name, field string
		doc         []byte
	}{
		{"wrong type nested", "finding_info.uid", mutate(t, func(m map[string]any) { m["finding_info"].(map[string]any)["uid"] = 7 })},
		{"wrong type in array", "resources[0].labels[0]", mutate(t, func(m map[string]any) {
			m["resources"].([]any)[0].(map[string]any)["labels"] = []any{1}
		})},
		{"fraction for an integer", "severity_id", mutate(t, func(m map[string]any) { m["severity_id"] = 1.5 })},
		{"type_uid disagrees", "type_uid", mutate(t, func(m map[string]any) { m["type_uid"] = 200402 })},
		{"category disagrees", "category_uid", mutate(t, func(m map[string]any) { m["category_uid"] = 3 })},
		{"unknown class", "class_uid", mutate(t, func(m map[string]any) { m["class_uid"] = 98902001 })},
		{"no class", "", mutate(t, func(m map[string]any) { delete(m, "class_uid") })},
		{"not an object", "", []byte(`[1]`)},
		{"truncated", "evidences[0]", sample(t)[:200]},
		{"trailing data", "", append(sample(t), " {}"...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ocsf.Decode(c.doc)
			assert.Equal(t, c.field, fieldOf(t, err), "%v", err)
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name, field string
		doc         []byte
	}{
		{"missing required", "finding_info", mutate(t, func(m map[string]any) { delete(m, "finding_info") })},
		{"missing required nested", "finding_info.uid", mutate(t, func(m map[string]any) { delete(m["finding_info"].(map[string]any), "uid") })},
		{"bad enum", "severity_id", mutate(t, func(m map[string]any) { m["severity_id"] = 42 })},
		{"bad enum in array element", "observables[0].type_id", mutate(t, func(m map[string]any) {
			m["observables"].([]any)[0].(map[string]any)["type_id"] = 123456
		})},
		{"profile requires", "cloud", mutate(t, func(m map[string]any) {
			m["metadata"].(map[string]any)["profiles"] = []any{"cloud"}
		})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := ocsf.Decode(c.doc)
			require.NoError(t, err)
			assert.Equal(t, c.field, fieldOf(t, ev.Validate()))
		})
	}
	// Without the profile, cloud is not required.
	ev, err := ocsf.Decode(sample(t))
	require.NoError(t, err)
	require.NoError(t, ev.Validate())

	// 99 (Other) is a value of every OCSF enum that has it; 0 (Unknown)
	// satisfies a required enum.
	df := ev.(*ocsf.DetectionFinding)
	df.SeverityID = ocsf.SeverityIDOther
	require.NoError(t, df.Validate())
	df.SeverityID = ocsf.SeverityIDUnknown
	require.NoError(t, df.Validate())
}

func TestConstraints(t *testing.T) {
	// Authorize Session must have just one of privileges and group.
	as := &ocsf.AuthorizeSession{ActivityID: ocsf.AuthorizeSessionActivityIDAssignPrivileges}
	as.Time = 1
	as.Metadata = &ocsf.Metadata{Version: "1.8.0", Product: &ocsf.Product{Name: "p"}}
	as.User = &ocsf.User{Name: "u"}
	err := as.Validate()
	msg := fieldOf(t, err)
	assert.Contains(t, []string{"privileges", "group"}, msg)
	assert.Contains(t, err.Error(), "exactly one of")
	as.Privileges = []string{"SeDebugPrivilege"}
	require.NoError(t, as.Validate())
	as.Group = &ocsf.Group{Name: "admins"}
	require.Error(t, as.Validate())
}

func TestFillCaptions(t *testing.T) {
	df := &ocsf.DetectionFinding{ActivityID: ocsf.DetectionFindingActivityIDClose}
	df.SeverityID = ocsf.SeverityIDCritical
	df.Device = &ocsf.Device{TypeID: ocsf.DeviceTypeIDServer}
	df.FillCaptions()
	assert.Equal(t, "Critical", df.Severity)
	assert.Equal(t, "Close", df.ActivityName)
	assert.Equal(t, "Detection Finding: Close", df.TypeName)
	assert.Equal(t, "Server", df.Device.Type)
	// A caption already there (the source's own, for Other) is kept.
	df2 := &ocsf.DetectionFinding{}
	df2.SeverityID, df2.Severity = ocsf.SeverityIDOther, "Vendor-Sev-9"
	df2.FillCaptions()
	assert.Equal(t, "Vendor-Sev-9", df2.Severity)
}

func TestEvents(t *testing.T) {
	a := &ocsf.Authentication{ActivityID: ocsf.AuthenticationActivityIDLogon}
	a.Time = 5
	list := ocsf.Events{a, &ocsf.DetectionFinding{}}
	b, err := json.Marshal(list)
	require.NoError(t, err)
	back, err := ocsf.DecodeEvents(b)
	require.NoError(t, err)
	require.Len(t, back, 2)
	assert.IsType(t, &ocsf.Authentication{}, back[0])
	assert.IsType(t, &ocsf.DetectionFinding{}, back[1])
	_, err = ocsf.DecodeEvents([]byte(`[{"class_uid":3002},{"class_uid":3002,"time":"x"}]`))
	assert.Equal(t, "[1].time", fieldOf(t, err))
}

func TestExtraDoesNotShadowModeledMembers(t *testing.T) {
	df := &ocsf.DetectionFinding{}
	df.Message = "modeled"
	df.Extra = map[string]json.RawMessage{"message": json.RawMessage(`"extra"`), "zz": json.RawMessage(`{ "a" : 1 }`)}
	b, err := json.Marshal(df)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(b), `"message"`))
	assert.Contains(t, string(b), `"message":"modeled"`)
	assert.Contains(t, string(b), `"zz":{"a":1}`)
	df.Extra["bad"] = json.RawMessage(`{nope`)
	_, err = json.Marshal(df)
	require.Error(t, err)
}

func TestUnmarshalReplaces(t *testing.T) {
	var df ocsf.DetectionFinding
	require.NoError(t, json.Unmarshal(sample(t), &df))
	require.NoError(t, json.Unmarshal([]byte(`{"class_uid":2004,"activity_id":2}`), &df))
	assert.Nil(t, df.FindingInfo)
	assert.Empty(t, df.Extra)
	err := json.Unmarshal([]byte(`{"class_uid":3002}`), &df)
	assert.Equal(t, "class_uid", fieldOf(t, err))
}

// TestGenerated checks that the committed zz_*.go files are what the
// generator writes from the pinned schema. It needs a checkout of
// github.com/ocsf/ocsf-schema at 1.8.0 in OCSF_SCHEMA_DIR (see doc.go).
func TestGenerated(t *testing.T) {
	dir := os.Getenv("OCSF_SCHEMA_DIR")
	if dir == "" {
		t.Skip("OCSF_SCHEMA_DIR is not set: git clone --depth 1 --branch 1.8.0 https://github.com/ocsf/ocsf-schema and point it there")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./internal/gen", "-schema", dir, "-out", out)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Run())
	files, err := filepath.Glob("zz_*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		want, err := os.ReadFile(f)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(out, f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "%s is stale: run OCSF_SCHEMA_DIR=%s go generate ./ocsf", f, dir)
	}
}

// bothEncodings returns ev encoded by the generated encoders and by the
// codec tables.
func bothEncodings(t testing.TB, ev json.Marshaler) (fast, table []byte, ferr, terr error) {
	fast, ferr = ev.MarshalJSON()
	ocsf.SetTableOnly(true)
	defer ocsf.SetTableOnly(false)
	table, terr = ev.MarshalJSON()
	return
}

// TestFastEncodersMatchTables: the generated straight-line encoders write
// exactly what the codec tables write, for the sample (with and without
// its Extra members), for every class empty and filled through JSON, and
// for zero values that were present in the input.
func TestFastEncodersMatchTables(t *testing.T) {
	check := func(name string, ev json.Marshaler) {
		t.Helper()
		fast, table, ferr, terr := bothEncodings(t, ev)
		require.NoError(t, ferr, name)
		require.NoError(t, terr, name)
		assert.Equal(t, string(table), string(fast), name)
	}
	ev, err := ocsf.Decode(sample(t))
	require.NoError(t, err)
	check("sample", ev)
	df := ev.(*ocsf.DetectionFinding)
	df.Extra = nil
	df.Evidences[0].Process.Extra = nil
	check("sample without top Extra", df)
	for _, uid := range ocsf.ClassUIDs {
		ev, err := ocsf.New(uid)
		require.NoError(t, err)
		check("empty", ev)
		doc := fmt.Sprintf(`{"class_uid":%d,"activity_id":0,"severity_id":0,"count":0,"message":"","is_alert":false,"time":0,"metadata":{"version":"","labels":[],"product":{"name":""}},"observables":[],"unmapped":{"a":[1,null]}}`, uid)
		ev, err = ocsf.Decode([]byte(doc))
		require.NoError(t, err, doc)
		check(fmt.Sprintf("zeros of %d", uid), ev)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(sample(f))
	f.Add([]byte(`{"class_uid":3002,"activity_id":1,"user":{"name":"x","groups":[{"name":"g"}]}}`))
	f.Add([]byte(`{"class_uid":0,"unmapped":[1,{"a":null}],"message":"\u00e9\ud83d\ude00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ocsf.Decode(data)
		if err != nil {
			if !errors.Is(err, errs.InvalidInput) {
				t.Fatalf("error not InvalidInput: %v", err)
			}
			return
		}
		_ = ev.Validate()
		b, err := json.Marshal(ev)
		if err != nil {
			return // e.g. a float the schema allows but JSON cannot hold
		}
		if fast, table, ferr, terr := bothEncodings(t, ev); !bytes.Equal(fast, table) || (ferr == nil) != (terr == nil) {
			t.Fatalf("the generated encoder and the table differ:\n%s\n%s", fast, table)
		}
		if !json.Valid(b) {
			t.Fatalf("invalid JSON out: %s", b)
		}
		back, err := ocsf.Decode(b)
		if err != nil {
			t.Fatalf("output does not decode: %v\n%s", err, b)
		}
		b2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
	})
}
