package dedupe

import (
	"testing"
	"time"
)

const tradeLink = "https://nationthailand.com/business/economy/40012399"

var (
	nation = Copy{Priority: 100, Site: "nationthailand.com", Link: tradeLink}
	jiji   = Copy{Priority: 100, Site: "jen.jiji.com", Link: tradeLink}
)

func TestOutranks(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b Copy
		want bool
	}{
		{"lower priority number wins", Copy{Priority: 1}, Copy{Priority: 2}, true},
		{"higher priority number loses", Copy{Priority: 2}, Copy{Priority: 1}, false},
		{"zero is the default priority", Copy{Priority: 0}, Copy{Priority: DefaultPriority}, false},
		{"negative is the default priority", Copy{Priority: -5}, Copy{Priority: 99}, false},
		{"default loses to a set higher one", Copy{}, Copy{Priority: 99}, false},
		{"set higher beats default", Copy{Priority: 99}, Copy{}, true},
		{"own site wins among equals", nation, jiji, true},
		{"other's site loses among equals", jiji, nation, false},
		{"priority before own site", Copy{Priority: 50, Site: "jen.jiji.com", Link: tradeLink}, nation, true},
		{"own site does not beat priority", nation, Copy{Priority: 50, Link: tradeLink}, false},
		{"both on own site: equals", nation, Copy{Priority: 100, Site: "nationthailand.com", Link: tradeLink}, false},
		{"neither on own site: equals", Copy{Priority: 7, Link: tradeLink}, Copy{Priority: 7, Link: tradeLink}, false},
	} {
		if got := Outranks(c.a, c.b); got != c.want {
			t.Errorf("%s: Outranks(%+v, %+v) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
	}
}

var noon = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func withDate(c Copy, t time.Time) Copy { c.Published = t; return c }

func TestWinner(t *testing.T) {
	for _, c := range []struct {
		name   string
		copies []Copy
		want   int
	}{
		{"none", nil, -1},
		{"one", []Copy{jiji}, 0},
		{"ties keep the first seen", []Copy{jiji, {Priority: 100, Link: tradeLink}}, 0},
		{"own site replaces the first seen", []Copy{jiji, nation}, 1},
		{"own site stays", []Copy{nation, jiji}, 0},
		{"priority wins over own site", []Copy{nation, jiji, {Priority: 1, Link: "https://example.com/x"}}, 2},
		{"first of the best", []Copy{{Priority: 3}, {Priority: 2}, {Priority: 2}, {Priority: 9}}, 1},
		{"earliest published among equals", []Copy{{Published: noon}, {Published: noon.Add(-time.Hour)}}, 1},
		{"undated copy never wins on dates", []Copy{{Published: noon}, {}}, 0},
		{"dated copy beats an undated first", []Copy{{}, {Published: noon}}, 1},
		{"same time keeps the first seen", []Copy{{Published: noon}, {Published: noon}}, 0},
		{"own site beats an earlier date", []Copy{withDate(jiji, noon.Add(-time.Hour)), withDate(nation, noon)}, 1},
	} {
		if got := Winner(c.copies); got != c.want {
			t.Errorf("%s: Winner = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestHostedBy(t *testing.T) {
	for _, c := range []struct {
		link, site string
		want       bool
	}{
		{tradeLink, "nationthailand.com", true},
		{"https://www.nationthailand.com/x", "nationthailand.com", true},
		{"https://m.NationThailand.com/x", "www.nationthailand.com", true},
		{"https://nationthailand.com/x", "NATIONTHAILAND.COM", true},
		{"https://notnationthailand.com/x", "nationthailand.com", false},
		{"https://nationthailand.com.evil.example/x", "nationthailand.com", false},
		{"https://jen.jiji.com/x", "jiji.com", true},
		{"https://jiji.com/x", "jen.jiji.com", false},
		{"", "nationthailand.com", false},
		{tradeLink, "", false},
		{"://bad", "bad", false},
	} {
		if got := HostedBy(c.link, c.site); got != c.want {
			t.Errorf("HostedBy(%q, %q) = %v, want %v", c.link, c.site, got, c.want)
		}
	}
}
