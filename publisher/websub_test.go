package publisher

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestWebSubHubAdvertisedAndNotified(t *testing.T) {
	pings := make(chan string, 64)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.FormValue("hub.mode") != "publish" {
			http.Error(w, "bad ping", http.StatusBadRequest)
			return
		}
		pings <- r.FormValue("hub.url")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	cfg := testConfig()
	cfg.Server.WebSubHub = hub.URL + "/hub"
	p := New(cfg, &fakeReader{})

	rss := fetch(t, p.Handler(), "/feeds/politics.rss")
	if !strings.Contains(rss, `<atom:link href="`+hub.URL+`/hub" rel="hub"></atom:link>`) {
		t.Errorf("RSS does not advertise the hub:\n%s", rss)
	}
	if atom := fetch(t, p.Handler(), "/feeds/politics.atom"); !strings.Contains(atom, `rel="hub"`) {
		t.Error("Atom does not advertise the hub")
	}
	var jf struct{ Hubs []struct{ Type, URL string } }
	json.Unmarshal([]byte(fetch(t, p.Handler(), "/feeds/politics.json")), &jf)
	if len(jf.Hubs) != 1 || jf.Hubs[0].Type != "WebSub" || jf.Hubs[0].URL != hub.URL+"/hub" {
		t.Errorf("JSON Feed hubs = %+v", jf.Hubs)
	}

	p.Invalidate("politics")
	want := map[string]bool{}
	for _, id := range []string{"politics", "headlines", "all"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			want[testBase+"/feeds/"+id+"."+ext] = true
		}
	}
	deadline := time.After(10 * time.Second)
	for len(want) > 0 {
		select {
		case topic := <-pings:
			if !want[topic] {
				t.Fatalf("unexpected ping for %s", topic)
			}
			delete(want, topic)
		case <-deadline:
			t.Fatalf("hub never told of %v", want)
		}
	}
}
