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

	// Add a source: every field reached and filled from the keyboard.
	run(chromedp.Navigate(d.base+"/admin/sources/new"), chromedp.WaitVisible(`#id`, chromedp.ByQuery),
		chromedp.Focus(`#id`, chromedp.ByQuery), chromedp.KeyEvent("harbour"),
		chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(d.partner+"/feeds/harbour.rss"),
		chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("Harbour Gazette"),
		chromedp.Focus(`#categories`, chromedp.ByQuery), chromedp.KeyEvent("Business = economy\nSports = sports"),
		chromedp.Focus(`#fallback`, chromedp.ByQuery), chromedp.KeyEvent("other"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#source-harbour`, chromedp.ByQuery))
	if file := d.file(t); !strings.Contains(file, "id: harbour") || !strings.Contains(file, "Business: economy") || !strings.Contains(file, "# the Thai daily") {
		t.Fatalf("config after adding harbour:\n%s", file)
	}
	// Pull it now, from the keyboard.
	run(chromedp.Focus(`#source-harbour form[action$="/fetch"] button`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.notice`, chromedp.ByQuery), chromedp.Text(`.notice`, &text, chromedp.ByQuery))
	if !strings.HasPrefix(text, "Pulled harbour:") {
		t.Fatalf("pull now: %q", text)
	}
	var items string
	run(chromedp.Text(`#source-harbour td:nth-of-type(3)`, &items, chromedp.ByQuery))
	if items != "3" {
		t.Fatalf("harbour shows %q items after its pull, want 3", items)
	}
	var wide bool
	run(chromedp.Evaluate(`document.documentElement.scrollWidth > 375`, &wide))
	if wide {
		t.Error("the sources page is wider than 375 px")
	}
	run(chromedp.Focus(`#source-harbour form[action$="/pause"] button`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#source-harbour .state-paused`, chromedp.ByQuery),
		chromedp.Navigate(d.base+"/admin/audit"), chromedp.WaitVisible(`table`, chromedp.ByQuery),
		chromedp.Text(`tbody`, &text, chromedp.ByQuery))
	for _, want := range []string{"pause source harbour", "add source harbour"} {
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
	_, pages["hidenote"] = c.do("POST", "/admin/stories/1/hide", map[string][]string{"csrf": {c.csrf("/admin/sources")}})
	c.do("POST", "/admin/stories/1/hide", map[string][]string{"csrf": {c.csrf("/admin/sources")}, "note": {"kill"}})
	_, pages["hidden"] = c.do("GET", "/admin/stories/1", nil)
	_, pages["reroute"] = c.do("POST", "/admin/reroute", map[string][]string{"csrf": {c.csrf("/admin/sections")}})
	if !strings.Contains(pages["story"], "Why it is where it is") || !strings.Contains(pages["hidden"], "hidden-state") {
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
