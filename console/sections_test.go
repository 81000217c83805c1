package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRulePreviewMatchesReroute: an editor adds an exclude rule; the
// preview names the stored stories that would leave, saves nothing; after
// saving, the reroute button moves exactly those.
func TestRulePreviewMatchesReroute(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	c.signIn("", adminToken)
	c.do("POST", "/admin/sources/nation/fetch", url.Values{"csrf": {c.csrf("/admin/sources")}})
	_, page := c.do("GET", "/admin/sections/nation", nil)
	form := url.Values{"csrf": {c.csrf("/admin/sections/nation")}, "tag": {strings.ReplaceAll(regexpFind(t, `name="tag" value="([^"]+)"`, page), "&#34;", `"`)},
		"title": {"Nation"}, "exclude": {"{title: budget}"}, "do": {"preview"}}
	before := d.file(t)
	res, body := c.do("POST", "/admin/sections/nation", form)
	if res.StatusCode != http.StatusOK || d.file(t) != before {
		t.Fatalf("preview: %d, config changed: %v\n%s", res.StatusCode, d.file(t) != before, body)
	}
	leave := listOf(t, "leave", body)
	if len(leave) != 1 || !strings.HasPrefix(leave[0], "Parliament debates the budget") || listOf(t, "enter", body)[0] != "none" {
		t.Fatalf("preview lists leaving %q\n%s", leave, body)
	}
	form.Set("do", "save")
	if res, body := c.do("POST", "/admin/sections/nation", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(d.file(t), "exclude:") {
		t.Fatalf("rule not saved:\n%s", d.file(t))
	}
	_, body = c.do("POST", "/admin/reroute", url.Values{"csrf": {c.csrf("/admin/sections")}})
	moved := listOf(t, "moved", body)
	if len(moved) != 1 || !strings.HasPrefix(moved[0], strings.TrimSuffix(leave[0], ")")) || !strings.HasSuffix(moved[0], "−nation") {
		t.Fatalf("reroute moved %q, the preview said %q", moved, leave)
	}
	// A rule the API refuses is refused in the preview, next to its field.
	form.Set("do", "preview")
	form.Set("exclude", "{colour: red}")
	res, body = c.do("POST", "/admin/sections/nation", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !regexpMatch(`id="exclude-error">[^<]*colour`, body) {
		t.Fatalf("bad rule: %d\n%s", res.StatusCode, body)
	}
}

// listOf returns the text of the items of the list with the given id.
func listOf(t *testing.T, id, page string) []string {
	t.Helper()
	list := regexpFind(t, `(?s)<ul id="`+id+`">(.*?)</ul>`, page)
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllStringSubmatch(list, -1) {
		out = append(out, strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")))
	}
	return out
}
