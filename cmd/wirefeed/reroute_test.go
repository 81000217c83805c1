package main

import (
	"strings"
	"testing"
	"wirefeed/internal/partnertest"
)

// An editor adds rules after stories are stored: reroute moves the stored
// stories, and route then finds them where the config says.
func TestRerouteAppliesChangedRulesToStoredStories(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	if code, out, errOut := wirefeed(t, "fetch", "-config", path); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errOut)
	}
	partnertest.EditConfig(t, path, "  - {id: other, title: Other, description: Other}\n",
		"  - id: other\n    title: Other\n    description: Other\n    include:\n      - title: [Floodwaters, Loy Krathong]\n"+
			"  - id: travel\n    title: Travel\n    include:\n      - title: Loy Krathong\n")
	partnertest.EditConfig(t, path, "  - {id: nation, title: Nation, description: News from Thailand}\n",
		"  - id: nation\n    title: Nation\n    description: News from Thailand\n    exclude:\n      - title: Loy Krathong\n")

	code, out, errOut := wirefeed(t, "reroute", "-config", path, "-dry-run")
	if code != 0 || !strings.Contains(out, "would move 2") || !strings.Contains(out, "travel       +1") ||
		!strings.Contains(out, "nation       -1") || !strings.Contains(out, "other        +2") {
		t.Fatalf("dry run: %d\n%s%s", code, out, errOut)
	}
	// Each story that moves is named, with where it goes.
	if !strings.Contains(out, "Chiang Mai braces for record arrivals during Loy Krathong week (nation): -nation +other +travel") {
		t.Errorf("dry run does not name the stories that move:\n%s", out)
	}
	link := "https://www.nationthailand.com/life/tourism/40012380"
	if _, out, _ := wirefeed(t, "route", "-config", path, link); !strings.Contains(out, "stored in:    nation") {
		t.Fatalf("a dry run moved the story:\n%s", out)
	}
	if code, out, errOut = wirefeed(t, "reroute", "-config", path); code != 0 || !strings.Contains(out, ": moved 2") {
		t.Fatalf("reroute: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = wirefeed(t, "route", "-config", path, link)
	if code != 0 || !strings.Contains(out, "sections now: other, travel") || !strings.Contains(out, "stored in:    other, travel") {
		t.Errorf("route after reroute:\n%s", out)
	}
	if code, out, _ = wirefeed(t, "reroute", "-config", path); !strings.Contains(out, ": moved 0") {
		t.Errorf("second reroute: %d\n%s", code, out)
	}
}
