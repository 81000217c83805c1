package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"wirefeed/internal/partnertest"
)

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
	path := partnertest.WriteConfig(t, partner.URL)

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

// TestFetchGuardsWithoutAnAdminToken is issue 12's item 4 from the command
// line: with no admin token anywhere, "wirefeed fetch" of a partner on the
// loopback is refused, and the message names the key that allows it.
func TestFetchGuardsWithoutAnAdminToken(t *testing.T) {
	t.Setenv("WIREFEED_ADMIN_TOKEN", "")
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "allow_networks: [127.0.0.0/8]", "allow_networks: []")
	code, out, errOut := wirefeed(t, "fetch", "-config", path)
	want := "is a loopback address; list it in fetch.allow_networks to allow it"
	if code != 1 || strings.Count(out, want) != 2 || p.Hits("/nation")+p.Hits("/jiji") != 0 {
		t.Errorf("fetch of loopback partners without allow_networks: exit %d, %d requests\n%s%s", code, p.Hits("/nation")+p.Hits("/jiji"), out, errOut)
	}
}
