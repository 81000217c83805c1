package aggregator

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/config"
	"wirefeed/store"
)

// benchItems is the number of items per generated feed; with the text below
// a feed is about 75 KB, like a real wire's.
const benchItems = 50

// writeBenchFeed writes feed number n: an RSS 2.0 document of benchItems new
// stories, each with the fields a wire sends (about 1.5 KB of HTML).
func writeBenchFeed(w *bytes.Buffer, n int) {
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Bench wire</title><link>https://wire.example/</link><description>Generated</description><language>en</language>
`)
	categories := []string{"Politics", "Economy", "Sports", "Other"}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("", 9*3600))
	for i := range benchItems {
		id := strconv.Itoa(n) + "-" + strconv.Itoa(i)
		fmt.Fprintf(w, `<item><title>Wire story %s: ministers meet over regional trade and tariffs</title>
<link>https://wire.example/news/%s</link><guid isPermaLink="false">wire-%s</guid>
<pubDate>%s</pubDate><dc:creator>Staff reporter %d</dc:creator><category>%s</category>
<description><![CDATA[<p>Story %s. Officials from both governments met on Friday to discuss a framework for cutting tariffs on auto parts and farm goods, a move analysts said could lift two-way trade by a fifth within three years.</p>]]></description>
<content:encoded><![CDATA[<p>Story %s. Officials from both governments met on Friday to discuss a framework for cutting tariffs on auto parts and farm goods.</p>
<p>Analysts said the agreement could lift two-way trade by a fifth within three years, though farm groups on both sides warned of pressure on smallholders. "We have asked for safeguards," one delegate said.</p>
<p>The talks, the third round this year, are expected to conclude before the end of the fiscal year. Ministers will meet again next month in the capital to review a draft text prepared by officials.</p>
<p>Markets reacted calmly to the news, with the currency little changed against the dollar in afternoon trade and exporters' shares up slightly.</p>]]></content:encoded>
</item>
`, id, id, id, base.Add(time.Duration(n*benchItems+i)*time.Minute).Format(time.RFC1123Z), i%7, categories[i%4], id, id)
	}
	w.WriteString("</channel></rss>\n")
}

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
			writeBenchFeed(&buf, n)
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
			writeBenchFeed(&buf, n)
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(buf.Bytes())
		}))
		defer srv.Close()
		st, err := store.OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		cfg := &config.Config{
			Server: config.Server{BaseURL: "https://news.example.com"},
			Fetch:  config.Fetch{Timeout: config.Duration(30 * time.Second), Workers: 2},
		}
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
