package publisher

import (
	"strings"
	"testing"
	"time"

	"wirefeed/config"
)

func TestPollInterval(t *testing.T) {
	for spec, want := range map[string]time.Duration{
		"@every 10m":                10 * time.Minute,
		"@every 90s":                90 * time.Second,
		"*/15 * * * *":              15 * time.Minute,
		"@hourly":                   time.Hour,
		"@daily":                    24 * time.Hour,
		"0 9,17 * * *":              8 * time.Hour, // the shorter of the two gaps
		"*/7 * * * *":               4 * time.Minute,
		"TZ=Asia/Tokyo */5 * * * *": 5 * time.Minute,
		"30 2 * * 1-5":              24 * time.Hour,
	} {
		got, ok := pollInterval(spec, time.UTC)
		if !ok || got != want {
			t.Errorf("pollInterval(%q) = %v, %v; want %v", spec, got, ok, want)
		}
	}
	for _, spec := range []string{"", "bad", "* * *", "0 0 30 2 *"} {
		if d, ok := pollInterval(spec, time.UTC); ok {
			t.Errorf("pollInterval(%q) = %v, want failure", spec, d)
		}
	}
}

// scheduleConfig routes sources on various schedules to the test sections.
func scheduleConfig() *config.Config {
	cfg := testConfig()
	cfg.Schedule = "@every 10m"
	cfg.Sources = []config.Source{
		{ID: "fast", URL: "https://a.example/rss", Schedule: "*/2 * * * *", Sections: []string{"nation"}},
		{ID: "faster", URL: "https://b.example/rss", Schedule: "@every 30s",
			Categories: map[string]config.StringList{"Economy": {"economy"}}},
		{ID: "slow", URL: "https://c.example/rss", Schedule: "@daily", Fallback: "other"},
		{ID: "default", URL: "https://d.example/rss", Sections: []string{"politics", "nation"}},
	}
	return cfg
}

func TestSectionMaxAges(t *testing.T) {
	cfg := scheduleConfig()
	got := sectionMaxAges(cfg, cfg.Sections)
	for sec, want := range map[string]time.Duration{
		"nation":    2 * time.Minute,  // the faster of fast and default
		"economy":   time.Minute,      // 30 s, clamped up
		"other":     time.Hour,        // daily, clamped down
		"politics":  10 * time.Minute, // the default schedule
		"sports":    10 * time.Minute, // no source: the default schedule
		"headlines": time.Minute,      // all: every source
	} {
		if got[sec] != want {
			t.Errorf("section %s: max-age %v, want %v", sec, got[sec], want)
		}
	}
}

func TestCacheControlFollowsSchedules(t *testing.T) {
	p := New(scheduleConfig(), staticReader(testStories()))
	h := p.Handler()
	for path, want := range map[string]string{
		"/feeds/nation.rss":   "public, max-age=120",
		"/feeds/other.atom":   "public, max-age=3600",
		"/feeds/sports.json":  "public, max-age=600",
		"/feeds/economy.json": "public, max-age=60",
	} {
		if got := get(t, h, "GET", path).Header.Get("Cache-Control"); got != want {
			t.Errorf("%s: Cache-Control %q, want %q", path, got, want)
		}
	}
	if rss := fetch(t, h, "/feeds/nation.rss"); !strings.Contains(rss, "<ttl>2</ttl>") {
		t.Error("RSS ttl does not match the max-age")
	}
}

// A section filled by include rules changes as fast as the sources its
// rules accept.
func TestSectionMaxAgesFollowIncludeRules(t *testing.T) {
	cfg, err := config.Parse([]byte(`schedule: "@hourly"
sections:
  - id: any
    include: [{title: FIFA}]
  - id: fromslow
    include: [{source: slow, title: FIFA}]
  - id: none
sources:
  - {id: fast, url: "https://a.example/rss", schedule: "@every 2m"}
  - {id: slow, url: "https://b.example/rss", schedule: "@every 30m"}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := sectionMaxAges(cfg, cfg.Sections)
	for sec, want := range map[string]time.Duration{
		"any":      2 * time.Minute,  // any source's story may match
		"fromslow": 30 * time.Minute, // only slow's may
		"none":     time.Hour,        // the default schedule
	} {
		if got[sec] != want {
			t.Errorf("section %s: max-age %v, want %v", sec, got[sec], want)
		}
	}
}
