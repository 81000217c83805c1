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
