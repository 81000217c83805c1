package daemon

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"wirefeed/internal/partnertest"
)

const adminToken = "e2e-admin-token-0123456789"

// adminCall sends a request to the admin API and decodes its JSON answer.
func adminCall(t testing.TB, token, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

func TestAdminAPIIsOffWithoutAToken(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	serveOnce(t, path, func(base string) any {
		if code, _ := adminCall(t, adminToken, "GET", base+"/admin/sources", ""); code != http.StatusNotFound {
			t.Errorf("admin API without admin.token: %d, want 404", code)
		}
		return nil
	})
}

func TestAdminAPIRefusesInternalAddresses(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "sections:\n", "admin: {token: "+adminToken+"}\nsections:\n")
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", "fetch: {timeout: 5s, jitter: 0s}")
	before, _ := os.ReadFile(path)
	serveOnce(t, path, func(base string) any {
		if code, _ := adminCall(t, "", "GET", base+"/admin/sources", ""); code != http.StatusUnauthorized {
			t.Errorf("no token: %d, want 401", code)
		}
		if code, _ := adminCall(t, "wrong-token-0123456789", "GET", base+"/admin/sources", ""); code != http.StatusUnauthorized {
			t.Errorf("wrong token: %d, want 401", code)
		}
		for _, target := range []string{p.URL + "/sports", "http://169.254.169.254/latest/meta-data/",
			"http://[::1]:8080/feed", "http://2130706433/feed", "http://localhost/feed"} {
			code, body := adminCall(t, adminToken, "POST", base+"/admin/sources",
				`{"id": "sneaky", "url": "`+target+`", "fallback": "other"}`)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body["error"].(string), "refused") {
				t.Errorf("adding %s: %d %v, want 422 refused", target, code, body)
			}
		}
		// A source already in the file that points at loopback is not
		// fetched either.
		code, body := adminCall(t, adminToken, "POST", base+"/admin/sources/nation/fetch", "")
		if code != http.StatusBadGateway || !strings.Contains(body["error"].(string), "refused to connect to 127.0.0.1") {
			t.Errorf("fetch of a loopback source: %d %v", code, body)
		}
		return nil
	})
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("refused requests changed the config:\n%s", after)
	}
}

func TestAdminAPIManagesSourcesLive(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	// Jiji is added through the API; the partners are on loopback, which
	// the site allows explicitly.
	full, _ := os.ReadFile(path)
	text := string(full)
	jiji := text[strings.Index(text, "  - id: jiji"):]
	text = strings.Replace(text, jiji, "", 1)
	text = strings.Replace(text, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}\nadmin: {token: "+adminToken+"}", 1)
	os.WriteFile(path, []byte(text), 0o644)

	serveOnce(t, path, func(base string) any {
		code, body := adminCall(t, adminToken, "POST", base+"/admin/sources", `{"id": "jiji", "name": "Jiji Press",
			"url": "`+p.URL+`/jiji", "categories": {"Politics": "politics", "Sports": "sports"}, "fallback": "other"}`)
		if code != http.StatusCreated {
			t.Fatalf("add jiji: %d %v", code, body)
		}
		if file, _ := os.ReadFile(path); !strings.Contains(string(file), "  - id: jiji\n    name: Jiji Press\n") {
			t.Errorf("jiji not written to the config:\n%s", file)
		}
		// The reload pulls a new source at once; a pull asked for now waits
		// for that one and finds the feed unchanged, or makes the first.
		code, body = adminCall(t, adminToken, "POST", base+"/admin/sources/jiji/fetch", "")
		if code != http.StatusOK || (body["new"] != float64(8) && body["not_modified"] != true) {
			t.Fatalf("fetch jiji: %d %v", code, body)
		}
		if feed := string(partnertest.Get(t, base+"/feeds/sports.json", "application/feed+json")); !strings.Contains(feed, "Provided by Jiji Press") {
			t.Errorf("sports feed lacks Jiji's story:\n%s", feed)
		}
		code, body = adminCall(t, adminToken, "POST", base+"/admin/sources/jiji/pause", "")
		if code != http.StatusOK || body["paused"] != true {
			t.Fatalf("pause: %d %v", code, body)
		}
		_, list := adminCall(t, adminToken, "GET", base+"/admin/sources", "")
		sources, _ := list["sources"].([]any)
		if len(sources) != 2 {
			t.Fatalf("listed sources: %v", list)
		}
		state, _ := sources[1].(map[string]any)["state"].(map[string]any)
		if state["paused"] != true || state["next_run"] != nil || state["items_seen"] != float64(8) {
			t.Errorf("paused jiji's state: %v", state)
		}
		metrics := string(partnertest.Get(t, base+"/metrics", "text/plain"))
		if !strings.Contains(metrics, `wirefeed_http_requests_total{code="201",kind="admin"} 1`) {
			t.Errorf("metrics do not count admin requests:\n%s", metrics)
		}
		return nil
	})
}
