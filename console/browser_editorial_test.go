package console_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"wirefeed/internal/browsertest"
)

// TestBrowserEditorial drives in chromium what an editor does with
// stories and rules: wrong passwords are throttled; a form stripped of
// its CSRF token is refused; a rule's preview names the story that then
// leaves when the stored stories are rerouted; a hidden story leaves the
// feeds (Atom carries its tombstone); the audit log shows each action.
// (Pinning is tested over HTTP in TestPinStory.)
func TestBrowserEditorial(t *testing.T) {
	d := newDesk(t)
	ctx, errs := browser.NewTab(t)
	run := func(actions ...chromedp.Action) { t.Helper(); browsertest.Run(t, ctx, actions...) }
	var text string
	// submit presses a form's button and waits for the page that answers:
	// the old page's <main> is marked, and the new one is waited for.
	submit := func(button string) chromedp.Action {
		return chromedp.Tasks{
			chromedp.Evaluate(`document.querySelector('main').id = 'before'; true`, nil),
			chromedp.Click(button, chromedp.ByQuery),
			chromedp.WaitVisible(`main:not(#before)`, chromedp.ByQuery),
		}
	}

	// Throttled: ten wrong tokens, then even the right one waits.
	for range 10 {
		run(chromedp.Navigate(d.base+"/admin/"), chromedp.WaitVisible(`#password`, chromedp.ByQuery),
			chromedp.SetValue(`#password`, "wrong-token", chromedp.ByQuery),
			chromedp.Focus(`#password`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(`#password-error`, chromedp.ByQuery))
	}
	run(chromedp.Navigate(d.base+"/admin/"), chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.SetValue(`#password`, adminToken, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('main').id = 'before'; true`, nil),
		chromedp.Focus(`#password`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`main:not(#before)`, chromedp.ByQuery), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "too many failed sign-ins from this address") {
		t.Fatalf("after ten wrong tokens the right one was let in: %q", text)
	}

	// Another desk (another address's throttle) for the editorial work.
	d = newDesk(t)
	c := d.client(t) // pulls the partner's stories in for the editor
	c.signIn("", adminToken)
	c.do("POST", "/admin/sources/nation/fetch", url.Values{"csrf": {c.csrf("/admin/sources")}})
	run(chromedp.Navigate(d.base+"/admin/"), chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.SetValue(`#password`, adminToken, chromedp.ByQuery),
		chromedp.Focus(`#password`, chromedp.ByQuery), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#chart-nation`, chromedp.ByQuery))

	// CSRF: the same form without its token is refused, and changes nothing.
	before := d.file(t)
	run(chromedp.Navigate(d.base+"/admin/sections/nation"), chromedp.WaitVisible(`#exclude`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('form[action="/admin/sections/nation"] input[name=csrf]').remove(); true`, nil),
		chromedp.SetValue(`#title`, "Forged", chromedp.ByQuery),
		submit(`button[value=save]`), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "did not carry this session's security token") || d.file(t) != before {
		t.Fatalf("a form without its CSRF token: %q (config changed: %v)", text, d.file(t) != before)
	}

	// A rule's preview, then the rule, then the reroute: the same story.
	var leave, moved string
	run(chromedp.Navigate(d.base+"/admin/sections/nation"), chromedp.WaitVisible(`#exclude`, chromedp.ByQuery),
		chromedp.SetValue(`#exclude`, "{title: budget}", chromedp.ByQuery),
		submit(`button[value=preview]`), chromedp.Text(`#leave`, &leave, chromedp.ByQuery),
		submit(`button[value=save]`),
		submit(`form[action="/admin/reroute"] button`), chromedp.Text(`#moved`, &moved, chromedp.ByQuery))
	if !strings.HasPrefix(leave, "Parliament debates the budget") || !strings.HasPrefix(moved, "Parliament debates the budget") ||
		!strings.Contains(moved, "−nation") {
		t.Fatalf("preview said %q would leave; the reroute moved %q", leave, moved)
	}

	// Hide the story: the feeds follow, Atom with its tombstone.
	run(chromedp.Navigate(d.base+"/admin/stories?source=nation"), chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('main').id = 'before'; true`, nil),
		chromedp.Click(`//a[starts-with(normalize-space(.), "Parliament debates the budget")]`, chromedp.BySearch),
		chromedp.WaitVisible(`main:not(#before) #note`, chromedp.ByQuery),
		chromedp.SetValue(`#note`, "legal kill", chromedp.ByQuery),
		submit(`form[action$="/hide"] button`), chromedp.WaitVisible(`#hidden-state`, chromedp.ByQuery))
	run(chromedp.Navigate(d.base+"/feeds/all.atom"),
		chromedp.Evaluate(`new XMLSerializer().serializeToString(document)`, &text))
	if !strings.Contains(text, "at:deleted-entry") || strings.Contains(text, "Parliament debates the budget") {
		t.Fatalf("Atom after hiding has no tombstone or still the story:\n%s", text)
	}
	run(chromedp.Navigate(d.base+"/admin/audit"), chromedp.WaitVisible(`table`, chromedp.ByQuery),
		chromedp.Text(`tbody`, &text, chromedp.ByQuery))
	for _, want := range []string{"hide story", "reroute stories", "patch section nation"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit log lacks %q:\n%s", want, text)
		}
	}
	// The refusals above answer 401, 429 and 403 on purpose.
	errs.Check(t, "status of 401 (Unauthorized)", "status of 429", "status of 403")
}
