package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"wirefeed/aggregator"
)

func TestTerminalDisplayDrawsStatusBelowResultsAndClearsIt(t *testing.T) {
	var out bytes.Buffer
	d := newFetchDisplay(&out, true, 80, 3)
	took := func() string { s := out.String(); out.Reset(); return s }

	d.redraw()
	if got := took(); got != "\r\x1b[K[0/3] 0 new, 0 failed" {
		t.Errorf("first status line: %q", got)
	}
	d.started("nation")
	d.started("jiji")
	d.redraw()
	if got := took(); got != "\r\x1b[K[0/3] 0 new, 0 failed · 2 running: nation, jiji" {
		t.Errorf("status with two running: %q", got)
	}
	d.redraw()
	if got := took(); got != "" {
		t.Errorf("redrawn with nothing changed: %q", got)
	}

	// A result clears the status line and is written in its place; the
	// status comes back below it at the next redraw.
	d.finished(aggregator.Report{Source: "nation", New: 6, Items: 6, Took: 12 * time.Millisecond})
	if got := took(); got != "\r\x1b[Knation       6 new, 0 updated, 0 unchanged (6 items, 12ms)\n" {
		t.Errorf("result line: %q", got)
	}
	d.finished(aggregator.Report{Source: "kyodo", Err: errors.New("status 503")})
	if got := took(); got != "kyodo        error: status 503\n" {
		t.Errorf("second result, with no status line between: %q", got)
	}
	d.redraw()
	if got := took(); got != "\r\x1b[K[2/3] 6 new, 1 failed · 1 running: jiji" {
		t.Errorf("status after two results: %q", got)
	}
	d.clear()
	if got := took(); got != "\r\x1b[K" {
		t.Errorf("clearing: %q", got)
	}
	d.clear()
	if got := took(); got != "" {
		t.Errorf("cleared twice: %q", got)
	}
}

func TestTerminalStatusLineFitsTheWidth(t *testing.T) {
	var out bytes.Buffer
	d := newFetchDisplay(&out, true, 40, 9)
	for _, id := range []string{"nation", "jiji", "kyodo", "bangkokpost", "yonhap"} {
		d.started(id)
	}
	d.redraw()
	line := strings.TrimPrefix(out.String(), "\r\x1b[K")
	if n := utf8.RuneCountInString(line); n != 39 || !strings.HasPrefix(line, "[0/9] 0 new, 0 failed · 5 running: na") || !strings.HasSuffix(line, "…") {
		t.Errorf("status on 40 columns = %q (%d columns), want 39 columns ending in …", line, n)
	}
}

func TestDisplayStartAndStop(t *testing.T) {
	var out bytes.Buffer
	d := newFetchDisplay(&out, true, 80, 1)
	stop := d.start()
	d.finished(aggregator.Report{Source: "nation", NotModified: true})
	d.redraw() // as the ticker may have done already
	stop()     // returns once the ticker's goroutine is gone
	got := out.String()
	if !strings.HasPrefix(got, "\r\x1b[K[0/1] 0 new, 0 failed\r\x1b[Knation       not modified (0s)\n\r\x1b[K[1/1] 0 new, 0 failed") ||
		!strings.HasSuffix(got, "[1/1] 0 new, 0 failed\r\x1b[K") {
		t.Errorf("terminal output: %q", got)
	}

	var plain bytes.Buffer
	p := newFetchDisplay(&plain, false, 0, 1)
	stop = p.start()
	p.started("nation")
	p.redraw()
	p.finished(aggregator.Report{Source: "nation", NotModified: true})
	stop()
	if got := plain.String(); got != "nation       not modified (0s)\n" {
		t.Errorf("plain output: %q", got)
	}
}

func TestOnlyTerminalsGetTheStatusLine(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]any{"buffer": &bytes.Buffer{}, "file": f, "pipe": w} {
		if _, ok := terminalWidth(out.(interface{ Write([]byte) (int, error) })); ok {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}

// lineWriter hands each complete line written to it to a channel.
type lineWriter struct {
	mu    sync.Mutex
	all   strings.Builder
	part  string
	lines chan string
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.part += string(p)
	for {
		i := strings.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.lines <- l.part[:i]
		l.part = l.part[i+1:]
	}
}

// TestFetchPrintsEachSourceAsItFinishes holds jiji's partner until
// nation's line is out: lines come as sources finish, plain when stdout is
// not a terminal.
func TestFetchPrintsEachSourceAsItFinishes(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free()
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jiji" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeFile(w, r, filepath.Join("..", "..", "aggregator", "testdata", strings.TrimPrefix(r.URL.Path, "/")+".rss"))
	}))
	defer partner.Close()
	path := writeConfigURL(t, partner.URL)

	out := &lineWriter{lines: make(chan string, 16)}
	var errOut bytes.Buffer
	exit := make(chan int)
	go func() { exit <- run(context.Background(), []string{"fetch", "-config", path}, out, &errOut) }()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case line := <-out.lines:
		if !strings.HasPrefix(line, "nation       6 new, 0 updated, 0 unchanged") {
			t.Fatalf("first line %q, want nation's", line)
		}
	case code := <-exit:
		t.Fatalf("fetch exited %d before jiji's partner answered", code)
	case <-ctx.Done():
		t.Fatal("nation's line not written while jiji's partner is held")
	}
	free()
	if code := <-exit; code != 0 {
		t.Fatalf("fetch exited %d: %s", code, errOut.String())
	}
	if line := <-out.lines; !strings.HasPrefix(line, "jiji         8 new, 0 updated, 0 unchanged") {
		t.Errorf("second line %q, want jiji's", line)
	}
	all := out.all.String()
	if strings.ContainsAny(all, "\r\x1b") || strings.Count(all, "\n") != 2 {
		t.Errorf("output to a non-terminal is not two plain lines: %q", all)
	}
}

func TestSourceAskedTwiceStaysRunning(t *testing.T) {
	var out bytes.Buffer
	d := newFetchDisplay(&out, true, 80, 2)
	d.started("nation")
	d.finished(aggregator.Report{Source: "nation", Skipped: true})
	out.Reset()
	d.redraw()
	if got := out.String(); got != "\r\x1b[K[1/2] 0 new, 0 failed · 1 running: nation" {
		t.Errorf("status: %q", got)
	}
}
