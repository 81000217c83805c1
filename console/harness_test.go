package console_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wirefeed/daemon"
	"wirefeed/internal/daemontest"
)

// adminToken is the test daemon's admin token.
const adminToken = "console-test-token-0123456789"

const testConfig = `# the console's test desk
server:
  base_url: "BASE"
storage:
  path: "DB"
admin:
  token: "` + adminToken + `"
fetch:
  jitter: 0s
  allow_networks: [127.0.0.0/8]
sections:
  - {id: nation, title: Nation}
  - {id: economy, title: Economy}
  - {id: sports, title: Sports}
  - {id: other, title: Other}
sources:
  # the Thai daily
  - id: nation
    name: Test Nation
    url: PARTNER/feeds/nation.rss
    sections: [nation]
`

// desk is a daemon with the admin API on, serving on a loopback port, and
// a partner server serving testdata/*.rss.
type desk struct {
	base, partner, path string
	daemon              *daemon.Daemon
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/site/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s</title><link rel="alternate" type="application/rss+xml" href="/feeds/%s.rss"></head><body></body></html>`,
			r.PathValue("name"), r.PathValue("name"))
	})
	mux.Handle("/feeds/", http.StripPrefix("/feeds/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(data)
	})))
	partner := httptest.NewServer(mux)
	t.Cleanup(partner.Close)
	d := daemontest.Start(t, testConfig, nil, "PARTNER", partner.URL)
	return &desk{base: d.Base, partner: partner.URL, path: d.Path, daemon: d.Daemon}
}

// file is config.yaml as it now is.
func (d *desk) file(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(d.path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// browserClient is an HTTP client acting as a browser: it keeps cookies,
// asks for HTML and does not follow redirects.
type browserClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (d *desk) client(t *testing.T) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, base: d.base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *browserClient) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// signIn signs in with password (the admin token when name is "").
func (c *browserClient) signIn(name, password string) *http.Response {
	c.t.Helper()
	res, _ := c.do("POST", "/admin/sign-in", url.Values{"name": {name}, "password": {password}})
	return res
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the page at path.
func (c *browserClient) csrf(path string) string {
	c.t.Helper()
	_, body := c.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("GET %s: no csrf field in\n%s", path, body)
	}
	return m[1]
}

func regexpFind(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in\n%s", pattern, s)
	}
	return m[1]
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
