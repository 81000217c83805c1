package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"wirefeed/config"
	"wirefeed/daemon"
	"wirefeed/internal/partnertest"

	"github.com/mmcdole/gofeed"
)

// openTestDaemon opens wirefeed on the config at path, as "run" would
// before serving; it is closed when the test ends.
func openTestDaemon(t *testing.T, path string) *daemon.Daemon {
	t.Helper()
	e := &env{configPath: path, stdout: io.Discard, stderr: io.Discard}
	cfg, err := e.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Open(context.Background(), cfg, daemon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// wirefeed runs the command line and returns exit code, stdout and stderr.
func wirefeed(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCheck(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	if code, out, errOut := wirefeed(t, "check", "-config", path); code != 0 || !strings.Contains(out, "ok (6 sections, 2 sources)") {
		t.Fatalf("check good config: exit %d, %q %q", code, out, errOut)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	text, _ := os.ReadFile(path)
	broken := strings.Replace(string(text), "fallback: other", "fallback: otherr", 1)
	os.WriteFile(bad, []byte(broken), 0o644)
	code, _, errOut := wirefeed(t, "check", "-config", bad)
	if code != 1 || !strings.Contains(errOut, "bad.yaml:27: sources[1].fallback") || !strings.Contains(errOut, `"otherr"`) {
		t.Fatalf("check bad config: exit %d, stderr %q", code, errOut)
	}

	t.Setenv("WIREFEED_CONFIG", path)
	if code, out, _ := wirefeed(t, "check"); code != 0 || !strings.Contains(out, path) {
		t.Fatalf("WIREFEED_CONFIG not honoured: exit %d, %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	for _, cmd := range []string{"run", "fetch", "check", "demo"} {
		code, out, _ := wirefeed(t, cmd, "-h")
		if code != 0 || !strings.Contains(out, "usage: wirefeed "+cmd) || !strings.Contains(out, "-config") {
			t.Errorf("%s -h: exit %d, %q", cmd, code, out)
		}
	}
	// wirefeed -h lists every command, then the flags of run.
	if code, out, _ := wirefeed(t, "-h"); code != 0 || !strings.Contains(out, "reroute") || !strings.Contains(out, "usage: wirefeed run") || !strings.Contains(out, "-listen") {
		t.Errorf("wirefeed -h: exit %d, %q", code, out)
	}
	if code, out, _ := wirefeed(t, "help"); code != 0 || !strings.Contains(out, "demo") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	if code, _, errOut := wirefeed(t, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
}

func TestFetchReportsPerSourceAndFailsWhenOneFails(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)

	code, out, errOut := wirefeed(t, "fetch", "-config", path)
	if code != 0 || !strings.Contains(out, "nation       6 new, 0 updated, 0 unchanged") || !strings.Contains(out, "jiji         8 new, 0 updated, 0 unchanged") ||
		// One story is carried by both; whichever partner is pulled second
		// brings it as a duplicate.
		strings.Count(out, ", 1 of the new already carried by another partner,") != 1 {
		t.Fatalf("first fetch: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = wirefeed(t, "fetch", "-config", path, "nation")
	if code != 0 || !strings.Contains(out, "nation       not modified") || strings.Contains(out, "jiji") {
		t.Fatalf("refetch of nation: exit %d\n%s", code, out)
	}

	p.Set("/nation", "nation_edited.rss", false)
	p.Set("/jiji", "jiji.rss", true)
	code, out, errOut = wirefeed(t, "fetch", "-config", path)
	if code != 1 {
		t.Errorf("fetch with a failing source exited %d, want 1", code)
	}
	if !strings.Contains(out, "nation       1 new, 1 updated, 5 unchanged") {
		t.Errorf("edited nation not reported:\n%s", out)
	}
	if !strings.Contains(out, "jiji         error: aggregator: fetch jiji: status 503") || !strings.Contains(errOut, "1 of 2 sources failed") {
		t.Errorf("jiji failure not reported:\nstdout %s\nstderr %s", out, errOut)
	}
	if code, out, _ := wirefeed(t, "fetch", "-config", path, "nosuch"); code != 1 || !strings.Contains(out, `unknown source "nosuch"`) {
		t.Errorf("unknown source: exit %d, %q", code, out)
	}
}

// TestEndToEnd pulls the partner feeds, serves the sections over HTTP and
// reads them back with gofeed, field by field, against the partner's own
// feed; then restarts the daemon on the same database and finds the same
// bytes.
func TestEndToEnd(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	if code, out, errOut := wirefeed(t, "fetch", "-config", path); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out, errOut)
	}

	nationSrc := parseFile(t, "nation.rss")
	served := serveOnce(t, path, func(base string) map[string][]byte {
		got := map[string][]byte{}
		for _, f := range []string{"nation.rss", "nation.atom", "nation.json", "politics.rss", "headlines.atom", "other.json", "economy.json"} {
			got[f] = partnertest.Get(t, base+"/feeds/"+f, map[string]string{
				"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json",
			}[f[strings.LastIndex(f, ".")+1:]])
		}
		resp, err := http.Get(base + "/feeds/nosuch.rss")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "nosuch") {
			t.Errorf("unknown section: %d %q", resp.StatusCode, body)
		}
		return got
	})

	for _, format := range []string{"nation.rss", "nation.atom", "nation.json"} {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(served[format]))
		if err != nil {
			t.Fatalf("%s does not parse: %v", format, err)
		}
		if len(feed.Items) != len(nationSrc.Items) {
			t.Fatalf("%s has %d items, partner sent %d", format, len(feed.Items), len(nationSrc.Items))
		}
		for i, want := range nationSrc.Items { // both newest first
			got := feed.Items[i]
			if got.Title != want.Title || got.Link != want.Link {
				t.Errorf("%s item %d: %q %q, want %q %q", format, i, got.Title, got.Link, want.Title, want.Link)
			}
			if got.PublishedParsed == nil || !got.PublishedParsed.Equal(*want.PublishedParsed) {
				t.Errorf("%s item %d published %v, want %v", format, i, got.PublishedParsed, want.PublishedParsed)
			}
			if got.UpdatedParsed == nil && format != "nation.rss" {
				t.Errorf("%s item %d has no updated time", format, i)
			}
			if !slices.Equal(got.Categories, want.Categories) {
				t.Errorf("%s item %d categories %v, want %v", format, i, got.Categories, want.Categories)
			}
			if len(got.Authors) == 0 || got.Authors[0].Name != want.Authors[0].Name {
				t.Errorf("%s item %d authors %v, want %v", format, i, got.Authors, want.Authors)
			}
			text := got.Content + got.Description
			if !strings.Contains(text, "Provided by Nation") {
				t.Errorf("%s item %d does not carry the attribution", format, i)
			}
			if !strings.Contains(text, firstWords(want.Description)) {
				t.Errorf("%s item %d lost its summary %q", format, i, firstWords(want.Description))
			}
			// The trade pact keeps the id of whichever partner's copy was
			// stored first (the two are pulled at once); the rest are Nation's.
			idPrefix := "tag:news.example.com,2026:nation/"
			if strings.Contains(got.Link, "40012399") && strings.HasPrefix(got.GUID, "tag:news.example.com,2026:jiji/") {
				idPrefix = "tag:news.example.com,2026:jiji/"
			}
			if !strings.HasPrefix(got.GUID, idPrefix) {
				t.Errorf("%s item %d id %q", format, i, got.GUID)
			}
		}
	}
	if !strings.Contains(string(served["nation.rss"]), `<source url="`+p.URL+`/nation">Nation</source>`) {
		t.Error("RSS items do not name their partner with its feed URL")
	}
	if !strings.Contains(string(served["other.json"]), `"attribution":"Provided by Jiji Press"`) {
		t.Error("JSON Feed items do not carry the partner's attribution")
	}
	// The trade pact reached the site through both partners: it is
	// published once, as Nation's copy (its own site hosts the story).
	economy, err := gofeed.NewParser().Parse(bytes.NewReader(served["economy.json"]))
	if err != nil {
		t.Fatal(err)
	}
	var copies []string
	for _, it := range economy.Items {
		if strings.Contains(it.Link, "40012399") {
			copies = append(copies, it.Content)
		}
	}
	if len(copies) != 1 || !strings.Contains(copies[0], "Provided by Nation") || strings.Contains(copies[0], "Jiji") {
		t.Errorf("trade pact published %d times in economy, want once as Nation's copy: %q", len(copies), copies)
	}

	// A story has one id in every section and format.
	ids := func(name string) map[string]string {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(served[name]))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, it := range feed.Items {
			out[it.Link] = it.GUID
		}
		return out
	}
	nationIDs, politicsIDs, atomIDs := ids("nation.rss"), ids("politics.rss"), ids("nation.atom")
	shared := 0
	for link, id := range politicsIDs {
		if nid, ok := nationIDs[link]; ok {
			shared++
			if nid != id {
				t.Errorf("%s has id %s in nation but %s in politics", link, nid, id)
			}
		}
	}
	if shared != 2 {
		t.Errorf("%d Nation stories found in politics, want 2", shared)
	}
	for link, id := range nationIDs {
		if atomIDs[link] != id {
			t.Errorf("%s: RSS id %s, Atom id %s", link, id, atomIDs[link])
		}
	}
	headlines, _ := gofeed.NewParser().Parse(bytes.NewReader(served["headlines.atom"]))
	if len(headlines.Items) != 10 {
		t.Errorf("headlines carries %d stories, want its limit of 10", len(headlines.Items))
	}

	// Restart: a new process on the same database serves the same bytes.
	again := serveOnce(t, path, func(base string) map[string][]byte {
		return map[string][]byte{"nation.atom": partnertest.Get(t, base+"/feeds/nation.atom", "application/atom+xml")}
	})
	if !bytes.Equal(again["nation.atom"], served["nation.atom"]) {
		t.Error("nation.atom differs after a restart")
	}
}

func firstWords(html string) string {
	text := strings.TrimPrefix(strings.TrimSpace(html), "<p>")
	if len(text) > 40 {
		text = text[:40]
	}
	return text
}

func parseFile(t *testing.T, name string) *gofeed.Feed {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "aggregator", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feed, err := gofeed.NewParser().Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return feed
}

// serveOnce opens the daemon on the config at path, runs check against its
// base URL while it serves, then stops it as SIGTERM would and checks that
// it shut down cleanly.
func serveOnce[T any](t *testing.T, path string, check func(base string) T) T {
	t.Helper()
	e := &env{configPath: path, stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	cfg, err := e.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schedule = "@every 1h"
	ctx, stop := context.WithCancel(context.Background())
	d, err := daemon.Open(ctx, cfg, daemon.Options{Log: e.log})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, daemon.RunOptions{Ready: func(s string) { addr <- s }}) }()
	var result T
	select {
	case base := <-addr:
		result = check("http://" + base)
	case err := <-done:
		t.Fatalf("serve returned early: %v", err)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not shut down")
	}
	return result
}

func TestShippedConfigsAreValid(t *testing.T) {
	if code, out, errOut := wirefeed(t, "check", "-config", "../../config.yaml"); code != 0 {
		t.Errorf("config.yaml: exit %d\n%s%s", code, out, errOut)
	}
	// The image's database directory, /data, exists in the image only:
	// its storage is checked there, the rest here.
	if _, err := config.Load("../../deploy/config.docker.yaml"); err != nil {
		t.Errorf("deploy/config.docker.yaml: %v", err)
	}
}

// check refuses a database in a directory that does not exist, rather than
// letting the daemon fail later with SQLite's "out of memory (14)".
func TestCheckRefusesMissingStorageDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wirefeed.yaml")
	db := filepath.Join(dir, "gone", "wirefeed.db")
	os.WriteFile(path, []byte("storage:\n  path: "+db+"\nsections:\n  - id: news\nsources:\n  - id: wire\n    url: https://example.com/feed.xml\n"), 0o600)
	code, _, errOut := wirefeed(t, "check", "-config", path)
	want := path + ":2: storage.path: directory " + filepath.Dir(db) + " does not exist"
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("check: exit %d, stderr %q\nwant it to say %q", code, errOut, want)
	}
	if code, _, errOut := wirefeed(t, "fetch", "-config", path); code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("fetch: exit %d, stderr %q\nwant it to say %q", code, errOut, want)
	}
}

// The image's config is the shipped one with the database on /data, and
// must not drift from it.
func TestDockerConfigFollowsShippedConfig(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docker, err := os.ReadFile(filepath.Join("..", "..", "deploy", "config.docker.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(shipped), "\n  path: wirefeed.db\n", "\n  path: /data/wirefeed.db\n", 1)
	got := string(docker)
	if i := strings.Index(got, "# wirefeed configuration."); i >= 0 {
		got = got[i:] // after the image's own header
	}
	if got != want {
		t.Error("deploy/config.docker.yaml differs from config.yaml beyond storage.path: regenerate it from config.yaml")
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := wirefeed(t, "version")
	if code != 0 || !strings.HasPrefix(out, "wirefeed ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}
