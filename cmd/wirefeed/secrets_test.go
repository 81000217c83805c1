package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirefeed/internal/partnertest"
)

// The secrets of TestNoOutputShowsASecret: each one must reach the
// partner and appear in nothing wirefeed writes.
var secrets = []string{
	"hunter2-url-pass", "k3y-url-param", "sig-url-param", "t0k-loop-param",
	"s3cret-env-pass", "s3cret-env-header", "s3cret-env-query",
}

// lockedPartner serves feeds only to callers showing the right
// credentials: nation wants basic auth, a header and two query keys, jiji
// the user and password written in its URL (its page only; the feed the
// page announces is open).
func lockedPartner(t *testing.T) *httptest.Server {
	rss := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(partnertest.Testdata(), name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	nation, jiji := rss("nation.rss"), rss("jiji.rss")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		q := r.URL.Query()
		switch r.URL.Path {
		case "/nation":
			if user != "wirefeed" || pass != "s3cret-env-pass" || r.Header.Get("X-Api-Key") != "s3cret-env-header" ||
				q.Get("token") != "s3cret-env-query" || q.Get("apikey") != "k3y-url-param" {
				http.Error(w, "who are you?", http.StatusUnauthorized)
				return
			}
			w.Write(nation)
		case "/jiji-page":
			if user != "reader" || pass != "hunter2-url-pass" {
				http.Error(w, "who are you?", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><link rel="alternate" type="application/rss+xml" href="/jiji?sig=sig-url-param"></head></html>`)
		case "/jiji":
			w.Write(jiji)
		case "/loop":
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestNoOutputShowsASecret is issue 12's item 3: credentials given as
// their own config keys are sent, credentials still written in source
// URLs work, and neither appears in any feed format, page, /status,
// /opml, the OPML export, "wirefeed sources", "wirefeed fetch" or a
// fetch error.
func TestNoOutputShowsASecret(t *testing.T) {
	t.Setenv("WF_NATION_PASSWORD", "s3cret-env-pass")
	t.Setenv("WF_NATION_HEADER", "s3cret-env-header")
	t.Setenv("WF_NATION_QUERY", "s3cret-env-query")
	partner := lockedPartner(t)
	host := strings.TrimPrefix(partner.URL, "http://")
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte(fmt.Sprintf(`server: {base_url: "https://news.example.com"}
storage: {path: %q}
fetch: {allow_networks: [127.0.0.0/8]}
sections: [{id: other, title: Other}, {id: everything, all: true}]
sources:
  - id: nation
    name: Nation
    url: http://%s/nation?apikey=k3y-url-param
    auth:
      basic: {user: wirefeed, password_env: WF_NATION_PASSWORD}
      header: {name: X-Api-Key, value_env: WF_NATION_HEADER}
      query: {name: token, value_env: WF_NATION_QUERY}
    fallback: other
  - {id: jiji, name: Jiji, url: "http://reader:hunter2-url-pass@%s/jiji-page", fallback: other}
  - {id: loop, name: Loop, url: "http://%s/loop?access_token=t0k-loop-param", fallback: other}
`, filepath.Join(dir, "w.db"), host, host, host)), 0o644)

	outputs := map[string]string{}
	code, out, errOut := wirefeed(t, "fetch", "-config", path)
	outputs["wirefeed fetch"] = out + errOut
	if code != 1 || !strings.Contains(out, "nation       6 new") || !strings.Contains(out, "jiji         8 new") ||
		!strings.Contains(out, "redirect loop: http://"+host+"/loop?access_token=*** redirects back") {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, errOut)
	}
	_, out, errOut = wirefeed(t, "sources", "-config", path)
	outputs["wirefeed sources"] = out + errOut
	_, out, errOut = wirefeed(t, "export", "-config", path, "opml")
	outputs["wirefeed export opml"] = out + errOut
	if !strings.Contains(out, `xmlUrl="http://`+host+`/nation?apikey=***"`) || !strings.Contains(out, `xmlUrl="http://***@`+host+`/jiji-page"`) {
		t.Errorf("export hides the credentials in a way that does not show:\n%s", out)
	}

	_, srv := serveApp(t, path)
	for _, p := range []string{"/feeds/other.rss", "/feeds/other.atom", "/feeds/other.json", "/feeds/all.rss",
		"/feeds/all.json?source=nation", "/sections/other", "/", "/status", "/status?format=json", "/opml"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		outputs["GET "+p] = string(body)
	}
	// The source elements still name the partner's feed.
	if rss := outputs["GET /feeds/other.rss"]; !strings.Contains(rss, `url="http://`+host+`/nation?apikey=***"`) ||
		!strings.Contains(rss, `url="http://***@`+host+`/jiji-page"`) {
		t.Errorf("RSS source elements:\n%s", rss)
	}
	if st := outputs["GET /status?format=json"]; !strings.Contains(st, `"feed_url":"http://***@`+host+`/jiji?sig=***"`) ||
		!strings.Contains(st, `redirect loop: http://`+host+`/loop?access_token=***`) {
		t.Errorf("status:\n%s", st)
	}
	for what, text := range outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q:\n%s", what, s, text)
			}
		}
	}
}
