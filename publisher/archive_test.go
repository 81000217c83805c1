package publisher

import (
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"wirefeed/store"
)

// archiveReader serves a section of 250 stories with ids 1..250, pages of
// store.ArchivePageSize ids.
type archiveReader struct {
	fakeReader
	stories []store.Story
}

func (a *archiveReader) ArchivePage(_ context.Context, section string, n int) ([]store.Story, error) {
	var out []store.Story
	for _, st := range a.stories {
		if (st.ID-1)/store.ArchivePageSize == int64(n) {
			out = append(out, st)
		}
	}
	slices.Reverse(out)
	return out, nil
}

func (a *archiveReader) CurrentArchivePage(context.Context) (int, error) {
	return int((a.stories[len(a.stories)-1].ID - 1) / store.ArchivePageSize), nil
}

func TestArchivePagesWalkEveryStoryOnce(t *testing.T) {
	r := &archiveReader{}
	for i := 1; i <= 250; i++ {
		r.stories = append(r.stories, store.Story{
			ID: int64(i), SourceID: "nation", PublicID: fmt.Sprintf("tag:news.example.com,2026:nation/%d", i),
			Title: fmt.Sprintf("Story %d", i), Link: fmt.Sprintf("https://www.nationthailand.com/news/%d", i),
			Published: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		})
	}
	r.fakeReader.stories = map[string][]store.Story{"politics": r.stories[200:]}
	p := New(testConfig(), r)

	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	type page struct {
		Links   []link    `xml:"link"`
		Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	rel := func(pg page, name string) string {
		for _, l := range pg.Links {
			if l.Rel == name {
				return strings.TrimPrefix(l.Href, testBase)
			}
		}
		return ""
	}
	var sub page
	xml.Unmarshal([]byte(fetch(t, p.Handler(), "/feeds/politics.atom")), &sub)
	next := rel(sub, "prev-archive")
	if next != "/feeds/politics/archive/current.atom" {
		t.Fatalf("subscription feed's prev-archive = %q", next)
	}
	seen := map[string]int{}
	pages := 0
	for next != "" {
		var pg page
		if err := xml.Unmarshal([]byte(fetch(t, p.Handler(), next)), &pg); err != nil {
			t.Fatal(err)
		}
		complete := pg.Archive != nil
		if pages == 0 && complete {
			t.Error("the current page is marked complete")
		}
		if pages > 0 && !complete {
			t.Errorf("%s is not marked fh:archive", next)
		}
		if rel(pg, "current") != "/feeds/politics.atom" {
			t.Errorf("%s: current = %q", next, rel(pg, "current"))
		}
		for _, e := range pg.Entries {
			seen[e.ID]++
		}
		pages++
		next = rel(pg, "prev-archive")
	}
	if pages != 3 || len(seen) != 250 {
		t.Fatalf("walked %d pages, %d stories; want 3 and 250", pages, len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
	// Stable addresses: page 1 links its neighbours.
	var one page
	xml.Unmarshal([]byte(fetch(t, p.Handler(), "/feeds/politics/archive/1.atom")), &one)
	if rel(one, "prev-archive") != "/feeds/politics/archive/0.atom" || rel(one, "next-archive") != "/feeds/politics/archive/2.atom" {
		t.Errorf("page 1 links %+v", one.Links)
	}
	for _, bad := range []string{"/feeds/politics/archive/3.atom", "/feeds/politics/archive/-1.atom", "/feeds/politics/archive/01.atom", "/feeds/nosuch/archive/0.atom"} {
		if res := get(t, p.Handler(), "GET", bad); res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", bad, res.StatusCode)
		}
	}
	// RSS and JSON Feed carry the same walk.
	if rss := fetch(t, p.Handler(), "/feeds/politics/archive/1.rss"); !strings.Contains(rss, `rel="prev-archive"`) || !strings.Contains(rss, "archive xmlns=\"http://purl.org/syndication/history/1.0\"") {
		t.Error("RSS archive page lacks its links or fh:archive")
	}
	if js := fetch(t, p.Handler(), "/feeds/politics/archive/1.json"); !strings.Contains(js, `"next_url":"`+testBase+`/feeds/politics/archive/0.json"`) {
		t.Error("JSON Feed archive page lacks next_url to the older page")
	}
}
