package site_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	re "regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wirefeed/daemon"
	"wirefeed/internal/daemontest"
)

// testSite is a daemon fed by test partner feeds (testdata/*.rss, text
// written for these tests), serving its site on a loopback port.
type testSite struct {
	base    string
	partner *httptest.Server
	daemon  *daemon.Daemon
}

const testConfig = `server:
  base_url: "BASE"
storage:
  path: "DB"
site:
  title: Asia Wire Test Journal
  tagline: "News from Thailand & Japan <in test>"
  timezone: Asia/Tokyo
fetch:
  jitter: 0s
  allow_networks: [127.0.0.0/8]
sections:
  - {id: nation, title: Nation, description: "News from Thailand"}
  - {id: headlines, title: Headlines, all: true}
  - {id: politics, title: Politics}
  - {id: economy, title: Economy}
  - {id: sports, title: Sports}
  - {id: other, title: Other}
sources:
  - id: nation
    name: Test Nation
    url: PARTNER/feeds/nation.rss
    site: PARTNERHOST
    priority: 1
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: siam
    name: Test Siam Daily
    url: PARTNER/feeds/siam.rss
    sections: [nation]
  - id: kyokuto
    name: Test Kyokuto Wire
    url: PARTNER/feeds/kyokuto.rss
    categories: {Economy: economy, Sports: sports, Other: other}
    fallback: other
`

// newTestSite starts the partner server and the daemon, pulls every
// partner once and serves the site.
// extra is YAML appended to the sources.
func newTestSite(t testing.TB, extra ...string) *testSite {
	t.Helper()
	partner := httptest.NewServer(partnerHandler(t))
	t.Cleanup(partner.Close)
	d := daemontest.Start(t, testConfig+strings.Join(extra, ""), func(d *daemon.Daemon) {
		for _, rep := range d.Aggregator().FetchAll(context.Background()) {
			if rep.Err != nil {
				t.Fatalf("pull %s: %v", rep.Source, rep.Err)
			}
		}
	}, "PARTNERHOST", strings.TrimPrefix(partner.URL, "http://"), "PARTNER", partner.URL)
	return &testSite{base: d.Base, partner: partner, daemon: d.Daemon}
}

// partnerHandler serves the test feeds, with PARTNER replaced by the
// server's own URL, and a picture for every /img/NAME.png.
func partnerHandler(t testing.TB) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/feeds/{name}", func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.PathValue("name"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bytes.ReplaceAll(data, []byte("PARTNER"), []byte("http://"+r.Host)))
	})
	mux.HandleFunc("/many/{n}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(manyStories(r.PathValue("n")))
	})
	mux.HandleFunc("/img/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(picture(r.PathValue("name")))
	})
	return mux
}

// picture is a 600×400 PNG whose colours depend on name: a stand-in for a
// partner's photo.
func picture(name string) []byte {
	var h uint32 = 2166136261
	for _, c := range []byte(name) {
		h = (h ^ uint32(c)) * 16777619
	}
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for y := range 400 {
		for x := range 600 {
			img.Set(x, y, color.RGBA{uint8(h)/2 + uint8(x/5), uint8(h>>8)/2 + uint8(y/4), uint8(h >> 16), 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// get fetches path from the site (not following redirects), with header
// pairs, and returns the response and its body.
func (s *testSite) get(t testing.TB, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// page fetches path and fails unless it is a 200 HTML page.
func (s *testSite) page(t testing.TB, path string) string {
	t.Helper()
	res, body := s.get(t, path)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return body
}

// manyStories is a feed of n numbered stories an hour apart, newest
// first: "Harbour report 1" is the oldest.
func manyStories(count string) []byte {
	n, _ := strconv.Atoi(count)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour</title><link>http://harbour.test/</link><description>Numbered test stories</description>`)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := n; i >= 1; i-- {
		fmt.Fprintf(&b, `<item><title>Harbour report %d</title><link>http://harbour.test/%d</link><guid>harbour-%d</guid><description>Ships in port on day %d.</description><pubDate>%s</pubDate></item>`,
			i, i, i, i, start.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func regexpMust(pattern string) *re.Regexp { return re.MustCompile(pattern) }
