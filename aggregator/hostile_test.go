package aggregator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/bounds"
	"wirefeed/store"
)

// hostileFeeds are documents shaped to make a careless parser or
// normaliser do unbounded work, each list n entries long and each huge
// field about 50·n bytes: a partner once sent one item with 200,000
// categories. Each document holds one hostile item (guid "hostile") after
// an ordinary one.
func hostileFeeds(n int) map[string]string {
	rss := func(item string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Hostile</title><link>https://partner.example/</link>` +
			`<item><title>Ordinary</title><link>https://partner.example/ordinary</link><guid>ordinary</guid></item>` +
			`<item><guid>hostile</guid><link>https://partner.example/hostile</link>` + item + `</item></channel></rss>`
	}
	repeat := func(format string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	huge := strings.Repeat("ข่าวใหญ่ 大ニュース big news ", 50*n/40)
	nested := strings.Repeat("<div>", n) + "deep" + strings.Repeat("</div>", n)
	var atom strings.Builder
	atom.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile</title><id>urn:x</id><updated>2026-11-28T10:00:00Z</updated>`)
	atom.WriteString(`<entry><title>Hostile</title><id>hostile</id><updated>2026-11-28T10:00:00Z</updated>`)
	atom.WriteString(repeat(`<author><name>Reporter %d</name></author><link rel="enclosure" href="https://partner.example/a/%[1]d.mp3" type="audio/mpeg" length="1"/><link rel="alternate" href="https://partner.example/l/%[1]d"/><category term="c%[1]d"/>`))
	atom.WriteString(`</entry></feed>`)
	var json strings.Builder
	json.WriteString(`{"version":"https://jsonfeed.org/version/1.1","title":"Hostile","items":[{"id":"hostile","title":"Hostile","url":"https://partner.example/hostile","tags":[`)
	json.WriteString(strings.TrimSuffix(repeat(`"tag %d",`), ","))
	json.WriteString(`],"attachments":[`)
	json.WriteString(strings.TrimSuffix(repeat(`{"url":"https://partner.example/f/%d.jpg","mime_type":"image/jpeg"},`), ","))
	json.WriteString(`],"authors":[`)
	json.WriteString(strings.TrimSuffix(repeat(`{"name":"Reporter %d"},`), ","))
	json.WriteString(`]}]}`)
	return map[string]string{
		"categories":  rss(`<title>Many categories</title>` + repeat(`<category>Category %d</category>`)),
		"repeats":     rss(`<title>One category, many times</title>` + strings.Repeat("<category>POLITICS</category><category> politics\n</category><category>ＰＯＬＩＴＩＣＳ</category>", n)),
		"enclosures":  rss(`<title>Many enclosures</title>` + repeat(`<enclosure url="https://partner.example/e/%d.mp3" type="audio/mpeg" length="1"/><dc:creator>Reporter</dc:creator><media:content url="https://partner.example/m.jpg"/>`)),
		"title":       rss(`<title>` + huge + `</title>`),
		"description": rss(`<title>Huge description</title><description><![CDATA[<p>` + huge + `</p>]]></description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[` + huge + huge + `]]></content:encoded>`),
		"nested-html": rss(`<description><![CDATA[` + nested + `]]></description>`),
		"nested-xml":  rss(`<title>Deep XML</title><x:deep xmlns:x="urn:x">` + strings.Repeat("<x:a>", n) + strings.Repeat("</x:a>", n) + `</x:deep>`),
		"link":        strings.Replace(rss(`<title>Huge link</title>`), "https://partner.example/hostile", "https://partner.example/"+strings.Repeat("x", 50*n), 1),
		"atom":        atom.String(),
		"json":        json.String(),
	}
}

// A pull of each hostile document finishes well inside fetch.timeout and
// stores the hostile story bounded: at most bounds.Categories categories
// (the partner's first, as spelt), a title cut to bounds.Title, and so on.
// Before the bounds, 40,000 categories took minutes of CPU, quadratic in
// the list, and every story was stored whole.
func TestHostilePullsAreBounded(t *testing.T) {
	const n = 40_000
	h := newHarnessConfig(t, strings.Replace(testConfig, "timeout: 5s", "timeout: 20s", 1))
	for name, doc := range hostileFeeds(n) {
		t.Run(name, func(t *testing.T) {
			h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(doc))
			})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			rep := h.agg.FetchAll(ctx, "misc")[0]
			if ctx.Err() != nil {
				t.Fatalf("the pull outlived a generous deadline")
			}
			if rep.Err != nil {
				t.Fatalf("pull of %d bytes: %v", len(doc), rep.Err)
			}
			var st *store.Story
			stories := h.section(t, "other")
			for i := range stories {
				if stories[i].GUID == "hostile" {
					st = &stories[i]
				}
			}
			if st == nil {
				t.Fatalf("hostile story not stored; stored %q", titles(stories))
			}
			checkBounded(t, st)
			switch name {
			case "categories":
				if len(st.Categories) != bounds.Categories || st.Categories[0] != "Category 0" || st.Categories[99] != "Category 99" {
					t.Errorf("categories: %d, first %q, want the partner's first %d", len(st.Categories), st.Categories[0], bounds.Categories)
				}
			case "repeats":
				if strings.Join(st.Categories, "|") != "POLITICS" {
					t.Errorf("categories %q, want one: POLITICS", st.Categories)
				}
			case "title":
				if !strings.HasPrefix(st.Title, "ข่าวใหญ่ 大ニュース") || !strings.HasSuffix(st.Title, bounds.Ellipsis) {
					t.Errorf("title not cut to its start: %.80q", st.Title)
				}
			case "link":
				if st.Link != "" {
					t.Errorf("a %d-byte link was kept", len(st.Link))
				}
			}
		})
	}
}

// checkBounded fails t unless st keeps within every bound.
func checkBounded(t *testing.T, st *store.Story) {
	t.Helper()
	for _, f := range []struct {
		name  string
		n, at int
	}{
		{"title bytes", len(st.Title), bounds.Title},
		{"summary bytes", len(st.Summary), bounds.Summary},
		{"content bytes", len(st.Content), bounds.Content},
		{"link bytes", len(st.Link), bounds.URL},
		{"GUID bytes", len(st.GUID), bounds.URL},
		{"categories", len(st.Categories), bounds.Categories},
		{"authors", len(st.Authors), bounds.Authors},
		{"enclosures", len(st.Enclosures), bounds.Enclosures},
	} {
		if f.n > f.at {
			t.Errorf("%s: %d, more than the bound of %d", f.name, f.n, f.at)
		}
	}
}

func TestCleanCategoriesKeepsThePartnersSpelling(t *testing.T) {
	got := cleanCategories([]string{" 日本　経済 ", "Politics", "\n\t politics\n", "ＰＯＬＩＴＩＣＳ", "Sports\t \tNews", "　", "", "日本 経済"})
	want := []string{"日本　経済", "Politics", "Sports News"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cleanCategories = %q, want %q", got, want)
	}
}

// When fetch.timeout ends during the parse, the parse stops: it does not
// read the rest of the document.
func TestParseStopsAtTheDeadline(t *testing.T) {
	doc := []byte(hostileFeeds(20_000)["categories"])
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := parseFeed(ctx, doc); !errors.Is(err, context.Canceled) {
		t.Fatalf("parse after the deadline: %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	err := deadline(func() error { _, err := parseFeed(ctx, doc); return err }(), 30*time.Second)
	if err == nil || !strings.Contains(err.Error(), "timed out after 30s (fetch.timeout)") {
		t.Errorf("parse after fetch.timeout: %v", err)
	}
}

func TestNormalizeStopsAtTheDeadline(t *testing.T) {
	h := newHarness(t)
	feed, err := parseFeed(context.Background(), []byte(hostileFeeds(10)["categories"]))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src, _ := h.cfg.SourceByID("misc")
	if _, _, err := h.agg.normalize(ctx, src, src.URL, feed, testNow); !errors.Is(err, context.Canceled) {
		t.Errorf("normalize after the deadline: %v, want context.Canceled", err)
	}
}

// BenchmarkHostilePull pulls each hostile document over loopback into
// SQLite, each as large as fetch.max_body lets it be: 200,000 entries to
// a list (the size a partner sent), or fewer where that is over 10 MiB.
//
//	go test -run '^$' -bench HostilePull -benchtime 3x ./aggregator/
func BenchmarkHostilePull(b *testing.B) {
	h := newHarnessConfig(b, testConfig)
	docs := map[string]string{}
	for n := 200_000; len(docs) < len(hostileFeeds(1)); n /= 2 {
		for name, doc := range hostileFeeds(n) {
			if _, done := docs[name]; !done && len(doc) < DefaultMaxBody {
				docs[name] = doc
			}
		}
	}
	for name, doc := range docs {
		b.Run(name, func(b *testing.B) {
			pulls := 0
			h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
				// Another body each time, as a hostile partner would
				// send: the same body again is not parsed.
				w.Write([]byte(doc + strings.Repeat(" ", pulls)))
			})
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				pulls++
				if rep := h.agg.FetchAll(context.Background(), "misc")[0]; rep.Err != nil {
					b.Fatal(rep.Err)
				}
			}
		})
	}
}
