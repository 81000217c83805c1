package config

import (
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// everyInterval reads the duration of an "@every" spec (after an optional
// zone prefix); ok is false for any other spec. The cron library turns
// "@every 0s" and "@every -5m" into one second, so the sign is checked
// here, on the text.
func everyInterval(spec string) (d time.Duration, ok bool, err error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		_, spec, _ = strings.Cut(spec, " ")
		spec = strings.TrimSpace(spec)
	}
	rest, found := strings.CutPrefix(spec, "@every ")
	if !found {
		return 0, false, nil
	}
	d, err = time.ParseDuration(strings.TrimSpace(rest))
	if err != nil {
		return 0, true, fmt.Errorf("invalid duration %q: want a number with a unit, such as \"10m\"", strings.TrimSpace(rest))
	}
	if d <= 0 {
		return d, true, fmt.Errorf("\"@every %s\" never waits: the interval must be longer than zero, such as \"@every 10m\"", strings.TrimSpace(rest))
	}
	return d, true, nil
}

// shortestInterval is the shortest time between two runs of a schedule
// that ParseSchedule returned. For a cron expression it is the shortest gap
// between two times of day it fires at, the last of one day and the first
// of the next counted as following each other (so it may be shorter than
// what a day-of-week or day-of-month restriction really gives, never
// longer).
func shortestInterval(s cron.Schedule) time.Duration {
	switch s := s.(type) {
	case cron.ConstantDelaySchedule:
		return s.Delay
	case *cron.SpecSchedule:
		const day = 24 * 60
		var times []int // minutes after midnight, ascending
		for h := range 24 {
			if s.Hour&(1<<h) == 0 {
				continue
			}
			for m := range 60 {
				if s.Minute&(1<<m) != 0 {
					times = append(times, h*60+m)
				}
			}
		}
		if len(times) == 0 {
			return day * time.Minute
		}
		gap := times[0] + day - times[len(times)-1]
		for i := 1; i < len(times); i++ {
			gap = min(gap, times[i]-times[i-1])
		}
		if bits.OnesCount64(s.Second&(1<<60-1)) > 1 {
			gap = 0 // several runs within one minute
		}
		return time.Duration(gap) * time.Minute
	}
	return 0
}
