package console

import (
	"strings"
	"testing"
	"time"
)

// TestSilence: an hourly partner quiet for six hours is news; one quiet
// for two is not; nor is a source with no rhythm yet. Stories of one
// fetch count as one arrival.
func TestSilence(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	hourly := func(lastAgo time.Duration) []time.Time {
		var out []time.Time
		for i := range 10 {
			at := now.Add(-lastAgo - time.Duration(i)*time.Hour)
			out = append(out, at, at.Add(-time.Second)) // two stories per fetch
		}
		return out
	}
	if why := silence(hourly(6*time.Hour), now); !strings.Contains(why, "silent for 6h0m0s; usually a new story every 1h0m0s") {
		t.Errorf("hourly partner quiet for 6 h: %q", why)
	}
	if why := silence(hourly(2*time.Hour), now); why != "" {
		t.Errorf("hourly partner quiet for 2 h: %q", why)
	}
	if why := silence([]time.Time{now.Add(-30 * time.Hour), now.Add(-31 * time.Hour)}, now); why != "" {
		t.Errorf("no rhythm yet: %q", why)
	}
}

// TestChartOf: arrivals are counted in their hour; the busiest hour is
// full height; hours older than a day are left out.
func TestChartOf(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 30, 0, 0, time.UTC)
	arrivals := []time.Time{now.Add(-25 * time.Hour), now.Add(-2 * time.Hour), now.Add(-2 * time.Hour), now.Add(-10 * time.Minute)}
	ch := chartOf("nation", "Nation", arrivals, now)
	if ch.Total != 3 || len(ch.Bars) != deskHours {
		t.Fatalf("total %d, %d bars", ch.Total, len(ch.Bars))
	}
	busy, last := ch.Bars[deskHours-3], ch.Bars[deskHours-1]
	if busy.Count != 2 || busy.H != chartHeight || busy.Hour != "10:00" || last.Count != 1 || last.H != chartHeight/2 {
		t.Fatalf("bars %+v and %+v", busy, last)
	}
}
