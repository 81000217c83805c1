package config

import (
	"strings"
	"testing"
)

func TestLogSettings(t *testing.T) {
	base := "sections: [{id: a}]\n"
	cfg, err := Parse([]byte(base), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Log.Format != "text" || cfg.Log.Level != "info" {
		t.Errorf("log defaults = %+v", cfg.Log)
	}
	cfg, err = Parse([]byte(base+"log: {format: json, level: debug}\n"), "c.yaml")
	if err != nil || cfg.Log.Format != "json" || cfg.Log.Level != "debug" {
		t.Fatalf("json/debug: %+v, %v", cfg, err)
	}
	_, err = Parse([]byte(base+"log:\n  format: xml\n  level: loud\n"), "c.yaml")
	for _, want := range []string{`c.yaml:3: log.format: unknown format "xml"`, `c.yaml:4: log.level: unknown level "loud"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
}

func TestPriorityAndSite(t *testing.T) {
	cfg, err := Parse([]byte(`sections: [{id: a}]
sources:
  - {id: nation, url: "https://www.nationthailand.com/rss", priority: 1}
  - {id: jiji, url: "https://jen.jiji.com/rss", site: jiji.com}
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// An unset site stays unset: the store takes it from the feed itself.
	if n := cfg.Sources[0]; n.Priority != 1 || n.Site != "" {
		t.Errorf("nation = priority %d, site %q", n.Priority, n.Site)
	}
	if j := cfg.Sources[1]; j.Priority != 100 || j.Site != "jiji.com" {
		t.Errorf("jiji = priority %d, site %q", j.Priority, j.Site)
	}
	_, err = Parse([]byte("sections: [{id: a}]\nsources:\n  - id: x\n    url: https://x.example/\n    priority: -2\n"), "c.yaml")
	if err == nil || !strings.Contains(err.Error(), "c.yaml:5: sources[0].priority: must be 1 or more") {
		t.Errorf("negative priority: %v", err)
	}
}
