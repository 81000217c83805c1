package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// TestRoundTripEveryFixture ingests each testdata feed, republishes it in
// every format and reads it back with gofeed: title, link, id, dates,
// authors, categories and enclosures must survive.
func TestRoundTripEveryFixture(t *testing.T) {
	for _, file := range []string{"nation.rss", "jiji.rss", "atom.xml", "atom03.xml", "rdf.xml", "rss091.xml", "feed.json", "noguid.rss"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "aggregator", "testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
			defer partner.Close()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.yaml")
			os.WriteFile(path, []byte(fmt.Sprintf(`server: {base_url: "https://news.example.com"}
storage: {path: %q}
fetch: {allow_networks: [127.0.0.0/8]}
sections: [{id: other, title: Other, limit: 100}]
sources: [{id: partner, name: Partner, url: %q, fallback: other}]
`, filepath.Join(dir, "w.db"), partner.URL)), 0o644)
			if code, out, errOut := wirefeed(t, "fetch", "-config", path); code != 0 {
				t.Fatalf("fetch: %s%s", out, errOut)
			}
			src, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			_, srv := serveApp(t, path)
			for _, ext := range []string{"rss", "atom", "json"} {
				resp, err := http.Get(srv.URL + "/feeds/other." + ext)
				if err != nil {
					t.Fatal(err)
				}
				out, err := gofeed.NewParser().Parse(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatalf("%s: %v", ext, err)
				}
				if len(out.Items) != len(src.Items) {
					t.Fatalf("%s: %d items, partner sent %d", ext, len(out.Items), len(src.Items))
				}
				byLink, byTitle := map[string]*gofeed.Item{}, map[string]*gofeed.Item{}
				for _, it := range out.Items {
					byLink[it.Link+"|"+it.Title] = it
					byTitle[it.Title] = it
				}
				for _, want := range src.Items {
					got := byLink[strings.TrimSpace(want.Link)+"|"+strings.TrimSpace(want.Title)]
					if got == nil && strings.TrimSpace(want.Link) == "" && ext == "json" {
						// JSON items without a link of their own get the story's address here.
						got = byTitle[strings.TrimSpace(want.Title)]
					}
					if got == nil {
						t.Errorf("%s: %q (%s) not republished", ext, want.Title, want.Link)
						continue
					}
					if got.GUID == "" {
						t.Errorf("%s: %q republished without an id", ext, want.Title)
					}
					if want.PublishedParsed != nil && (got.PublishedParsed == nil || !got.PublishedParsed.Equal(want.PublishedParsed.Truncate(time.Second))) {
						t.Errorf("%s: %q published %v, want %v", ext, want.Title, got.PublishedParsed, want.PublishedParsed)
					}
					if got.UpdatedParsed == nil && ext != "rss" {
						t.Errorf("%s: %q has no updated time", ext, want.Title)
					}
					for _, c := range want.Categories {
						if !slices.Contains(got.Categories, strings.TrimSpace(c)) {
							t.Errorf("%s: %q lost category %q", ext, want.Title, c)
						}
					}
					for _, a := range want.Authors {
						found := false
						for _, b := range got.Authors {
							found = found || b.Name == a.Name
						}
						if a.Name != "" && !found {
							t.Errorf("%s: %q lost author %q", ext, want.Title, a.Name)
						}
					}
					if len(want.Enclosures) > 0 && (len(got.Enclosures) == 0 || got.Enclosures[0].URL != want.Enclosures[0].URL) {
						t.Errorf("%s: %q lost its enclosure", ext, want.Title)
					}
				}
			}
		})
	}
}
