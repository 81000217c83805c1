package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"wirefeed/config"
	"wirefeed/internal/benchfeed"
)

func TestFarm(t *testing.T) {
	f := newFarm(3, 2, 1) // feed 0 at generation 2, feeds 1 and 2 at 0
	get := func(path, ifNoneMatch string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if ifNoneMatch != "" {
			r.Header.Set("If-None-Match", ifNoneMatch)
		}
		w := httptest.NewRecorder()
		f.ServeHTTP(w, r)
		return w
	}
	var want bytes.Buffer
	benchfeed.Write(&want, 0, 2)
	if w := get("/feed/0", ""); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want.Bytes()) || w.Header().Get("ETag") != `"0-2"` || w.Header().Get("Last-Modified") == "" {
		t.Fatalf("feed 0: %d %v", w.Code, w.Header())
	}
	if w := get("/feed/0", `"0-2"`); w.Code != http.StatusNotModified {
		t.Errorf("feed 0, current ETag: %d, want 304", w.Code)
	}
	if w := get("/feed/0", `"0-0"`); w.Code != 200 {
		t.Errorf("feed 0, older generation's ETag: %d, want 200", w.Code)
	}
	if w := get("/feed/1", `"1-0"`); w.Code != http.StatusNotModified {
		t.Errorf("feed 1 (unchanged): %d, want 304", w.Code)
	}
	if w := get("/feed/3", ""); w.Code != 404 {
		t.Errorf("feed 3 of 3: %d, want 404", w.Code)
	}
	if got := f.stats(); got != "200: 2, 304: 2, other: 1\n" {
		t.Errorf("stats: %q", got)
	}
}

func TestConfig(t *testing.T) {
	var b bytes.Buffer
	writeConfig(&b, "http://127.0.0.1:8199", 3, filepath.Join(t.TempDir(), "wirefeed.db"))
	cfg, err := config.Parse(b.Bytes(), "farm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 3 || cfg.Sources[2].URL != "http://127.0.0.1:8199/feed/2" || len(cfg.Sections) != 4 {
		t.Fatalf("%d sources, %d sections", len(cfg.Sources), len(cfg.Sections))
	}
}
