// Package partnertest serves partner feeds to tests that run wirefeed
// whole: an HTTP server answering with the aggregator's testdata feeds,
// and a config pointing a daemon at it.
package partnertest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server serves testdata feeds as partner feeds: /nation and /jiji at
// first. It is closed when the test ends.
type Server struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string
	fails map[string]bool
	hits  map[string]int
}

// Testdata is the folder of the aggregator's test feeds.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "aggregator", "testdata")
}

// NewServer starts a partner server.
func NewServer(t testing.TB) *Server {
	t.Helper()
	p := &Server{
		files: map[string]string{"/nation": "nation.rss", "/jiji": "jiji.rss"},
		fails: map[string]bool{},
		hits:  map[string]int{},
	}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *Server) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	file, fail := p.files[r.URL.Path], p.fails[r.URL.Path]
	p.hits[r.URL.Path]++
	p.mu.Unlock()
	switch {
	case fail:
		http.Error(w, "partner down", http.StatusServiceUnavailable)
	case file == "":
		http.NotFound(w, r)
	default:
		// Like a partner's server: a content ETag, no file dates (a fresh
		// clone gives every fixture the same modification time).
		data, err := os.ReadFile(filepath.Join(Testdata(), file))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(data)))
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}
}

// Set makes path answer with the testdata feed file, or 503 with fail.
func (p *Server) Set(path, file string, fail bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files[path], p.fails[path] = file, fail
}

// Hits is how many requests path has had.
func (p *Server) Hits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// Config is a site config for partners under PARTNER, its database at DB:
// the shipped sections and the two partners.
const Config = `server:
  listen: "127.0.0.1:0"
  base_url: "https://news.example.com"
storage:
  path: "DB"
fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}
sections:
  - {id: nation, title: Nation, description: News from Thailand}
  - {id: politics, title: Politics, description: Politics}
  - {id: economy, title: Economy, description: Economy}
  - {id: sports, title: Sports, description: Sports}
  - {id: other, title: Other, description: Other}
  - {id: headlines, title: Headlines, description: Newest of all, all: true, limit: 10}
sources:
  - id: nation
    name: Nation
    url: PARTNER/nation
    site: nationthailand.com
    attribution: Provided by Nation
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: jiji
    name: Jiji Press
    url: PARTNER/jiji
    attribution: Provided by Jiji Press
    categories: {Politics: politics, Economy: economy, Sports: sports, Other: other}
    fallback: other
`

// WriteConfig writes Config for partner feeds under base into a temporary
// folder, with the database beside it, and returns the config's path.
func WriteConfig(t testing.TB, base string) string {
	t.Helper()
	dir := t.TempDir()
	text := strings.NewReplacer("PARTNER", base, "DB", filepath.Join(dir, "wirefeed.db")).Replace(Config)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// EditConfig rewrites the config at path with old replaced by new.
func EditConfig(t testing.TB, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("config lacks %q", old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Get fetches url and returns its body, failing the test unless it
// answers 200 with contentType (a prefix of the Content-Type header).
func Get(t testing.TB, url, contentType string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Errorf("GET %s: Content-Type %q, want %s", url, ct, contentType)
	}
	return body
}

// Status fetches url and returns its status code.
func Status(t testing.TB, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
