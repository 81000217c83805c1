package aggregator

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/config"
	"wirefeed/internal/benchfeed"
	"wirefeed/internal/wiretext"
	"wirefeed/store"
)

// benchItems is the number of items per generated feed (benchfeed.Items).
const benchItems = benchfeed.Items

// cpuTime returns the process's user+system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func peakRSSMiB(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

// BenchmarkIngest pulls one 50-item, ~75 KB feed of new stories per
// iteration over loopback HTTP into a store that grows as it goes, next to
// gofeed alone parsing the same bytes. Compare the cpu-ns/feed figures:
// the target is ingest <= 1.3x parse. Run with -benchtime=1000x for the
// README figures (1,000 feeds).
func BenchmarkIngest(b *testing.B) {
	b.Run("gofeed-parse", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		var cpu time.Duration
		for n := 0; b.Loop(); n++ {
			b.StopTimer()
			buf.Reset()
			benchfeed.Write(&buf, n, 0)
			b.SetBytes(int64(buf.Len()))
			c0 := cpuTime(b)
			b.StartTimer()
			if _, err := gofeed.NewParser().Parse(bytes.NewReader(buf.Bytes())); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime(b) - c0
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/feed")
	})
	b.Run("wirefeed-ingest", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
			var buf bytes.Buffer
			benchfeed.Write(&buf, n, 0)
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(buf.Bytes())
		}))
		defer srv.Close()
		st, cfg := benchStore(b)
		src := config.Source{ID: "wire", URL: srv.URL, Categories: map[string]config.StringList{
			"Politics": {"politics"}, "Economy": {"economy"}, "Sports": {"sports"},
		}, Fallback: "other"}
		if err := st.SyncSources(context.Background(), []store.Source{{ID: src.ID}}); err != nil {
			b.Fatal(err)
		}
		agg := New(cfg, st, Options{})
		ctx := context.Background()
		b.ReportAllocs()
		var cpu time.Duration
		for n := 0; b.Loop(); n++ {
			src.URL = srv.URL + "/feed/" + strconv.Itoa(n)
			c0 := cpuTime(b)
			rep := agg.Fetch(ctx, src)
			cpu += cpuTime(b) - c0
			if rep.Err != nil || rep.New != benchItems {
				b.Fatalf("fetch %d: %+v", n, rep)
			}
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/feed")
		b.ReportMetric(peakRSSMiB(b), "peak-RSS-MiB")
	})
}

// repollFeeds is how many sources BenchmarkRepoll polls per pass.
const repollFeeds = 1000

// writeRepollFeed writes feed number feed: benchItems stories of its own,
// under extra stories of generation gen, every story with text of its own
// (the store clusters near-duplicate stories across partners).
func writeRepollFeed(w *bytes.Buffer, feed, gen, extra int) {
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Wire ` + strconv.Itoa(feed) + `</title><link>https://wire.example/</link><description>Generated</description><language>en</language>
`)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("", 9*3600))
	write := func(id string, seed uint64, minute int) {
		rng := rand.New(rand.NewPCG(seed, uint64(feed)))
		// Drawn from benchText's large vocabulary: with a small one every
		// generated story would look like a copy of every other.
		sentence := func(n int) string { return wiretext.Words(rng.Uint64(), n) }
		fmt.Fprintf(w, `<item><title>%s</title><link>https://wire.example/%d/%s</link><guid isPermaLink="false">wire-%d-%s</guid>
<pubDate>%s</pubDate><dc:creator>Staff reporter</dc:creator><category>Politics</category>
<description><![CDATA[<p>%s.</p>]]></description>
<content:encoded><![CDATA[<p>%s.</p><p>%s.</p><p>%s.</p>]]></content:encoded>
</item>
`, sentence(10), feed, id, feed, id, base.Add(time.Duration(minute)*time.Minute).Format(time.RFC1123Z),
			sentence(30), sentence(35), sentence(35), sentence(35))
	}
	for i := range extra {
		write("g"+strconv.Itoa(gen)+"-"+strconv.Itoa(i), uint64(gen*1000+i), 10000+gen*10+i)
	}
	for i := range benchItems {
		write(strconv.Itoa(i), uint64(1_000_000+i), i)
	}
	w.WriteString("</channel></rss>\n")
}

// repollPartner serves the feeds of BenchmarkRepoll. It answers 304 to a
// matching If-None-Match unless ignoreValidators is set.
type repollPartner struct {
	mu               sync.RWMutex
	bodies           [][]byte
	etags            []string
	gen              int
	ignoreValidators bool
}

func newRepollPartner(ignoreValidators bool) *repollPartner {
	p := &repollPartner{ignoreValidators: ignoreValidators}
	for i := range repollFeeds {
		var b bytes.Buffer
		writeRepollFeed(&b, i, 0, 0)
		p.bodies = append(p.bodies, b.Bytes())
		p.etags = append(p.etags, `"0"`)
	}
	return p
}

func (p *repollPartner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	p.mu.RLock()
	body, etag := p.bodies[n], p.etags[n]
	p.mu.RUnlock()
	if !p.ignoreValidators {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(body)
}

// nextGeneration gives the first changed feeds 5 new stories on top.
func (p *repollPartner) nextGeneration(changed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	for i := range changed {
		var b bytes.Buffer
		writeRepollFeed(&b, i, p.gen, 5)
		p.bodies[i], p.etags[i] = b.Bytes(), `"`+strconv.Itoa(p.gen)+`"`
	}
}

// BenchmarkRepoll polls 1,000 sources on loopback per iteration, after a
// first pull has stored them all: all unchanged and answering 304; all
// unchanged but ignoring validators (the body hash must catch them); and
// 100 of the 1,000 having gained 5 stories, the rest 304. cpu-s/pass is
// the process's CPU time (user+system) per pass of 1,000 feeds, as in
// BenchmarkIngest: the aggregator's HTTP client, parsing and SQLite, and
// the partner's httptest server too (about a fifth of an unchanged pass; a
// partner in a process of its own costs the aggregator more in wake-ups
// than it saves). The targets are 0.2 for the unchanged feeds and 1 for 100
// changed. Run with -benchtime=5x.
func BenchmarkRepoll(b *testing.B) {
	for _, mode := range []struct {
		name             string
		ignoreValidators bool
		changed          int
	}{
		{"unchanged-304", false, 0},
		{"unchanged-no-validators", true, 0},
		{"100-changed", false, 100},
	} {
		b.Run(mode.name, func(b *testing.B) {
			partner := newRepollPartner(mode.ignoreValidators)
			srv := httptest.NewServer(partner)
			defer srv.Close()
			st, cfg := benchStore(b)
			var rows []store.Source
			for i := range repollFeeds {
				src := config.Source{ID: fmt.Sprintf("f%04d", i), URL: srv.URL + "/feed/" + strconv.Itoa(i), Fallback: "other"}
				cfg.Sources = append(cfg.Sources, src)
				rows = append(rows, store.Source{ID: src.ID, URL: src.URL})
			}
			ctx := context.Background()
			if err := st.SyncSources(ctx, rows); err != nil {
				b.Fatal(err)
			}
			agg := New(cfg, st, Options{})
			pass := func(wantNew int) {
				for _, rep := range agg.FetchAll(ctx) {
					if rep.Err != nil || rep.New != wantNew && rep.New != 0 {
						b.Fatalf("%+v", rep)
					}
				}
			}
			pass(benchItems) // the first pull stores everything

			b.ReportAllocs()
			var cpu time.Duration
			var mallocs uint64
			for b.Loop() {
				b.StopTimer()
				if mode.changed > 0 {
					partner.nextGeneration(mode.changed)
				}
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				c0 := cpuTime(b)
				b.StartTimer()
				pass(5)
				b.StopTimer()
				cpu += cpuTime(b) - c0
				runtime.ReadMemStats(&m1)
				mallocs += m1.Mallocs - m0.Mallocs
				b.StartTimer()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/pass")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*repollFeeds), "cpu-µs/feed")
			b.ReportMetric(float64(mallocs)/float64(b.N*repollFeeds), "allocs/feed")
		})
	}
}

// benchStore opens an empty store for a benchmark and a config with two
// workers and no sources.
func benchStore(b *testing.B) (*store.Store, *config.Config) {
	b.Helper()
	st, err := store.OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, &config.Config{
		Server: config.Server{BaseURL: "https://news.example.com"},
		Fetch: config.Fetch{Timeout: config.Duration(30 * time.Second), Workers: 2,
			// The partners are httptest servers on loopback.
			AllowNetworks: []config.Network{config.Network(netip.MustParsePrefix("127.0.0.0/8"))}},
	}
}
