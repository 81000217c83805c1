package aggregator

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// authConfig is testConfig with one source, "locked", whose credentials
// come from the environment.
const authConfig = `
server: {base_url: "https://news.example.com"}
fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8, "::1"]}
sections: [{id: other, title: Other}]
sources:
  - id: locked
    url: FEEDS/locked
    auth:
      basic: {user: wirefeed, password_env: WF_AUTH_PASSWORD}
      header: {name: X-Api-Key, value_env: WF_AUTH_HEADER}
      query: {name: k, value_env: WF_AUTH_QUERY}
    fallback: other
`

// seen records what credentials the partner received, per path.
type seen struct {
	mu  sync.Mutex
	got map[string][]string // path -> "user:pass header query" per request
}

func (s *seen) record(r *http.Request) bool {
	user, pass, _ := r.BasicAuth()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got[r.URL.Path] = append(s.got[r.URL.Path], user+":"+pass+" "+r.Header.Get("X-Api-Key")+" "+r.URL.Query().Get("k"))
	return user == "wirefeed" && pass == "pw-secret" && r.Header.Get("X-Api-Key") == "hdr-secret" && r.URL.Query().Get("k") == "q-secret"
}

func (s *seen) of(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[path]
}

func authHarness(t *testing.T) (*harness, *seen) {
	t.Setenv("WF_AUTH_PASSWORD", "pw-secret")
	t.Setenv("WF_AUTH_HEADER", "hdr-secret")
	t.Setenv("WF_AUTH_QUERY", "q-secret")
	h := newHarnessConfig(t, authConfig)
	s := &seen{got: map[string][]string{}}
	return h, s
}

func TestCredentialsReachThePartnerAndNothingElse(t *testing.T) {
	h, s := authHarness(t)
	h.feeds.handle("/locked", func(w http.ResponseWriter, r *http.Request) {
		if !s.record(r) {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		http.ServeFile(w, r, "testdata/feed.json")
	})
	if rep := h.fetch(t, "locked"); rep.Err != nil || rep.New != 3 {
		t.Fatalf("fetch with credentials: %+v", rep)
	}

	// A redirect to another host (localhost is not 127.0.0.1 by name)
	// gets none of them; one on the same host gets all.
	port := h.feeds.URL[strings.LastIndexByte(h.feeds.URL, ':'):]
	h.feeds.handle("/locked", func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		http.Redirect(w, r, "http://localhost"+port+"/elsewhere?page=1", http.StatusFound)
	})
	h.feeds.handle("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		http.Redirect(w, r, "http://127.0.0.1"+port+"/back", http.StatusFound)
	})
	h.feeds.handle("/back", func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		http.ServeFile(w, r, "testdata/feed.json")
	})
	if rep := h.fetch(t, "locked"); rep.Err != nil {
		t.Fatalf("fetch through redirects: %v", rep.Err)
	}
	if got := s.of("/elsewhere"); len(got) != 1 || got[0] != ":  " {
		t.Errorf("another host received %q, want no credentials", got)
	}
	if got := s.of("/back"); len(got) != 1 || got[0] != "wirefeed:pw-secret hdr-secret q-secret" {
		t.Errorf("back on the source's host: %q, want every credential", got)
	}
	// The final URL recorded is the one the client followed, without the
	// query parameter added on the way out.
	if st := h.state(t, "locked"); st.FinalURL != h.feeds.URL+"/back" {
		t.Errorf("final URL recorded: %q", st.FinalURL)
	}
}

// TestSecretsStayOutOfReportsAndLogs makes the partner echo its key back
// in a permanent redirect, announce a feed carrying it and loop: reports,
// their log lines and the stored error show none of the secrets, and the
// next pull still sends them.
func TestSecretsStayOutOfReportsAndLogs(t *testing.T) {
	h, s := authHarness(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	check := func(what string, rep Report) {
		t.Helper()
		rep.Log(log)
		text := logs.String() + rep.Moved + rep.Discovered
		if rep.Err != nil {
			text += rep.Err.Error()
		}
		text += h.state(t, "locked").LastError
		for _, secret := range []string{"pw-secret", "hdr-secret", "q-secret"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q:\n%s", what, secret, text)
			}
		}
	}

	// Moved permanently, the partner echoing the query it was sent.
	h.feeds.handle("/locked", func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		http.Redirect(w, r, "/moved?"+r.URL.RawQuery, http.StatusMovedPermanently)
	})
	h.feeds.handle("/moved", func(w http.ResponseWriter, r *http.Request) {
		if !s.record(r) {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		http.ServeFile(w, r, "testdata/feed.json")
	})
	rep := h.fetch(t, "locked")
	if rep.Err != nil || rep.Moved != h.feeds.URL+"/moved" {
		t.Fatalf("moved: %+v", rep)
	}
	check("a moved feed", rep)
	if st := h.state(t, "locked"); st.DiscoveredURL != h.feeds.URL+"/moved" {
		t.Errorf("new address recorded as %q", st.DiscoveredURL)
	}
	// The next pull goes to the new address, credentials and all.
	if rep := h.fetch(t, "locked"); rep.Err != nil || len(s.of("/moved")) != 2 || !strings.HasSuffix(s.of("/moved")[1], " q-secret") {
		t.Fatalf("pull of the new address: %v, partner saw %q", rep.Err, s.of("/moved"))
	}

	// A loop whose every URL quotes the key: the error names the URLs,
	// not the key.
	h.feeds.handle("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved?"+r.URL.RawQuery, http.StatusFound)
	})
	rep = h.fetch(t, "locked")
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), "redirect loop") || !strings.Contains(rep.Err.Error(), "k=***") {
		t.Fatalf("loop: %v", rep.Err)
	}
	check("a redirect loop", rep)
}

func TestMissingCredentialIsAFetchErrorNamingIt(t *testing.T) {
	h, _ := authHarness(t)
	h.agg.lookupEnv = func(name string) (string, bool) {
		if name == "WF_AUTH_HEADER" {
			return "", false
		}
		return "x", true
	}
	src, _ := h.cfg.SourceByID("locked")
	rep := h.agg.Fetch(context.Background(), src)
	want := "aggregator: fetch locked: credentials: environment variable WF_AUTH_HEADER (sources[0].auth.header.value_env) is not set"
	if rep.Err == nil || rep.Err.Error() != want {
		t.Errorf("fetch without the variable: %v\nwant %s", rep.Err, want)
	}
}

func TestCredentialsAreNeverSentInClear(t *testing.T) {
	c := &credentials{host: "partner.example", https: true}
	for raw, want := range map[string]bool{
		"https://partner.example/feed": true, "https://PARTNER.example:8443/x": true,
		"http://partner.example/feed": false, "https://other.example/feed": false, "https://cdn.partner.example/": false,
	} {
		u, _ := url.Parse(raw)
		if got := c.appliesTo(u); got != want {
			t.Errorf("credentials for https://partner.example sent to %s: %v, want %v", raw, got, want)
		}
	}
}
