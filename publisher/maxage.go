package publisher

import (
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"wirefeed/config"
	"wirefeed/route"
)

// Bounds of a feed's max-age: clients should not poll more often than once
// a minute, nor go an hour without looking.
const (
	minMaxAge = time.Minute
	maxMaxAge = time.Hour
)

// sectionMaxAges returns how long each section's feeds may be cached: the
// shortest poll interval of the sources that can route stories to the
// section (through their sections, categories or fallback, or the
// section's include rules; every source for an `all: true` section),
// clamped to
// [minMaxAge, maxMaxAge]. A feed cannot change faster than its sources are
// polled. A section no source routes to gets the default schedule's
// interval, and a schedule that does not parse counts as minMaxAge.
func sectionMaxAges(cfg *config.Config, sections []config.Section) map[string]time.Duration {
	loc := cfg.Location()
	interval := func(spec string) time.Duration {
		if d, ok := pollInterval(spec, loc); ok {
			return d
		}
		return minMaxAge
	}
	def := interval(cfg.Schedule)
	sources := make([]time.Duration, len(cfg.Sources))
	for i, src := range cfg.Sources {
		sources[i] = interval(src.EffectiveSchedule(cfg.Schedule))
	}
	ages := make(map[string]time.Duration, len(sections))
	for _, sec := range sections {
		age := time.Duration(0)
		for i, src := range cfg.Sources {
			if (sec.All || route.Reaches(src, sec)) && (age == 0 || sources[i] < age) {
				age = sources[i]
			}
		}
		if age == 0 {
			age = def
		}
		ages[sec.ID] = min(max(age, minMaxAge), maxMaxAge)
	}
	return ages
}

// pollInterval returns the shortest gap between consecutive activations of
// the cron spec (as cron.ParseStandard reads it, in loc unless the spec
// names a zone) among the first few after a fixed time (Monday 2024-01-01 00:00 in loc),
// so that a schedule always gives the same max-age. It reports false
// when the spec does not parse or never fires.
func pollInterval(spec string, loc *time.Location) (time.Duration, bool) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return 0, false
	}
	t := sched.Next(time.Date(2024, 1, 1, 0, 0, 0, 0, loc))
	shortest := time.Duration(0)
	for range 8 {
		if t.IsZero() {
			break
		}
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		if d := next.Sub(t); shortest == 0 || d < shortest {
			shortest = d
		}
		t = next
	}
	return shortest, shortest > 0
}

// cacheControlValue is the Cache-Control of a feed with the given max-age.
func cacheControlValue(maxAge time.Duration) string {
	return "public, max-age=" + strconv.Itoa(int(maxAge/time.Second))
}
