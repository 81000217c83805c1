package admin

import (
	"net/http"
	"strings"
	"testing"
)

// TestStaleEditRefused: two editors read the same source; the first saves,
// the second's change, made on the copy it read, is refused with 412
// rather than silently overwriting the first one's.
func TestStaleEditRefused(t *testing.T) {
	h := newHarness(t)
	resp, _ := h.send(token, "GET", "/admin/sources/nation", "")
	tag := resp.Header.Get("ETag")
	if tag == "" {
		t.Fatal("GET of a source answers no ETag")
	}
	patch := func(body string) int {
		req, _ := http.NewRequest("PATCH", h.srv.URL+"/admin/sources/nation", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("If-Match", tag)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := patch(`{"name": "The Nation"}`); code != http.StatusOK {
		t.Fatalf("first editor's change: %d, want 200", code)
	}
	if code := patch(`{"priority": 5}`); code != http.StatusPreconditionFailed {
		t.Fatalf("second editor's change on a stale copy: %d, want 412", code)
	}
	if file := h.file(); !strings.Contains(file, "The Nation") || strings.Contains(file, "priority") {
		t.Fatalf("the file should hold the first change only:\n%s", file)
	}
}

// TestChangesAudited: each change is recorded with who, what and the
// entry before and after; a refused change is not.
func TestChangesAudited(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/admin/sources/nation/pause", "")
	h.do("POST", "/admin/sources", `{"id": "bad", "url": "http://169.254.169.254/"}`)
	h.auditMu.Lock()
	defer h.auditMu.Unlock()
	if len(h.audits) != 1 {
		t.Fatalf("audit log has %d entries, want 1: %+v", len(h.audits), h.audits)
	}
	e := h.audits[0]
	if e.Action != "pause source" || e.Target != "nation" || !strings.HasPrefix(e.Actor, "admin API (") ||
		strings.Contains(e.Before, "paused") || !strings.Contains(e.After, `"paused":true`) {
		t.Fatalf("audit entry %+v", e)
	}
}
