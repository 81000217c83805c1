package site_test

import (
	"context"
	re "regexp"
	"strings"
	"testing"
)

// manySource puts a partner of numbered stories in "other".
const manySource = `  - id: harbour
    name: Harbour Wire
    url: PARTNER/many/45
    sections: [other]
`

// titlesOn lists the harbour stories on a section page, in order.
func titlesOn(page string) []string {
	return re.MustCompile(`>(Harbour report \d+)</a></h2>`).FindAllString(page, -1)
}

func TestSectionPagesNeverRepeatNorSkipWhileStoriesArrive(t *testing.T) {
	s := newTestSite(t, manySource)
	seen := map[string]int{}
	path := "/sections/other?source=harbour"
	pages := 0
	for path != "" {
		page := s.page(t, path)
		for _, title := range titlesOn(page) {
			seen[title]++
		}
		pages++
		if pages == 1 {
			// New stories arrive after the first page was read.
			s.pullMore(t, "harbour", 60)
		}
		path = ""
		if m := re.MustCompile(`<a href="([^"]+)" rel="next">Older stories</a>`).FindStringSubmatch(page); m != nil {
			path = s.path(strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 3 || len(seen) != 45 {
		t.Fatalf("%d pages showed %d stories, want the 45 there were on 3 pages", pages, len(seen))
	}
	for title, n := range seen {
		if n != 1 {
			t.Errorf("%s shown %d times", title, n)
		}
	}
	// The first page now starts with the newest arrival.
	if got := titlesOn(s.page(t, "/sections/other?source=harbour")); len(got) != 20 || !strings.Contains(got[0], "Harbour report 60") {
		t.Errorf("first page after the arrivals = %v", got)
	}
}

func TestSectionSearchAndPartnerPages(t *testing.T) {
	s := newTestSite(t, manySource)
	page := s.page(t, "/sections/nation?q=NIGHT+market")
	contains(t, "search", page, "Bangkok opens floating night market on Chao Phraya riverbank", `value="NIGHT market"`)
	if strings.Contains(mainOf(page), "Cabinet approves") {
		t.Error("the search shows a story that does not match")
	}
	if page := s.page(t, "/sections/nation?q=%E0%B9%82%E0%B8%A3%E0%B8%87%E0%B9%81%E0%B8%A3%E0%B8%A1"); !strings.Contains(page, "เชียงใหม่เตรียมรับ") {
		t.Error("a Thai search word in the lead finds nothing")
	}
	if page := s.page(t, "/sections/nation?q=zzzz"); !strings.Contains(page, "No story matches “zzzz”.") {
		t.Error("an empty search says nothing")
	}
	// A search goes on past its window: report 3 is among the oldest.
	if page := s.page(t, "/sections/other?q=report+3"); !strings.Contains(page, ">Harbour report 3</a>") {
		t.Error("search misses an old story")
	}
	page = s.page(t, "/sections/nation?source=siam")
	contains(t, "partner page", page, "<h1>Nation: stories from Test Siam Daily</h1>",
		`href="`+s.base+`/feeds/nation.rss?source=siam"`, `href="`+s.base+`/feeds/nation.atom?source=siam"`,
		`<input type="hidden" name="source" value="siam">`)
	if strings.Contains(mainOf(page), "Bangkok opens floating") {
		t.Error("the partner page shows another partner's story")
	}
	for _, bad := range []string{"/sections/nation?source=nobody", "/sections/nation?after=x", "/sections/nation?q=" + strings.Repeat("a", 201)} {
		if res, _ := s.get(t, bad); res.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

// pullMore makes the harbour partner carry n stories and pulls it.
func (s *testSite) pullMore(t testing.TB, id string, n int) {
	t.Helper()
	src, _ := s.daemon.Config().SourceByID(id)
	src.URL = strings.Replace(src.URL, "/many/45", "/many/"+itoa(int64(n)), 1)
	if rep := s.daemon.Aggregator().Fetch(context.Background(), src); rep.Err != nil || rep.New != n-45 {
		t.Fatalf("pull %s: %+v", id, rep)
	}
}
