package publisher

import (
	"net/http"
	"strings"
	"testing"
)

func TestIndex(t *testing.T) {
	p, _ := newTestPublisher(t)
	res := get(t, p.Handler(), "GET", "/")
	b := body(t, res)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	head, _, _ := strings.Cut(b, "</head>")
	for _, s := range testConfig().Sections {
		for _, want := range []string{
			`<link rel="alternate" type="application/rss+xml" title="` + s.Title + ` (RSS)" href="` + testBase + `/feeds/` + s.ID + `.rss">`,
			`<link rel="alternate" type="application/atom+xml" title="` + s.Title + ` (Atom)" href="` + testBase + `/feeds/` + s.ID + `.atom">`,
			`<link rel="alternate" type="application/feed+json" title="` + s.Title + ` (JSON Feed)" href="` + testBase + `/feeds/` + s.ID + `.json">`,
		} {
			if !strings.Contains(head, want) {
				t.Errorf("head lacks %s", want)
			}
		}
		if !strings.Contains(b, `<h2><a href="`+testBase+`/sections/`+s.ID+`">`+s.Title+"</a></h2>") {
			t.Errorf("page lacks section %s", s.Title)
		}
	}
	if !strings.Contains(b, "<p>Politics &amp; government</p>") {
		t.Error("page lacks an escaped section description")
	}
}
