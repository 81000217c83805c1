package config

import (
	"fmt"
	"strings"
	"testing"
)

const authSections = "sections: [{id: news}]\nsources:\n"

func TestAuthIsReadFromTheEnvironment(t *testing.T) {
	t.Setenv("WF_TEST_PASSWORD", "hunter2")
	t.Setenv("WF_TEST_KEY", "k3y")
	c := mustParse(t, authSections+`  - id: wire
    url: https://example.com/feed.xml
    auth:
      basic: {user: wirefeed, password_env: WF_TEST_PASSWORD}
      header: {name: X-Api-Key, value_env: WF_TEST_KEY}
      query: {name: apikey, value_env: WF_TEST_KEY}
  - id: open
    url: https://example.com/open.xml
`)
	creds, err := c.Sources[0].Credentials(func(name string) (string, bool) {
		return map[string]string{"WF_TEST_PASSWORD": "hunter2", "WF_TEST_KEY": "k3y"}[name], true
	})
	want := Credentials{User: "wirefeed", Password: "hunter2", Header: "X-Api-Key", HeaderValue: "k3y", Param: "apikey", ParamValue: "k3y"}
	if err != nil || creds != want {
		t.Errorf("Credentials = %+v, %v; want %+v", creds, err, want)
	}
	for _, printed := range []string{fmt.Sprint(creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds)} {
		if strings.Contains(printed, "hunter2") || strings.Contains(printed, "k3y") || !strings.Contains(printed, "X-Api-Key") {
			t.Errorf("printed credentials: %s", printed)
		}
	}
	if !c.Sources[1].Auth.IsZero() {
		t.Error("a source without auth has some")
	}
	if creds, err := c.Sources[1].Credentials(nil); err != nil || creds != (Credentials{}) {
		t.Errorf("no auth: %+v, %v", creds, err)
	}
	// The variable gone by fetch time: the error names it and its key.
	_, err = c.Sources[0].Credentials(func(string) (string, bool) { return "", false })
	if err == nil || err.Error() != "environment variable WF_TEST_PASSWORD (sources[0].auth.basic.password_env) is not set" {
		t.Errorf("unset variable at fetch time: %v", err)
	}
}

func TestAuthErrorsNameTheLineAndTheVariable(t *testing.T) {
	t.Setenv("WF_TEST_KEY", "k3y")
	t.Setenv("WF_TEST_EMPTY", "")
	t.Setenv("WF_TEST_NEWLINE", "k3y\r\nX-Injected: 1")
	checkErrors(t, authSections+`  - id: a
    url: https://example.com/a.xml
    auth:
      basic: {password_env: WF_TEST_UNSET}
  - id: b
    url: https://user@example.com/b.xml
    auth:
      basic: {user: u, password_env: WF_TEST_EMPTY}
  - id: c
    url: https://example.com/c.xml
    auth:
      header: {name: "X Api Key", value_env: WF_TEST_KEY}
      query: {name: apikey}
  - id: d
    url: https://example.com/d.xml
    auth:
      header: {name: host, value_env: "WF-KEY"}
  - id: e
    url: https://example.com/e.xml
    auth: {header: {name: X-Api-Key, value_env: WF_TEST_NEWLINE}}
  - id: f
    url: https://example.com/f.xml
    auth: {}
  - id: g
    url: https://example.com/g.xml
    auth: {basic: {user: u, password_env: WF_TEST_KEY}, header: {name: authorization, value_env: WF_TEST_KEY}}
  - id: h
    url: https://example.com/h.xml
    auth: {token: abc}
`,
		`t.yaml:6: sources[0].auth.basic.user: required`,
		`t.yaml:6: sources[0].auth.basic.password_env: environment variable WF_TEST_UNSET is not set`,
		`t.yaml:8: sources[1].url: holds a user name as well as auth.basic: remove it from the url`,
		`t.yaml:10: sources[1].auth.basic.password_env: environment variable WF_TEST_EMPTY is not set`,
		`t.yaml:14: sources[2].auth.header.name: invalid header name "X Api Key"`,
		`t.yaml:15: sources[2].auth.query.value_env: required: the name of the environment variable holding the secret`,
		`t.yaml:19: sources[3].auth.header.name: Host is set by wirefeed itself or by the connection`,
		`t.yaml:19: sources[3].auth.header.value_env: invalid environment variable name "WF-KEY"`,
		`t.yaml:22: sources[4].auth.header.value_env: environment variable WF_TEST_NEWLINE holds characters an HTTP header cannot carry`,
		`t.yaml:25: sources[5].auth: empty: give basic, header or query credentials`,
		`t.yaml:28: sources[6].auth.header.name: Authorization is what auth.basic sends; give one of them`,
		`t.yaml:31: sources[7].auth: unknown key "token"`,
		`t.yaml:31: sources[7].auth: empty: give basic, header or query credentials`,
	)
}

func TestURLErrorsHideCredentials(t *testing.T) {
	_, err := Parse([]byte(authSections+"  - id: a\n    url: ftp://user:hunter2@example.com/a.xml?apikey=k3y\n"), "t.yaml")
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "k3y") ||
		!strings.Contains(err.Error(), `invalid URL "ftp://***@example.com/a.xml?apikey=***"`) {
		t.Errorf("error about a URL with credentials: %v", err)
	}
}
