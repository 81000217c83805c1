package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wirefeed/console"
	"wirefeed/store"
)

// TestSignInSessionAndCSRF: a browser is sent to sign in; a wrong token is
// refused next to the field; the right one opens a session whose cookie is
// HttpOnly and SameSite=Strict; a form without the session's CSRF token is
// refused and changes nothing; with it the change is made in config.yaml,
// comments kept, and recorded in the audit log; signing out ends it.
func TestSignInSessionAndCSRF(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	res, _ := c.do("GET", "/admin/", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/sign-in") {
		t.Fatalf("signed out GET /admin/: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := c.do("POST", "/admin/sign-in", url.Values{"password": {"not-the-token"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `id="password-error">wrong name or password<`) {
		t.Fatalf("wrong token: %d\n%s", res.StatusCode, body)
	}
	res = c.signIn("", adminToken)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/admin/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	before := d.file(t)
	res, body = c.do("POST", "/admin/sources/nation/pause", url.Values{"back": {"/admin/sources"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "security token") {
		t.Fatalf("pause without CSRF token: %d\n%s", res.StatusCode, body)
	}
	res, _ = c.do("POST", "/admin/sources/nation/pause", url.Values{"csrf": {"forged"}})
	if res.StatusCode != http.StatusForbidden || d.file(t) != before {
		t.Fatalf("pause with a forged CSRF token: %d, file changed: %v", res.StatusCode, d.file(t) != before)
	}
	token := c.csrf("/admin/sources")
	res, _ = c.do("POST", "/admin/sources/nation/pause", url.Values{"csrf": {token}, "back": {"/admin/sources"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause with the token: %d", res.StatusCode)
	}
	file := d.file(t)
	if !strings.Contains(file, "paused: true") || !strings.Contains(file, "# the Thai daily") {
		t.Fatalf("config after pause:\n%s", file)
	}
	_, body = c.do("GET", "/admin/sources", nil)
	if !strings.Contains(body, "Source nation paused.") || !strings.Contains(body, `class="state-paused">paused`) {
		t.Fatalf("sources page after pause:\n%s", body)
	}
	_, body = c.do("GET", "/admin/audit", nil)
	if !strings.Contains(body, "<td>admin token</td><td>pause source nation</td>") || !strings.Contains(body, "&#34;paused&#34;:true") {
		t.Fatalf("audit log:\n%s", body)
	}
	c.do("POST", "/admin/sign-out", url.Values{"csrf": {token}})
	if res, _ := c.do("GET", "/admin/sources", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out, GET /admin/sources: %d", res.StatusCode)
	}
}

// TestSignInThrottled: after ten wrong passwords from one address even
// the right one is not looked at, and the page says for how long.
func TestSignInThrottled(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	for range 10 {
		if res := c.signIn("", "wrong-token"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong token: %d", res.StatusCode)
		}
	}
	res, body := c.do("POST", "/admin/sign-in", url.Values{"password": {adminToken}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, "too many failed sign-ins from this address: try again in") {
		t.Fatalf("after 10 wrong tokens: %d %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

// TestAPIStillAnswersJSON: clients with a bearer token, or asking for
// JSON, get the admin API, not the console.
func TestAPIStillAnswersJSON(t *testing.T) {
	d := newDesk(t)
	req, _ := http.NewRequest("GET", d.base+"/admin/sources", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list map[string][]map[string]any
	err = json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if err != nil || len(list["sources"]) != 1 {
		t.Fatalf("API GET /admin/sources: %v %v", err, list)
	}
	req, _ = http.NewRequest("GET", d.base+"/admin/sources", nil)
	req.Header.Set("Accept", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("JSON without token: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestTwoEditorsOneSource: two editors open the same source; the first
// saves; the second's save is refused and told to reload, never silently
// overwriting the first's change.
func TestTwoEditorsOneSource(t *testing.T) {
	d := newDesk(t)
	a, b := d.client(t), d.client(t)
	a.signIn("", adminToken)
	b.signIn("", adminToken)
	formOf := func(c *browserClient) url.Values {
		_, body := c.do("GET", "/admin/sources/nation", nil)
		tag := regexpFind(t, `name="tag" value="([^"]+)"`, body)
		return url.Values{"csrf": {c.csrf("/admin/sources/nation")}, "tag": {strings.ReplaceAll(tag, "&#34;", `"`)},
			"url": {d.partner + "/feeds/nation.rss"}, "sections": {"nation"}, "name": {"Test Nation"}}
	}
	fa, fb := formOf(a), formOf(b)
	fa.Set("name", "The Nation (edited by A)")
	if res, body := a.do("POST", "/admin/sources/nation", fa); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first editor's save: %d\n%s", res.StatusCode, body)
	}
	fb.Set("priority", "5")
	res, body := b.do("POST", "/admin/sources/nation", fb)
	if res.StatusCode != http.StatusPreconditionFailed || !strings.Contains(body, "changed by someone else") || !strings.Contains(body, "Reload the source") {
		t.Fatalf("second editor's save on a stale copy: %d\n%s", res.StatusCode, body)
	}
	if file := d.file(t); !strings.Contains(file, "The Nation (edited by A)") || strings.Contains(file, "priority") {
		t.Fatalf("config should hold A's change only:\n%s", file)
	}
}

// TestFormErrorNextToField: what the API refuses is shown next to the
// field it concerns, in the API's words, and nothing is saved.
func TestFormErrorNextToField(t *testing.T) {
	d := newDesk(t)
	c := d.client(t)
	c.signIn("", adminToken)
	before := d.file(t)
	res, body := c.do("POST", "/admin/sources", url.Values{"csrf": {c.csrf("/admin/sources/new")}, "id": {"harbour"},
		"url": {d.partner + "/feeds/harbour.rss"}, "sections": {"nowhere"}, "priority": {"high"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="priority-error">want a whole number, got &#34;high&#34;<`) {
		t.Fatalf("priority not a number: %d\n%s", res.StatusCode, body)
	}
	res, body = c.do("POST", "/admin/sources", url.Values{"csrf": {c.csrf("/admin/sources/new")}, "id": {"harbour"},
		"url": {d.partner + "/feeds/harbour.rss"}, "sections": {"nowhere"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !regexpMatch(`id="sections-error">[^<]*nowhere`, body) {
		t.Fatalf("unknown section: %d\n%s", res.StatusCode, body)
	}
	if d.file(t) != before {
		t.Fatal("a refused source changed config.yaml")
	}
}

// TestEditorAccount: an editor signs in with name and password; changes
// are recorded under the name; a wrong password is refused.
func TestEditorAccount(t *testing.T) {
	d := newDesk(t)
	hash, err := console.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.daemon.Store().AddEditor(context.Background(), "somchai", hash, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := d.client(t)
	if res := c.signIn("somchai", "wrong horse battery"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if res := c.signIn("somchai", "correct horse battery"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password: %d", res.StatusCode)
	}
	c.do("POST", "/admin/sources/nation/pause", url.Values{"csrf": {c.csrf("/admin/sources")}})
	log, err := d.daemon.Store().AuditLog(context.Background(), 5)
	if err != nil || len(log) != 1 || log[0].Actor != "somchai" {
		t.Fatalf("audit log: %+v %v", log, err)
	}
	var _ store.AuditRecord = log[0]
}
