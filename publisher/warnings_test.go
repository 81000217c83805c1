package publisher

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wirefeed/config"
	"wirefeed/internal/feedcheck"
	"wirefeed/store"
)

// warningPaths are the documents checked for validator warnings: section
// feeds, filtered feeds (whose self link must keep their query) and, where
// the reader has archives, archive pages asked for by number and as
// "current".
var warningPaths = []string{
	"/feeds/economy", "/feeds/headlines",
	"/feeds/headlines?source=nation", "/feeds/all?source=jiji", "/feeds/headlines?q=yen&limit=2",
}

func checkWarnings(t *testing.T, h http.Handler, paths []string) {
	t.Helper()
	for _, path := range paths {
		for _, ext := range []string{"rss", "atom", "json"} {
			p := path + "." + ext
			query := ""
			if i := strings.IndexByte(path, '?'); i >= 0 {
				p, query = path[:i]+"."+ext, path[i:]
			}
			res := get(t, h, "GET", p+query)
			if res.StatusCode != http.StatusOK {
				continue // e.g. a section the fixture's config lacks
			}
			for _, w := range feedcheck.Warnings(ext, body(t, res), testBase+p+query) {
				t.Errorf("%s%s: %s", p, query, w)
			}
		}
	}
}

func TestFeedsHaveNoValidatorWarnings(t *testing.T) {
	for name, stories := range validityFixtures() {
		t.Run(name, func(t *testing.T) {
			checkWarnings(t, New(testConfig(), staticReader(stories)).Handler(), warningPaths)
		})
	}
	t.Run("golden", func(t *testing.T) {
		checkWarnings(t, goldenPublisher(t).Handler(), append(warningPaths,
			"/feeds/thailand", "/feeds/sports", "/feeds/headlines/archive/1", "/feeds/headlines/archive/current",
			"/feeds/headlines/archive/0"))
	})
}

// A section whose id is in its own script (as an OPML folder "การเมือง"
// becomes) is served at its percent-encoded URL, which its feeds' self
// links repeat.
func TestSectionIDInItsOwnScript(t *testing.T) {
	cfg := testConfig()
	cfg.Sections = append(cfg.Sections, config.Section{ID: "การเมือง", Title: "การเมือง", Limit: 10})
	p := New(cfg, &fakeReader{stories: map[string][]store.Story{"การเมือง": testStories()[1:2]}})
	path := "/feeds/" + url.PathEscape("การเมือง")
	checkWarnings(t, p.Handler(), []string{path})
	if res := get(t, p.Handler(), "GET", path+".atom"); res.StatusCode != http.StatusOK {
		t.Fatalf("%s.atom: %d", path, res.StatusCode)
	}
}
