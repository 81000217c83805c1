package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDesk: a source whose pulls fail is listed first on the desk with
// its error and a pull-now button; every partner has its chart of new
// stories per hour.
func TestDesk(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	c.signIn("", adminToken)
	token := c.csrf("/admin/sources/new")
	if res, body := c.do("POST", "/admin/sources", url.Values{"csrf": {token}, "id": {"broken"}, "url": {d.partner + "/feeds/missing.rss"}, "fallback": {"other"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add broken: %d\n%s", res.StatusCode, body)
	}
	c.do("POST", "/admin/sources/broken/fetch", url.Values{"csrf": {token}})
	c.do("POST", "/admin/sources/nation/fetch", url.Values{"csrf": {token}})
	_, desk := c.do("GET", "/admin/", nil)
	row := regexpFind(t, `(?s)(<tr id="attention-broken">.*?</tr>)`, desk)
	if !strings.Contains(row, "failing: ") || !strings.Contains(row, "404") || !strings.Contains(row, `action="/admin/sources/broken/fetch"`) {
		t.Fatalf("desk row of the broken source:\n%s", row)
	}
	if strings.Contains(desk, `id="attention-nation"`) {
		t.Error("the healthy source is on the attention list")
	}
	chart := regexpFind(t, `(?s)(<li id="chart-nation">.*?</li>)`, desk)
	if !strings.Contains(chart, "<strong>1</strong>") || strings.Count(chart, "<rect ") != 1 {
		t.Fatalf("nation's chart:\n%s", chart)
	}
}
