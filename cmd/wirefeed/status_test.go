package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"wirefeed/daemon"
	"wirefeed/internal/partnertest"
	"wirefeed/web"
)

func TestSourcesListsFetchState(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	p.Set("/jiji", "jiji.rss", true)
	wirefeed(t, "fetch", "-config", path)

	code, out, errOut := wirefeed(t, "sources", "-config", path)
	if code != 0 {
		t.Fatalf("sources: exit %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "SOURCE") {
		t.Fatalf("sources output:\n%s", out)
	}
	nation, jiji := strings.Fields(lines[1]), lines[2]
	if nation[0] != "nation" || !strings.Contains(lines[1], " 200 ") || !strings.Contains(lines[1], " 6 ") {
		t.Errorf("nation line %q: want status 200 and 6 items", lines[1])
	}
	if !strings.HasPrefix(jiji, "jiji") || !strings.Contains(jiji, " 503 ") || !strings.Contains(jiji, "never") ||
		!strings.Contains(jiji, "status 503") {
		t.Errorf("jiji line %q: want status 503, never succeeded, and the error", jiji)
	}
}

func TestStatusServesJSONAndHTML(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	p.Set("/jiji", "jiji.rss", true)
	wirefeed(t, "fetch", "-config", path)

	_, srv := serveApp(t, path)

	resp, err := http.Get(srv.URL + "/status?format=json")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Sources []web.SourceStatus }
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status json: %v, %s", err, resp.Header.Get("Content-Type"))
	}
	if len(body.Sources) != 2 {
		t.Fatalf("status lists %d sources", len(body.Sources))
	}
	n, j := body.Sources[0], body.Sources[1]
	if n.ID != "nation" || n.HTTPStatus != 200 || n.ItemsSeen != 6 || n.LastSuccess == nil || n.NextRun == nil || n.Failures != 0 {
		t.Errorf("nation status = %+v", n)
	}
	if j.ID != "jiji" || j.HTTPStatus != 503 || j.Failures != 1 || j.LastSuccess != nil || !strings.Contains(j.LastError, "503") {
		t.Errorf("jiji status = %+v", j)
	}

	resp, err = http.Get(srv.URL + "/status")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(html), `<tr class="failing">`) || !strings.Contains(string(html), "Jiji Press") {
		t.Errorf("status page:\n%s", html)
	}
}

func TestStoryViewListsAlternates(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	wirefeed(t, "fetch", "-config", path)
	a, srv := serveApp(t, path)

	economy, err := a.Store().SectionStories(t.Context(), "economy", 50)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, st := range economy {
		if strings.Contains(st.Link, "40012399") {
			id = st.FeedID
		}
	}
	resp, err := http.Get(srv.URL + "/story?id=" + url.QueryEscape(id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var view struct {
		ID         string
		Published  struct{ Source, Attribution string }
		Alternates []struct{ Source, Attribution string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil || resp.StatusCode != 200 {
		t.Fatalf("story view: %d, %v", resp.StatusCode, err)
	}
	if view.Published.Source != "nation" || len(view.Alternates) != 1 || view.Alternates[0].Source != "jiji" ||
		view.Alternates[0].Attribution != "Provided by Jiji Press" {
		t.Errorf("story view = %+v", view)
	}
	if code := partnertest.Status(t, srv.URL+"/story?id=tag:nope"); code != http.StatusNotFound {
		t.Errorf("unknown story: %d", code)
	}
}

// serveApp opens the daemon on the config at path and serves its HTTP
// handler (no scheduler) until the test ends.
func serveApp(t *testing.T, path string) (*daemon.Daemon, *httptest.Server) {
	t.Helper()
	d := openTestDaemon(t, path)
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return d, srv
}

func TestMetricsAfterAFetch(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	p.Set("/jiji", "jiji.rss", true)
	a, srv := serveApp(t, path)
	a.Aggregator().FetchAll(t.Context())
	fetchBody := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	fetchBody("/feeds/nation.rss")
	fetchBody("/feeds/nation.rss")
	text := fetchBody("/metrics")
	for _, want := range []string{
		`wirefeed_fetches_total{outcome="ok",source="nation"} 1`,
		`wirefeed_fetches_total{outcome="error",source="jiji"} 1`,
		`wirefeed_items_total{result="new",source="nation"} 6`,
		`wirefeed_fetch_duration_seconds_count{source="nation"} 1`,
		`wirefeed_http_requests_total{code="200",kind="feed"} 2`,
		`wirefeed_feed_cache_total{outcome="render"} 1`,
		`wirefeed_feed_cache_total{outcome="hit"} 1`,
		`wirefeed_fetch_not_modified_ratio 0`,
		`wirefeed_db_size_bytes `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
