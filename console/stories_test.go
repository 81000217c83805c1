package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// get fetches a public URL of the desk.
func (d *desk) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(d.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// TestHideStory: an editor finds a story, sees why it is where it is,
// and hides it with a note: it leaves the section's feeds and archive
// page (Atom says so with an RFC 6721 tombstone, RSS changes its
// validator) and the site; the audit log shows who hid it and why.
func TestHideStory(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	c.signIn("", adminToken)
	c.do("POST", "/admin/sources/nation/fetch", url.Values{"csrf": {c.csrf("/admin/sources")}})
	_, found := c.do("GET", "/admin/stories?q=BUDGET&source=nation", nil)
	href := regexpFind(t, `<a href="(/admin/stories/\d+)">Parliament debates the budget</a>`, found)
	_, page := c.do("GET", href, nil)
	if !strings.Contains(page, "routing under") || !strings.Contains(page, "stored in:") {
		t.Fatalf("story page lacks the routing report:\n%s", page)
	}
	rssBefore, rssBody := d.get(t, "/feeds/nation.rss")
	_, atom := d.get(t, "/feeds/nation.atom")
	entryID := regexpFind(t, `<entry>.*?<id>([^<]+)</id>`, strings.ReplaceAll(atom, "\n", ""))
	if !strings.Contains(rssBody, "Parliament debates the budget") {
		t.Fatal("the story is not in the feed to begin with")
	}
	// A note is required, said next to its field in the API's words.
	res, body := c.do("POST", href+"/hide", url.Values{"csrf": {c.csrf(href)}, "note": {" "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="note-error">required: say why`) {
		t.Fatalf("hide without a note: %d\n%s", res.StatusCode, body)
	}
	if res, _ := c.do("POST", href+"/hide", url.Values{"csrf": {c.csrf(href)}, "note": {"legal kill"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.StatusCode)
	}
	_, atom = d.get(t, "/feeds/nation.atom")
	if !strings.Contains(atom, `xmlns:at="http://purl.org/atompub/tombstones/1.0"`) ||
		!strings.Contains(atom, `<at:deleted-entry ref="`+entryID+`" when="`) || strings.Contains(atom, "<entry>") {
		t.Fatalf("Atom after hiding:\n%s", atom)
	}
	rssAfter, rssBody := d.get(t, "/feeds/nation.rss")
	if strings.Contains(rssBody, "Parliament debates the budget") || rssAfter.Header.Get("ETag") == rssBefore.Header.Get("ETag") {
		t.Fatalf("RSS after hiding (ETag %s, was %s):\n%s", rssAfter.Header.Get("ETag"), rssBefore.Header.Get("ETag"), rssBody)
	}
	for _, path := range []string{"/feeds/nation.json", "/feeds/all.rss", "/feeds/nation/archive/0.rss", "/sections/nation", "/"} {
		if _, body := d.get(t, path); strings.Contains(body, "Parliament debates the budget") {
			t.Errorf("%s still shows the hidden story", path)
		}
	}
	_, page = c.do("GET", href, nil)
	if !strings.Contains(page, `id="hidden-state">Hidden from the site and every feed since`) || !strings.Contains(page, "by admin token: legal kill") ||
		!strings.Contains(page, "stored in:") {
		t.Fatalf("story page after hiding:\n%s", page)
	}
	_, audit := c.do("GET", "/admin/audit", nil)
	if !strings.Contains(audit, "<td>admin token</td><td>hide story ") || !strings.Contains(audit, "legal kill") {
		t.Fatalf("audit log:\n%s", audit)
	}
}

// TestPinStory: an editor pins the older of two stories to the top of
// its section for six hours: it leads the section's feed and page; the
// audit log records it; unpinning puts the newest first again.
func TestPinStory(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	c.signIn("", adminToken)
	token := c.csrf("/admin/sources/new")
	c.do("POST", "/admin/sources", url.Values{"csrf": {token}, "id": {"harbour"}, "url": {d.partner + "/feeds/harbour.rss"}, "sections": {"nation"}})
	c.do("POST", "/admin/sources/harbour/fetch", url.Values{"csrf": {token}})
	firstTitle := func() string {
		_, rss := d.get(t, "/feeds/nation.rss")
		return regexpFind(t, `(?s)<item>.*?<title>([^<]+)</title>`, rss)
	}
	if got := firstTitle(); got != "Ferry timetable changes for the cold season" {
		t.Fatalf("newest first before pinning: %q", got)
	}
	_, found := c.do("GET", "/admin/stories?q=rowing", nil)
	href := regexpFind(t, `<a href="(/admin/stories/\d+)">Harbour rowing club wins regional cup</a>`, found)
	res, body := c.do("POST", href+"/pin", url.Values{"csrf": {token}, "section": {"nation"}, "for": {"a fortnight"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="for-error">want a duration up to a week`) {
		t.Fatalf("pin for a fortnight: %d\n%s", res.StatusCode, body)
	}
	if res, _ := c.do("POST", href+"/pin", url.Values{"csrf": {token}, "section": {"nation"}, "for": {"6h"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pin: %d", res.StatusCode)
	}
	if got := firstTitle(); got != "Harbour rowing club wins regional cup" {
		t.Fatalf("first in the feed after pinning: %q", got)
	}
	if _, page := d.get(t, "/sections/nation"); strings.Index(page, "Harbour rowing club") > strings.Index(page, "Ferry timetable") {
		t.Error("the pinned story does not lead the section page")
	}
	_, page := c.do("GET", href, nil)
	if !strings.Contains(page, "Pinned to the top of nation until") {
		t.Fatalf("story page after pinning:\n%s", page)
	}
	_, audit := c.do("GET", "/admin/audit", nil)
	if !strings.Contains(audit, "<td>admin token</td><td>pin story ") {
		t.Fatalf("audit log lacks the pin:\n%s", audit)
	}
	c.do("POST", href+"/unpin", url.Values{"csrf": {token}, "section": {"nation"}})
	if got := firstTitle(); got != "Ferry timetable changes for the cold season" {
		t.Fatalf("first after unpinning: %q", got)
	}
}
