package publisher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pageHandler serves ServePage under /p/{key}, counting renderings.
func pageHandler(p *Publisher, renders *int, fail error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/p/")
		err := p.ServePage(w, r, key, func(context.Context) (Page, error) {
			*renders++
			if fail != nil {
				return Page{}, fail
			}
			body := strings.Repeat("<p>page "+key+"</p>\n", 50)
			return Page{Body: []byte(body), Modified: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
				ContentType: "text/html; charset=utf-8", CacheControl: "public, max-age=60"}, nil
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
		}
	})
}

func TestServePageCachesUntilAnySectionChanges(t *testing.T) {
	p, _ := newTestPublisher(t)
	renders := 0
	h := pageHandler(p, &renders, nil)
	res := get(t, h, "GET", "/p/front", "Accept-Encoding", "br, gzip")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "br" || res.Header.Get("Etag") == "" {
		t.Fatalf("page: %d, Content-Encoding %q, ETag %q", res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Etag"))
	}
	etag := res.Header.Get("Etag")
	again := get(t, h, "GET", "/p/front", "Accept-Encoding", "br, gzip", "If-None-Match", etag)
	if again.StatusCode != http.StatusNotModified || renders != 1 {
		t.Fatalf("revalidation: %d after %d renderings, want 304 after 1", again.StatusCode, renders)
	}
	// A change of any one section drops every page: a page's sidebar
	// shows every section.
	p.Invalidate("economy")
	fetch(t, h, "/p/front")
	if renders != 2 {
		t.Fatalf("after a change of economy: %d renderings, want 2", renders)
	}
}

func TestServePageErrorsAreNotCached(t *testing.T) {
	p, _ := newTestPublisher(t)
	renders := 0
	h := pageHandler(p, &renders, errors.New("no such story"))
	for range 2 {
		if res := get(t, h, "GET", "/p/gone"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("failed page: %d", res.StatusCode)
		}
	}
	if renders != 2 {
		t.Errorf("a failed rendering was cached: %d renderings for 2 requests", renders)
	}
}

func TestCachedPagesAreBounded(t *testing.T) {
	p, _ := newTestPublisher(t)
	fetch(t, p.Handler(), "/feeds/nation.rss") // not a page: never evicted for one
	for i := range maxCachedPages + 50 {
		p.ServePage(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), fmt.Sprint(i), func(context.Context) (Page, error) {
			return Page{Body: []byte("x"), ContentType: "text/plain"}, nil
		})
	}
	p.cache.mu.Lock()
	pages, total := p.cache.count[pageSpace], len(p.cache.done)
	p.cache.mu.Unlock()
	if pages != maxCachedPages || total != maxCachedPages+1 {
		t.Errorf("%d pages cached (%d renderings in all), want at most %d", pages, total, maxCachedPages)
	}
}
