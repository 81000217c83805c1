package console_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"wirefeed/internal/browsertest"
)

// browser is the chromium process the package's tests share.
var browser browsertest.Browser

// TestBrowserDesk drives the console in chromium with the keyboard only,
// 375 px wide: sign in, add a source through the form, pull it and see
// its stories counted, pause it, and find each action in the audit log.
func TestBrowserDesk(t *testing.T) {
	d := newDesk(t)
	ctx, errs := browser.NewTab(t)
	run := func(actions ...chromedp.Action) { t.Helper(); browsertest.Run(t, ctx, actions...) }
	var text string
	run(emulation.SetDeviceMetricsOverride(375, 800, 1, true),
		chromedp.Navigate(d.base+"/admin/"),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.Focus(`#password`, chromedp.ByQuery),
		chromedp.KeyEvent("wrong-token"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#password-error`, chromedp.ByQuery),
		chromedp.Text(`#password-error`, &text, chromedp.ByQuery))
	if text != "wrong name or password" {
		t.Fatalf("wrong token: %q", text)
	}
	run(chromedp.Focus(`#password`, chromedp.ByQuery), chromedp.KeyEvent(adminToken), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#chart-nation`, chromedp.ByQuery))

	// Add a source through discovery: paste the partner's page, look at
	// its feed, take the proposal, add it.
	run(chromedp.Navigate(d.base+"/admin/sources/new"), chromedp.WaitVisible(`#url`, chromedp.ByQuery),
		chromedp.Focus(`#url`, chromedp.ByQuery), chromedp.KeyEvent(d.partner+"/site/harbour"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#discovered`, chromedp.ByQuery), chromedp.Text(`#discovered`, &text, chromedp.ByQuery))
	var id, cats string
	run(chromedp.Value(`#id`, &id, chromedp.ByQuery), chromedp.Value(`#categories`, &cats, chromedp.ByQuery))
	if !strings.Contains(text, "Harbour Gazette") || !strings.Contains(text, "Found on the page: "+d.partner+"/feeds/harbour.rss") || !strings.Contains(text, "Ferry timetable changes") ||
		!strings.Contains(text, "Categories no section matches: Transport, Business") || id != "harbour-gazette" || cats != "Sports = sports" {
		t.Fatalf("discovery shows %q, proposes id %q and categories %q", text, id, cats)
	}
	if strings.Contains(d.file(t), "harbour") {
		t.Fatal("looking at a feed saved it")
	}
	run(chromedp.Focus(`#categories`, chromedp.ByQuery), chromedp.KeyEvent("Business = economy"), chromedp.KeyEvent(kb.Enter),
		chromedp.Focus(`#fallback`, chromedp.ByQuery), chromedp.KeyEvent("other"),
		chromedp.Focus(`#save`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#source-harbour-gazette, .error`, chromedp.ByQuery), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Source harbour-gazette added") {
		t.Fatalf("adding the source: %s", text)
	}
	if file := d.file(t); !strings.Contains(file, "id: harbour-gazette") || !strings.Contains(file, "Business: economy") ||
		!strings.Contains(file, "/feeds/harbour.rss") || !strings.Contains(file, "# the Thai daily") {
		t.Fatalf("config after adding harbour:\n%s", file)
	}
	// Pull it now, from the keyboard. The page has a notice already (the
	// source added): drop it, so that the one waited for is the pull's.
	run(chromedp.Evaluate(`document.querySelector('.notice')?.remove(); true`, nil),
		chromedp.Focus(`#source-harbour-gazette form[action$="/fetch"] button`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.notice`, chromedp.ByQuery), chromedp.Text(`.notice`, &text, chromedp.ByQuery))
	if !strings.HasPrefix(text, "Pulled harbour-gazette:") {
		t.Fatalf("pull now: %q", text)
	}
	var items string
	run(chromedp.Text(`#source-harbour-gazette td:nth-of-type(3)`, &items, chromedp.ByQuery))
	if items != "3" {
		t.Fatalf("harbour shows %q items after its pull, want 3", items)
	}
	var wide bool
	run(chromedp.Evaluate(`document.documentElement.scrollWidth > 375`, &wide))
	if wide {
		t.Error("the sources page is wider than 375 px")
	}
	run(chromedp.Focus(`#source-harbour-gazette form[action$="/pause"] button`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#source-harbour-gazette .state-paused`, chromedp.ByQuery),
		chromedp.Navigate(d.base+"/admin/audit"), chromedp.WaitVisible(`table`, chromedp.ByQuery),
		chromedp.Text(`tbody`, &text, chromedp.ByQuery))
	for _, want := range []string{"pause source harbour-gazette", "add source harbour-gazette"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit log lacks %q:\n%s", want, text)
		}
	}
	errs.Check(t, "status of 401 (Unauthorized) "+d.base+"/admin/sign-in")
}

// TestConsolePagesAreValidHTML checks the console's pages with the Nu
// Html Checker.
func TestConsolePagesAreValidHTML(t *testing.T) {
	jar, err := browsertest.VNUJar()
	if err != nil {
		browsertest.NeedTool(t, err)
	}
	d := newDesk(t)
	c := d.client(t)
	_, signIn := c.do("GET", "/admin/sign-in", nil)
	c.signIn("", adminToken)
	c.do("POST", "/admin/sources/nation/fetch", map[string][]string{"csrf": {c.csrf("/admin/sources")}})
	c.do("POST", "/admin/sources/nation/pause", map[string][]string{"csrf": {c.csrf("/admin/sources")}})
	pages := map[string]string{"signin": signIn}
	for name, path := range map[string]string{"sources": "/admin/sources", "new": "/admin/sources/new",
		"edit": "/admin/sources/nation", "desk": "/admin/", "delete": "/admin/sources/nation/delete", "audit": "/admin/audit", "missing": "/admin/nothing",
		"sections": "/admin/sections", "section": "/admin/sections/nation", "stories": "/admin/stories?q=budget",
		"badsearch": "/admin/stories?from=yesterday", "story": "/admin/stories/1"} {
		_, pages[name] = c.do("GET", path, nil)
	}
	_, pages["refused"] = c.do("POST", "/admin/sources", map[string][]string{"csrf": {c.csrf("/admin/sources/new")}, "id": {"x"}, "url": {"ftp://x"}, "priority": {"high"}})
	_, pages["preview"] = c.do("POST", "/admin/sections/nation", map[string][]string{"csrf": {c.csrf("/admin/sections")}, "title": {"Nation"},
		"exclude": {"{title: budget}"}, "do": {"preview"}})
	_, pages["discovered"] = c.do("POST", "/admin/sources", map[string][]string{"csrf": {c.csrf("/admin/sources")}, "do": {"discover"}, "url": {d.partner + "/site/harbour"}})
	_, pages["hidenote"] = c.do("POST", "/admin/stories/1/hide", map[string][]string{"csrf": {c.csrf("/admin/sources")}})
	c.do("POST", "/admin/stories/1/hide", map[string][]string{"csrf": {c.csrf("/admin/sources")}, "note": {"kill"}})
	_, pages["hidden"] = c.do("GET", "/admin/stories/1", nil)
	_, pages["reroute"] = c.do("POST", "/admin/reroute", map[string][]string{"csrf": {c.csrf("/admin/sections")}})
	if !strings.Contains(pages["discovered"], `id="newest"`) || !strings.Contains(pages["story"], "Why it is where it is") || !strings.Contains(pages["hidden"], "hidden-state") {
		t.Fatal("the story pages checked are not a story's")
	}
	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		file := filepath.Join(dir, name+".html")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "text"}, files...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No errors found") {
		t.Errorf("the Nu Html Checker finds errors (%v):\n%s", err, out)
	}
}
