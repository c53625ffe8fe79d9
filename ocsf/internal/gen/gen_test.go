package main

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"finding_info": "FindingInfo", "type_uid": "TypeUID", "src_endpoint": "SrcEndpoint",
		"http_request": "HTTPRequest", "ldap_person": "LDAPPerson", "start_time_dt": "StartTimeDT",
		"os": "OS", "osint": "OSINT", "cvss": "CVSS", "x": "X", "a__b": "AB",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"In Progress": "InProgress", "AMBER STRICT": "AMBERSTRICT", "N/A": "NA", "Multi-factor": "MultiFactor",
		"Défaut": "Dfaut", "": "",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocText(t *testing.T) {
	if got := docText("The <code>uid</code> of the &lt;thing&gt;.\n  More.", 100); got != "The uid of the <thing>. More." {
		t.Errorf("got %q", got)
	}
	if got := docText("First sentence. Second sentence is long enough to be cut.", 30); got != "First sentence." {
		t.Errorf("got %q", got)
	}
	if got := docText("one two three four five six", 12); got != "one two…" {
		t.Errorf("got %q", got)
	}
}
