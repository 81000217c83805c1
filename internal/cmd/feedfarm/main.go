// Command feedfarm serves many partner feeds from a process of its own, so
// a whole "wirefeed fetch" can be measured from outside (issue 15): its
// CPU time and peak memory, beside feedfloor's, which only fetches and
// parses the same feeds.
//
//	feedfarm -listen 127.0.0.1:8199 -feeds 1000
//	feedfarm -listen 127.0.0.1:8199 -feeds 1000 -gen 1 -changed 100
//	feedfarm -listen 127.0.0.1:8199 -feeds 1000 -print-config -db /tmp/farm/wirefeed.db
//
// /feed/{n} (0 <= n < feeds) is benchfeed's feed n: 50 stories of about
// 1.5 KB of HTML each, at generation gen for the first -changed feeds (5
// stories more than generation 0) and at generation 0 for the rest. Every
// body is rendered once before the server listens, so serving costs little
// CPU; each answer carries an ETag and Last-Modified that depend only on
// (n, generation), and a matching conditional request is answered 304,
// also by a farm restarted with other flags. /stats counts the answers.
//
// -print-config prints a wirefeed config for the farm instead of serving:
// sources farm0 to farm{feeds-1}, sections politics, economy, sports and
// other, the partner categories mapped to them, fetching allowed on
// 127.0.0.0/8, the store at -db (whose directory it creates). Everything
// else is wirefeed's default, fetch.workers and fetch.per_host included.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"wirefeed/internal/benchfeed"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8199", "address to serve on (keep it on loopback)")
	feeds := flag.Int("feeds", 1000, "number of feeds: /feed/0 to /feed/{feeds-1}")
	gen := flag.Int("gen", 0, "generation of the changed feeds; each later one adds 5 stories of its own")
	changed := flag.Int("changed", -1, "how many feeds (the first ones) are at -gen, the rest at generation 0; default all")
	printConfig := flag.Bool("print-config", false, "print a wirefeed config for the farm and exit")
	db := flag.String("db", filepath.Join(os.TempDir(), "feedfarm", "wirefeed.db"), "storage.path in the printed config")
	flag.Parse()
	if *feeds < 1 || *gen < 0 {
		fail(fmt.Errorf("want -feeds >= 1 and -gen >= 0"))
	}
	if *changed < 0 || *changed > *feeds {
		*changed = *feeds
	}
	if *printConfig {
		if err := os.MkdirAll(filepath.Dir(*db), 0o755); err != nil {
			fail(err)
		}
		writeConfig(os.Stdout, "http://"+*listen, *feeds, *db)
		return
	}

	start := time.Now()
	f := newFarm(*feeds, *gen, *changed)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "feedfarm: %d feeds (%d at generation %d), %.1f MB, rendered in %v; serving on http://%s/feed/{n}\n",
		*feeds, *changed, *gen, float64(f.size)/1e6, time.Since(start).Round(time.Millisecond), ln.Addr())
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "feedfarm: %s", f.stats())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "feedfarm:", err)
	os.Exit(1)
}

// farm holds every feed's body and validators, rendered once.
type farm struct {
	bodies   [][]byte
	etags    []string
	modified []time.Time
	size     int

	full, notModified, other atomic.Int64
}

// epoch is the Last-Modified of generation 0; each later generation is an
// hour newer.
var epoch = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func newFarm(feeds, gen, changed int) *farm {
	f := &farm{}
	for n := range feeds {
		g := 0
		if n < changed {
			g = gen
		}
		var b bytes.Buffer
		benchfeed.Write(&b, n, g)
		f.bodies = append(f.bodies, b.Bytes())
		f.etags = append(f.etags, fmt.Sprintf(`"%d-%d"`, n, g))
		f.modified = append(f.modified, epoch.Add(time.Duration(g)*time.Hour))
		f.size += b.Len()
	}
	return f
}

func (f *farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/stats" {
		io.WriteString(w, f.stats())
		return
	}
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if !strings.HasPrefix(r.URL.Path, "/feed/") || err != nil || n < 0 || n >= len(f.bodies) {
		f.other.Add(1)
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/rss+xml; charset=utf-8")
	h.Set("ETag", f.etags[n])
	// ServeContent answers If-None-Match (before If-Modified-Since, as
	// RFC 9110 says) and If-Modified-Since with 304.
	cw := &codeWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", f.modified[n], bytes.NewReader(f.bodies[n]))
	switch cw.code {
	case http.StatusOK:
		f.full.Add(1)
	case http.StatusNotModified:
		f.notModified.Add(1)
	default:
		f.other.Add(1)
	}
}

func (f *farm) stats() string {
	return fmt.Sprintf("200: %d, 304: %d, other: %d\n", f.full.Load(), f.notModified.Load(), f.other.Load())
}

// codeWriter remembers the status written.
type codeWriter struct {
	http.ResponseWriter
	code int
}

func (c *codeWriter) WriteHeader(code int) {
	c.code = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *codeWriter) Write(p []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return c.ResponseWriter.Write(p)
}

// writeConfig writes a wirefeed config with one source per feed of the
// farm at base.
func writeConfig(w io.Writer, base string, feeds int, db string) {
	fmt.Fprintf(w, `# wirefeed config for feedfarm (go run ./internal/cmd/feedfarm -print-config):
# %d sources on the farm at %s, defaults for everything else.
storage:
  path: %q

fetch:
  # The farm is on loopback, which fetches may not reach otherwise.
  allow_networks: [127.0.0.0/8]

sections:
  - id: politics
    title: Politics
  - id: economy
    title: Economy
  - id: sports
    title: Sports
  - id: other
    title: Other

sources:
`, feeds, base, db)
	for n := range feeds {
		fmt.Fprintf(w, `  - id: farm%d
    name: Farm wire %d
    url: %s/feed/%d
    categories: {Politics: politics, Economy: economy, Sports: sports, Other: other}
    fallback: other
`, n, n, base, n)
	}
}
