package publisher

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"wirefeed/store"
)

// Tests that read the published feeds with the programs partners and
// readers use: Debian's python3-feedparser, newsboat and xmllint (package
// libxml2-utils). Each skips only when its program is not installed.

// clientItem is what a client must read of one published story.
type clientItem struct {
	id, title, link string
}

// clientStories are testStories and stories whose titles and links need
// escaping, decoding or non-ASCII handling, newest first.
func clientStories() []store.Story {
	s := testStories()
	extra := []store.Story{
		{
			ID: 20, SourceID: "nation", PublicID: "tag:news.example.com,2024:nation/20",
			Link:  "https://www.nationthailand.com/news/general/40038020?ref=rss&lang=th",
			Title: "ฝนตกหนัก <i>ทั่ว</i> ภาคเหนือ", Content: `<p>ข่าว <img src="/img/rain.jpg"></p>`,
			Language: "th", Published: at("2024-06-03T11:00:00Z"),
		},
		{
			ID: 21, SourceID: "jiji", PublicID: "tag:news.example.com,2024:jiji/21",
			Link:  "https://jen.jiji.com/jc/eng?g=pol&k=2024060300200",
			Title: `5 &lt; 6 &amp; "AT&T" — 日本語`, Summary: "<p>Quotes &amp; ampersands.</p>",
			Language: "ja", Published: at("2024-06-03T10:45:00Z"),
		},
	}
	return append(extra, s...)
}

// wantClientItems is clientStories as every client must read them.
var wantClientItems = []clientItem{
	{"tag:news.example.com,2024:nation/20", "ฝนตกหนัก ทั่ว ภาคเหนือ", "https://www.nationthailand.com/news/general/40038020?ref=rss&lang=th"},
	{"tag:news.example.com,2024:jiji/21", `5 < 6 & "AT&T" — 日本語`, "https://jen.jiji.com/jc/eng?g=pol&k=2024060300200"},
	{"tag:news.example.com,2024:jiji/3", "Yen weakens & stocks rise", "https://jen.jiji.com/jc/eng?g=eco&k=2024060300123"},
	{"tag:news.example.com,2024:nation/2", "Cabinet reshuffle announced", "https://www.nationthailand.com/news/politics/40038000"},
	{"tag:news.example.com,2024:nation/1", "Rains expected across the north", "https://www.nationthailand.com/news/general/40037999"},
}

// clientServer serves the publisher over loopback HTTP and records the
// Content-Encoding of each response.
type clientServer struct {
	*httptest.Server
	mu        sync.Mutex
	encodings map[string]int // "gzip" or "identity" -> responses
}

func newClientServer(t *testing.T) *clientServer {
	t.Helper()
	p := New(testConfig(), staticReader(clientStories()))
	s := &clientServer{encodings: map[string]int{}}
	h := p.Handler()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		enc := w.Header().Get("Content-Encoding")
		if enc == "" {
			enc = "identity"
		}
		s.mu.Lock()
		s.encodings[enc]++
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

// clientEnv is the environment client programs run in: a private home,
// no proxy, UTF-8.
func clientEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "NO_PROXY=*", "no_proxy=*"}
}

// compareItems fails the test unless got holds want, in order.
func compareItems(t *testing.T, client string, got []clientItem) {
	t.Helper()
	if len(got) != len(wantClientItems) {
		t.Errorf("%s read %d items, want %d: %q", client, len(got), len(wantClientItems), got)
		return
	}
	for i, w := range wantClientItems {
		if got[i] != w {
			t.Errorf("%s item %d:\n got %q\nwant %q", client, i, got[i], w)
		}
	}
}

// feedparserPython returns a Python 3 that imports feedparser, skipping the
// test when there is none.
func feedparserPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import feedparser").Run() == nil {
			return path
		}
	}
	t.Skip("python3 with feedparser not installed (Debian: apt-get install python3-feedparser)")
	return ""
}

// feedparserScript reads each URL twice, the second time conditionally, and
// prints what it read as JSON.
const feedparserScript = `
import json, sys, feedparser
out = []
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    again = feedparser.parse(url, etag=d.get("etag"), modified=d.get("modified"))
    out.append({
        "status": d.get("status", 0), "status_again": again.get("status", 0),
        "bozo": bool(d.get("bozo")), "error": repr(d.get("bozo_exception")) if d.get("bozo") else "",
        "version": d.get("version", ""), "title": d.feed.get("title", ""), "language": d.feed.get("language", ""),
        "entries": [{
            "id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
            "source": (e.get("source") or {}).get("title", ""),
        } for e in d.entries],
    })
json.dump(out, sys.stdout)
`

func TestFeedparserReadsFeeds(t *testing.T) {
	py := feedparserPython(t)
	srv := newClientServer(t)
	cmd := exec.Command(py, "-c", feedparserScript, srv.URL+"/feeds/economy.rss", srv.URL+"/feeds/economy.atom")
	cmd.Env = clientEnv(t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v\n%s", err, stderrOf(err))
	}
	var results []struct {
		Status         int
		StatusAgain    int `json:"status_again"`
		Bozo           bool
		Error          string
		Version, Title string
		Language       string
		Entries        []struct{ ID, Title, Link, Source string }
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("feedparser output %s: %v", out, err)
	}
	for i, want := range []string{"rss20", "atom10"} {
		r := results[i]
		if r.Bozo || r.Version != want || r.Title != "Economy" {
			t.Errorf("%s: bozo %v (%s), version %q, title %q", want, r.Bozo, r.Error, r.Version, r.Title)
		}
		if r.StatusAgain != http.StatusNotModified {
			t.Errorf("%s: conditional GET with feedparser's etag and modified: status %d, want 304", want, r.StatusAgain)
		}
		var got []clientItem
		for j, e := range r.Entries {
			got = append(got, clientItem{e.ID, e.Title, e.Link})
			wantSource := "Nation"
			if j < len(clientStories()) && clientStories()[j].SourceID == "jiji" {
				wantSource = "Jiji Press"
			}
			if e.Source != wantSource {
				t.Errorf("%s item %d: source %q, want %q", want, j, e.Source, wantSource)
			}
		}
		compareItems(t, "feedparser "+want, got)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.encodings["gzip"] == 0 {
		t.Errorf("feedparser was never sent gzip: %v", srv.encodings)
	}
}

func TestNewsboatReadsFeeds(t *testing.T) {
	newsboat, err := exec.LookPath("newsboat")
	if err != nil {
		t.Skip("newsboat not installed (Debian: apt-get install newsboat)")
	}
	srv := newClientServer(t)
	for _, ext := range []string{"rss", "atom"} {
		t.Run(ext, func(t *testing.T) {
			// newsboat keeps one item per guid across feeds, so each
			// format gets a cache of its own.
			dir := t.TempDir()
			url := srv.URL + "/feeds/economy." + ext
			urls, config, cache := filepath.Join(dir, "urls"), filepath.Join(dir, "config"), filepath.Join(dir, "cache.db")
			if err := os.WriteFile(urls, []byte(url+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(config, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(newsboat, "-u", urls, "-C", config, "-c", cache, "-x", "reload")
			cmd.Env = clientEnv(dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("newsboat -x reload: %v\n%s", err, out)
			}
			compareItems(t, "newsboat "+ext, newsboatItems(t, cache, url))
		})
	}
}

// newsboatItems reads the items of one feed from newsboat's cache, newest
// first.
func newsboatItems(t *testing.T, cache, feedURL string) []clientItem {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(cache), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("newsboat cache: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	var rows []struct{ GUID, Title, URL string }
	err = db.Raw("SELECT guid, title, url FROM rss_item WHERE feedurl = ? ORDER BY pubDate DESC, id", feedURL).Scan(&rows).Error
	if err != nil {
		t.Fatalf("newsboat cache: %v", err)
	}
	items := make([]clientItem, len(rows))
	for i, r := range rows {
		items[i] = clientItem{r.GUID, r.Title, r.URL}
	}
	return items
}

func TestXmllintReadsFeeds(t *testing.T) {
	xmllint := xmllintPath(t)
	srv := newClientServer(t)
	paths := map[string]struct{ item, link string }{
		"rss":  {"/rss/channel/item", "link"},
		"atom": {"/*[local-name()='feed']/*[local-name()='entry']", "*[local-name()='link'][@rel='alternate']/@href"},
	}
	for ext, xp := range paths {
		res, err := http.Get(srv.URL + "/feeds/economy." + ext)
		if err != nil {
			t.Fatal(err)
		}
		doc := body(t, res)
		if ext == "atom" {
			relaxNGAtom(t, xmllint, doc)
		}
		xpath := func(expr string) string {
			cmd := exec.Command(xmllint, "--nonet", "--xpath", expr, "-")
			cmd.Stdin = strings.NewReader(doc)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("xmllint --xpath %s: %v\n%s", expr, err, stderrOf(err))
			}
			return strings.TrimSuffix(string(out), "\n")
		}
		var n int
		if _, err := fmt.Sscan(xpath("count("+xp.item+")"), &n); err != nil {
			t.Fatal(err)
		}
		// One XPath call reads every field: concat() of the strings,
		// newline-separated (titles hold none: white space is collapsed).
		id := map[string]string{"rss": "guid", "atom": "*[local-name()='id']"}[ext]
		title := map[string]string{"rss": "title", "atom": "*[local-name()='title']"}[ext]
		args := []string{"''"}
		for i := 1; i <= n; i++ {
			item := fmt.Sprintf("%s[%d]/", xp.item, i)
			for _, field := range []string{id, title, xp.link} {
				args = append(args, "string("+item+field+")", "'\n'")
			}
		}
		fields := strings.Split(xpath("concat("+strings.Join(args, ", ")+", '')"), "\n")
		var got []clientItem
		for i := 0; i+2 < len(fields); i += 3 {
			got = append(got, clientItem{fields[i], fields[i+1], fields[i+2]})
		}
		compareItems(t, "xmllint "+ext, got)
	}
}

// stderrOf returns the standard error an *exec.ExitError captured.
func stderrOf(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return bytes.TrimSpace(ee.Stderr)
	}
	return nil
}
