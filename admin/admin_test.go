package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
)

const token = "s3cret-token-for-tests"

const startConfig = `# site config
sections:
  - id: nation
    title: Nation
  - id: other
    title: Other

# partners
sources:
  # the Thai daily
  - id: nation
    url: https://www.nationthailand.com/rss/feed.xml
    sections: [nation]
`

// fakeDaemon is the Backend: it reloads from the file like the daemon.
type fakeDaemon struct {
	path    string
	mu      sync.Mutex
	cfg     *config.Config
	reloads int
	fetched []string
}

func (d *fakeDaemon) Reload(context.Context) error {
	cfg, err := config.Load(d.path)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg, d.reloads = cfg, d.reloads+1
	return nil
}

func (d *fakeDaemon) Fetch(_ context.Context, id string) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fetched = append(d.fetched, id)
	return map[string]any{"source": id, "new": 3}, nil
}

func (d *fakeDaemon) SourceStates(context.Context) (map[string]any, error) {
	return map[string]any{"nation": map[string]any{"http_status": 200}}, nil
}

func (d *fakeDaemon) Reroute(_ context.Context, since time.Duration, dryRun bool) (any, error) {
	return map[string]any{"since": since.String(), "dry_run": dryRun, "moved": 2}, nil
}

func (d *fakeDaemon) PreviewReroute(_ context.Context, cfg *config.Config) (any, error) {
	return map[string]any{"dry_run": true, "sections": len(cfg.Sections)}, nil
}

func (d *fakeDaemon) HideStory(_ context.Context, id int64, editor, note string) (any, error) {
	return map[string]any{"id": id, "hidden": true}, nil
}

func (d *fakeDaemon) ShowStory(_ context.Context, id int64) (any, error) {
	return map[string]any{"id": id, "hidden": false}, nil
}

func (d *fakeDaemon) PreviewSource(_ context.Context, raw string) (any, string, []string, error) {
	return map[string]any{"feed_url": raw}, "Kyodo News", []string{"Nation", "Weather"}, nil
}

func (d *fakeDaemon) PinStory(_ context.Context, id int64, section string, for_ time.Duration, editor string) (any, error) {
	return map[string]any{"id": id, "section": section, "for": for_.String()}, nil
}

func (d *fakeDaemon) Config() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

type harness struct {
	t       *testing.T
	onCheck func() // called as a feed URL is checked, inside an edit
	path    string
	daemon  *fakeDaemon
	srv     *httptest.Server
	auditMu sync.Mutex
	audits  []AuditEntry
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(startConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &fakeDaemon{path: path}
	if err := d.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.reloads = 0
	h := &harness{t: t, path: path, daemon: d}
	api := New(Options{
		Token: token, ConfigPath: path, Backend: d,
		CheckURL: func(_ context.Context, raw string) error {
			if h.onCheck != nil {
				h.onCheck()
			}
			if strings.Contains(raw, "169.254.") || strings.Contains(raw, "internal") {
				return errors.New("169.254.169.254 is a link-local address")
			}
			return nil
		},
		Now: func() time.Time { return time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC) },
		Audit: func(_ context.Context, e AuditEntry) {
			h.auditMu.Lock()
			defer h.auditMu.Unlock()
			h.audits = append(h.audits, e)
		},
	})
	h.srv = httptest.NewServer(api)
	t.Cleanup(h.srv.Close)
	return h
}

// do sends a request with the right token and decodes a JSON answer.
func (h *harness) do(method, path, body string) (int, map[string]any) {
	h.t.Helper()
	return h.doAs(token, method, path, body)
}

func (h *harness) doAs(tok, method, path, body string) (int, map[string]any) {
	h.t.Helper()
	resp, data := h.send(tok, method, path, body)
	var out map[string]any
	if len(data) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &out); err != nil {
			h.t.Fatalf("%s %s: bad JSON %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, out
}

// send makes a request, with tok as bearer token unless it is "", and
// returns the response and its body.
func (h *harness) send(tok, method, path, body string) (*http.Response, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, data
}

func (h *harness) file() string {
	h.t.Helper()
	data, err := os.ReadFile(h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	return string(data)
}

func TestTokenIsRequired(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"wrong token", "s3cret-token-for-tesTS", http.StatusUnauthorized},
		{"token prefix", token[:8], http.StatusUnauthorized},
		{"right token", token, http.StatusOK},
	} {
		code, body := h.doAs(tc.token, "GET", "/admin/sources", "")
		if code != tc.want {
			t.Errorf("%s: status %d, want %d (%v)", tc.name, code, tc.want, body)
		}
	}
	// Nothing is changed without the token.
	if code, _ := h.doAs("", "DELETE", "/admin/sources/nation", ""); code != http.StatusUnauthorized {
		t.Errorf("unauthenticated delete: %d", code)
	}
	if !strings.Contains(h.file(), "id: nation") {
		t.Error("unauthenticated delete changed the config")
	}
	resp, _ := h.send("", "GET", "/admin/sources", "")
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func TestAddSourceIsWrittenKeepingCommentsAndApplied(t *testing.T) {
	h := newHarness(t)
	code, body := h.do("POST", "/admin/sources", `{"id": "jiji", "name": "Jiji Press",
		"url": "https://jen.jiji.com/rss/news.rss", "categories": {"Politics": "nation"}, "fallback": "other", "priority": 20}`)
	if code != http.StatusCreated {
		t.Fatalf("add: %d %v", code, body)
	}
	if body["url"] != "https://jen.jiji.com/rss/news.rss" || body["priority"] != float64(20) {
		t.Errorf("answer %v", body)
	}
	file := h.file()
	for _, want := range []string{"# site config\n", "  # the Thai daily\n  - id: nation\n",
		"\n  - id: jiji\n    name: Jiji Press\n    url: https://jen.jiji.com/rss/news.rss\n    categories:\n      Politics: nation\n    fallback: other\n    priority: 20\n"} {
		if !strings.Contains(file, want) {
			t.Errorf("config lacks %q:\n%s", want, file)
		}
	}
	if h.daemon.reloads != 1 {
		t.Errorf("%d reloads, want 1", h.daemon.reloads)
	}
	if src, ok := h.daemon.Config().SourceByID("jiji"); !ok || src.Priority != 20 {
		t.Errorf("daemon runs on %+v, %v", src, ok)
	}

	code, body = h.do("GET", "/admin/sources", "")
	list, _ := body["sources"].([]any)
	if code != http.StatusOK || len(list) != 2 {
		t.Fatalf("list: %d %v", code, body)
	}
	if first := list[0].(map[string]any); first["state"] == nil {
		t.Errorf("listed source lacks its fetch state: %v", first)
	}
}

func TestRefusedChangesLeaveTheConfigAlone(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
		key                      string // a problem must name it
	}{
		{"unknown section", "POST", "/admin/sources", `{"id": "x", "url": "https://example.com/x", "sections": ["nope"]}`, 422, "sources[1].sections[0]"},
		{"bad url", "POST", "/admin/sources", `{"id": "x", "url": "ftp://example.com/x", "sections": ["nation"]}`, 422, "sources[1].url"},
		{"unknown key", "POST", "/admin/sources", `{"id": "x", "url": "https://example.com/x", "sections": ["nation"], "colour": "red"}`, 422, "sources[1]"},
		{"metadata address", "POST", "/admin/sources", `{"id": "x", "url": "http://169.254.169.254/latest/meta-data/", "sections": ["nation"]}`, 422, "url"},
		{"re-pointed at an internal host", "PATCH", "/admin/sources/nation", `{"url": "http://internal.corp/feed"}`, 422, "url"},
		{"duplicate id", "POST", "/admin/sources", `{"id": "nation", "url": "https://example.com/x"}`, 409, ""},
		{"no id", "POST", "/admin/sources", `{"url": "https://example.com/x"}`, 422, "id"},
		{"not json", "POST", "/admin/sources", `id: x`, 400, ""},
		{"unknown source", "PATCH", "/admin/sources/nope", `{"name": "x"}`, 404, ""},
		{"rename", "PATCH", "/admin/sources/nation", `{"id": "thai"}`, 422, "id"},
		{"section still in use", "DELETE", "/admin/sections/nation", ``, 422, "sources[0].sections[0]"},
		{"bad limit", "PATCH", "/admin/sections/other", `{"limit": 5000}`, 422, "sections[1].limit"},
	} {
		before := h.file()
		code, body := h.do(tc.method, tc.path, tc.body)
		if code != tc.want {
			t.Errorf("%s: status %d, want %d: %v", tc.name, code, tc.want, body)
		}
		if body["error"] == nil {
			t.Errorf("%s: answer has no error message: %v", tc.name, body)
		}
		if tc.key != "" {
			found := false
			problems, _ := body["problems"].([]any)
			for _, p := range problems {
				if p.(map[string]any)["key"] == tc.key {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: problems %v do not name %s", tc.name, problems, tc.key)
			}
		}
		if h.file() != before {
			t.Errorf("%s: refused change altered the config", tc.name)
		}
	}
	if h.daemon.reloads != 0 {
		t.Errorf("refused changes reloaded the daemon %d times", h.daemon.reloads)
	}
}

func TestUpdatePauseResumeDeleteAndFetch(t *testing.T) {
	h := newHarness(t)
	if code, body := h.do("PATCH", "/admin/sources/nation", `{"name": "The Nation", "schedule": "@every 5m"}`); code != 200 || body["name"] != "The Nation" {
		t.Fatalf("patch: %d %v", code, body)
	}
	if !strings.Contains(h.file(), "  # the Thai daily\n  - id: nation\n    name: The Nation\n") {
		t.Errorf("patched config:\n%s", h.file())
	}
	if code, body := h.do("POST", "/admin/sources/nation/pause", ``); code != 200 || body["paused"] != true {
		t.Fatalf("pause: %d %v", code, body)
	}
	if src, _ := h.daemon.Config().SourceByID("nation"); !src.Paused {
		t.Error("daemon not running on the paused source")
	}
	if code, body := h.do("POST", "/admin/sources/nation/resume", ``); code != 200 || body["paused"] != nil {
		t.Fatalf("resume: %d %v", code, body)
	}
	if strings.Contains(h.file(), "paused") {
		t.Error("resume left paused in the config")
	}
	// PUT replaces: keys left out are gone.
	if code, body := h.do("PUT", "/admin/sources/nation", `{"url": "https://www.nationthailand.com/rss/thai.xml", "fallback": "other"}`); code != 200 || body["name"] != nil {
		t.Fatalf("put: %d %v", code, body)
	}
	if code, body := h.do("POST", "/admin/sources/nation/fetch", ``); code != 200 || body["new"] != float64(3) {
		t.Errorf("fetch: %d %v", code, body)
	}
	if code, _ := h.do("POST", "/admin/sources/nope/fetch", ``); code != 404 {
		t.Errorf("fetch of an unknown source: %d", code)
	}
	if code, body := h.do("POST", "/admin/sections", `{"id": "sports", "title": "Sports", "limit": 20}`); code != 201 {
		t.Fatalf("add section: %d %v", code, body)
	}
	if code, _ := h.do("DELETE", "/admin/sources/nation", ``); code != 204 {
		t.Fatalf("delete source: %d", code)
	}
	if code, _ := h.do("DELETE", "/admin/sections/nation", ``); code != 204 {
		t.Fatalf("delete section no longer used: %d", code)
	}
	cfg := h.daemon.Config()
	if len(cfg.Sources) != 0 || len(cfg.Sections) != 2 || cfg.Sections[1].ID != "sports" {
		t.Errorf("daemon config after deletes: %+v %+v", cfg.Sources, cfg.Sections)
	}
	if code, _ := h.do("GET", "/admin/sources/nation", ``); code != 404 {
		t.Errorf("deleted source still served: %d", code)
	}
}

func TestOPMLExportAndImport(t *testing.T) {
	h := newHarness(t)
	resp, data := h.send(token, "GET", "/admin/opml", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/x-opml") ||
		!strings.Contains(string(data), `xmlUrl="https://www.nationthailand.com/rss/feed.xml"`) {
		t.Fatalf("export: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}

	list := `<opml version="2.0"><body>
	  <outline text="Sports"><outline text="Kyodo Sports" xmlUrl="https://english.kyodonews.net/rss/sports.xml"/></outline>
	  <outline text="Nation" xmlUrl="https://www.nationthailand.com/rss/feed.xml"/>
	</body></opml>`
	code, body := h.do("POST", "/admin/opml", list)
	if code != 200 {
		t.Fatalf("import: %d %v", code, body)
	}
	if added, _ := body["added_sources"].([]any); len(added) != 1 || added[0] != "kyodo-sports" {
		t.Errorf("import result %v", body)
	}
	if src, ok := h.daemon.Config().SourceByID("kyodo-sports"); !ok || src.Sections[0] != "sports" {
		t.Errorf("imported source %+v, %v", src, ok)
	}

	before := h.file()
	hostile := `<opml version="2.0"><body><outline text="Meta" xmlUrl="http://169.254.169.254/latest/"/></body></opml>`
	if code, body := h.do("POST", "/admin/opml", hostile); code != 422 || body["problems"] == nil {
		t.Errorf("import of a metadata URL: %d %v", code, body)
	}
	if h.file() != before {
		t.Error("refused import changed the config")
	}
}

func TestEntriesKeepTheFilesKeyOrder(t *testing.T) {
	h := newHarness(t)
	_, data := h.send(token, "GET", "/admin/sources/nation", "")
	compact := strings.Join(strings.Fields(string(data)), "")
	want := `{"id":"nation","url":"https://www.nationthailand.com/rss/feed.xml","sections":["nation"],"state":{"http_status":200}}`
	if compact != want {
		t.Errorf("GET answer\n%s\nwant keys in the file's order, state last:\n%s", compact, want)
	}
}

func TestRerouteIsPassedOn(t *testing.T) {
	h := newHarness(t)
	if code, body := h.do("POST", "/admin/reroute?since=72h&dry_run=true", ""); code != 200 || body["since"] != "72h0m0s" || body["dry_run"] != true {
		t.Errorf("reroute: %d %v", code, body)
	}
	if code, _ := h.do("POST", "/admin/reroute?since=soon", ""); code != 400 {
		t.Errorf("reroute with a bad since: %d, want 400", code)
	}
}

// An editor saves config.yaml by hand while an API change is being made:
// the change is made again on the new file, and the hand edit stays.
func TestHandEditDuringAChangeIsKept(t *testing.T) {
	h := newHarness(t)
	edited := false
	h.onCheck = func() {
		if edited {
			return
		}
		edited = true
		data, _ := os.ReadFile(h.path)
		os.WriteFile(h.path, []byte(strings.Replace(string(data), "    title: Other\n", "    title: Other news\n", 1)), 0o644)
	}
	list := `<opml version="2.0"><body><outline text="Kyodo" xmlUrl="https://english.kyodonews.net/rss/all.xml"/></body></opml>`
	if code, body := h.do("POST", "/admin/opml?fallback=other", list); code != 200 {
		t.Fatalf("import: %d %v", code, body)
	}
	file := h.file()
	if !strings.Contains(file, "title: Other news") || !strings.Contains(file, "- id: kyodo") {
		t.Errorf("config lost the hand edit or the import:\n%s", file)
	}
}
