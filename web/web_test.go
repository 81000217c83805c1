package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/publisher"
)

// fakeDaemon is a daemon that is ready or not.
type fakeDaemon struct {
	ready bool
	why   string
}

func (f fakeDaemon) Config() *config.Config               { return &config.Config{} }
func (f fakeDaemon) Publisher() *publisher.Publisher      { return nil }
func (f fakeDaemon) Admin() http.Handler                  { return http.NotFoundHandler() }
func (f fakeDaemon) Console() http.Handler                { return http.NotFoundHandler() }
func (f fakeDaemon) Site() http.Handler                   { return http.NotFoundHandler() }
func (f fakeDaemon) Ready(context.Context) (bool, string) { return f.ready, f.why }
func (f fakeDaemon) Leading() bool                        { return false }
func (f fakeDaemon) NextRun(string) time.Time             { return time.Time{} }

// observed records what a Handler reports of its responses.
type observed struct {
	mu    sync.Mutex
	codes []int
}

func (o *observed) observe(_ string, code int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes = append(o.codes, code)
}

// goneWriter is a connection whose client went away: writes fail.
type goneWriter struct{ *httptest.ResponseRecorder }

func (goneWriter) Write([]byte) (int, error) { return 0, errors.New("write: broken pipe") }

// A client that went away before its answer was complete is counted as
// 499, not as the server's error; one that closed after a whole answer,
// cancelling its request, is a 200.
func TestAbortedRequestsCountAs499(t *testing.T) {
	var seen observed
	h := New(fakeDaemon{ready: true, why: "ready"}, Options{Observe: seen.observe})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(goneWriter{httptest.NewRecorder()}, httptest.NewRequest("GET", "/healthz", nil).WithContext(ctx))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil).WithContext(ctx))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	want := []int{StatusClientClosed, http.StatusOK, http.StatusOK}
	if len(seen.codes) != 3 || seen.codes[0] != want[0] || seen.codes[1] != want[1] || seen.codes[2] != want[2] {
		t.Errorf("counted %v, want %v", seen.codes, want)
	}
}

// /readyz answers 503 with the daemon's reason when it is not ready.
func TestReadyzSaysWhy(t *testing.T) {
	for _, d := range []fakeDaemon{{true, "ready: serving"}, {false, "serving, but no daemon pulls partners on schedule"}} {
		rec := httptest.NewRecorder()
		New(d, Options{}).ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		want := http.StatusOK
		if !d.ready {
			want = http.StatusServiceUnavailable
		}
		if rec.Code != want || rec.Body.String() != d.why+"\n" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("readyz of %+v: %d %q", d, rec.Code, rec.Body.String())
		}
	}
}
