package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/feedcheck"
)

// The README's admin example works on the demo: it honours -config (the
// config it writes and the admin API edits) and WIREFEED_ADMIN_TOKEN. Its
// feeds draw no validator warnings.
func TestDemoHonoursConfigAndAdminToken(t *testing.T) {
	const token = "demo-token-0123456789abcdef"
	t.Setenv("WIREFEED_ADMIN_TOKEN", token)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	path := filepath.Join(t.TempDir(), "demo.yaml")

	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{lines: make(chan string, 100)}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"demo", "-listen", addr, "-config", path}, out, io.Discard) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("demo exited %d", code)
		}
	}()
	base := "http://" + addr
	for ready := false; !ready; {
		select {
		case line := <-out.lines:
			ready = strings.Contains(line, "open "+base+"/")
		case code := <-done:
			done <- code
			t.Fatalf("demo exited %d before serving", code)
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not start")
		}
	}

	admin := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := admin("GET", "/admin/sources", ""); code != 200 || !strings.Contains(body, `"nation"`) {
		t.Fatalf("GET /admin/sources: %d %s", code, body)
	}
	for _, id := range []string{"nation", "jiji"} {
		if code, body := admin("POST", "/admin/sources/"+id+"/fetch", ""); code != 200 {
			t.Fatalf("pull %s: %d %s", id, code, body)
		}
	}
	if code, body := admin("PATCH", "/admin/sources/jiji", `{"priority": 5}`); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "priority: 5") {
		t.Errorf("the admin change did not reach %s: %v\n%s", path, err, data)
	}

	docs := 0
	for _, sec := range []string{"nation", "politics", "economy", "sports", "other", "headlines", "all"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			for _, doc := range []string{"/feeds/" + sec + "." + ext, "/feeds/" + sec + "." + ext + "?source=jiji",
				"/feeds/" + sec + "/archive/current." + ext} {
				res, err := http.Get(base + doc)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusNotFound && sec == "all" && strings.Contains(doc, "archive") {
					continue
				}
				if res.StatusCode != 200 {
					t.Errorf("%s: %d", doc, res.StatusCode)
					continue
				}
				docs++
				for _, w := range feedcheck.Warnings(ext, string(b), base+doc) {
					t.Errorf("%s: %s", doc, w)
				}
				if ext == "atom" {
					relaxNG(t, doc, string(b))
				}
			}
		}
	}
	if docs < 50 {
		t.Errorf("checked only %d documents", docs)
	}
}

// relaxNG validates an Atom document against RFC 4287's schema with
// xmllint, as the publisher's tests do (skipped without xmllint or the
// schema, which CI has).
func relaxNG(t *testing.T, name, doc string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	dir := os.Getenv("WIREFEED_SCHEMAS")
	if err != nil || dir == "" {
		return
	}
	cmd := exec.Command(xmllint, "--noout", "--relaxng", filepath.Join(dir, "atom.rng"), "-")
	cmd.Stdin = strings.NewReader(doc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: xmllint --relaxng: %v\n%s", name, err, out)
	}
}
