package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// markupFeed is a partner's feed whose first story links to javascript:.
const markupFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Partner</title><link>https://partner.example/</link><description>d</description>
<item><title>Story one</title><link>javascript:alert(1)</link><guid isPermaLink="false">story-1</guid>
<description>First.</description><pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Story two</title><link>https://partner.example/2</link><guid isPermaLink="false">story-2</guid>
<description>Second.</description><pubDate>Sat, 28 Nov 2026 11:00:00 GMT</pubDate></item>
</channel></rss>`

// TestConfigTextIsPublishedAsPlainText is issue 12's item 7: markup in a
// section's title and description and a partner's name and attribution
// reaches no feed format, page, /status, /opml or /story as markup, and
// /story drops the javascript: link the feeds drop.
func TestConfigTextIsPublishedAsPlainText(t *testing.T) {
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, markupFeed)
	}))
	defer partner.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte(fmt.Sprintf(`server: {base_url: "https://news.example.com"}
storage: {path: %q}
fetch: {allow_networks: [127.0.0.0/8]}
sections:
  - id: news
    title: "News <script>alert(1)</script><b>BOLD</b>"
    description: "Latest <b>BOLD</b> <script>alert(1)</script>stories"
sources:
  - id: wire
    name: "Wire <b>BOLD</b><script>alert(1)</script>"
    attribution: "Provided by <script>alert(1)</script><b>BOLD</b> Wire"
    url: %q
    fallback: news
`, filepath.Join(dir, "w.db"), partner.URL)), 0o644)
	if code, out, errOut := wirefeed(t, "fetch", "-config", path); code != 0 {
		t.Fatalf("fetch: %s%s", out, errOut)
	}
	_, srv := serveApp(t, path)
	get := func(p string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p, resp.StatusCode, body)
		}
		return string(body)
	}
	outputs := map[string]string{}
	for _, p := range []string{"/feeds/news.rss", "/feeds/news.atom", "/feeds/news.json", "/feeds/all.rss", "/feeds/all.atom",
		"/feeds/all.json", "/sections/news", "/sections/all", "/", "/status", "/status?format=json", "/opml"} {
		outputs[p] = get(p)
	}
	var feed struct{ Items []struct{ ID, URL string } }
	if err := json.Unmarshal([]byte(outputs["/feeds/news.json"]), &feed); err != nil || len(feed.Items) != 2 {
		t.Fatalf("news.json: %v\n%s", err, outputs["/feeds/news.json"])
	}
	for _, it := range feed.Items {
		outputs["/story "+it.ID] = get("/story?id=" + url.QueryEscape(it.ID))
	}

	// The text stays, its markup does not: not as tags, not escaped.
	for p, body := range outputs {
		for _, bad := range []string{"<script", "&lt;script", `\u003cscript`, "alert(1)", "<b>BOLD", "&lt;b&gt;BOLD", `\u003cb\u003eBOLD`, "javascript:"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q:\n%s", p, bad, body)
			}
		}
	}
	for p, want := range map[string][]string{
		"/feeds/news.rss":  {"<title>News BOLD</title>", "<description>Latest BOLD stories</description>", ">Wire BOLD</source>", "Provided by BOLD Wire"},
		"/feeds/news.atom": {"<title>News BOLD</title>", "<subtitle>Latest BOLD stories</subtitle>", "<name>Wire BOLD</name>", "<rights>Provided by BOLD Wire</rights>"},
		"/feeds/news.json": {`"title":"News BOLD"`, `"description":"Latest BOLD stories"`, `"attribution":"Provided by BOLD Wire"`},
		"/sections/news":   {"News BOLD", "Wire BOLD"},
		"/":                {"News BOLD"},
		"/status":          {"Wire BOLD"},
		"/opml":            {`title="News BOLD"`, `description="Provided by BOLD Wire"`},
	} {
		for _, w := range want {
			if !strings.Contains(outputs[p], w) {
				t.Errorf("%s lacks %q:\n%s", p, w, outputs[p])
			}
		}
	}
	stories := 0
	for p, body := range outputs {
		if strings.HasPrefix(p, "/story ") {
			stories++
			if !strings.Contains(body, `"attribution":"Provided by BOLD Wire"`) {
				t.Errorf("%s: %s", p, body)
			}
		}
	}
	if stories != 2 {
		t.Errorf("%d story views checked, want 2", stories)
	}
	if !strings.Contains(outputs["/story "+feed.Items[0].ID]+outputs["/story "+feed.Items[1].ID], `"link":"https://partner.example/2"`) {
		t.Errorf("/story lost an http link")
	}
}
