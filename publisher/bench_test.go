package publisher

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"wirefeed/store"
)

// staticReader serves the same stories to every query.
type staticReader []store.Story

func (s staticReader) SectionStories(context.Context, string, int) ([]store.Story, error) {
	return s, nil
}

func (s staticReader) FilterStories(context.Context, string, store.Filter) ([]store.Story, error) {
	return s, nil
}

// benchStories returns n stories of realistic size: ~1.5 KB of HTML each.
func benchStories(n int) []store.Story {
	para := "<p>Officials said on Monday that the measures, which take effect next month, " +
		"would affect exporters in the eastern provinces &amp; the capital, according to " +
		"a statement released by the ministry. Analysts expect <em>further</em> changes.</p>\n"
	content := strings.Repeat(para, 6) // 1.45 KB
	base := time.Date(2024, 6, 3, 12, 0, 0, 0, time.UTC)
	out := make([]store.Story, n)
	for i := range out {
		t := base.Add(-time.Duration(i) * 17 * time.Minute)
		out[i] = store.Story{
			ID:         int64(n - i),
			SourceID:   []string{"nation", "jiji"}[i%2],
			PublicID:   fmt.Sprintf("tag:news.example.com,2024:story/%d", n-i),
			Link:       fmt.Sprintf("https://www.nationthailand.com/news/general/%d", 40038000+i),
			Title:      fmt.Sprintf("Government announces new export measures, part %d", i),
			Summary:    "<p>Officials said the measures take effect next month.</p>",
			Content:    content,
			Authors:    []store.Person{{Name: "Somchai K."}},
			Categories: []string{"Economy", "Trade"},
			Enclosures: []store.Enclosure{{URL: "https://www.nationthailand.com/img/1.jpg", Type: "image/jpeg", Length: 52311}},
			Image:      "https://www.nationthailand.com/img/1-thumb.jpg",
			Language:   "en",
			Published:  t,
			Updated:    t,
		}
	}
	return out
}

// benchmarkRender measures one rendering of a 50-story section: reading
// the (in-memory) stories, building the feed, encoding and gzipping it.
// With cold set, the clean cache is emptied before each rendering, so every
// story is sanitized again, as on the first rendering after a start.
func benchmarkRender(b *testing.B, ext string, cold bool) {
	p := New(testConfig(), staticReader(benchStories(50)))
	sec := p.byID["headlines"]
	sec.Limit = 50
	f := formatByExt(ext)
	ctx := context.Background()
	res, err := p.render(ctx, sec, f)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(res.plain.body)))
	b.ReportAllocs()
	for b.Loop() {
		if cold {
			p.clean = newCleanCache(0)
		}
		if _, err := p.render(ctx, sec, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderRSS(b *testing.B)      { benchmarkRender(b, "rss", false) }
func BenchmarkRenderAtom(b *testing.B)     { benchmarkRender(b, "atom", false) }
func BenchmarkRenderJSON(b *testing.B)     { benchmarkRender(b, "json", false) }
func BenchmarkRenderRSSCold(b *testing.B)  { benchmarkRender(b, "rss", true) }
func BenchmarkRenderAtomCold(b *testing.B) { benchmarkRender(b, "atom", true) }
func BenchmarkRenderJSONCold(b *testing.B) { benchmarkRender(b, "json", true) }
