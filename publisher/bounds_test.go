package publisher

import (
	"fmt"
	"strings"
	"testing"

	"wirefeed/internal/bounds"
	"wirefeed/store"
)

// A story stored before ingest was bounded (40,000 categories, a 9 MB
// title, thousands of authors and enclosures) renders bounded: it made
// every rendering of its sections take seconds.
func TestRenderBoundsStoredStories(t *testing.T) {
	p, r := newTestPublisher(t)
	huge := testStories()[0]
	huge.Title = strings.Repeat("ข่าว ", 9<<20/13)
	huge.Summary = "<p>" + strings.Repeat("<b>big</b> ", 1<<20/11)
	huge.Content = strings.Repeat("<div>", 100_000) + strings.Repeat("long ", 1<<20/5)
	huge.Categories, huge.Authors, huge.Enclosures = nil, nil, nil
	for i := range 40_000 {
		huge.Categories = append(huge.Categories, fmt.Sprintf("category-%d", i))
		huge.Authors = append(huge.Authors, store.Person{Name: fmt.Sprintf("author-%d", i)})
		huge.Enclosures = append(huge.Enclosures, store.Enclosure{URL: fmt.Sprintf("https://jen.jiji.com/e/%d.mp3", i), Type: "audio/mpeg"})
	}
	r.stories["economy"] = []store.Story{huge}
	for _, ext := range []string{"rss", "atom", "json"} {
		body := fetch(t, p.Handler(), "/feeds/economy."+ext)
		for _, c := range []struct {
			what  string
			count int
			bound int
		}{
			{"categories", strings.Count(body, "category-"), bounds.Categories},
			{"authors", strings.Count(body, "author-"), bounds.Authors},
			{"enclosures", strings.Count(body, ".mp3"), bounds.Enclosures},
		} {
			if c.count == 0 || c.count > c.bound*2 { // JSON Feed writes authors twice
				t.Errorf("%s: %d %s, want at most the bound of %d", ext, c.count, c.what, c.bound)
			}
		}
		if len(body) > 4*(bounds.Title+bounds.Summary+bounds.Content) {
			t.Errorf("%s: %d bytes for one story", ext, len(body))
		}
	}
}
