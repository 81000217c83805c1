package aggregator

import (
	"time"

	"github.com/robfig/cron/v3"
)

// alignedEvery fires on every multiple of period since Go's zero time
// (time.Truncate), so that processes started at different times agree on
// its activations.
type alignedEvery struct{ period time.Duration }

// Next returns the first multiple of the period after t.
func (a alignedEvery) Next(t time.Time) time.Time {
	return t.Truncate(a.period).Add(a.period)
}

// PrevActivation returns the latest activation of sched at or before now:
// the due time of a run that fires now. Daemons sharing a database key
// their pulls by it. Zero when sched has not fired in the last 40 days.
func PrevActivation(sched cron.Schedule, now time.Time) time.Time {
	if a, ok := sched.(alignedEvery); ok {
		return now.Truncate(a.period)
	}
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		// Counted from when each process started: no shared due times.
		return now.Truncate(every.Delay)
	}
	// Look back a little first, further only for sparse schedules, so a
	// per-minute spec costs a couple of steps.
	for _, back := range []time.Duration{2 * time.Minute, 2 * time.Hour, 50 * time.Hour, 40 * 24 * time.Hour} {
		t := sched.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for steps := 0; steps < 100000; steps++ {
			next := sched.Next(t)
			if next.IsZero() || next.After(now) {
				return t
			}
			t = next
		}
		return t
	}
	return time.Time{}
}
